#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sessions through a NAT (issue 16): the topology of limited.sh (vrL
# behind natL, which lets nothing new in; its queue VR vrQ; vrR reaching
# vrL's site through vrQ), every VR known to the others by public key
# only, encrypting. vrL's first GET asks for a handshake with vrQ through
# the NAT; vrR's packets for l1 go end to end, encrypted in vrR's own
# session with vrL (whose handshake goes through vrQ too): vrQ relays
# them, each wrapped in a RELAY packet MACed hop by hop, without
# decrypting them (relay_e2e.sh checks how). Checked: the channel comes
# up, with vrQ after vrL gave up on a first queue VR that never answers
# (10.0.0.9, known by a public key: its handshake goes unanswered), every pair of hosts talks both ways with no drop, each VR made the
# sessions it needed; after a NAT rebinding, vrQ follows vrL and the
# sessions go on.

source "$(dirname "$0")/lib.sh"

ktap_plan 14

check "insmod vine.ko" vine_load
check_sh "topology: vrL behind natL, vrQ, vrR" vine_limited_up

check_sh "vrQ, vrR, vrL: key pairs, the others' public keys, encrypt yes" \
	vine_limited_keys

gone_queue_vr() {
	ip netns exec vrL vinectl key set 10.0.0.9 public-key \
		"$(vinectl genkey | vinectl pubkey)"
}
check "vrL: a public key for 10.0.0.9, a queue VR that does not exist" \
	gone_queue_vr
check "vrL: vr set limited yes queue-vr 10.0.0.9,10.0.0.1" \
	ip netns exec vrL vinectl vr set limited yes queue-vr 10.0.0.9,10.0.0.1 \
	poll-interval 500
check "vrL: falls back to vrQ, channel up (after a handshake through the NAT)" \
	wait_chan vrL 10.0.0.1 up
check "vrQ: vrL's channel up" wait_chan vrQ $L up

vsnap s0 vrQ vrR vrL
check_eq "r1 -> l1 (vrR, vrQ, vrL) and l1 -> r1: 5 and 5 replies" \
	"$(vping r1 172.16.3.10 5) $(vping l1 172.16.2.10 5)" "5 5"
check_eq "q1 -> l1 and l1 -> q1: 5 and 5 replies" \
	"$(vping q1 172.16.3.10 5) $(vping l1 172.16.1.10 5)" "5 5"
check_eq "q1 -> r1 and r1 -> q1: 5 and 5 replies" \
	"$(vping q1 172.16.2.10 5) $(vping r1 172.16.1.10 5)" "5 5"
vsnap s1 vrQ vrR vrL
check_eq "no drop anywhere" \
	"$(vdiffs s0 s1 drops '' vrQ vrR vrL)" "vrQ:  | vrR:  | vrL: "
# vrL made its session with vrQ (it is behind the NAT: it initiates);
# vrR and vrL one with each other (through vrQ when vrR initiates); vrR
# one with vrQ, one way or the other.
check_eq "sessions: vrL with vrQ and vrR, vrR with vrQ and vrL" \
	"$(for p in "vrL 10.0.0.1" "vrL 10.0.0.2" "vrR 10.0.0.1" "vrR $L" "vrQ $L"; do
		set -- $p; [ "$(vine_pfield "$1" "$2" session_age_ms)" != none ] && echo -n y || echo -n n
	done)" yyyyy

# A NAT rebinding: vrL's packets come from another port; vrQ learns it
# from the next authenticated packet, the sessions stay.
ip netns exec natL nft flush chain ip nat post
ip netns exec natL nft add rule ip nat post oifname wan0 meta l4proto udp \
	masquerade to :40000
ip netns exec natL nft add rule ip nat post oifname wan0 masquerade
ip netns exec natL conntrack -F 2>/dev/null
check "rebinding: vrQ follows vrL to 10.0.0.3:40000" \
	vine_until 40 0.25 '[ "$(vpeer vrQ $L seen_at)" = 10.0.0.3:40000 ]'
check_eq "after rebinding: r1 -> l1 5 of 5 replies" \
	"$(vping r1 172.16.3.10 5)" 5

ktap_finished
