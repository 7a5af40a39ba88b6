#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MAC mode blake2s (keyed BLAKE2s-128): the Figure 3-10 sites with every
# VR in that mode carry traffic; the wire-format test vector MACed with
# BLAKE2s is accepted and the same packet MACed with HMAC-SHA-256 is
# dropped as bad_mac; a VR left in the other mode gets nothing through.

source "$(dirname "$0")/lib.sh"

ktap_plan 10

VECTOR_B2S=01000100004800000000000000000001000000010a0000010a00000229cf2c62dd2334eea4c2101e3a102e3c4500001c000040004001dfacac10010aac10020a0800e5ca12340001
VECTOR_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, MAC blake2s" vine_topology_up blake2s
check_eq "vrA: -j vr show says blake2s, overhead 72" \
	"$(ip netns exec vrA vinectl -j vr show | sed 's/,"generation":[0-9]*//')" \
	'{"id":"10.0.0.1","port":2247,"space":["172.16.0.0/12"],"mac":"blake2s","overhead":72}'
check_eq "wire-format test vector, blake2s (vine_pkt.py)" \
	"$($VINE_PY "$VINE_PKT" --alg blake2s vector)" "$VECTOR_B2S"

vsnap s0 vrA vrB
check_eq "a1 -> b1 (VN1): 5 pings, 5 replies" "$(vping a1 172.16.2.10 5)" 5
vsnap s1 vrA vrB
# 5 echo requests and 5 replies of 84 bytes each way.
check_eq "vrA and vrB counted 5 x 84 bytes each way, no drop" \
	"$(vdiffs s0 s1 '' '' vrA vrB)" \
	"vrA: $(vtraffic 5 420 '' 'peers[10.0.0.2].' 'vns[1].') | vrB: $(vtraffic 5 420 '' 'peers[10.0.0.1].' 'vns[1].')"

# The test vector, from vrA's address, with the vector's key on both.
echo "$VECTOR_KEY" >"$VINE_TMP/key.vector"
ip netns exec vrA vinectl key set 10.0.0.2 "$VINE_TMP/key.vector"
ip netns exec vrB vinectl key set 10.0.0.1 "$VINE_TMP/key.vector"
send_vector() {
	ip netns exec vrA $VINE_PY "$VINE_PKT" --alg "$1" send --from 10.0.0.1 \
		--to 10.0.0.2 --key-file "$VINE_TMP/key.vector" --counter "$2" \
		--vnid 1 --src-vr 10.0.0.1 --dst-vr 10.0.0.2 --inner vector >/dev/null
}
vsnap s2 vrB
send_vector blake2s 1
vsnap s3 vrB
check_eq "vector MACed with blake2s: verified, delivered to b1" \
	"$(vdiff s2 s3 vrB top)" "$(vexpect 'rx_packets +1' 'rx_bytes +28' 'tx_packets +1' 'tx_bytes +28')"
send_vector hmac-sha256 2
vsnap s4 vrB
check_eq "the same MACed with hmac-sha256: drops.bad_mac +1" \
	"$(vdiff s3 s4 vrB top)" "drops.bad_mac +1"

# vrA back to hmac-sha256, vrB still blake2s: nothing gets through.
ip netns exec vrA vinectl vr set mac hmac-sha256
ip netns exec vrA vinectl key set 10.0.0.2 "$VINE_TMP/key.AB"
ip netns exec vrB vinectl key set 10.0.0.1 "$VINE_TMP/key.AB"
vsnap s5 vrA vrB
check_eq "vrA hmac-sha256, vrB blake2s: 3 pings, 0 replies" "$(vping a1 172.16.2.10 3)" 0
vsnap s6 vrA vrB
check_eq "vrA sent 3, vrB dropped 3 as bad_mac" \
	"$(vdiffs s5 s6 top '' vrA vrB)" \
	"vrA: $(vexpect 'tx_packets +3' 'tx_bytes +252') | vrB: drops.bad_mac +3"
ktap_finished
