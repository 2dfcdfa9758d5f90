#!/usr/bin/env bash
# Build (once) the arm64 Debian 12 root where TFLite models run under qemu-user, as a
# stand-in for a Raspberry Pi 4/5 / Android arm64 CPU (minikeras/deploy/arm64.py):
#   - mmdebstrap --variant=extract from Debian's mirror: python3.11 + libstdc++ (arm64);
#   - the aarch64 wheels of requirements/deploy-arm64.txt (ai-edge-litert, numpy),
#     installed by pip into <root>/opt/litert (--platform manylinux aarch64; no emulated pip);
#   - a Raspberry Pi 4's CPU description (4 x Cortex-A72) in <root>/proc/cpuinfo and
#     <root>/sys/devices/system/cpu: qemu-user passes the host's x86 files through, and
#     LiteRT's CPU detection (cpuinfo, for XNNPACK) crashes on them; qemu -L reads these;
#   - a check: LiteRT imports under qemu-aarch64-static -cpu cortex-a72 and reports aarch64.
# The root lives in ${MINIKERAS_ARM64_ROOT:-$MINIKERAS_CACHE/arm64-root} (default
# ~/.cache/minikeras/arm64-root) and is rebuilt only when this script or the pins change.
# Needs: qemu-user-static mmdebstrap (scripts/apt-install.sh installs them), python3.11.
# Usage: scripts/arm64-root.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
cache="${MINIKERAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minikeras}"
root="${MINIKERAS_ARM64_ROOT:-$cache/arm64-root}"
mirror="${MINIKERAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
pins="$repo/requirements/deploy-arm64.txt"
py="${PYTHON:-$(command -v python3.11 || command -v python3)}"   # runs pip only (--platform)
key="$(cat "$0" "$pins" | sha256sum | cut -c1-16)"

if [ "${1:-}" != "--force" ] && [ -f "$root/.minikeras-key" ] && [ "$(cat "$root/.minikeras-key")" = "$key" ]; then
    echo "arm64 root: reusing $root"
    exit 0
fi
bash "$here/apt-install.sh" qemu-user-static mmdebstrap
start=$(date +%s)
tmp="$root.tmp"
rm -rf "$tmp"
mkdir -p "$(dirname "$root")"
echo "arm64 root: mmdebstrap bookworm arm64 -> $root"
mmdebstrap --quiet --variant=extract --arch=arm64 \
    --include=python3.11-minimal,libpython3.11-stdlib,libstdc++6 \
    bookworm "$tmp" "$mirror"
mkdir -p "$tmp/tmp" "$tmp/opt/litert" "$tmp/proc"
cpus=4; last=$((cpus - 1))
for i in $(seq 0 $last); do
    printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n' "$i"
done > "$tmp/proc/cpuinfo"
printf 'Hardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n' >> "$tmp/proc/cpuinfo"
sys="$tmp/sys/devices/system/cpu"
put() { mkdir -p "$(dirname "$sys/$1")"; echo "$2" > "$sys/$1"; }
for f in possible present online; do put "$f" "0-$last"; done
put kernel_max "$last"
for i in $(seq 0 $last); do
    put "cpu$i/topology/physical_package_id" 0
    put "cpu$i/topology/cluster_cpus_list" "0-$last"
    put "cpu$i/topology/core_siblings_list" "0-$last"
    put "cpu$i/cpufreq/cpuinfo_max_freq" 1800000
    put "cpu$i/cpufreq/cpuinfo_min_freq" 600000
    put "cpu$i/cache/index2/level" 2
    put "cpu$i/cache/index2/size" 1024K
    put "cpu$i/cache/index2/shared_cpu_list" "0-$last"
done
plats=()
for v in 17 27 28 31 34 35 36; do plats+=(--platform "manylinux_2_${v}_aarch64"); done
echo "arm64 root: pip install (aarch64 wheels) -r $pins"
"$py" -m pip install -q --disable-pip-version-check --no-deps --only-binary=:all: \
    --implementation cp --python-version 3.11 --abi cp311 "${plats[@]}" \
    --target "$tmp/opt/litert" -r "$pins"
PYTHONPATH=/opt/litert qemu-aarch64-static -cpu cortex-a72 -L "$tmp" "$tmp/usr/bin/python3.11" -c '
import platform, numpy
from ai_edge_litert.interpreter import Interpreter
assert platform.machine() == "aarch64", platform.machine()
print("arm64 root: LiteRT imports under qemu (%s, Python %s, numpy %s)"
      % (platform.machine(), platform.python_version(), numpy.__version__))'
echo "$key" > "$tmp/.minikeras-key"
rm -rf "$root"
mv "$tmp" "$root"
echo "arm64 root: ready in $(( $(date +%s) - start )) s ($(du -sh "$root" | cut -f1))"
