//! Decoders (`decoder_*`): whole access units, submitted by reference to media-store
//! bytes (scatter-gather), never copied through the interpreter.
#![allow(unsafe_code)] // FFI edge: calls the `decoder_*` imports.

use alloc::vec::Vec;
use core::mem::size_of;
use wasp_abi::decoder::{
    DecoderConfig, DecoderStats, EncryptionInfo, SampleInfo, SampleRange, Subsample,
};
use wasp_abi::Status;

use crate::{sys, util};

// `submit` hands the host the range slice as it lies in memory. That is its wire form
// because `SampleRange` is `#[repr(C)]` with no padding (asserted here) and wasm32 is
// little-endian; natively the imports are stubs that read nothing.
const _: () = assert!(size_of::<SampleRange>() == SampleRange::SIZE);

crate::util::owned_handle! {
    /// An open decoder; closed on drop.
    pub struct Decoder;
    release: decoder_close, close, "decoder", "closed", "Closes the decoder";
    handle_doc: "The raw handle (as in [`DecoderEvent::handle`](wasp_abi::event::DecoderEvent)).";
}

impl Decoder {
    /// Opens a decoder for `config` with the codec configuration bytes `extra`
    /// (`avcC`, `hvcC`, AudioSpecificConfig, `dOps`; may be empty).
    ///
    /// # Errors
    /// [`Status::Unsupported`] for a codec the device lacks, or the import's status.
    pub fn open(config: &DecoderConfig, extra: &[u8]) -> Result<Self, Status> {
        let config = config.to_bytes();
        // SAFETY: `config` and `extra` are live shared borrows the host only reads.
        let ret = unsafe {
            sys::decoder_open(
                util::addr(&config),
                util::len(config.len()),
                util::addr(extra),
                util::len(extra.len()),
            )
        };
        Status::check(ret).map(|handle| Self { handle })
    }

    /// Queues one access unit: its `sample` info, the store byte `ranges` holding it
    /// (in order; none for an end-of-stream sample), and for an encrypted unit its
    /// [`EncryptionInfo`] and subsample map (`subsample_count` is set from the slice).
    ///
    /// # Errors
    /// [`Status::WouldBlock`] when the queue is full (submit again later),
    /// [`Status::BudgetExceeded`] when the encryption record cannot be allocated, or
    /// the import's status.
    pub fn submit(
        &self,
        sample: &SampleInfo,
        ranges: &[SampleRange],
        encryption: Option<(&EncryptionInfo, &[Subsample])>,
    ) -> Result<(), Status> {
        let sample = sample.to_bytes();
        let crypt = match encryption {
            Some((info, subsamples)) => encryption_record(info, subsamples)?,
            None => Vec::new(),
        };
        let ranges_len = ranges.len().saturating_mul(SampleRange::SIZE);
        // SAFETY: `sample`, `ranges` (`ranges_len` bytes, see the assert above) and
        // `crypt` are live shared borrows the host only reads.
        let ret = unsafe {
            sys::decoder_submit(
                util::handle(self.handle),
                util::addr(&sample),
                util::len(sample.len()),
                util::addr(ranges),
                util::len(ranges_len),
                util::addr(&crypt),
                util::len(crypt.len()),
            )
        };
        Status::check(ret).map(drop)
    }

    /// Queue levels, counts and state.
    ///
    /// # Errors
    /// The import's status.
    #[inline]
    pub fn info(&self) -> Result<DecoderStats, Status> {
        let decoder = util::handle(self.handle);
        // SAFETY: `out_struct` passes an exclusively borrowed buffer of `len` bytes.
        util::out_struct(|out, len| unsafe { sys::decoder_info(decoder, out, len) })
    }

    /// Drops every queued and pending frame (before a seek).
    ///
    /// # Errors
    /// The import's status.
    #[inline]
    pub fn flush(&self) -> Result<(), Status> {
        // SAFETY: no pointer arguments.
        Status::check(unsafe { sys::decoder_flush(util::handle(self.handle)) }).map(drop)
    }
}

/// The `crypt` argument: an [`EncryptionInfo`] followed by its subsamples.
fn encryption_record(info: &EncryptionInfo, subsamples: &[Subsample]) -> Result<Vec<u8>, Status> {
    let info = EncryptionInfo {
        subsample_count: u32::try_from(subsamples.len()).map_err(|_| Status::InvalidArgument)?,
        ..*info
    };
    let size = EncryptionInfo::SIZE + subsamples.len() * Subsample::SIZE;
    let mut record = Vec::new();
    record
        .try_reserve_exact(size)
        .map_err(|_| Status::BudgetExceeded)?;
    record.extend_from_slice(&info.to_bytes());
    for subsample in subsamples {
        record.extend_from_slice(&subsample.to_bytes());
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encryption_records_carry_their_subsamples() {
        let subsamples = [
            Subsample {
                clear: 5,
                protected: 16,
            },
            Subsample {
                clear: 3,
                protected: 32,
            },
        ];
        let info = EncryptionInfo {
            iv_size: 16,
            subsample_count: 99,
            ..Default::default()
        };
        let record = encryption_record(&info, &subsamples).unwrap();
        assert_eq!(record.len(), EncryptionInfo::SIZE + 2 * Subsample::SIZE);
        let decoded = EncryptionInfo::decode(&record[..EncryptionInfo::SIZE]).unwrap();
        assert_eq!(decoded.subsample_count, 2);
        assert_eq!(decoded.iv_size, 16);
        let second = Subsample::decode(&record[EncryptionInfo::SIZE + Subsample::SIZE..]).unwrap();
        assert_eq!(second, subsamples[1]);
    }

    #[test]
    fn ranges_in_memory_are_their_wire_form() {
        let ranges = [SampleRange {
            offset: 0x0102_0304_0506_0708,
            object: 9,
            length: 10,
        }];
        // SAFETY: reading the bytes of a live, padding-free `#[repr(C)]` array.
        #[allow(unsafe_code)]
        let bytes =
            unsafe { core::slice::from_raw_parts(ranges.as_ptr().cast::<u8>(), SampleRange::SIZE) };
        if cfg!(target_endian = "little") {
            assert_eq!(bytes, ranges[0].to_bytes());
        }
    }
}
