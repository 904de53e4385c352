#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! `fixtures/text/sample.vtt` (made by `fixtures/make.sh`), read exactly.

use wasp_engine::time::Micros;
use wasp_engine::vtt::{
    Align, CueSettings, Decimal, Document, Element, ElementKind, Line, LineAlign, Node,
};

const SAMPLE: &[u8] = include_bytes!("../fixtures/text/sample.vtt");

#[test]
fn sample_vtt_has_its_two_cues_with_exact_times_settings_and_text() {
    let doc = Document::parse(SAMPLE).unwrap();
    assert_eq!(doc.header.description, "");
    assert!(doc.header.lines.is_empty());
    assert_eq!(doc.header.timestamp_map, None);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    assert_eq!(doc.cues.len(), 2);

    let first = &doc.cues[0];
    assert_eq!(first.id, "");
    assert_eq!(
        (first.start, first.end),
        (Micros(500_000), Micros(1_500_000))
    );
    assert_eq!(first.settings, CueSettings::default());
    assert_eq!(first.text, "Hello, <b>wasp</b>!");
    assert_eq!(
        first.nodes,
        vec![
            Node::Text("Hello, ".into()),
            Node::Element(Element {
                kind: ElementKind::Bold,
                classes: vec![],
                children: vec![Node::Text("wasp".into())],
            }),
            Node::Text("!".into()),
        ]
    );
    assert_eq!(first.plain_text(), "Hello, wasp!");

    let second = &doc.cues[1];
    assert_eq!(second.id, "cue-2");
    assert_eq!(
        (second.start, second.end),
        (Micros(2_000_000), Micros(3_250_000))
    );
    assert_eq!(
        second.settings,
        CueSettings {
            align: Align::Start,
            line: Line::Percent(Decimal::from_int(10)),
            line_align: LineAlign::Start,
            ..CueSettings::default()
        }
    );
    assert_eq!(second.text, "Second line\nwith a break");
    assert_eq!(
        second.nodes,
        vec![Node::Text("Second line\nwith a break".into())]
    );
}
