//! Arbitrary bytes as a progressive MP4 (random access over the slice, then every
//! sample and a seek on every track) and as fragmented MP4 pushed in chunk sizes
//! taken from the input. Invariants: nothing panics, memory stays bounded (run with
//! `-rss_limit_mb=512`), every access unit's ranges lie inside the input and add up
//! to its size, and the chunking does not change what comes out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasp_engine::media::{AccessUnit, Demuxer, Event};
use wasp_engine::mp4::{FragmentDemuxer, Movie, Progressive};

/// Most samples looked at per input (a table may declare billions of empty ones).
const MAX_SAMPLES: usize = 1 << 16;

fn check_unit(au: &AccessUnit, input: &[u8]) {
    let mut total = 0u64;
    for r in &au.ranges {
        let end = r
            .offset
            .checked_add(u64::from(r.length))
            .expect("range overflows");
        assert!(
            end <= input.len() as u64,
            "range {r:?} outside {} input bytes",
            input.len()
        );
        total += u64::from(r.length);
    }
    assert_eq!(
        total,
        u64::from(au.size),
        "ranges do not add up to the size"
    );
}

/// The range-request walk with a server that answers at most `limit` bytes per
/// request: the same movie as with whole answers, or an error for both.
fn walk_in_small_reads(input: &[u8], limit: usize) -> Option<Movie> {
    let mut p = Progressive::new(input.len() as u64);
    let mut requests = 0;
    while let Some(r) = p.next_fetch() {
        // Every answer moves the walk on by at least one byte of the file.
        requests += 1;
        assert!(requests <= input.len() + 1, "the walk does not progress");
        let start = usize::try_from(r.offset).ok()?.min(input.len());
        let end = start
            .saturating_add((r.length as usize).min(limit))
            .min(input.len());
        if start == end {
            return None; // the file ends where the walk needs more
        }
        p.feed(r.offset, &input[start..end]).ok()?;
    }
    p.into_movie()
}

fn progressive(input: &[u8], limit: usize) {
    let parsed = Progressive::parse(input);
    let walked = walk_in_small_reads(input, limit);
    assert_eq!(
        parsed.as_ref().ok(),
        walked.as_ref(),
        "small reads change the movie"
    );
    let Ok(movie) = parsed else {
        return;
    };
    for (track, sample) in movie.interleaved().take(MAX_SAMPLES) {
        check_unit(&movie.tracks[track].access_unit(&sample), input);
    }
    for (i, track) in movie.tracks.iter().enumerate() {
        for time in [i64::MIN, -1, 0, 90_000, i64::MAX] {
            if let Some(s) = movie.find_sample_at(i, time) {
                check_unit(&track.access_unit(&s), input);
                let from: Vec<_> = movie.samples_from(i, s.index).take(64).collect();
                let walked: Vec<_> = movie.samples(i).skip(s.index as usize).take(64).collect();
                assert_eq!(from, walked, "seeking disagrees with walking");
            }
        }
    }
}

/// Pushes `input` in chunks cycling through `sizes`; returns the events' digest.
fn fragmented(input: &[u8], sizes: &[usize]) -> (Vec<Event>, bool) {
    let mut d = FragmentDemuxer::new();
    let mut events = Vec::new();
    let mut ok = true;
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() && ok {
        let n = sizes[i % sizes.len()].clamp(1, rest.len());
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        i += 1;
        ok = d
            .push(chunk, &mut |e| {
                if events.len() < MAX_SAMPLES {
                    events.push(e)
                }
            })
            .is_ok();
    }
    if ok {
        ok = d.finish(&mut |e| events.push(e)).is_ok();
    }
    for e in &events {
        if let Event::Sample(au) = e {
            check_unit(au, input);
        }
    }
    (events, ok)
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else {
        return;
    };
    progressive(input, 1 + usize::from(control) * 3);
    let whole = fragmented(input, &[input.len().max(1)]);
    let sizes = [
        1 + usize::from(control % 17),
        1 + usize::from(control) * 7,
        1,
    ];
    let chunked = fragmented(input, &sizes);
    if whole.1 && chunked.1 && whole.0.len() < MAX_SAMPLES {
        // Per kind: a sample whose bytes end inside a metadata box may come out before
        // or after that box's event, depending on where the chunks split.
        for kind in [0, 1, 2] {
            let of = |events: &[Event]| -> Vec<Event> {
                let kind_of = |e: &Event| match e {
                    Event::Track(_) => 0,
                    Event::Sample(_) => 1,
                    Event::Metadata(_) => 2,
                };
                events
                    .iter()
                    .filter(|e| kind_of(e) == kind)
                    .cloned()
                    .collect()
            };
            assert_eq!(of(&whole.0), of(&chunked.0), "chunking changed the output");
        }
    }
});
