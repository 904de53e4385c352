#!/bin/sh
# Instructions per iteration of each benchmark workload, under callgrind: stable where
# wall-clock time is not (shared or noisy machines, CI). Figures go to docs/perf.md.
#
#   core/runtime/benches/callgrind.sh [workload ...]     (default: every workload)
#
# Builds the bench binary, then runs each workload twice in the binary's
# `WASP_BENCH_ONCE` mode (no criterion): with 0 iterations (process start, module
# generation, load: the fixed cost) and with its default iteration count. Instructions
# per iteration = (Ir(n) - Ir(0)) / n. Out files stay in target/callgrind/ for
# `callgrind_annotate --inclusive=yes target/callgrind/<workload>.out`.
set -eu

cd "$(dirname "$0")/../../.."
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }

bin=$(cargo bench -p wasp-core --bench runtime --no-run --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | grep '/runtime-' | tail -n 1)
[ -x "$bin" ] || { echo "callgrind.sh: bench binary not found" >&2; exit 1; }

out=target/callgrind
mkdir -p "$out"
if [ "$#" -eq 0 ]; then
    set -- $(WASP_BENCH_ONCE=list "$bin")
fi

# Total instructions (Ir) of one callgrind run: `totals:` (or `summary:`) of its out file.
total() {
    sed -n 's/^\(totals\|summary\): *\([0-9]*\).*/\2/p' "$1" | head -n 1
}

# Runs workload $1 with WASP_BENCH_ITERS=$2 into out file $3; prints the `once` line.
run() {
    WASP_BENCH_ONCE="$1" WASP_BENCH_ITERS="$2" valgrind --tool=callgrind --callgrind-out-file="$3" \
        "$bin" 2>/dev/null
}

printf '%-34s %8s %14s %14s %12s %12s\n' workload iters 'Ir(0)' 'Ir(n)' 'Ir/iter' 'Ir/element'
for name in "$@"; do
    file=$(echo "$name" | tr '/' '_')
    run "$name" 0 "$out/$file.base.out" >/dev/null
    line=$(run "$name" "" "$out/$file.out")
    iters=$(echo "$line" | sed -n 's/.* iters=\([0-9]*\).*/\1/p')
    elements=$(echo "$line" | sed -n 's/.* elements=\([0-9]*\).*/\1/p')
    base=$(total "$out/$file.base.out")
    all=$(total "$out/$file.out")
    awk -v n="$name" -v i="$iters" -v e="$elements" -v b="$base" -v a="$all" 'BEGIN {
        per = (a - b) / i
        printf "%-34s %8d %14d %14d %12.0f %12.1f\n", n, i, b, a, per, per / e
    }'
done
