#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Forged and altered ViNe packets, crafted with vine_pkt.py, sent to vrB:
# each is dropped with its exact reason and nothing reaches the host b1.
# A peer that holds a key may speak only for the sources its routes give
# it, in their VN (bad_source); a WAN neighbour's plain packet with a LAN
# host's source is never encapsulated (spoofed).
# Also: the wire-format test vector, and real packets of vrA captured on
# the WAN and checked field by field (MAC, counter, TTL) in both MAC modes.
#
# Where the forged packets come from: a namespace vrX on the WAN switch with
# the addresses 10.0.0.9 (a peer VR that vrB knows: key and a route) and
# 10.0.0.8 (a VR vrB does not know). Each packet leaves from the address
# that matches its src_vr, so a receiver that also checked the outer source
# address would see nothing wrong there; the UDP source port is ephemeral
# (a VR must not care). The test vector itself (src_vr 10.0.0.1) is sent
# from inside vrA's namespace, from 10.0.0.1 and an ephemeral port: the
# module's own socket there holds port 2247, not the address.
#
# The wire-format test vector (Documentation/wire-format.rst):
#   key      00 01 02 ... 1f (32 bytes)
#   header   version 1, type 0 (forward), flags 0x01 (MAC), size 72,
#            counter 1, vnid 1, src_vr 10.0.0.1, dst_vr 10.0.0.2
#   inner    28 bytes: IPv4 172.16.1.10 -> 172.16.2.10, TTL 64, DF, id 0,
#            ICMP echo request id 0x1234 seq 1, no data
#   MAC      HMAC-SHA-256(key, header with mac zeroed || inner)[0:16]
#            = 229aca140da4dea5d90c0a154ecf7888
#   the UDP payload (72 bytes):
#            01000100 00480000 00000000 00000001 00000001 0a000001 0a000002
#            229aca14 0da4dea5 d90c0a15 4ecf7888
#            4500001c 00004000 4001dfac ac10010a ac10020a 0800e5ca 12340001

source "$(dirname "$0")/lib.sh"

ktap_plan 55

VECTOR=01000100004800000000000000000001000000010a0000010a000002229aca140da4dea5d90c0a154ecf78884500001c000040004001dfacac10010aac10020a0800e5ca12340001
VECTOR_KEY=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=

pkt() {
	$VINE_PY "$VINE_PKT" "$@"
}

# host_in T1 T2: IPv4 packets and UDP datagrams that reached b1 between
# two snapshots.
host_in() {
	echo "ip +$(vsnap_delta "$1" "$2" b1 Ip.InReceives)" \
	     "udp +$(vsnap_delta "$1" "$2" b1 Udp.InDatagrams)"
}

t_start=$(date +%s%N)
check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, MAC hmac-sha256" vine_topology_up hmac-sha256
check_sh "forger vrX on the WAN: 10.0.0.9 (known peer), 10.0.0.8 (unknown)" \
	vine_wan_ns vrX 10.0.0.9/24 10.0.0.8/24

# ---- the test vector ---------------------------------------------------------
check_eq "wire-format test vector (vine_pkt.py)" "$(pkt vector)" "$VECTOR"

# vrA and vrB share the vector's key; nothing was sent between them yet.
echo "$VECTOR_KEY" >"$VINE_TMP/key.vector"
setup_vector_key() {
	ip netns exec vrA vinectl key set 10.0.0.2 "$VINE_TMP/key.vector" &&
	ip netns exec vrB vinectl key set 10.0.0.1 - <"$VINE_TMP/key.vector"
}
check_sh "vector key set on vrA (from a file) and vrB (from stdin)" \
	setup_vector_key

# vrB knows peer 10.0.0.9 (key X, and a route: VN1 172.16.9.0/24 lives
# there); VN3 exists at vrB with no host; VN4 has host 172.16.2.11 and
# routes 172.16.9.0/24 elsewhere (10.0.0.7); key W is nobody's.
setup_forger() {
	vinectl genkey >"$VINE_TMP/key.X" &&
	vinectl genkey >"$VINE_TMP/key.W" &&
	ip netns exec vrB vinectl key set 10.0.0.9 "$VINE_TMP/key.X" &&
	ip netns exec vrB vinectl route add 1 172.16.9.0/24 via 10.0.0.9 &&
	ip netns exec vrB vinectl vn create 3 name vn3 &&
	ip netns exec vrB vinectl vn create 4 name vn4 &&
	ip netns exec vrB vinectl vn join 4 172.16.2.11 &&
	ip netns exec vrB vinectl route add 4 172.16.9.0/24 via 10.0.0.7
}
check_sh "vrB: key and route for peer 10.0.0.9, empty VN 3, VN 4" setup_forger

# b1 counts the UDP datagrams it receives on port 5555.
ip netns exec b1 $VINE_PY "$VINE_PKT" udp-sink --port 5555 \
	--ready "$VINE_TMP/sink.ready" --out "$VINE_TMP/sink.out" &
vine_wait_file "$VINE_TMP/sink.ready"

vsnap v0 vrA vrB host:b1
out=$(ip netns exec vrA $VINE_PY "$VINE_PKT" send --from 10.0.0.1 \
	--to 10.0.0.2 --key-file "$VINE_TMP/key.vector" --counter 1 --vnid 1 \
	--src-vr 10.0.0.1 --dst-vr 10.0.0.2 --inner vector --print)
vsnap v1 vrA vrB host:b1
check_eq "test vector sent as built" "$out" "$VECTOR
sent 1"
# vrB delivers the echo request (28 bytes) to b1, b1 answers, vrB sends
# the reply to vrA, which delivers it to a1.
check_eq "test vector: accepted by vrB, delivered, answered" \
	"vrB: $(vdiff v0 v1 vrB) | b1: $(host_in v0 v1) echo +$(vsnap_delta v0 v1 b1 Icmp.InEchos)" \
	"vrB: $(vtraffic 1 28 '' 'peers[10.0.0.1].' 'vns[1].') | b1: ip +1 udp +0 echo +1"
check_eq "test vector: b1's reply verified and delivered by vrA" \
	"$(vdiff v0 v1 vrA)" \
	"$(vexpect "rx_packets +1" "rx_bytes +28" "peers[10.0.0.2].rx_packets +1" \
		"peers[10.0.0.2].rx_bytes +28" "vns[1].rx_packets +1" "vns[1].rx_bytes +28")"

ip netns exec vrA $VINE_PY "$VINE_PKT" send --from 10.0.0.1 --to 10.0.0.2 \
	--key-file "$VINE_TMP/key.vector" --counter 1 --vnid 1 \
	--src-vr 10.0.0.1 --dst-vr 10.0.0.2 --inner vector --repeat 3 >/dev/null
vsnap v2 vrA vrB host:b1
check_eq "test vector replayed 3 times: drops.replay +3, nothing to b1" \
	"vrB: $(vdiff v1 v2 vrB) | b1: $(host_in v1 v2)" \
	"vrB: drops.replay +3 | b1: ip +0 udp +0"

# ---- forged packets from peer 10.0.0.9 and others ------------------------------
# fcase DESC WANT SEND-OPTIONS...: send from vrX (by default a valid packet
# from 10.0.0.9 to b1's UDP port 5555 in VN1, 3 counters from $ctr, key X;
# the options change that), then check vrB's counters (vdiff mode $FMODE)
# and b1's.
ctr=100
snap=v2
n=0
delivered=0
fcase() {
	local desc=$1 want=$2 prev=$snap
	shift 2
	n=$((n + 1))
	snap=f$n
	ip netns exec vrX $VINE_PY "$VINE_PKT" send --from 10.0.0.9 \
		--to 10.0.0.2 --key-file "$VINE_TMP/key.X" --counter "$ctr" \
		--count 3 --vnid 1 --src-vr 10.0.0.9 --dst-vr 10.0.0.2 \
		--isrc 172.16.9.10 --idst 172.16.2.10 --iport 5555 \
		--payload "$(printf 'case%02d' $n)" "$@" >/dev/null
	vsnap $snap vrB host:b1
	check_eq "$desc" "vrB: $(vdiff $prev $snap vrB "${FMODE:-}") | b1: $(host_in $prev $snap)" \
		"$want"
	ctr=$((ctr + 10))
}

# A valid packet: 20 IP + 8 UDP + 6 bytes "caseNN" = 34 inner bytes.
fcase "control: 3 valid packets from 10.0.0.9 delivered to b1" \
	"vrB: $(vrx 3 102 '' 'peers[10.0.0.9].' 'vns[1].') | b1: ip +3 udp +3"
delivered=$((delivered + 3))
check_eq "control: b1's listener got the 3 datagrams" \
	"$(grep -c ' case01$' "$VINE_TMP/sink.out")" 3

ctr=$((ctr - 10))
fcase "the same 3 packets again: drops.replay +3" \
	"vrB: drops.replay +3 | b1: ip +0 udp +0" --payload case01
fcase "MAC altered (one bit): drops.bad_mac +3" \
	"vrB: drops.bad_mac +3 | b1: ip +0 udp +0" --mac corrupt
fcase "MAC made with another key: drops.bad_mac +3" \
	"vrB: drops.bad_mac +3 | b1: ip +0 udp +0" --key-file "$VINE_TMP/key.W"
fcase "no MAC (flags 0, mac zero) in hmac mode: drops.bad_mac +3" \
	"vrB: drops.bad_mac +3 | b1: ip +0 udp +0" --flags 0 --mac zero
fcase "valid MAC but MAC flag clear: drops.bad_mac +3" \
	"vrB: drops.bad_mac +3 | b1: ip +0 udp +0" --flags 0
check_eq "replayed and bad MACs are not the claimed peer's drops" \
	"$(vsnap_delta f1 f6 vrB 'peers[10.0.0.9].drops')" 0
fcase "truncated header (20 bytes): drops.malformed +3" \
	"vrB: drops.malformed +3 | b1: ip +0 udp +0" --truncate 20
fcase "empty UDP datagram: drops.malformed +3" \
	"vrB: drops.malformed +3 | b1: ip +0 udp +0" --truncate 0
fcase "size field 10 bytes larger than the datagram: drops.malformed +3" \
	"vrB: drops.malformed +3 | b1: ip +0 udp +0" --size-add 10
fcase "size field 40 (less than the header): drops.malformed +3" \
	"vrB: drops.malformed +3 | b1: ip +0 udp +0" --size 40
fcase "inner packet cut to 10 bytes (size consistent): drops.malformed +3" \
	"vrB: drops.malformed +3 | b1: ip +0 udp +0" --inner-cut 10
fcase "inner IPv4 length 20 bytes more than carried: drops.malformed +3" \
	"vrB: drops.malformed +3 | b1: ip +0 udp +0" --inner-len-add 20
fcase "version 2: drops.bad_version +3" \
	"vrB: drops.bad_version +3 | b1: ip +0 udp +0" --version 2
fcase "unknown packet type 200: drops.bad_version +3" \
	"vrB: drops.bad_version +3 | b1: ip +0 udp +0" --type 200
fcase "dst_vr 10.0.0.1 (not vrB): drops.not_for_us +3" \
	"vrB: drops.not_for_us +3 | b1: ip +0 udp +0" --dst-vr 10.0.0.1
fcase "src_vr 10.0.0.8 (no key at vrB): drops.unknown_peer +3" \
	"vrB: drops.unknown_peer +3 | b1: ip +0 udp +0" \
	--from 10.0.0.8 --src-vr 10.0.0.8
fcase "VN 3 (exists, b1 not in it): drops.wrong_vn +3" \
	"vrB: drops.wrong_vn +3 | b1: ip +0 udp +0" --vnid 3
fcase "VN 77 (does not exist): drops.wrong_vn +3" \
	"vrB: drops.wrong_vn +3 | b1: ip +0 udp +0" --vnid 77
fcase "inner destination 172.16.2.99 (in no VN at vrB): drops.wrong_vn +3" \
	"vrB: drops.wrong_vn +3 | b1: ip +0 udp +0" --idst 172.16.2.99

# A keyed peer is trusted for the prefixes its routes give it, per VN.
fcase "10.0.0.9 forges a third site's source (a1, 172.16.1.10): drops.bad_source +3" \
	"vrB: drops.bad_source +3 | b1: ip +0 udp +0" --isrc 172.16.1.10
fcase "10.0.0.9 forges a host of vrB's own (b1 to itself): drops.bad_source +3" \
	"vrB: drops.bad_source +3 | b1: ip +0 udp +0" --isrc 172.16.2.10
fcase "10.0.0.9 injects into VN 4, where 172.16.9.0/24 is 10.0.0.7's: drops.bad_source +3" \
	"vrB: drops.bad_source +3 | b1: ip +0 udp +0" --vnid 4 --idst 172.16.2.11
fcase "10.0.0.9 from a source no route of VN 1 covers: drops.bad_source +3" \
	"vrB: drops.bad_source +3 | b1: ip +0 udp +0" --isrc 172.31.0.1
check_eq "authenticated packets that may not enter are the peer's drops: +12" \
	"$(vsnap_delta f19 f23 vrB 'peers[10.0.0.9].drops')" 12

# Reordering inside the replay window is accepted once.
fcase "counters 1000, 995, 996, 997 (reordered): all 4 delivered" \
	"vrB: $(vrx 4 136 '' 'peers[10.0.0.9].' 'vns[1].') | b1: ip +4 udp +4" \
	--counters 1000,995,996,997
delivered=$((delivered + 4))
fcase "counters 995, 996, 997 again: drops.replay +3" \
	"vrB: drops.replay +3 | b1: ip +0 udp +0" --counters 995,996,997
fcase "counter 1000000000 (a jump ahead): delivered" \
	"vrB: $(vrx 1 34 '' 'peers[10.0.0.9].' 'vns[1].') | b1: ip +1 udp +1" \
	--counters 1000000000
delivered=$((delivered + 1))
fcase "counters 2000, 3000, 4000 (never seen, far too old): drops.replay +3" \
	"vrB: drops.replay +3 | b1: ip +0 udp +0" --counters 2000,3000,4000

check_eq "b1's listener got exactly the delivered datagrams" \
	"$(wc -l <"$VINE_TMP/sink.out")" "$delivered"

# ---- a WAN neighbour with a LAN host's source ----------------------------------
# vrX sends plain IPv4 from b1's address to a1 through vrB's WAN side. vrB
# reaches b1 through its LAN: the packet is spoofed, never encapsulated.
spoof_up() {
	ip -n vrX addr add 172.16.2.10/32 dev wan0 &&
	ip -n vrX route add 172.16.1.0/24 via 10.0.0.2 src 172.16.2.10
}
check_sh "vrX: b1's address, and a route to a1 through vrB" spoof_up
vsnap s0 vrA vrB host:b1
ip netns exec vrX ping -q -c 3 -i 0.2 -W 1 172.16.1.10 >/dev/null
vsnap s1 vrA vrB host:b1
snap=s1
check_eq "spoofed source from the WAN: drops.spoofed +3 at vrB, nothing to vrA" \
	"vrB: $(vdiff s0 s1 vrB) | vrA: $(vdiff s0 s1 vrA)" \
	"vrB: drops.spoofed +3 | vrA: "

# ---- MAC mode none at the receiver: no MAC, no counter checked ----------------
check "vrB: vr set mac none" ip netns exec vrB vinectl vr set mac none
# (Per-peer counters are not asserted here: mac none may skip the peer.)
FMODE=top fcase "mac none: packet without MAC (flags 0), old counter 5, sent twice: both delivered" \
	"vrB: $(vrx 2 68 '') | b1: ip +2 udp +2" \
	--counters 5 --repeat 2 --flags 0 --mac zero
fcase "mac none: version 2 still dropped: drops.bad_version +3" \
	"vrB: drops.bad_version +3 | b1: ip +0 udp +0" --version 2 --flags 0 --mac zero
check "vrB: vr set mac hmac-sha256" ip netns exec vrB vinectl vr set mac hmac-sha256

# ---- what vrA really sends: captured on the WAN --------------------------------
FIELDS=version,type,flags,reserved,reserved2,size,udp_len,vnid,src_vr,dst_vr,outer_src,outer_dst,sport,dport,inner_len,inner_ttl,inner_csum_ok,mac_ok,mac_zero
# capture MACMODE: capture 2 packets that vrA sends while a1 pings b1.
capture() {
	local key=()
	[ "$1" = hmac ] && key=(--key-file "$VINE_TMP/key.vector")
	rm -f "$VINE_TMP/cap.ready"
	ip netns exec wan $VINE_PY "$VINE_PKT" capture --iface vrA \
		--src 10.0.0.1 --count 2 --timeout 30 --fields "$FIELDS" \
		--ready "$VINE_TMP/cap.ready" "${key[@]}" >"$VINE_TMP/cap.$1" &
	local pid=$!
	vine_wait_file "$VINE_TMP/cap.ready"
	pings=$(vping a1 172.16.2.10 2)
	wait $pid
}

capture hmac
check_eq "hmac-sha256: a1 pings b1 (2 of 2) with the vector key" "$pings" 2
{ read -r c1 t1 j1; read -r c2 t2 j2; } <"$VINE_TMP/cap.hmac"
want='{"version":1,"type":0,"flags":1,"reserved":0,"reserved2":0,"size":128,"udp_len":136,"vnid":1,"src_vr":"10.0.0.1","dst_vr":"10.0.0.2","outer_src":"10.0.0.1","outer_dst":"10.0.0.2","sport":2247,"dport":2247,"inner_len":84,"inner_ttl":63,"inner_csum_ok":true,"mac_ok":true,"mac_zero":false}'
check_eq "captured packet 1: header fields, TTL decremented, MAC verified" \
	"${j1:-}" "$want"
check_eq "captured packet 2: header fields, TTL decremented, MAC verified" \
	"${j2:-}" "$want"
# The counter starts at the wall-clock time (ns) when the key was set (the
# first key of the pair, or the vector key: either is fine here, both were
# set after $t_start), and grows by at least one a packet.
check_range "first counter: wall-clock ns, after the keys were set, not after capture" \
	"${c1:-0}" "$t_start" "${t1:-0}"
check_range "second counter: greater than the first" \
	"${c2:-0}" "$(( ${c1:-0} + 1 ))" "${t2:-0}"

setmacnone() {
	ip netns exec vrA vinectl vr set mac none &&
	ip netns exec vrB vinectl vr set mac none
}
check_sh "vrA and vrB: vr set mac none" setmacnone
capture none
check_eq "mac none: a1 pings b1 (2 of 2)" "$pings" 2
{ read -r c1 t1 j1; read -r c2 t2 j2; } <"$VINE_TMP/cap.none"
want='{"version":1,"type":0,"flags":0,"reserved":0,"reserved2":0,"size":128,"udp_len":136,"vnid":1,"src_vr":"10.0.0.1","dst_vr":"10.0.0.2","outer_src":"10.0.0.1","outer_dst":"10.0.0.2","sport":2247,"dport":2247,"inner_len":84,"inner_ttl":63,"inner_csum_ok":true,"mac_ok":null,"mac_zero":true}'
check_eq "mac none: captured packets have flags 0 and a zero MAC" \
	"${j1:-} ${j2:-}" "$want $want"

ktap_finished
