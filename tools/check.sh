#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: install what is missing, build vinectl and vine.ko for each
# kernel, boot each kernel in QEMU, run the selftests there, and sum up.
# The kernels: Debian's newest 6.1 and 6.12 (tools/kernels.sh), then the
# debug kernel (tools/debug-kernel.sh: KASAN, kmemleak, lockdep, UBSAN),
# built first if the cache does not hold it. Everything takes three to
# five times as long on the debug kernel: the whole suite there takes
# about 90 minutes on two emulated CPUs. make check runs on it the scripts
# aimed at lifetimes and hostile input (DEBUG_TESTS); make check-debug
# runs the whole suite there and nowhere else.
#
#   KERNELS="6.1.0-56-amd64"  only these kernels; "debug" is the debug one
#   CHECK_DEBUG_ALL=1         the whole suite on the debug kernel too
#                             (make check-debug: KERNELS=debug and this)
#   TESTS="module_load.sh"    only these tests (on every kernel)
#   CHECK_ENV="VAR=VALUE..."  environment of the tests in the guest
#   CHECK_TIMEOUT=3600        seconds each guest may run (the whole suite;
#                             twice that for the debug kernel's whole suite)
#   CHECK_OUT=build/check     where the logs go, a directory per kernel
#
# Prints KTAP, then "N passed, N failed, N skipped"; exits 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

case " ${KERNELS:-debug} " in
*" debug "*) tools/deps.sh debug || exit 1 ;;
*) tools/deps.sh || exit 1 ;;
esac
DEBUG_TESTS="unit.sh module_load.sh fuzz.sh churn_tcp.sh forged_packets.sh
	tcp.sh limited.sh events.sh unload_live_netns.sh encryption.sh"

list=$(tools/kernels.sh) || exit 1
[ -n "${KERNELS:-}" ] || list+=$'\ndebug'
mapfile -t kernels <<<"$list"
make -s vinectl || exit 1

# The debug kernel builds at the lowest priority while the guests of the
# other kernels run, in the time their vCPUs leave idle (the first build
# takes about 10 minutes of both CPUs), in a process group of its own so
# that an interrupted check stops the whole build.
kbuild=build/check/debug-kernel
dkpid=""
case " ${kernels[*]} " in
*" debug "*)
	mkdir -p build/check
	setsid nice -n 19 tools/debug-kernel.sh > "$kbuild.dir" 2> "$kbuild.log" &
	dkpid=$!
	;;
esac
trap '[ -z "$dkpid" ] || kill -- "-$dkpid" 2>/dev/null' EXIT

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
	vmopts=(--kernel "$k") makeopts=() env=() timeout=${CHECK_TIMEOUT:-3600}
	tests=${TESTS:-}
	if [ "$k" = debug ]; then
		# Everything is slower under KASAN, lockdep and kmemleak.
		wait "$dkpid"
		rc=$?
		dkpid=""
		cp "$kbuild.log" "$out/build.log"
		kdir=$(cat "$kbuild.dir")
		if [ "$rc" -ne 0 ] || [ -z "$kdir" ]; then
			sed 's/^/# /' "$out/build.log"
			echo "not ok $i $k # the debug kernel did not build"
			fail=$((fail + 1))
			continue
		fi
		sed 's/^/# /' "$out/build.log"
		k=$(cat "$kdir/kernelrelease")
		vmopts=(--kernel-dir "$kdir" --mem 3072)
		makeopts=(VINE_KDIR="$kdir/build")
		env=(VINE_TEST_TIMEOUT=1800)
		if [ "${CHECK_DEBUG_ALL:-0}" = 1 ]; then
			timeout=$((2 * timeout))
		elif [ -z "$tests" ]; then
			tests=$DEBUG_TESTS
		fi
	fi
	# With the in-module selftests (selftests/unit.sh runs them); the
	# other tests load the same module without selftest=1.
	if ! make -s VINE_SELFTEST=y "${makeopts[@]}" "build/$k/kmod/vine.ko" >> "$out/build.log" 2>&1; then
		sed 's/^/# /' "$out/build.log"
		echo "not ok $i $k # build failed"
		fail=$((fail + 1))
		continue
	fi
	# shellcheck disable=SC2086
	tools/vm/run "${vmopts[@]}" --out "$out" \
		--timeout "$timeout" -- env "${env[@]}" ${CHECK_ENV:-} \
		selftests/run.sh --module "build/$k/kmod/vine.ko" $tests |
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
