#!/usr/bin/env bash
# Regenerates the emulator's sample content and its framemd5 goldens.
# Needs ffmpeg (Debian 12: FFmpeg 5.1 with libx264). Deterministic: fixed sources,
# single-threaded encoders, bitexact muxing, so a rerun on the same FFmpeg version
# reproduces the committed bytes.
#
# One 20 s source (testsrc2 + a 440 Hz sine; H.264 High, 3 B-frames, a keyframe every
# 2 s; AAC-LC 48 kHz stereo) encoded once per rung, then packaged without re-encoding:
#   hls-ts/      multi-variant HLS, MPEG-TS segments of 4 s, audio muxed in each rung;
#                master-subs.m3u8 adds an English WebVTT subtitle rendition
#   cmaf/        one set of CMAF segments (4 s) described twice: manifest.mpd (DASH,
#                SegmentTemplate + SegmentTimeline) and master.m3u8 (fMP4 HLS with the
#                AAC as a separate audio rendition)
#   progressive/ one MP4, moov first (faststart), the middle rung + audio
#   offset/      an 8 s single-rendition HLS-TS whose audio starts 100 ms late
#                (-itsoffset 0.1): the A/V sync measurement's calibration
#   goldens/     ffmpeg -f framemd5 of the video each package displays (per rung)
#   audio/       the audio module's samples (audio/make.sh says what they are)
set -euo pipefail
cd "$(dirname "$0")"
rm -rf hls-ts cmaf progressive offset goldens
mkdir -p hls-ts cmaf progressive offset goldens
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

FF="ffmpeg -hide_banner -loglevel error -nostdin -y"
DUR=20
BITEXACT=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1)
X264=(-c:v libx264 -profile:v high -preset veryfast -bf 3 -g 50 -keyint_min 50 -sc_threshold 0
      -threads 1 -x264-params "bframes=3:b-pyramid=none:rc-lookahead=10")
# The ladder: name, size, bitrate (kbit/s).
RUNGS=("v0 256x144 50" "v1 384x216 100" "v2 640x360 200")

$FF -f lavfi -i "sine=frequency=440:sample_rate=48000" -t $DUR -c:a aac -b:a 48k -ac 2 \
  "${BITEXACT[@]}" "$WORK/audio.m4a"
for rung in "${RUNGS[@]}"; do
  set -- $rung
  $FF -f lavfi -i "testsrc2=size=$2:rate=25" -t $DUR "${X264[@]}" -b:v "$3k" -maxrate "$3k" \
    -bufsize "$(( $3 * 2 ))k" "${BITEXACT[@]}" "$WORK/$1.mp4"
done

# HLS with MPEG-TS segments, one media playlist per rung, master written here.
for rung in "${RUNGS[@]}"; do
  set -- $rung
  $FF -i "$WORK/$1.mp4" -i "$WORK/audio.m4a" -map 0:v -map 1:a -c copy "${BITEXACT[@]}" \
    -f hls -hls_time 4 -hls_playlist_type vod -hls_segment_filename "hls-ts/$1_%03d.ts" "hls-ts/$1.m3u8"
done
{
  echo "#EXTM3U"
  echo "#EXT-X-VERSION:3"
  for rung in "${RUNGS[@]}"; do
    set -- $rung
    echo "#EXT-X-STREAM-INF:BANDWIDTH=$(( ($3 + 48) * 1100 )),RESOLUTION=$2,CODECS=\"avc1.64001e,mp4a.40.2\",FRAME-RATE=25.000"
    echo "$1.m3u8"
  done
} > hls-ts/master.m3u8

# WebVTT subtitles for the HLS-TS ladder (one file covering the 20 s), and a second
# master that offers them (RFC 8216 §4.3.4.1 TYPE=SUBTITLES): the TV module's
# subtitle rendering is checked on it; master.m3u8 stays without.
cat > hls-ts/subs_en.vtt <<'VTT'
WEBVTT

1
00:00:01.000 --> 00:00:04.000
Welcome to wasp.

2
00:00:04.500 --> 00:00:08.000
Subtitles are drawn by the player module, over the video.

3
00:00:09.000 --> 00:00:12.000
Où est le café ? À gauche, près de l'église.

4
00:00:13.000 --> 00:00:16.000 line:0
[music]

5
00:00:16.500 --> 00:00:19.500 align:left position:10%
The end.
VTT
{
  echo "#EXTM3U"
  echo "#EXT-X-VERSION:3"
  echo "#EXT-X-TARGETDURATION:20"
  echo "#EXT-X-MEDIA-SEQUENCE:0"
  echo "#EXT-X-PLAYLIST-TYPE:VOD"
  echo "#EXTINF:20.000000,"
  echo "subs_en.vtt"
  echo "#EXT-X-ENDLIST"
} > hls-ts/subs_en.m3u8
{
  echo "#EXTM3U"
  echo "#EXT-X-VERSION:3"
  echo "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",NAME=\"English\",LANGUAGE=\"en\",DEFAULT=NO,AUTOSELECT=YES,URI=\"subs_en.m3u8\""
  for rung in "${RUNGS[@]}"; do
    set -- $rung
    echo "#EXT-X-STREAM-INF:BANDWIDTH=$(( ($3 + 48) * 1100 )),RESOLUTION=$2,CODECS=\"avc1.64001e,mp4a.40.2\",FRAME-RATE=25.000,SUBTITLES=\"subs\""
    echo "$1.m3u8"
  done
} > hls-ts/master-subs.m3u8

# CMAF: the DASH muxer writes the segments, the MPD and (hls_playlist) the HLS
# playlists over the same files.
$FF -i "$WORK/v0.mp4" -i "$WORK/v1.mp4" -i "$WORK/v2.mp4" -i "$WORK/audio.m4a" \
  -map 0:v -map 1:v -map 2:v -map 3:a -c copy "${BITEXACT[@]}" \
  -f dash -seg_duration 4 -use_template 1 -use_timeline 1 -hls_playlist 1 \
  -adaptation_sets "id=0,streams=v id=1,streams=a" \
  -init_seg_name 'init-$RepresentationID$.m4s' -media_seg_name 'chunk-$RepresentationID$-$Number%05d$.m4s' \
  cmaf/manifest.mpd

# Progressive MP4, moov before mdat.
$FF -i "$WORK/v1.mp4" -i "$WORK/audio.m4a" -map 0:v -map 1:a -c copy "${BITEXACT[@]}" \
  -movflags +faststart progressive/sample.mp4

# The calibration sample: 8 s, audio timestamps 100 ms after the video's.
$FF -t 8 -i "$WORK/v0.mp4" -itsoffset 0.1 -t 8 -i "$WORK/audio.m4a" -map 0:v -map 1:a -c copy \
  "${BITEXACT[@]}" -f hls -hls_time 4 -hls_playlist_type vod \
  -hls_segment_filename "offset/v0_%03d.ts" offset/v0.m3u8

# Goldens: the pictures each package displays, in its stream's time base, on the
# player's timeline: the player puts the first picture (the video's first keyframe)
# of a presentation at its segment's start, 0 here (RFC 8216 §6.2.2 segment times;
# wasp-engine's Timeline), and audio that starts earlier (the AAC priming) before it,
# as a decoder's output does; an alternate audio rendition never moves it. So the
# timestamps ffmpeg reads (-copyts) are moved by the video's start, with the
# player's own arithmetic (µs, rounded to nearest), and a picture's duration is its
# frame period.
golden() { # time_base_den output input [stream starts "num/den,pts" instead of the input's]
  local den=$1 out=$2; shift 2
  local starts
  if [ $# -gt 1 ]; then
    starts="${*:2}"
  else
    starts=$(ffprobe -v error -select_streams v:0 -show_entries stream=start_pts,time_base -of csv=p=0 "$1" | sort -u)
  fi
  $FF -copyts -i "$1" -map 0:v:0 -fps_mode passthrough -enc_time_base "1:$den" -f framemd5 - \
    | grep -v '^#software' | ./rebase.py "$starts" "$den" > "$out"
}
for rung in "${RUNGS[@]}"; do
  set -- $rung
  golden 90000 "goldens/hls-ts_$1.framemd5" "hls-ts/$1.m3u8"
  golden 12800 "goldens/cmaf_$1.framemd5" "cmaf/media_${1#v}.m3u8"
done
golden 12800 goldens/progressive.framemd5 progressive/sample.mp4 1/12800,0
golden 90000 goldens/offset.framemd5 offset/v0.m3u8
# The audio module's samples (MP3/AAC tones, their ICY bodies, HLS audio-only).
audio/make.sh
du -sh . | cut -f1
