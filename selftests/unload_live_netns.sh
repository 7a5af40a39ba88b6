#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unloading with namespaces still alive tears their VRs down; loading
# again gives every live namespace a fresh VR.

source "$(dirname "$0")/lib.sh"

ktap_plan 6

check "insmod vine.ko" vine_load
ns_add live1 live2 live3
good=0
for ns in live1 live2 live3; do
	ip netns exec $ns vinectl status >/dev/null && good=$((good + 1))
done
check_eq "status in 3 live namespaces" "$good" 3
check "rmmod vine with namespaces alive" vine_unload
check_fails "status in a live namespace after unload" 1 \
	"vinectl: the vine kernel module is not loaded (modprobe vine)" \
	ip netns exec live2 vinectl status
check "insmod vine.ko again" vine_load
check_eq "existing namespace gets a fresh VR" \
	"$(ip netns exec live3 vinectl -j status)" \
	'{"module":"0.1.0","generation":0,"vns":0,"hosts":0,"routes":0,"peers":0}'

ktap_finished
