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

# vine_load [PARAM=VALUE...]: load the module under test, after the
# modules it depends on (insmod does not resolve dependencies).
vine_load() {
	local deps
	[ -n "$VINE_KO" ] || { echo "# VINE_KO is not set" >&2; return 1; }
	deps=$(modinfo -F depends "$VINE_KO" | tr ',' ' ')
	[ -z "$deps" ] || modprobe -a $deps || return 1
	insmod "$VINE_KO" "$@"
}

vine_unload() {
	rmmod vine
}

# vine_slab_live CACHE: how many objects of the module's cache CACHE
# (vine_peer, vine_conn) are allocated now, from the allocations the
# guest's slub_debug records (tools/vm/run). KASAN holds freed objects
# in its quarantine, where they still count as allocated: shrinking the
# cache empties its part of the quarantine first.
vine_slab_live() {
	local f=/sys/kernel/debug/slab/$1/alloc_traces
	[ -e "$f" ] || mountpoint -q /sys/kernel/debug ||
		mount -t debugfs none /sys/kernel/debug
	[ -r "$f" ] || { echo "no $f (slub_debug=U,$1?)" >&2; return 1; }
	[ ! -w "/sys/kernel/slab/$1/shrink" ] ||
		echo 1 >"/sys/kernel/slab/$1/shrink"
	awk '$1 ~ /^[0-9]+$/ && $2 ~ /\+0x/ { n += $1 } END { print n + 0 }' "$f"
}

# vine_slab_settles CACHE N: within 5 s, exactly N objects of CACHE
# are allocated (objects are freed after an RCU grace period).
vine_slab_settles() {
	local i n
	for i in $(seq 50); do
		n=$(vine_slab_live "$1") || return 1
		[ "$n" = "$2" ] && return 0
		sleep 0.1
	done
	echo "# $1: $n objects allocated, want $2" >&2
	cat "/sys/kernel/debug/slab/$1/alloc_traces" >&2
	return 1
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

# ---------------------------------------------------------------------------
# ViNe routers: a multi-site topology, counters, traffic. Scripts that use
# these run as root in a guest; see selftests/config for kernel options.
# ---------------------------------------------------------------------------

VINE_PY=${VINE_PY:-python3}
# The limited-VR parameters in `vinectl -j vr show`, at their defaults.
VINE_LIM0='"encrypt":false,"limited":false,"queue_vrs":[],"poll":"udp","poll_interval_ms":1000,"keepalive_ms":0,"queue_size":1024,"queue_bytes":4194304'
VINE_PKT=$SELFTESTS_DIR/vine_pkt.py
VINE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vine-selftest.XXXXXX")

# vine_end_namespaces: end the processes a test left in its namespaces
# (deleting a namespace's name does not), then remove the namespaces.
vine_end_namespaces() {
	local ns pid
	for ns in "${ktap_namespaces[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
	done
	ns_cleanup
}

# At exit: the namespaces, then the temp files.
vine_cleanup() {
	vine_end_namespaces
	rm -rf "$VINE_TMP"
}

trap vine_cleanup EXIT

# vine_all_freed: end the test's namespaces now; then every peer and every
# TCP connection the module had must be freed (counted by slub_debug).
# The temp files stay until the exit, with what check_sh tells of a leak.
vine_all_freed() {
	vine_end_namespaces
	vine_slab_settles vine_peer 0 && vine_slab_settles vine_conn 0
}

# check_sh DESC CMD...: like check, but CMD runs in this shell (not in a
# subshell), so that it can add namespaces and set variables.
check_sh() {
	local desc=$1 out rc line
	shift
	out=$VINE_TMP/check_sh.out
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ktap_ok "$desc"
	else
		ktap_not_ok "$desc" "command failed ($rc): $*"
		while IFS= read -r line; do echo "# $line"; done <"$out"
	fi
}

# check_fails_re DESC STATUS REGEX CMD...: the command exits with STATUS,
# prints nothing on stdout and its stderr matches the extended REGEX.
check_fails_re() {
	local desc=$1 want_rc=$2 re=$3 out err rc
	shift 3
	err=$VINE_TMP/check_fails_re.err
	out=$("$@" 2>"$err")
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && grep -Eq -- "$re" "$err" &&
	   [ -z "$out" ]; then
		ktap_ok "$desc"
	else
		ktap_not_ok "$desc" "exit $rc (want $want_rc)" \
			"stderr: $(tr '\n' '|' <"$err")" "want:   /$re/" \
			"stdout: $out"
	fi
}

# check_range DESC VALUE MIN MAX: MIN <= VALUE <= MAX (integers).
check_range() {
	if [[ $2 =~ ^-?[0-9]+$ ]] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		ktap_ok "$1"
	else
		ktap_not_ok "$1" "got:  $2" "want: $3 to $4"
	fi
}

# vine_wait_file FILE [SECONDS]: wait until FILE exists.
vine_wait_file() {
	local i
	for i in $(seq $((${2:-10} * 10))); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "# timeout waiting for $1" >&2
	return 1
}

# vine_wait_listen NS PORT [tcp|udp]: wait until something listens there.
vine_wait_listen() {
	local i opt=-Hltn
	[ "${3:-tcp}" = udp ] && opt=-Hlun
	for i in $(seq 50); do
		[ -n "$(ip netns exec "$1" ss $opt "sport = :$2")" ] && return 0
		sleep 0.2
	done
	echo "# nothing listens on $1 port $2" >&2
	return 1
}

# vping NS DST COUNT [PING-OPTIONS...]: ping from NS (busybox ping: the
# guest has no iputils), 0.2 s apart, 1 s for late replies; prints the
# number of replies.
# The drops a TCP load may see in the pipes: their CoDel doing its job
# (admin-guide, "Using every CPU"); checks of "no other drop" leave them out.
VINE_CODEL_DROPS='drops.[rt]x_codel'

# vine_poll TRIES PAUSE CMD...: run CMD until it succeeds, at most TRIES
# times, PAUSE seconds apart: a bounded wait for an event.
vine_poll() {
	local n=$1 pause=$2 _
	shift 2
	for _ in $(seq "$n"); do
		"$@" && return 0
		sleep "$pause"
	done
	return 1
}

vping() {
	local ns=$1 dst=$2 count=$3
	shift 3
	ip netns exec "$ns" busybox ping -q -c "$count" -i 0.2 -W 1 "$@" "$dst" \
		2>&1 | sed -n 's/.* \([0-9]*\) packets received.*/\1/p'
}

# vstat NS PATH: one value of `vinectl -j stats` in NS, e.g.
#   vstat vrA drops.no_route
#   vstat vrB 'peers[10.0.0.1].rx_packets'     (list entries by their id)
#   vstat vrA 'vns[1].tx_bytes'
vstat() {
	ip netns exec "$1" vinectl -j stats | $VINE_PY "$VINE_PKT" get "$2"
}

# vgen NS: the VR's configuration generation.
vgen() {
	ip netns exec "$1" vinectl -j status 2>/dev/null |
		sed -n 's/.*"generation":\([0-9]*\).*/\1/p'
}

# vsnap TAG NAME...: snapshot counters, flattened to "path value" lines in
# $VINE_TMP/snap/TAG/NAME: `vinectl -j stats` of VR namespace NAME, or
# /proc/net/snmp (Ip.InReceives, Icmp.InEchos, Udp.InDatagrams...) of host
# namespace NAME given as host:NAME.
vsnap() {
	local d=$VINE_TMP/snap/$1
	shift
	rm -rf "$d"
	mkdir -p "$d"
	$VINE_PY "$VINE_PKT" snap "$d" "$@"
}

# vsnap_get TAG NAME PATH: one value of a snapshot.
vsnap_get() {
	awk -v k="$3" '$1 == k { print $2 }' "$VINE_TMP/snap/$1/$2"
}

# vsnap_delta TAG1 TAG2 NAME PATH: how much one counter grew ("?..." when
# it is missing from a snapshot).
vsnap_delta() {
	local a b
	a=$(vsnap_get "$1" "$3" "$4")
	b=$(vsnap_get "$2" "$3" "$4")
	if [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]]; then
		echo $((b - a))
	else
		echo "?($3 $4: '$a' -> '$b')"
	fi
}

# vdiff TAG1 TAG2 NAME [MODE [EXCLUDE]]: what changed in NAME's counters
# between two snapshots, as sorted "path +delta" words joined by ", " (""
# when nothing changed). MODE "" (default): every counter except the
# per-peer and per-VN "drops" (how a drop is attributed to a peer or a VN
# is not asserted there); top: only VR-wide counters; drops: only the
# VR-wide drops by reason; all: everything. EXCLUDE: an awk regex of paths
# to leave out.
vdiff() {
	LC_ALL=C awk -v mode="${4:-}" -v excl="${5:-}" -f "$SELFTESTS_DIR/vdiff.awk" \
		"$VINE_TMP/snap/$1/$3" "$VINE_TMP/snap/$2/$3"
}

# vdiffs TAG1 TAG2 MODE EXCLUDE NAME...: "NAME: vdiff | NAME: vdiff ..." in
# one process.
vdiffs() {
	local t1=$1 t2=$2 mode=$3 excl=$4 n files=()
	shift 4
	for n in "$@"; do
		files+=("$VINE_TMP/snap/$t1/$n" "$VINE_TMP/snap/$t2/$n")
	done
	LC_ALL=C awk -v mode="$mode" -v excl="$excl" -v names="$*" \
		-f "$SELFTESTS_DIR/vdiff.awk" "${files[@]}"
}

# vexpect WORD...: the same words, sorted and joined as vdiff prints them.
vexpect() {
	printf '%s\n' "$@" | LC_ALL=C sort | paste -sd ',' | sed 's/,/, /g'
}

# vtraffic PACKETS BYTES PREFIX...: vexpect words for PACKETS packets of
# BYTES inner bytes sent and as many received, on each counter PREFIX
# ("" for the VR, "peers[10.0.0.2]." for a peer, "vns[1]." for a VN).
# vrx: the same, received only; vtx: sent only.
vtraffic() { _vcount "tx rx" "$@"; }
vrx() { _vcount rx "$@"; }
vtx() { _vcount tx "$@"; }

_vcount() {
	local dirs=$1 p=$2 b=$3 pre d words=()
	shift 3
	for pre in "$@"; do
		for d in $dirs; do
			words+=("${pre}${d}_packets +$p" "${pre}${d}_bytes +$b")
		done
	done
	vexpect "${words[@]}"
}

# vine_tcp_xfer SRC DST DST-ADDR BYTES: send exactly BYTES from SRC to DST,
# both ends starting without a path MTU learnt; "ok" when both sides count
# BYTES bytes with the same SHA-256, else what they said.
vine_tcp_xfer() {
	local sent got ns
	for ns in "$1" "$2"; do
		ip netns exec "$ns" sh -c 'echo -1 > /proc/sys/net/ipv4/route/flush'
	done
	rm -f "$VINE_TMP/tcp.ready"
	ip netns exec "$2" timeout 120 $VINE_PY "$VINE_PKT" tcp-sink --port 6000 \
		--ready "$VINE_TMP/tcp.ready" >"$VINE_TMP/tcp.sink" 2>&1 &
	local pid=$!
	vine_wait_file "$VINE_TMP/tcp.ready"
	sent=$(ip netns exec "$1" timeout 120 $VINE_PY "$VINE_PKT" tcp-source --to "$3" \
		--port 6000 --bytes "$4" 2>&1)
	wait $pid
	got=$(cat "$VINE_TMP/tcp.sink")
	if [[ $sent == "$got" && $sent =~ ^$4\ [0-9a-f]{64}$ ]]; then
		echo ok
	else
		echo "sent: $sent | received: $got"
	fi
}

VINE_SITES="-ABC"	# site letter by number: ${VINE_SITES:2:1} is B
_vt_failed=0
_vt() {
	"$@" && return 0
	echo "topology: failed ($?): $*" >&2
	_vt_failed=1
	return 1
}

# The dissertation's Figure 3-10: three sites A, B, C, each a VR with a LAN
# switch, joined by a WAN switch that stands for the Internet.
#
#   a1 172.16.1.10 VN1 -+                         +- vrB 10.0.0.2 -- swB -- b1 172.16.2.10 VN1
#   a2 172.16.1.20 VN2 -+- swA -- vrA 10.0.0.1 --wan
#   a3 172.16.1.30 --  -+     172.16.1.1          +- vrC 10.0.0.3 -- swC -- c1 172.16.3.10 VN2
#                                                 (wan: br0 10.0.0.254)
#
# Namespaces: wan (bridge br0, ports vrA vrB vrC, address 10.0.0.254/24),
# swA swB swC (bridge br0, ports vr and one per host), vrA vrB vrC (wan0
# 10.0.0.N/24 with a default route to 10.0.0.254; lan0 172.16.N.1/24 and
# 192.168.N.1/24; ip_forward on), hosts a1 a2 a3 b1 c1 (eth0 172.16.N.X/24
# and 192.168.N.X/24; route 172.16.0.0/12 via 172.16.N.1 and 192.168.0.0/16
# via 192.168.N.1: nothing ViNe). The 192.168 networks are plain routed
# between the sites through the VRs (non-ViNe traffic).
#
# ViNe: VR ids = WAN addresses, port 2247, space 172.16.0.0/12, MAC mode
# $1 (default hmac-sha256). VN1 = a1 + b1, VN2 = a2 + c1; a3 is in no VN.
#   vrA: VN1 172.16.2.0/24 via 10.0.0.2; VN2 172.16.3.0/24 via 10.0.0.3
#   vrB: VN1 172.16.1.0/24 via 10.0.0.1
#   vrC: VN2 172.16.1.0/24 via 10.0.0.1
# One key per VR pair from `vinectl genkey`, in $VINE_TMP/key.AB, key.AC
# (and key.BC, set on B and C though they share no VN).
VINE_HOSTS="a1:1:10:1 a2:1:20:2 a3:1:30:0 b1:2:10:1 c1:3:10:2"

# Each process costs a lot under emulation: links are made in one `ip -b`,
# each namespace is configured by one `ip -n NS -b` and each VR by one shell.
vine_topology_up() {
	local mac=${1:-hmac-sha256} b=$VINE_TMP/topo n m x h ns dom oct vn pair
	_vt_failed=0
	ns_add wan swA swB swC vrA vrB vrC a1 a2 a3 b1 c1 || return 1
	mkdir -p "$b"

	echo "link add name br0 netns wan type bridge" >"$b/init"
	echo "addr add 10.0.0.254/24 dev br0" >"$b/wan"
	echo "link set br0 up" >>"$b/wan"
	for n in 1 2 3; do
		x=${VINE_SITES:n:1}
		cat >>"$b/init" <<-EOB
		link add name br0 netns sw$x type bridge
		link add name wan0 netns vr$x type veth peer name vr$x netns wan
		link add name lan0 netns vr$x type veth peer name vr netns sw$x
		EOB
		cat >>"$b/wan" <<-EOB
		link set vr$x master br0
		link set vr$x up
		EOB
		cat >"$b/sw$x" <<-EOB
		link set br0 up
		link set vr master br0
		link set vr up
		EOB
		cat >"$b/vr$x" <<-EOB
		addr add 10.0.0.$n/24 dev wan0
		link set wan0 up
		route add default via 10.0.0.254
		addr add 172.16.$n.1/24 dev lan0
		addr add 192.168.$n.1/24 dev lan0
		link set lan0 up
		EOB
		for m in 1 2 3; do
			[ "$m" = "$n" ] && continue
			echo "route add 192.168.$m.0/24 via 10.0.0.$m" >>"$b/vr$x"
		done
	done
	for h in $VINE_HOSTS; do
		IFS=: read -r ns dom oct vn <<<"$h"
		x=${VINE_SITES:dom:1}
		echo "link add name eth0 netns $ns type veth peer name $ns netns sw$x" \
			>>"$b/init"
		cat >>"$b/sw$x" <<-EOB
		link set $ns master br0
		link set $ns up
		EOB
		cat >"$b/$ns" <<-EOB
		addr add 172.16.$dom.$oct/24 dev eth0
		addr add 192.168.$dom.$oct/24 dev eth0
		link set eth0 up
		route add 172.16.0.0/12 via 172.16.$dom.1
		route add 192.168.0.0/16 via 192.168.$dom.1
		EOB
	done
	_vt ip -b "$b/init"
	for ns in wan swA swB swC vrA vrB vrC a1 a2 a3 b1 c1; do
		_vt ip -n "$ns" -b "$b/$ns"
	done

	for pair in AB AC BC; do
		_vt vinectl genkey >"$VINE_TMP/key.$pair"
	done
	cat >"$b/vrA.sh" <<-EOS
	vinectl vr set id 10.0.0.1 port 2247 space 172.16.0.0/12 mac $mac
	vinectl vn create 1 name vn1
	vinectl vn create 2 name vn2
	vinectl vn join 1 172.16.1.10
	vinectl vn join 2 172.16.1.20
	vinectl route add 1 172.16.2.0/24 via 10.0.0.2
	vinectl route add 2 172.16.3.0/24 via 10.0.0.3
	vinectl key set 10.0.0.2 $VINE_TMP/key.AB
	vinectl key set 10.0.0.3 $VINE_TMP/key.AC
	EOS
	cat >"$b/vrB.sh" <<-EOS
	vinectl vr set id 10.0.0.2 port 2247 space 172.16.0.0/12 mac $mac
	vinectl vn create 1 name vn1
	vinectl vn join 1 172.16.2.10
	vinectl route add 1 172.16.1.0/24 via 10.0.0.1
	vinectl key set 10.0.0.1 $VINE_TMP/key.AB
	vinectl key set 10.0.0.3 $VINE_TMP/key.BC
	EOS
	cat >"$b/vrC.sh" <<-EOS
	vinectl vr set id 10.0.0.3 port 2247 space 172.16.0.0/12 mac $mac
	vinectl vn create 2 name vn2
	vinectl vn join 2 172.16.3.10
	vinectl route add 2 172.16.1.0/24 via 10.0.0.1
	vinectl key set 10.0.0.1 $VINE_TMP/key.AC
	vinectl key set 10.0.0.2 $VINE_TMP/key.BC
	EOS
	for x in A B C; do
		# sh -e: stop at the first failure; -x: show which command it was.
		if ! ip netns exec "vr$x" sh -exc "
			echo 1 > /proc/sys/net/ipv4/ip_forward
			echo 0 > /proc/sys/net/ipv4/icmp_ratelimit
			. $b/vr$x.sh" >"$b/vr$x.log" 2>&1; then
			echo "topology: configuring vr$x failed:" >&2
			cat "$b/vr$x.log" >&2
			_vt_failed=1
		fi
	done
	return $_vt_failed
}

# vine_wan_counters_up: nftables counters on the WAN switch (bridge family,
# every frame entering it): space_src / space_dst for IPv4 packets from or
# to the ViNe space 172.16.0.0/12 (must stay 0: hosts' packets never go to
# the Internet as they are), vine for UDP to port 2247 (the encapsulation).
vine_wan_counters_up() {
	ip netns exec wan nft -f - <<-'NFT'
	table bridge vinewan {
		counter space_src { }
		counter space_dst { }
		counter vine { }
		chain pre {
			type filter hook prerouting priority 0; policy accept;
			ip saddr 172.16.0.0/12 counter name "space_src"
			ip daddr 172.16.0.0/12 counter name "space_dst"
			udp dport 2247 counter name "vine"
		}
	}
	NFT
}

# vine_wan_count NAME: packets counted by that WAN counter.
vine_wan_count() {
	ip netns exec wan nft list counter bridge vinewan "$1" |
		sed -n 's/.*packets \([0-9]*\) bytes.*/\1/p'
}

# vine_wan_ns NS ADDR/LEN...: one more namespace on the WAN switch (after
# vine_topology_up), e.g. a forger of ViNe packets; interface wan0.
vine_wan_ns() {
	local ns=$1 a
	shift
	ns_add "$ns" || return 1
	ip link add name wan0 netns "$ns" type veth peer name "$ns" netns wan &&
	ip -n wan link set "$ns" master br0 up || return 1
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev wan0 || return 1
	done
	ip -n "$ns" link set wan0 up
}

# The limited-VR topology of limited.sh and tcp.sh (L: vrL's address):
#
#   q1 - vrQ 10.0.0.1 ----+
#                          wan 10.0.0.0/24 (br0, the "Internet")
#   r1 - vrR 10.0.0.2 ----+
#                          |
#                       natL 10.0.0.3: masquerade, drops new inbound
#                          |   (counter "blocked"), conntrack UDP timeout 3 s
#   l1 - vrL $L (192.168.100.2)
#
# VN 1 spans the three sites; vrR reaches l1's site through vrQ (type
# queue); vrL routes straight to both. vrL is not limited yet.
L=192.168.100.2
vine_limited_up() {
	local b=$VINE_TMP/limited
	mkdir -p "$b"
	ns_add wan vrQ vrR vrL natL q1 r1 l1 || return 1
	cat >"$b/init" <<-EOB
	link add name br0 netns wan type bridge
	link add name wan0 netns vrQ type veth peer name pq netns wan
	link add name wan0 netns vrR type veth peer name pr netns wan
	link add name wan0 netns natL type veth peer name pn netns wan
	link add name lan0 netns natL type veth peer name wan0 netns vrL
	link add name lan0 netns vrQ type veth peer name eth0 netns q1
	link add name lan0 netns vrR type veth peer name eth0 netns r1
	link add name lan0 netns vrL type veth peer name eth0 netns l1
	EOB
	cat >"$b/wan" <<-EOB
	addr add 10.0.0.254/24 dev br0
	link set br0 up
	link set pq master br0
	link set pr master br0
	link set pn master br0
	link set pq up
	link set pr up
	link set pn up
	EOB
	cat >"$b/natL" <<-EOB
	addr add 10.0.0.3/24 dev wan0
	addr add 192.168.100.1/24 dev lan0
	link set wan0 up
	link set lan0 up
	EOB
	ip -b "$b/init" || return 1
	ip -n wan -b "$b/wan" || return 1
	ip -n natL -b "$b/natL" || return 1
	local n x
	for x in Q:1 R:2 L:3; do
		n=${x#*:}
		x=${x%:*}
		ip -n "vr$x" addr add "172.16.$n.1/24" dev lan0 &&
		ip -n "vr$x" link set lan0 up &&
		ip -n "vr$x" link set wan0 up &&
		ip -n "${x,,}1" addr add "172.16.$n.10/24" dev eth0 &&
		ip -n "${x,,}1" link set eth0 up &&
		ip -n "${x,,}1" route add 172.16.0.0/12 via "172.16.$n.1" ||
			return 1
		ip netns exec "vr$x" sysctl -qw net.ipv4.ip_forward=1 || return 1
	done
	ip -n vrQ addr add 10.0.0.1/24 dev wan0 &&
	ip -n vrR addr add 10.0.0.2/24 dev wan0 &&
	ip -n vrL addr add $L/24 dev wan0 &&
	ip -n vrL route add default via 192.168.100.1 || return 1

	# The NAT: masquerade out, nothing new in, short UDP timeouts.
	ip netns exec natL sysctl -qw net.ipv4.ip_forward=1 || return 1
	ip netns exec natL nft -f - <<-'NFT' || return 1
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "wan0" masquerade
		}
	}
	table ip fw {
		counter blocked { }
		chain filt {
			type filter hook forward priority filter; policy accept;
			ct state established,related accept
			iifname "wan0" counter name blocked drop
		}
		chain in {
			type filter hook input priority filter; policy accept;
			ct state established,related accept
			iifname "wan0" counter name blocked drop
		}
	}
	NFT
	ip netns exec natL sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3 \
		net.netfilter.nf_conntrack_udp_timeout_stream=3 || return 1

	vinectl genkey >"$VINE_TMP/key.QL" &&
	vinectl genkey >"$VINE_TMP/key.QR" &&
	vinectl genkey >"$VINE_TMP/key.LR" || return 1
	ip netns exec vrQ sh -exc "
		vinectl vr set id 10.0.0.1 space 172.16.0.0/12
		vinectl vn create 1
		vinectl vn join 1 172.16.1.10
		vinectl route add 1 172.16.2.0/24 via 10.0.0.2
		vinectl route add 1 172.16.3.0/24 via $L
		vinectl key set $L $VINE_TMP/key.QL
		vinectl key set 10.0.0.2 $VINE_TMP/key.QR" &&
	ip netns exec vrR sh -exc "
		vinectl vr set id 10.0.0.2 space 172.16.0.0/12
		vinectl vn create 1
		vinectl vn join 1 172.16.2.10
		vinectl route add 1 172.16.1.0/24 via 10.0.0.1
		vinectl route add 1 172.16.3.0/24 via 10.0.0.1 type queue vr $L
		vinectl key set 10.0.0.1 $VINE_TMP/key.QR
		vinectl key set $L $VINE_TMP/key.LR" &&
	ip netns exec vrL sh -exc "
		vinectl vr set space 172.16.0.0/12
		vinectl vn create 1
		vinectl vn join 1 172.16.3.10
		vinectl route add 1 172.16.1.0/24 via 10.0.0.1
		vinectl route add 1 172.16.2.0/24 via 10.0.0.2
		vinectl key set 10.0.0.1 $VINE_TMP/key.QL
		vinectl key set 10.0.0.2 $VINE_TMP/key.LR"
}

# vpeer NS PEER FIELD: one field of `vinectl -j peer show PEER` in NS.
vpeer() {
	ip netns exec "$1" vinectl -j peer show "$2" 2>/dev/null |
		$VINE_PY "$VINE_PKT" get "$3" 2>/dev/null
}

# wait_chan NS PEER STATE [SECONDS]: wait until the channel is STATE.
wait_chan() {
	local i
	for i in $(seq $((${4:-10} * 10))); do
		[ "$(vpeer "$1" "$2" channel)" = "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- sessions (issue 16) ----------------------------------------------------

# vine_until TRIES PAUSE CODE: vine_poll for shell code that uses this
# shell's functions and variables.
vine_until() {
	local n=$1 pause=$2 _
	for _ in $(seq "$n"); do
		eval "$3" && return 0
		sleep "$pause"
	done
	return 1
}

# vine_session_keys: key pairs for vrA and vrB of vine_topology_up (in
# $VINE_TMP/priv.X, pub.X, made once), set; each knows the other by its
# public key.
vine_session_keys() {
	local x
	for x in A B; do
		[ -f "$VINE_TMP/priv.$x" ] || vinectl genkey >"$VINE_TMP/priv.$x" ||
			return 1
		vinectl pubkey <"$VINE_TMP/priv.$x" >"$VINE_TMP/pub.$x" || return 1
		ip netns exec "vr$x" vinectl vr set private-key "$VINE_TMP/priv.$x" ||
			return 1
	done
	ip netns exec vrA vinectl key set 10.0.0.2 public-key "$(cat "$VINE_TMP/pub.B")" &&
	ip netns exec vrB vinectl key set 10.0.0.1 public-key "$(cat "$VINE_TMP/pub.A")"
}

# vine_limited_keys: for vrQ, vrR and vrL of vine_limited_up, a key pair
# each (in $VINE_TMP/priv.X, pub.X), the others' public keys instead of
# the static keys vine_limited_up set, and encryption (encrypt yes).
vine_limited_keys() {
	local x y
	local -A addr=([Q]=10.0.0.1 [R]=10.0.0.2 [L]=$L)
	for x in Q R L; do
		vinectl genkey >"$VINE_TMP/priv.$x" &&
		vinectl pubkey <"$VINE_TMP/priv.$x" >"$VINE_TMP/pub.$x" &&
		ip netns exec "vr$x" vinectl vr set private-key "$VINE_TMP/priv.$x" \
			encrypt yes || return 1
	done
	for x in Q R L; do
		for y in Q R L; do
			[ "$x" = "$y" ] && continue
			ip netns exec "vr$x" vinectl key set "${addr[$y]}" public-key \
				"$(cat "$VINE_TMP/pub.$y")" || return 1
		done
	done
}

# vine_pfield NS PEER FIELD: one field of `vinectl -j peer show`, or "none".
vine_pfield() {
	ip netns exec "$1" vinectl -j peer show "$2" >"$VINE_TMP/peer.json" &&
		$VINE_PY "$VINE_PKT" jget "$VINE_TMP/peer.json" "$3" 2>/dev/null |
		sed 's/^<no .*/none/'
}

# vine_capture_start N FILE: capture vrA's next N ViNe packets on the WAN,
# saved in hex to FILE (FILE.txt: their header fields); vine_capture_end
# FILE: wait for them, and print "type/flags/counter" a packet.
vine_capture_start() {
	rm -f "$VINE_TMP/cap.ready" "$2"
	ip netns exec wan $VINE_PY "$VINE_PKT" capture --iface vrA \
		--src 10.0.0.1 --count "$1" --timeout 60 --save "$2" \
		--fields type,flags,reserved2 --ready "$VINE_TMP/cap.ready" \
		>"$2.txt" &
	vine_cap_n=$1
	vine_wait_file "$VINE_TMP/cap.ready"
}

vine_capture_end() {
	vine_until 120 0.25 "[ \$(wc -l <'$1.txt') -ge $vine_cap_n ]"
	awk '{ split($3, f, /[:,}]/); printf "%s%s/%s/%s", (NR > 1 ? " " : ""), f[2], f[4], $1 }' "$1.txt"
}

# vine_resend ARGS...: vine_pkt.py resend from vrA's address to vrB's.
vine_resend() {
	ip netns exec vrA $VINE_PY "$VINE_PKT" resend --from 10.0.0.1 \
		--to 10.0.0.2 "$@" >/dev/null
}

# vine_tcp_up: vrA and vrB of vine_topology_up route VN 1 to each other
# with proto tcp, and a firewall on each drops their ViNe UDP to the
# other, counted: vine_tcp_udp NS prints how many it dropped.
vine_tcp_up() {
	local x m
	for x in A:2 B:1; do		# VR : the other VR's site and address
		m=${x#*:}
		x=${x%:*}
		ip netns exec "vr$x" vinectl route replace 1 "172.16.$m.0/24" \
			via "10.0.0.$m" proto tcp || return 1
		ip netns exec "vr$x" nft -f - <<-NFT || return 1
		table ip t {
			counter vineudp { }
			chain out {
				type filter hook output priority filter; policy accept;
				ip daddr 10.0.0.$m udp dport 2247 counter name vineudp drop
			}
		}
		NFT
	done
}

vine_tcp_udp() {
	ip netns exec "$1" nft list counter ip t vineudp |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

