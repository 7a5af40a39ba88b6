#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A limited VR behind a firewall that drops all UDP (issue 4): its channel
# to the queue VR is TCP (poll tcp) and carries everything. Topology:
# vine_limited_up in lib.sh (vrL behind natL, vrQ, vrR); natL also drops
# every UDP packet it would forward, and vrL reaches vrR through vrQ.
# Checked: with poll udp the channel never comes up; with poll tcp it does
# on one connection; every pair of hosts talks both ways without a UDP
# packet through natL; a TCP transfer crosses both hops byte-exact; a cut
# channel queues at vrQ up to queue-size, and after vrL reconnects the
# queue flushes exactly once and in order, the rest counted queue_full;
# then nothing is left: no packet queued, the cut connections freed, and
# every peer and connection freed with the namespaces.

source "$(dirname "$0")/lib.sh"

ktap_plan 25

check "insmod vine.ko" vine_load
check_sh "topology: vrL behind natL, vrQ, vrR" vine_limited_up

noudp() {
	ip netns exec natL nft -f - <<-'NFT' &&
	table ip noudp {
		counter dropped { }
		chain fw1 {
			type filter hook forward priority -10; policy accept;
			meta l4proto udp counter name dropped drop
		}
	}
	NFT
	ip netns exec vrL vinectl route replace 1 172.16.2.0/24 via 10.0.0.1 \
		type queue vr 10.0.0.2
}
check_sh "natL drops all UDP; vrL reaches vrR through vrQ" noudp
udpdropped() {
	ip netns exec natL nft list counter ip noudp dropped |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

ip netns exec vrL vinectl vr set limited yes queue-vr 10.0.0.1 poll udp \
	poll-interval 500
sleep 3
check_eq "poll udp: vrQ never hears vrL, natL drops its GETs" \
	"$(vpeer vrQ $L role) $(vpeer vrQ $L channel) $([ "$(udpdropped)" -ge 3 ] && echo dropped)" \
	"none none dropped"

ip netns exec vrL vinectl vr set poll channel
check "poll channel: vrQ sees vrL's channel up" wait_chan vrQ $L up
check "poll channel: vrL sees its queue VR's channel up" \
	wait_chan vrL 10.0.0.1 up
check_eq "both sides: mode channel, connection up; vrQ saw vrL at natL" \
	"$(vpeer vrQ $L mode) $(vpeer vrQ $L tcp) $(vpeer vrL 10.0.0.1 mode) $(vpeer vrL 10.0.0.1 tcp) $(vpeer vrQ $L seen_at | cut -d: -f1)" \
	"channel up channel up 10.0.0.3"

# ---- every pair, both ways, and no UDP through natL -------------------------
u0=$(udpdropped)
vsnap s0 vrQ vrR vrL
check_eq "l1 -> q1, q1 -> l1: 5 and 5 replies" \
	"$(vping l1 172.16.1.10 5) $(vping q1 172.16.3.10 5)" "5 5"
check_eq "l1 -> r1, r1 -> l1 (through vrQ): 5 and 5 replies" \
	"$(vping l1 172.16.2.10 5) $(vping r1 172.16.3.10 5)" "5 5"
vsnap s1 vrQ vrR vrL
check_eq "vrQ relayed 10 to vrR and 10 to vrL; natL dropped no UDP" \
	"$(vsnap_delta s0 s1 vrQ 'peers[10.0.0.2].tx_packets') $(vsnap_delta s0 s1 vrQ "peers[$L].tx_packets") $(($(udpdropped) - u0))" \
	"10 20 0"
check_eq "TCP l1 -> r1, 1 MiB over both hops, same SHA-256" \
	"$(vine_tcp_xfer l1 r1 172.16.2.10 1048576)" ok
vsnap s2 vrQ vrR vrL
# too_big left out: how l1 learns the ViNe MTU, the same over TCP (mtu.sh);
# and CoDel's drops, which a slow kernel sees under the TCP transfer.
check_eq "no other drop anywhere" \
	"$(vdiffs s0 s2 drops "drops.too_big|$VINE_CODEL_DROPS" vrQ vrR vrL)" \
	"vrQ:  | vrR:  | vrL: "

# ---- channel cut: queue at vrQ, reconnect, flush in order -------------------
ip netns exec vrQ vinectl vr set queue-size 20
ip netns exec l1 $VINE_PY "$VINE_PKT" seqrecv --bind 172.16.3.10 \
	--port 9000 --out "$VINE_TMP/seq" &
sleep 0.5
vsnap f0 vrQ
ip netns exec natL nft insert rule ip fw filt meta l4proto tcp drop
check "cut: vrQ sees vrL's channel down" wait_chan vrQ $L down 5
ip netns exec r1 $VINE_PY "$VINE_PKT" seqsend --to 172.16.3.10 --port 9000 \
	--count 30 >/dev/null
ip netns exec natL nft delete rule ip fw filt handle \
	"$(ip netns exec natL nft -a list chain ip fw filt | sed -n 's/.*l4proto tcp drop # handle \([0-9]*\)/\1/p')"
check "restored: vrL reconnects, vrQ sees its channel up" \
	wait_chan vrQ $L up 30
sleep 1
vsnap f1 vrQ
check_eq "l1 got datagrams 1 to 20 once each, in order; vrQ: queue_full +10" \
	"$(tr '\n' ' ' <"$VINE_TMP/seq")/ $(vdiff f0 f1 vrQ drops)" \
	"$(seq -s ' ' 1 20) / drops.queue_full +10"

# ---- nothing left behind ----------------------------------------------------
check_eq "vrQ holds nothing more for vrL (queue 0 packets, 0 bytes)" \
	"$(vpeer vrQ $L queue_len) $(vpeer vrQ $L queue_bytes)" "0 0"
check "the cut connections freed: one left on each side (2 in vine_conn)" \
	vine_slab_settles vine_conn 2

# ---- poll tcp: a connection per poll; packets for vrL wait for it -----------
ip netns exec natL nft -f - <<'NFT'
table ip syns {
	counter syns { }
	chain fw {
		type filter hook forward priority -20; policy accept;
		tcp dport 2247 tcp flags & (syn | ack) == syn counter name syns
	}
}
NFT
syns() {
	ip netns exec natL nft list counter ip syns syns |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
ip netns exec vrQ vinectl vr set queue-size 1024
ip netns exec vrL vinectl vr set poll tcp poll-interval 1000
sleep 1.5
check "poll tcp: vrQ sees vrL's channel up" wait_chan vrQ $L up 5
check_eq "both sides: mode tcp" \
	"$(vpeer vrQ $L mode) $(vpeer vrL 10.0.0.1 mode)" "tcp tcp"
sleep 1
# Counted from before the first read to after the last: reading the
# counter takes a while on a slow kernel, and a poll may fall in it.
t0=$(date +%s%N)
n0=$(syns) u0=$(udpdropped)
sleep 4
n1=$(syns)
secs=$((($(date +%s%N) - t0 + 999999999) / 1000000000))
check_range "idle 4 s ($secs s counted): vrL opened one connection a poll (3 to $((secs + 1)))" \
	$((n1 - n0)) 3 $((secs + 1))
check_range "each closed after its poll: at most 4 alive (kept, they would be 8 or more)" \
	"$(vine_slab_live vine_conn)" 0 4
rtt=$(ip netns exec r1 busybox ping -q -c 5 -i 0.2 -W 3 172.16.3.10 2>&1)
check_eq "r1 -> l1: 5 of 5 replies" \
	"$(echo "$rtt" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')" 5
# Sent over 0.8 s, one poll a second: one of them waits 0.8 s or more.
max=$(echo "$rtt" | sed -n 's|.*min/avg/max = [0-9.]*/[0-9.]*/\([0-9]*\).*|\1|p')
check "they waited at vrQ for vrL's poll: the slowest took >= 500 ms (${max} ms)" \
	test "${max:-0}" -ge 500
check_eq "no UDP through natL; vrQ's channel with vrL up all along (>= 4 s)" \
	"$(($(udpdropped) - u0)) $(vpeer vrQ $L channel) $(($(vpeer vrQ $L channel_since_ms) >= 4000))" \
	"0 up 1"

check_sh "namespaces deleted: every peer and connection freed, no leak" \
	vine_all_freed

ktap_finished
