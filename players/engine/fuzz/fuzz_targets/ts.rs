//! MPEG-TS and audio elementary streams: arbitrary bytes, whole and in chunks whose
//! sizes come from the input, through `TsDemuxer` (raw, or wrapped into packets of a
//! valid PAT/PMT so the fuzzer reaches the PES, NAL and frame parsers) or through an
//! `AudioDemuxer` (ADTS, MP3, AC-3).
//! Checks: no panic; every access unit's ranges lie inside the input, are at most
//! `MAX_RANGES`, and sum to its size; a track is announced before its samples; ID3
//! tags are at most `MAX_TAG`; and chunking changes nothing.
#![no_main]

use wasp_engine::es::{AudioDemuxer, Syntax};
use wasp_engine::media::{DemuxError, Demuxer, Event, MAX_RANGES};
use wasp_engine::ts::{TsDemuxer, MAX_TAG};

fn crc32(data: &[u8]) -> u32 {
    data.iter().fold(0xffff_ffff_u32, |mut crc, &byte| {
        crc ^= u32::from(byte) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04c1_1db7
            } else {
                crc << 1
            };
        }
        crc
    })
}

/// A packet on `pid` carrying `section` after a pointer field.
fn psi_packet(pid: u16, section: &[u8]) -> Vec<u8> {
    let mut section = section.to_vec();
    let crc = crc32(&section);
    section.extend_from_slice(&crc.to_be_bytes());
    let mut p = vec![0x47, 0x40 | (pid >> 8) as u8, pid as u8, 0x10, 0];
    p.extend_from_slice(&section);
    p.resize(188, 0xff);
    p
}

/// Elementary PIDs 0x100.. with these stream types: H.264, ADTS, MP3, AC-3, ID3, H.265.
const TYPES: [u8; 6] = [0x1b, 0x0f, 0x03, 0x81, 0x15, 0x24];

/// A PAT and PMT, then the fuzz bytes cut into packets: a control byte chooses the
/// PID, unit start, a continuity gap and an adaptation field.
fn wrap(data: &[u8]) -> Vec<u8> {
    let mut out = psi_packet(0, &[0x00, 0xb0, 0x0d, 0, 1, 0xc1, 0, 0, 0, 1, 0xf0, 0x00]);
    let mut pmt = vec![0x02, 0xb0, 0, 0, 1, 0xc1, 0, 0, 0xe1, 0x00, 0xf0, 0x00];
    for (i, t) in TYPES.iter().enumerate() {
        pmt.extend_from_slice(&[*t, 0xe1, i as u8, 0xf0, 0x00]);
    }
    pmt[2] = (pmt.len() + 4 - 3) as u8;
    out.extend(psi_packet(0x1000, &pmt));
    let mut counters = [0u8; TYPES.len()];
    let mut rest = data;
    while let Some((&control, after)) = rest.split_first() {
        let stream = usize::from(control & 7) % TYPES.len();
        let pid = 0x100 + stream as u16;
        if control & 0x10 == 0 {
            counters[stream] = (counters[stream] + 1) & 0x0f;
        }
        let mut p = vec![0x47, (pid >> 8) as u8, pid as u8, 0x10 | counters[stream]];
        if control & 0x08 != 0 {
            p[1] |= 0x40;
        }
        let mut after = after;
        if control & 0x20 != 0 {
            let length = after.first().map_or(0, |&l| usize::from(l) % 183);
            after = after.get(1..).unwrap_or_default();
            p[3] |= 0x20;
            p.push(length as u8);
            p.resize(5 + length, 0xff);
            if length > 0 {
                p[5] = control & 0xc0; // discontinuity, random access
            }
        }
        let room = 188 - p.len();
        let take = room.min(after.len());
        p.extend_from_slice(&after[..take]);
        p.resize(188, 0xff);
        out.extend(p);
        rest = &after[take..];
    }
    out
}

type Outcome = (Vec<Event>, Result<(), DemuxError>);

fn run(demuxer: &mut dyn Demuxer, input: &[u8], sizes: &[u8]) -> Outcome {
    let mut events = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let size = match sizes.get(i % sizes.len().max(1)) {
            Some(&s) => usize::from(s).max(1) * if s & 0x80 != 0 { 37 } else { 1 },
            None => rest.len(),
        };
        i += 1;
        let (chunk, after) = rest.split_at(size.min(rest.len()));
        rest = after;
        if let Err(e) = demuxer.push(chunk, &mut |e| events.push(e)) {
            return (events, Err(e));
        }
    }
    let result = demuxer.finish(&mut |e| events.push(e));
    (events, result)
}

fn check(events: &[Event], input: &[u8]) {
    let mut announced = Vec::new();
    for event in events {
        match event {
            Event::Track(t) => {
                assert_ne!(t.timescale, 0);
                announced.push(t.id);
            }
            Event::Sample(u) => {
                assert!(announced.contains(&u.track), "sample before its track");
                assert!(u.ranges.len() <= MAX_RANGES);
                let sum: u64 = u.ranges.iter().map(|r| u64::from(r.length)).sum();
                assert_eq!(sum, u64::from(u.size), "ranges do not sum to the size");
                for r in &u.ranges {
                    assert!(
                        r.offset + u64::from(r.length) <= input.len() as u64,
                        "range outside the input"
                    );
                }
                assert_ne!(u.timescale, 0);
            }
            Event::Metadata(m) => assert!(m.data.len() <= MAX_TAG),
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (sizes, body) = rest.split_at(rest.len().min(4));
    let wrapped;
    let input: &[u8] = match mode & 7 {
        0 | 1 => body,
        2 | 3 => {
            wrapped = wrap(body);
            &wrapped
        }
        _ => body,
    };
    let new = || -> Box<dyn Demuxer> {
        match mode & 7 {
            4 => Box::new(AudioDemuxer::new(Syntax::Adts)),
            5 => Box::new(AudioDemuxer::new(Syntax::Mpeg)),
            6 => Box::new(AudioDemuxer::new(Syntax::Ac3)),
            _ => Box::new(TsDemuxer::new()),
        }
    };
    let whole = run(new().as_mut(), input, &[]);
    check(&whole.0, input);
    let chunked = run(new().as_mut(), input, sizes);
    check(&chunked.0, input);
    assert_eq!(whole, chunked, "chunking changed the events");
    // After a reset the demuxer reads the same input the same way.
    let mut demuxer = new();
    let _ = run(demuxer.as_mut(), &input[..input.len() / 2], sizes);
    demuxer.reset();
    assert_eq!(
        run(demuxer.as_mut(), input, sizes),
        whole,
        "reset left state behind"
    );
});
