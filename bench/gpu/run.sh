#!/usr/bin/env bash
# The OpenCL suite and benchmark on an NVIDIA GPU (../shared/GPU.md).
#
#   bench/gpu/run.sh prepare   here, with apt: downloads the .debs the bare
#                              GPU machine may lack into .carry/gpu-debs
#                              (ignored; name .carry in the device run's carry)
#   bench/gpu/run.sh device    on the GPU machine, from the repository root:
#                              unpacks them into .carry/gpu-root (never /),
#                              points the ICD loader at libnvidia-opencl,
#                              builds, runs test_opencl and the whole ctest
#                              suite, then bench_opencl; logs and JSON go to
#                              $OUT (the device tool's folder) or
#                              bench/gpu/out.
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
  if [ -n "${HDTW_GPU_ICD:-}" ]; then  # rehearsal without a GPU: a PoCL .icd
    cp "$HDTW_GPU_ICD" "$vendors/"
  elif [ -f /etc/OpenCL/vendors/nvidia.icd ]; then
    cp /etc/OpenCL/vendors/nvidia.icd "$vendors/"
  elif ldconfig -p | grep -q 'libnvidia-opencl.so.1'; then
    echo libnvidia-opencl.so.1 >"$vendors/nvidia.icd"
  else
    local lib
    lib=$(find / -name 'libnvidia-opencl.so*' -not -path '/proc/*' 2>/dev/null | head -n1)
    [ -n "$lib" ] || { echo "run.sh: libnvidia-opencl not found" >&2; exit 1; }
    echo "$lib" >"$vendors/nvidia.icd"
  fi
  export OCL_ICD_VENDORS=$vendors
}

device() {
  local out=${OUT:-bench/gpu/out}
  mkdir -p "$out" "$root"
  for f in "$debs"/*.deb; do dpkg -x "$f" "$root"; done
  local multiarch=usr/lib/x86_64-linux-gnu
  export PATH=$root/usr/bin:$PATH
  export LD_LIBRARY_PATH=$root/$multiarch${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export PKG_CONFIG_PATH=$root/$multiarch/pkgconfig
  export PKG_CONFIG_SYSROOT_DIR=$root   # the .pc files say prefix=/usr
  setup_icd
  export HDTW_OPENCL_DEVICE=${HDTW_OPENCL_DEVICE:-NVIDIA}

  { nvidia-smi || true; clinfo -l; clinfo | grep -iE 'name|version|fp64|local mem|max mem alloc'; } \
    >"$out/gpu_device.txt" 2>&1 || true
  cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DHDTW_OPENCL=ON \
        -DOpenCL_INCLUDE_DIR="$root/usr/include" \
        -DOpenCL_LIBRARY="$root/$multiarch/libOpenCL.so" >"$out/gpu_build.txt" 2>&1
  cmake --build build-gpu -j"$(nproc)" >>"$out/gpu_build.txt" 2>&1
  local status=0
  build-gpu/tests/test_opencl >"$out/gpu_test_opencl.txt" 2>&1 || status=1
  ctest --test-dir build-gpu --output-on-failure -j4 >"$out/gpu_ctest.txt" 2>&1 || status=1
  build-gpu/bench/bench_opencl --repeats 5 --json "$out/bench_opencl_gpu.json" \
    | tee "$out/gpu_bench.txt" || status=1
  tail -n 3 "$out/gpu_test_opencl.txt" "$out/gpu_ctest.txt"
  return $status
}

case "${1:-}" in
  prepare) prepare ;;
  device) device ;;
  *) echo "usage: $0 prepare|device" >&2; exit 2 ;;
esac
