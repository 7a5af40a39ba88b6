#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A limited VR behind a NAT that lets nothing new in, served by a queue VR
# (dissertation "Firewall traversal"; issue 4):
#
#   q1 - vrQ 10.0.0.1 ----+
#                          wan 10.0.0.0/24 (br0, the "Internet")
#   r1 - vrR 10.0.0.2 ----+
#                          |
#                       natL 10.0.0.3: masquerade, drops new inbound,
#                          |   conntrack UDP timeout 3 s
#   l1 - vrL 192.168.100.2 (limited, queue VR vrQ)
#
# VN 1 spans the three sites. vrR reaches l1's site through vrQ with a
# route of type queue (3 VR hops: vrR, vrQ, vrL); vrL reaches both other
# sites directly (outbound). Checked: vrL falls back from a dead first
# queue VR to vrQ; the channel comes up on both sides with the NAT's
# public address; every pair of hosts talks both ways; the NAT lets
# nothing new in; NULL keepalives hold the NAT mapping across idle
# periods longer than its timeout (and without them it is lost); a cut
# channel queues up to queue-size, flushes exactly once and in order, and
# counts the rest as queue_full; a NAT rebinding moves vrQ after the next
# authenticated packet, a forged or replayed GET from elsewhere does not;
# events; away from its preferred queue VR, vrL goes back to it when it
# answers again; "limited no" says goodbye and vrQ forgets the channel.

source "$(dirname "$0")/lib.sh"

ktap_plan 43

check "insmod vine.ko" vine_load

POLL=500		# vrL's poll interval, ms

check_sh "topology: vrL behind natL, vrQ, vrR" vine_limited_up

ip netns exec vrQ vinectl monitor >"$VINE_TMP/mon.Q" 2>&1 &
ip netns exec vrL vinectl monitor >"$VINE_TMP/mon.L" 2>&1 &
sleep 1		# the listeners join the group
# Its first queue VR, 10.0.0.9, does not exist: after three unanswered
# GETs vrL falls back to the second, vrQ.
ip netns exec vrL vinectl key set 10.0.0.9 "$VINE_TMP/key.QL"
ip netns exec vrL vinectl vr set limited yes queue-vr 10.0.0.9,10.0.0.1 \
	poll-interval $POLL
check "vrL: falls back to queue VR 10.0.0.1, channel up" \
	wait_chan vrL 10.0.0.1 up
check_eq "vrL: 10.0.0.9 left as a plain peer, never up" \
	"$(vpeer vrL 10.0.0.9 role) $(vpeer vrL 10.0.0.9 channel) $(grep -c '^channel peer 10.0.0.9' "$VINE_TMP/mon.L")" \
	"none none 0"
check "vrQ: vrL's channel up" wait_chan vrQ $L up
check_eq "vrQ: vrL is a limited VR seen at the NAT's address" \
	"$(vpeer vrQ $L role) $(vpeer vrQ $L seen_at | cut -d: -f1)" \
	"limited 10.0.0.3"
check_eq "vrL: 10.0.0.1 is its queue VR" "$(vpeer vrL 10.0.0.1 role)" \
	"queue-vr"

# ---- every pair, both ways ---------------------------------------------
vsnap s0 vrQ vrR vrL
check_eq "r1 -> l1 through vrQ (3 VR hops): 5 of 5 replies" \
	"$(vping r1 172.16.3.10 5)" 5
vsnap s1 vrQ vrR vrL
check_eq "r1 -> l1: vrR sends 5 queue packets to vrQ, vrQ relays 5 to vrL" \
	"$(vsnap_delta s0 s1 vrR 'peers[10.0.0.1].tx_packets') $(vsnap_delta s0 s1 vrQ 'peers[10.0.0.2].rx_packets') $(vsnap_delta s0 s1 vrQ "peers[$L].tx_packets") $(vsnap_delta s0 s1 vrL 'peers[10.0.0.1].rx_packets')" \
	"5 5 5 5"
check_eq "r1 -> l1: replies go straight from vrL to vrR" \
	"$(vsnap_delta s0 s1 vrL 'peers[10.0.0.2].tx_packets') $(vsnap_delta s0 s1 vrR "peers[$L].rx_packets")" \
	"5 5"
check_eq "l1 -> r1: 5 of 5 replies" "$(vping l1 172.16.2.10 5)" 5
check_eq "q1 -> l1: 5 of 5 replies" "$(vping q1 172.16.3.10 5)" 5
check_eq "l1 -> q1: 5 of 5 replies" "$(vping l1 172.16.1.10 5)" 5
check_eq "q1 -> r1 and r1 -> q1: 5 and 5 replies" \
	"$(vping q1 172.16.2.10 5) $(vping r1 172.16.1.10 5)" "5 5"
vsnap s2 vrQ vrR vrL
check_eq "no drop anywhere" \
	"$(vdiffs s0 s2 drops '' vrQ vrR vrL)" "vrQ:  | vrR:  | vrL: "

# ---- natL lets nothing new in -----------------------------------------
blocked() {
	ip netns exec natL nft list counter ip fw blocked |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
b0=$(blocked)
ip netns exec wan $VINE_PY "$VINE_PKT" seqsend --to 10.0.0.3 --port 2247 \
	--count 3 >/dev/null
check_eq "natL drops 3 datagrams from the WAN to its port 2247" \
	"$(($(blocked) - b0))" 3

# ---- keepalives hold the NAT mapping -----------------------------------
# GETs every 20 s, no NULLs: the 3 s mapping dies while vrQ still
# believes the channel up (for 60 s), and its packets are lost.
ip netns exec vrL vinectl vr set poll-interval 20000 keepalive 0
sleep 6
check_eq "poll 20 s, no keepalive, idle 6 s: r1 -> l1 0 of 3 replies" \
	"$(vping r1 172.16.3.10 3)" 0
# NULLs every second, the first at once (the change kicks the channel).
ip netns exec vrL vinectl vr set keepalive 1000
sleep 2
check_eq "keepalive 1 s: r1 -> l1 5 of 5 replies" "$(vping r1 172.16.3.10 5)" 5
sleep 7
check_eq "keepalive 1 s, idle 7 s: r1 -> l1 5 of 5 replies" \
	"$(vping r1 172.16.3.10 5)" 5
ip netns exec vrL vinectl vr set poll-interval $POLL keepalive 0
sleep 1

# ---- channel flap: queue, then flush in order ---------------------------
ip netns exec vrQ vinectl vr set queue-size 50
ip netns exec l1 $VINE_PY "$VINE_PKT" seqrecv --bind 172.16.3.10 \
	--port 9000 --out "$VINE_TMP/seq" &
sleep 0.5
vsnap f0 vrQ
ip netns exec natL nft insert rule ip fw filt drop
check "cut: vrQ sees vrL's channel down" wait_chan vrQ $L down 5
ip netns exec r1 $VINE_PY "$VINE_PKT" seqsend --to 172.16.3.10 --port 9000 \
	--count 80 >/dev/null
sleep 0.5
check_eq "80 datagrams while down: 50 wait at vrQ" \
	"$(vpeer vrQ $L queue_len)" 50
# natL's forward chain as vine_limited_up made it.
fw_restore() {
	ip netns exec natL nft flush chain ip fw filt
	ip netns exec natL nft add rule ip fw filt ct state established,related accept
	ip netns exec natL nft add rule ip fw filt iifname wan0 counter name blocked drop
}
fw_restore
check "restored: vrQ sees vrL's channel up" wait_chan vrQ $L up 5
sleep 1
vsnap f1 vrQ
check_eq "l1 got datagrams 1 to 50, once each, in order" \
	"$(tr '\n' ' ' <"$VINE_TMP/seq")" "$(seq -s ' ' 1 50) "
check_eq "vrQ: 30 counted as queue_full, nothing else dropped" \
	"$(vdiff f0 f1 vrQ drops)" "drops.queue_full +30"
check_eq "vrQ: queue empty again" \
	"$(vpeer vrQ $L queue_len) $(vpeer vrQ $L queue_bytes)" "0 0"

# ---- NAT rebinding and spoofing ----------------------------------------
seen0=$(vpeer vrQ $L seen_at)
ip netns exec natL nft flush chain ip nat post
ip netns exec natL nft add rule ip nat post oifname wan0 meta l4proto udp \
	masquerade to :40000
ip netns exec natL nft add rule ip nat post oifname wan0 masquerade
ip netns exec natL conntrack -F 2>/dev/null
sleep 2
check_eq "rebinding: vrQ follows vrL to 10.0.0.3:40000 (was $seen0)" \
	"$(vpeer vrQ $L seen_at)" "10.0.0.3:40000"
check_eq "after rebinding: r1 -> l1 5 of 5 replies" \
	"$(vping r1 172.16.3.10 5)" 5
vsnap p0 vrQ
# From the WAN switch's address: a GET claiming to be vrL with a wrong
# key, then one with the right key but an old counter (a replay).
ip netns exec wan $VINE_PY "$VINE_PKT" send --from 10.0.0.254 --to 10.0.0.1 \
	--key-hex "$(printf '%064d' 7)" --counter 99 --type 2 --inner chan \
	--vnid 0 --src-vr $L --dst-vr 10.0.0.1 >/dev/null
ip netns exec wan $VINE_PY "$VINE_PKT" send --from 10.0.0.254 --to 10.0.0.1 \
	--key-file "$VINE_TMP/key.QL" --counter 1 --type 2 --inner chan \
	--vnid 0 --src-vr $L --dst-vr 10.0.0.1 >/dev/null
vsnap p1 vrQ
check_eq "forged GET: bad_mac; replayed GET: replay" \
	"$(vdiff p0 p1 vrQ drops)" "drops.bad_mac +1, drops.replay +1"
check_eq "vrQ still sends to 10.0.0.3:40000" "$(vpeer vrQ $L seen_at)" \
	"10.0.0.3:40000"

# ---- events ------------------------------------------------------------
check_eq "vrQ announced the channel up, down, up" \
	"$(grep '^channel' "$VINE_TMP/mon.Q" | cut -d' ' -f1-7 | tr '\n' ';')" \
	"$(printf 'channel peer %s role limited state %s;' $L up $L down $L up)"
check_sh "vrL announced its queue VR's channel up" \
	grep -q "^channel peer 10.0.0.1 role queue-vr state up" "$VINE_TMP/mon.L"

# ---- vanished: forgotten after 30 more poll intervals ---------------------
ip netns exec natL nft insert rule ip fw filt drop
check "vrL cut off: vrQ sees its channel down" wait_chan vrQ $L down 5
forgotten() {
	local _
	for _ in $(seq 100); do
		[ "$(vpeer vrQ $L role)" = none ] && return 0
		sleep 0.2
	done
	return 1
}
# 30 x 500 ms after down: within 20 s, and not before 14 s, counted from
# when vrQ says the channel went down (channel_since_ms), not from when
# a slow guest got to see it.
t0=$(( $(date +%s%3N) - $(vpeer vrQ $L channel_since_ms) ))
check "after 30 of its poll intervals down, vrQ forgets vrL (role none) within 20 s" \
	forgotten
check_eq "not before 14 s; its channel none; an event said so" \
	"$(( $(date +%s%3N) - t0 >= 14000 )) $(vpeer vrQ $L channel) $(grep -c "^channel peer $L role limited state none" "$VINE_TMP/mon.Q")" \
	"1 none 1"
fw_restore
check "back: its next GET makes it limited again, channel up" \
	wait_chan vrQ $L up 5

# ---- back to the preferred queue VR ---------------------------------------
# Queue VRs vrQ, then vrR. With vrQ cut off from vrL, vrL falls back to
# vrR; with vrQ back, a probe (a GET every 10 poll intervals) finds it and
# vrL returns to it, saying goodbye to vrR.
ip netns exec natL nft insert rule ip fw filt ip daddr 10.0.0.1 drop
ip netns exec vrL vinectl vr set queue-vr 10.0.0.1,10.0.0.2
check "vrQ cut off: vrL falls back to vrR, channel up" \
	wait_chan vrL 10.0.0.2 up 10
check_eq "vrR serves vrL as a limited VR; vrQ is no queue VR of vrL's" \
	"$(vpeer vrR $L role) $(vpeer vrL 10.0.0.1 role)" "limited none"
fw_restore
t0=$(date +%s)
check "vrQ reachable again: vrL goes back to it, channel up" \
	wait_chan vrL 10.0.0.1 up 10
check_eq "within 10 poll intervals and a bit; vrR: goodbye, role none" \
	"$(($(date +%s) - t0 <= 7)) $(vpeer vrL 10.0.0.2 role) $(vpeer vrR $L role) $(vpeer vrQ $L role)" \
	"1 none none limited"
check_eq "r1 -> l1 and l1 -> r1 through vrQ again: 5 and 5 replies" \
	"$(vping r1 172.16.3.10 5) $(vping l1 172.16.2.10 5)" "5 5"

# ---- leaving: limited no stops the channel ------------------------------
ip netns exec vrL vinectl vr set limited no
check_eq "limited no: 10.0.0.1 is a plain peer again" \
	"$(vpeer vrL 10.0.0.1 role) $(vpeer vrL 10.0.0.1 channel)" "none none"
sleep 0.5
check_eq "limited no: its goodbye makes vrL a regular peer at vrQ" \
	"$(vpeer vrQ $L role) $(vpeer vrQ $L channel)" "none none"
check_sh "namespaces deleted: every peer freed, no leak" vine_all_freed

ktap_finished
