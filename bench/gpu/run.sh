#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The OpenCL suite and benchmark on an NVIDIA GPU (../shared/GPU.md).
#
#   bench/gpu/run.sh prepare   here, with apt: downloads the .debs the bare
#                              GPU machine may lack into .carry/gpu-debs
#                              (ignored; name .carry in the device run's carry)
#   bench/gpu/run.sh device    on the GPU machine, from the repository root:
#                              unpacks them into .carry/gpu-root (never /),
#                              points the ICD loader at libnvidia-opencl,
#                              builds, runs test_opencl, then bench_opencl;
#                              logs, bench_opencl_gpu.json and
#                              gpu_summary.json (every step's status) go to
#                              $OUT (the device tool's folder) or
#                              bench/gpu/out. Each step has a time limit, the
#                              whole run stays under 8 minutes.
#   bench/gpu/run.sh profile   on the GPU machine, after device passed:
#                              dtwbench's GPU rows against the CPU (shapes,
#                              band 13, pdist, AUTO's sweep after
#                              --calibrate) and ptxas -v of NVIDIA's own
#                              compile; gpu_profile.txt, dtwbench_gpu.json,
#                              sweep_gpu.json. Under 10 minutes.
#
# HDTW_OPENCL_DEVICE (default NVIDIA) picks the device; the results to
# record in bench/RESULTS.md are device, fp64 GCUPS, identical yes/no.
# Rehearsal on a machine without a GPU:
#   HDTW_GPU_ICD=/etc/OpenCL/vendors/pocl.icd HDTW_OPENCL_DEVICE=pthread \
#     OUT=/tmp/gpu bench/gpu/run.sh device
set -euo pipefail
cd "$(dirname "$0")/../.."

debs=.carry/gpu-debs
root=$PWD/.carry/gpu-root
packages=(ocl-icd-libopencl1 ocl-icd-opencl-dev opencl-c-headers
          opencl-clhpp-headers clinfo check libsubunit-dev libsubunit0
          pkgconf pkgconf-bin libpkgconf3 pkg-config)

prepare() {
  mkdir -p "$debs"
  (cd "$debs" && apt-get download "${packages[@]}")
  ls -l "$debs"
}

# ICD file for NVIDIA's OpenCL library; OCL_ICD_VENDORS keeps it out of /etc.
setup_icd() {
  local vendors=$root/etc/OpenCL/vendors
  mkdir -p "$vendors"
  rm -f "$vendors"/*.icd   # a rehearsal's PoCL entry may have travelled
  if [ -n "${HDTW_GPU_ICD:-}" ]; then  # rehearsal without a GPU: a PoCL .icd
    cp "$HDTW_GPU_ICD" "$vendors/"
  elif [ -f /etc/OpenCL/vendors/nvidia.icd ]; then
    cp /etc/OpenCL/vendors/nvidia.icd "$vendors/"
  else
    # never end a pipe in grep -q or head under pipefail: the writer can die
    # of SIGPIPE; read whole outputs, "not found" is a normal answer
    local cache lib
    cache=$(/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true)
    if [[ $cache == *libnvidia-opencl.so.1* ]]; then
      echo libnvidia-opencl.so.1 >"$vendors/nvidia.icd"
    else
      lib=$(find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
              -name 'libnvidia-opencl.so*' -print 2>/dev/null || true)
      lib=${lib%%$'\n'*}
      [ -n "$lib" ] || { echo "run.sh: libnvidia-opencl not found" >&2; return 1; }
      echo "$lib" >"$vendors/nvidia.icd"
    fi
  fi
  export OCL_ICD_VENDORS=$vendors
}

# step NAME LIMIT_S COMMAND...: runs it with a time limit, output to
# $out/gpu_NAME.txt, and records its exit status for gpu_summary.json
step() {
  local name=$1 limit=$2 rc=0
  shift 2
  timeout "$limit" "$@" >"$out/gpu_$name.txt" 2>&1 || rc=$?
  steps+=("\"$name\": $rc")
  echo "run.sh: $name exit $rc"
  return "$rc"
}

write_summary() {
  local IFS=,
  printf '{"device": "%s", "steps": {%s}}\n' "$HDTW_OPENCL_DEVICE" \
    "${steps[*]}" >"$out/gpu_summary.json"
}

# The bare machine made ready: tools checked, the .debs unpacked, the ICD
# pointed at the GPU, the device described in gpu_device.txt, the library
# configured and built. Sets out and steps for the caller.
setup_machine() {
  out=${OUT:-bench/gpu/out}
  steps=()
  mkdir -p "$out" "$root"
  trap write_summary EXIT
  local tool missing=()
  for tool in cmake make cc dpkg timeout; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: missing on this machine: ${missing[*]}" >&2
    steps+=("\"tools\": 1")
    return 1
  fi
  local f
  for f in "$debs"/*.deb; do [ -e "$f" ] && dpkg -x "$f" "$root"; done
  local multiarch=usr/lib/x86_64-linux-gnu
  export PATH=$root/usr/bin:$PATH
  export LD_LIBRARY_PATH=$root/$multiarch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export PKG_CONFIG_PATH=$root/$multiarch/pkgconfig
  export PKG_CONFIG_SYSROOT_DIR=$root   # the .pc files say prefix=/usr
  setup_icd || { steps+=("\"icd\": 1"); return 1; }
  export HDTW_OPENCL_DEVICE=${HDTW_OPENCL_DEVICE:-NVIDIA}

  { nvidia-smi || true; clinfo -l || true; clinfo || true; } \
    >"$out/gpu_device.txt" 2>&1
  step configure 60 cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release \
    -DHDTW_OPENCL=ON -DHDTW_NODE=OFF \
    -DOpenCL_INCLUDE_DIR="$root/usr/include" \
    -DOpenCL_LIBRARY="$root/$multiarch/libOpenCL.so" || return 1
  step build 150 cmake --build build-gpu -j"$(nproc)" || return 1
}

# fma.rn.f64 in the device's own compile of the kernels ($1, PTX): any
# fused multiply-add would break bit identity (count with grep -c, never
# grep -q under pipefail)
count_fma() {
  local fma=0
  [ -s "$1" ] && fma=$(grep -c 'fma.rn.f64' "$1" || true)
  steps+=("\"fma_rn_f64\": ${fma:-0}")
  echo "run.sh: fma.rn.f64 in the device's program: ${fma:-0}"
  [ "${fma:-0}" = 0 ]
}

device() {
  setup_machine || return 1
  local status=0
  step test_opencl 120 build-gpu/tests/test_opencl || status=1
  step bench 120 build-gpu/bench/bench_opencl --repeats 5 \
    --json "$out/bench_opencl_gpu.json" --binary "$out/program.ptx" || status=1
  cat "$out/gpu_bench.txt"
  count_fma "$out/program.ptx" || status=1
  return $status
}

# After device has passed once: the GPU against the CPU backends in
# dtwbench (shapes, band, sliding, pdist; after --calibrate, what AUTO
# picks for a batch and sliding windows, and its sweep),
# and NVIDIA's compile of the kernels read back (ptxas -v for sm_90:
# registers, spills). At most 8 files come back from $OUT: the texts go to
# gpu_profile.txt, the numbers to dtwbench_gpu.json and sweep_gpu.json;
# every step runs whatever the one before it returned.
profile() {
  setup_machine || return 1
  local bench=build-gpu/tools/dtwbench cpus=avx512,avx2
  log=$out/gpu_profile.txt
  grep -q avx512f /proc/cpuinfo || cpus=avx2
  : >"$log"
  logstep lscpu 10 lscpu
  logstep shapes 150 $bench --backends opencl,$cpus,auto --no-js \
    --threads 0 --pairs 1000,2000,10000 --batch 100000x128 --repeats 5 \
    --json "$out/dtwbench_gpu.json"
  logstep band13 90 $bench --backends opencl,$cpus --no-js --threads 0 \
    --band 13 --pairs none --data none --batch 100000x128 --repeats 5
  logstep pdist 90 $bench --matrix 2000x128 --backends opencl,$cpus \
    --threads 0
  export HDTW_PROFILE=/tmp/hdtw_gpu_profile   # not $OUT: 8 files at most
  logstep calibrate 90 $bench --calibrate
  logstep profile_written 5 cat "$HDTW_PROFILE"
  logstep auto_calibrated 90 $bench --backends opencl,$cpus,auto --no-js \
    --threads 0 --pairs none --batch 100000x128 --repeats 5
  logstep sweep 120 $bench --sweep --repeats 3 --threads 0 \
    --json "$out/sweep_gpu.json"
  logstep program 60 build-gpu/bench/bench_opencl --repeats 3 \
    --binary /tmp/hdtw_program.bin
  # NVIDIA's program binary is PTX text ending in a NUL, which ptxas reads
  # as a premature end of file
  tr -d '\000' </tmp/hdtw_program.bin >/tmp/hdtw_program.ptx || true
  if command -v ptxas >/dev/null; then
    logstep ptxas 30 ptxas -v -arch=sm_90 /tmp/hdtw_program.ptx -o /dev/null
  fi
  count_fma /tmp/hdtw_program.ptx >>"$log" || true
  cat "$log"
}

# logstep NAME LIMIT COMMAND...: like step, into the one $log
logstep() {
  local name=$1 limit=$2 rc=0
  shift 2
  printf '\n=== %s: %s\n' "$name" "$*" >>"$log"
  timeout "$limit" "$@" >>"$log" 2>&1 || rc=$?
  steps+=("\"$name\": $rc")
  echo "run.sh: $name exit $rc"
}

case "${1:-}" in
  prepare) prepare ;;
  device) device ;;
  profile) profile ;;
  *) echo "usage: $0 prepare|device|profile" >&2; exit 2 ;;
esac
