#!/bin/sh
# Flash (text) each wasp-shim-mcu driver adds to a bare cortex-m-rt binary, built for
# thumbv7em-none-eabihf at opt-level z with LTO. Needs arm-none-eabi-size
# (binutils-arm-none-eabi) and the thumbv7em-none-eabihf target.
# Usage: shims/mcu/sizes/sizes.sh   (CARGO_TARGET_DIR is honoured; by default the
# build goes under the workspace's target/mcu-sizes)
set -eu
cd "$(dirname "$0")"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(pwd)/../../../target/mcu-sizes}"
export CARGO_TARGET_DIR
elf="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/wasp-shim-mcu-sizes"
text() {
    cargo build --quiet --release ${1:+--features "$1"}
    arm-none-eabi-size "$elf" | awk 'NR == 2 { print $1 }'
}
base=$(text "")
printf '%-40s %8s %8s\n' "build" "text" "added"
printf '%-40s %8d %8s\n' "bare (cortex-m-rt, panic loop)" "$base" "-"
for features in vs1053 i2s kv st7789 stripes buttons vs1053,i2s,kv,st7789,stripes,buttons; do
    size=$(text "$features")
    printf '%-40s %8d %8d\n' "$features" "$size" "$((size - base))"
done
