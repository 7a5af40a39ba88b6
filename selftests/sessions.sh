#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sessions (issue 16): vrA and vrB of Figure 3-10 know each other by
# public key. The first packet waits for a handshake, which is on the
# wire as one INIT and data packets with the session flag and counters
# from 0. Then every old datagram is refused, counted by its reason:
# data replayed within its session (replay), the initiation replayed
# (hs_replay), altered (handshake), a static-key packet (no_session),
# and data captured before vrB lost its sessions, or before the module
# was reloaded and both VRs configured again (no_session). After each,
# traffic finds its way again through a new handshake.

source "$(dirname "$0")/lib.sh"

ktap_plan 22

T=$VINE_TMP

# keys: a key pair for vrA and vrB; each knows the other by public key.
keys() {
	local x
	for x in A B; do
		[ -f "$T/priv.$x" ] || vinectl genkey >"$T/priv.$x" || return 1
		vinectl pubkey <"$T/priv.$x" >"$T/pub.$x" || return 1
		ip netns exec "vr$x" vinectl vr set private-key "$T/priv.$x" ||
			return 1
	done
	ip netns exec vrA vinectl key set 10.0.0.2 public-key "$(cat "$T/pub.B")" &&
	ip netns exec vrB vinectl key set 10.0.0.1 public-key "$(cat "$T/pub.A")"
}

# pfield NS PEER FIELD: one field of `vinectl -j peer show`, or "none".
pfield() {
	ip netns exec "$1" vinectl -j peer show "$2" >"$T/peer.json" &&
		$VINE_PY "$VINE_PKT" jget "$T/peer.json" "$3" 2>/dev/null |
		sed 's/^<no .*/none/'
}

# capture N FILE: vrA's next N packets to vrB, saved to FILE; prints
# "type flags reserved2-is-0 counter" a packet.
capture_start() {
	rm -f "$T/cap.ready" "$2"
	ip netns exec wan $VINE_PY "$VINE_PKT" capture --iface vrA \
		--src 10.0.0.1 --count "$1" --timeout 60 --save "$2" \
		--fields type,flags,reserved2 --ready "$T/cap.ready" \
		>"$2.txt" &
	cap_pid=$!
	vine_wait_file "$T/cap.ready"
}

capture_summary() {
	wait "$cap_pid"
	awk '{ split($3, f, /[:,}]/); printf "%s%s/%s/%s", (NR > 1 ? " " : ""), f[2], f[4], $1 }' "$1.txt"
}

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology" vine_topology_up
check "vrA, vrB: private keys; each the other's public key" keys
check_eq "vrA: peer 10.0.0.2 shows its public key, no handshake yet" \
	"$(pfield vrA 10.0.0.2 public_key) $(pfield vrA 10.0.0.2 last_handshake_ms)" \
	"$(cat "$T/pub.B") none"

# The first exchange: an INIT, then the 5 echo requests, counters 0 to 4.
capture_start 6 "$T/cap1"
vsnap s0 vrA vrB
check_eq "a1 -> b1: 5 of 5 replies, the first after a handshake" \
	"$(vping a1 172.16.2.10 5)" 5
vsnap s1 vrA vrB
check_eq "on the wire: INIT, then 5 data packets (flags mac|session), counters 0-4" \
	"$(capture_summary "$T/cap1")" \
	"4/0/0 0/5/0 0/5/1 0/5/2 0/5/3 0/5/4"
check_eq "vrA, vrB: 5 x 84 bytes each way, no drop" \
	"$(vdiffs s0 s1 '' '' vrA vrB)" \
	"vrA: $(vtraffic 5 420 '' 'peers[10.0.0.2].' 'vns[1].') | vrB: $(vtraffic 5 420 '' 'peers[10.0.0.1].' 'vns[1].')"
check "vrA and vrB: last_handshake and session_age shown" \
	sh -c "[ \"\$(ip netns exec vrA vinectl -j peer show 10.0.0.2 | grep -c '\"last_handshake_ms\":[0-9]*,.*\"session_age_ms\":[0-9]')\" = 1 ] &&
	       [ \"\$(ip netns exec vrB vinectl -j peer show 10.0.0.1 | grep -c '\"last_handshake_ms\":[0-9]*,.*\"session_age_ms\":[0-9]')\" = 1 ]"

# until N PAUSE EXPR: vine_poll for shell code (this shell's functions).
until_true() {
	local n=$1 pause=$2 _
	for _ in $(seq "$n"); do
		eval "$3" && return 0
		sleep "$pause"
	done
	return 1
}

resend() {
	ip netns exec vrA $VINE_PY "$VINE_PKT" resend --from 10.0.0.1 \
		--to 10.0.0.2 "$@" >/dev/null
}

# refused TAG DESC WANT RESEND-ARGS...: vrB's counters while vrA resends.
refused() {
	local tag=$1 desc=$2 want=$3
	shift 3
	vsnap "$tag.0" vrB host:b1
	resend "$@"
	until_true 20 0.25 "vsnap $tag.1 vrB host:b1; [ \"\$(vdiff $tag.0 $tag.1 vrB top)\" = '$want' ]"
	check_eq "$desc" "$(vdiff "$tag.0" "$tag.1" vrB top) | b1: +$(vsnap_delta "$tag.0" "$tag.1" b1 Icmp.InEchos)" \
		"$want | b1: +0"
}

refused r1 "the 5 data packets again: drops.replay +5" "drops.replay +5" \
	--file "$T/cap1" --only 1,2,3,4,5
refused r2 "the INIT again: drops.hs_replay +1" "drops.hs_replay +1" \
	--file "$T/cap1" --only 0
refused r3 "the INIT with a bit of its ephemeral key changed: drops.handshake +1" \
	"drops.handshake +1" --file "$T/cap1" --only 0 --flip 50

# A packet MACed with a static key, to a peer known by its public key.
echo AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= >"$T/key.vector"
vsnap r4.0 vrB
ip netns exec vrA $VINE_PY "$VINE_PKT" send --from 10.0.0.1 --to 10.0.0.2 \
	--key-file "$T/key.vector" --counter 1 --vnid 1 --src-vr 10.0.0.1 \
	--dst-vr 10.0.0.2 --inner vector >/dev/null
vsnap r4.1 vrB
check_eq "a packet with a static key's MAC: drops.no_session +1" \
	"$(vdiff r4.0 r4.1 vrB top)" "drops.no_session +1"

# vrB loses its sessions (its key set again): the old data is refused,
# and the next exchange makes a new session.
t_reset=$(date +%s%3N)
check "vrB: key set 10.0.0.1 public-key again (sessions gone)" \
	ip netns exec vrB vinectl key set 10.0.0.1 public-key "$(cat "$T/pub.A")"
# An index of vrB's new sessions may equal an old one (1 in 65,536): the
# MAC then fails. Either way nothing gets through.
old_refused() {
	local tag=$1 a b
	vsnap "$tag.0" vrB host:b1
	resend --file "$T/cap1" --only 1,2,3,4,5
	until_true 20 0.25 "vsnap $tag.1 vrB host:b1; [ \$(( \$(vsnap_delta $tag.0 $tag.1 vrB drops.no_session) + \$(vsnap_delta $tag.0 $tag.1 vrB drops.bad_mac) )) -ge 5 ]"
	a=$(vsnap_delta "$tag.0" "$tag.1" vrB drops.no_session)
	b=$(vsnap_delta "$tag.0" "$tag.1" vrB drops.bad_mac)
	echo "$((a + b)) rx +$(vsnap_delta "$tag.0" "$tag.1" vrB rx_packets) b1 +$(vsnap_delta "$tag.0" "$tag.1" b1 Icmp.InEchos)"
}
check_eq "vrB without sessions: the 5 captured packets refused (no_session or bad_mac)" \
	"$(old_refused r5)" "5 rx +0 b1 +0"
# Those packets had vrB ask vrA for a handshake: both use its session
# (vrA's began after vrB's key was set again), and nothing is lost.
new_session() {
	until_true 40 0.25 '[ "$(pfield vrB 10.0.0.1 session_age_ms)" != none ] &&
		[ "$(pfield vrA 10.0.0.2 session_age_ms)" -lt $(( $(date +%s%3N) - t_reset )) ]'
}
check "vrB initiated a new session, vrA uses it" new_session
check_eq "a1 -> b1 again: 5 of 5 replies" "$(vping a1 172.16.2.10 5)" 5

# The module reloaded, both VRs configured again with the same keys.
reload() {
	vine_end_namespaces
	vine_unload && vine_load && vine_topology_up && keys
}
check_sh "module reloaded, topology and keys set again" reload
check_eq "after the reload: the 5 captured packets refused (no_session or bad_mac)" \
	"$(old_refused r6)" "5 rx +0 b1 +0"
capture_start 6 "$T/cap2"
check_eq "a1 -> b1: 5 of 5 replies" "$(vping a1 172.16.2.10 5)" 5
check_eq "a new handshake, counters from 0 again" \
	"$(capture_summary "$T/cap2")" \
	"4/0/0 0/5/0 0/5/1 0/5/2 0/5/3 0/5/4"
check_eq "the packets of the new session replayed: drops.replay +5" \
	"$(vsnap r7.0 vrB; resend --file "$T/cap2" --only 1,2,3,4,5; until_true 20 0.25 "vsnap r7.1 vrB; [ \"\$(vdiff r7.0 r7.1 vrB top)\" = 'drops.replay +5' ]"; vdiff r7.0 r7.1 vrB top)" \
	"drops.replay +5"
check "every peer freed once the namespaces are gone" vine_all_freed

ktap_finished
