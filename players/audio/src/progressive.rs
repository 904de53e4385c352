//! A progressive source: an internet radio stream (ICY) or a podcast file, read
//! through one fetch into the [`Pipeline`] and the [`Feed`].
//!
//! The fetch asks for in-band metadata (`Icy-MetaData: 1`); a server that answers
//! with `icy-metaint` gets its metadata blocks stripped, any other body is all audio.

use alloc::string::String;
use alloc::vec::Vec;

use wasp_engine::media::{AccessUnit, TrackInfo};
use wasp_guest::abi::fetch::FetchRequest;
use wasp_guest::{Fetch, Status};

use crate::feed::Feed;
use crate::pipeline::{Format, Output, Pipeline};

/// The request header that asks a SHOUTcast/Icecast server for metadata blocks.
pub const ICY_REQUEST: &str = "Icy-MetaData: 1";
/// Reads per tick at most (bounded work).
const READS_PER_TICK: usize = 16;

/// Where a read loop left the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// More may come.
    Open,
    /// The body ended; the feed was told.
    Ended,
    /// The fetch failed.
    Failed(Status),
}

/// See the module docs.
#[derive(Debug)]
pub struct Progressive {
    url: String,
    fetch: Fetch,
    pipeline: Option<Pipeline>,
    /// The feed's offset of this body's first clean byte.
    base: u64,
    /// `icy-metaint` (0: none, or not known yet).
    metaint: u32,
    ended: bool,
}

/// What a pipeline push hands on: bytes and frames to the feed, titles aside.
struct Sink<'a> {
    feed: &'a mut Feed,
    title: &'a mut Option<Vec<u8>>,
    base: u64,
}

impl Output for Sink<'_> {
    fn audio(&mut self, bytes: &[u8]) {
        self.feed.write(bytes);
    }
    fn track(&mut self, track: TrackInfo) {
        self.feed.set_track(track);
    }
    fn unit(&mut self, mut unit: AccessUnit) {
        for range in &mut unit.ranges {
            range.offset += self.base;
        }
        self.feed.push_unit(unit);
    }
    fn title(&mut self, title: &[u8]) {
        // Every title is logged as it comes (several may come in one tick's reads;
        // the screen shows the last).
        wasp_guest::info!("audio: now playing: {}", crate::icy::title_text(title));
        *self.title = Some(title.to_vec());
    }
}

impl Progressive {
    /// Starts fetching `url`.
    ///
    /// # Errors
    /// The fetch cannot be opened.
    pub fn open(url: &str) -> Result<Self, Status> {
        Self::resume(url, 0)
    }

    /// Starts fetching `url` again after a drop: its clean bytes continue the feed
    /// at offset `base` (what the feed has written).
    ///
    /// # Errors
    /// The fetch cannot be opened.
    pub fn resume(url: &str, base: u64) -> Result<Self, Status> {
        Ok(Self {
            url: String::from(url),
            fetch: Fetch::open(&FetchRequest::get(), url, ICY_REQUEST)?,
            pipeline: None,
            base,
            metaint: 0,
            ended: false,
        })
    }

    /// A live radio stream (the server sends ICY metadata): a drop is reconnected.
    pub fn is_radio(&self) -> bool {
        self.metaint > 0
    }

    /// Metadata bytes removed so far.
    pub fn stripped_bytes(&self) -> u64 {
        self.pipeline.as_ref().map_or(0, Pipeline::stripped_bytes)
    }

    /// Reads what arrived (while the feed has room) through `buf`; a new now-playing
    /// title goes to `title`.
    pub fn step(
        &mut self,
        feed: &mut Feed,
        buf: &mut [u8],
        title: &mut Option<Vec<u8>>,
    ) -> Progress {
        if self.ended {
            return Progress::Ended;
        }
        if self.pipeline.is_none() {
            let metaint = match self.fetch.header("icy-metaint") {
                Ok(v) => v.trim().parse::<u32>().unwrap_or(0),
                Err(Status::WouldBlock) => return Progress::Open,
                Err(_) => 0,
            };
            let content_type = self.fetch.header("content-type").unwrap_or_default();
            let format = Format::named(&content_type, &self.url);
            wasp_guest::info!("audio: {} metaint {metaint} format {format:?}", self.url);
            self.metaint = metaint;
            self.pipeline = Some(Pipeline::new(metaint, format));
        }
        let Some(pipeline) = &mut self.pipeline else {
            return Progress::Open;
        };
        let mut sink = Sink {
            feed,
            title,
            base: self.base,
        };
        for _ in 0..READS_PER_TICK {
            let room = sink.feed.room() as usize;
            if room == 0 || sink.feed.failed.is_some() {
                break;
            }
            let want = buf.len().min(room);
            let Some(buf) = buf.get_mut(..want) else {
                break;
            };
            match self.fetch.read(buf) {
                Ok(n) => pipeline.push(buf.get(..n).unwrap_or_default(), &mut sink),
                Err(Status::WouldBlock) => break,
                Err(Status::EndOfStream) => {
                    pipeline.finish(&mut sink);
                    sink.feed.end();
                    self.ended = true;
                    return Progress::Ended;
                }
                Err(status) => return Progress::Failed(status),
            }
        }
        Progress::Open
    }
}
