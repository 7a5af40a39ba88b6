#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the guest: the dissertation's Figure 3-10. Three
# domains A, B and C, each a VR (vrA 10.0.0.1, vrB 10.0.0.2, vrC 10.0.0.3)
# on a shared "Internet" switch, with hosts that only have an address and
# a route to their VR:
#
#   VN1 (A + B): a1 172.16.1.10, b1 172.16.2.10
#   VN2 (A + C): a2 172.16.1.20, c1 172.16.3.10
#   a3 172.16.1.30 is in no VN
#
# Shows reachability inside each VN, isolation between them, and the VRs'
# tables and counters.
set -u
cd "$(dirname "$0")/.."
VINE_KO=$(realpath "$1")
source selftests/lib.sh

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
ping3() { ip netns exec "$1" ping -c 3 -i 0.2 -W 1 "$2" | tail -n 2 | head -n 1; }

say "ViNe demo on Linux $(uname -r)"
run vine_load || exit 1
vine_topology_up hmac-sha256 || exit 1
say "hosts run no ViNe software: a1's whole configuration"
run ip -n a1 -4 -br addr show dev eth0
run ip -n a1 route show 172.16.0.0/12

say "VN1: a1 (site A) <-> b1 (site B)"
run ping3 a1 172.16.2.10
say "VN2: a2 (site A) <-> c1 (site C)"
run ping3 a2 172.16.3.10
say "TCP inside VN1, a1 -> b1, through two VRs with HMAC-SHA-256 (iperf3, 3 s)"
ip netns exec b1 iperf3 -s -1 -D
sleep 0.5
ip netns exec a1 iperf3 -c 172.16.2.10 -t 3 | grep -E 'sender|receiver'

say "isolation: b1 (VN1) -> c1 (VN2) is dropped at vrB (no route in VN1)"
run ping3 b1 172.16.3.10
say "isolation: a1 (VN1) -> a2 (VN2), same site, is dropped at vrA (wrong VN)"
run ip -n a1 route add 172.16.1.20/32 via 172.16.1.1
run ping3 a1 172.16.1.20
say "a3 is in no VN: dropped at vrA (not in LNDT)"
run ping3 a3 172.16.2.10

say "vrA: everything (vinectl show)"
run ip netns exec vrA vinectl show
say "vrB: counters and drops by reason (vinectl stats)"
run ip netns exec vrB vinectl stats
say "vrA: the same as JSON (vinectl -j stats)"
run ip netns exec vrA vinectl -j stats
echo
