//! The checksum of an atlas (shared with the build script, which includes this file).

/// 64-bit FNV-1a (Fowler, Noll, Vo) of `bytes`.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
