//! WebVTT: arbitrary bytes, fed whole and in chunks whose sizes come from the input.
//! Checks: no panic; every cue has `start <= end` and a tree no deeper than
//! `MAX_DEPTH`; the parser never holds more than a line and a block; and chunking
//! changes nothing (the items equal those of the whole input at once).
#![no_main]

use wasp_engine::vtt::{Item, Node, Parser, VttError, MAX_DEPTH};

fn depth(nodes: &[Node]) -> usize {
    nodes
        .iter()
        .map(|n| match n {
            Node::Element(e) => 1 + depth(&e.children),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

fn check(item: &Item) {
    if let Item::Cue(cue) = item {
        assert!(cue.start <= cue.end, "cue ends before it starts");
        assert!(depth(&cue.nodes) <= MAX_DEPTH);
    }
}

/// Parses `input` in chunks of the sizes in `sizes` (cycled).
fn parse(input: &[u8], sizes: &[u8], limit: usize) -> (Vec<Item>, Result<(), VttError>) {
    let mut parser = Parser::with_block_limit(limit);
    let mut items = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let size = match sizes.get(i % sizes.len().max(1)) {
            Some(&s) => usize::from(s).max(1),
            None => rest.len(),
        };
        i += 1;
        let (chunk, after) = rest.split_at(size.min(rest.len()));
        rest = after;
        let result = parser.push(chunk, &mut |item| {
            check(&item);
            items.push(item)
        });
        assert!(parser.buffered_bytes() <= 2 * limit, "unbounded buffering");
        if let Err(e) = result {
            return (items, Err(e));
        }
    }
    let result = parser.finish(&mut |item| {
        check(&item);
        items.push(item)
    });
    (items, result)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Header: a block limit (64 bytes to 16 KiB), then up to 8 chunk sizes.
    let Some((&limit, rest)) = data.split_first() else {
        return;
    };
    let limit = 64usize << (limit % 9);
    let (sizes, input) = rest.split_at(rest.len().min(8));
    let whole = parse(input, &[], limit);
    let chunked = parse(input, sizes, limit);
    assert_eq!(whole, chunked, "chunking changed the result");
});
