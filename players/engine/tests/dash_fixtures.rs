#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The ffmpeg-made DASH fixtures (see `fixtures/make.sh`): every segment's URL, number,
//! time and duration or byte range, checked against the files next to the MPD and
//! against the times written inside them (`tfdt`).

use std::path::{Path, PathBuf};

use wasp_engine::dash::{Addressing, Mpd, MpdType, Representation, Segment};
use wasp_engine::media::ByteRange;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn load(dir: &str) -> (Mpd, String) {
    let path = fixtures().join(dir).join("manifest.mpd");
    let url = format!("file://{}", path.display());
    let text = std::fs::read_to_string(&path).unwrap();
    (Mpd::parse(&text, &url).unwrap(), url)
}

fn file_of(url: &str) -> PathBuf {
    PathBuf::from(url.strip_prefix("file://").expect("a file URL"))
}

/// Top-level boxes of a file: (type, offset, size).
fn boxes(data: &[u8]) -> Vec<(String, u64, u64)> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos + 8 <= data.len() {
        let size = u32::from_be_bytes(data[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = String::from_utf8_lossy(&data[pos + 4..pos + 8]).into_owned();
        out.push((kind, pos as u64, size as u64));
        pos += size;
    }
    out
}

/// `baseMediaDecodeTime` of the first `tfdt` at or after `from` (a tiny scan: the
/// fixtures have one track per file).
fn tfdt(data: &[u8], from: usize) -> u64 {
    let at = from + data[from..].windows(4).position(|w| w == b"tfdt").unwrap();
    let version = data[at + 4];
    if version == 1 {
        u64::from_be_bytes(data[at + 8..at + 16].try_into().unwrap())
    } else {
        u64::from(u32::from_be_bytes(
            data[at + 8..at + 12].try_into().unwrap(),
        ))
    }
}

fn rep<'a>(mpd: &'a Mpd, id: &str) -> &'a Representation {
    mpd.representations()
        .map(|(_, _, r)| r)
        .find(|r| r.id == id)
        .unwrap()
}

fn summary(segments: &[Segment]) -> Vec<(u64, i64, i64, i64, String)> {
    segments
        .iter()
        .map(|s| {
            let name = s.url.rsplit('/').next().unwrap().to_owned();
            (s.number, s.time.value, s.duration.value, s.start.0, name)
        })
        .collect()
}

#[test]
fn timeline_fixture_lists_every_segment_file_with_its_number_and_time() {
    let (mpd, _) = load("dash-timeline");
    assert_eq!(mpd.kind, MpdType::Static);
    assert_eq!(
        mpd.media_presentation_duration.map(|d| d.0),
        Some(4_000_000)
    );
    assert_eq!(mpd.max_segment_duration.map(|d| d.0), Some(2_000_000));
    assert_eq!(mpd.min_buffer_time.map(|d| d.0), Some(4_000_000));
    assert_eq!(mpd.periods.len(), 1);
    assert_eq!(mpd.periods[0].duration.map(|d| d.0), Some(4_000_000));

    let video = rep(&mpd, "0");
    assert_eq!(video.timescale(), 12800);
    assert_eq!(video.common.codecs.as_deref(), Some("avc1.64000d"));
    assert_eq!(video.common.width, Some(320));
    let segments: Vec<Segment> = video.segments().collect();
    assert_eq!(
        summary(&segments),
        [
            (1, 0, 25600, 0, "chunk-0-00001.m4s".to_owned()),
            (2, 25600, 25600, 2_000_000, "chunk-0-00002.m4s".to_owned()),
        ]
    );
    let audio = rep(&mpd, "1");
    assert_eq!(audio.common.audio_sampling_rate, Some(48000));
    assert_eq!(
        audio.common.audio_channel_configuration[0].value.as_deref(),
        Some("2")
    );
    let audio_segments: Vec<Segment> = audio.segments().collect();
    assert_eq!(
        summary(&audio_segments),
        [
            (1, 0, 94208, 0, "chunk-1-00001.m4s".to_owned()),
            (2, 94208, 96256, 1_962_666, "chunk-1-00002.m4s".to_owned()),
            (3, 190464, 1536, 3_968_000, "chunk-1-00003.m4s".to_owned()),
        ]
    );

    // Every URL names a file of the fixture, and the init segments exist too.
    let dir = fixtures().join("dash-timeline");
    let mut named: Vec<PathBuf> = segments
        .iter()
        .chain(&audio_segments)
        .map(|s| file_of(&s.url))
        .collect();
    for r in [video, audio] {
        let init = r.initialization().unwrap();
        assert_eq!(init.range, None);
        named.push(file_of(&init.url));
    }
    named.sort();
    let mut on_disk: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "m4s"))
        .collect();
    on_disk.sort();
    assert_eq!(named, on_disk);

    // The video times are the segments' own decode times; ffmpeg writes the audio
    // timeline one AAC frame (1024 samples of priming) earlier than its tfdt after the
    // first segment.
    for s in &segments {
        assert_eq!(
            tfdt(&std::fs::read(file_of(&s.url)).unwrap(), 0),
            s.time.value as u64
        );
    }
    let audio_tfdt: Vec<i64> = audio_segments
        .iter()
        .map(|s| tfdt(&std::fs::read(file_of(&s.url)).unwrap(), 0) as i64 - s.time.value)
        .collect();
    assert_eq!(audio_tfdt, [0, 1024, 1024]);
}

#[test]
fn list_fixture_gives_byte_ranges_that_tile_each_file() {
    let (mpd, _) = load("dash-list");
    for (id, file, init_end, ranges) in [
        (
            "0",
            "stream-0.mp4",
            794,
            vec![(795, 62984), (62985, 145733)],
        ),
        (
            "1",
            "stream-1.mp4",
            727,
            vec![(728, 17322), (17323, 33963), (33964, 34521)],
        ),
    ] {
        let r = rep(&mpd, id);
        assert!(matches!(r.addressing, Addressing::List(_)));
        let init = r.initialization().unwrap();
        assert_eq!(file_of(&init.url), fixtures().join("dash-list").join(file));
        assert_eq!(
            init.range,
            Some(ByteRange {
                offset: 0,
                length: init_end + 1
            })
        );
        let segments: Vec<Segment> = r.segments().collect();
        let got: Vec<(u64, u64)> = segments
            .iter()
            .map(|s| {
                let range = s.range.unwrap();
                (range.offset, range.offset + u64::from(range.length) - 1)
            })
            .collect();
        assert_eq!(got, ranges, "{id}");
        let numbers: Vec<(u64, i64, i64)> = segments
            .iter()
            .map(|s| (s.number, s.time.value, s.start.0))
            .collect();
        let expected: Vec<(u64, i64, i64)> = (0..ranges.len() as i64)
            .map(|k| (k as u64 + 1, k * 2_000_000, k * 2_000_000))
            .collect();
        assert_eq!(numbers, expected);
        // Each range starts with the segment's sidx and the last ends with the file.
        let data = std::fs::read(file_of(&segments[0].url)).unwrap();
        for s in &segments {
            let at = s.range.unwrap().offset as usize;
            assert_eq!(&data[at + 4..at + 8], b"sidx");
        }
        assert_eq!(got.last().unwrap().1 + 1, data.len() as u64);
    }
}

#[test]
fn base_fixture_resolves_subsegments_from_the_sidx_bytes() {
    let (mpd, _) = load("dash-base");
    let video = rep(&mpd, "v0");
    assert_eq!(
        video.common.frame_rate.map(|f| (f.num, f.den)),
        Some((25, 1))
    );
    let init = video.initialization().unwrap();
    assert_eq!(
        init.range,
        Some(ByteRange {
            offset: 0,
            length: 759
        })
    );
    let index = video.index().unwrap();
    assert_eq!(
        index.range,
        Some(ByteRange {
            offset: 759,
            length: 88
        })
    );
    assert_eq!(index.url, init.url);
    let data = std::fs::read(file_of(&index.url)).unwrap();

    // Without the index: the whole resource, one segment over the Period.
    let whole: Vec<Segment> = video.segments().collect();
    assert_eq!(whole.len(), 1);
    assert_eq!((whole[0].range, whole[0].duration.value), (None, 4));

    let range = index.range.unwrap();
    let sidx = &data[range.offset as usize..][..range.length as usize];
    let segments = video.segments_from_index(sidx, range.offset).unwrap();
    let moofs: Vec<(u64, u64)> = boxes(&data)
        .iter()
        .filter(|(k, _, _)| k == "moof")
        .map(|(_, o, _)| *o)
        .zip(
            boxes(&data)
                .iter()
                .filter(|(k, _, _)| k == "moof" || k == "mfra")
                .skip(1)
                .map(|(_, o, _)| *o),
        )
        .collect();
    assert_eq!(
        moofs,
        [
            (847, 27850),
            (27850, 62901),
            (62901, 102342),
            (102342, 145514)
        ]
    );
    let got: Vec<(u64, u64, i64, i64, i64)> = segments
        .iter()
        .map(|s| {
            let r = s.range.unwrap();
            (
                r.offset,
                r.offset + u64::from(r.length),
                s.time.value,
                s.duration.value,
                s.start.0,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (847, 27850, 0, 12800, 0),
            (27850, 62901, 12800, 12800, 1_000_000),
            (62901, 102342, 25600, 12800, 2_000_000),
            (102342, 145514, 38400, 12800, 3_000_000),
        ]
    );
    for s in &segments {
        assert_eq!(s.time.timescale, 12800);
        assert_eq!(
            tfdt(&data, s.range.unwrap().offset as usize),
            s.time.value as u64
        );
        assert_eq!(s.url, index.url);
    }
    // ffprobe's keyframes (one a second) fall one per subsegment, in order.
    let csv = std::fs::read_to_string(fixtures().join("goldens/dash-base_video.mp4.packets.csv"))
        .unwrap();
    let keyframe_positions: Vec<u64> = csv
        .lines()
        .filter(|l| l.split(',').nth(6).is_some_and(|f| f.starts_with('K')))
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    assert_eq!(keyframe_positions.len(), segments.len());
    for (pos, s) in keyframe_positions.iter().zip(&segments) {
        let r = s.range.unwrap();
        assert!((r.offset..r.offset + u64::from(r.length)).contains(pos));
    }

    let audio = rep(&mpd, "a0");
    let index = audio.index().unwrap();
    let range = index.range.unwrap();
    assert_eq!((range.offset, range.length), (692, 76));
    let data = std::fs::read(file_of(&index.url)).unwrap();
    let sidx = &data[range.offset as usize..][..range.length as usize];
    let segments = audio.segments_from_index(sidx, range.offset).unwrap();
    let first = segments.first().unwrap().range.unwrap();
    let last = segments.last().unwrap().range.unwrap();
    assert_eq!(first.offset, 768);
    assert_eq!(&data[first.offset as usize + 4..][..4], b"moof");
    assert_eq!(
        last.offset + u64::from(last.length),
        boxes(&data).iter().find(|(k, _, _)| k == "mfra").unwrap().1
    );
    assert!(segments
        .windows(2)
        .all(|w| w[0].time.value + w[0].duration.value == w[1].time.value));
}
