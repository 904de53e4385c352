//! The UI's words, replaceable by the embedder (`text.<key>=...` configuration lines)
//! so a device ships the UI in its own language.

use alloc::string::String;

use wasp_guest::config::Config;

macro_rules! strings {
    ($( $field:ident = $default:literal, )*) => {
        /// Every text the UI shows; the embedder overrides any of them with a
        /// `text.<field>=...` configuration line.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct Strings {
            $( #[doc = concat!("Default: \"", $default, "\".")] pub $field: String, )*
        }

        impl Default for Strings {
            fn default() -> Self {
                Strings { $( $field: String::from($default), )* }
            }
        }

        impl Strings {
            /// The defaults with the configuration's `text.*` lines over them.
            pub fn from_config(config: &Config) -> Self {
                let mut s = Strings::default();
                $(
                    if let Some(v) = config.get(concat!("text.", stringify!($field))) {
                        s.$field = String::from(v);
                    }
                )*
                s
            }
        }
    };
}

strings! {
    audio = "Audio",
    subtitles = "Subtitles",
    quality = "Quality",
    off = "Off",
    auto = "Auto",
    default_track = "Default",
    live = "LIVE",
    paused = "Paused",
    retry = "Retry",
    back = "Back",
    retrying_in = "Retrying in {} s",
    error_title = "Playback stopped",
    error_network = "The network connection was lost.",
    error_unsupported = "This video cannot be played on this device.",
    error_decoder = "The video decoder failed.",
    error_malformed = "The video stream is damaged.",
    error_other = "Something went wrong.",
    ended = "Finished. Press OK to watch again.",
    stopped = "Stopped. Press OK to play.",
    no_video = "No video to play.",
}

impl Strings {
    /// `retrying_in` with its `{}` replaced by `seconds`.
    pub fn retrying(&self, seconds: i64) -> String {
        let mut n = itoa(seconds);
        match self.retrying_in.split_once("{}") {
            Some((a, b)) => {
                n.insert_str(0, a);
                n.push_str(b);
                n
            }
            None => self.retrying_in.clone(),
        }
    }
}

/// A whole number in decimal.
pub fn itoa(n: i64) -> String {
    use core::fmt::Write;
    let mut s = String::new();
    let _ = write!(s, "{n}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_lines_replace_the_defaults() {
        let config =
            Config::from_text("text.retry=Réessayer\ntext.retrying_in=Nouvel essai dans {} s\n");
        let s = Strings::from_config(&config);
        assert_eq!(s.retry, "Réessayer");
        assert_eq!(s.back, "Back");
        assert_eq!(s.retrying(7), "Nouvel essai dans 7 s");
        assert_eq!(Strings::default().retrying(12), "Retrying in 12 s");
    }
}
