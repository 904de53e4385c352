//! [`PortPlatform`]: the engine's [`Platform`] over any device [`Port`], natively.
//!
//! What the runtime does for a module (handles, the media store, gathering an access
//! unit's ranges), this adapter does for the engine running natively: the same port
//! answers, the same store budget, no interpreter. Fetch and decoder handles are the
//! port's own ids (the engine here is trusted code of ours).

use wasp_core::abi::caps::{DecodingInfo, DecodingQuery, DisplayInfo, MemoryBudget};
use wasp_core::abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, MediaClockInfo, SampleInfo, SampleRange,
    Subsample, MAX_RATE_MILLI, MIN_RATE_MILLI,
};
use wasp_core::abi::fetch::{FetchInfo, FetchRequest};
use wasp_core::abi::player::{LogLevel, PlayerState, QoeReport, ReportKind, StateReason};
use wasp_core::abi::store::StoreUsage;
use wasp_core::abi::Status;
use wasp_core::media_store::MediaStore;
use wasp_core::Port;
use wasp_engine::platform::{DecoderId, FetchId, ObjectId, Platform};

/// The engine's platform over a port, with a media store of `budget` bytes.
pub struct PortPlatform<P> {
    /// The device.
    pub port: P,
    /// The media store.
    pub store: MediaStore,
    /// Most store objects at once.
    pub max_objects: u32,
    /// Highest store use seen, bytes.
    pub store_high_water: u64,
}

impl<P: Port> PortPlatform<P> {
    /// `port` with a media store of `budget` bytes and `max_objects` objects.
    pub fn new(port: P, budget: usize, max_objects: u32) -> Self {
        Self {
            port,
            store: MediaStore::new(budget, max_objects as usize),
            max_objects,
            store_high_water: 0,
        }
    }

    fn note_store(&mut self) {
        self.store_high_water = self.store_high_water.max(self.store.used() as u64);
    }
}

impl<P: Port> Platform for PortPlatform<P> {
    fn now_us(&mut self) -> i64 {
        self.port.now_us()
    }

    fn random_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.port.random_fill(&mut b);
        u64::from_le_bytes(b)
    }

    fn log(&mut self, level: LogLevel, line: &str) {
        self.port.log(level, line);
    }

    fn decoding_info(
        &mut self,
        query: &DecodingQuery,
        codecs: &str,
    ) -> Result<DecodingInfo, Status> {
        Ok(self.port.decoding_info(query, codecs))
    }

    fn display_info(&mut self) -> Result<DisplayInfo, Status> {
        Ok(self.port.display_info())
    }

    fn memory_budget(&mut self) -> Result<MemoryBudget, Status> {
        Ok(MemoryBudget {
            media_store: self.store.budget() as u64,
            max_store_objects: self.max_objects,
            ..MemoryBudget::default()
        })
    }

    fn fetch_open(
        &mut self,
        request: &FetchRequest,
        url: &str,
        headers: &str,
    ) -> Result<FetchId, Status> {
        self.port.fetch_open(request, url, headers)
    }

    fn fetch_info(&mut self, fetch: FetchId) -> Result<FetchInfo, Status> {
        Ok(self.port.fetch_info(fetch))
    }

    fn fetch_read(&mut self, fetch: FetchId, buf: &mut [u8]) -> Result<usize, Status> {
        self.port.fetch_read(fetch, buf)
    }

    fn fetch_header(&mut self, fetch: FetchId, name: &str) -> Result<String, Status> {
        let mut buf = vec![0u8; 256];
        let n = self.port.fetch_header(fetch, name, &mut buf)?;
        if n > buf.len() {
            buf.resize(n, 0);
            self.port.fetch_header(fetch, name, &mut buf)?;
        }
        buf.truncate(n);
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    fn fetch_read_to_store(
        &mut self,
        fetch: FetchId,
        object: ObjectId,
        max: u64,
    ) -> Result<u64, Status> {
        // As the runtime does: only what arrived is appended (no zeroed tail of `max`).
        let info = self.port.fetch_info(fetch);
        let available = info.unread().min(max);
        if available == 0 {
            return Err(info.idle_status());
        }
        let len = usize::try_from(available).unwrap_or(usize::MAX);
        let port = &mut self.port;
        let n = self
            .store
            .append_with(object, len, |buf| port.fetch_read(fetch, buf))?;
        self.note_store();
        Ok(n as u64)
    }

    fn fetch_close(&mut self, fetch: FetchId) {
        self.port.fetch_close(fetch);
    }

    fn store_create(&mut self, reserve: u64) -> Result<ObjectId, Status> {
        self.store
            .create(i64::try_from(reserve).map_err(|_| Status::InvalidArgument)?)
    }

    fn store_read(
        &mut self,
        object: ObjectId,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, Status> {
        let bytes = self.store.bytes(object)?;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let tail = bytes.get(start..).unwrap_or_default();
        let n = tail.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), tail.get(..n)) {
            dst.copy_from_slice(src);
        }
        Ok(n)
    }

    fn store_write(&mut self, object: ObjectId, bytes: &[u8]) -> Result<(), Status> {
        self.store.append(object, bytes)?;
        self.note_store();
        Ok(())
    }

    fn store_free(&mut self, object: ObjectId) {
        let _ = self.store.free(object);
    }

    fn store_usage(&mut self) -> Result<StoreUsage, Status> {
        Ok(StoreUsage {
            used: self.store.used() as u64,
            budget: self.store.budget() as u64,
            objects: self.store.objects() as u32,
            max_objects: self.max_objects,
        })
    }

    fn decoder_open(&mut self, config: &DecoderConfig, extra: &[u8]) -> Result<DecoderId, Status> {
        self.port.decoder_open(config, extra)
    }

    fn decoder_submit(
        &mut self,
        decoder: DecoderId,
        sample: &SampleInfo,
        ranges: &[SampleRange],
        encryption: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status> {
        let mut pieces = Vec::with_capacity(ranges.len());
        let mut total = 0u64;
        for r in ranges {
            pieces.push(self.store.range(r.object, r.offset, u64::from(r.length))?);
            total += u64::from(r.length);
        }
        if total != u64::from(sample.size) {
            return Err(Status::InvalidArgument);
        }
        self.port
            .decoder_submit(decoder, sample, &pieces, encryption)
    }

    fn decoder_info(&mut self, decoder: DecoderId) -> Result<DecoderStats, Status> {
        Ok(self.port.decoder_info(decoder))
    }

    fn decoder_flush(&mut self, decoder: DecoderId) {
        self.port.decoder_flush(decoder);
    }

    fn decoder_close(&mut self, decoder: DecoderId) {
        self.port.decoder_close(decoder);
    }

    fn media_clock(&mut self) -> Result<MediaClockInfo, Status> {
        Ok(self.port.media_clock())
    }

    fn media_set_rate(&mut self, rate_milli: u32) -> Result<(), Status> {
        if rate_milli != 0 && !(MIN_RATE_MILLI..=MAX_RATE_MILLI).contains(&rate_milli) {
            return Err(Status::InvalidArgument);
        }
        self.port.media_set_rate(rate_milli);
        Ok(())
    }

    fn media_set_position(&mut self, pts_us: i64) -> Result<(), Status> {
        self.port.media_set_position(pts_us);
        Ok(())
    }

    fn report_state(&mut self, state: PlayerState, reason: StateReason) {
        self.port.on_state(state, reason);
    }

    fn report_qoe(&mut self, report: &QoeReport) {
        let mut buf = [0u8; QoeReport::SIZE];
        report.encode(&mut buf);
        self.port.on_report(ReportKind::Qoe, &buf);
    }

    fn report_text(&mut self, kind: ReportKind, text: &str) {
        self.port.on_report(kind, text.as_bytes());
    }
}
