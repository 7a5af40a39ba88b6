#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 50 namespaces (50 VRs) come and go while vinectl status runs in each.

source "$(dirname "$0")/lib.sh"

N=50
fresh='{"module":"0.1.0","generation":0,"vns":0,"hosts":0,"routes":0,"peers":0}'
ktap_plan 6

check "insmod vine.ko" vine_load

created=0
for i in $(seq $N); do
	ns_add "churn$i" || break
	created=$i
done
check_eq "$N namespaces created" "$created" $N

# In each namespace, call status in a loop until the stop file goes;
# each loop writes its count of good and bad answers.
tmp=$(mktemp -d)
touch "$tmp/run"
for i in $(seq $N); do
	ip netns exec "churn$i" bash -c '
		good=0 bad=0
		while [ -e "$1/run" ]; do
			if [ "$(vinectl -j status)" = "$2" ]
			then good=$((good + 1)); else bad=$((bad + 1)); fi
		done
		echo "$good $bad" > "$1/$3"' _ "$tmp" "$fresh" "$i" &
done
sleep 3
# Remove the namespaces' names while their loops still run in them: each
# namespace dies when its last process leaves.
ns_cleanup
sleep 1
rm "$tmp/run"
wait

bad=0 idle=0
for i in $(seq $N); do
	read -r g b < "$tmp/$i"
	bad=$((bad + b))
	[ "$g" -gt 0 ] || idle=$((idle + 1))
done
check_eq "every namespace answered status at least once" "$idle" 0
check_eq "no wrong status answer in any namespace" "$bad" 0
rm -rf "$tmp"

check_eq "status in the initial namespace" "$(vinectl -j status)" "$fresh"
check "rmmod vine after the namespaces died" vine_unload

ktap_finished
