#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the main job. Boots a Debian kernel in QEMU (no network to
# the outside: every packet stays in the guest's namespaces), loads the
# freshly built vine.ko and runs the demo there (tools/demo-guest.sh).
#
#   KERNELS="6.12.117+deb12-amd64" make demo   choose the kernel
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
make -s vinectl
mapfile -t kernels < <(tools/kernels.sh)
k=${kernels[0]}
make -s "build/$k/kmod/vine.ko"
exec tools/vm/run --kernel "$k" --out "build/demo/$k" -- \
	tools/demo-guest.sh "build/$k/kmod/vine.ko"
