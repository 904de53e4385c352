#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Streaming: any chunking gives the same items as the whole file; one block is held
//! at most, and longer blocks are skipped without losing the rest.

use wasp_engine::vtt::{Item, Parser, Warning, WarningKind, DEFAULT_BLOCK_LIMIT};

const FILES: [&[u8]; 10] = [
    include_bytes!("vtt/spec_dialogue.vtt"),
    include_bytes!("vtt/spec_regions.vtt"),
    include_bytes!("vtt/spec_style.vtt"),
    include_bytes!("vtt/markup.vtt"),
    include_bytes!("vtt/settings.vtt"),
    include_bytes!("vtt/lenient.vtt"),
    include_bytes!("vtt/header.vtt"),
    include_bytes!("vtt/segment_0.vtt"),
    include_bytes!("vtt/bom_crlf.vtt"),
    include_bytes!("../fixtures/text/sample.vtt"),
];

/// Parses `input` cut at `cuts` (ascending offsets).
fn parse_cut(input: &[u8], cuts: &[usize], limit: usize) -> Vec<Item> {
    let mut parser = Parser::with_block_limit(limit);
    let mut items = Vec::new();
    let mut start = 0;
    for &cut in cuts.iter().chain([input.len()].iter()) {
        parser
            .push(&input[start..cut], &mut |i| items.push(i))
            .unwrap();
        assert!(parser.buffered_bytes() <= 2 * limit);
        start = cut;
    }
    parser.finish(&mut |i| items.push(i)).unwrap();
    items
}

#[test]
fn every_split_position_yields_the_same_items() {
    for file in FILES {
        let whole = parse_cut(file, &[], DEFAULT_BLOCK_LIMIT);
        assert!(whole.iter().any(|i| matches!(i, Item::Cue(_))));
        for cut in 0..=file.len() {
            assert_eq!(
                parse_cut(file, &[cut], DEFAULT_BLOCK_LIMIT),
                whole,
                "cut at {cut}"
            );
        }
        let bytes: Vec<usize> = (1..file.len()).collect();
        assert_eq!(
            parse_cut(file, &bytes, DEFAULT_BLOCK_LIMIT),
            whole,
            "byte by byte"
        );
    }
}

#[test]
fn every_pair_of_split_positions_yields_the_same_items() {
    let file = include_bytes!("vtt/bom_crlf.vtt");
    let whole = parse_cut(file, &[], DEFAULT_BLOCK_LIMIT);
    for a in 0..=file.len() {
        for b in a..=file.len() {
            assert_eq!(
                parse_cut(file, &[a, b], DEFAULT_BLOCK_LIMIT),
                whole,
                "cuts at {a}, {b}"
            );
        }
    }
}

#[test]
fn cues_come_out_as_soon_as_their_block_ends() {
    let mut parser = Parser::new();
    let mut items = Vec::new();
    parser
        .push(b"WEBVTT\n\n00:00.000 --> 00:01.000\nfirst", &mut |i| {
            items.push(i)
        })
        .unwrap();
    assert_eq!(items.len(), 1, "the header only: the cue may go on");
    parser.push(b"\n", &mut |i| items.push(i)).unwrap();
    assert_eq!(items.len(), 1, "a next line may still belong to it");
    parser
        .push(b"\n00:01.000 --> 00:02.000\nsecond\n", &mut |i| {
            items.push(i)
        })
        .unwrap();
    assert!(matches!(&items[..], [Item::Header(_), Item::Cue(c)] if c.text == "first"));
    parser
        .push(b"00:02.000 --> 00:03.000\n", &mut |i| items.push(i))
        .unwrap();
    assert!(
        matches!(&items[2], Item::Cue(c) if c.text == "second"),
        "a timing line ends the cue before it"
    );
    parser.finish(&mut |i| items.push(i)).unwrap();
    assert!(matches!(&items[3], Item::Cue(c) if c.text.is_empty()));
}

fn cue_texts(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Cue(c) => Some(c.text.clone()),
            _ => None,
        })
        .collect()
}

fn warnings(items: &[Item]) -> Vec<Warning> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Warning(w) => Some(*w),
            _ => None,
        })
        .collect()
}

#[test]
fn a_block_longer_than_the_limit_is_skipped_and_the_rest_survives() {
    let long_text = "x".repeat(50);
    let file = format!(
        "WEBVTT\n\n00:00.000 --> 00:01.000\nshort\n\n00:01.000 --> 00:02.000\n{long_text}\n{long_text}\n\n00:02.000 --> 00:03.000\nafter\n"
    );
    for cuts in [vec![], (1..file.len()).collect(), vec![60, 61, 100]] {
        let items = parse_cut(file.as_bytes(), &cuts, 64);
        assert_eq!(cue_texts(&items), ["short", "after"]);
        assert_eq!(
            warnings(&items),
            [Warning {
                line: 6,
                kind: WarningKind::BlockTooLong
            }]
        );
    }
    // Within the limit, the same block is a cue.
    let items = parse_cut(file.as_bytes(), &[], 200);
    assert_eq!(
        cue_texts(&items),
        ["short", &format!("{long_text}\n{long_text}"), "after"]
    );
}

#[test]
fn a_line_longer_than_the_limit_still_ends_the_cue_before_it_when_it_has_an_arrow() {
    // The third line of a cue block is a (very long) timing line: it ends the first cue
    // and starts a block of its own, skipped for its length.
    let settings = " align:start".repeat(20);
    let file = format!(
        "WEBVTT\n\n00:00.000 --> 00:01.000\nfirst\n00:01.000 --> 00:02.000{settings}\nsecond\n\n00:02.000 --> 00:03.000\nthird\n"
    );
    for cuts in [
        vec![],
        (1..file.len()).collect(),
        vec![45, 46, 47, 100, 200],
    ] {
        let items = parse_cut(file.as_bytes(), &cuts, 64);
        assert_eq!(cue_texts(&items), ["first", "third"], "cuts {cuts:?}");
        assert_eq!(
            warnings(&items),
            [Warning {
                line: 5,
                kind: WarningKind::BlockTooLong
            }]
        );
    }
    // The arrow split across chunks in the dropped part of a long line.
    let file = format!(
        "WEBVTT\n\n00:00.000 --> 00:01.000\nfirst\n{}-->\nx\n\n00:02.000 --> 00:03.000\nthird\n",
        "y".repeat(100)
    );
    let arrow = file.find("-->\nx").unwrap();
    for cut in arrow..arrow + 3 {
        let items = parse_cut(file.as_bytes(), &[arrow - 1, cut, cut + 1], 64);
        assert_eq!(cue_texts(&items), ["first", "third"], "cut at {cut}");
        assert_eq!(warnings(&items).len(), 1);
    }
}

#[test]
fn memory_stays_bounded_on_an_endless_line() {
    let mut parser = Parser::with_block_limit(1024);
    let mut items = Vec::new();
    parser
        .push(b"WEBVTT\n\n00:00.000 --> 00:01.000\n", &mut |i| {
            items.push(i)
        })
        .unwrap();
    let chunk = [b'z'; 4096];
    for _ in 0..2_500 {
        parser.push(&chunk, &mut |i| items.push(i)).unwrap();
        assert!(
            parser.buffered_bytes() <= 2048,
            "{}",
            parser.buffered_bytes()
        );
    }
    parser
        .push(b"\n\n00:05.000 --> 00:06.000\nok\n", &mut |i| items.push(i))
        .unwrap();
    parser.finish(&mut |i| items.push(i)).unwrap();
    assert_eq!(cue_texts(&items), ["ok"]);
    assert_eq!(
        warnings(&items),
        [Warning {
            line: 3,
            kind: WarningKind::BlockTooLong
        }]
    );
}

#[test]
fn a_header_longer_than_the_limit_is_dropped_but_the_header_still_comes() {
    let file = format!(
        "WEBVTT hello\n{}\n\n00:00.000 --> 00:01.000\nok\n",
        "h".repeat(100)
    );
    let items = parse_cut(file.as_bytes(), &[], 64);
    assert!(matches!(&items[0], Item::Header(h) if h.description == "hello" && h.lines.is_empty()));
    assert_eq!(
        warnings(&items),
        [Warning {
            line: 2,
            kind: WarningKind::BlockTooLong
        }]
    );
    assert_eq!(cue_texts(&items), ["ok"]);
}
