//! The import table: every host function a module may import from module
//! [`IMPORT_MODULE`](crate::IMPORT_MODULE), with its signature and meaning.
//!
//! Conventions for every import:
//! * it returns one `i32`: `>= 0` success, `< 0` a [`Status`](crate::Status);
//! * `ptr`/`len` pairs are guest addresses and byte counts (`i32`, read as `u32`); the
//!   host checks `ptr + len` against guest memory and never keeps a pointer;
//! * 64-bit quantities are `i64` arguments or 8-byte out-parameters;
//! * **variable-length outputs** `(out, cap)` return the full length of the value and
//!   write it only when it fits (`ret <= cap`); call again with a bigger buffer
//!   otherwise, like `snprintf`;
//! * **fixed-struct outputs** `(out, out_len)` receive the prefix of the struct that
//!   fits and return the bytes written, so structs grow by appending fields;
//! * outputs are written only on success.

/// A wasm value type of an import parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValType {
    /// `i32`.
    I32,
    /// `i64`.
    I64,
}

/// One import of the v1 contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Import {
    /// The field name under module `wasp`.
    pub name: &'static str,
    /// Parameter types; the result is always one `i32`.
    pub params: &'static [ValType],
    /// The ABI minor version that introduced it.
    pub since_minor: u16,
    /// What it does.
    pub doc: &'static str,
}

use ValType::{I32, I64};

macro_rules! imports {
    ($( $(#[$m:meta])* $konst:ident = $name:literal ($($p:ident),*) since $minor:literal : $doc:literal ;)*) => {
        /// The import field names, one constant each.
        pub mod name {
            $( $(#[$m])* #[doc = $doc] pub const $konst: &str = $name; )*
        }
        /// Every import of this ABI version, in table order.
        pub const IMPORTS: &[Import] = &[
            $( Import { name: $name, params: &[$($p),*], since_minor: $minor, doc: $doc }, )*
        ];
    };
}

imports! {
    RUNTIME_INFO = "runtime_info" (I32, I32) since 0:
        "runtime_info(out, out_len): writes a RuntimeInfo prefix; returns bytes written.";
    LOG = "log" (I32, I32, I32) since 0:
        "log(level, ptr, len): one UTF-8 log line at a LogLevel (lossy if not UTF-8, truncated at 1 KiB). Returns 0.";
    TIME_NOW = "time_now" (I32) since 0:
        "time_now(out): writes the port's monotonic time, i64 microseconds, at out. Returns 0.";
    RANDOM_FILL = "random_fill" (I32, I32) since 0:
        "random_fill(ptr, len): fills len bytes (at most 256) from the port's random source (seeded, so deterministic under test). Returns len.";
    CONFIG_READ = "config_read" (I32, I32) since 0:
        "config_read(out, cap): the embedder's configuration (UTF-8 `key=value` lines). Returns its full length; written only if it fits.";
    EVENT_POLL = "event_poll" (I32, I32) since 0:
        "event_poll(out, cap): the next event as one TLV record. Returns its length (0 = queue empty); the event is consumed only if it fits.";
    REPORT_STATE = "report_state" (I32, I32) since 0:
        "report_state(state, reason): tells the embedder the PlayerState and its StateReason. Returns 0.";
    REPORT = "report" (I32, I32, I32) since 0:
        "report(kind, ptr, len): a ReportKind payload for the embedder (QoeReport bytes or UTF-8 text, at most 4 KiB). Returns 0.";
    CAPS_DECODING = "caps_decoding" (I32, I32, I32, I32, I32, I32) since 0:
        "caps_decoding(query, query_len, codecs, codecs_len, out, out_len): answers a DecodingQuery, with the RFC 6381 codecs string (may be empty), as a DecodingInfo prefix. Returns bytes written.";
    CAPS_DISPLAY = "caps_display" (I32, I32) since 0:
        "caps_display(out, out_len): writes a DisplayInfo prefix. Returns bytes written.";
    CAPS_AUDIO = "caps_audio" (I32, I32) since 0:
        "caps_audio(out, out_len): writes an AudioOutputInfo prefix. Returns bytes written.";
    CAPS_MEMORY = "caps_memory" (I32, I32) since 0:
        "caps_memory(out, out_len): writes a MemoryBudget prefix. Returns bytes written.";
    CAPS_FEATURE = "caps_feature" (I64) since 0:
        "caps_feature(bit): 1 if the device offers the feature bit, else 0.";
    FETCH_OPEN = "fetch_open" (I32, I32, I32, I32, I32, I32) since 0:
        "fetch_open(req, req_len, url, url_len, headers, headers_len): starts a FetchRequest for the UTF-8 URL with optional `Name: value` header lines. Returns a fetch handle.";
    FETCH_INFO = "fetch_info" (I32, I32, I32) since 0:
        "fetch_info(fetch, out, out_len): writes a FetchInfo prefix. Returns bytes written.";
    FETCH_READ = "fetch_read" (I32, I32, I32) since 0:
        "fetch_read(fetch, out, cap): copies received body bytes. Returns the count, WouldBlock when none yet, EndOfStream when all were read, or the fetch's failure.";
    FETCH_READ_TO_STORE = "fetch_read_to_store" (I32, I32, I64) since 0:
        "fetch_read_to_store(fetch, object, max): moves up to max received bytes to the end of a store object without copying through the guest. Returns the count as fetch_read does.";
    FETCH_HEADER = "fetch_header" (I32, I32, I32, I32, I32) since 0:
        "fetch_header(fetch, name, name_len, out, cap): a response header's value (case-insensitive name). Returns its full length, NotFound, or WouldBlock before headers.";
    FETCH_URL = "fetch_url" (I32, I32, I32) since 0:
        "fetch_url(fetch, out, cap): the final URL after redirects. Returns its full length.";
    FETCH_CLOSE = "fetch_close" (I32) since 0:
        "fetch_close(fetch): cancels and frees the fetch; its handle becomes stale. Returns 0.";
    STORE_CREATE = "store_create" (I64) since 0:
        "store_create(reserve): a new empty media-store object, reserving bytes from the budget. Returns an object handle, or BudgetExceeded.";
    STORE_WRITE = "store_write" (I32, I32, I32) since 0:
        "store_write(object, ptr, len): appends guest bytes. Returns len, or BudgetExceeded.";
    STORE_READ = "store_read" (I32, I64, I32, I32) since 0:
        "store_read(object, offset, out, len): copies up to len bytes from offset into guest memory. Returns the count (0 at the end).";
    STORE_SIZE = "store_size" (I32, I32) since 0:
        "store_size(object, out): writes the object's length as u64 at out. Returns 0.";
    STORE_FREE = "store_free" (I32) since 0:
        "store_free(object): frees the object and its bytes; decoders keep what they already took. Returns 0.";
    STORE_USAGE = "store_usage" (I32, I32) since 0:
        "store_usage(out, out_len): writes a StoreUsage prefix. Returns bytes written.";
    CRYPTO_DECRYPT = "crypto_decrypt" (I32, I32) since 0:
        "crypto_decrypt(params, params_len): AES-128 decrypts CryptoParams' source range into the destination object. Returns bytes appended, or Unsupported when the port has no bulk crypto.";
    DECODER_OPEN = "decoder_open" (I32, I32, I32, I32) since 0:
        "decoder_open(config, config_len, extra, extra_len): opens a decoder for a DecoderConfig with codec configuration bytes. Returns a decoder handle, or Unsupported.";
    DECODER_SUBMIT = "decoder_submit" (I32, I32, I32, I32, I32, I32, I32) since 0:
        "decoder_submit(decoder, sample, sample_len, ranges, ranges_len, crypt, crypt_len): queues one access unit (SampleInfo, SampleRange list, optional EncryptionInfo + Subsamples). Returns 0, or WouldBlock when the queue is full.";
    DECODER_INFO = "decoder_info" (I32, I32, I32) since 0:
        "decoder_info(decoder, out, out_len): writes a DecoderStats prefix. Returns bytes written.";
    DECODER_FLUSH = "decoder_flush" (I32) since 0:
        "decoder_flush(decoder): drops every queued and pending frame (seek). Returns 0.";
    DECODER_CLOSE = "decoder_close" (I32) since 0:
        "decoder_close(decoder): closes it; the handle becomes stale. Returns 0.";
    MEDIA_CLOCK = "media_clock" (I32, I32) since 0:
        "media_clock(out, out_len): writes a MediaClockInfo prefix. Returns bytes written.";
    MEDIA_SET_RATE = "media_set_rate" (I32) since 0:
        "media_set_rate(rate_milli): 0 pauses, 1000 is normal; otherwise MIN_RATE_MILLI..=MAX_RATE_MILLI. Returns 0.";
    MEDIA_SET_POSITION = "media_set_position" (I64) since 0:
        "media_set_position(pts_us): re-anchors the clock after a flush: presentation restarts at the first frame at or after pts_us. Returns 0.";
    GFX_IMAGE_CREATE = "gfx_image_create" (I32, I32, I32, I32) since 0:
        "gfx_image_create(desc, desc_len, pixels, pixels_len): uploads an ImageDesc image (stride * height bytes). Returns an image handle, or BudgetExceeded.";
    GFX_IMAGE_UPDATE = "gfx_image_update" (I32, I32, I32, I32, I32) since 0:
        "gfx_image_update(image, rect, rect_len, pixels, pixels_len): replaces a Rect of the image; pixels rows are rect.w * bpp bytes. Returns 0.";
    GFX_IMAGE_FREE = "gfx_image_free" (I32) since 0:
        "gfx_image_free(image): frees it; the handle becomes stale. Returns 0.";
    GFX_DRAW = "gfx_draw" (I32, I32) since 0:
        "gfx_draw(list, len): appends a draw list (TLV draw records) to the frame being built; the whole list is checked before any of it is drawn. Returns the number of commands drawn.";
    GFX_PRESENT = "gfx_present" () since 0:
        "gfx_present(): shows the frame built since the last present. Returns 0.";
    KV_GET = "kv_get" (I32, I32, I32, I32) since 0:
        "kv_get(key, key_len, out, cap): a persistent value. Returns its full length, or NotFound.";
    KV_SET = "kv_set" (I32, I32, I32, I32) since 0:
        "kv_set(key, key_len, value, value_len): stores a value durably (keys 1..=64 bytes, values at most 4 KiB). Returns 0, or BudgetExceeded.";
    KV_DELETE = "kv_delete" (I32, I32) since 0:
        "kv_delete(key, key_len): removes a key. Returns 0, or NotFound.";
}

/// The import named `name`, if this version has it.
pub fn find(name: &str) -> Option<&'static Import> {
    IMPORTS.iter().find(|i| i.name == name)
}

/// Longest log line kept, in bytes.
pub const MAX_LOG_LINE: usize = 1024;
/// Longest report payload, in bytes.
pub const MAX_REPORT: usize = 4096;
/// Most bytes one `random_fill` call returns.
pub const MAX_RANDOM: usize = 256;
/// Longest URL, in bytes.
pub const MAX_URL: usize = 8192;
/// Longest request-header block, in bytes.
pub const MAX_HEADERS: usize = 4096;
/// Longest key-value key, in bytes.
pub const MAX_KV_KEY: usize = 64;
/// Longest key-value value, in bytes.
pub const MAX_KV_VALUE: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lowercase() {
        for (i, a) in IMPORTS.iter().enumerate() {
            assert!(
                a.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                a.name
            );
            assert!(
                IMPORTS.iter().skip(i + 1).all(|b| b.name != a.name),
                "duplicate {}",
                a.name
            );
            assert!(
                a.doc.starts_with(a.name),
                "doc of {} names its signature",
                a.name
            );
        }
        assert_eq!(find(name::LOG).map(|i| i.params.len()), Some(3));
        assert!(find("nope").is_none());
    }
}
