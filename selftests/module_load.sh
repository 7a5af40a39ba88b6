#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads, answers over netlink, and unloads cleanly, repeatedly.

source "$(dirname "$0")/lib.sh"

ktap_plan 8

check "insmod vine.ko" vine_load
check_eq "module version in sysfs" "$(cat /sys/module/vine/version)" "0.1.0"
check_eq "vinectl version" "$(vinectl version)" "vinectl:    0.1.0
module:     0.1.0
generation: 0
vns:        0
hosts:      0
routes:     0
peers:      0"
check_eq "vinectl -j status" "$(vinectl -j status)" \
	'{"module":"0.1.0","generation":0,"vns":0,"hosts":0,"routes":0,"peers":0}'
check_eq "module refcount is 0 when idle" "$(cat /sys/module/vine/refcnt)" "0"
check "rmmod vine" vine_unload
check_eq "module gone from sysfs" "$(ls -d /sys/module/vine 2>&1)" \
	"ls: cannot access '/sys/module/vine': No such file or directory"

cycles=0
for i in $(seq 20); do
	vine_load && vinectl status >/dev/null && vine_unload || break
	cycles=$i
done
check_eq "20 load/status/unload cycles" "$cycles" 20

ktap_finished
