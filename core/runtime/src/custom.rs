//! Custom sections read straight from a module's bytes.
//!
//! The engine is told to drop custom sections (`Config::ignore_custom_sections`):
//! wasmi would otherwise keep a copy of every one of them for the module's life, the
//! name section included (for the audio module 88 KB of heap, docs/perf.md). The
//! runtime needs only `wasp.abi`, which it reads here from the bytes it was given.

/// The payload of the first custom section called `name` (WebAssembly core spec
/// §5.5.3: section id 0, a `u32` size, then a name and the payload), or `None` when
/// the module has none or its framing is broken (then wasmi refuses the module too).
pub(crate) fn find<'a>(module: &'a [u8], name: &str) -> Option<&'a [u8]> {
    // Magic `\0asm` and version 1 (§5.5.16).
    let mut rest = module.get(8..)?;
    while let Some((&id, after_id)) = rest.split_first() {
        let (size, after_size) = leb_u32(after_id)?;
        let size = usize::try_from(size).ok()?;
        let body = after_size.get(..size)?;
        rest = after_size.get(size..)?;
        if id == 0 {
            let (len, after_len) = leb_u32(body)?;
            let len = usize::try_from(len).ok()?;
            if after_len.get(..len)? == name.as_bytes() {
                return after_len.get(len..);
            }
        }
    }
    None
}

/// An unsigned LEB128 `u32` (§5.2.2: at most 5 bytes) and what follows it.
fn leb_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let mut value: u32 = 0;
    for (i, &byte) in bytes.iter().enumerate().take(5) {
        let bits = u32::from(byte & 0x7f);
        if i == 4 && bits > 0x0f {
            return None;
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, bytes.get(i + 1..)?));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// A module header followed by `sections` (id, payload).
    fn module(sections: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut out = b"\0asm\x01\0\0\0".to_vec();
        for (id, payload) in sections {
            out.push(*id);
            out.push(u8::try_from(payload.len()).unwrap());
            out.extend_from_slice(payload);
        }
        out
    }

    fn custom(name: &str, payload: &[u8]) -> (u8, Vec<u8>) {
        let mut body = vec![u8::try_from(name.len()).unwrap()];
        body.extend_from_slice(name.as_bytes());
        body.extend_from_slice(payload);
        (0, body)
    }

    #[test]
    fn the_named_section_is_found_among_others() {
        let bytes = module(&[
            (1, vec![0]),
            custom("name", b"names"),
            custom("wasp.abi", b"\x01\x02\x03"),
            custom("wasp.abi", b"second"),
        ]);
        assert_eq!(find(&bytes, "wasp.abi"), Some(&b"\x01\x02\x03"[..]));
        assert_eq!(find(&bytes, "name"), Some(&b"names"[..]));
        assert_eq!(find(&bytes, "other"), None);
    }

    #[test]
    fn broken_framing_finds_nothing() {
        let good = module(&[custom("wasp.abi", b"abc")]);
        assert!(find(&good, "wasp.abi").is_some());
        // Cut anywhere inside the section: size or name runs past the end.
        for cut in 9..good.len() - 3 {
            assert_eq!(find(&good[..cut], "wasp.abi"), None, "cut at {cut}");
        }
        assert_eq!(find(b"\0asm", "wasp.abi"), None);
        // A size whose LEB128 never ends, or overflows 32 bits.
        let mut endless = b"\0asm\x01\0\0\0\0".to_vec();
        endless.extend_from_slice(&[0xff; 6]);
        assert_eq!(find(&endless, "wasp.abi"), None);
        let mut wide = b"\0asm\x01\0\0\0\0".to_vec();
        wide.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x1f]);
        assert_eq!(find(&wide, "wasp.abi"), None);
    }

    #[test]
    fn multi_byte_sizes_are_read() {
        assert_eq!(leb_u32(&[0xe5, 0x8e, 0x26, 9]), Some((624_485, &[9u8][..])));
        assert_eq!(
            leb_u32(&[0xff, 0xff, 0xff, 0xff, 0x0f]),
            Some((u32::MAX, &[][..]))
        );
    }
}
