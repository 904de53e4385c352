//! CMAF fMP4 writing (ISO/IEC 14496-12, ISO/IEC 23000-19): an init segment with
//! empty sample tables and `mvex`, and media segments `styp` + `moof` + `mdat`
//! whose sample payloads are produced on demand ([`Segment`] is a
//! [`BodySource`]).

use crate::net::BodySource;

/// Video timescale: 90 kHz, as MPEG systems use.
pub const VIDEO_TIMESCALE: u32 = 90_000;
/// Audio timescale: the sample rate.
pub const AUDIO_RATE: u32 = 48_000;
/// PCM samples per AAC frame.
pub const AAC_FRAME: u32 = 1024;
/// Track id of the video track.
pub const VIDEO_TRACK: u32 = 1;
/// Track id of the audio track.
pub const AUDIO_TRACK: u32 = 2;

/// `sample_flags` (§8.8.3.1): a sync sample (`sample_depends_on` = 2).
const SYNC: u32 = 0x0200_0000;
/// A non-sync sample that depends on others (`sample_depends_on` = 1,
/// `sample_is_non_sync_sample` = 1).
const NON_SYNC: u32 = 0x0101_0000;

fn boxed(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(payload.len() + 8);
    b.extend_from_slice(&((payload.len() + 8) as u32).to_be_bytes());
    b.extend_from_slice(kind);
    b.extend_from_slice(payload);
    b
}

/// A full box: version and flags before the payload.
fn full(kind: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = ((u32::from(version) << 24) | (flags & 0x00ff_ffff))
        .to_be_bytes()
        .to_vec();
    p.extend_from_slice(payload);
    boxed(kind, &p)
}

fn concat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// The unity matrix of `mvhd`/`tkhd` (§8.2.2.3).
const MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];

fn matrix() -> Vec<u8> {
    MATRIX.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// What a track of the init segment holds.
#[derive(Clone, Debug)]
pub enum TrackConfig {
    /// H.264 with its `avcC` payload.
    Video {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The `avcC` payload.
        avcc: Vec<u8>,
    },
    /// AAC-LC with its AudioSpecificConfig.
    Audio {
        /// The 2-byte AudioSpecificConfig.
        asc: [u8; 2],
        /// Channels.
        channels: u16,
    },
}

impl TrackConfig {
    fn id(&self) -> u32 {
        match self {
            TrackConfig::Video { .. } => VIDEO_TRACK,
            TrackConfig::Audio { .. } => AUDIO_TRACK,
        }
    }

    fn timescale(&self) -> u32 {
        match self {
            TrackConfig::Video { .. } => VIDEO_TIMESCALE,
            TrackConfig::Audio { .. } => AUDIO_RATE,
        }
    }
}

/// `esds` (ISO/IEC 14496-1 §7.2.6.5): ES_Descriptor > DecoderConfigDescriptor
/// (AAC, object type 0x40, audio stream) > DecoderSpecificInfo, and the SL config.
fn esds(asc: &[u8; 2], bitrate: u32) -> Vec<u8> {
    let descriptor = |tag: u8, body: &[u8]| -> Vec<u8> {
        let mut d = vec![tag, body.len() as u8];
        d.extend_from_slice(body);
        d
    };
    let specific = descriptor(0x05, asc);
    let mut config = vec![0x40, 0x15, 0, 0, 0];
    config.extend_from_slice(&bitrate.to_be_bytes()); // maxBitrate
    config.extend_from_slice(&bitrate.to_be_bytes()); // avgBitrate
    config.extend_from_slice(&specific);
    let config = descriptor(0x04, &config);
    let sl = descriptor(0x06, &[0x02]);
    let mut es = vec![0, AUDIO_TRACK as u8, 0]; // ES_ID, flags
    es.extend_from_slice(&config);
    es.extend_from_slice(&sl);
    full(b"esds", 0, 0, &descriptor(0x03, &es))
}

fn sample_entry(track: &TrackConfig) -> Vec<u8> {
    match track {
        TrackConfig::Video {
            width,
            height,
            avcc,
        } => {
            let mut p = vec![0u8; 6];
            p.extend_from_slice(&1u16.to_be_bytes()); // data_reference_index
            p.extend_from_slice(&[0u8; 16]); // pre_defined, reserved, pre_defined[3]
            p.extend_from_slice(&(*width as u16).to_be_bytes());
            p.extend_from_slice(&(*height as u16).to_be_bytes());
            p.extend_from_slice(&0x0048_0000u32.to_be_bytes()); // 72 dpi
            p.extend_from_slice(&0x0048_0000u32.to_be_bytes());
            p.extend_from_slice(&[0u8; 4]);
            p.extend_from_slice(&1u16.to_be_bytes()); // frame_count
            let mut name = [0u8; 32];
            name[0] = 4;
            name[1..5].copy_from_slice(b"wasp");
            p.extend_from_slice(&name);
            p.extend_from_slice(&0x0018u16.to_be_bytes()); // depth
            p.extend_from_slice(&0xffffu16.to_be_bytes()); // pre_defined = -1
            p.extend_from_slice(&boxed(b"avcC", avcc));
            boxed(b"avc1", &p)
        }
        TrackConfig::Audio { asc, channels } => {
            let mut p = vec![0u8; 6];
            p.extend_from_slice(&1u16.to_be_bytes());
            p.extend_from_slice(&[0u8; 8]); // version 0, reserved
            p.extend_from_slice(&channels.to_be_bytes());
            p.extend_from_slice(&16u16.to_be_bytes()); // samplesize
            p.extend_from_slice(&[0u8; 4]); // pre_defined, reserved
            p.extend_from_slice(&(AUDIO_RATE << 16).to_be_bytes());
            p.extend_from_slice(&esds(asc, 128_000));
            boxed(b"mp4a", &p)
        }
    }
}

fn trak(track: &TrackConfig) -> Vec<u8> {
    let video = matches!(track, TrackConfig::Video { .. });
    let mut tkhd = vec![0u8; 8]; // creation, modification
    tkhd.extend_from_slice(&track.id().to_be_bytes());
    tkhd.extend_from_slice(&[0u8; 4]); // reserved
    tkhd.extend_from_slice(&[0u8; 4]); // duration: fragmented
    tkhd.extend_from_slice(&[0u8; 8]); // reserved
    tkhd.extend_from_slice(&[0u8; 4]); // layer, alternate_group
    tkhd.extend_from_slice(&(if video { 0u16 } else { 0x0100 }).to_be_bytes());
    tkhd.extend_from_slice(&[0u8; 2]);
    tkhd.extend_from_slice(&matrix());
    let (w, h) = match track {
        TrackConfig::Video { width, height, .. } => (*width, *height),
        TrackConfig::Audio { .. } => (0, 0),
    };
    tkhd.extend_from_slice(&(w << 16).to_be_bytes());
    tkhd.extend_from_slice(&(h << 16).to_be_bytes());
    let tkhd = full(b"tkhd", 0, 3, &tkhd); // enabled, in movie

    let mut mdhd = vec![0u8; 8];
    mdhd.extend_from_slice(&track.timescale().to_be_bytes());
    mdhd.extend_from_slice(&[0u8; 4]);
    mdhd.extend_from_slice(&0x55c4u16.to_be_bytes()); // "und"
    mdhd.extend_from_slice(&[0u8; 2]);
    let mdhd = full(b"mdhd", 0, 0, &mdhd);
    let mut hdlr = vec![0u8; 4];
    hdlr.extend_from_slice(if video { b"vide" } else { b"soun" });
    hdlr.extend_from_slice(&[0u8; 12]);
    hdlr.extend_from_slice(b"wasp\0");
    let hdlr = full(b"hdlr", 0, 0, &hdlr);
    let media_header = if video {
        full(b"vmhd", 0, 1, &[0u8; 8])
    } else {
        full(b"smhd", 0, 0, &[0u8; 4])
    };
    let dref = full(
        b"dref",
        0,
        0,
        &concat(&[&1u32.to_be_bytes(), &full(b"url ", 0, 1, &[])]),
    );
    let dinf = boxed(b"dinf", &dref);
    let stsd = full(
        b"stsd",
        0,
        0,
        &concat(&[&1u32.to_be_bytes(), &sample_entry(track)]),
    );
    let empty = 0u32.to_be_bytes();
    let stbl = boxed(
        b"stbl",
        &concat(&[
            &stsd,
            &full(b"stts", 0, 0, &empty),
            &full(b"stsc", 0, 0, &empty),
            &full(b"stsz", 0, 0, &[0u8; 8]),
            &full(b"stco", 0, 0, &empty),
        ]),
    );
    let minf = boxed(b"minf", &concat(&[&media_header, &dinf, &stbl]));
    let mdia = boxed(b"mdia", &concat(&[&mdhd, &hdlr, &minf]));
    boxed(b"trak", &concat(&[&tkhd, &mdia]))
}

/// An init segment: `ftyp` + `moov` (`mvhd`, a `trak` per track, `mvex` with a
/// `trex` per track).
pub fn init_segment(tracks: &[TrackConfig]) -> Vec<u8> {
    let ftyp = boxed(b"ftyp", b"iso6\0\0\0\0iso6cmfcmp41");
    let mut mvhd = vec![0u8; 8];
    mvhd.extend_from_slice(&1000u32.to_be_bytes());
    mvhd.extend_from_slice(&[0u8; 4]); // duration: fragmented
    mvhd.extend_from_slice(&0x0001_0000u32.to_be_bytes()); // rate 1.0
    mvhd.extend_from_slice(&0x0100u16.to_be_bytes()); // volume 1.0
    mvhd.extend_from_slice(&[0u8; 10]);
    mvhd.extend_from_slice(&matrix());
    mvhd.extend_from_slice(&[0u8; 24]);
    mvhd.extend_from_slice(&(AUDIO_TRACK + 1).to_be_bytes()); // next_track_ID
    let mut moov = full(b"mvhd", 0, 0, &mvhd);
    let mut mvex = Vec::new();
    for track in tracks {
        moov.extend_from_slice(&trak(track));
        let mut trex = track.id().to_be_bytes().to_vec();
        trex.extend_from_slice(&1u32.to_be_bytes()); // sample description 1
        trex.extend_from_slice(&[0u8; 12]); // default duration, size, flags
        mvex.extend_from_slice(&full(b"trex", 0, 0, &trex));
    }
    moov.extend_from_slice(&boxed(b"mvex", &mvex));
    concat(&[&ftyp, &boxed(b"moov", &moov)])
}

/// One track's samples in a media segment.
#[derive(Clone, Debug)]
pub struct Run {
    /// The track.
    pub track: u32,
    /// `baseMediaDecodeTime` in the track's timescale.
    pub base_decode_time: u64,
    /// `(duration, size)` of each sample; the first of a video run is its keyframe.
    pub samples: Vec<(u32, u32)>,
}

/// Bytes of everything but the sample payloads for runs of these sample counts.
pub fn overhead(sample_counts: &[usize]) -> u64 {
    let styp = 24;
    let mfhd = 16;
    let trafs: u64 = sample_counts
        .iter()
        .map(|&n| 8 + 16 + 20 + (20 + 12 * n as u64))
        .sum();
    styp + 8 + mfhd + trafs + 8
}

/// Where one sample's bytes lie in a segment, and how to make them.
#[derive(Clone, Copy, Debug)]
struct Slot {
    start: u64,
    size: u32,
    /// The NAL header byte of a video sample; `None` for audio (raw AAC).
    nal: Option<u8>,
}

/// A media segment whose header is kept and whose sample payloads are produced on
/// demand: a video sample is a 4-byte length then one NAL unit (IDR, type 5, for the
/// keyframe; non-IDR slice, type 1, otherwise) of filler; an audio sample is filler.
/// Filler depends on the byte's offset and the segment's seed only.
#[derive(Debug)]
pub struct Segment {
    head: Vec<u8>,
    slots: Vec<Slot>,
    len: u64,
    seed: u8,
}

impl Segment {
    /// Lays out `runs` (in `mdat` order) with sequence number `sequence`.
    pub fn new(sequence: u32, runs: &[Run], seed: u8) -> Self {
        let counts: Vec<usize> = runs.iter().map(|r| r.samples.len()).collect();
        let head_len = overhead(&counts);
        let styp = boxed(b"styp", b"msdh\0\0\0\0msdhmsix");
        let moof_len = head_len - 24 - 8;
        let mut moof = full(b"mfhd", 0, 0, &sequence.to_be_bytes());
        let mut slots = Vec::new();
        let mut offset = head_len; // first payload byte, from the segment's start
        for run in runs {
            let mut trun = (run.samples.len() as u32).to_be_bytes().to_vec();
            // data_offset is from the moof's first byte (default-base-is-moof).
            let data_offset = offset - 24;
            trun.extend_from_slice(&(data_offset as u32).to_be_bytes());
            for (i, &(duration, size)) in run.samples.iter().enumerate() {
                let video = run.track == VIDEO_TRACK;
                let key = !video || i == 0;
                trun.extend_from_slice(&duration.to_be_bytes());
                trun.extend_from_slice(&size.to_be_bytes());
                trun.extend_from_slice(&(if key { SYNC } else { NON_SYNC }).to_be_bytes());
                let nal = video.then_some(if i == 0 { 0x65 } else { 0x41 });
                slots.push(Slot {
                    start: offset,
                    size,
                    nal,
                });
                offset += u64::from(size);
            }
            // tfhd flags 0x020000: default-base-is-moof (ISO/IEC 14496-12 §8.8.7).
            let tfhd = full(b"tfhd", 0, 0x02_0000, &run.track.to_be_bytes());
            let tfdt = full(b"tfdt", 1, 0, &run.base_decode_time.to_be_bytes());
            // trun flags: data-offset, sample duration, size, flags present.
            let trun = full(b"trun", 0, 0x0701, &trun);
            moof.extend_from_slice(&boxed(b"traf", &concat(&[&tfhd, &tfdt, &trun])));
        }
        let moof = boxed(b"moof", &moof);
        debug_assert_eq!(moof.len() as u64, moof_len);
        let mdat_len = offset - head_len + 8;
        let mut head = concat(&[&styp, &moof]);
        head.extend_from_slice(&(mdat_len as u32).to_be_bytes());
        head.extend_from_slice(b"mdat");
        Self {
            head,
            slots,
            len: offset,
            seed,
        }
    }

    /// The header bytes (`styp`, `moof`, the `mdat` header).
    pub fn head(&self) -> &[u8] {
        &self.head
    }
}

/// A 256-byte filler pattern without zero bytes, twice, so any window of up to 256
/// bytes is one slice.
fn pattern() -> &'static [u8; 512] {
    static PATTERN: std::sync::OnceLock<[u8; 512]> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        let mut p = [0u8; 512];
        for (i, b) in p.iter_mut().enumerate() {
            *b = ((i % 256) as u8).wrapping_mul(167).wrapping_add(13) | 1;
        }
        p
    })
}

impl BodySource for Segment {
    fn len(&self) -> u64 {
        self.len
    }

    fn heap_bytes(&self) -> usize {
        self.head.capacity() + self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    fn fill(&self, offset: u64, out: &mut [u8]) {
        let mut at = offset;
        let mut done = 0;
        while done < out.len() {
            let rest = &mut out[done..];
            let n = if let Some(head) = self.head.get(at as usize..).filter(|h| !h.is_empty()) {
                let n = head.len().min(rest.len());
                rest[..n].copy_from_slice(&head[..n]);
                n
            } else {
                let index = self
                    .slots
                    .partition_point(|s| s.start <= at)
                    .saturating_sub(1);
                let Some(slot) = self.slots.get(index) else {
                    rest.fill(0);
                    return;
                };
                let within = at - slot.start;
                let left = (u64::from(slot.size) - within.min(u64::from(slot.size))) as usize;
                // Past the last sample (never asked by the network) or inside one.
                let n = left.max(1).min(rest.len());
                match slot.nal {
                    Some(nal) if within < 5 => {
                        let mut prefix = (slot.size.saturating_sub(4)).to_be_bytes().to_vec();
                        prefix.push(nal);
                        let n = (5 - within as usize).min(rest.len());
                        rest[..n].copy_from_slice(&prefix[within as usize..within as usize + n]);
                        n
                    }
                    _ => {
                        let n = n.min(256);
                        let start = ((at + u64::from(self.seed)) % 256) as usize;
                        rest[..n].copy_from_slice(&pattern()[start..start + n]);
                        n
                    }
                }
            };
            done += n;
            at += n as u64;
        }
    }
}
