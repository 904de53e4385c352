//! Goldens of the atlases: the exact pixels every size unpacks to.

use wasp_font::{characters, font, unpack, FontError, SIZES};

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The FNV-1a of each size's A8 atlas. These change only when the font subset, the
/// rasteriser (fontdue, pinned), the quantisation or the packing change, and then
/// every golden image of the UI with text changes too: update them together.
const PINNED: [(u32, (u32, u32), u64); 3] = [
    (20, (512, 84), 0x20c6_67f9_ba56_4e81),
    (32, (512, 192), 0xbece_6b7c_3e83_0d06),
    (48, (512, 395), 0x2892_6521_8ec2_d705),
];

#[test]
fn unpacked_atlas_is_the_build_raster_bit_for_bit() {
    for px in SIZES {
        let f = font(px);
        let mut atlas = vec![0x55; 7];
        f.unpack_atlas(&mut atlas).unwrap();
        let (w, h) = f.atlas_size();
        assert_eq!(atlas.len(), (w * h) as usize);
        assert_eq!(fnv1a(&atlas), f.atlas_hash(), "{px} px");
    }
}

#[test]
fn atlases_match_the_pinned_goldens() {
    for (px, size, hash) in PINNED {
        let f = font(px);
        assert_eq!(f.px(), px);
        let mut atlas = Vec::new();
        f.unpack_atlas(&mut atlas).unwrap();
        assert_eq!(f.atlas_size(), size, "{px} px");
        assert_eq!(fnv1a(&atlas), hash, "{px} px: got {:#018x}", fnv1a(&atlas));
    }
}

#[test]
fn each_glyph_cell_has_ink_on_all_four_edges() {
    // Cells are trimmed to their ink, and no two cells overlap or touch: whatever is
    // drawn from a cell is that glyph alone.
    for px in SIZES {
        let f = font(px);
        let mut atlas = Vec::new();
        f.unpack_atlas(&mut atlas).unwrap();
        let (w, h) = f.atlas_size();
        let mut owner = vec![None; (w * h) as usize];
        for &c in characters() {
            let g = *f.glyph(c);
            if g.w == 0 {
                continue;
            }
            let at = |x: u16, y: u16| (usize::from(g.sy + y)) * w as usize + usize::from(g.sx + x);
            let ink = |x, y| atlas[at(x, y)] != 0;
            assert!((0..g.w).any(|x| ink(x, 0)), "{c:?} {px} px: top");
            assert!((0..g.w).any(|x| ink(x, g.h - 1)), "{c:?} {px} px: bottom");
            assert!((0..g.h).any(|y| ink(0, y)), "{c:?} {px} px: left");
            assert!((0..g.h).any(|y| ink(g.w - 1, y)), "{c:?} {px} px: right");
            // One pixel of padding around the cell belongs to nobody either.
            for y in g.sy.saturating_sub(1)..(g.sy + g.h + 1).min(h as u16) {
                for x in g.sx.saturating_sub(1)..(g.sx + g.w + 1).min(w as u16) {
                    let i = usize::from(y) * w as usize + usize::from(x);
                    let inside = x >= g.sx && x < g.sx + g.w && y >= g.sy && y < g.sy + g.h;
                    if let Some(other) = owner[i] {
                        panic!("{c:?} and {other:?} touch at ({x}, {y}), {px} px");
                    }
                    if inside {
                        owner[i] = Some(c);
                    }
                }
            }
        }
    }
}

#[test]
fn unpack_reuses_the_callers_vector() {
    let f = font(20);
    let mut atlas = Vec::with_capacity(1 << 20);
    atlas.extend_from_slice(b"stale");
    assert_eq!(f.unpack_atlas(&mut atlas), Ok(()));
    let (w, h) = f.atlas_size();
    assert_eq!(atlas.len(), (w * h) as usize);
    assert!(atlas.capacity() >= 1 << 20);
}

#[test]
fn public_decoder_reports_corrupt_input() {
    let mut out = [0u8; 3];
    // Shorter than the checksum.
    assert_eq!(unpack(&[0; 7], 4, &mut out), Err(FontError::Corrupt));
    // A stream whose checksum is not the one in front of it.
    assert_eq!(unpack(&[0; 32], 4, &mut out), Err(FontError::Corrupt));
    // The checksum of the empty stream, and no pixels in it.
    let empty = 0xcbf2_9ce4_8422_2325u64.to_le_bytes();
    assert_eq!(unpack(&empty, 4, &mut out), Err(FontError::Corrupt));
    assert_eq!(unpack(&empty, 4, &mut []), Ok(()));
}
