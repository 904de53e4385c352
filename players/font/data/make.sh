#!/usr/bin/env bash
# Regenerates DejaVuSans-subset.ttf, the font the atlases of wasp-font are drawn from.
#
# Input: DejaVu Sans (Debian's fonts-dejavu-core, /usr/share/fonts/truetype/dejavu).
# Tool: pyftsubset from fonttools (`pip install fonttools`; made with fonttools 4.68.0).
# Licence: the Bitstream Vera licence with DejaVu's changes in the public domain, LICENSE
# beside this script (Debian's copyright file of fonts-dejavu-core). The subset keeps the
# family name "DejaVu Sans", which the licence allows (it forbids only the names
# "Bitstream" and "Vera" on modified fonts).
#
# What is kept: the outlines and advances of the characters listed below, nothing else.
# No hinting (the build rasterises the outlines unhinted), no layout tables (no
# shaping, no kerning), no glyph names.
set -euo pipefail
cd "$(dirname "$0")"

src="${1:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}"

unicodes=(
  U+0020-007E # ASCII printable
  U+00A0-00FF # Latin-1 Supplement
  U+2013-2014 # en and em dash
  U+2018-2019 U+201C-201D # typographic quotes (common in subtitles)
  U+2022      # bullet
  U+2026      # ellipsis (Font::ellipsize)
  U+20AC      # euro sign
  U+2190-2193 # arrows (remote-control hints)
  U+25A0      # black square (stop)
  U+25B6      # play
  U+25C0      # reverse play
  U+25CF      # black circle (record, live)
  U+266A      # eighth note (music in subtitles)
  U+FFFD      # replacement character: drawn for every character not in this list
)

pyftsubset "$src" \
  --unicodes="$(IFS=,; echo "${unicodes[*]}" | sed 's/ //g')" \
  --output-file=DejaVuSans-subset.ttf \
  --no-hinting \
  --layout-features='' \
  --no-layout-closure \
  --drop-tables+=GSUB,GPOS,GDEF,kern,FFTM,MATH \
  --name-IDs='0,1,2,3,4,5,6' \
  --no-glyph-names \
  --notdef-outline \
  --recalc-bounds

ls -l DejaVuSans-subset.ttf
