#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Encryption in sessions (issue 16): vrA and vrB of Figure 3-10 know
# each other by public key and `vr set encrypt yes`. The wire-format
# vector of an encrypted packet (vine_pkt.py, checked against the
# module's selftest in unit.sh); datagrams that arrive whole and in
# order at b1 while nothing of them shows on the WAN, with the header's
# flags mac|session|encrypted, when those of VN2 (a static key, MAC only)
# show in clear; a captured packet altered (bad_mac) or
# replayed (replay); a VR that encrypts refuses a session's packets in
# clear (not_encrypted), and one that does not still takes encrypted
# ones; encryption without a MAC mode is refused.

source "$(dirname "$0")/lib.sh"

ktap_plan 14

T=$VINE_TMP
MARK=vine-plaintext-marker-

check_eq "vine_pkt.py: the wire-format vector, encrypted" \
	"$($VINE_PY "$VINE_PKT" vector --encrypted)" \
	01000d00004812340000000000000001000000010a0000010a00000205630fc486621b80db59960d31bc207eda57f343b52aef1869b771f0fe85988d696de9044f6b8567d150b55a
check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology" vine_topology_up
encrypting() {
	vine_session_keys &&
	ip netns exec vrA vinectl vr set encrypt yes &&
	ip netns exec vrB vinectl vr set encrypt yes
}
check_sh "vrA, vrB: key pairs, each the other's public key, encrypt yes" encrypting

# send N TAG: N numbered datagrams a1 -> b1 (port 9000), each
# "$MARK<number>"; b1 writes what arrives to $T/seq.TAG.
send() {
	ip netns exec b1 $VINE_PY "$VINE_PKT" seqrecv --bind 172.16.2.10 \
		--port 9000 --out "$T/seq.$2" &
	vine_wait_listen b1 9000 udp
	ip netns exec a1 $VINE_PY "$VINE_PKT" seqsend --to 172.16.2.10 \
		--port 9000 --count "$1" --gap 0.05 --prefix "$MARK" >/dev/null
}

# arrived N TAG: b1 got exactly datagrams 1 to N, in order.
arrived() {
	vine_until 40 0.25 "[ \$(wc -l <'$T/seq.$2') -ge $1 ]"
	seq -f "$MARK%g" "$1" | cmp -s - "$T/seq.$2" && echo "$1 in order" ||
		echo "got: $(tr '\n' ' ' <"$T/seq.$2")"
}

vine_capture_start 6 "$T/cap"
vsnap e0 vrA vrB
send 5 1
check_eq "5 datagrams a1 -> b1 in a session, encrypted: all arrive, in order" \
	"$(arrived 5 1)" "5 in order"
vsnap e1 vrA vrB
check_eq "on the wire: INIT, then 5 packets with flags mac|session|encrypted (13), counters 0-4" \
	"$(vine_capture_end "$T/cap")" \
	"4/0/0 0/13/0 0/13/1 0/13/2 0/13/3 0/13/4"
check_eq "nothing of the datagrams on the wire (the marker is not in any packet)" \
	"$(grep -c "$(printf %s "$MARK" | od -An -tx1 | tr -d ' \n')" "$T/cap")" 0
# VN2 goes from vrA to vrC with a static key: authenticated, in clear.
vine_capture_start 3 "$T/capc"
ip netns exec a2 $VINE_PY "$VINE_PKT" seqsend --to 172.16.3.10 --port 9000 \
	--count 3 --gap 0.05 --prefix "$MARK" >/dev/null
vine_capture_end "$T/capc" >/dev/null
check_eq "VN2 (vrA to vrC, a static key, MAC only): the marker in clear in each of 3 packets" \
	"$(grep -c "$(printf %s "$MARK" | od -An -tx1 | tr -d ' \n')" "$T/capc")" 3
# 28 bytes of IPv4 and UDP headers, and the marker's 22 bytes and a digit.
check_eq "vrA sent, vrB delivered 5 x 51 bytes; no drop" \
	"$(vdiffs e0 e1 '' 'handshakes' vrA vrB)" \
	"vrA: $(vtx 5 255 '' 'peers[10.0.0.2].' 'vns[1].') | vrB: $(vrx 5 255 '' 'peers[10.0.0.1].' 'vns[1].')"

# resent TAG WANT ARGS...: vrB's drops while vrA resends captured packets.
resent() {
	vsnap "$1.0" vrB
	vine_resend --file "$T/cap" "${@:3}"
	vine_until 20 0.25 "vsnap $1.1 vrB; [ \"\$(vdiff $1.0 $1.1 vrB top)\" = '$2' ]"
	vdiff "$1.0" "$1.1" vrB top
}
check_eq "a packet with a bit of its ciphertext flipped: bad_mac; as it was: replay" \
	"$(resent f1 'drops.bad_mac +1' --only 1 --flip 60) / $(resent f2 'drops.replay +1' --only 1)" \
	"drops.bad_mac +1 / drops.replay +1"

# vrA stops encrypting: it still takes vrB's encrypted packets, and vrB
# refuses its answers in clear.
check "vrA: vr set encrypt no" ip netns exec vrA vinectl vr set encrypt no
vsnap n0 vrA vrB
check_eq "b1 pings a1: 0 replies; vrA took 3 requests, vrB refused 3 answers (not_encrypted)" \
	"$(vping b1 172.16.1.10 3) | $(vsnap n1 vrA vrB; vsnap_delta n0 n1 vrA rx_packets) | $(vdiff n0 n1 vrB drops)" \
	"0 | 3 | drops.not_encrypted +3"
check_eq "vr set mac none encrypt yes: refused" \
	"$(ip netns exec vrC vinectl vr set mac none encrypt yes 2>&1)" \
	"vinectl: encryption needs a MAC mode (sessions authenticate)"
check "every peer freed once the namespaces are gone" vine_all_freed

ktap_finished
