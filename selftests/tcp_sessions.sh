#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sessions over a TCP-only path (issue 16): vrA and vrB of Figure 3-10
# know each other by public key, route VN 1 to each other with proto tcp,
# and a firewall on each drops their ViNe UDP to the other (as tcp.sh).
# The handshake goes over the TCP connection, its answer back on it;
# pings cross, encrypted too, with no UDP tried; after vrB loses its
# sessions, it asks vrA for a handshake over TCP and traffic goes on.

source "$(dirname "$0")/lib.sh"

ktap_plan 11

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology" vine_topology_up
check_sh "vrA, vrB: key pairs, each the other's public key" vine_session_keys

check_sh "vrA <-> vrB: routes of proto tcp, their ViNe UDP dropped" vine_tcp_up


vsnap t0 vrA vrB
check_eq "a1 -> b1: 5 of 5 replies, the first after a handshake over TCP" \
	"$(vping a1 172.16.2.10 5)" 5
vsnap t1 vrA vrB
check_eq "one handshake; no ViNe UDP tried by either VR" \
	"$(vsnap_delta t0 t1 vrA handshakes.init_sent) $(vsnap_delta t0 t1 vrA handshakes.resp_received) $(vsnap_delta t0 t1 vrB handshakes.init_received) | $(vine_tcp_udp vrA) $(vine_tcp_udp vrB) | $(vpeer vrA 10.0.0.2 tcp)" \
	"1 1 1 | 0 0 | up"

encrypting() {
	ip netns exec vrA vinectl vr set encrypt yes &&
	ip netns exec vrB vinectl vr set encrypt yes
}
check_sh "vrA, vrB: encrypt yes" encrypting
check_eq "encrypted over TCP: 5 of 5 replies; no drop" \
	"$(vping a1 172.16.2.10 5) | $(vsnap t2 vrA vrB; vdiffs t1 t2 drops '' vrA vrB)" \
	"5 | vrA:  | vrB: "

# vrB loses its sessions: vrA's next packet asks it for a handshake,
# which goes over TCP (the way vrB sends to vrA).
t_reset=$(date +%s%3N)
check "vrB: key set 10.0.0.1 public-key again (sessions gone)" \
	ip netns exec vrB vinectl key set 10.0.0.1 public-key "$(cat "$VINE_TMP/pub.A")"
vping a1 172.16.2.10 1 >/dev/null	# lost: vrB has no session
check "vrB made a new session over TCP; vrA uses it" \
	vine_until 40 0.25 '[ "$(vine_pfield vrB 10.0.0.1 session_age_ms)" != none ] &&
		[ "$(vine_pfield vrA 10.0.0.2 session_age_ms)" -lt $(( $(date +%s%3N) - t_reset )) ]'
check_eq "a1 -> b1 again: 5 of 5 replies; still no ViNe UDP" \
	"$(vping a1 172.16.2.10 5) | $(vine_tcp_udp vrA) $(vine_tcp_udp vrB)" "5 | 0 0"

ktap_finished
