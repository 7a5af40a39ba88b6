#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The in-module selftests (kmod/selftest/, in the VINE_SELFTEST=y module
# that make check builds): loaded with selftest=1, the module runs them
# before it registers anything, prints KTAP to the kernel log and refuses
# to load if a case fails. The number of cases of each part is exact
# here: a case lost or added without this file shows.

source "$(dirname "$0")/lib.sh"

# part:cases, in the order the module runs them
parts=(replay:62 gndt:68 hosts:47 hdr:38 codel:45 noise:10)

ktap_plan $((${#parts[@]} + 9))

total=0
for p in "${parts[@]}"; do
	total=$((total + ${p#*:}))
done

# The kernel log from a marker on, without timestamps.
log_since() {
	dmesg -t | sed -n "/^$1\$/,\$p"
}

mark=vine-unit-$$-1
echo "$mark" > /dev/kmsg
check "insmod vine.ko selftest=1" vine_load selftest=1
log=$(log_since "$mark")
check_eq "parameter selftest" "$(cat /sys/module/vine/parameters/selftest 2>&1)" Y

i=0
for p in "${parts[@]}"; do
	i=$((i + 1))
	name=${p%:*} n=${p#*:}
	check_eq "$name: $n cases pass" \
		"$(grep -E "^vine: (not )?ok $i |^vine: +# $name: " <<<"$log")" \
		"vine:     # $name: pass:$n fail:0 total:$n
vine: ok $i $name"
done
check_eq "no case failed" "$(grep -c '^vine: *not ok ' <<<"$log")" 0
check_eq "summary" "$(grep '^vine: # selftest: ' <<<"$log")" \
	"vine: # selftest: ${#parts[@]} parts, $total cases: $total passed, 0 failed"
check_eq "then the module works" "$(vinectl -j status 2>&1)" \
	'{"module":"0.1.0","generation":0,"vns":0,"hosts":0,"routes":0,"peers":0}'
check "rmmod vine" vine_unload

# Without selftest=1 the same module runs none.
mark=vine-unit-$$-2
echo "$mark" > /dev/kmsg
check "insmod vine.ko" vine_load
check_eq "no selftest without selftest=1" \
	"$(cat /sys/module/vine/parameters/selftest) $(log_since "$mark" | grep -c 'Subtest')" "N 0"
check "rmmod vine again" vine_unload

ktap_finished
