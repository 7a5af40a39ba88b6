#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# GSO: with mac none a VR sends a host's TCP super-packet whole, as one UDP
# tunnel GSO packet (cut, if ever, into ViNe packets that each carry the
# header); with a MAC it cuts it first, since every ViNe packet has its
# own MAC and counter. Either way the counters count the packets the
# hosts sent, the same at both VRs, and the data arrives intact.
#
# The WAN bridge counts frames to UDP port 2247: one per GSO packet.

source "$(dirname "$0")/lib.sh"

ktap_plan 11
N=4194304	# 4 MiB

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, MAC none" vine_topology_up none
check "WAN counters" vine_wan_counters_up

# xfer TAG: a1 -> b1, N bytes; then "tx(A) tx(B) | rx(B) rx(A)" (packets
# and bytes) and the frames the WAN saw, as shell variables.
xfer() {
	local w0 w1
	vsnap "$1.0" vrA vrB
	w0=$(vine_wan_count vine)
	res=$(vine_tcp_xfer a1 b1 172.16.2.10 "$N")
	w1=$(vine_wan_count vine)
	vsnap "$1.1" vrA vrB
	frames=$((w1 - w0))
	d() { vsnap_delta "$1.0" "$1.1" "$2" "$3"; }
	sent="$(d "$1" vrA tx_packets) $(d "$1" vrA tx_bytes) $(d "$1" vrB tx_packets) $(d "$1" vrB tx_bytes)"
	got="$(d "$1" vrB rx_packets) $(d "$1" vrB rx_bytes) $(d "$1" vrA rx_packets) $(d "$1" vrA rx_bytes)"
	packets=$(($(d "$1" vrA tx_packets) + $(d "$1" vrB tx_packets)))
	inner=$(d "$1" vrB rx_bytes)
	drops="vrA: $(vdiff "$1.0" "$1.1" vrA drops "drops.too_big|$VINE_CODEL_DROPS") | vrB: $(vdiff "$1.0" "$1.1" vrB drops "$VINE_CODEL_DROPS")"
}

xfer none
check_eq "mac none: TCP a1 -> b1, 4 MiB, same SHA-256 at both ends" "$res" ok
check_eq "mac none: what each VR sent, the other received (packets, bytes)" "$sent" "$got"
check_range "mac none: vrB delivered 4 MiB and the headers" "$inner" "$N" $((N * 11 / 10))
check_range "mac none: GSO, fewer frames on the WAN ($frames) than ViNe packets ($packets)" \
	"$frames" 1 $((packets * 3 / 4))
echo "# mac none: $packets ViNe packets in $frames frames"
drops_none=$drops

ip netns exec vrA vinectl vr set mac hmac-sha256
ip netns exec vrB vinectl vr set mac hmac-sha256
xfer hmac
check_eq "hmac-sha256: TCP a1 -> b1, 4 MiB, same SHA-256 at both ends" "$res" ok
check_eq "hmac-sha256: what each VR sent, the other received (packets, bytes)" "$sent" "$got"
check_eq "hmac-sha256: one frame on the WAN per ViNe packet" "$frames" "$packets"
check_eq "no drop but too_big, at either VR, in either mode" \
	"$drops_none / $drops" "vrA:  | vrB:  / vrA:  | vrB: "
ktap_finished
