#!/usr/bin/env bash
# Regenerates the audio module's sample content (targets/emulator/samples/audio).
# Needs ffmpeg (Debian 12: FFmpeg 5.1) and python3. Deterministic: lavfi sources,
# bitexact muxing, no encoder tags, so a rerun on the same FFmpeg reproduces the bytes.
#
#   tone.mp3            4 s, 440 Hz sine, MP3 64 kbit/s 44.1 kHz stereo, no ID3, no Xing
#   sweep.aac           4 s, 200 -> 1800 Hz sweep, AAC-LC in ADTS, 48 kHz stereo 48 kbit/s
#   tone.mp3.icy        tone.mp3 as an ICY body: metadata blocks every 4000 bytes
#   sweep.aac.icy       sweep.aac as an ICY body: metadata blocks every 3000 bytes
#   *.framemd5          ffmpeg -c copy -f framemd5 of the clean streams (the frames a
#                       decoder must receive)
#   icy.md5             md5 of each ICY body with its blocks removed (= the clean file)
#   hls/                HLS audio-only: sweep.aac in MPEG-TS segments of 1 s (media
#                       playlist) and a master playlist whose one variant is audio-only
set -euo pipefail
cd "$(dirname "$0")"
rm -rf hls ./*.mp3 ./*.aac ./*.icy ./*.framemd5 icy.md5
mkdir -p hls

FF="ffmpeg -hide_banner -loglevel error -nostdin -y"
BITEXACT=(-fflags +bitexact -flags:a +bitexact -map_metadata -1)

$FF -f lavfi -i "sine=frequency=440:sample_rate=44100" -t 4 -ac 2 -c:a libmp3lame -b:a 64k \
  "${BITEXACT[@]}" -id3v2_version 0 -write_xing 0 tone.mp3
$FF -f lavfi -i "aevalsrc=sin(2*PI*(200*t+200*t*t)):s=48000" -t 4 -ac 2 -c:a aac -b:a 48k \
  "${BITEXACT[@]}" -f adts sweep.aac

# ICY bodies: N audio bytes, a length byte L, 16*L bytes of metadata, ... (a block
# with a new StreamTitle every third interval, empty blocks between).
python3 - <<'PY'
import hashlib
def icy(src, dst, metaint, titles):
    audio = open(src, 'rb').read()
    out = bytearray()
    for i in range(0, len(audio), metaint):
        chunk = audio[i:i + metaint]
        out += chunk
        if len(chunk) < metaint:
            break
        n = i // metaint
        if n % 3 == 0:
            text = ("StreamTitle='%s';" % titles[(n // 3) % len(titles)]).encode('utf-8')
            units = (len(text) + 15) // 16
            out.append(units)
            out += text + b'\0' * (units * 16 - len(text))
        else:
            out.append(0)
    open(dst, 'wb').write(out)
    return hashlib.md5(audio).hexdigest()
lines = [
    "%s  tone.mp3.icy" % icy('tone.mp3', 'tone.mp3.icy', 4000,
                             ["Test Tone - 440 Hz", "Guns N' Roses - Patience"]),
    "%s  sweep.aac.icy" % icy('sweep.aac', 'sweep.aac.icy', 3000, ["Sweep - 200 to 1800 Hz"]),
]
open('icy.md5', 'w').write("\n".join(lines) + "\n")
PY

$FF -i tone.mp3 -map 0:a -c copy -f framemd5 tone.mp3.framemd5
$FF -i sweep.aac -map 0:a -c copy -f framemd5 sweep.aac.framemd5

$FF -i sweep.aac -map 0:a -c copy "${BITEXACT[@]}" -f hls -hls_time 1 -hls_playlist_type vod \
  -hls_segment_filename "hls/sweep_%03d.ts" hls/sweep.m3u8
{
  echo "#EXTM3U"
  echo "#EXT-X-VERSION:3"
  echo "#EXT-X-STREAM-INF:BANDWIDTH=60000,CODECS=\"mp4a.40.2\""
  echo "sweep.m3u8"
} > hls/master.m3u8
