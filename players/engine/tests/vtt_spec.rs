#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code
//! The W3C WebVTT spec's own examples, cue markup and cue settings, read exactly.

use wasp_engine::time::Micros;
use wasp_engine::vtt::{
    Align, Anchor, CueSettings, Decimal, Document, Element, ElementKind, Line, LineAlign, Node,
    PositionAlign, Region, Scroll, Vertical, Warning, WarningKind,
};

fn ms(ms: i64) -> Micros {
    Micros(ms * 1000)
}

fn pct(n: i64) -> Decimal {
    Decimal::from_int(n)
}

fn text(s: &str) -> Node {
    Node::Text(s.into())
}

fn element(kind: ElementKind, classes: &[&str], children: Vec<Node>) -> Node {
    Node::Element(Element {
        kind,
        classes: classes.iter().map(|c| c.to_string()).collect(),
        children,
    })
}

fn voice(name: &str, children: Vec<Node>) -> Node {
    element(ElementKind::Voice(name.into()), &[], children)
}

#[test]
fn spec_dialogue_example_has_voices_alignment_and_size() {
    let doc = Document::parse(include_bytes!("vtt/spec_dialogue.vtt")).unwrap();
    assert!(doc.warnings.is_empty());
    let times: Vec<(Micros, Micros)> = doc.cues.iter().map(|c| (c.start, c.end)).collect();
    assert_eq!(
        times,
        [
            (ms(11_000), ms(13_000)),
            (ms(13_000), ms(16_000)),
            (ms(16_000), ms(18_000)),
            (ms(30_000), ms(31_500)),
            (ms(30_500), ms(32_500)),
            (ms(32_000), ms(35_500)),
            (ms(32_500), ms(33_500)),
        ]
    );
    assert_eq!(
        doc.cues[0].nodes,
        [voice(
            "Roger Bingham",
            vec![text("We are in New York City")]
        )]
    );
    assert_eq!(
        doc.cues[3].nodes,
        [voice(
            "Neil deGrasse Tyson",
            vec![text("When we e-mailed—")]
        )]
    );
    let half_right = CueSettings {
        align: Align::Right,
        size: pct(50),
        ..CueSettings::default()
    };
    assert_eq!(doc.cues[3].settings, half_right);
    assert_eq!(doc.cues[4].settings.align, Align::Left);
    assert_eq!(doc.cues[2].settings, CueSettings::default());
    assert_eq!(
        doc.cues[6].nodes,
        [voice(
            "Neil deGrasse Tyson",
            vec![element(ElementKind::Italic, &[], vec![text("Laughs")])]
        )]
    );
    assert_eq!(doc.cues[6].plain_text(), "Laughs");
}

#[test]
fn spec_regions_example_defines_regions_that_cues_name() {
    let doc = Document::parse(include_bytes!("vtt/spec_regions.vtt")).unwrap();
    assert!(doc.warnings.is_empty());
    assert_eq!(
        doc.regions,
        [
            Region {
                id: "fred".into(),
                width: pct(40),
                lines: 3,
                region_anchor: Anchor {
                    x: pct(0),
                    y: pct(100)
                },
                viewport_anchor: Anchor {
                    x: pct(10),
                    y: pct(90)
                },
                scroll: Scroll::Up,
            },
            Region {
                id: "bill".into(),
                width: pct(40),
                lines: 3,
                region_anchor: Anchor {
                    x: pct(100),
                    y: pct(100)
                },
                viewport_anchor: Anchor {
                    x: pct(90),
                    y: pct(90)
                },
                scroll: Scroll::Up,
            },
        ]
    );
    let regions: Vec<(Option<&str>, Option<&str>)> = doc
        .cues
        .iter()
        .map(|c| (c.settings.region.as_deref(), c.settings.layout_region()))
        .collect();
    assert_eq!(
        regions,
        [
            (Some("fred"), Some("fred")),
            (Some("bill"), Some("bill")),
            (Some("fred"), Some("fred")),
            (Some("bill"), Some("bill")),
            (Some("fred"), None),
            (None, None),
        ]
    );
    assert_eq!(doc.cues[1].settings.align, Align::Right);
    assert_eq!(
        (doc.cues[1].start, doc.cues[1].end),
        (ms(2_500), ms(22_500))
    );
    assert_eq!(
        doc.cues[1].nodes,
        [voice("Bill", vec![text("Hi, I’m Bill")])]
    );
}

#[test]
fn spec_style_example_keeps_style_sheets_before_the_first_cue_only() {
    let doc = Document::parse(include_bytes!("vtt/spec_style.vtt")).unwrap();
    assert_eq!(
        doc.styles,
        [
            "::cue {\n  background-image: linear-gradient(to bottom, dimgray, lightgray);\n  color: papayawhip;\n}\n/* Style blocks cannot use blank lines nor \"dash dash greater than\" */",
            "::cue(b) {\n  color: peachpuff;\n}",
        ]
    );
    assert_eq!(
        doc.notes,
        [
            "comment blocks can be used between style blocks.",
            "style blocks cannot appear after the first cue.",
        ]
    );
    assert_eq!(doc.cues.len(), 1);
    assert_eq!(
        doc.cues[0].nodes,
        [
            text("- Hello "),
            element(ElementKind::Bold, &[], vec![text("world")]),
            text(".")
        ]
    );
    assert_eq!(
        doc.warnings,
        [Warning {
            line: 22,
            kind: WarningKind::UnknownBlock
        }],
        "the STYLE block after the cue"
    );
}

#[test]
fn cue_markup_becomes_a_node_tree() {
    let doc = Document::parse(include_bytes!("vtt/markup.vtt")).unwrap();
    assert_eq!(
        doc.header.description,
        "- Roses, in the style of the spec's examples"
    );
    let ids: Vec<&str> = doc.cues.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["roses", "ruby", "karaoke", "tricky"]);

    assert_eq!(
        doc.cues[0].nodes,
        [
            element(
                ElementKind::Voice("Ann Author".into()),
                &["poet"],
                vec![
                    text("Roses are "),
                    element(ElementKind::Class, &["red", "bold"], vec![text("red")]),
                    text(","),
                ]
            ),
            text("\n"),
            element(ElementKind::Italic, &[], vec![text("violets")]),
            text(" are "),
            element(ElementKind::Bold, &[], vec![text("blue")]),
            text(", "),
            element(ElementKind::Underline, &[], vec![text("sugar")]),
            text(" is sweet"),
        ]
    );
    assert_eq!(
        doc.cues[0].plain_text(),
        "Roses are red,\nviolets are blue, sugar is sweet"
    );

    assert_eq!(
        doc.cues[1].nodes,
        [
            element(
                ElementKind::Ruby,
                &[],
                vec![
                    text("漢"),
                    element(ElementKind::RubyText, &[], vec![text("kan")]),
                    text("字"),
                    element(ElementKind::RubyText, &[], vec![text("ji")]),
                ]
            ),
            text(" & "),
            element(ElementKind::Language("fr".into()), &[], vec![text("vous")]),
        ]
    );

    assert_eq!(
        doc.cues[2].nodes,
        [
            text("And "),
            Node::Timestamp(ms(7_000)),
            text("so "),
            Node::Timestamp(ms(7_500)),
            text("are "),
            Node::Timestamp(ms(8_000)),
            text("you! <3 > \u{200e}\u{200f}\u{a0}\u{263a} &bogus; "),
        ],
        "character references decoded, an unknown one and a bad timestamp tag left out"
    );

    assert_eq!(
        doc.cues[3].nodes,
        [
            text("stray unmatched unknown "),
            element(
                ElementKind::Bold,
                &[],
                vec![
                    text("unclosed "),
                    element(ElementKind::Italic, &[], vec![text("nested")])
                ]
            ),
        ],
        "<rt> outside <ruby>, unmatched end tags and unknown tags are ignored; open ones close at the end"
    );
}

#[test]
fn every_cue_setting_is_read_and_invalid_ones_are_ignored() {
    let doc = Document::parse(include_bytes!("vtt/settings.vtt")).unwrap();
    assert!(doc.warnings.is_empty());
    let settings: Vec<&CueSettings> = doc.cues.iter().map(|c| &c.settings).collect();
    assert_eq!(
        settings,
        [
            &CueSettings {
                vertical: Vertical::RightToLeft,
                line: Line::Lines(pct(0)),
                position: Some(pct(10)),
                size: pct(80),
                align: Align::Start,
                ..CueSettings::default()
            },
            &CueSettings {
                line: Line::Percent(pct(50)),
                line_align: LineAlign::Center,
                position: Some(pct(50)),
                position_align: PositionAlign::Center,
                align: Align::End,
                ..CueSettings::default()
            },
            &CueSettings {
                line: Line::Lines(pct(-1)),
                line_align: LineAlign::End,
                position: Some(pct(100)),
                position_align: PositionAlign::LineLeft,
                align: Align::Right,
                ..CueSettings::default()
            },
            &CueSettings::default(),
            &CueSettings {
                line: Line::Lines(Decimal(2_500)),
                position: Some(Decimal(500)),
                position_align: PositionAlign::LineRight,
                size: pct(0),
                align: Align::Right,
                ..CueSettings::default()
            },
        ]
    );
    let texts: Vec<&str> = doc.cues.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["a", "b", "c", "d", "e"]);
}
