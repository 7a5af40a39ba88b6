#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The WAN cases 1 to 5 of the dissertation (Table 3-8; paper Table 3),
# three sites A (UF), B (PU) and C (NWU), one VR and one host each:
#
#   case 1  every VR public
#   case 2  B limited, queue VR A
#   case 3  B limited, queue VR C
#   case 4  B and C limited, queue VR A
#   case 5  B and A limited, queue VR C
#
# A public site's VR sits on the WAN at 10.0.0.N. A limited site's VR sits
# at 192.168.N.2 behind natN (10.0.0.N), which masquerades and drops all
# that is new inbound. Every VR's id is 10.0.0.N. Routes to a limited site
# are of type queue via its queue VR, except at the queue VR itself. In
# every case, every host reaches every other one, both ways.

source "$(dirname "$0")/lib.sh"

ktap_plan 41

check "insmod vine.ko" vine_load
for pair in AB AC BC; do
	vinectl genkey >"$VINE_TMP/key.$pair"
done

SITES="A:1 B:2 C:3"

# key NAME1 NAME2: the key file of that pair of sites.
key() {
	local p
	[[ $1 < $2 ]] && p=$1$2 || p=$2$1
	echo "$VINE_TMP/key.$p"
}

# site_up X N LIMITED: site X, number N, its VR limited (yes|no).
site_up() {
	local x=$1 n=$2 lim=$3 wanns=vr$1
	ip -n "vr$x" link add lan0 type veth peer name eth0 netns "h$x" &&
	ip -n "vr$x" addr add "172.16.$n.1/24" dev lan0 &&
	ip -n "vr$x" link set lan0 up &&
	ip -n "h$x" addr add "172.16.$n.10/24" dev eth0 &&
	ip -n "h$x" link set eth0 up &&
	ip -n "h$x" route add 172.16.0.0/12 via "172.16.$n.1" || return 1
	ip netns exec "vr$x" sysctl -qw net.ipv4.ip_forward=1 || return 1
	if [ "$lim" = yes ]; then
		wanns=nat$x
		ip -n "nat$x" link add lan0 type veth peer name wan0 netns "vr$x" &&
		ip -n "nat$x" addr add "192.168.$n.1/24" dev lan0 &&
		ip -n "nat$x" link set lan0 up &&
		ip -n "vr$x" addr add "192.168.$n.2/24" dev wan0 &&
		ip -n "vr$x" link set wan0 up &&
		ip -n "vr$x" route add default via "192.168.$n.1" || return 1
		ip netns exec "nat$x" sysctl -qw net.ipv4.ip_forward=1 || return 1
		ip netns exec "nat$x" nft -f - <<-'NFT' || return 1
		table ip nat {
			chain post {
				type nat hook postrouting priority srcnat;
				oifname "wan0" masquerade
			}
		}
		table ip fw {
			chain filt {
				type filter hook forward priority filter; policy accept;
				ct state established,related accept
				iifname "wan0" drop
			}
		}
		NFT
	fi
	ip link add "w$x" netns wan type veth peer name wan0 netns "$wanns" &&
	ip -n wan link set "w$x" master br0 &&
	ip -n wan link set "w$x" up &&
	ip -n "$wanns" addr add "10.0.0.$n/24" dev wan0 &&
	ip -n "$wanns" link set wan0 up
}

# vr_conf X N: configure VR X for the case in $LIMITED (sites) and $QUEUE.
vr_conf() {
	local x=$1 n=$2 s y m cmds
	cmds="vinectl vr set id 10.0.0.$n space 172.16.0.0/12
		vinectl vn create 1
		vinectl vn join 1 172.16.$n.10"
	for s in $SITES; do
		y=${s%:*}
		m=${s#*:}
		[ "$y" = "$x" ] && continue
		cmds+="
		vinectl key set 10.0.0.$m $(key "$x" "$y")"
		if [[ $LIMITED == *$y* && $x != "$QUEUE" ]]; then
			cmds+="
		vinectl route add 1 172.16.$m.0/24 via 10.0.0.${QN} type queue vr 10.0.0.$m"
		else
			cmds+="
		vinectl route add 1 172.16.$m.0/24 via 10.0.0.$m"
		fi
	done
	[[ $LIMITED == *$x* ]] && cmds+="
		vinectl vr set limited yes queue-vr 10.0.0.$QN poll-interval 500"
	ip netns exec "vr$x" sh -ec "$cmds"
}

# case_up LIMITED QUEUE: the topology of one case, from scratch.
case_up() {
	local s x n lim
	LIMITED=$1
	QUEUE=$2
	QN=0
	ns_cleanup
	ns_add wan vrA vrB vrC hA hB hC || return 1
	ip -n wan link add br0 type bridge && ip -n wan link set br0 up ||
		return 1
	for s in $SITES; do
		x=${s%:*}
		n=${s#*:}
		[ "$x" = "$QUEUE" ] && QN=$n
		lim=no
		if [[ $LIMITED == *$x* ]]; then
			lim=yes
			ns_add "nat$x" || return 1
		fi
		site_up "$x" "$n" "$lim" || return 1
	done
	for s in $SITES; do
		vr_conf "${s%:*}" "${s#*:}" || return 1
	done
}

# chans_up: wait until every limited VR's channel is up.
chans_up() {
	local x i
	for x in $(echo "$LIMITED" | grep -o .); do
		for i in $(seq 50); do
			ip netns exec "vr$x" vinectl -j peer show "10.0.0.$QN" |
				grep -q '"channel":"up"' && break
			sleep 0.1
		done
		[ "$i" -lt 50 ] || return 1
	done
}

# pairs: every host pings every other one.
pairs() {
	local a b na nb s t
	for s in $SITES; do
		for t in $SITES; do
			a=${s%:*} na=${s#*:} b=${t%:*} nb=${t#*:}
			[ "$a" = "$b" ] && continue
			check_eq "case $CASE: h$a -> h$b: 3 of 3 replies" \
				"$(vping "h$a" "172.16.$nb.10" 3)" 3
		done
	done
}

for c in "1::" "2:B:A" "3:B:C" "4:BC:A" "5:AB:C"; do
	IFS=: read -r CASE lim q <<<"$c"
	check_sh "case $CASE: limited '${lim:-none}', queue VR ${q:-none}" \
		case_up "$lim" "$q"
	check "case $CASE: channels up" chans_up
	pairs
done

ktap_finished
