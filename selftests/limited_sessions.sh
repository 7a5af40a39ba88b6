#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sessions through a NAT (issue 16): the topology of limited.sh (vrL
# behind natL, which lets nothing new in; its queue VR vrQ; vrR reaching
# vrL's site through vrQ), every VR known to the others by public key
# only, encrypting. vrL's first GET asks for a handshake with vrQ through
# the NAT; vrR's packets for l1 go in a session to vrQ, which relays them
# in its own session with vrL (sessions are hop by hop: a queue VR
# decrypts what it relays). Checked: the channel comes up, every pair of
# hosts talks both ways with no drop, each VR made the handshakes it
# needed; after a NAT rebinding, vrQ follows vrL and the sessions go on.

source "$(dirname "$0")/lib.sh"

ktap_plan 13

check "insmod vine.ko" vine_load
check_sh "topology: vrL behind natL, vrQ, vrR" vine_limited_up

# public_keys: each VR a key pair, the others' public keys instead of the
# static keys vine_limited_up set, and encryption.
public_keys() {
	local x y a
	declare -A addr=([Q]=10.0.0.1 [R]=10.0.0.2 [L]=$L)
	for x in Q R L; do
		vinectl genkey >"$VINE_TMP/priv.$x" &&
		vinectl pubkey <"$VINE_TMP/priv.$x" >"$VINE_TMP/pub.$x" &&
		ip netns exec "vr$x" vinectl vr set private-key "$VINE_TMP/priv.$x" \
			encrypt yes || return 1
	done
	for x in Q R L; do
		for y in Q R L; do
			[ "$x" = "$y" ] && continue
			a=${addr[$y]}
			ip netns exec "vr$x" vinectl key set "$a" public-key \
				"$(cat "$VINE_TMP/pub.$y")" || return 1
		done
	done
}
check_sh "vrQ, vrR, vrL: key pairs, the others' public keys, encrypt yes" public_keys

check "vrL: vr set limited yes queue-vr 10.0.0.1" \
	ip netns exec vrL vinectl vr set limited yes queue-vr 10.0.0.1 \
	poll-interval 500
check "vrL: channel up with vrQ (after a handshake through the NAT)" \
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
# vrL made its sessions with vrQ and vrR (it is behind the NAT: it
# initiates); vrR with vrQ, one way or the other.
check_eq "sessions: vrL with vrQ and vrR, vrR with vrQ" \
	"$(for p in "vrL 10.0.0.1" "vrL 10.0.0.2" "vrR 10.0.0.1" "vrQ $L"; do
		set -- $p; [ "$(vine_pfield "$1" "$2" session_age_ms)" != none ] && echo -n y || echo -n n
	done)" yyyy

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
