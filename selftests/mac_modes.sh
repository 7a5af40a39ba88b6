#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The MAC modes beside the default hmac-sha256: blake2s (keyed
# BLAKE2s-128) and poly1305 (the ChaCha20-Poly1305 tag of the packet).
# For each: the Figure 3-10 sites carry traffic with every VR in that
# mode, counted exactly; the wire-format test vector MACed that way is
# accepted and the same packet MACed with HMAC-SHA-256 is dropped as
# bad_mac. Then two VRs in different modes get nothing through.

source "$(dirname "$0")/lib.sh"

ktap_plan 15

VECTOR_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
VECTOR_HDR=01000100004800000000000000000001000000010a0000010a000002
VECTOR_INNER=4500001c000040004001dfacac10010aac10020a0800e5ca12340001
declare -A VECTOR_MAC=(
	[blake2s]=29cf2c62dd2334eea4c2101e3a102e3c
	[poly1305]=faa7fa25ed86a0585f7b7adb113546ec
)

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, MAC blake2s" vine_topology_up blake2s
echo "$VECTOR_KEY" >"$VINE_TMP/key.vector"

send_vector() {
	ip netns exec vrA $VINE_PY "$VINE_PKT" --alg "$1" send --from 10.0.0.1 \
		--to 10.0.0.2 --key-file "$VINE_TMP/key.vector" --counter "$2" \
		--vnid 1 --src-vr 10.0.0.1 --dst-vr 10.0.0.2 --inner vector >/dev/null
}

# mode M: vrA, vrB and vrC in mode M, the pairwise keys of the topology.
mode() {
	local x
	for x in A B C; do
		ip netns exec "vr$x" vinectl vr set mac "$1" || return 1
	done
	ip netns exec vrA vinectl key set 10.0.0.2 "$VINE_TMP/key.AB" &&
	ip netns exec vrB vinectl key set 10.0.0.1 "$VINE_TMP/key.AB"
}

for m in blake2s poly1305; do
	check "all VRs: vr set mac $m" mode $m
	check_eq "$m: -j vr show says $m" \
		"$(ip netns exec vrA vinectl -j vr show | sed 's/,"generation":[0-9]*//')" \
		"{\"id\":\"10.0.0.1\",\"port\":2247,\"space\":[\"172.16.0.0/12\"],\"mac\":\"$m\",$VINE_LIM0,\"overhead\":72}"
	check_eq "$m: wire-format test vector (vine_pkt.py)" \
		"$($VINE_PY "$VINE_PKT" --alg $m vector)" \
		"$VECTOR_HDR${VECTOR_MAC[$m]}$VECTOR_INNER"

	vsnap $m.0 vrA vrB
	vping a1 172.16.2.10 5 >"$VINE_TMP/replies"
	vsnap $m.1 vrA vrB
	# 5 echo requests and 5 replies of 84 bytes each way.
	check_eq "$m: a1 -> b1, 5 of 5 replies; both VRs counted 5 x 84 bytes each way" \
		"$(cat "$VINE_TMP/replies") | $(vdiffs $m.0 $m.1 '' '' vrA vrB)" \
		"5 | vrA: $(vtraffic 5 420 '' 'peers[10.0.0.2].' 'vns[1].') | vrB: $(vtraffic 5 420 '' 'peers[10.0.0.1].' 'vns[1].')"

	# The test vector, from vrA's address, with the vector's key on both.
	ip netns exec vrA vinectl key set 10.0.0.2 "$VINE_TMP/key.vector"
	ip netns exec vrB vinectl key set 10.0.0.1 "$VINE_TMP/key.vector"
	vsnap $m.2 vrB
	send_vector $m 1
	vsnap $m.3 vrB
	send_vector hmac-sha256 2
	vsnap $m.4 vrB
	# Accepted: b1 answers, vrB sends the reply to vrA (28 bytes each).
	check_eq "$m: vector accepted and answered; made with hmac-sha256: bad_mac" \
		"$(vdiff $m.2 $m.3 vrB top) / $(vdiff $m.3 $m.4 vrB top)" \
		"$(vexpect 'rx_packets +1' 'rx_bytes +28' 'tx_packets +1' 'tx_bytes +28') / drops.bad_mac +1"
done

# vrA back to hmac-sha256, vrB still poly1305: nothing gets through.
check "vrA: vr set mac hmac-sha256" \
	sh -c "ip netns exec vrA vinectl vr set mac hmac-sha256 &&
	       ip netns exec vrA vinectl key set 10.0.0.2 $VINE_TMP/key.AB &&
	       ip netns exec vrB vinectl key set 10.0.0.1 $VINE_TMP/key.AB"
vsnap x.0 vrA vrB
check_eq "vrA hmac-sha256, vrB poly1305: 3 pings, 0 replies" "$(vping a1 172.16.2.10 3)" 0
vsnap x.1 vrA vrB
check_eq "vrA sent 3, vrB dropped 3 as bad_mac" \
	"$(vdiffs x.0 x.1 top '' vrA vrB)" \
	"vrA: $(vexpect 'tx_packets +3' 'tx_bytes +252') | vrB: drops.bad_mac +3"
ktap_finished
