#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dtaidistance's C/OpenMP core on bench_cpu's cases: installs dtaidistance
# and numpy into a throwaway venv under /tmp (removed on exit), runs
# dtaidistance_bench.py there and prints its JSON on stdout. Exits non-zero
# with a message on stderr when the package cannot be installed or run.
#   bench/peers/dtaidistance.sh [--repeats R]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv=$(mktemp -d /tmp/hdtw-dtaidistance.XXXXXX)
trap 'rm -rf "$venv"' EXIT
if ! python3 -m venv "$venv" >&2 ||
   ! "$venv/bin/pip" install --quiet dtaidistance numpy >&2; then
  echo "dtaidistance.sh: cannot install dtaidistance into a venv" >&2
  exit 1
fi
"$venv/bin/python" "$here/dtaidistance_bench.py" "$@"
