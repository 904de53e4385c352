//! DASH MPDs: arbitrary bytes (lossily UTF-8) → `Mpd::parse` → every Representation's
//! segments, all and live-available at a clock taken from the input, capped.
//! Invariants: nothing panics; iteration is bounded by the cap however large the
//! timeline (`r` = 2^31, 1-tick durations over centuries); numbers, media times and
//! presentation starts never decrease; durations are non-negative; the timescale is
//! never 0; windows start where asked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasp_engine::dash::{Mpd, Segment};
use wasp_engine::time::Micros;

/// Segments taken from one iterator.
const CAP: usize = 2_000;
/// Segments taken over one input (many Representations × three walks).
const BUDGET: usize = 12_000;

fn check(segments: impl Iterator<Item = Segment>, budget: &mut usize) {
    let mut previous: Option<Segment> = None;
    for s in segments.take(CAP.min(*budget)) {
        *budget -= 1;
        assert!(s.time.timescale > 0);
        assert_eq!(s.time.timescale, s.duration.timescale);
        assert!(s.duration.value >= 0);
        assert!(s.time.value.checked_add(s.duration.value).is_some());
        if let Some(p) = &previous {
            assert!(s.number >= p.number, "numbers go back");
            assert!(s.time.value >= p.time.value, "media times go back");
            assert!(s.start >= p.start, "presentation times go back");
        }
        previous = Some(s);
    }
}

fuzz_target!(|data: &[u8]| {
    let (clock, text) = match data.split_first_chunk::<8>() {
        Some((clock, rest)) => (i64::from_le_bytes(*clock), rest),
        None => (0, data),
    };
    let text = String::from_utf8_lossy(text);
    let Ok(mpd) = Mpd::parse(&text, "https://fuzz.example/dir/manifest.mpd") else {
        return;
    };
    let mut budget = BUDGET;
    for (period, _, rep) in mpd.representations() {
        let _ = rep.initialization();
        if rep.index().is_some() {
            // Arbitrary bytes as the sidx: refused or listed, never a panic.
            let _ = rep.segments_from_index(text.as_bytes(), 0);
        }
        check(rep.segments(), &mut budget);
        check(rep.available_segments(clock), &mut budget);
        // A window: its first segment ends after the time asked.
        let at = Micros(period.start.0.saturating_add(clock.rem_euclid(1 << 40)));
        let window = rep.segments().from_time(at);
        if let Some(first) = window.clone().next() {
            // Exactly: (time + duration − offset) / timescale > at − period start.
            let offset = i128::from(rep.addressing.base().presentation_time_offset);
            let end = i128::from(first.time.value) + i128::from(first.duration.value) - offset;
            let asked = i128::from(at.0) - i128::from(period.start.0);
            assert!(
                end * 1_000_000 > asked * i128::from(first.time.timescale),
                "the window starts before the time asked"
            );
        }
        check(window, &mut budget);
    }
});
