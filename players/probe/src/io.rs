//! Steps with handles of bytes: fetch, media store, crypto, key-value store.

use alloc::string::String;
use wasp_guest::abi::fetch::FetchRequest;
use wasp_guest::abi::imports::name;
use wasp_guest::abi::store::{CipherMode, CryptoParams};
use wasp_guest::{crypto, kv, store, Fetch, Status, StoreObject};

use crate::{fail, say, Probe, Progress, Step};

/// `fetch_read` reads at most this much.
const READ_WINDOW: usize = 64;
/// Most `fetch_read_to_store` calls in one tick.
const MOVES_PER_TICK: usize = 64;

/// `b"wasp probe crypto"` encrypted with AES-128-CBC, key `00 01 … 0f`, IV all zero,
/// PKCS#7 padding (`openssl enc -aes-128-cbc -K 000102030405060708090a0b0c0d0e0f
/// -iv 00000000000000000000000000000000`).
const CIPHERTEXT: [u8; 32] = [
    0xa3, 0x36, 0xd6, 0x51, 0xe9, 0x91, 0x42, 0xd4, 0xcf, 0x2e, 0xf6, 0x46, 0xd2, 0x72, 0xa6, 0x79,
    0x2a, 0xeb, 0xec, 0x08, 0x17, 0x4c, 0x04, 0xd8, 0xe8, 0x47, 0xe9, 0x5e, 0x1b, 0x1f, 0x6d, 0xe1,
];
/// The key of [`CIPHERTEXT`].
const KEY: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// Logs that `step` could not run because an earlier one failed.
fn skipped(step: Step, why: &str) -> Progress {
    say!(step.import(), "skipped ({why})");
    Progress::Next
}

/// The outcome of a call that may have to wait for the host.
fn waiting<T>(import: &str, result: Result<T, Status>, ok: impl FnOnce(T)) -> Progress {
    match result {
        Err(Status::WouldBlock) => Progress::Wait,
        Err(status) => {
            fail(import, status);
            Progress::Next
        }
        Ok(value) => {
            ok(value);
            Progress::Next
        }
    }
}

impl Probe {
    /// `fetch_open`, `fetch_info`, `fetch_header`, `fetch_url`, `fetch_read`,
    /// `fetch_read_to_store`, `fetch_close`.
    pub(crate) fn fetch(&mut self, step: Step) -> Progress {
        let import = step.import();
        if step == Step::FetchOpen {
            match Fetch::open(&FetchRequest::get(), &self.url, "") {
                Ok(fetch) => {
                    say!(import, "{}", self.url);
                    self.fetch = Some(fetch);
                }
                Err(status) => fail(import, status),
            }
            return Progress::Next;
        }
        if step == Step::FetchReadToStore {
            return self.fetch_to_store();
        }
        let Some(fetch) = self.fetch.as_mut() else {
            return skipped(step, "no fetch");
        };
        match step {
            Step::FetchInfo => match fetch.info() {
                Ok(info) => say!(
                    import,
                    "state {} http {} length {}",
                    info.state,
                    info.http_status,
                    info.content_length
                ),
                Err(status) => fail(import, status),
            },
            Step::FetchHeader => {
                return waiting(import, fetch.header("content-type"), |value| {
                    say!(import, "content-type {value}");
                });
            }
            Step::FetchUrl => match fetch.url() {
                Ok(url) => say!(import, "{url}"),
                Err(status) => fail(import, status),
            },
            Step::FetchRead => {
                let mut window = [0u8; READ_WINDOW];
                return waiting(import, fetch.read(&mut window), |n| {
                    let bytes = window.get(..n).unwrap_or_default();
                    say!(import, "{n} {:?}", String::from_utf8_lossy(bytes));
                });
            }
            Step::FetchClose => {
                if let Some(fetch) = self.fetch.take() {
                    match fetch.close() {
                        Ok(()) => say!(import, "ok"),
                        Err(status) => fail(import, status),
                    }
                }
            }
            _ => {}
        }
        Progress::Next
    }

    /// Opens a second fetch of the URL and moves all of it into a store object, over as
    /// many ticks as it takes.
    fn fetch_to_store(&mut self) -> Progress {
        let import = name::FETCH_READ_TO_STORE;
        if self.to_store.is_none() {
            let opened = Fetch::open(&FetchRequest::get(), &self.url, "")
                .map_err(|s| (name::FETCH_OPEN, s))
                .and_then(|fetch| {
                    let object = StoreObject::create(0).map_err(|s| (name::STORE_CREATE, s))?;
                    Ok((fetch, object, 0))
                });
            match opened {
                Ok(started) => self.to_store = Some(started),
                Err((import, status)) => {
                    fail(import, status);
                    return Progress::Next;
                }
            }
        }
        let Some((fetch, object, total)) = self.to_store.as_mut() else {
            return Progress::Next;
        };
        for _ in 0..MOVES_PER_TICK {
            match fetch.read_to_store(object, u64::MAX) {
                Ok(0) | Err(Status::WouldBlock) => return Progress::Wait,
                Ok(n) => *total += n,
                Err(Status::EndOfStream) => {
                    say!(import, "total {total}");
                    self.to_store = None; // closes the fetch, frees the object
                    return Progress::Next;
                }
                Err(status) => {
                    fail(import, status);
                    self.to_store = None;
                    return Progress::Next;
                }
            }
        }
        Progress::Wait
    }

    /// `store_create`, `store_write`, `store_read`, `store_size`, `store_usage`,
    /// `crypto_decrypt`, `store_free`.
    pub(crate) fn store(&mut self, step: Step) -> Progress {
        let import = step.import();
        match step {
            Step::StoreCreate => match StoreObject::create(4096) {
                Ok(object) => {
                    say!(import, "ok");
                    self.object = Some(object);
                }
                Err(status) => fail(import, status),
            },
            Step::StoreUsage => match store::usage() {
                Ok(u) => say!(
                    import,
                    "used {} budget {} objects {} max {}",
                    u.used,
                    u.budget,
                    u.objects,
                    u.max_objects
                ),
                Err(status) => fail(import, status),
            },
            Step::CryptoDecrypt => decrypt(),
            Step::StoreWrite | Step::StoreRead | Step::StoreSize | Step::StoreFree => {
                let Some(object) = self.object.as_ref() else {
                    return skipped(step, "no store object");
                };
                match step {
                    Step::StoreWrite => match object.write(b"0123456789") {
                        Ok(n) => say!(import, "{n}"),
                        Err(status) => fail(import, status),
                    },
                    Step::StoreRead => {
                        let mut window = [0u8; 4];
                        match object.read(2, &mut window) {
                            Ok(n) => {
                                let bytes = window.get(..n).unwrap_or_default();
                                say!(import, "{}", String::from_utf8_lossy(bytes));
                            }
                            Err(status) => fail(import, status),
                        }
                    }
                    Step::StoreSize => match object.size() {
                        Ok(size) => say!(import, "{size}"),
                        Err(status) => fail(import, status),
                    },
                    _ => {
                        if let Some(object) = self.object.take() {
                            match object.free() {
                                Ok(()) => say!(import, "ok"),
                                Err(status) => fail(import, status),
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Progress::Next
    }

    /// `kv_set`, `kv_get`, `kv_delete`, and `kv_get` of the deleted key.
    pub(crate) fn kv(&mut self, step: Step) -> Progress {
        let import = step.import();
        let key = self.kv_key.as_str();
        match step {
            Step::KvSet => match kv::set(key, b"probe-value") {
                Ok(()) => say!(import, "{key}=probe-value"),
                Err(status) => fail(import, status),
            },
            Step::KvGet => match kv::get(key) {
                Ok(value) => say!(import, "{}", String::from_utf8_lossy(&value)),
                Err(status) => fail(import, status),
            },
            Step::KvDelete => match kv::delete(key) {
                Ok(()) => say!(import, "ok"),
                Err(status) => fail(import, status),
            },
            Step::KvGetDeleted => match kv::get(key) {
                Err(Status::NotFound) => say!(import, "{}", Status::NotFound.name()),
                Ok(value) => say!(import, "error still {}", String::from_utf8_lossy(&value)),
                Err(status) => fail(import, status),
            },
            _ => {}
        }
        Progress::Next
    }
}

/// Decrypts [`CIPHERTEXT`] from one store object into another and reads the plaintext
/// back.
fn decrypt() {
    let import = name::CRYPTO_DECRYPT;
    let objects = StoreObject::create(CIPHERTEXT.len() as u64).and_then(|src| {
        src.write(&CIPHERTEXT)?;
        Ok((src, StoreObject::create(CIPHERTEXT.len() as u64)?))
    });
    let (src, dst) = match objects {
        Ok(objects) => objects,
        Err(status) => return fail(name::STORE_CREATE, status),
    };
    let params = CryptoParams {
        key: KEY,
        iv: [0; 16],
        src_offset: 0,
        length: CIPHERTEXT.len() as u64,
        src: src.handle(),
        dst: dst.handle(),
        mode: CipherMode::CbcPkcs7,
        reserved: 0,
    };
    match crypto::decrypt(&params) {
        Ok(n) => {
            let mut plain = [0u8; 32];
            let got = dst.read(0, &mut plain).unwrap_or(0);
            let text = String::from_utf8_lossy(plain.get(..got).unwrap_or_default());
            say!(import, "{n} {text:?}");
        }
        Err(Status::Unsupported) => say!(import, "{}", Status::Unsupported.name()),
        Err(status) => fail(import, status),
    }
}
