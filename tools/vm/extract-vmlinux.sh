#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# extract-vmlinux.sh KVER OUTFILE - unpack the ELF vmlinux from
# /boot/vmlinuz-KVER so that QEMU can boot it directly through its PVH entry
# point. That skips the in-guest decompression, which costs seconds under TCG
# (xz in particular: about 2.5 s of a 6.5 s run for Debian's 6.1).
# Fails (status 1) when the kernel has no PVH entry or cannot be unpacked;
# tools/vm/run then boots the bzImage as it is.
set -euo pipefail
export LC_ALL=C

kver=$1 out=$2
img=/boot/vmlinuz-$kver
grep -qx 'CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null || exit 1

tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
# Try each compressed payload signature found in the image until one unpacks
# to an ELF file.
for fmt in xz zstd gzip; do
	case $fmt in
	xz)   magic=$'\xfd7zXZ\x00'   unpack=(xz -dc --single-stream) ;;
	zstd) magic=$'\x28\xb5\x2f\xfd' unpack=(zstd -dcq) ;;
	gzip) magic=$'\x1f\x8b\x08'     unpack=(gzip -dcq) ;;
	esac
	command -v "${unpack[0]}" >/dev/null || continue
	for off in $(grep -abo "$magic" "$img" | cut -d: -f1 | head -n 5); do
		tail -c +$((off + 1)) "$img" | "${unpack[@]}" >"$tmp" 2>/dev/null || true
		if [[ $(head -c 4 "$tmp") == $'\x7fELF' ]]; then
			mv -f "$tmp" "$out"
			exit 0
		fi
	done
done
exit 1
