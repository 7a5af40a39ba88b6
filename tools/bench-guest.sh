#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, inside the guest: the same topology for every candidate,
#
#   h1 (172.16.1.10) - r1 (10.0.0.1) === r2 (10.0.0.2) - h2 (172.16.2.10)
#
# four namespaces per candidate over veth, all built before the first
# measurement so that repetitions can interleave (A B C A B C ...):
#
#   plain   r1 and r2 route the hosts' prefixes to each other (the limit)
#   vxlan   a VXLAN device between r1 and r2 (no authentication)
#   wg      a WireGuard device between r1 and r2 (authenticated, encrypted)
#   vine0   ViNe with mac none
#   vine    ViNe with its default, HMAC-SHA-256
#   vinep   ViNe with mac poly1305
#   vineb   ViNe with mac blake2s
#   vineq   ViNe (HMAC-SHA-256) with r2 limited: h1 -> h2 goes r1, queue
#           VR q, r2 (3 VR hops; q on a second WAN, 10.0.3.0/24); h2 ->
#           h1 goes straight to r1, as a limited VR's replies do
#   vinet   ViNe (HMAC-SHA-256) with routes of proto tcp: one TCP
#           connection between r1 and r2
#   vinee   ViNe with public keys and sessions, encrypted (ChaCha20-
#           Poly1305), as WireGuard is
#
# Then, for wg and vinee: the round trip of a first ping with no session
# (its handshake included), after the sessions were dropped (the peer
# removed and set again), as "BENCH CANDIDATE first_ping_us VALUE", a
# few times. And with VINE_KO_SELFTEST (a VINE_SELFTEST=y build of the
# module): the handshakes a second one CPU completes, from its selftest's
# line, as "BENCH vinee hs_per_s" (both sides) and "hs_resp_per_s" (the
# responder's part).
# Prints one line per sample: "BENCH CANDIDATE METRIC VALUE", then the
# scale figures as "BENCH vine METRIC VALUE" (see Documentation/bench.rst).
#
#   tools/bench-guest.sh VINE_KO [SECONDS [REPS [SCALE]]]
#
# SCALE 0 skips the large tables (the smoke run in the test suite).
# BENCH_CANDIDATES="vine vxlan" measures only those; BENCH_PROFILE=1 then
# also profiles one more one-stream TCP run of each candidate with perf
# (all CPUs, cpu-clock) and prints its hottest symbols as
# "PROFILE CANDIDATE PERCENT SYMBOL".
set -u
cd "$(dirname "$0")/.."
export VINE_KO=$(realpath "$1")
T=${2:-5}
REPS=${3:-3}
SCALE=${4:-1}
source selftests/lib.sh

CANDS=${BENCH_CANDIDATES:-plain vxlan wg vine0 vine vinep vineb vineq vinet vinee}
tmp=$VINE_TMP		# removed at exit, with the namespaces and their iperf3

bench() { echo "BENCH $*"; }
die() { echo "bench: $*" >&2; exit 1; }

# topo C: the four namespaces of candidate C and their routing.
topo() {
	local c=$1 b=$tmp/$1
	ns_add "${c}h1" "${c}r1" "${c}r2" "${c}h2" || return 1
	ip -b - <<-EOB || return 1
	link add eth0 netns ${c}h1 type veth peer name lan0 netns ${c}r1
	link add wan0 netns ${c}r1 type veth peer name wan0 netns ${c}r2
	link add eth0 netns ${c}h2 type veth peer name lan0 netns ${c}r2
	EOB
	for i in 1 2; do
		ip -n "${c}h$i" -b - <<-EOB || return 1
		addr add 172.16.$i.10/24 dev eth0
		link set eth0 up
		route add 172.16.0.0/12 via 172.16.$i.1
		EOB
		ip -n "${c}r$i" -b - <<-EOB || return 1
		addr add 172.16.$i.1/24 dev lan0
		addr add 10.0.0.$i/24 dev wan0
		link set lan0 up
		link set wan0 up
		EOB
		ip netns exec "${c}r$i" sysctl -qw net.ipv4.ip_forward=1 || return 1
	done
	"topo_$c" "$c" "$b"
}

topo_plain() {
	ip -n "${1}r1" route add 172.16.2.0/24 via 10.0.0.2 &&
	ip -n "${1}r2" route add 172.16.1.0/24 via 10.0.0.1
}

topo_vxlan() {
	local i j
	for i in 1 2; do
		j=$((3 - i))
		ip -n "${1}r$i" -b - <<-EOB || return 1
		link add vx0 type vxlan id 42 local 10.0.0.$i remote 10.0.0.$j dstport 4789 dev wan0
		addr add 192.168.100.$i/24 dev vx0
		link set vx0 up
		route add 172.16.$j.0/24 via 192.168.100.$j
		EOB
	done
}

topo_wg() {
	local i j
	for i in 1 2; do
		(umask 077 && wg genkey >"$2.key$i") &&
			wg pubkey <"$2.key$i" >"$2.pub$i" || return 1
	done
	for i in 1 2; do
		j=$((3 - i))
		ip -n "${1}r$i" link add wg0 type wireguard &&
		ip netns exec "${1}r$i" wg set wg0 private-key "$2.key$i" \
			listen-port 51820 peer "$(cat "$2.pub$j")" \
			endpoint "10.0.0.$j:51820" allowed-ips "172.16.$j.0/24" &&
		ip -n "${1}r$i" -b - <<-EOB || return 1
		addr add 192.168.100.$i/24 dev wg0
		link set wg0 up
		route add 172.16.$j.0/24 dev wg0
		EOB
	done
}

# topo_vine_mac CANDIDATE BATCH-PREFIX MAC [ROUTE-OPTIONS]
topo_vine_mac() {
	local c=$1 b=$2 mac=$3 opts=${4:-} i j
	vinectl genkey >"$b.key" || return 1
	for i in 1 2; do
		j=$((3 - i))
		cat >"$b.r$i" <<-EOB
		vr set id 10.0.0.$i port 2247 space 172.16.0.0/12 mac $mac
		vn create 1 name bench
		vn join 1 172.16.$i.10
		route add 1 172.16.$j.0/24 via 10.0.0.$j $opts
		key set 10.0.0.$j $b.key
		EOB
		ip netns exec "${c}r$i" vinectl -b "$b.r$i" || return 1
	done
}
topo_vineq() {
	local c=$1 b=$2 i
	for i in 12 1q 2q; do
		vinectl genkey >"$b.key$i" || return 1
	done
	ns_add "${c}q" || return 1
	ip -n "${c}q" link add br0 type bridge &&
	ip -n "${c}q" addr add 10.0.3.3/24 dev br0 &&
	ip -n "${c}q" link set br0 up || return 1
	for i in 1 2; do
		ip -n "${c}r$i" link add wanq type veth peer name r$i netns "${c}q" &&
		ip -n "${c}r$i" addr add "10.0.3.$i/24" dev wanq &&
		ip -n "${c}r$i" link set wanq up &&
		ip -n "${c}q" link set "r$i" master br0 &&
		ip -n "${c}q" link set "r$i" up || return 1
	done
	ip netns exec "${c}q" sysctl -qw net.ipv4.ip_forward=1 || return 1
	cat >"$b.q" <<-EOB
	vr set id 10.0.3.3 space 172.16.0.0/12
	vn create 1 name bench
	route add 1 172.16.1.0/24 via 10.0.0.1
	route add 1 172.16.2.0/24 via 10.0.0.2
	key set 10.0.0.1 $b.key1q
	key set 10.0.0.2 $b.key2q
	EOB
	cat >"$b.r1" <<-EOB
	vr set id 10.0.0.1 space 172.16.0.0/12
	vn create 1 name bench
	vn join 1 172.16.1.10
	route add 1 172.16.2.0/24 via 10.0.3.3 type queue vr 10.0.0.2
	key set 10.0.3.3 $b.key1q
	key set 10.0.0.2 $b.key12
	EOB
	cat >"$b.r2" <<-EOB
	vr set id 10.0.0.2 space 172.16.0.0/12
	vn create 1 name bench
	vn join 1 172.16.2.10
	route add 1 172.16.1.0/24 via 10.0.0.1
	key set 10.0.3.3 $b.key2q
	key set 10.0.0.1 $b.key12
	vr set limited yes queue-vr 10.0.3.3 poll-interval 1000
	EOB
	for i in q r1 r2; do
		ip netns exec "$c$i" vinectl -b "$b.$i" || return 1
	done
	# The channel is up at q before the first measurement.
	for i in $(seq 50); do
		ip netns exec "${c}q" vinectl -j peer show 10.0.0.2 |
			grep -q '"channel":"up"' && return 0
		sleep 0.1
	done
	return 1
}
topo_vine0() { topo_vine_mac "$1" "$2" none; }
topo_vine() { topo_vine_mac "$1" "$2" hmac-sha256; }
topo_vinep() { topo_vine_mac "$1" "$2" poly1305; }
topo_vineb() { topo_vine_mac "$1" "$2" blake2s; }
topo_vinet() { topo_vine_mac "$1" "$2" hmac-sha256 "proto tcp"; }
# Public keys instead of the shared key, and encryption.
topo_vinee() {
	local c=$1 b=$2 i j
	topo_vine_mac "$c" "$b" poly1305 || return 1
	for i in 1 2; do
		vinectl genkey >"$b.priv$i" &&
		vinectl pubkey <"$b.priv$i" >"$b.pub$i" || return 1
	done
	for i in 1 2; do
		j=$((3 - i))
		ip netns exec "${c}r$i" vinectl vr set private-key "$b.priv$i" \
			encrypt yes &&
		ip netns exec "${c}r$i" vinectl key set "10.0.0.$j" public-key \
			"$(cat "$b.pub$j")" || return 1
	done
}

# The first ping's round trip with no session, in us: the peer's key set
# again (WireGuard: the peer removed and added again) on both routers.
first_ping() {
	local c=$1 b=$tmp/$1 i j
	for i in 1 2; do
		j=$((3 - i))
		case $c in
		wg)
			ip netns exec "${c}r$i" wg set wg0 peer "$(cat "$b.pub$j")" remove &&
			ip netns exec "${c}r$i" wg set wg0 peer "$(cat "$b.pub$j")" \
				endpoint "10.0.0.$j:51820" allowed-ips "172.16.$j.0/24"
			;;
		vinee)
			ip netns exec "${c}r$i" vinectl key set "10.0.0.$j" \
				public-key "$(cat "$b.pub$j")"
			;;
		esac || return 1
	done
	ip netns exec "${c}h1" ping -n -c 1 -W 5 172.16.2.10 |
		sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' |
		awk '{ printf "%.0f\n", $1 * 1000 }'
}

# The metrics. Each prints one number.
cpu_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

iperf() {
	local c=$1
	shift
	timeout $((T + 30)) ip netns exec "${c}h1" \
		iperf3 -c 172.16.2.10 -t "$T" -J "$@" >"$tmp/iperf.json" 2>"$tmp/iperf.err"
}

m_tcp1() {
	local j0 j1
	j0=$(cpu_jiffies)
	iperf "$1" || return 1
	j1=$(cpu_jiffies)
	python3 tools/bench.py iperf tcp "$tmp/iperf.json" "$((j1 - j0))" \
		"$(getconf CLK_TCK)"
}
# Four streams, and meanwhile UDP request/response round trips: the
# latency that the queues on the path add under load. Not ping: ping
# running beside a TCP load crashed this emulator ("Oops: int3" in
# netif_rx_internal, TCG, 6.12: kernel text patched while the other CPU
# ran it, a static key of ping's socket options, we think).
m_tcp4() {
	local rr bps rtt
	ip netns exec "${1}h1" python3 tools/bench.py rr 172.16.2.10 "$T" \
		>"$tmp/rr.load" 2>&1 &
	rr=$!
	iperf "$1" -P 4 || { wait $rr; return 1; }
	wait $rr || { cat "$tmp/rr.load" >&2; return 1; }
	bps=$(python3 tools/bench.py iperf tcp "$tmp/iperf.json") &&
		echo "$bps $(cat "$tmp/rr.load")"
}
# UDP at IP packet sizes 64 and 1400 (payload + 28 bytes of headers):
# packets per second received.
m_udp64() {
	iperf "$1" -u -b 0 -l 36 && python3 tools/bench.py iperf udp "$tmp/iperf.json"
}
m_udp1400() {
	iperf "$1" -u -b 0 -l 1372 && python3 tools/bench.py iperf udp "$tmp/iperf.json"
}
# Request/response: ICMP echo round trips, one at a time.
m_rtt() {
	ip netns exec "${1}h1" ping -n -c "$((T * 40))" -i 0.02 -W 1 172.16.2.10 |
		python3 tools/bench.py ping
}

# Handshakes a second, from the selftest module's own measurement.
if [ -n "${VINE_KO_SELFTEST:-}" ] && [[ " $CANDS " == *" vinee "* ]]; then
	mark=vine-bench-$$
	echo "$mark" >/dev/kmsg
	VINE_KO=$VINE_KO_SELFTEST vine_load selftest=1 ||
		die "cannot load $VINE_KO_SELFTEST"
	set -- $(dmesg -t | sed -n "/^$mark\$/,\$p" |
		sed -n 's/^vine: *# handshakes a second on one CPU: \([0-9]*\) both sides, \([0-9]*\) .*/\1 \2/p')
	[ $# = 2 ] || die "no handshake rate in the kernel log"
	bench vinee hs_per_s "$1"
	bench vinee hs_resp_per_s "$2"
	vine_unload || die "cannot unload $VINE_KO_SELFTEST"
fi

vine_load || die "cannot load $VINE_KO"
modprobe -a vxlan wireguard || die "no vxlan or wireguard module"
for c in $CANDS; do
	topo "$c" || die "topology $c failed"
	ip netns exec "${c}h2" iperf3 -s -D -I "$tmp/iperf-$c.pid" ||
		die "iperf3 server in ${c}h2"
	ip netns exec "${c}h2" python3 tools/bench.py echo </dev/null \
		>/dev/null 2>&1 &
done
sleep 1
for c in $CANDS; do
	ip netns exec "${c}h1" ping -n -c 1 -W 5 172.16.2.10 >/dev/null ||
		die "$c: h1 cannot reach h2"
done
bench - kernel "$(uname -r)"
bench - seconds "$T"
bench - reps "$REPS"

for r in $(seq "$REPS"); do
	for m in tcp1 tcp4 udp64 udp1400 rtt; do
		for c in $CANDS; do
			out=$("m_$m" "$c") || {
				echo "bench: $c $m failed" >&2
				cat "$tmp/iperf.err" "$tmp/iperf.json" >&2
				continue
			}
			# tcp1 prints two values: bits/s and CPU seconds per GB;
			# tcp4 bits/s and the round trips under that load.
			set -- $out
			case $m in
			tcp1) bench "$c" tcp1 "$1"; bench "$c" cpu_s_per_gb "$2" ;;
			tcp4) bench "$c" tcp4 "$1"; bench "$c" rtt_load_p50_us "$2"
			      bench "$c" rtt_load_p99_us "$3" ;;
			rtt) bench "$c" rtt_p50_us "$1"; bench "$c" rtt_p99_us "$2" ;;
			*) bench "$c" "$m" "$1" ;;
			esac
		done
	done
done

for r in $(seq "$REPS"); do
	for c in $CANDS; do
		case $c in wg|vinee) ;; *) continue ;; esac
		out=$(first_ping "$c") && [ -n "$out" ] ||
			{ echo "bench: $c first_ping failed" >&2; continue; }
		bench "$c" first_ping_us "$out"
	done
done

# Drops must stay at zero on the ViNe routers, apart from too_big (the
# PMTU discovery of the TCP runs), for vinet tcp_full (the UDP floods
# overflow the TCP connection's backlog) and with a MAC tx_busy and rx_busy
# (the floods overflow the pipes) or tx_codel and rx_codel (their CoDel),
# and for vinee no_session (first_ping drops the sessions on purpose):
# the report lists them.
for c in $CANDS; do
	case $c in vine*) ;; *) continue ;; esac
	for i in r1 r2 q; do
		[ "$i" = q ] && [ "$c" != vineq ] && continue
		ip netns exec "$c$i" vinectl -j stats |
			python3 tools/bench.py drops "$c $i" || exit 1
	done
done

# Where the CPU goes: symbols with at least 1 % of the samples.
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
	for c in $CANDS; do
		perf record -q -a -e cpu-clock -F 499 -o "$tmp/perf.data" -- \
			ip netns exec "${c}h1" iperf3 -c 172.16.2.10 -t "$T" \
			>/dev/null 2>"$tmp/perf.err" || {
			cat "$tmp/perf.err" >&2
			die "perf record failed for $c"
		}
		perf report -q -i "$tmp/perf.data" --stdio --no-children \
			--sort sym --percent-limit 1 2>/dev/null |
			awk -v c="$c" 'NF >= 3 { print "PROFILE", c, $1, $3 }'
	done
fi

[ "$SCALE" = 0 ] && exit 0
tools/bench-scale.sh vine "$T" || exit 1
