#!/usr/bin/env bash
# Regenerates the mp4 tests' own goldens for fragmented inputs (an init segment and
# its media segments concatenated, as the demuxer sees them when pushed in order).
set -euo pipefail
cd "$(dirname "$0")/../../fixtures"
out=../tests/mp4
gold() { # name files... -> $out/<name>.packets.csv and .framemd5
  local name=$1; shift
  cat "$@" > /tmp/wasp-mp4-golden.mp4
  ffprobe -v error -show_entries packet=stream_index,pts,dts,duration,size,pos,flags -of csv=p=0 /tmp/wasp-mp4-golden.mp4 > "$out/$name.packets.csv"
  ffmpeg -v error -i /tmp/wasp-mp4-golden.mp4 -map 0 -c copy -f framemd5 - | grep -v '^#software' > "$out/$name.framemd5"
}
gold hls-fmp4_v0_000 hls-fmp4/init_0.mp4 hls-fmp4/v0_000.m4s
gold hls-fmp4_v0_000-001 hls-fmp4/init_0.mp4 hls-fmp4/v0_000.m4s hls-fmp4/v0_001.m4s
gold dash-timeline_0 dash-timeline/init-0.m4s dash-timeline/chunk-0-00001.m4s dash-timeline/chunk-0-00002.m4s
gold dash-timeline_1 dash-timeline/init-1.m4s dash-timeline/chunk-1-00001.m4s dash-timeline/chunk-1-00002.m4s dash-timeline/chunk-1-00003.m4s
