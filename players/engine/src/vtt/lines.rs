//! Cutting a byte stream into lines (W3C WebVTT §6.1: CRLF, CR and LF all end a
//! line), chunk by chunk, holding at most `limit` bytes of the current line. A longer
//! line is dropped, but the parser still learns whether it held `-->` (it may start
//! the next block).

use alloc::vec::Vec;

/// A complete line.
pub(crate) struct RawLine {
    /// Its bytes, without the line end (empty when `too_long`).
    pub bytes: Vec<u8>,
    /// Longer than the limit: its bytes were dropped.
    pub too_long: bool,
    /// It contains `-->`.
    pub arrow: bool,
}

/// The line being read.
pub(crate) struct LineSplitter {
    limit: usize,
    line: Vec<u8>,
    too_long: bool,
    /// `-->` seen in a long line; its last two bytes (the arrow may straddle chunks).
    long_arrow: bool,
    tail: [u8; 2],
    /// A CR ended the last line: an LF right after it belongs to it.
    after_cr: bool,
}

impl LineSplitter {
    /// A splitter holding at most `limit` bytes of a line.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            line: Vec::new(),
            too_long: false,
            long_arrow: false,
            tail: [0; 2],
            after_cr: false,
        }
    }

    /// The bytes of the current, incomplete line (empty once it is too long).
    pub fn pending(&self) -> &[u8] {
        &self.line
    }

    /// Takes bytes from the front of `rest` up to the end of the next line, and returns
    /// that line; `None` when `rest` ran out first (its bytes are kept).
    pub fn next_line(&mut self, rest: &mut &[u8]) -> Option<RawLine> {
        if rest.is_empty() {
            return None; // an LF after a CR may still come
        }
        if core::mem::take(&mut self.after_cr) {
            if let Some(after) = rest.strip_prefix(b"\n") {
                *rest = after;
            }
        }
        match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(i) => {
                let (text, after) = rest.split_at(i);
                self.extend(text);
                self.after_cr = after.first() == Some(&b'\r');
                *rest = after.get(1..).unwrap_or_default();
                Some(self.take())
            }
            None => {
                self.extend(rest);
                *rest = &[];
                None
            }
        }
    }

    /// The input ended: the last line, if it has any bytes.
    pub fn last_line(&mut self) -> Option<RawLine> {
        (!self.line.is_empty() || self.too_long).then(|| self.take())
    }

    fn take(&mut self) -> RawLine {
        let bytes = core::mem::take(&mut self.line);
        let too_long = core::mem::take(&mut self.too_long);
        let arrow = core::mem::take(&mut self.long_arrow) || contains_arrow(&bytes);
        self.tail = [0; 2];
        RawLine {
            bytes,
            too_long,
            arrow,
        }
    }

    /// Adds bytes to the current line, dropping them past the limit.
    fn extend(&mut self, bytes: &[u8]) {
        if !self.too_long {
            let fits = self.line.len().saturating_add(bytes.len()) <= self.limit;
            if fits && self.line.try_reserve(bytes.len()).is_ok() {
                self.line.extend_from_slice(bytes);
                return;
            }
            // Too long: keep only whether it holds `-->`.
            self.long_arrow = contains_arrow(&self.line);
            self.tail = last_two([0; 2], &self.line);
            self.line = Vec::new();
            self.too_long = true;
        }
        // An arrow straddling the previous chunk: the tail and the first two bytes.
        let mut joined = [0u8; 4];
        let head = bytes.get(..2).unwrap_or(bytes);
        let (tail, rest) = joined.split_at_mut(2);
        tail.copy_from_slice(&self.tail);
        if let Some(dst) = rest.get_mut(..head.len()) {
            dst.copy_from_slice(head);
        }
        let joined = joined.get(..2 + head.len()).unwrap_or_default();
        self.long_arrow |= contains_arrow(joined) || contains_arrow(bytes);
        self.tail = last_two(self.tail, bytes);
    }
}

fn contains_arrow(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == b"-->")
}

/// The last two bytes of `tail` followed by `bytes`.
fn last_two(tail: [u8; 2], bytes: &[u8]) -> [u8; 2] {
    match bytes {
        [] => tail,
        [b] => [tail[1], *b],
        [.., a, b] => [*a, *b],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(chunks: &[&[u8]], limit: usize) -> Vec<(Vec<u8>, bool, bool)> {
        let mut splitter = LineSplitter::new(limit);
        let mut out = Vec::new();
        for chunk in chunks {
            let mut rest = *chunk;
            while let Some(line) = splitter.next_line(&mut rest) {
                out.push((line.bytes, line.too_long, line.arrow));
            }
        }
        if let Some(line) = splitter.last_line() {
            out.push((line.bytes, line.too_long, line.arrow));
        }
        out
    }

    #[test]
    fn crlf_split_across_chunks_is_one_line_end() {
        let want = [(b"a".to_vec(), false, false), (b"b".to_vec(), false, false)];
        assert_eq!(lines(&[b"a\r", b"\nb"], 8), want);
        assert_eq!(lines(&[b"a\r\nb\n"], 8), want);
        assert_eq!(lines(&[b"a\rb"], 8), want);
        assert_eq!(lines(&[b"a\r", b"\r", b"\nb"], 8).len(), 3, "CR, then CRLF");
    }

    #[test]
    fn a_long_line_is_dropped_but_its_arrow_is_seen() {
        for cut in 0..=12 {
            let line = b"xxxxxxxx-->xx\n";
            let (a, b) = line.split_at(cut);
            assert_eq!(lines(&[a, b], 4), [(Vec::new(), true, true)], "cut {cut}");
            let mut no_arrow = *line;
            no_arrow[9] = b'=';
            let (a, b) = no_arrow.split_at(cut);
            assert_eq!(lines(&[a, b], 4), [(Vec::new(), true, false)], "cut {cut}");
        }
        let bytes: Vec<&[u8]> = b"abcde-->\n".chunks(1).collect();
        assert_eq!(lines(&bytes, 2), [(Vec::new(), true, true)], "byte by byte");
    }
}
