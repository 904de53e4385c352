//! The host side of every import in [`wasp_abi::imports::IMPORTS`].
//!
//! Each import is a plain function taking the guest's raw arguments. All go through
//! [`crate::host::call`], which borrows guest memory and host state together and turns a
//! [`wasp_abi::Status`] into the `i32` the guest sees. No import traps: a bad argument is
//! a status, never a fault of the host.

mod caps;
mod decoder;
mod fetch;
mod gfx;
mod kv;
mod store;
mod system;

use alloc::string::String;
use wasmi::{FuncType, Linker, Val, ValType};
use wasp_abi::imports::{self, name};
use wasp_abi::{Status, IMPORT_MODULE};

use crate::error::LoadError;
use crate::host::Host;
use crate::port::Port;

macro_rules! link_all {
    ($($konst:ident => $m:ident :: $f:ident,)*) => {
        /// Defines every import of this runtime in `linker`.
        pub(crate) fn link<P: Port + 'static>(linker: &mut Linker<Host<P>>) -> Result<(), wasmi::errors::LinkerError> {
            $( linker.func_wrap(IMPORT_MODULE, name::$konst, $m::$f::<P>)?; )*
            Ok(())
        }

        /// The names [`link`] defines, in order.
        #[cfg(test)]
        pub(crate) const LINKED: &[&str] = &[$( name::$konst, )*];
    };
}

link_all! {
    RUNTIME_INFO => system::runtime_info,
    LOG => system::log,
    TIME_NOW => system::time_now,
    RANDOM_FILL => system::random_fill,
    CONFIG_READ => system::config_read,
    EVENT_POLL => system::event_poll,
    REPORT_STATE => system::report_state,
    REPORT => system::report,
    CAPS_DECODING => caps::caps_decoding,
    CAPS_DISPLAY => caps::caps_display,
    CAPS_AUDIO => caps::caps_audio,
    CAPS_MEMORY => caps::caps_memory,
    CAPS_FEATURE => caps::caps_feature,
    FETCH_OPEN => fetch::fetch_open,
    FETCH_INFO => fetch::fetch_info,
    FETCH_READ => fetch::fetch_read,
    FETCH_READ_TO_STORE => fetch::fetch_read_to_store,
    FETCH_HEADER => fetch::fetch_header,
    FETCH_URL => fetch::fetch_url,
    FETCH_CLOSE => fetch::fetch_close,
    STORE_CREATE => store::store_create,
    STORE_WRITE => store::store_write,
    STORE_READ => store::store_read,
    STORE_SIZE => store::store_size,
    STORE_FREE => store::store_free,
    STORE_USAGE => store::store_usage,
    CRYPTO_DECRYPT => store::crypto_decrypt,
    DECODER_OPEN => decoder::decoder_open,
    DECODER_SUBMIT => decoder::decoder_submit,
    DECODER_INFO => decoder::decoder_info,
    DECODER_FLUSH => decoder::decoder_flush,
    DECODER_CLOSE => decoder::decoder_close,
    MEDIA_CLOCK => decoder::media_clock,
    MEDIA_SET_RATE => decoder::media_set_rate,
    MEDIA_SET_POSITION => decoder::media_set_position,
    GFX_IMAGE_CREATE => gfx::gfx_image_create,
    GFX_IMAGE_UPDATE => gfx::gfx_image_update,
    GFX_IMAGE_FREE => gfx::gfx_image_free,
    GFX_DRAW => gfx::gfx_draw,
    GFX_PRESENT => gfx::gfx_present,
    KV_GET => kv::kv_get,
    KV_SET => kv::kv_set,
    KV_DELETE => kv::kv_delete,
}

fn abi_type(t: imports::ValType) -> ValType {
    match t {
        imports::ValType::I32 => ValType::I32,
        imports::ValType::I64 => ValType::I64,
    }
}

/// What to do with one function import of a module.
pub(crate) enum Resolution {
    /// Provided by this runtime.
    Provided,
    /// Unknown name with an `i32` result: linked to a stub answering `Unsupported`
    /// (an import from a newer minor version).
    Stub,
}

/// Checks one import against the ABI table.
///
/// # Errors
/// [`LoadError::BadImport`] saying why it cannot be linked.
pub(crate) fn resolve(
    module: &str,
    field: &str,
    ty: Option<&FuncType>,
) -> Result<Resolution, LoadError> {
    let bad = |reason| LoadError::BadImport {
        import: alloc::format!("{module}.{field}"),
        reason,
    };
    if module != IMPORT_MODULE {
        return Err(bad("wasp provides imports under module `wasp` only"));
    }
    let ty = ty
        .ok_or_else(|| bad("wasp provides functions only (no imported memory, table or global)"))?;
    let returns_i32 = ty.results() == [ValType::I32];
    match imports::find(field) {
        Some(abi) => {
            let params_match = ty.params().len() == abi.params.len()
                && ty
                    .params()
                    .iter()
                    .zip(abi.params)
                    .all(|(p, a)| *p == abi_type(*a));
            if params_match && returns_i32 {
                Ok(Resolution::Provided)
            } else {
                Err(bad(
                    "its signature differs from the wasp ABI's (see wasp_abi::imports)",
                ))
            }
        }
        None if returns_i32 => Ok(Resolution::Stub),
        None => Err(bad(
            "unknown to this runtime and does not return i32, so it cannot be stubbed",
        )),
    }
}

/// Links `field` to a stub returning [`Status::Unsupported`].
pub(crate) fn link_stub<P: Port + 'static>(
    linker: &mut Linker<Host<P>>,
    field: &str,
    ty: FuncType,
) -> Result<(), wasmi::errors::LinkerError> {
    linker.func_new(IMPORT_MODULE, field, ty, |_, _, results| {
        if let Some(r) = results.first_mut() {
            *r = Val::I32(Status::Unsupported.code());
        }
        Ok(())
    })?;
    Ok(())
}

/// The import's `module.field` for messages.
pub(crate) fn describe(module: &str, field: &str) -> String {
    alloc::format!("{module}.{field}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_abi_import_is_linked_in_table_order() {
        let abi: alloc::vec::Vec<_> = imports::IMPORTS.iter().map(|i| i.name).collect();
        assert_eq!(LINKED, abi.as_slice());
    }
}
