#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! A generated 10,000-segment playlist parses quickly, exactly, and in memory
//! proportional to its size.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use wasp_engine::hls::MediaPlaylist;

/// Counts the bytes live on the heap and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only adds counting.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// 10,000 segments of 6.006 s (NTSC-ish: not representable in binary floating point),
/// every 1000th after a discontinuity, each with a 2-line entry and a byte range.
fn generate() -> String {
    let mut text = String::from(
        "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-TARGETDURATION:7\n#EXT-X-MEDIA-SEQUENCE:4000000000\n#EXT-X-PLAYLIST-TYPE:VOD\n",
    );
    for i in 0..10_000u64 {
        if i > 0 && i % 1000 == 0 {
            text.push_str("#EXT-X-DISCONTINUITY\n");
        }
        // Four sub-ranges per file: the first has an offset, the others continue it.
        let length = 188 * (100 + i % 7);
        let offset = if i % 4 == 0 { "@0" } else { "" };
        let file = i / 4;
        text.push_str(&format!(
            "#EXTINF:6.006,\n#EXT-X-BYTERANGE:{length}{offset}\nsegment_{file:05}.ts\n"
        ));
    }
    text.push_str("#EXT-X-ENDLIST\n");
    text
}

#[test]
fn ten_thousand_segments_parse_exactly_and_quickly() {
    let text = generate();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let p = MediaPlaylist::parse(&text, "https://cdn.example/vod/index.m3u8").unwrap();
    let elapsed = started.elapsed();
    let kept = LIVE.load(Ordering::Relaxed) - before;
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(p.segments.len(), 10_000);
    let last = p.segments.last().unwrap();
    assert_eq!(last.sequence, 4_000_009_999);
    assert_eq!(last.discontinuity_sequence, 9);
    // 10,000 × 6.006 s = 60,060 s exactly, not 60059.999999…
    assert_eq!(p.duration(), Duration::from_secs(60_060));
    assert_eq!(last.start, Duration::from_millis(60_060_000 - 6006));
    assert_eq!(last.uri, "https://cdn.example/vod/segment_02499.ts");
    // Byte ranges continue within each file: segment 9999 is the 4th of its file.
    let r = last.byte_range.unwrap();
    let lengths: u64 = (9996..9999).map(|i| 188 * (100 + i % 7)).sum();
    assert_eq!((r.offset, r.length), (lengths, 188 * (100 + 9999 % 7)));
    for pair in p.segments.windows(2) {
        assert_eq!(pair[1].sequence, pair[0].sequence + 1);
        assert_eq!(pair[1].start, pair[0].end());
    }
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    // About 10 ms in a release build, 100 ms unoptimised; the bounds leave room
    // for a loaded CI machine.
    let limit = if cfg!(debug_assertions) { 5000 } else { 500 };
    assert!(elapsed < Duration::from_millis(limit), "took {elapsed:?}");
    // Memory proportional to the size: the `Segment`s, reserved once (no growth
    // copies, so the peak is the final size), and their resolved URIs; never a copy
    // of the text per segment.
    let per_segment = std::mem::size_of::<wasp_engine::hls::Segment>() + 48;
    assert_eq!(p.segments.capacity(), 10_000);
    assert!(
        kept <= 10_000 * per_segment,
        "kept {kept} bytes for {} bytes of text",
        text.len()
    );
    assert!(peak <= kept + 64 * 1024, "peak {peak} bytes, kept {kept}");
    eprintln!(
        "10,000 segments: {} bytes of text, {kept} bytes kept, {peak} peak, {elapsed:?}",
        text.len()
    );
}
