//! Arbitrary bytes → HLS playlist parsers (media, master, either), and a live reload
//! merge of two playlists cut from the same input. Nothing may panic, and every parsed
//! media playlist must keep its promises: media sequence numbers increase by one,
//! start times are the exact running sum of durations (so never decrease),
//! discontinuity sequence numbers never decrease, byte ranges do not overflow, and
//! memory stays proportional to the input (at most one segment per line, warnings
//! capped).
#![no_main]

use wasp_engine::hls::{self, live, MasterPlaylist, MediaPlaylist, Playlist, MAX_WARNINGS};

const URL: &str = "https://fuzz.example/a/b/index.m3u8?token=x";

fn check_media(p: &MediaPlaylist, input_lines: usize) {
    assert!(p.segments.len() <= input_lines, "more segments than lines");
    assert!(p.warnings.len() <= MAX_WARNINGS);
    for pair in p.segments.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert_eq!(b.sequence, a.sequence.saturating_add(1), "sequence +1");
        assert!(b.start >= a.start, "start non-decreasing");
        assert_eq!(b.start, a.start.saturating_add(a.duration), "exact sum");
        assert!(b.discontinuity_sequence >= a.discontinuity_sequence);
    }
    for s in &p.segments {
        if let Some(r) = s.byte_range {
            assert!(r.end() >= r.offset);
        }
        // The IV rule: the key's IV or the sequence number, big-endian.
        if let (Some(key), Some(iv)) = (s.key(), s.iv()) {
            if key.iv.is_none() {
                assert_eq!(u128::from_be_bytes(iv), u128::from(s.sequence));
            }
        }
        // Whatever segment_at finds holds the time asked for.
        if let Some(found) = p.segment_at(s.start) {
            assert!(found.start <= s.start && s.start < found.end());
        }
    }
    let _ = p.duration();
    let _ = live::reload_delay(p, true);
    let _ = live::reload_delay(p, false);
    if let Some(url) = live::reload_url(p, true) {
        assert!(url.contains("_HLS_msn="));
    }
    if let Some(last) = p.segments.last() {
        assert_eq!(
            p.segment(last.sequence).map(|s| s.sequence),
            Some(last.sequence)
        );
    }
}

fn check_master(m: &MasterPlaylist) {
    assert!(m.warnings.len() <= MAX_WARNINGS);
    for v in &m.variants {
        let _ = v.stream.codecs().count();
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let lines = data.split(|&b| b == b'\n').count();
    if let Ok(p) = MediaPlaylist::parse_bytes(data, URL) {
        check_media(&p, lines);
        // A reload of itself is unchanged and adds nothing.
        let same = live::merge(&p, p.clone());
        if let Ok(r) = same {
            check_media(&r.playlist, lines);
            if p.skip.is_none() {
                assert_eq!(r.first_new, r.playlist.segments.len());
            }
        }
    }
    if let Ok(m) = MasterPlaylist::parse_bytes(data, URL) {
        check_master(&m);
    }
    match hls::parse_bytes(data, URL) {
        Ok(Playlist::Media(p)) => check_media(&p, lines),
        Ok(Playlist::Master(m)) => check_master(&m),
        Err(_) => {}
    }
    // Two playlists from one input, split where the first byte says: the second as a
    // reload of the first.
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut) * rest.len() / 256;
    let (a, b) = rest.split_at(cut);
    let (Ok(previous), Ok(reloaded)) = (
        MediaPlaylist::parse_bytes(a, URL),
        MediaPlaylist::parse_bytes(b, URL),
    ) else {
        return;
    };
    if let Ok(r) = live::merge(&previous, reloaded) {
        check_media(&r.playlist, lines + previous.segments.len());
        assert!(r.first_new <= r.playlist.segments.len());
        if let (false, Some(last)) = (r.restarted, previous.segments.last()) {
            assert!(r.playlist.segments[r.first_new..]
                .iter()
                .all(|s| s.sequence > last.sequence));
        }
    }
});
