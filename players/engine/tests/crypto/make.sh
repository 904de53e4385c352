#!/bin/sh
# Regenerates the AES-128 fixtures of tests/crypto_*.rs. Run from this folder.
# The key and IV are test values, not secrets.
set -eu
KEY=000102030405060708090a0b0c0d0e0f
IV=f0e0d0c0b0a090807060504030201000

# 1. openssl: two clear files (100 TS packets, a whole number of blocks, so the padding
#    is a full block; and the WebVTT sample, 141 bytes, so it is 3 bytes) encrypted
#    as RFC 8216 §5.2 says, with an explicit IV.
head -c 18800 ../../fixtures/hls-ts/v0_000.ts > clear.ts
cp ../../fixtures/text/sample.vtt clear.vtt
for f in clear.ts clear.vtt; do
    openssl enc -aes-128-cbc -K $KEY -iv $IV -in $f -out ${f#clear}.enc
    mv ${f#clear}.enc "enc${f#clear}"
done

# 2. ffmpeg: an encrypted HLS stream (2 one-second segments) whose key info file has
#    no IV line, so each segment's IV is its media sequence number (periodic_rekey
#    re-reads the key info for every segment; without it ffmpeg 5.1 keeps the first
#    segment's IV for all of them).
printf '%s' "$KEY" | xxd -r -p > hls.key
printf 'hls.key\nhls.key\n' > keyinfo.txt
ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc=size=64x48:rate=10 -t 2 \
    -c:v libx264 -g 10 -bf 0 -pix_fmt yuv420p -fflags +bitexact \
    -f hls -hls_time 1 -hls_list_size 0 -hls_key_info_file keyinfo.txt \
    -hls_flags periodic_rekey \
    -hls_segment_filename 'hls_%d.ts' hls.m3u8
rm keyinfo.txt
# The clear segments' md5, decrypted by openssl with IV = the sequence number.
: > hls.md5
for i in 0 1; do
    SEQ_IV=$(printf '%032x' $i)
    openssl enc -d -aes-128-cbc -K $KEY -iv $SEQ_IV -in hls_$i.ts | md5sum | cut -d' ' -f1 >> hls.md5
done
