#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CPU benchmark with its baselines, all on this machine in one run:
#   1. the pure-JavaScript DTW (bench/js/baseline.js, node) on the seed's
#      cases and the large batches, unbanded and with band 13;
#   2. dtaidistance's C/OpenMP core, by bench/peers/dtaidistance.sh in a
#      throwaway venv under /tmp (skipped with a message when it cannot be
#      installed);
#   3. build/bench/bench_cpu, which times scalar/avx2/avx512 at 1 and 2
#      threads and reports the ratios against 1 and 2.
# Usage: bench/run_cpu.sh [--quick] [--repeats R]   (from the repository root,
# after the build). Writes bench/results/cpu.json and prints the markdown
# table that bench/RESULTS.md holds.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 repeats=5
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --repeats) repeats="$2"; shift ;;
    *) echo "usage: $0 [--quick] [--repeats R]" >&2; exit 2 ;;
  esac
  shift
done
big=100000; [ "$quick" = 1 ] && big=10000
tmp=$(mktemp -d /tmp/hdtw-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p bench/results
args=(--repeats "$repeats" --json bench/results/cpu.json)
[ "$quick" = 1 ] && args+=(--quick)

if command -v node >/dev/null; then
  echo "== JavaScript baseline (node $(node --version))" >&2
  node bench/js/baseline.js --repeats "$repeats" --batch "${big}x128" > "$tmp/js.json"
  node bench/js/baseline.js --repeats "$repeats" --pairs "" --no-default-batch \
    --batch "${big}x128" --band 13 > "$tmp/js-band.json"
  args+=(--js "$tmp/js.json" --js "$tmp/js-band.json")
else
  echo "bench/run_cpu.sh: node not found, no JavaScript baseline" >&2
fi

echo "== dtaidistance (bench/peers/dtaidistance.sh)" >&2
if bench/peers/dtaidistance.sh --repeats "$repeats" > "$tmp/dtai.json"; then
  args+=(--peer "$tmp/dtai.json")
else
  echo "bench/run_cpu.sh: dtaidistance could not be installed or run; skipped" >&2
fi

echo "== bench_cpu" >&2
build/bench/bench_cpu "${args[@]}"
