#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Races between the TCP transport, the channels and teardown (issue 15,
# defects 1 and 2). Each round builds the limited-VR topology of
# limited.sh with vrL's channel over TCP (poll channel) and vrQ <-> vrR
# routes of proto tcp, then, for a few seconds under traffic both ways:
# connections reset by an nft rule toggled on and off at vrQ, keys set
# again and again, vrR's peer at vrQ deleted and created again (its
# connection goes with it), vrL's channel closed and reopened; and the
# namespaces are deleted while all that still runs (the churn goes on
# for SECS seconds, and longer until it has reset a connection and
# re-created the peer). After every round no peer and no connection may
# be left (slub_debug counts them). The last round ends with the module
# unloaded under load, namespaces alive.
#
# Pass/fail is mostly the kernel's: the runner fails the run on any
# warning, and the debug kernel adds KASAN, lockdep and kmemleak. The
# checks below make sure the races were really run (traffic passed,
# connections were reset, the peer was re-created).
#
#   VINE_CHURN_ROUNDS (2), VINE_CHURN_SECS (6): rounds and their length

source "$(dirname "$0")/lib.sh"

ROUNDS=${VINE_CHURN_ROUNDS:-2}
SECS=${VINE_CHURN_SECS:-6}

ktap_plan $((5 * ROUNDS + 3))

check "insmod vine.ko" vine_load
vinectl genkey >"$VINE_TMP/key.alt"

# round_up: the topology, vrL limited over a TCP channel, vrQ <-> vrR TCP.
round_up() {
	vine_limited_up || return 1
	ip netns exec vrL vinectl vr set limited yes queue-vr 10.0.0.1 \
		poll channel poll-interval 200 &&
	ip netns exec vrQ vinectl route replace 1 172.16.2.0/24 via 10.0.0.2 \
		proto tcp &&
	ip netns exec vrR vinectl route replace 1 172.16.1.0/24 via 10.0.0.1 \
		proto tcp &&
	wait_chan vrQ $L up 10 &&
	ip netns exec vrQ nft -f - <<-'NFT'
	table ip churn {
		counter resets { }
		chain in {
			type filter hook input priority filter; policy accept;
		}
	}
	NFT
}

# traffic: pings both ways through every pair until the namespaces go.
traffic() {
	local pair
	for pair in q1:172.16.2.10 r1:172.16.1.10 r1:172.16.3.10 \
		    l1:172.16.2.10 l1:172.16.1.10; do
		ip netns exec "${pair%%:*}" busybox ping -q -i 0.05 -w $((SECS + 120)) \
			"${pair#*:}" >/dev/null 2>&1 &
	done
}

# churn STOPFILE: the races, until STOPFILE exists or the namespaces go.
churn() {
	local stop=$1 i=0
	while [ ! -e "$stop" ]; do
		i=$((i + 1))
		ip netns exec vrQ nft add rule ip churn in \
			tcp dport 2247 counter name resets reject with tcp reset
		sleep 0.2
		ip netns exec vrQ nft flush chain ip churn in
		ip netns exec vrQ vinectl key set 10.0.0.2 "$VINE_TMP/key.QR"
		ip netns exec vrR vinectl key set 10.0.0.1 "$VINE_TMP/key.QR"
		if [ $((i % 2)) = 0 ]; then
			ip netns exec vrQ sh -c "
				vinectl route del 1 172.16.2.0/24
				vinectl key del 10.0.0.2
				vinectl key set 10.0.0.2 $VINE_TMP/key.QR
				vinectl route add 1 172.16.2.0/24 via 10.0.0.2 proto tcp"
			echo recreated >>"$VINE_TMP/churn.log"
		fi
		if [ $((i % 3)) = 0 ]; then
			ip netns exec vrL vinectl vr set limited no
			ip netns exec vrL vinectl vr set limited yes
		fi
		sleep 0.2
	done >/dev/null 2>&1
}

# teardown: the namespaces die, their pings killed at the same time (a
# process keeps its namespace alive); then no peer and no connection is
# left.
teardown() {
	local ns
	for ns in "${ktap_namespaces[@]}"; do
		kill $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null
	done
	ns_cleanup
	vine_slab_settles vine_peer 0 && vine_slab_settles vine_conn 0
}

resets() {
	ip netns exec vrQ nft list counter ip churn resets 2>/dev/null |
		sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# churned: the churn has reset a connection and re-created the peer.
churned() {
	[ "$(resets)" -ge 1 ] 2>/dev/null &&
		grep -q recreated "$VINE_TMP/churn.log" 2>/dev/null
}

for round in $(seq "$ROUNDS"); do
	rm -f "$VINE_TMP/churn.stop" "$VINE_TMP/churn.log"
	check_sh "round $round: topology, TCP channel and routes up" round_up
	s0=$(vstat vrQ rx_packets)
	traffic
	churn "$VINE_TMP/churn.stop" &
	churner=$!
	sleep "$SECS"
	# At least one reset and one re-created peer, however slow the
	# kernel (a debug kernel's commands take a second each).
	vine_poll 120 0.5 churned
	check_range "round $round: vrQ received traffic meanwhile" \
		$(($(vstat vrQ rx_packets) - s0)) 20 1000000
	check_range "round $round: connections reset meanwhile" \
		"$(resets)" 1 1000000
	check_range "round $round: vrR's peer re-created at vrQ meanwhile" \
		"$(grep -c recreated "$VINE_TMP/churn.log")" 1 1000
	if [ "$round" -lt "$ROUNDS" ]; then
		# The namespaces die with traffic and churn still running.
		check_sh "round $round: namespaces deleted under load: no peer, no connection left" \
			teardown
	else
		check "round $round: rmmod vine under load, namespaces alive" \
			vine_unload
	fi
	touch "$VINE_TMP/churn.stop"
	wait "$churner"
	teardown >/dev/null 2>&1
	wait
done

check "insmod vine.ko again" vine_load
check_eq "a fresh VR" "$(vinectl -j status)" \
	'{"module":"0.1.0","generation":0,"vns":0,"hosts":0,"routes":0,"peers":0}'

ktap_finished
