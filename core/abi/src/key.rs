//! Remote-control keys and key actions (delivered as [`crate::event::KeyEvent`]).

use crate::wire::wire_enum;

wire_enum! {
    /// A key of a TV remote control. Ports map their hardware codes (evdev, CEC, IR,
    /// GPIO buttons) to these; a key the port cannot map is not delivered.
    pub enum Key {
        /// Not a key; never delivered.
        None = 0,
        /// Digit 0.
        Digit0 = 1,
        /// Digit 1.
        Digit1 = 2,
        /// Digit 2.
        Digit2 = 3,
        /// Digit 3.
        Digit3 = 4,
        /// Digit 4.
        Digit4 = 5,
        /// Digit 5.
        Digit5 = 6,
        /// Digit 6.
        Digit6 = 7,
        /// Digit 7.
        Digit7 = 8,
        /// Digit 8.
        Digit8 = 9,
        /// Digit 9.
        Digit9 = 10,
        /// Arrow up.
        Up = 16,
        /// Arrow down.
        Down = 17,
        /// Arrow left.
        Left = 18,
        /// Arrow right.
        Right = 19,
        /// OK / Enter / Select.
        Ok = 20,
        /// Back / Return.
        Back = 21,
        /// Home.
        Home = 22,
        /// Menu / Options.
        Menu = 23,
        /// Info / Display.
        Info = 24,
        /// Exit the application.
        Exit = 25,
        /// Combined play/pause toggle.
        PlayPause = 32,
        /// Play.
        Play = 33,
        /// Pause.
        Pause = 34,
        /// Stop.
        Stop = 35,
        /// Seek forward / fast forward.
        SeekForward = 36,
        /// Seek back / rewind.
        SeekBack = 37,
        /// Next item / chapter.
        Next = 38,
        /// Previous item / chapter.
        Previous = 39,
        /// Channel up.
        ChannelUp = 48,
        /// Channel down.
        ChannelDown = 49,
        /// Volume up (usually handled by the TV; delivered when the device has it).
        VolumeUp = 50,
        /// Volume down.
        VolumeDown = 51,
        /// Mute.
        Mute = 52,
        /// Subtitle selection key.
        Subtitle = 53,
        /// Audio track key.
        Audio = 54,
        /// Red colour key.
        Red = 64,
        /// Green colour key.
        Green = 65,
        /// Yellow colour key.
        Yellow = 66,
        /// Blue colour key.
        Blue = 67,
    }
}

impl Key {
    /// The digit for `Digit0..=Digit9`.
    pub const fn digit(self) -> Option<u8> {
        let v = self as u32;
        if v >= 1 && v <= 10 {
            Some((v - 1) as u8)
        } else {
            None
        }
    }
}

wire_enum! {
    /// What happened to a key.
    pub enum KeyAction {
        /// Pressed.
        Down = 0,
        /// Released.
        Up = 1,
        /// Auto-repeat while held (the port's repeat rate).
        Repeat = 2,
    }
}
