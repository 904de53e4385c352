//! A whole WebVTT file at once, for sidecar files and tests.

use alloc::string::String;
use alloc::vec::Vec;

use super::cue::Cue;
use super::parser::{Header, Item, Parser, VttError, Warning};
use super::region::Region;

/// Everything a WebVTT file holds, in file order within each list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// The header.
    pub header: Header,
    /// The cues.
    pub cues: Vec<Cue>,
    /// The regions.
    pub regions: Vec<Region>,
    /// The style sheets (`STYLE` blocks).
    pub styles: Vec<String>,
    /// The comments (`NOTE` blocks).
    pub notes: Vec<String>,
    /// The blocks that were skipped.
    pub warnings: Vec<Warning>,
}

impl Document {
    /// Parses a whole file.
    ///
    /// # Errors
    /// [`VttError::NotWebVtt`] when the signature line is missing.
    pub fn parse(input: &[u8]) -> Result<Self, VttError> {
        let mut parser = Parser::new();
        let mut document = Document::default();
        let mut sink = |item| document.add(item);
        parser.push(input, &mut sink)?;
        parser.finish(&mut sink)?;
        Ok(document)
    }

    /// Adds an item reported by a [`Parser`].
    pub fn add(&mut self, item: Item) {
        match item {
            Item::Header(header) => self.header = header,
            Item::Cue(cue) => self.cues.push(cue),
            Item::Region(region) => self.regions.push(region),
            Item::Style(css) => self.styles.push(css),
            Item::Note(note) => self.notes.push(note),
            Item::Warning(warning) => self.warnings.push(warning),
        }
    }
}
