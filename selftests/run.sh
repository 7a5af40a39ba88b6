#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the ViNe selftests (inside a guest) and print KTAP.
#
#   selftests/run.sh --module PATH/vine.ko [TEST...]
#
# Each test script runs alone, with a timeout, the module unloaded before
# and after. The last test checks the kernel log for splats.

set -u
dir=$(cd "$(dirname "$0")" && pwd)
timeout=${VINE_TEST_TIMEOUT:-600}

while [ $# -gt 0 ]; do
	case $1 in
	--module) export VINE_KO=$(realpath "$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) break ;;
	esac
done

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for t in "$dir"/*.sh; do
		case ${t##*/} in lib.sh | run.sh) continue ;; esac
		tests+=("${t##*/}")
	done
fi

# The same patterns as the VM runner's check of the whole console.
source "$dir/../tools/vm/splat.sh"

# On a kernel with kmemleak (the debug kernel), a scan after every script:
# what it finds fails that script. Objects younger than 5 s are not yet
# reported, so a leak made at the very end of a script shows at the next
# script's scan, or at the last one (kmemleak_clean).
kmemleak=/sys/kernel/debug/kmemleak
[ -w "$kmemleak" ] || kmemleak=""
leaks() {
	local found
	echo scan > "$kmemleak"
	found=$(cat "$kmemleak")
	echo clear > "$kmemleak"
	[ -z "$found" ] && return 0
	echo "$found" | head -n 80 | sed 's/^/# /'
	return 1
}
# What booting and mounting left is not the tests' doing.
[ -z "$kmemleak" ] || { echo scan > "$kmemleak"; echo clear > "$kmemleak"; }

echo "KTAP version 1"
echo "1..$((${#tests[@]} + 1 + (${#kmemleak} > 0)))"
n=0
failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=${t%.sh}
	echo "# selftests: vine: $name"
	[ -d /sys/module/vine ] && rmmod vine
	start=$SECONDS
	timeout -k 10 "$timeout" bash "$dir/$t" 2>&1 | sed -u 's/^/  /'
	rc=${PIPESTATUS[0]}
	echo "# $name took $((SECONDS - start)) s"
	[ -d /sys/module/vine ] && rmmod vine
	if [ -n "$kmemleak" ] && ! leaks; then
		echo "not ok $n $name # kmemleak found unreferenced objects"
		failed=1
		continue
	fi
	case $rc in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP" ;;
	124) echo "not ok $n $name # TIMEOUT after $timeout s"; failed=1 ;;
	*) echo "not ok $n $name # exit=$rc"; failed=1 ;;
	esac
done

if [ -n "$kmemleak" ]; then
	n=$((n + 1))
	sleep 6	# kmemleak's minimum age: the last script's objects
	if leaks; then
		echo "ok $n kmemleak_clean"
	else
		echo "not ok $n kmemleak_clean"
		failed=1
	fi
fi

n=$((n + 1))
if dmesg | grep -E "$SPLAT_RE" > /tmp/splat.txt; then
	echo "not ok $n kernel_log_clean"
	sed 's/^/# /' /tmp/splat.txt
	failed=1
else
	echo "ok $n kernel_log_clean"
fi
exit $failed
