//! Files as fetch bodies: which host file a `file://` URL names, and the response
//! headers a file comes with.
//!
//! A URL `file:///path` names `path` as the board's [`Storage`](crate::storage::Storage)
//! takes it (under QEMU, relative to the folder QEMU runs in: semihosting opens host
//! paths relative to QEMU's working directory). A file's response headers
//! are the lines of its sidecar `<file>.headers`, one `Name: value` per line (names
//! compared without regard to case, as HTTP's are: RFC 9110 §5.1), so a capture of an
//! ICY stream plays as the radio stream it came from (`icy-metaint`, `content-type`).

/// The sidecar's suffix: `<file>.headers`.
pub const SUFFIX: &str = ".headers";

/// The storage path a `file:///path` URL names (`path`);
/// `None` for another scheme or an empty path.
pub fn file_path(url: &str) -> Option<&str> {
    url.strip_prefix("file:///").filter(|p| !p.is_empty())
}

/// The value of header `name` in a sidecar's text, trimmed; `None` when no line
/// names it. Lines without a colon are ignored.
pub fn header<'a>(sidecar: &'a str, name: &str) -> Option<&'a str> {
    sidecar.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then_some(value.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_url_names_a_path_relative_to_qemus_folder() {
        assert_eq!(
            file_path("file:///../radio/tone.mp3.icy"),
            Some("../radio/tone.mp3.icy")
        );
        assert_eq!(file_path("file:///"), None);
        assert_eq!(file_path("http://radio.example/tone"), None);
    }

    #[test]
    fn header_names_match_without_case_and_values_are_trimmed() {
        let sidecar = "Content-Type: audio/mpeg\r\nicy-metaint:4000\nnot a header\n";
        assert_eq!(header(sidecar, "content-type"), Some("audio/mpeg"));
        assert_eq!(header(sidecar, "ICY-METAINT"), Some("4000"));
        assert_eq!(header(sidecar, "icy-name"), None);
        assert_eq!(header("", "content-type"), None);
    }
}
