#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Common Encryption (ISO/IEC 23001-7, `cenc` scheme): the HLS fMP4 fixture is
//! re-packaged here as a protected stream — `encv` + `sinf`/`tenc` in the init,
//! `senc` + `saiz`/`saio` in the fragment, AES-128-CTR over the subsamples' protected
//! bytes — (ffmpeg 5.1 cannot write encrypted fragments). The demuxer's per-sample
//! IV, subsample map and key id must decrypt every video sample back to the md5 of
//! ffmpeg's framemd5 of the clear stream.

#[path = "mp4/common.rs"]
mod common;

use aes::cipher::{BlockEncrypt, KeyInit};
use aes::Aes128;
use common::*;
use wasp_engine::media::{AccessUnit, Demuxer, Event};
use wasp_engine::mp4::{FourCc, FragmentDemuxer, Subsample};

const KEY: [u8; 16] = *b"0123456789abcdef";
const KID: [u8; 16] = [0xa5; 16];

/// A box tree, just enough to edit the fixture and write it back with new sizes.
#[derive(Clone, Debug)]
struct Node {
    kind: [u8; 4],
    /// Bytes before the children (all of a leaf's payload).
    prefix: Vec<u8>,
    children: Vec<Node>,
}

/// Fixed bytes before the children of each container parsed here.
fn container_prefix(kind: &[u8; 4]) -> Option<usize> {
    match kind {
        b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"mvex" | b"moof" | b"traf" => Some(0),
        b"stsd" => Some(8),
        b"avc1" => Some(78),
        _ => None,
    }
}

fn parse(mut bytes: &[u8]) -> Vec<Node> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let size = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = bytes[4..8].try_into().unwrap();
        let payload = &bytes[8..size];
        out.push(match container_prefix(&kind) {
            Some(n) => Node {
                kind,
                prefix: payload[..n].to_vec(),
                children: parse(&payload[n..]),
            },
            None => Node {
                kind,
                prefix: payload.to_vec(),
                children: Vec::new(),
            },
        });
        bytes = &bytes[size..];
    }
    out
}

fn write(nodes: &[Node]) -> Vec<u8> {
    let mut out = Vec::new();
    for n in nodes {
        let body = [n.prefix.clone(), write(&n.children)].concat();
        out.extend_from_slice(&((body.len() + 8) as u32).to_be_bytes());
        out.extend_from_slice(&n.kind);
        out.extend_from_slice(&body);
    }
    out
}

fn leaf(kind: &[u8; 4], payload: Vec<u8>) -> Node {
    Node {
        kind: *kind,
        prefix: payload,
        children: Vec::new(),
    }
}

fn child<'a>(node: &'a mut Node, path: &[&[u8; 4]]) -> &'a mut Node {
    match path.split_first() {
        None => node,
        Some((first, rest)) => child(
            node.children
                .iter_mut()
                .find(|c| &c.kind == *first)
                .unwrap(),
            rest,
        ),
    }
}

/// The init segment with its video entry protected (`encv`, `sinf`: `frma`, `schm`
/// `cenc`, `tenc` with 8-byte IVs).
fn protect_init(init: &[u8]) -> Vec<u8> {
    let mut boxes = parse(init);
    let moov = boxes.iter_mut().find(|b| &b.kind == b"moov").unwrap();
    let trak = moov
        .children
        .iter_mut()
        .find(|b| &b.kind == b"trak")
        .unwrap();
    let entry = child(trak, &[b"mdia", b"minf", b"stbl", b"stsd", b"avc1"]);
    entry.kind = *b"encv";
    let mut tenc = vec![0, 0, 0, 0, 0, 0, 1, 8];
    tenc.extend_from_slice(&KID);
    let mut schm = vec![0, 0, 0, 0];
    schm.extend_from_slice(b"cenc");
    schm.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    entry.children.push(Node {
        kind: *b"sinf",
        prefix: Vec::new(),
        children: vec![
            leaf(b"frma", b"avc1".to_vec()),
            leaf(b"schm", schm),
            Node {
                kind: *b"schi",
                prefix: Vec::new(),
                children: vec![leaf(b"tenc", tenc)],
            },
        ],
    });
    write(&boxes)
}

/// A sample's subsamples: alternately one and two of them.
fn subsamples_for(index: usize, size: u32) -> Vec<Subsample> {
    if index.is_multiple_of(2) || size < 40 {
        let clear = size.min(5) as u16;
        vec![Subsample {
            clear,
            protected: size - u32::from(clear),
        }]
    } else {
        vec![
            Subsample {
                clear: 10,
                protected: 16,
            },
            Subsample {
                clear: 6,
                protected: size - 32,
            },
        ]
    }
}

fn iv_for(index: usize) -> [u8; 8] {
    (0x1122_3344_0000_0000u64 + index as u64 * 0x1_0000_0001).to_be_bytes()
}

/// AES-128-CTR over the protected bytes, one keystream across the subsamples
/// (ISO/IEC 23001-7 §9.3, 8-byte IV then a 64-bit block counter).
fn ctr(sample: &mut [u8], iv: &[u8], subsamples: &[Subsample]) {
    let aes = Aes128::new(&KEY.into());
    let mut counter = [0u8; 16];
    counter[..iv.len()].copy_from_slice(iv);
    let mut protected: Vec<usize> = Vec::new();
    let mut at = 0usize;
    for s in subsamples {
        at += usize::from(s.clear);
        protected.extend(at..at + s.protected as usize);
        at += s.protected as usize;
    }
    for (n, block) in protected.chunks(16).enumerate() {
        let mut ks = counter;
        ks[8..].copy_from_slice(&(n as u64).to_be_bytes());
        let mut ks = ks.into();
        aes.encrypt_block(&mut ks);
        for (i, &pos) in block.iter().enumerate() {
            sample[pos] ^= ks[i];
        }
    }
}

/// The segment with its video traf protected. With `senc_box` false the entries
/// sit in a `free` box, found only through `saiz`/`saio`.
fn protect_segment(
    segment: &[u8],
    init_len: u64,
    clear_video: &[AccessUnit],
    senc_box: bool,
) -> Vec<u8> {
    let mut boxes = parse(segment);
    let moof_at = boxes
        .iter()
        .take_while(|b| &b.kind != b"moof")
        .map(|b| write(std::slice::from_ref(b)).len())
        .sum::<usize>();
    let old_moof_len =
        write(&boxes[boxes.iter().position(|b| &b.kind == b"moof").unwrap()..][..1]).len();
    let moof = boxes.iter_mut().find(|b| &b.kind == b"moof").unwrap();
    // senc entries: IV + subsamples per sample.
    let mut entries = Vec::new();
    let mut sizes = Vec::new();
    for (i, au) in clear_video.iter().enumerate() {
        let start = entries.len();
        entries.extend_from_slice(&iv_for(i));
        let subs = subsamples_for(i, au.size);
        entries.extend_from_slice(&(subs.len() as u16).to_be_bytes());
        for s in subs {
            entries.extend_from_slice(&s.clear.to_be_bytes());
            entries.extend_from_slice(&s.protected.to_be_bytes());
        }
        sizes.push((entries.len() - start) as u8);
    }
    let mut senc = vec![0, 0, 0, 2];
    senc.extend_from_slice(&(clear_video.len() as u32).to_be_bytes());
    senc.extend_from_slice(&entries);
    let mut saiz = vec![0, 0, 0, 0, 0];
    saiz.extend_from_slice(&(clear_video.len() as u32).to_be_bytes());
    saiz.extend_from_slice(&sizes);
    let traf = moof
        .children
        .iter_mut()
        .find(|b| &b.kind == b"traf")
        .unwrap();
    traf.children.push(leaf(b"saiz", saiz));
    traf.children.push(leaf(b"saio", vec![0; 12])); // offset patched below
    traf.children
        .push(leaf(if senc_box { b"senc" } else { b"free" }, senc));
    // Offsets inside the moof: the entries start 16 bytes into the senc box.
    let moof_bytes = write(std::slice::from_ref(moof));
    let grown = moof_bytes.len() - old_moof_len;
    let senc_at = moof_bytes
        .windows(4)
        .position(|w| w == if senc_box { b"senc" } else { b"free" })
        .unwrap()
        - 4;
    let traf = moof
        .children
        .iter_mut()
        .find(|b| &b.kind == b"traf")
        .unwrap();
    let saio = traf
        .children
        .iter_mut()
        .find(|b| &b.kind == b"saio")
        .unwrap();
    saio.prefix = [
        vec![0, 0, 0, 0, 0, 0, 0, 1],
        ((senc_at + 16) as u32).to_be_bytes().to_vec(),
    ]
    .concat();
    // Every trun's data offset (relative to the moof) moves by what the moof grew.
    for traf in moof.children.iter_mut().filter(|b| &b.kind == b"traf") {
        let trun = traf
            .children
            .iter_mut()
            .find(|b| &b.kind == b"trun")
            .unwrap();
        let off = u32::from_be_bytes(trun.prefix[8..12].try_into().unwrap());
        trun.prefix[8..12].copy_from_slice(&(off + grown as u32).to_be_bytes());
    }
    let mut out = write(&boxes);
    // Encrypt the video samples in place (their offsets moved by `grown`).
    for (i, au) in clear_video.iter().enumerate() {
        let at = (au.ranges[0].offset - init_len) as usize + grown;
        assert!(at > moof_at);
        let subs = subsamples_for(i, au.size);
        ctr(&mut out[at..at + au.size as usize], &iv_for(i), &subs);
    }
    out
}

/// A sample with what the demuxer said about its encryption.
type Protected = (
    AccessUnit,
    Option<(FourCc, [u8; 16], Vec<u8>, Vec<Subsample>)>,
);

fn demux(input: &[u8], chunk: usize) -> Vec<Protected> {
    demux_with(input, chunk).0
}

fn demux_with(input: &[u8], chunk: usize) -> (Vec<Protected>, FragmentDemuxer) {
    let mut d = FragmentDemuxer::new();
    let mut out = Vec::new();
    let mut sink = |e: Event, enc: Option<&wasp_engine::mp4::SampleEncryption<'_>>| {
        if let Event::Sample(au) = e {
            let info = enc.map(|e| {
                (
                    e.scheme,
                    e.kid,
                    e.iv.to_vec(),
                    e.subsamples.clone().collect(),
                )
            });
            out.push((au, info));
        }
    };
    for c in input.chunks(chunk) {
        d.push_with(c, &mut sink).unwrap();
    }
    d.finish(&mut |_| {}).unwrap();
    (out, d)
}

fn check(senc_box: bool) {
    let init = fixture("hls-fmp4/init_0.mp4");
    let segment = fixture("hls-fmp4/v0_000.m4s");
    let clear: Vec<AccessUnit> = demux(&[init.clone(), segment.clone()].concat(), 4096)
        .into_iter()
        .map(|(au, _)| au)
        .collect();
    let video_id = clear[0].track;
    let clear_video: Vec<AccessUnit> = clear
        .iter()
        .filter(|a| a.track == video_id)
        .cloned()
        .collect();
    let p_init = protect_init(&init);
    let p_segment = protect_segment(&segment, init.len() as u64, &clear_video, senc_box);
    let input = [p_init, p_segment].concat();
    let md5s = framemd5(include_str!("mp4/hls-fmp4_v0_000.framemd5"));
    for chunk in [1, 13, 4096, input.len()] {
        let (samples, d) = demux_with(&input, chunk);
        // saiz/saio are kept: one entry per video sample, at the senc's entries.
        let (sizes, offset) = d.aux_info(video_id);
        assert_eq!(sizes.unwrap().sample_count as usize, clear_video.len());
        assert_eq!(sizes.unwrap().default_size, 0);
        assert!(offset.unwrap().offset > 0);
        assert_eq!(d.aux_info(video_id + 1), (None, None), "audio is clear");
        assert_eq!(samples.len(), clear.len());
        let mut v = 0;
        for (au, info) in &samples {
            if au.track != video_id {
                assert!(info.is_none(), "audio is clear");
                continue;
            }
            let (scheme, kid, iv, subs) =
                info.clone().expect("video sample without encryption info");
            assert_eq!((scheme, kid), (FourCc::new(b"cenc"), KID));
            assert_eq!(iv, iv_for(v));
            assert_eq!(subs, subsamples_for(v, au.size));
            let mut payload = au.gather(&input).unwrap();
            assert_ne!(md5_hex(&payload), md5s[0][v], "sample {v} is encrypted");
            ctr(&mut payload, &iv, &subs);
            assert_eq!(
                md5_hex(&payload),
                md5s[0][v],
                "decrypted sample {v}, chunk {chunk}"
            );
            v += 1;
        }
        assert_eq!(v, clear_video.len());
    }
}

#[test]
fn senc_ivs_and_subsamples_decrypt_every_sample() {
    check(true);
}

#[test]
fn saiz_saio_locate_the_entries_without_senc() {
    check(false);
}

#[test]
fn the_protected_init_names_scheme_key_and_original_codec() {
    let init = protect_init(&fixture("hls-fmp4/init_0.mp4"));
    let mut d = FragmentDemuxer::new();
    let mut tracks = Vec::new();
    d.push(&init, &mut |e| {
        if let Event::Track(t) = e {
            tracks.push(t)
        }
    })
    .unwrap();
    assert_eq!(tracks[0].codec, wasp_engine::media::Codec::H264);
    assert_eq!(tracks[0].config.len(), 43, "avcC found inside encv");
    let p = d.movie().unwrap().tracks[0].protection.unwrap();
    assert_eq!(
        (p.original_format, p.scheme),
        (FourCc::new(b"avc1"), FourCc::new(b"cenc"))
    );
    let tenc = p.encryption.unwrap();
    assert_eq!(
        (tenc.kid, tenc.per_sample_iv_size, tenc.is_protected),
        (KID, 8, true)
    );
    assert!(d.movie().unwrap().tracks[1].protection.is_none());
}
