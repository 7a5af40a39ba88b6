#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU with ViNe: hosts and WAN at MTU 1500, encapsulation adds 72 bytes
# (20 outer IPv4 + 8 UDP + 44 ViNe header), so a host packet of at most
# 1428 bytes fits. Bigger packets with DF: the VR answers ICMP
# "fragmentation needed" with MTU 1428 and counts too_big. Without DF: the
# VR fragments the outer packet. TCP transfers complete, byte-exact.
#
# The pings are vine_pkt.py's (the guest has no iputils ping): -M do sets
# DF and obeys the path MTU learnt, -M probe sets DF and ignores it (so
# that every packet reaches the VR), -M dont clears DF.

source "$(dirname "$0")/lib.sh"

ktap_plan 28

PKT="$VINE_PY $VINE_PKT"
CODEL=$VINE_CODEL_DROPS

# mtu_ping NS DST ARGS...: the ping's output in $VINE_TMP/ping.out.
mtu_ping() {
	local ns=$1 dst=$2
	shift 2
	ip netns exec "$ns" $PKT ping -i 0.2 -W 2 "$@" "$dst" >"$VINE_TMP/ping.out" 2>&1
}

summary() {
	tail -n 1 "$VINE_TMP/ping.out"
}

fragneeded() {
	grep -c "Frag needed and DF set (mtu = $1)" "$VINE_TMP/ping.out"
}

mtu_of() {
	ip -n "$1" -o link show dev "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, MAC hmac-sha256" vine_topology_up hmac-sha256
check_eq "MTUs: a1 eth0, b1 eth0, vrA lan0 wan0, vrB lan0 wan0" \
	"$(mtu_of a1 eth0) $(mtu_of b1 eth0) $(mtu_of vrA lan0) $(mtu_of vrA wan0) $(mtu_of vrB lan0) $(mtu_of vrB wan0)" \
	"1500 1500 1500 1500 1500 1500"
check_eq "vrA: -j vr show, overhead 72" \
	"$(ip netns exec vrA vinectl -j vr show | sed 's/,"generation":[0-9]*//')" \
	"{\"id\":\"10.0.0.1\",\"port\":2247,\"space\":[\"172.16.0.0/12\"],\"mac\":\"hmac-sha256\",$VINE_LIM0,\"overhead\":72}"

# No DF, 1500 bytes: the outer packet (1572 bytes) is fragmented on the WAN
# and reassembled by the receiving VR. Echo replies carry no DF either.
vsnap m0 vrA vrB
mtu_ping a1 172.16.2.10 -c 3 -s 1472 -M dont
vsnap m1 vrA vrB
check_eq "a1 -> b1, 1500 bytes without DF: 3 of 3 replies" "$(summary)" \
	"3 packets transmitted, 3 received, 0 errors"
check_eq "1500 bytes without DF: one packet each, counted whole" \
	"vrA: $(vdiff m0 m1 vrA) | vrB: $(vdiff m0 m1 vrB)" \
	"vrA: $(vtraffic 3 4500 '' 'peers[10.0.0.2].' 'vns[1].') | vrB: $(vtraffic 3 4500 '' 'peers[10.0.0.1].' 'vns[1].')"

# DF, 1500 bytes.
mtu_ping a1 172.16.2.10 -c 1 -s 1472 -M do
vsnap m2 vrA vrB
check_eq "a1 -> b1, 1500 bytes with DF: Frag needed and DF set (mtu = 1428)" \
	"$(fragneeded 1428) / $(summary)" "1 / 1 packets transmitted, 0 received, 1 errors"
check_eq "1500 bytes with DF: vrA drops.too_big +1, nothing sent" \
	"vrA: $(vdiff m1 m2 vrA) | vrB: $(vdiff m1 m2 vrB)" \
	"vrA: drops.too_big +1 | vrB: "

mtu_ping a1 172.16.2.10 -c 3 -s 1472 -M probe
vsnap m3 vrA vrB
check_eq "3 more (DF, path MTU ignored): 3 x Frag needed (mtu = 1428)" \
	"$(fragneeded 1428) / $(summary)" "3 / 3 packets transmitted, 0 received, 3 errors"
check_eq "vrA drops.too_big +3" "vrA: $(vdiff m2 m3 vrA) | vrB: $(vdiff m2 m3 vrB)" \
	"vrA: drops.too_big +3 | vrB: "

# The limit, to the byte: 1429 does not fit, 1428 does.
mtu_ping a1 172.16.2.10 -c 2 -s 1401 -M probe
vsnap m4 vrA vrB
check_eq "1429 bytes with DF: 2 x Frag needed (mtu = 1428)" \
	"$(fragneeded 1428) / $(summary)" "2 / 2 packets transmitted, 0 received, 2 errors"
check_eq "1429 bytes: vrA drops.too_big +2" \
	"vrA: $(vdiff m3 m4 vrA) | vrB: $(vdiff m3 m4 vrB)" \
	"vrA: drops.too_big +2 | vrB: "
mtu_ping a1 172.16.2.10 -c 5 -s 1400 -M do
vsnap m5 vrA vrB
check_eq "1428 bytes with DF: 5 of 5 replies" "$(summary)" \
	"5 packets transmitted, 5 received, 0 errors"
check_eq "1428 bytes with DF: 5 x 1428 bytes each way" \
	"vrA: $(vdiff m4 m5 vrA) | vrB: $(vdiff m4 m5 vrB)" \
	"vrA: $(vtraffic 5 7140 '' 'peers[10.0.0.2].' 'vns[1].') | vrB: $(vtraffic 5 7140 '' 'peers[10.0.0.1].' 'vns[1].')"

# ---- the longest packets ---------------------------------------------------------
# With conntrack in vrA, fragments are reassembled before its hook. A host's
# 65,463-byte datagram still fits (65,535 bytes with the outer headers and
# ours); one of 65,464 bytes does not: drops.too_long, where the header's
# 16-bit size field would otherwise wrap (and cut a TCP channel).
ct_on() {
	ip netns exec vrA nft -f - <<-'NFT'
	table ip defrag {
		chain pre {
			type filter hook prerouting priority filter;
			ct state new counter
		}
	}
	NFT
}
check "vrA: conntrack on (fragments reassembled)" ct_on
vsnap l0 vrA vrB
mtu_ping a1 172.16.2.10 -c 1 -s 65435 -M dont
vsnap l1 vrA vrB
check_eq "a1 -> b1, 65,463 bytes without DF: 1 of 1 reply" "$(summary)" \
	"1 packets transmitted, 1 received, 0 errors"
check_eq "65,463 bytes: no drop" \
	"vrA: $(vdiff l0 l1 vrA drops) | vrB: $(vdiff l0 l1 vrB drops)" "vrA:  | vrB: "
mtu_ping a1 172.16.2.10 -c 2 -s 65436 -M dont
vsnap l2 vrA vrB
check_eq "a1 -> b1, 65,464 bytes: no reply" "$(summary)" \
	"2 packets transmitted, 0 received, 0 errors"
check_eq "65,464 bytes: vrA drops.too_long +2, vrB sees nothing" \
	"vrA: $(vdiff l1 l2 vrA) | vrB: $(vdiff l1 l2 vrB)" \
	"vrA: drops.too_long +2 | vrB: "
check "vrA: conntrack off" ip netns exec vrA nft delete table ip defrag

# ---- TCP with 1500-byte host MTU ------------------------------------------------
vsnap t0 vrA vrB
check_eq "TCP b1 -> a1: 4 MiB sent and received, same SHA-256" \
	"$(vine_tcp_xfer b1 a1 172.16.1.10 4194304)" ok
vsnap t1 vrA vrB
check_range "TCP b1 -> a1: vrB answered too_big (path MTU discovery)" \
	"$(vsnap_delta t0 t1 vrB drops.too_big)" 1 100000
# CoDel's drops (rx_codel, tx_codel) are a TCP load's due: see pipe.c.
check_eq "TCP b1 -> a1: no other drop" \
	"vrA: $(vdiff t0 t1 vrA drops "$CODEL") | vrB: $(vdiff t0 t1 vrB drops "drops.too_big|$CODEL")" \
	"vrA:  | vrB: "

vsnap t2 vrA vrB
check_eq "TCP a1 -> b1: 10 MiB sent and received, same SHA-256" \
	"$(vine_tcp_xfer a1 b1 172.16.2.10 10485760)" ok
vsnap t3 vrA vrB
check_range "TCP a1 -> b1: vrA answered too_big (path MTU discovery)" \
	"$(vsnap_delta t2 t3 vrA drops.too_big)" 1 100000
check_eq "TCP a1 -> b1: no other drop" \
	"vrA: $(vdiff t2 t3 vrA drops "drops.too_big|$CODEL") | vrB: $(vdiff t2 t3 vrB drops "$CODEL")" \
	"vrA:  | vrB: "
check_range "TCP a1 -> b1: vrB delivered at least 10 MiB of inner bytes" \
	"$(vsnap_delta t2 t3 vrB rx_bytes)" 10485760 20000000
check_eq "a1 learnt path MTU 1428 for b1" \
	"$(ip -n a1 route get 172.16.2.10 | grep -o 'mtu [0-9]*')" "mtu 1428"

ktap_finished
