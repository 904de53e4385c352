//! `docs/abi.md` is generated from this crate's tables, so the document a firmware
//! engineer reads cannot drift from the contract. Regenerate with
//! `WASP_BLESS=1 cargo test -p wasp-abi --test abi_doc`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code

use std::fmt::Write as _;

use wasp_abi::imports::{ValType, IMPORTS};
use wasp_abi::{event, key, media, player, Status, ABI_VERSION};

fn render() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# The wasp guest ABI, version {ABI_VERSION}\n");
    let _ = writeln!(
        s,
        "Generated from `core/abi` by `WASP_BLESS=1 cargo test -p wasp-abi --test abi_doc`; \
         the test fails when this file and the crate disagree. The crate's docs \
         (`cargo doc -p wasp-abi`) describe every struct field.\n"
    );
    let _ = writeln!(s, "## Imports (module `{}`)\n", wasp_abi::IMPORT_MODULE);
    let _ = writeln!(
        s,
        "Every import returns one `i32`: `>= 0` success, `< 0` a status. Pointers and \
         lengths are `i32` guest addresses and byte counts.\n"
    );
    let _ = writeln!(
        s,
        "| import | parameter types | since | meaning |\n|---|---|---|---|"
    );
    for i in IMPORTS {
        let params: Vec<&str> = i
            .params
            .iter()
            .map(|p| if *p == ValType::I32 { "i32" } else { "i64" })
            .collect();
        let (signature, doc) = i.doc.split_once(": ").unwrap_or((i.name, i.doc));
        let _ = writeln!(
            s,
            "| `{signature}` | {} | 1.{} | {} |",
            params.join(", "),
            i.since_minor,
            doc.replace('|', "\\|")
        );
    }
    let _ = writeln!(s, "\n## Exports\n");
    let _ = writeln!(s, "| export | type |\n|---|---|");
    let _ = writeln!(s, "| `{}` | linear memory |", wasp_abi::EXPORT_MEMORY);
    let _ = writeln!(
        s,
        "| `{}` | `() -> i32` (0 or a status) |",
        wasp_abi::EXPORT_INIT
    );
    let _ = writeln!(
        s,
        "| `{}` | `(now_us: i64) -> i64` (next wanted tick, µs) |",
        wasp_abi::EXPORT_TICK
    );
    let _ = writeln!(s, "\n## Status codes\n\n| code | name |\n|---|---|");
    for st in Status::ALL {
        let _ = writeln!(s, "| {} | {:?}: {} |", st.code(), st, st.name());
    }
    macro_rules! table {
        ($title:literal, $ty:ty) => {
            let _ = writeln!(s, "\n## {}\n\n| value | name |\n|---|---|", $title);
            for v in <$ty>::ALL {
                let _ = writeln!(s, "| {} | {} |", v.as_u32(), v.name());
            }
        };
    }
    table!("Keys", key::Key);
    table!("Codecs", media::Codec);
    table!("Pixel formats", media::PixelFormat);
    table!("Bitstream framings", media::Bitstream);
    table!("Player states", player::PlayerState);
    table!("State reasons", player::StateReason);
    table!("Event kinds", event::EventKind);
    table!("Embedder commands", event::Command);
    table!("Device events", event::DeviceEventKind);
    s
}

#[test]
fn docs_abi_md_matches_the_crate() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/abi.md");
    let fresh = render();
    if std::env::var_os("WASP_BLESS").is_some() {
        std::fs::write(path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/abi.md is out of date: run WASP_BLESS=1 cargo test -p wasp-abi --test abi_doc"
    );
}
