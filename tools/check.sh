#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build vinectl and vine.ko for each
# kernel, boot each kernel in QEMU, run the selftests there, and sum up.
#
#   KERNELS="6.1.0-56-amd64"  only these kernels
#   TESTS="module_load.sh"    only these tests
#   CHECK_ENV="VAR=VALUE..."  environment of the tests in the guest
#   CHECK_TIMEOUT=3600        seconds each guest may run (the whole suite)
#   CHECK_OUT=build/check     where the logs go, a directory per kernel
#
# Prints KTAP, then "N passed, N failed, N skipped"; exits 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh || exit 1
make -s vinectl || exit 1
mapfile -t kernels < <(tools/kernels.sh) || exit 1

pass=0 fail=0 skip=0
echo "KTAP version 1"
echo "1..${#kernels[@]}"
i=0
for k in "${kernels[@]}"; do
	i=$((i + 1))
	out=${CHECK_OUT:-build/check}/$k
	rm -rf "$out"
	mkdir -p "$out"
	echo "# kernel $k"
	# With the in-module selftests (selftests/unit.sh runs them); the
	# other tests load the same module without selftest=1.
	if ! make -s VINE_SELFTEST=y "build/$k/kmod/vine.ko" > "$out/build.log" 2>&1; then
		sed 's/^/# /' "$out/build.log"
		echo "not ok $i $k # build failed"
		fail=$((fail + 1))
		continue
	fi
	# shellcheck disable=SC2086
	tools/vm/run --kernel "$k" --out "$out" \
		--timeout "${CHECK_TIMEOUT:-3600}" -- env ${CHECK_ENV:-} \
		selftests/run.sh --module "build/$k/kmod/vine.ko" ${TESTS:-} |
		tee "$out/ktap" | sed -u 's/^/  /'
	rc=${PIPESTATUS[0]}

	# Top-level lines of the guest's KTAP are the test scripts.
	p=$(grep -Ec '^ok [0-9]+ ' "$out/ktap" | tr -d '\n')
	s=$(grep -Ec '^ok [0-9]+ .*# SKIP' "$out/ktap" | tr -d '\n')
	f=$(grep -Ec '^not ok [0-9]+ ' "$out/ktap" | tr -d '\n')
	planned=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$out/ktap" | head -n 1)
	missing=$(( ${planned:-1} - p - f ))
	[ "$missing" -gt 0 ] || missing=0
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && [ "$missing" -eq 0 ]; then
		missing=1	# the VM failed after the last test (splat, crash)
	fi
	pass=$((pass + p - s))
	skip=$((skip + s))
	fail=$((fail + f + missing))
	if [ "$rc" -eq 0 ]; then
		echo "ok $i $k"
	else
		[ "$missing" -gt 0 ] && echo "# $missing test(s) did not report: the VM exited $rc (see $out/console.log)"
		echo "not ok $i $k # exit=$rc"
	fi
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
