//! Arbitrary bytes as a radio body: the ICY stripper and the framing never panic,
//! every body byte is either audio or metadata, and every frame lies inside the
//! clean audio with its stated size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasp_audio::icy::stream_title;
use wasp_audio::pipeline::{Format, Output, Pipeline};
use wasp_engine::media::{AccessUnit, TrackInfo};

#[derive(Default)]
struct Check {
    audio: Vec<u8>,
    units: usize,
}

impl Output for Check {
    fn audio(&mut self, bytes: &[u8]) {
        self.audio.extend_from_slice(bytes);
    }
    fn track(&mut self, _: TrackInfo) {}
    fn unit(&mut self, unit: AccessUnit) {
        let mut size = 0u64;
        for r in &unit.ranges {
            assert!(r.offset + u64::from(r.length) <= self.audio.len() as u64);
            size += u64::from(r.length);
        }
        assert_eq!(size, u64::from(unit.size));
        self.units += 1;
    }
    fn title(&mut self, title: &[u8]) {
        assert!(title.len() <= wasp_audio::icy::MAX_BLOCK);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&[a, b], body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let metaint = u32::from(a) * 7;
    let read = 1 + usize::from(b);
    let format = [None, Some(Format::Mp3), Some(Format::Adts)][usize::from(b % 3)];
    let mut pipeline = Pipeline::new(metaint, format);
    let mut out = Check::default();
    for chunk in body.chunks(read) {
        pipeline.push(chunk, &mut out);
    }
    pipeline.finish(&mut out);
    assert_eq!(pipeline.clean_bytes(), out.audio.len() as u64);
    assert_eq!(
        pipeline.clean_bytes() + pipeline.stripped_bytes(),
        body.len() as u64
    );
    let _ = stream_title(body);
});
