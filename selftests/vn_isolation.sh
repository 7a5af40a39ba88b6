#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The dissertation's Figure 3-10: sites A, B, C, one VR each; VN1 = a1 (A)
# + b1 (B), VN2 = a2 (A) + c1 (C); a3 (A) is in no VN. Hosts have only an
# address and a route to their VR (see vine_topology_up in lib.sh).
#
# Inside each VN: ping, TCP and UDP work both ways, with exact VR counters
# (a ping is 84 inner bytes: 20 IP + 8 ICMP + 56 data). Between VNs and
# from hosts in no VN: dropped, counted by reason. Traffic inside a LAN and
# non-ViNe traffic: VR counters unchanged. Nothing from or to the ViNe
# space ever appears on the WAN: only UDP to port 2247.

source "$(dirname "$0")/lib.sh"

ktap_plan 63

VRS="vrA vrB vrC"
PING=84		# bytes of one default ping packet, IP header included

# vall T1 T2 [MODE [EXCLUDE]]: what changed at each VR between two snapshots.
vall() {
	vdiffs "$1" "$2" "${3:-}" "${4:-}" vrA vrB vrC
}

# vwant A B C: what vall should print.
vwant() {
	echo "vrA: $1 | vrB: $2 | vrC: $3"
}

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, MAC hmac-sha256" vine_topology_up hmac-sha256
check_sh "nftables counters on the WAN switch" vine_wan_counters_up

# ---- VN1: a1 <-> b1 ---------------------------------------------------------
vsnap s0 $VRS
check_eq "VN1: a1 pings b1, 5 of 5 replies" "$(vping a1 172.16.2.10 5)" 5
vsnap s1 $VRS
check_eq "VN1 a1 -> b1: 5 requests and 5 replies through vrA and vrB only" \
	"$(vall s0 s1 all)" "$(vwant \
	"$(vtraffic 5 $((5 * PING)) '' 'peers[10.0.0.2].' 'vns[1].')" \
	"$(vtraffic 5 $((5 * PING)) '' 'peers[10.0.0.1].' 'vns[1].')" "")"

check_eq "VN1: b1 pings a1, 5 of 5 replies" "$(vping b1 172.16.1.10 5)" 5
vsnap s2 $VRS
check_eq "VN1 b1 -> a1: 5 requests and 5 replies through vrB and vrA only" \
	"$(vall s1 s2 all)" "$(vwant \
	"$(vtraffic 5 $((5 * PING)) '' 'peers[10.0.0.2].' 'vns[1].')" \
	"$(vtraffic 5 $((5 * PING)) '' 'peers[10.0.0.1].' 'vns[1].')" "")"

# ---- VN2: a2 <-> c1 ---------------------------------------------------------
check_eq "VN2: a2 pings c1, 5 of 5 replies" "$(vping a2 172.16.3.10 5)" 5
vsnap s3 $VRS
check_eq "VN2 a2 -> c1: 5 requests and 5 replies through vrA and vrC only" \
	"$(vall s2 s3 all)" "$(vwant \
	"$(vtraffic 5 $((5 * PING)) '' 'peers[10.0.0.3].' 'vns[2].')" "" \
	"$(vtraffic 5 $((5 * PING)) '' 'peers[10.0.0.1].' 'vns[2].')")"

check_eq "VN2: c1 pings a2, 5 of 5 replies" "$(vping c1 172.16.1.20 5)" 5
vsnap s4 $VRS
check_eq "VN2 c1 -> a2: 5 requests and 5 replies through vrC and vrA only" \
	"$(vall s3 s4 all)" "$(vwant \
	"$(vtraffic 5 $((5 * PING)) '' 'peers[10.0.0.3].' 'vns[2].')" "" \
	"$(vtraffic 5 $((5 * PING)) '' 'peers[10.0.0.1].' 'vns[2].')")"

# ---- TCP and UDP with iperf3, both ways in both VNs -------------------------
# iperf CLIENT SERVER SERVER-ADDR PORT NAME ARGS...: one iperf3 run, its
# client's JSON report in $VINE_TMP/NAME.json.
iperf() {
	local cli=$1 srv=$2 addr=$3 port=$4 name=$5
	shift 5
	ip netns exec "$srv" timeout 60 iperf3 -s -1 -p "$port" \
		>"$VINE_TMP/$name.srv" 2>&1 &
	vine_wait_listen "$srv" "$port" &&
	timeout 60 ip netns exec "$cli" iperf3 -c "$addr" -p "$port" -J \
		--connect-timeout 5000 "$@" >"$VINE_TMP/$name.json" 2>&1
}

runs=(
	"tcp1ab a1 b1 172.16.2.10"  "tcp1ba b1 a1 172.16.1.10"
	"tcp2ac a2 c1 172.16.3.10"  "tcp2ca c1 a2 172.16.1.20"
	"udp1ab a1 b1 172.16.2.10"  "udp1ba b1 a1 172.16.1.10"
	"udp2ac a2 c1 172.16.3.10"  "udp2ca c1 a2 172.16.1.20"
)
port=5201
for r in "${runs[@]}"; do
	read -r name cli srv addr <<<"$r"
	case $name in
	tcp*) iperf "$cli" "$srv" "$addr" $port "$name" -n 1M ;;
	udp*) iperf "$cli" "$srv" "$addr" $port "$name" -u -b 4M -l 1200 -t 1 ;;
	esac
	port=$((port + 1))
done
vsnap s5 $VRS

# One python run reads every report: TCP bytes received, UDP packets
# received and lost.
args=()
for r in "${runs[@]}"; do
	read -r name _ <<<"$r"
	case $name in
	tcp*) args+=("$VINE_TMP/$name.json" end.sum_sent.bytes
		     "$VINE_TMP/$name.json" end.sum_received.bytes) ;;
	udp*) args+=("$VINE_TMP/$name.json" end.sum_received.packets
		     "$VINE_TMP/$name.json" end.sum_received.lost_packets) ;;
	esac
done
out=$($VINE_PY "$VINE_PKT" jget "${args[@]}")
mapfile -t res <<<"$out"
i=0
for r in "${runs[@]}"; do
	read -r name cli srv addr <<<"$r"
	case $name in
	tcp*)
		# -n 1M: iperf3 sends whole 128 KiB blocks, at least 1 MiB; the
		# server's count stops when the test ends, with data in flight.
		check_range "TCP $cli -> $srv ($addr): at least 1 MiB sent" \
			"${res[i]:-}" 1048576 2097152
		check_range "TCP $cli -> $srv: received" "${res[i + 1]:-}" 1 2097152
		i=$((i + 2)) ;;
	udp*)
		# 4 Mbit/s of 1200-byte datagrams for 1 s: about 416.
		check_range "UDP $cli -> $srv ($addr): datagrams received" \
			"${res[i]:-}" 300 1000
		max=0
		[[ ${res[i]:-} =~ ^[0-9]+$ ]] && max=$((res[i] / 100))
		check_range "UDP $cli -> $srv: at most 1% lost" \
			"${res[i + 1]:-}" 0 "$max"
		i=$((i + 2)) ;;
	esac
done
# TCP starts with 1500-byte DF segments: the VR answers "fragmentation
# needed" (too_big) and the hosts' path MTU drops to 1428; nothing else
# may be dropped.
check_eq "iperf3 runs: no drop at any VR but too_big (and CoDel's)" \
	"$(vall s4 s5 drops "drops.too_big|$VINE_CODEL_DROPS")" "$(vwant "" "" "")"
# Whatever b1 received passed vrB: at least the UDP datagrams a1 -> b1 plus
# the TCP bytes a1 -> b1 in segments of at most 1376 bytes (1428 less IP,
# TCP and timestamps). iperf3 stops counting at the end with data in
# flight, so under slow emulation far less than 1 MiB may arrive.
min=0
[[ ${res[1]:-} =~ ^[0-9]+$ && ${res[8]:-} =~ ^[0-9]+$ ]] &&
	min=$((res[8] + (res[1] + 1375) / 1376))
check_range "iperf3 runs: vrB received at least what b1 got ($min)" \
	"$(vsnap_delta s4 s5 vrB rx_packets)" "$((min > 0 ? min : 1))" 10000000

# ---- isolation: every drop counted by reason -------------------------------
# B -> C: b1 is in VN1, which has no route to site C at vrB.
vsnap t0 $VRS
check_eq "b1 -> c1 (no route in VN1 at B): 0 of 5 replies" \
	"$(vping b1 172.16.3.10 5)" 0
vsnap t1 $VRS
check_eq "b1 -> c1: vrB drops.no_route +5, nothing else anywhere" \
	"$(vall t0 t1)" "$(vwant "" "drops.no_route +5" "")"
check_eq "b1 -> c1: counted in VN1's drops at vrB" \
	"$(vsnap_delta t0 t1 vrB 'vns[1].drops')" 5

# VN1 -> VN2: VN1 at A has no route to 172.16.3.0/24.
check_eq "a1 -> c1 (VN1 to VN2): 0 of 5 replies" "$(vping a1 172.16.3.10 5)" 0
vsnap t2 $VRS
check_eq "a1 -> c1: vrA drops.no_route +5, nothing else anywhere" \
	"$(vall t1 t2)" "$(vwant "drops.no_route +5" "" "")"
check_eq "a1 -> c1: counted in VN1's drops at vrA" \
	"$(vsnap_delta t1 t2 vrA 'vns[1].drops')" 5

# A host in no VN.
check_eq "a3 (in no VN) -> b1: 0 of 5 replies" "$(vping a3 172.16.2.10 5)" 0
vsnap t3 $VRS
check_eq "a3 -> b1: vrA drops.not_in_lndt +5, nothing else anywhere" \
	"$(vall t2 t3)" "$(vwant "drops.not_in_lndt +5" "" "")"

# VN2 at C routes 172.16.1.0/24 to A, but a1 is in VN1 there: vrC sends,
# vrA refuses to deliver (receive side).
check_eq "c1 -> a1 (VN2 to a VN1 host): 0 of 5 replies" \
	"$(vping c1 172.16.1.10 5)" 0
vsnap t4 $VRS
check_eq "c1 -> a1: vrC sends 5, vrA drops.wrong_vn +5" \
	"$(vall t3 t4)" "$(vwant "drops.wrong_vn +5" "" \
	"$(vexpect "tx_packets +5" "tx_bytes +$((5 * PING))" \
		"peers[10.0.0.1].tx_packets +5" "peers[10.0.0.1].tx_bytes +$((5 * PING))" \
		"vns[2].tx_packets +5" "vns[2].tx_bytes +$((5 * PING))")")"

check_eq "b1 -> a2 (VN1 to a VN2 host): 0 of 5 replies" \
	"$(vping b1 172.16.1.20 5)" 0
vsnap t5 $VRS
check_eq "b1 -> a2: vrB sends 5, vrA drops.wrong_vn +5" \
	"$(vall t4 t5)" "$(vwant "drops.wrong_vn +5" \
	"$(vexpect "tx_packets +5" "tx_bytes +$((5 * PING))" \
		"peers[10.0.0.1].tx_packets +5" "peers[10.0.0.1].tx_bytes +$((5 * PING))" \
		"vns[1].tx_packets +5" "vns[1].tx_bytes +$((5 * PING))")" "")"

# Send side of wrong_vn: a1 (VN1) sends to a2 (VN2, same LAN) through vrA.
ip -n a1 route add 172.16.1.20/32 via 172.16.1.1
check_eq "a1 -> a2 routed through vrA (VN1 to a local VN2 host): 0 of 5" \
	"$(vping a1 172.16.1.20 5)" 0
ip -n a1 route del 172.16.1.20/32 via 172.16.1.1
vsnap t6 $VRS
check_eq "a1 -> a2 through vrA: vrA drops.wrong_vn +5" \
	"$(vall t5 t6)" "$(vwant "drops.wrong_vn +5" "" "")"

# TTL: the VR decrements it, as a router does.
check_eq "a1 -> b1 with TTL 1: 0 of 3 replies" \
	"$(vping a1 172.16.2.10 3 -t 1)" 0
vsnap t7 $VRS
check_eq "TTL 1: vrA drops.ttl +3, nothing sent" \
	"$(vall t6 t7)" "$(vwant "drops.ttl +3" "" "")"

# A route back to this VR; a route to a VR without a key.
ip netns exec vrA vinectl route add 1 172.16.8.0/24 via 10.0.0.1
ip netns exec vrA vinectl route add 1 172.16.9.0/24 via 10.0.0.9
vsnap t8 $VRS
check_eq "a1 -> 172.16.8.8 (route via vrA itself): 0 of 3 replies" \
	"$(vping a1 172.16.8.8 3)" 0
vsnap t9 $VRS
check_eq "route via itself: vrA drops.loop +3" \
	"$(vall t8 t9)" "$(vwant "drops.loop +3" "" "")"
check_eq "a1 -> 172.16.9.9 (route via 10.0.0.9, no key): 0 of 3 replies" \
	"$(vping a1 172.16.9.9 3)" 0
vsnap t10 $VRS
check_eq "no key for the route's VR: vrA drops.no_key +3" \
	"$(vall t9 t10)" "$(vwant "drops.no_key +3" "" "")"

# ---- traffic the VRs must not touch -----------------------------------------
vsnap u0 $VRS
check_eq "a1 -> a2 on the LAN (different VNs, no VR involved): 5 of 5" \
	"$(vping a1 172.16.1.20 5)" 5
check_eq "a1 -> 192.168.1.1 (VR, non-ViNe address): 5 of 5" \
	"$(vping a1 192.168.1.1 5)" 5
check_eq "a1 -> 172.16.1.1 (VR's own address in the ViNe space): 5 of 5" \
	"$(vping a1 172.16.1.1 5)" 5
check_eq "a3 (in no VN) -> 172.16.1.1 (VR's own address): 5 of 5" \
	"$(vping a3 172.16.1.1 5)" 5
check_eq "a1 -> 192.168.2.10 (b1's non-ViNe address, plain routing over the WAN): 5 of 5" \
	"$(vping a1 192.168.2.10 5)" 5
check_eq "a3 (in no VN) -> 192.168.2.10 (plain routing over the WAN): 5 of 5" \
	"$(vping a3 192.168.2.10 5)" 5
vsnap u1 $VRS
check_eq "LAN and non-ViNe traffic: every VR counter unchanged" \
	"$(vall u0 u1 all)" "$(vwant "" "" "")"

# ---- the WAN ------------------------------------------------------------------
check_eq "WAN: no packet from the ViNe space" "$(vine_wan_count space_src)" 0
check_eq "WAN: no packet to the ViNe space" "$(vine_wan_count space_dst)" 0
# Encapsulated packets seen on the WAN: at least the 20 + 20 pings sent
# and answered inside the VNs, the 10 sent to the wrong VN, the iperf3 runs.
check_range "WAN: ViNe UDP packets (port 2247)" "$(vine_wan_count vine)" \
	1000 100000000

# ---- final state: the configuration did not move -----------------------------
check_eq "vrA: vinectl -j vr show" "$(ip netns exec vrA vinectl -j vr show | sed 's/,"generation":[0-9]*//')" \
	"{\"id\":\"10.0.0.1\",\"port\":2247,\"space\":[\"172.16.0.0/12\"],\"mac\":\"hmac-sha256\",$VINE_LIM0,\"overhead\":72}"
check_eq "vrB: vinectl -j route list" "$(ip netns exec vrB vinectl -j route list)" \
	'[{"vn":1,"prefix":"172.16.1.0/24","via":"10.0.0.1","port":2247,"proto":"udp","type":"regular"}]'
check_eq "vrC: vinectl -j vn list" "$(ip netns exec vrC vinectl -j vn list)" \
	'[{"id":2,"name":"vn2","hosts":1,"routes":1}]'
check_eq "vrA: packets sent per VN add up to all sent" \
	"$(vsnap_get u1 vrA 'vns[1].tx_packets') + $(vsnap_get u1 vrA 'vns[2].tx_packets') = $(vsnap_get u1 vrA tx_packets)" \
	"$(awk -v a="$(vsnap_get u1 vrA 'vns[1].tx_packets')" -v b="$(vsnap_get u1 vrA 'vns[2].tx_packets')" \
		'BEGIN { printf "%d + %d = %d", a, b, a + b }')"

ktap_finished
