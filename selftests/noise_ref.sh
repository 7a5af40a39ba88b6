#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The reference the module's sessions are checked against (vine_noise.py)
# is itself checked: its primitives against their published vectors, and
# its Noise_IKpsk2 against WireGuard's, by a handshake with a real
# WireGuard device and an ICMP echo through it.

source "$(dirname "$0")/lib.sh"

ktap_plan 3

NOISE=$SELFTESTS_DIR/vine_noise.py
out=$($VINE_PY "$NOISE" selftest)
check_eq "vine_noise.py selftest: RFC 7748, RFC 8439, XChaCha vectors; a handshake" \
	"$(echo "$out" | tail -n 1)" "0 failed"

wgup() {
	ns_add wgi wgr &&
	ip link add veth0 netns wgi type veth peer name veth0 netns wgr &&
	ip -n wgi addr add 10.9.0.1/24 dev veth0 &&
	ip -n wgr addr add 10.9.0.2/24 dev veth0 &&
	ip -n wgi link set veth0 up && ip -n wgr link set veth0 up &&
	ip -n wgr link add wg0 type wireguard &&
	rk=$(wg genkey) && ik=$(wg genkey) &&
	ip netns exec wgr wg set wg0 private-key <(echo "$rk") \
		listen-port 51820 peer "$(echo "$ik" | wg pubkey)" \
		allowed-ips 10.10.0.1/32 &&
	ip -n wgr addr add 10.10.0.2/24 dev wg0 &&
	ip -n wgr link set wg0 up
}
check_sh "a WireGuard device in wgr, reached from wgi" wgup
out=$(ip netns exec wgi $VINE_PY "$NOISE" wg-ping --to 10.9.0.2:51820 \
	--key "$ik" --peer "$(echo "$rk" | wg pubkey)" \
	--src 10.10.0.1 --dst 10.10.0.2 2>&1)
echo "# $out"
# The device counts what it received from us: the initiation (148 bytes)
# and one data packet (16 + 48 + 16).
check_eq "WireGuard answered our handshake and our echo; it received 228 bytes" \
	"$(echo "$out" | sed -n 's/^handshake .*echo reply \([0-9]*\) bytes.*/\1/p') $(ip netns exec wgr wg show wg0 transfer | cut -f2)" \
	"38 228"

ktap_finished
