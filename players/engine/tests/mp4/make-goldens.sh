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

# Small progressive files for the other codecs a sample entry may carry: H.265 as
# `hvc1` (hvcC) and `hev1`, Opus (dOps), AC-3 (dac3), E-AC-3 (dec3), MP3 (esds 0x6B).
FF="ffmpeg -hide_banner -loglevel error -y"
BITEXACT=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
V=(-f lavfi -i "testsrc2=size=64x64:rate=25" -t 0.4)
A=(-f lavfi -i "sine=frequency=440:sample_rate=48000" -t 0.2)
X265=(-c:v libx265 -preset ultrafast -x265-params "log-level=error:pools=none:frame-threads=1:bframes=2:keyint=5")
$FF "${V[@]}" "${X265[@]}" -tag:v hvc1 "${BITEXACT[@]}" $out/hvc1.mp4
$FF "${V[@]}" "${X265[@]}" -tag:v hev1 "${BITEXACT[@]}" $out/hev1.mp4
$FF "${A[@]}" -c:a libopus -b:a 32k "${BITEXACT[@]}" $out/opus.mp4
$FF "${A[@]}" -c:a ac3 -b:a 96k -ac 6 "${BITEXACT[@]}" $out/ac3.mp4
$FF "${A[@]}" -c:a eac3 -b:a 96k -ac 2 "${BITEXACT[@]}" $out/eac3.mp4
$FF "${A[@]}" -c:a libmp3lame -b:a 64k "${BITEXACT[@]}" $out/mp3.mp4
for f in hvc1 hev1 opus ac3 eac3 mp3; do
  ffprobe -v error -show_entries packet=stream_index,pts,dts,duration,size,pos,flags -of csv=p=0 $out/$f.mp4 > $out/$f.packets.csv
  ffmpeg -v error -i $out/$f.mp4 -map 0 -c copy -f framemd5 - | grep -v '^#software' > $out/$f.framemd5
  ffprobe -v error -show_entries stream=index,codec_name,profile,width,height,sample_rate,channels,time_base,extradata -show_data -of json $out/$f.mp4 > $out/$f.streams.json
done
