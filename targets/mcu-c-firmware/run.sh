#!/usr/bin/env bash
# The C firmware under QEMU (docs/mcu-c.md). Builds libwasp.a without std for
# thumbv7em-none-eabihf, tests the firmware's md5 on the host, compiles the firmware
# and the conformance image with arm-none-eabi-gcc, boots the firmware twice on
# mps2-an386 (-icount: identical virtual time) and checks, printing PASS or FAIL:
#   - the run exits 0 and the two logs are identical byte for byte;
#   - the log equals expected.log without its "measure" lines (timings that move
#     with the library's code; `--bless` rewrites expected.log);
#   - the decoder chip got the clean stream (targets/emulator/samples/audio/icy.md5:
#     the ICY capture without its metadata blocks);
#   - the last frame's graphics plane has the md5 of the emulator's audio_radio
#     scenario (targets/emulator/scenarios/audio_radio.toml);
#   - 100 trap restarts leave the heap as one did;
# then boots the conformance image: every check PASS or SKIP.
# Needs: arm-none-eabi-gcc + newlib (gcc-arm-none-eabi libnewlib-arm-none-eabi),
# qemu-system-arm, a host cc, the thumbv7em-none-eabihf Rust target. The audio module
# is targets/modules' build (WASP_AUDIO_WASM overrides its path).
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)

for tool in arm-none-eabi-gcc qemu-system-arm cc; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 2; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
verdict() { # verdict <0|1 ok> <what>
    if [[ "$1" == 1 ]]; then echo "PASS $2"; else echo "FAIL $2"; failed=1; fi
}

cc -std=c11 -Wall -Wextra -Werror -O2 md5.c md5_test.c -o "$out/md5_test"
"$out/md5_test" >/dev/null && verdict 1 "md5 (RFC 1321 test suite, on the host)" || verdict 0 "md5 (RFC 1321 test suite)"

target_dir=${CARGO_TARGET_DIR:-$root/target}
(cd "$root" && cargo rustc --quiet -p wasp-capi --lib --profile firmware --target thumbv7em-none-eabihf \
    --no-default-features --crate-type staticlib)
lib=$target_dir/thumbv7em-none-eabihf/firmware/libwasp.a
audio=${WASP_AUDIO_WASM:-$root/target/wasm-modules-audio/wasm32-unknown-unknown/wasm/wasp_audio.wasm}
if [[ ! -f "$audio" ]]; then
    (cd "$root" && cargo build --quiet -p wasp-modules)
fi
# wasp-modules' build script writes the module there only when it runs; a target
# directory copied from another checkout finds it fresh, with the module in its OUT_DIR.
if [[ ! -f "$audio" ]]; then
    audio=$(ls -t "$target_dir"/debug/build/wasp-modules-*/out/wasp_audio.wasm 2>/dev/null | head -n 1 || true)
    [[ -n "$audio" ]] || { echo "run.sh: the audio module was not built" >&2; exit 2; }
fi
make --quiet OUT="$out" LIBWASP="$lib" AUDIO_WASM="$audio" >"$out/make.log" 2>&1 || { cat "$out/make.log" >&2; exit 1; }
echo "libwasp.a: $(stat -c %s "$lib") B; firmware (text data bss):" \
    "$(arm-none-eabi-size "$out/firmware.elf" | awk 'NR == 2 { print $1, $2, $3 }')"

qemu() { # qemu <elf> <log>
    timeout 120 qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -nographic \
        -semihosting-config enable=on,target=native -icount shift=3,sleep=off -kernel "$1" >"$2" 2>&1
}
ok=1
for run in 1 2; do
    start=$(date +%s%N)
    qemu "$out/firmware.elf" "$out/run$run.log" || ok=0
    echo "run $run: $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
verdict $ok "both runs exit 0"
cmp -s "$out/run1.log" "$out/run2.log" && verdict 1 "two runs give identical logs" || {
    diff "$out/run1.log" "$out/run2.log" >&2 || true
    verdict 0 "two runs give identical logs"
}
grep -v '^measure' "$out/run1.log" >"$out/lines.log" || true
if [[ "${1:-}" == "--bless" ]]; then
    cp "$out/lines.log" expected.log
    echo "expected.log rewritten"
fi
diff -u expected.log "$out/lines.log" >&2 && verdict 1 "the log equals expected.log" || verdict 0 "the log equals expected.log"

clean=$(awk '$2 == "tone.mp3.icy" { print $1 }' "$root/targets/emulator/samples/audio/icy.md5")
grep -q "stream [0-9]* B md5 $clean," "$out/run1.log" && ok=1 || ok=0
verdict $ok "the decoder chip got the stream without its ICY blocks (md5 $clean)"
screen=$(sed -n 's/^graphics = "\([0-9a-f]*\)"/\1/p' "$root/targets/emulator/scenarios/audio_radio.toml")
grep -q "last graphics $screen\$" "$out/run1.log" && ok=1 || ok=0
verdict $ok "the last frame equals the emulator's audio_radio screen (graphics md5 $screen)"
heap=$(sed -n 's/.*fault containment: 100 traps and restarts, heap in use after the first \([0-9]*\) B, after the last \([0-9]*\) B$/\1 \2/p' "$out/run1.log")
read -r first last <<<"${heap:-x y}"
[[ "$first" == "$last" ]] && ok=1 || ok=0
verdict $ok "100 trap restarts: heap in use $first B after the first, $last B after the last"
grep '^measure' "$out/run1.log" || true

qemu "$out/conformance.elf" "$out/conformance.log" && ok=1 || ok=0
grep -E '^(PASS|SKIP|FAIL) ' "$out/conformance.log" | sed 's/^/  conformance: /'
count() { grep -c "^$1 " "$out/conformance.log" || true; }
summary=$(grep -E '^[0-9]+ checks, [0-9]+ failed, [0-9]+ skipped$' "$out/conformance.log" || true)
echo "  conformance: ${summary:-no summary line}"
# The suite's summary says 0 failed, and every check it counts printed PASS or SKIP.
if [[ "$summary" =~ ^([0-9]+)\ checks,\ 0\ failed ]]; then
    (( $(count FAIL) == 0 && $(count PASS) + $(count SKIP) == BASH_REMATCH[1] )) || ok=0
else
    ok=0
fi
verdict $ok "the port conformance suite on the C port: every check PASS or SKIP"

if [[ $failed != 0 ]]; then
    echo "run.sh: FAIL (the first run's log follows)" >&2
    cat "$out/run1.log" >&2
    exit 1
fi
echo "mcu-c-firmware: PASS"
