#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Hostile and damaged MP4: truncation, sizes that lie, counts that would allocate
//! gigabytes, 64-bit sizes. Every case ends in an error or in samples that stay
//! inside the input, and no single allocation grows with a declared count.

#[path = "mp4/common.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use wasp_engine::media::{AccessUnit, DemuxError, Demuxer, Event};
use wasp_engine::mp4::{parse_moov, FragmentDemuxer, Progressive};

/// Records the largest single allocation request of this test binary.
struct Largest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only records sizes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

/// No allocation in this binary may reach 1 MiB (fixtures are under 200 KiB).
fn assert_no_large_allocation() {
    assert!(
        LARGEST.load(Ordering::Relaxed) < 1 << 20,
        "an allocation of {} bytes",
        LARGEST.load(Ordering::Relaxed)
    );
}

/// The offset of the first box `kind` whose header is inside `bytes` (by search).
fn find(bytes: &[u8], kind: &[u8; 4]) -> usize {
    bytes.windows(4).position(|w| w == kind).unwrap() - 4
}

fn put_u32(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

fn get_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap())
}

fn push_all(input: &[u8], chunk: usize) -> (Vec<AccessUnit>, Result<(), DemuxError>) {
    let mut d = FragmentDemuxer::new();
    let mut samples = Vec::new();
    let mut sink = |e: Event| {
        if let Event::Sample(s) = e {
            samples.push(s)
        }
    };
    for c in input.chunks(chunk) {
        if let Err(e) = d.push(c, &mut sink) {
            return (samples, Err(e));
        }
    }
    let r = d.finish(&mut sink);
    (samples, r)
}

fn hls() -> Vec<u8> {
    [
        fixture("hls-fmp4/init_0.mp4"),
        fixture("hls-fmp4/v0_000.m4s"),
    ]
    .concat()
}

#[test]
fn a_file_truncated_inside_moov_fails() {
    let file = fixture("progressive/faststart.mp4");
    for cut in [0, 7, 40, 2000, 4000] {
        assert!(Progressive::parse(&file[..cut]).is_err(), "cut at {cut}");
    }
    let end = fixture("progressive/moov-at-end.mp4");
    assert!(Progressive::parse(&end[..end.len() - 1]).is_err());
    assert_no_large_allocation();
}

#[test]
fn a_file_truncated_inside_mdat_yields_only_the_samples_it_holds() {
    let file = fixture("progressive/faststart.mp4");
    let cut = &file[..100_000];
    let err = Progressive::parse(cut);
    // The walk needs no byte after moov, so the movie parses; its samples stop at the cut.
    let movie = err.unwrap();
    let samples: Vec<_> = movie.interleaved().collect();
    let all = Progressive::parse(&file).unwrap().interleaved().count();
    assert!(!samples.is_empty() && samples.len() < all);
    for (track, s) in &samples {
        let au = movie.tracks[*track].access_unit(s);
        assert!(
            au.gather(cut).is_some(),
            "{au:?} outside the truncated file"
        );
    }
}

#[test]
fn a_fragment_truncated_inside_mdat_emits_complete_samples_then_fails() {
    let input = hls();
    let full = push_all(&input, 4096).0.len();
    let cut = &input[..input.len() - 5000];
    for chunk in [1, 100, cut.len()] {
        let (samples, result) = push_all(cut, chunk);
        assert!(
            matches!(result, Err(DemuxError::Malformed(_))),
            "{result:?}"
        );
        assert!(samples.len() < full);
        assert!(samples.iter().all(|s| s.gather(cut).is_some()));
    }
}

#[test]
fn a_box_overrunning_its_parent_is_malformed() {
    let mut file = fixture("progressive/faststart.mp4");
    let trak = find(&file, b"trak");
    put_u32(&mut file, trak, 1_000_000);
    assert!(matches!(
        Progressive::parse(&file),
        Err(DemuxError::Malformed(_))
    ));

    let mut input = hls();
    let traf = find(&input[1371..], b"traf") + 1371; // in the segment's moof
    put_u32(&mut input, traf, 100_000);
    let (samples, result) = push_all(&input, 4096);
    assert!(
        matches!(result, Err(DemuxError::Malformed(_))),
        "{result:?}"
    );
    assert!(samples.is_empty());
}

#[test]
fn a_huge_declared_sample_count_fails_without_allocating() {
    // stsz: version/flags, sample_size 0, sample_count.
    let mut file = fixture("progressive/faststart.mp4");
    let stsz = find(&file, b"stsz");
    put_u32(&mut file, stsz + 16, u32::MAX);
    assert!(matches!(
        Progressive::parse(&file),
        Err(DemuxError::Malformed(_))
    ));
    // The same for stco, stts, stss and ctts entry counts.
    for kind in [b"stco", b"stts", b"stss", b"ctts", b"stsc"] {
        let mut file = fixture("progressive/faststart.mp4");
        let at = find(&file, kind);
        put_u32(&mut file, at + 12, 0x4000_0000);
        assert!(
            Progressive::parse(&file).is_err(),
            "{}",
            String::from_utf8_lossy(kind)
        );
    }
    // trun: a count with no per-sample fields costs no bytes, so it is capped.
    let mut input = hls();
    let trun = find(&input[1371..], b"trun") + 1371;
    put_u32(&mut input, trun + 12, u32::MAX);
    let (_, result) = push_all(&input, 4096);
    assert!(result.is_err());
    assert_no_large_allocation();
}

#[test]
fn a_constant_size_table_declaring_billions_of_samples_is_walked_lazily() {
    // A synthetic track: stsz constant size 1 for 2^32-1 samples, one stts run, one
    // chunk: parsing allocates nothing per sample and the walk stops at the file end.
    let file = fixture("progressive/faststart.mp4");
    let mut movie_bytes = file[find(&file, b"moov") + 8..find(&file, b"free")].to_vec();
    let stsz = find(&movie_bytes, b"stsz");
    put_u32(&mut movie_bytes, stsz + 12, 1);
    put_u32(&mut movie_bytes, stsz + 16, u32::MAX);
    let movie = parse_moov(&movie_bytes).unwrap();
    assert_eq!(movie.tracks[0].sample_count(), u32::MAX);
    // The walk ends with the shortest table (stts: 100 samples), one step at a time.
    let samples: Vec<_> = movie.samples(0).collect();
    assert_eq!(samples.len(), 100);
    assert!(samples.iter().all(|s| s.size == 1));
    assert!(samples.windows(2).all(|w| w[1].dts == w[0].dts + 512));
    assert_no_large_allocation();
}

#[test]
fn a_largesize_mdat_is_read_in_both_demuxers() {
    // moov-at-end: `free` (8) + `mdat` header (8) become one 16-byte largesize header,
    // so every sample keeps its offset.
    let mut file = fixture("progressive/moov-at-end.mp4");
    let free = find(&file, b"free");
    assert_eq!(free, 32);
    let mdat_size = u64::from(get_u32(&file, 40));
    let mut header = vec![0, 0, 0, 1];
    header.extend_from_slice(b"mdat");
    header.extend_from_slice(&(mdat_size + 8).to_be_bytes());
    file[32..48].copy_from_slice(&header);
    let patched = Progressive::parse(&file).unwrap();
    let original = Progressive::parse(&fixture("progressive/moov-at-end.mp4")).unwrap();
    assert_eq!(patched, original);
    let expected = packets(&golden("progressive_moov-at-end.mp4.packets.csv"), true);
    assert_eq!(patched.interleaved().count(), expected.len());

    // fMP4: the segment's mdat gets a 16-byte header; its trun data offsets (relative
    // to the moof) move by 8.
    let input = hls();
    let mdat = find(&input[1371..], b"mdat") + 1371;
    let mut patched = input[..mdat].to_vec();
    let size = u64::from(get_u32(&input, mdat));
    patched.extend_from_slice(&[0, 0, 0, 1]);
    patched.extend_from_slice(b"mdat");
    patched.extend_from_slice(&(size + 8).to_be_bytes());
    patched.extend_from_slice(&input[mdat + 8..]);
    let mut at = 1371;
    while let Some(p) = patched[at..mdat].windows(4).position(|w| w == b"trun") {
        let trun = at + p - 4;
        assert_eq!(get_u32(&patched, trun + 8) & 1, 1, "data offset present");
        let off = get_u32(&patched, trun + 16);
        put_u32(&mut patched, trun + 16, off + 8);
        at = trun + 8;
    }
    let (want, r) = push_all(&input, 4096);
    r.unwrap();
    for chunk in [1, 13, patched.len()] {
        let (got, r) = push_all(&patched, chunk);
        r.unwrap();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.ranges[0].offset, w.ranges[0].offset + 8);
            assert_eq!(g.gather(&patched), w.gather(&input));
        }
    }
}

#[test]
fn a_moof_before_any_init_segment_is_malformed() {
    let (_, result) = push_all(&fixture("hls-fmp4/v0_000.m4s"), 4096);
    assert!(
        matches!(result, Err(DemuxError::Malformed(_))),
        "{result:?}"
    );
}

/// Found by the `mp4` fuzz target: an empty `moov` (an 8-byte box) was complete only if
/// the answer that carried its header also carried one more byte; a walk whose answer
/// ended exactly at the header asked for zero bytes and never finished.
#[test]
fn an_empty_moov_completes_whatever_the_read_sizes() {
    let file: &[u8] = &[
        0, 0, 0, 8, b'm', b'o', b'o', b'v', 0, 0, 1, 0, 0, 0xfa, 0x9e, 0x01, 0xcf,
    ];
    let whole = wasp_engine::mp4::Progressive::parse(file).map(|m| m.tracks.len());
    assert_eq!(whole, Ok(0));
    for limit in [1usize, 2, 3, 4, 7, 8, 16, 4096] {
        let mut p = wasp_engine::mp4::Progressive::new(file.len() as u64);
        while let Some(r) = p.next_fetch() {
            assert!(
                r.length > 0,
                "limit {limit}: a request for zero bytes at {}",
                r.offset
            );
            let start = r.offset as usize;
            let end = (start + (r.length as usize).min(limit)).min(file.len());
            p.feed(r.offset, &file[start..end]).unwrap();
        }
        assert_eq!(
            p.into_movie().map(|m| m.tracks.len()),
            Some(0),
            "limit {limit}"
        );
    }
}
