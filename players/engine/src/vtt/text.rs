//! Cue text: markup parsed into a small node tree (W3C WebVTT §6.4, "WebVTT cue text
//! parsing rules": the tokenizer and the tree building, in one pass).

use alloc::string::String;
use alloc::vec::Vec;

use super::entity;
use super::settings::is_space;
use super::timestamp::parse_timestamp;
use crate::time::Micros;

/// Deepest element nesting kept: start tags below it are ignored (their text is kept),
/// so hostile input cannot build a tree deep enough to exhaust the stack.
pub const MAX_DEPTH: usize = 32;

/// A node of cue text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    /// Text, with character references decoded and line breaks as `\n`.
    Text(String),
    /// `<00:00:01.500>`: the text after it is "future" until that time (karaoke).
    Timestamp(Micros),
    /// A span of markup.
    Element(Element),
}

/// What an element is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ElementKind {
    /// `<c>`: a span for classes only.
    Class,
    /// `<i>`.
    Italic,
    /// `<b>`.
    Bold,
    /// `<u>`.
    Underline,
    /// `<ruby>`.
    Ruby,
    /// `<rt>` (only inside `<ruby>`).
    RubyText,
    /// `<v Speaker>`: the speaker's name.
    Voice(String),
    /// `<lang xx>`: the BCP 47 language tag.
    Language(String),
}

/// An element: its kind, its classes (`<c.yellow.bg_blue>`) and its children.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Element {
    /// The kind.
    pub kind: ElementKind,
    /// The classes, in order (empty names dropped).
    pub classes: Vec<String>,
    /// The children, in order.
    pub children: Vec<Node>,
}

/// Parses cue text into nodes. Unknown tags, unmatched end tags and `<rt>` outside
/// `<ruby>` are ignored; unclosed elements are closed at the end.
pub fn parse_cue_text(text: &str) -> Vec<Node> {
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Vec<Node> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<') {
            let (tag, after) = split_tag(after);
            rest = after;
            apply_tag(tag, &mut stack, &mut root);
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let (raw, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
            rest = after;
            append(&mut stack, &mut root, Node::Text(decode_references(raw)));
        }
    }
    while let Some(element) = stack.pop() {
        append(&mut stack, &mut root, Node::Element(element));
    }
    root
}

/// The text of `nodes` without markup, `<rt>` annotations included.
pub fn plain_text(nodes: &[Node]) -> String {
    let mut out = String::new();
    let mut pending: Vec<core::slice::Iter<'_, Node>> = alloc::vec![nodes.iter()];
    while let Some(top) = pending.last_mut() {
        match top.next() {
            None => {
                pending.pop();
            }
            Some(Node::Text(text)) => out.push_str(text),
            Some(Node::Timestamp(_)) => {}
            Some(Node::Element(element)) => pending.push(element.children.iter()),
        }
    }
    out
}

/// Splits the tag at the start of `s` (after `<`) from the rest: up to and without the
/// `>`, or to the end of the text.
fn split_tag(s: &str) -> (&str, &str) {
    match s.split_once('>') {
        Some((tag, rest)) => (tag, rest),
        None => (s, ""),
    }
}

/// Applies one tag (the text between `<` and `>`) to the tree being built.
fn apply_tag(tag: &str, stack: &mut Vec<Element>, root: &mut Vec<Node>) {
    if let Some(name) = tag.strip_prefix('/') {
        close(name, stack, root);
        return;
    }
    if tag.starts_with(|c: char| c.is_ascii_digit()) {
        if let Some(time) = parse_timestamp(tag) {
            append(stack, root, Node::Timestamp(time));
        }
        return;
    }
    // Name and classes end at whitespace; the annotation follows.
    let (head, annotation) = match tag.find(is_space) {
        Some(i) => tag.split_at_checked(i).unwrap_or((tag, "")),
        None => (tag, ""),
    };
    let mut parts = head.split('.');
    let name = parts.next().unwrap_or_default();
    let annotation = || collapse_spaces(&decode_references(annotation));
    let kind = match name {
        "c" => ElementKind::Class,
        "i" => ElementKind::Italic,
        "b" => ElementKind::Bold,
        "u" => ElementKind::Underline,
        "ruby" => ElementKind::Ruby,
        "rt" if stack.last().is_some_and(|e| e.kind == ElementKind::Ruby) => ElementKind::RubyText,
        "v" => ElementKind::Voice(annotation()),
        "lang" => ElementKind::Language(annotation()),
        _ => return,
    };
    if stack.len() >= MAX_DEPTH {
        return;
    }
    let classes = parts.filter(|c| !c.is_empty()).map(String::from).collect();
    stack.push(Element {
        kind,
        classes,
        children: Vec::new(),
    });
}

/// An end tag closes the current element when it names it; `</ruby>` also closes an
/// open `<rt>` and its `<ruby>`. Any other end tag is ignored.
fn close(name: &str, stack: &mut Vec<Element>, root: &mut Vec<Node>) {
    let Some(current) = stack.last() else {
        return;
    };
    let matches = matches!(
        (name, &current.kind),
        ("c", ElementKind::Class)
            | ("i", ElementKind::Italic)
            | ("b", ElementKind::Bold)
            | ("u", ElementKind::Underline)
            | ("ruby", ElementKind::Ruby)
            | ("rt", ElementKind::RubyText)
            | ("v", ElementKind::Voice(_))
            | ("lang", ElementKind::Language(_))
    );
    let levels = if matches {
        1
    } else if name == "ruby" && current.kind == ElementKind::RubyText {
        2
    } else {
        0
    };
    for _ in 0..levels {
        if let Some(element) = stack.pop() {
            append(stack, root, Node::Element(element));
        }
    }
}

/// Appends a node to the current element (or the root), merging adjacent text.
fn append(stack: &mut [Element], root: &mut Vec<Node>, node: Node) {
    let children = match stack.last_mut() {
        Some(element) => &mut element.children,
        None => root,
    };
    if let (Some(Node::Text(last)), Node::Text(text)) = (children.last_mut(), &node) {
        last.push_str(text);
        return;
    }
    children.push(node);
}

/// Replaces the character references in `s`.
fn decode_references(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        let (before, after) = rest.split_at_checked(i).unwrap_or((rest, ""));
        out.push_str(before);
        let after = after.get(1..).unwrap_or_default();
        match entity::decode(after) {
            Some((c, len)) => {
                out.push(c);
                rest = after.get(len..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Trims an annotation and collapses its runs of whitespace to one space.
fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn element(kind: ElementKind, classes: &[&str], children: Vec<Node>) -> Node {
        Node::Element(Element {
            kind,
            classes: classes.iter().map(|c| c.to_string()).collect(),
            children,
        })
    }

    fn text(s: &str) -> Node {
        Node::Text(s.into())
    }

    #[test]
    fn end_of_ruby_closes_an_open_ruby_text() {
        assert_eq!(
            parse_cue_text("<ruby>a<rt>b</ruby>c"),
            [
                element(
                    ElementKind::Ruby,
                    &[],
                    vec![
                        text("a"),
                        element(ElementKind::RubyText, &[], vec![text("b")])
                    ]
                ),
                text("c"),
            ]
        );
    }

    #[test]
    fn annotations_are_trimmed_collapsed_and_decoded() {
        assert_eq!(
            parse_cue_text("<v.a..b \t Mary \n  &amp; Jo >x"),
            [element(
                ElementKind::Voice("Mary & Jo".into()),
                &["a", "b"],
                vec![text("x")]
            )]
        );
        assert_eq!(
            parse_cue_text("<lang en-GB>x</lang>"),
            [element(
                ElementKind::Language("en-GB".into()),
                &[],
                vec![text("x")]
            )]
        );
    }

    #[test]
    fn malformed_tags_are_ignored() {
        assert_eq!(parse_cue_text("a<>b< b>c<.x>d</ b>e<"), [text("abcde")]);
        assert_eq!(
            parse_cue_text("<b"),
            [element(ElementKind::Bold, &[], vec![])]
        );
        assert_eq!(
            parse_cue_text("<00:01.000"),
            [Node::Timestamp(Micros(1_000_000))]
        );
        assert_eq!(parse_cue_text("<00:01.000x>y"), [text("y")]);
    }

    #[test]
    fn nesting_deeper_than_the_limit_keeps_the_text() {
        let deep = "<i>".repeat(1000) + "deep";
        let nodes = parse_cue_text(&deep);
        assert_eq!(plain_text(&nodes), "deep");
        let mut depth = 0;
        let mut level = &nodes;
        while let [Node::Element(e)] = level.as_slice() {
            depth += 1;
            level = &e.children;
        }
        assert_eq!(depth, MAX_DEPTH);
    }
}
