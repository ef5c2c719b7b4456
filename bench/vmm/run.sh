#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# atoll vmm vs qemu-system-x86_64 -M microvm, side by side in one run:
# process start -> first guest serial output, start -> exit, peak RSS.
# Atoll boots build/guest/hello.bin through its Linux boot path; QEMU runs a
# 64 KiB real-mode firmware that prints the same marker and exits via 0xf4.
# usage: RUNS=20 bench/vmm/run.sh   (from the repository root, after make)
set -eu
RUNS=${RUNS:-20}
B=${B:-build}
ATOLL=${ATOLL_BIN:-$B/atoll}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)

[ -x "$ATOLL" ] && [ -f "$B/guest/hello.bin" ] || { echo "run make first" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86 is not installed" >&2; exit 1; }

as --32 "$HERE/tinyfw.S" -o "$WORK/tinyfw.o"
ld -m elf_i386 -Ttext 0 -e 0 --oformat binary -o "$WORK/tinyfw.bin" "$WORK/tinyfw.o"

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, kernel $(uname -r), $RUNS runs each, interleaved"
top -b -n1 | grep -m1 '%Cpu' || true
echo "# guest memory 256 MiB on both; min / median / max"
/usr/bin/python3 "$HERE/bootbench.py" "$RUNS" ATOLL_GUEST_HELLO \
  "atoll vmm=$ATOLL vmm --kernel $B/guest/hello.bin --cmdline atoll.test=hello --mem 256" \
  "qemu microvm=qemu-system-x86_64 -M microvm -enable-kvm -cpu host,-arch-capabilities -m 256 -nodefaults -no-user-config -nographic -serial stdio -bios $WORK/tinyfw.bin -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot" \
  "qemu microvm (trimmed)=qemu-system-x86_64 -M microvm,x-option-roms=off,isa-serial=on,rtc=off -enable-kvm -cpu host,-arch-capabilities -m 256 -nodefaults -no-user-config -nographic -serial stdio -bios $WORK/tinyfw.bin -device isa-debug-exit,iobase=0xf4,iosize=4 -no-reboot"
echo
echo "# atoll vmm memory with the hello guest idling (atoll.wait=1), from /proc"
"$ATOLL" vmm --kernel "$B/guest/hello.bin" --cmdline "atoll.test=hello atoll.wait=1" --mem 256 \
  --serial none --api-sock "$WORK/api" & pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$WORK"' EXIT
/usr/bin/python3 "$HERE/vmm_mem.py" "$pid" "$WORK/api" 256
wait $pid || true
