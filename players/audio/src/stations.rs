//! The station list from the embedder's configuration.
//!
//! ```text
//! station.0.name=Tone FM
//! station.0.url=http://radio.example/stream
//! station.1.name=Podcast
//! station.1.url=file:///sd/episode.mp3
//! ```
//!
//! Indices start at 0 and end at the first missing `station.N.url`; a station without a
//! name is called by its URL. A plain `url=` (and `title=`), as other modules take it,
//! is one more station in front of the list.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use wasp_guest::config::Config;

/// Most stations read from the configuration.
pub const MAX_STATIONS: usize = 64;

/// One entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Station {
    /// What the screen calls it.
    pub name: String,
    /// Where it plays from (`http(s)://`, `file://`; `.m3u8` is HLS).
    pub url: String,
}

/// The stations of `config`, in order (module docs).
pub fn from_config(config: &Config) -> Vec<Station> {
    let mut list = Vec::new();
    if let Some(url) = config.get("url").filter(|u| !u.is_empty()) {
        list.push(Station {
            name: String::from(config.get("title").unwrap_or(url)),
            url: String::from(url),
        });
    }
    for i in 0..MAX_STATIONS {
        let Some(url) = config.get(&format!("station.{i}.url")) else {
            break;
        };
        let name = config
            .get(&format!("station.{i}.name"))
            .filter(|n| !n.is_empty())
            .unwrap_or(url);
        list.push(Station {
            name: String::from(name),
            url: String::from(url),
        });
    }
    list
}

/// The index after `i` in a list of `len`, wrapping (`forward` false: before).
pub fn step(i: usize, len: usize, forward: bool) -> usize {
    if len == 0 {
        0
    } else if forward {
        (i + 1) % len
    } else {
        (i + len - 1) % len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stations_are_read_in_order_until_the_first_gap() {
        let config = Config::from_text(
            "station.0.name=One\nstation.0.url=http://a/1\nstation.1.url=http://a/2\n\
             station.3.name=Never\nstation.3.url=http://a/4\n",
        );
        let list = from_config(&config);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "One");
        assert_eq!(list[1].name, "http://a/2");
    }

    #[test]
    fn a_plain_url_comes_first() {
        let config =
            Config::from_text("url=file:///x.mp3\ntitle=Episode\nstation.0.url=http://r\n");
        let list = from_config(&config);
        assert_eq!(list[0].name, "Episode");
        assert_eq!(list[1].url, "http://r");
    }

    #[test]
    fn stepping_wraps_both_ways() {
        assert_eq!(step(2, 3, true), 0);
        assert_eq!(step(0, 3, false), 2);
        assert_eq!(step(0, 0, true), 0);
    }
}
