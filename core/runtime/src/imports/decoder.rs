//! Decoder and media-clock imports.

use alloc::vec::Vec;
use wasmi::Caller;
use wasp_abi::decoder::{
    DecoderConfig, EncryptionInfo, SampleInfo, SampleRange, Subsample, MAX_RATE_MILLI,
    MAX_SAMPLE_RANGES, MAX_SUBSAMPLES, MIN_RATE_MILLI, SAMPLE_END_OF_STREAM, SAMPLE_FLAGS_V1,
};
use wasp_abi::media::{Codec, EncryptionScheme};
use wasp_abi::wire::{Reader, Wire};
use wasp_abi::Status;

use crate::host::{call, DecoderEntry, Host};
use crate::port::Port;

/// Largest codec configuration record accepted.
const MAX_CODEC_CONFIG: usize = 64 * 1024;

pub fn decoder_open<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    config: i32,
    config_len: i32,
    extra: i32,
    extra_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let cfg: DecoderConfig = m.read(config, config_len)?;
        if cfg.codec == Codec::Unknown {
            return Err(Status::InvalidArgument);
        }
        if extra_len as u32 as usize > MAX_CODEC_CONFIG {
            return Err(Status::InvalidArgument);
        }
        let extra = m.bytes(extra, extra_len)?;
        if h.decoders.len() >= h.limits.max_decoders {
            return Err(Status::TooManyHandles);
        }
        let id = h.port.decoder_open(&cfg, extra)?;
        let entry = DecoderEntry {
            id,
            kind: cfg.codec.kind(),
        };
        h.decoders
            .insert(entry)
            .map(|handle| handle as i32)
            .inspect_err(|_| h.port.decoder_close(id))
    })
}

/// Decodes `count` records of `T` from `bytes` into `out`, which must be large enough.
fn decode_list<T: Wire>(bytes: &[u8], out: &mut [T]) -> Result<(), Status> {
    let mut r = Reader::new(bytes);
    for slot in out.iter_mut() {
        *slot = r.field()?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)] // the ABI's signature
pub fn decoder_submit<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    decoder: i32,
    sample: i32,
    sample_len: i32,
    ranges: i32,
    ranges_len: i32,
    crypt: i32,
    crypt_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let id = h.decoders.get(decoder as u32)?.id;
        let info: SampleInfo = m.read(sample, sample_len)?;
        if info.flags & !SAMPLE_FLAGS_V1 != 0 {
            return Err(Status::InvalidArgument);
        }
        // The ranges: whole records, at most MAX_SAMPLE_RANGES, each inside its object.
        let ranges_bytes = m.bytes(ranges, ranges_len)?;
        if ranges_bytes.len() % SampleRange::SIZE != 0 {
            return Err(Status::InvalidArgument);
        }
        let count = ranges_bytes.len() / SampleRange::SIZE;
        if count > MAX_SAMPLE_RANGES || (info.flags & SAMPLE_END_OF_STREAM != 0 && count != 0) {
            return Err(Status::InvalidArgument);
        }
        let mut list = Vec::new();
        list.try_reserve_exact(count)
            .map_err(|_| Status::BudgetExceeded)?;
        list.resize(count, SampleRange::default());
        decode_list(ranges_bytes, &mut list)?;
        let mut parts: Vec<&[u8]> = Vec::new();
        parts
            .try_reserve_exact(count)
            .map_err(|_| Status::BudgetExceeded)?;
        let mut total = 0u64;
        for range in &list {
            parts.push(
                h.store
                    .range(range.object, range.offset, range.length.into())?,
            );
            total += u64::from(range.length);
        }
        if total != u64::from(info.size) {
            return Err(Status::InvalidArgument);
        }
        // Optional encryption: the struct, then its subsamples covering the sample.
        let mut subsamples = [Subsample::default(); MAX_SUBSAMPLES];
        let encryption = if crypt_len == 0 {
            None
        } else {
            let bytes = m.bytes(crypt, crypt_len)?;
            let (head, rest) = bytes
                .split_at_checked(EncryptionInfo::SIZE)
                .ok_or(Status::InvalidArgument)?;
            let enc = EncryptionInfo::decode(head)?;
            let n = enc.subsample_count as usize;
            if enc.scheme == EncryptionScheme::None
                || !matches!(enc.iv_size, 8 | 16)
                || n > MAX_SUBSAMPLES
                || rest.len() != n * Subsample::SIZE
            {
                return Err(Status::InvalidArgument);
            }
            let subs = subsamples.get_mut(..n).ok_or(Status::InvalidArgument)?;
            decode_list(rest, subs)?;
            let covered: u64 = subs
                .iter()
                .map(|s| u64::from(s.clear) + u64::from(s.protected))
                .sum();
            if n > 0 && covered != total {
                return Err(Status::InvalidArgument);
            }
            Some((enc, &*subs))
        };
        let encryption = encryption.as_ref().map(|(e, s)| (e, *s));
        h.port.decoder_submit(
            id,
            &info,
            parts.get(..count).unwrap_or_default(),
            encryption,
        )?;
        Ok(0)
    })
}

pub fn decoder_info<P: Port + 'static>(
    mut c: Caller<'_, Host<P>>,
    decoder: i32,
    out: i32,
    out_len: i32,
) -> i32 {
    call(&mut c, |m, h| {
        let entry = h.decoders.get(decoder as u32)?;
        let (id, kind) = (entry.id, entry.kind);
        let mut stats = h.port.decoder_info(id);
        stats.kind = kind;
        m.write(out, out_len, &stats)
    })
}

pub fn decoder_flush<P: Port + 'static>(mut c: Caller<'_, Host<P>>, decoder: i32) -> i32 {
    call(&mut c, |_, h| {
        let id = h.decoders.get(decoder as u32)?.id;
        h.port.decoder_flush(id);
        Ok(0)
    })
}

pub fn decoder_close<P: Port + 'static>(mut c: Caller<'_, Host<P>>, decoder: i32) -> i32 {
    call(&mut c, |_, h| {
        let entry = h.decoders.remove(decoder as u32)?;
        h.port.decoder_close(entry.id);
        Ok(0)
    })
}

pub fn media_clock<P: Port + 'static>(mut c: Caller<'_, Host<P>>, out: i32, out_len: i32) -> i32 {
    call(&mut c, |m, h| m.write(out, out_len, &h.port.media_clock()))
}

pub fn media_set_rate<P: Port + 'static>(mut c: Caller<'_, Host<P>>, rate_milli: i32) -> i32 {
    call(&mut c, |_, h| {
        let rate = rate_milli as u32;
        if rate != 0 && !(MIN_RATE_MILLI..=MAX_RATE_MILLI).contains(&rate) {
            return Err(Status::InvalidArgument);
        }
        h.port.media_set_rate(rate);
        Ok(0)
    })
}

pub fn media_set_position<P: Port + 'static>(mut c: Caller<'_, Host<P>>, pts_us: i64) -> i32 {
    call(&mut c, |_, h| {
        h.port.media_set_position(pts_us);
        Ok(0)
    })
}
