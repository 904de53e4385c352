//! [`GuestPlatform`]: the [`Platform`] inside a player module, over the `wasp.*`
//! imports through `wasp-guest` (feature `guest`).
//!
//! Handles stay raw `u32`s owned by the engine: each call borrows the SDK's owned
//! wrapper for the duration of the call only (it never closes what it did not open).

use core::mem::ManuallyDrop;

use wasp_abi::caps::{DecodingInfo, DecodingQuery, DisplayInfo, MemoryBudget};
use wasp_abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, SampleRange, Subsample,
};
use wasp_abi::fetch::{FetchInfo, FetchRequest};
use wasp_abi::player::{LogLevel, PlayerState, QoeReport, ReportKind, StateReason};
use wasp_abi::store::StoreUsage;
use wasp_abi::Status;
use wasp_guest::{Decoder, Fetch, StoreObject};

use super::{DecoderId, FetchId, ObjectId, Platform};

/// The module's device.
#[derive(Clone, Copy, Debug, Default)]
pub struct GuestPlatform;

fn fetch(handle: FetchId) -> ManuallyDrop<Fetch> {
    ManuallyDrop::new(Fetch::from_handle(handle))
}

fn object(handle: ObjectId) -> ManuallyDrop<StoreObject> {
    ManuallyDrop::new(StoreObject::from_handle(handle))
}

fn decoder(handle: DecoderId) -> ManuallyDrop<Decoder> {
    ManuallyDrop::new(Decoder::from_handle(handle))
}

impl Platform for GuestPlatform {
    fn now_us(&mut self) -> i64 {
        wasp_guest::time::now().unwrap_or(0)
    }

    fn random_u64(&mut self) -> u64 {
        wasp_guest::random::u64().unwrap_or(0)
    }

    fn log(&mut self, level: LogLevel, line: &str) {
        let _ = wasp_guest::log::log(level, line);
    }

    fn decoding_info(
        &mut self,
        query: &DecodingQuery,
        codecs: &str,
    ) -> Result<DecodingInfo, Status> {
        wasp_guest::caps::decoding(query, codecs)
    }

    fn display_info(&mut self) -> Result<DisplayInfo, Status> {
        wasp_guest::caps::display()
    }

    fn memory_budget(&mut self) -> Result<MemoryBudget, Status> {
        wasp_guest::caps::memory()
    }

    fn fetch_open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
    ) -> Result<FetchId, Status> {
        Fetch::open(request, url, headers).map(Fetch::into_handle)
    }

    fn fetch_info(&mut self, handle: FetchId) -> Result<FetchInfo, Status> {
        fetch(handle).info()
    }

    fn fetch_read(&mut self, handle: FetchId, buf: &mut [u8]) -> Result<usize, Status> {
        fetch(handle).read(buf)
    }

    fn fetch_header(
        &mut self,
        handle: FetchId,
        name: &str,
    ) -> Result<alloc::string::String, Status> {
        fetch(handle).header(name)
    }

    fn fetch_read_to_store(
        &mut self,
        handle: FetchId,
        target: ObjectId,
        max: u64,
    ) -> Result<u64, Status> {
        fetch(handle).read_to_store(&object(target), max)
    }

    fn fetch_close(&mut self, handle: FetchId) {
        let _ = ManuallyDrop::into_inner(fetch(handle)).close();
    }

    fn store_create(&mut self, reserve: u64) -> Result<ObjectId, Status> {
        StoreObject::create(reserve).map(StoreObject::into_handle)
    }

    fn store_read(
        &mut self,
        handle: ObjectId,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, Status> {
        object(handle).read(offset, buf)
    }

    fn store_write(&mut self, handle: ObjectId, bytes: &[u8]) -> Result<(), Status> {
        object(handle).write(bytes).map(drop)
    }

    fn store_free(&mut self, handle: ObjectId) {
        let _ = ManuallyDrop::into_inner(object(handle)).free();
    }

    fn store_usage(&mut self) -> Result<StoreUsage, Status> {
        wasp_guest::store::usage()
    }

    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<DecoderId, Status> {
        Decoder::open(config, extra).map(Decoder::into_handle)
    }

    fn decoder_submit(
        &mut self,
        handle: DecoderId,
        sample: &SampleInfo,
        ranges: &[SampleRange],
        encryption: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status> {
        decoder(handle).submit(sample, ranges, encryption)
    }

    fn decoder_info(&mut self, handle: DecoderId) -> Result<DecoderStats, Status> {
        decoder(handle).info()
    }

    fn decoder_flush(&mut self, handle: DecoderId) {
        let _ = decoder(handle).flush();
    }

    fn decoder_close(&mut self, handle: DecoderId) {
        let _ = ManuallyDrop::into_inner(decoder(handle)).close();
    }

    fn media_clock(&mut self) -> Result<MediaClockInfo, Status> {
        wasp_guest::media::clock()
    }

    fn media_set_rate(&mut self, rate_milli: u32) -> Result<(), Status> {
        wasp_guest::media::set_rate(rate_milli)
    }

    fn media_set_position(&mut self, pts_us: i64) -> Result<(), Status> {
        wasp_guest::media::set_position(pts_us)
    }

    fn report_state(&mut self, state: PlayerState, reason: StateReason) {
        let _ = wasp_guest::report::state(state, reason);
    }

    fn report_qoe(&mut self, report: &QoeReport) {
        let _ = wasp_guest::report::qoe(report);
    }

    fn report_text(&mut self, kind: ReportKind, text: &str) {
        let _ = wasp_guest::report::text(kind, text);
    }
}
