#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! Leniency as in browsers: line ends, BOM, cues without text or blank lines, bad
//! blocks skipped with warnings while the rest survives; the signature line.

use wasp_engine::time::Micros;
use wasp_engine::vtt::{Align, Document, Item, Parser, VttError, Warning, WarningKind};

const LENIENT: &str = include_str!("vtt/lenient.vtt");

fn ms(ms: i64) -> Micros {
    Micros(ms * 1000)
}

/// The 1-based number of the line `line` in `file`.
fn line_of(file: &str, line: &str) -> u32 {
    file.lines().position(|l| l == line).unwrap() as u32 + 1
}

fn summary(doc: &Document) -> Vec<(String, Micros, Micros, String)> {
    doc.cues
        .iter()
        .map(|c| (c.id.clone(), c.start, c.end, c.text.clone()))
        .collect()
}

#[test]
fn bad_blocks_are_skipped_with_warnings_and_the_rest_survives() {
    let doc = Document::parse(LENIENT.as_bytes()).unwrap();
    let cue =
        |id: &str, start, end, text: &str| (id.to_string(), ms(start), ms(end), text.to_string());
    assert_eq!(
        summary(&doc),
        [
            cue("", 0, 1_000, ""),
            cue("no-text", 1_000, 2_000, ""),
            cue("", 2_000, 3_000, "directly after a cue without text"),
            cue("", 3_000, 4_000, "first"),
            cue("", 4_000, 5_000, "second, after no blank line"),
            cue("", 360_000_000, 360_001_000, "hours above 99"),
            cue("", 8_000, 9_000, "the identifier is not two lines"),
        ]
    );
    assert_eq!(doc.notes, ["a comment\nthat spans lines"]);
    let warn = |line: &str, kind| Warning {
        line: line_of(LENIENT, line),
        kind,
    };
    assert_eq!(
        doc.warnings,
        [
            warn("bad-timings", WarningKind::BadTimings),
            warn("garbage line", WarningKind::UnknownBlock),
            warn("backwards", WarningKind::EndBeforeStart),
            warn("two", WarningKind::UnknownBlock),
        ]
    );
    assert!(doc.cues.iter().all(|c| c.start <= c.end));
}

#[test]
fn crlf_cr_and_lf_line_ends_give_the_same_document() {
    let lf = Document::parse(LENIENT.as_bytes()).unwrap();
    for ending in ["\r\n", "\r"] {
        let converted = LENIENT.replace('\n', ending);
        assert_eq!(
            Document::parse(converted.as_bytes()).unwrap(),
            lf,
            "{ending:?}"
        );
    }
    // A CR is never followed by an LF-terminated line here: that would be one CRLF.
    let mixed: String = LENIENT
        .lines()
        .enumerate()
        .map(|(i, line)| format!("{line}{}", ["\r\n", "\n", "\r"][i % 3]))
        .collect();
    assert_eq!(Document::parse(mixed.as_bytes()).unwrap(), lf, "mixed");
}

#[test]
fn bom_crlf_nul_and_invalid_utf8_are_tolerated() {
    let doc = Document::parse(include_bytes!("vtt/bom_crlf.vtt")).unwrap();
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    assert_eq!(doc.cues.len(), 2);
    assert_eq!(doc.cues[0].id, "id");
    assert_eq!(doc.cues[0].settings.align, Align::Start);
    assert_eq!(doc.cues[0].text, "CRLF and a BOM\nsecond line");
    assert_eq!((doc.cues[1].start, doc.cues[1].end), (ms(2_000), ms(3_000)));
    assert_eq!(
        doc.cues[1].text,
        "CR only\nNUL \u{fffd} and bad UTF-8 \u{fffd} here"
    );
}

#[test]
fn header_text_lines_and_a_cue_right_after_them_are_read() {
    let doc = Document::parse(include_bytes!("vtt/header.vtt")).unwrap();
    assert_eq!(doc.header.description, "Kind: captions\tand more");
    assert_eq!(
        doc.header.lines,
        [
            "X-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000",
            "Language: en"
        ]
    );
    let map = doc.header.timestamp_map.unwrap();
    assert_eq!((map.mpegts, map.local), (900_000, Micros(0)));
    assert_eq!(doc.cues.len(), 1);
    assert_eq!(
        doc.cues[0].text,
        "a cue right after the header, without a blank line"
    );
    assert!(doc.warnings.is_empty());
}

#[test]
fn the_signature_line_is_required() {
    for good in [
        &b"WEBVTT"[..],
        b"WEBVTT\n",
        b"WEBVTT \n",
        b"WEBVTT\tx",
        b"\xef\xbb\xbfWEBVTT",
        b"WEBVTT\r\n\r\n",
    ] {
        assert!(Document::parse(good).is_ok(), "{good:?}");
    }
    for bad in [
        &b""[..],
        b"WEBVT",
        b"WEBVTTX",
        b"webvtt",
        b" WEBVTT",
        b"\xef\xbbWEBVTT",
        b"\nWEBVTT",
        b"WEBVTT-",
    ] {
        assert_eq!(Document::parse(bad), Err(VttError::NotWebVtt), "{bad:?}");
    }
}

#[test]
fn a_wrong_signature_is_refused_before_the_first_line_ends() {
    let mut parser = Parser::new();
    let mut items = Vec::new();
    assert_eq!(
        parser.push(b"\xef\xbb", &mut |i| items.push(i)),
        Ok(()),
        "a BOM may follow"
    );
    assert_eq!(parser.push(b"\xbfWEB", &mut |i| items.push(i)), Ok(()));
    assert_eq!(
        parser.push(b"VTZ", &mut |i| items.push(i)),
        Err(VttError::NotWebVtt)
    );
    assert_eq!(
        parser.push(b"\n00:00.000 --> 00:01.000\nx\n", &mut |i| items.push(i)),
        Err(VttError::NotWebVtt)
    );
    assert_eq!(
        parser.finish(&mut |i| items.push(i)),
        Err(VttError::NotWebVtt)
    );
    assert!(items.is_empty());
    // finish resets: the parser takes the next file.
    parser
        .push(b"WEBVTT\n\n00:00.000 --> 00:01.000\nx", &mut |i| {
            items.push(i)
        })
        .unwrap();
    parser.finish(&mut |i| items.push(i)).unwrap();
    assert!(matches!(&items[..], [Item::Header(_), Item::Cue(c)] if c.text == "x"));
}

#[test]
fn a_file_with_only_the_signature_has_a_header_and_nothing_else() {
    let mut items = Vec::new();
    let mut parser = Parser::new();
    parser
        .push(b"WEBVTT some text", &mut |i| items.push(i))
        .unwrap();
    assert!(items.is_empty(), "the line may go on");
    parser.finish(&mut |i| items.push(i)).unwrap();
    assert_eq!(items.len(), 1);
    assert!(
        matches!(&items[0], Item::Header(h) if h.description == "some text" && h.lines.is_empty())
    );
}
