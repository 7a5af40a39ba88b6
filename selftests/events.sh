#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "events" multicast group, through `vinectl monitor`: every change is
# announced with its words and its generation (never a key), in the
# namespace where it happened only; a peer's first authenticated packet
# announces where it came from (peer-seen), and only once; vinectl peer
# list/show tell where and when each peer was last seen. A listener that
# falls behind is told it lost events (ENOBUFS) and goes on.

source "$(dirname "$0")/lib.sh"

ktap_plan 12

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, MAC hmac-sha256" vine_topology_up hmac-sha256

# monitor NS NAME [-j]: vinectl monitor in NS, into $VINE_TMP/NAME.
monitor() {
	ip netns exec "$1" vinectl ${3:-} monitor >"$VINE_TMP/$2" 2>&1 &
}
monitor vrB mon.B
monitor vrB mon.Bj -j
monitor vrC mon.C
sleep 1		# the listeners join the group

g=$(vgen vrB)
V() { ip netns exec vrB vinectl "$@"; }
V vn create 5 name "ev \"five\""
V vn join 5 172.16.2.50
V route add 5 172.16.7.0/24 via 10.0.0.3 port 4000 type regular
V route replace 5 172.16.7.0/24 via 10.0.0.1
V key set 10.0.0.3 "$VINE_TMP/key.BC"
V vr set private-key "$VINE_TMP/key.BC"
V vr set port 2247 space 172.16.0.0/12 mac hmac-sha256
V vn leave 5 172.16.2.50
V route del 5 172.16.7.0/24
V vn delete 5
# a1 -> b1: vrB sees vrA's first authenticated packet (once, not 3 times).
vping a1 172.16.2.10 3 >/dev/null
sleep 1

want="new-vn vn 5 name ev \"five\" generation $((g + 1))
new-host vn 5 host 172.16.2.50 generation $((g + 2))
new-route vn 5 prefix 172.16.7.0/24 via 10.0.0.3 port 4000 type regular generation $((g + 3))
new-route vn 5 prefix 172.16.7.0/24 via 10.0.0.1 replace yes generation $((g + 4))
set-key peer 10.0.0.3 generation $((g + 5))
set-vr generation $((g + 6))
set-vr space 172.16.0.0/12 mac hmac-sha256 port 2247 generation $((g + 7))
del-host vn 5 host 172.16.2.50 generation $((g + 8))
del-route vn 5 prefix 172.16.7.0/24 generation $((g + 9))
del-vn vn 5 generation $((g + 10))
peer-seen peer 10.0.0.1 addr 10.0.0.1 port 2247"
check_eq "vrB: each change once, in order, then peer-seen" \
	"$(cat "$VINE_TMP/mon.B")" "$want"
check_eq "vrB -j: the same as JSON, one object a line" \
	"$(sed -n '1p;11p' "$VINE_TMP/mon.Bj")" \
	"{\"event\":\"new-vn\",\"vn\":5,\"name\":\"ev \\\"five\\\"\",\"generation\":$((g + 1))}
{\"event\":\"peer-seen\",\"peer\":\"10.0.0.1\",\"addr\":\"10.0.0.1\",\"port\":2247}"
check_eq "no event carries a key (set-key: the peer only; set-vr private-key: nothing)" \
	"$(grep -c '"key"' "$VINE_TMP/mon.Bj" | tr -d '\n')" 0
check_eq "vrC heard nothing of vrB (events stay in their namespace)" \
	"$(cat "$VINE_TMP/mon.C")" ""

# vinectl peer list / show: where and when each peer was last seen.
jpeer() {
	ip netns exec vrB vinectl -j peer show "$1" |
		sed 's/"last_seen_ms":\([0-9]*\)/"last_seen_ms":<\1>/'
}
pj=$(jpeer 10.0.0.1)
ms=$(echo "$pj" | sed -n 's/.*"last_seen_ms":<\([0-9]*\)>.*/\1/p')
check_eq "vrB: -j peer show 10.0.0.1 (seen at 10.0.0.1:2247, 3 pings each way)" \
	"$(echo "$pj" | sed "s/<$ms>/<MS>/")/$([ "${ms:-x}" -lt 10000 ] 2>/dev/null && echo recent)" \
	'{"id":"10.0.0.1","key":true,"seen":true,"seen_at":"10.0.0.1:2247","last_seen_ms":<MS>,"role":"none","mode":"none","channel":"none","channel_since_ms":0,"queue_len":0,"queue_bytes":0,"tcp":"none","tx_packets":3,"tx_bytes":252,"rx_packets":3,"rx_bytes":252,"drops":0}/recent'
check_eq "vrB: peer list: 10.0.0.1 seen, 10.0.0.3 never" \
	"$(ip netns exec vrB vinectl peer list | awk '{ print $1, $2, $3, $4 }')" \
	"ID KEY SEEN SEEN_AT
10.0.0.1 yes yes 10.0.0.1:2247
10.0.0.3 yes no -"
check_fails "peer show of an unknown peer" 1 \
	"vinectl: no such peer VR: 10.9.9.9 (see vinectl peer list)" \
	ip netns exec vrB vinectl peer show 10.9.9.9

# A new source port for vrA (as after a NAT rebinding): announced again,
# once. (vrB still answers to port 2247: the pings get no reply.)
ip netns exec vrA vinectl vr set port 2300
vping a1 172.16.2.10 2 >/dev/null
sleep 1
check_eq "vrA moved to port 2300: peer-seen again, once" \
	"$(grep '^peer-seen' "$VINE_TMP/mon.B")" \
	"peer-seen peer 10.0.0.1 addr 10.0.0.1 port 2247
peer-seen peer 10.0.0.1 addr 10.0.0.1 port 2300"

# A monitor stopped while 2,000 changes happen: its socket's buffer (about
# 200 KB) overflows; resumed, it says so and prints what comes next.
ip netns exec vrC vinectl monitor >"$VINE_TMP/mon.C2" 2>"$VINE_TMP/mon.C2.err" &
mpid=$!
sleep 1		# the listener joins the group
kill -STOP "$mpid"
{
	echo "vn create 6"
	for i in $(seq 2000); do
		echo "vn join 6 172.20.$((i / 250)).$((i % 250 + 1))"
	done
} >"$VINE_TMP/many"
check "vrC: vn create 6 and 2,000 hosts while its monitor is stopped" \
	ip netns exec vrC vinectl -b "$VINE_TMP/many"
kill -CONT "$mpid"
lost() { grep -q 'events lost' "$VINE_TMP/mon.C2.err"; }
vine_poll 100 0.1 lost
ip netns exec vrC vinectl vn delete 6
last() { tail -n 1 "$VINE_TMP/mon.C2" | grep -q '^del-vn vn 6 '; }
vine_poll 100 0.1 last
check_eq "its monitor: events lost, said once on stderr; then del-vn vn 6" \
	"$(cat "$VINE_TMP/mon.C2.err") / $(tail -n 1 "$VINE_TMP/mon.C2" | cut -d' ' -f1-3)" \
	"vinectl: events lost (ENOBUFS): read the tables again / del-vn vn 6"
kill "$mpid"
ktap_finished
