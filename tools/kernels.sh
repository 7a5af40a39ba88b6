#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernels to build for and test on, one a line: the newest installed
# 6.1 and 6.12 that have both an image and headers. $KERNELS overrides.
set -euo pipefail

if [ -n "${KERNELS:-}" ]; then
	printf '%s\n' $KERNELS
	exit 0
fi
for series in 6.1 6.12; do
	best=
	for img in /boot/vmlinuz-$series.*; do
		k=${img#/boot/vmlinuz-}
		[ -e "$img" ] && [ -e "/lib/modules/$k/build/Makefile" ] && best="$best $k"
	done
	[ -n "$best" ] || { echo "kernels: no $series kernel with headers (run tools/deps.sh)" >&2; exit 1; }
	printf '%s\n' $best | sort -V | tail -n 1
done
