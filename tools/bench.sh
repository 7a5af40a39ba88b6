#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: plain routing, VXLAN, WireGuard and ViNe side by side, in one
# QEMU guest per kernel (tools/bench-guest.sh), then the ratio table, a
# JSON file and a PNG chart in build/bench/KERNEL/. It reports; it never
# fails on a figure. See Documentation/bench.rst.
#
#   KERNELS="6.12.117+deb12-amd64"  only these kernels (default: both)
#   BENCH_SECONDS=5 BENCH_REPS=3    length of each run, repetitions
#   BENCH_SCALE=0                   skip the large tables
#   BENCH_CANDIDATES="vine vxlan"   only these candidates
#   BENCH_PROFILE=1                 perf profile of each (profile.txt)
set -euo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh
tools/deps.sh bench
make -s vinectl
mapfile -t kernels < <(tools/kernels.sh)
rc=0
for k in "${kernels[@]}"; do
	out=build/bench/$k
	rm -rf "$out"
	mkdir -p "$out"
	make -s "build/$k/kmod/vine.ko"
	make -s VINE_SELFTEST=y VINE_KDIR="/lib/modules/$k/build" \
		"build/selftest/$k/kmod/vine.ko"
	if ! tools/vm/run --kernel "$k" --mem 3072 --timeout 3600 --no-debug --out "$out" -- \
		env BENCH_CANDIDATES="${BENCH_CANDIDATES:-}" BENCH_PROFILE="${BENCH_PROFILE:-0}" \
		VINE_KO_SELFTEST="build/selftest/$k/kmod/vine.ko" \
		tools/bench-guest.sh "build/$k/kmod/vine.ko" "${BENCH_SECONDS:-5}" \
		"${BENCH_REPS:-3}" "${BENCH_SCALE:-1}" >/dev/null; then
		echo "bench: the guest run on $k failed (see $out/output, $out/console.log)" >&2
		rc=1
	fi
	python3 tools/bench.py report "$out/output" "$out" || rc=1
	if grep -q '^PROFILE ' "$out/output"; then
		grep '^PROFILE ' "$out/output" >"$out/profile.txt"
		echo "bench: $out/profile.txt"
	fi
	if [ "$(wc -l <"$out/chart.dat" 2>/dev/null || echo 0)" -gt 1 ]; then
		gnuplot -e "dat='$out/chart.dat'; png='$out/chart.png'; kernel='$k'" \
			tools/bench.gp && echo "bench: $out/chart.png"
	fi
done
exit $rc
