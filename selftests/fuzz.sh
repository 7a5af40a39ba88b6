#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzzing (selftests/vine_fuzz.py), bounded for CI; `make fuzz` runs it
# longer.
#
# Netlink: messages for every command of the family, valid ones with
# their answers predicted, mutated and random ones, in a namespace "nl":
# as root (after every message the generation, the events and the table
# sizes must agree with what was accepted, the dumps with the counts),
# as nobody and as root of a user namespace in the same network namespace
# (everything refused, nothing changed), and as nobody in a user namespace
# with a network namespace of its own (where it may do everything).
#
# Wire: in the Figure 3-10 topology, a namespace vrX on the WAN (10.0.0.9,
# a peer vrB holds a key for, and 10.0.0.8, unknown) sends vrB mutated
# ViNe packets of every type over UDP and as TCP byte streams, valid MACs
# over mutated content from 10.0.0.9, while vrB goes through every MAC
# mode. What vrB sends back must be well formed and authentic, every
# datagram counted once; afterwards the VNs still pass traffic, the
# counters agree and nothing leaked.
#
#   VINE_FUZZ_SECS=40    seconds of each fuzzer (netlink, wire): with the
#                        topology and the checks, about 3 minutes in all
#   VINE_FUZZ_COUNT=N    or N cases of each, whatever the time
#   VINE_FUZZ_SEED=2247  the seed (printed; the same seed and count send
#                        the same messages)
#   VINE_FUZZ_TRACE=1    print each case before it is sent (the last one
#                        printed before a crash is the culprit)

source "$(dirname "$0")/lib.sh"

SECS=${VINE_FUZZ_SECS:-40}
COUNT=${VINE_FUZZ_COUNT:-0}
SEED=${VINE_FUZZ_SEED:-2247}
FUZZ=$SELFTESTS_DIR/vine_fuzz.py
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

ktap_plan 18
echo "# seed $SEED; each fuzzer $([ "$COUNT" -gt 0 ] && echo "$COUNT cases" ||
	echo "$SECS s")"

# bound PERCENT: the options giving a phase that share of the budget.
bound() {
	local b="--seed $SEED"
	if [ "$COUNT" -gt 0 ]; then
		b+=" --count $(( (COUNT * $1 + 99) / 100 ))"
	else
		b+=" --secs $(awk -v s="$SECS" -v p="$1" 'BEGIN { print s * p / 100 }')"
	fi
	[ -n "${VINE_FUZZ_TRACE:-}" ] && b+=" --trace"
	echo "$b"
}

# fuzz DESC NAME CMD...: run a fuzzer; ok when it found nothing. Its
# findings become diagnostics, its summary goes to $VINE_TMP/NAME.json.
# With VINE_FUZZ_TRACE, each case is printed live, before it is sent.
fuzz() {
	local desc=$1 name=$2 out=$VINE_TMP/$2.out rc t=$SECONDS
	shift 2
	if [ -n "${VINE_FUZZ_TRACE:-}" ]; then
		"$@" 2>&1 | tee "$out" | grep --line-buffered '^trace '
		rc=${PIPESTATUS[0]}
	else
		"$@" >"$out" 2>&1
		rc=$?
	fi
	t=$((SECONDS - t))
	grep -v '^{' "$out" | grep -v '^trace ' | head -n 30 >"$out.diag"
	grep '^{' "$out" | tail -n 1 >"$VINE_TMP/$name.json"
	if [ "$rc" -eq 0 ] && [ -s "$VINE_TMP/$name.json" ]; then
		ktap_ok "$desc"
	else
		ktap_not_ok "$desc" "exit $rc: $*"
		sed 's/^/# /' "$out.diag"
	fi
	if [ -s "$VINE_TMP/$name.json" ]; then
		$VINE_PY "$FUZZ" report "$VINE_TMP/$name.json" | sed 's/^/# /'
		sed 's/^/# json: /' "$VINE_TMP/$name.json"  # for make fuzz
	fi
	echo "#   ($t s with the start of python)"
}

# vinectl_agrees NS: vinectl's status, VN list and route list tell the
# same sizes.
vinectl_agrees() {
	local d=$VINE_TMP/vc.$1
	ip netns exec "$1" vinectl -j status >"$d.status" &&
	ip netns exec "$1" vinectl -j vn list >"$d.vns" &&
	ip netns exec "$1" vinectl -j route list >"$d.routes" || return 1
	$VINE_PY "$FUZZ" agree "$d.status" "$d.vns" "$d.routes"
}

SECONDS=0
check "insmod vine.ko" vine_load
check_sh "netlink namespace nl" ns_add nl

# ---- netlink -----------------------------------------------------------------
fuzz "netlink as root: answers, generation, events and tables agree" nl_root \
	ip netns exec nl $VINE_PY "$FUZZ" netlink --mode root $(bound 50)
check "nl: vinectl status, vn list and route list agree" vinectl_agrees nl

gen0=$(vgen nl)
fuzz "netlink as nobody: every request refused" nl_nobody \
	ip netns exec nl "${NOBODY[@]}" $VINE_PY "$FUZZ" netlink \
	--mode unpriv $(bound 10)
if ip netns exec nl "${NOBODY[@]}" unshare -Ur true 2>/dev/null; then
	fuzz "netlink as root of a user namespace, same netns: refused" \
		nl_userns ip netns exec nl "${NOBODY[@]}" unshare -Ur \
		$VINE_PY "$FUZZ" netlink --mode unpriv $(bound 10)
else
	ktap_ok "netlink as root of a user namespace # SKIP no user namespaces"
fi
check_eq "nl: the unprivileged senders changed nothing" \
	"generation $(vgen nl)" "generation $gen0"

if "${NOBODY[@]}" unshare -Urn true 2>/dev/null; then
	fuzz "netlink as nobody in its own user and network namespace" \
		nl_ownns "${NOBODY[@]}" unshare -Urn sh -c \
		'ip link set lo up && exec "$@"' sh $VINE_PY "$FUZZ" netlink \
		--mode root $(bound 30)
else
	ktap_ok "netlink in its own user namespace # SKIP no user namespaces"
fi
check_eq "nl: the user namespace changed nothing here" \
	"generation $(vgen nl)" "generation $gen0"

# ---- the wire ----------------------------------------------------------------
check_sh "Figure 3-10 topology, MAC hmac-sha256" vine_topology_up hmac-sha256
check_sh "fuzzer vrX on the WAN: 10.0.0.9 (keyed), 10.0.0.8 (unkeyed)" \
	vine_wan_ns vrX 10.0.0.9/24 10.0.0.8/24

# vrB: a key and routes for 10.0.0.9 in VN1 (UDP, TCP, type queue naming
# a VR behind it, disabled), an empty VN 3 and a VN 4 with a host.
setup_wire() {
	vinectl genkey >"$VINE_TMP/key.X" &&
	ip netns exec vrB sh -exc "
		vinectl key set 10.0.0.9 $VINE_TMP/key.X
		vinectl route add 1 172.16.9.0/24 via 10.0.0.9
		vinectl route add 1 172.16.6.0/24 via 10.0.0.9 proto tcp
		vinectl route add 1 172.16.8.0/24 via 10.0.0.9 type queue vr 10.0.0.7
		vinectl route add 1 172.16.7.0/24 via 10.0.0.9 type disabled
		vinectl vn create 3 name empty
		vinectl vn create 4 name vn4
		vinectl vn join 4 172.16.2.11
		vinectl route add 4 172.16.9.0/24 via 10.0.0.7"
}
check_sh "vrB: key and routes for 10.0.0.9, VNs 3 and 4" setup_wire
echo "# topology ready at $SECONDS s"

fuzz "wire: vrB's answers well formed, every datagram counted" wire \
	ip netns exec vrX $VINE_PY "$FUZZ" wire --target vrB --self vrX \
	--to 10.0.0.2 --keyed 10.0.0.9 --unkeyed 10.0.0.8 \
	--key-file "$VINE_TMP/key.X" $(bound 100)

statuses() {
	local x
	for x in A B C; do
		ip netns exec "vr$x" vinectl -j status >/dev/null || return 1
	done
}
check "vrA, vrB, vrC: vinectl status answers" statuses
check_eq "VN1 a1 -> b1 and VN2 a2 -> c1 still pass" \
	"$(vping a1 172.16.2.10 3) $(vping a2 172.16.3.10 3)" "3 3"
check "vrA, vrB, vrC: counters agree (drops by reason, VNs, peers)" \
	$VINE_PY "$FUZZ" sane vrA vrB vrC
check_sh "namespaces deleted: every peer and connection freed" vine_all_freed
check "rmmod vine" vine_unload

echo "# fuzz.sh: $SECONDS s"
ktap_finished
