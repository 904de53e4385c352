//! `--window`: the display in a real window (minifb, X11 loaded at run time), the
//! keyboard as the remote, the session in real time.

use minifb::{Key as Kb, KeyRepeat, Window, WindowOptions};
use wasp_core::abi::key::{Key, KeyAction};
use wasp_emu::runner::{on_big_stack, AudioDevice, Session, MAX_STEP_US};
use wasp_emu::{Profile, Screen, Script};

/// What `--window` needs on the machine when the window cannot open.
const NEEDS: &str = "--window needs an X11 display ($DISPLAY) and the X11 client \
libraries, loaded at run time: apt-get install -y --no-install-recommends libx11-6 \
libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0 (headless runs need none of them)";

/// The remote key a keyboard key stands for.
fn remote(key: Kb) -> Option<Key> {
    Some(match key {
        Kb::Up => Key::Up,
        Kb::Down => Key::Down,
        Kb::Left => Key::Left,
        Kb::Right => Key::Right,
        Kb::Enter => Key::Ok,
        Kb::Space => Key::PlayPause,
        Kb::Backspace | Kb::Escape => Key::Back,
        Kb::I => Key::Info,
        Kb::M => Key::Menu,
        Kb::A => Key::Audio,
        Kb::S => Key::Subtitle,
        _ => return None,
    })
}

/// Plays `script`'s stream in a window until it is closed or the stream ends.
pub fn show(script: &Script, profile: &Profile, audio: &AudioDevice) -> Result<(), String> {
    let (script, profile, audio) = (script.clone(), profile.clone(), audio.clone());
    on_big_stack(move || run(&script, &profile, &audio))
}

fn run(script: &Script, profile: &Profile, audio: &AudioDevice) -> Result<(), String> {
    let (w, h) = (
        profile.device.display_width as usize,
        profile.device.display_height as usize,
    );
    if w == 0 || h == 0 {
        return Err(format!("the profile {} has no display", profile.name));
    }
    let options = WindowOptions {
        resize: true,
        ..WindowOptions::default()
    };
    let mut window = Window::new("wasp-emu", w, h, options)
        .map_err(|e| format!("cannot open a window: {e}\n{NEEDS}"))?;
    let mut session = Session::new(
        profile,
        &script.url,
        &script.config,
        script.framemd5_timebase,
        true,
    )?;
    if let Some(note) = session.use_sound_card(audio)? {
        eprintln!("wasp-emu: {note}");
    }
    let mut buffer = vec![0u32; w.saturating_mul(h)];
    // Keys held now: a key the window reports again while held is an auto-repeat.
    let mut held: Vec<Kb> = Vec::new();
    // About 60 redraws a second.
    let frame_us = 16_000;
    while window.is_open() && session.now() < script.duration_us {
        for key in window.get_keys_pressed(KeyRepeat::Yes) {
            let action = if held.contains(&key) {
                KeyAction::Repeat
            } else {
                held.push(key);
                KeyAction::Down
            };
            if let Some(k) = remote(key) {
                eprintln!("wasp-emu: key {k:?} {action:?}");
                session.key_event(k, action);
            }
        }
        for key in window.get_keys_released() {
            held.retain(|k| *k != key);
            if let Some(k) = remote(key) {
                eprintln!("wasp-emu: key {k:?} {:?}", KeyAction::Up);
                session.key_event(k, KeyAction::Up);
            }
        }
        let next = session.tick();
        if let Some(screen) = Screen::capture(&session.device().port) {
            for (dst, rgb) in buffer.iter_mut().zip(screen.rgb.chunks_exact(3)) {
                if let [r, g, b] = rgb {
                    *dst = u32::from(*r) << 16 | u32::from(*g) << 8 | u32::from(*b);
                }
            }
        }
        window
            .update_with_buffer(&buffer, w, h)
            .map_err(|e| format!("the window failed: {e}"))?;
        let now = session.now();
        let wake = (next - session.start_us).clamp(now + 1, now + frame_us.min(MAX_STEP_US));
        session.advance_to(wake);
    }
    Ok(())
}
