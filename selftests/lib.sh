# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the ViNe selftests: KTAP output, exact-outcome checks,
# module loading and network namespaces that are always cleaned up.
#
# A test script sources this file, declares its plan with ktap_plan N,
# makes exactly N checks, and ends with ktap_finished.

set -u

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

VINE_KO=${VINE_KO:-}
SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SELFTESTS_DIR")
PATH=$REPO_DIR/vinectl:$PATH

ktap_count=0
ktap_failed=0
ktap_planned=0
ktap_namespaces=()

ktap_plan() {
	ktap_planned=$1
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_ok() {
	ktap_count=$((ktap_count + 1))
	echo "ok $ktap_count $1"
}

ktap_not_ok() {
	ktap_count=$((ktap_count + 1))
	ktap_failed=$((ktap_failed + 1))
	echo "not ok $ktap_count $1"
	shift
	local line
	for line in "$@"; do
		echo "# $line"
	done
}

ktap_skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $1"
	exit $KSFT_SKIP
}

ktap_finished() {
	if [ "$ktap_count" -ne "$ktap_planned" ]; then
		echo "# planned $ktap_planned checks, made $ktap_count"
		exit $KSFT_FAIL
	fi
	[ "$ktap_failed" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# check DESC CMD...: the command must succeed.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ktap_ok "$desc"
	else
		ktap_not_ok "$desc" "command failed ($?): $*" "$out"
	fi
}

# check_eq DESC GOT WANT: exact equality.
check_eq() {
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		ktap_not_ok "$1" "got:  $2" "want: $3"
	fi
}

# check_fails DESC STATUS MESSAGE CMD...: the command exits with STATUS
# and prints exactly MESSAGE on stderr (and nothing on stdout).
check_fails() {
	local desc=$1 want_rc=$2 want_msg=$3 out err rc
	shift 3
	err=$(mktemp)
	out=$("$@" 2>"$err")
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && [ "$(cat "$err")" = "$want_msg" ] &&
	   [ -z "$out" ]; then
		ktap_ok "$desc"
	else
		ktap_not_ok "$desc" "exit $rc (want $want_rc)" \
			"stderr: $(cat "$err")" "want:   $want_msg" "stdout: $out"
	fi
	rm -f "$err"
}

vine_loaded() {
	[ -d /sys/module/vine ]
}

# Load the module under test, after the modules it depends on (insmod
# does not resolve dependencies).
vine_load() {
	local deps
	[ -n "$VINE_KO" ] || { echo "# VINE_KO is not set" >&2; return 1; }
	deps=$(modinfo -F depends "$VINE_KO" | tr "," " ")
	[ -z "$deps" ] || modprobe -a $deps || return 1
	insmod "$VINE_KO"
}

vine_unload() {
	rmmod vine
}

# ns_add NAME...: namespaces removed by the exit trap.
ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || return 1
		ktap_namespaces+=("$ns")
		ip -n "$ns" link set lo up
	done
}

ns_cleanup() {
	local ns
	for ns in "${ktap_namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	ktap_namespaces=()
}

trap ns_cleanup EXIT
