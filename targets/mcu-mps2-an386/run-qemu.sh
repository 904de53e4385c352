#!/usr/bin/env bash
# Builds the firmware of the board folder it is run from (the other mps2 boards link
# to this script), boots it twice in QEMU (the runner in .cargo/config.toml:
# the board's machine, -icount, defmt-print), checks that the two decoded logs are identical
# byte for byte, timestamps included, and that they equal expected.log without the
# timestamps (so a change in how long the runtime takes does not need a new golden;
# a change in what it logs or in its heap and stack figures does: rerun with --bless).
# Then checks what the firmware played (the audio module on the ICY capture in
# hardware-tests/mcu/radio): the stream bytes written to the decoder chip's SDI have
# the md5 of the clean stream (targets/emulator/samples/audio/icy.md5: the capture
# with its ICY blocks removed), and the last frame's graphics plane has the md5 the
# emulator's audio_radio scenario asserts for the same screen (mcu-audio, after the
# end), and that a trapping module restarted 100 times leaves the heap as one restart
# did. Then builds with feature fault-check and checks that the HardFault is logged and the
# run fails. Exits non-zero on a build failure, a fault or failed
# self-check (QEMU's exit status), a hang (timeout), or any difference.
# Needs: qemu-system-arm, the thumbv7em-none-eabihf target, defmt-print on PATH.
# `--bless` rewrites expected.log from the first run instead of comparing.
set -euo pipefail
cd "$(dirname "$0")"

for tool in qemu-system-arm defmt-print; do
    command -v "$tool" >/dev/null || { echo "run-qemu.sh: $tool not found" >&2; exit 2; }
done

cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for run in 1 2; do
    start=$(date +%s%N)
    if ! timeout 60 cargo run --release --quiet >"$out/run$run.log"; then
        echo "run-qemu.sh: run $run failed (fault, failed check or timeout):" >&2
        cat "$out/run$run.log" >&2
        exit 1
    fi
    echo "run $run: $(( ($(date +%s%N) - start) / 1000000 )) ms"
done

# The log without its timestamps (the first field).
sed -E 's/^[0-9]+\.[0-9]+ //' "$out/run1.log" >"$out/lines.log"
if [[ "${1:-}" == "--bless" ]]; then
    cp "$out/lines.log" expected.log
    echo "expected.log rewritten"
fi
cmp -s "$out/run1.log" "$out/run2.log" || {
    echo "run-qemu.sh: two runs differ:" >&2
    diff "$out/run1.log" "$out/run2.log" >&2 || true
    exit 1
}
diff -u expected.log "$out/lines.log" || { echo "run-qemu.sh: log differs from expected.log" >&2; exit 1; }
cat "$out/run1.log"
echo "$(basename "$PWD"): both runs equal expected.log"

root=../..
clean=$(awk '$2 == "tone.mp3.icy" { print $1 }' "$root/targets/emulator/samples/audio/icy.md5")
grep -q "stream [0-9]* B md5 $clean," "$out/run1.log" || {
    echo "run-qemu.sh: the decoder chip's stream is not the clean stream (md5 $clean)" >&2
    exit 1
}
echo "$(basename "$PWD"): the decoder chip got the clean stream (md5 $clean)"
screen=$(sed -n 's/^graphics = "\([0-9a-f]*\)"/\1/p' "$root/targets/emulator/scenarios/audio_radio.toml")
grep -q "last graphics $screen\$" "$out/run1.log" || {
    echo "run-qemu.sh: the last frame differs from the emulator's (graphics md5 $screen)" >&2
    exit 1
}
echo "$(basename "$PWD"): the last frame equals the emulator's (graphics md5 $screen)"
# Fault containment: a module whose every tick traps, reported and restarted 100
# times; the heap in use after the last restart equals that after the first.
heap=$(sed -n 's/.*fault containment: 100 traps and restarts, heap in use after the first \([0-9]*\) B, after the last \([0-9]*\) B$/\1 \2/p' "$out/run1.log")
read -r first last <<<"${heap:-x y}"
[[ "$first" == "$last" ]] || {
    echo "run-qemu.sh: the heap after 100 trap restarts ($last B) is not that after one ($first B)" >&2
    exit 1
}
echo "$(basename "$PWD"): 100 traps restarted, heap in use $first B after the first and the last"

# A fault must be reported and fail the run (not hang QEMU or pass). Built first, so
# that the timeout is the run's alone.
cargo build --release --quiet --features fault-check
if timeout 60 cargo run --release --quiet --features fault-check >"$out/fault.log"; then
    echo "run-qemu.sh: the fault-check build exited with success" >&2
    cat "$out/fault.log" >&2
    exit 1
fi
grep -q 'ERROR HardFault at pc' "$out/fault.log" || {
    echo "run-qemu.sh: the fault-check build did not report its HardFault:" >&2
    cat "$out/fault.log" >&2
    exit 1
}
echo "$(basename "$PWD"): a HardFault is logged and fails the run"
