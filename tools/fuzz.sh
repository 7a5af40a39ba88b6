#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: selftests/fuzz.sh (the netlink and wire fuzzers of
# selftests/vine_fuzz.py) for longer than `make check` runs it, in a QEMU
# guest per kernel, then the totals.
#
#   FUZZ_SECS=600    seconds of each fuzzer (default 600)
#   FUZZ_COUNT=N     or N cases of each fuzzer, whatever the time
#   FUZZ_SEED=N      the seed (default: a random one, printed); the same
#                    seed and FUZZ_COUNT send the same messages
#   FUZZ_TRACE=1     print each case before it is sent
#   KERNELS="..."    only these kernels (default: tools/kernels.sh)
#
# Logs in build/fuzz/KERNEL/ (output, console.log); exits non-zero on any
# finding, crash or splat, like `make check`.
set -uo pipefail
cd "$(dirname "$0")/.."

secs=${FUZZ_SECS:-600}
count=${FUZZ_COUNT:-0}
seed=${FUZZ_SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
[[ $secs =~ ^[0-9]+$ && $count =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] || {
	echo "fuzz: FUZZ_SECS, FUZZ_COUNT and FUZZ_SEED are numbers" >&2
	exit 2
}
# What fuzz.sh may take in the guest: both fuzzers, plus its topology and
# checks (about two minutes under emulation); count-bound runs are
# given a tenth of a second a case.
if [ "$count" -gt 0 ]; then
	tmo=$((600 + count / 5))
	echo "fuzz: $count cases of each fuzzer, seed $seed"
else
	tmo=$((600 + 2 * secs))
	echo "fuzz: $secs s of each fuzzer, seed $seed"
fi

start=$(date +%s)
CHECK_ENV="VINE_FUZZ_SECS=$secs VINE_FUZZ_COUNT=$count VINE_FUZZ_SEED=$seed"
CHECK_ENV+=" VINE_TEST_TIMEOUT=$tmo${FUZZ_TRACE:+ VINE_FUZZ_TRACE=1}"
CHECK_ENV=$CHECK_ENV CHECK_TIMEOUT=$((tmo + 300)) CHECK_OUT=build/fuzz \
	TESTS=fuzz.sh tools/check.sh
rc=$?

echo "fuzz: totals (seed $seed, $(( $(date +%s) - start )) s in all)"
for k in $(tools/kernels.sh); do
	[ -e "build/fuzz/$k/ktap" ] &&
		python3 selftests/vine_fuzz.py totals "build/fuzz/$k/ktap" |
		sed "s/^/  $k: /"
done
exit $rc
