#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Large tables: N hosts and N routes load through vinectl -b, dump whole
# (netlink dumps resume across messages) and go with their VN.

source "$(dirname "$0")/lib.sh"

N=${VINE_SCALE_N:-100000}
ktap_plan 17

check "insmod vine.ko" vine_load
ns_add scale
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; ns_cleanup' EXIT

# N hosts from 172.16.0.1 on, 200 a line; N /30 routes from 172.20.0.0 on.
python3 - "$N" "$tmp" <<'PY'
import ipaddress, sys
n, d = int(sys.argv[1]), sys.argv[2]
base = int(ipaddress.ip_address("172.16.0.1"))
hosts = [str(ipaddress.ip_address(base + i)) for i in range(n)]
with open(d + "/hosts", "w") as f:
    for i in range(0, n, 200):
        f.write("vn join 1 " + " ".join(hosts[i:i + 200]) + "\n")
base = int(ipaddress.ip_address("172.20.0.0"))
with open(d + "/routes", "w") as f:
    for i in range(n):
        f.write("route add 1 %s/30 via 10.0.0.2\n" % ipaddress.ip_address(base + 4 * i))
PY

vx() { ip netns exec scale vinectl "$@"; }
vx vr set id 10.0.0.1 space 172.16.0.0/12 && vx vn create 1 name big

t0=$(date +%s.%N)
check "load $N hosts (vn join, 200 a command)" vx -b "$tmp/hosts"
t1=$(date +%s.%N)
check "load $N routes (route add, one a command)" vx -b "$tmp/routes"
t2=$(date +%s.%N)
check_eq "status counts" "$(vx -j status | sed 's/"generation":[0-9]*,//')" \
	"{\"module\":\"0.1.0\",\"vns\":1,\"hosts\":$N,\"routes\":$N,\"peers\":1}"

count() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["hosts"]) if isinstance(d, dict) else len(d), len(set(map(str, d["hosts"] if isinstance(d, dict) else [(r["prefix"]) for r in d]))))'; }
t3=$(date +%s.%N)
check_eq "route dump: $N distinct routes" "$(vx -j route list 1 | count)" "$N $N"
t4=$(date +%s.%N)
check_eq "host dump: $N distinct hosts" "$(vx -j vn show 1 | count)" "$N $N"
last=$(python3 -c "import ipaddress; print(ipaddress.ip_address(int(ipaddress.ip_address('172.20.0.0')) + 4 * ($N - 1)))")
check "route dump holds the last route $last/30" \
	sh -c "ip netns exec scale vinectl route list 1 | grep -q '^1 *$last/30 '"
t5=$(date +%s.%N)
check "vn delete 1 with its $N hosts and $N routes" vx vn delete 1
t6=$(date +%s.%N)
check_eq "status counts after delete" \
	"$(vx -j status | sed 's/"generation":[0-9]*,//')" \
	'{"module":"0.1.0","vns":0,"hosts":0,"routes":0,"peers":0}'

# 1,000 VNs and N hosts spread over them, 200 at a time. Half the VNs
# go, each with its own hosts (a VN has an index of them: it does not
# search the LNDT, which took minutes with 4,096 VNs and a million
# hosts); the namespace dies with the other half.
python3 - "$N" "$tmp" <<'PY'
import ipaddress, sys
n, d = int(sys.argv[1]), sys.argv[2]
base = int(ipaddress.ip_address("172.16.0.1"))
left, vn7, vn8 = 0, [], []
with open(d + "/many", "w") as f:
    for v in range(1, 1001):
        f.write("vn create %d\n" % v)
    for i in range(0, n, 200):
        v = i // 200 % 1000 + 1
        hosts = [str(ipaddress.ip_address(base + i + k)) for k in range(min(200, n - i))]
        f.write("vn join %d %s\n" % (v, " ".join(hosts)))
        left += len(hosts) if v % 2 == 0 else 0
        vn7 += hosts if v == 7 else []
        vn8 += hosts if v == 8 else []
with open(d + "/odd", "w") as f:
    for v in range(1, 1001, 2):
        f.write("vn delete %d\n" % v)
open(d + "/left", "w").write("%d\n" % left)
open(d + "/vn7", "w").write(" ".join(vn7) + "\n")
open(d + "/vn7odd", "w").write(" ".join(vn7[1::2]) + "\n")
open(d + "/vn8after", "w").write(" ".join(vn7[::2] + vn8) + "\n")
open(d + "/vn8", "w").write(" ".join(vn8) + "\n")
PY
check "1000 VNs, $N hosts over them" vx -b "$tmp/many"
check "vn delete the 500 odd VNs" vx -b "$tmp/odd"
check_eq "status counts: the even VNs' $(cat "$tmp/left") hosts" \
	"$(vx -j status | sed 's/"generation":[0-9]*,//')" \
	"{\"module\":\"0.1.0\",\"vns\":500,\"hosts\":$(cat "$tmp/left"),\"routes\":0,\"peers\":0}"
hosts_of() { vx -j vn show "$1" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["hosts"]))'; }
check_eq "vn show 8: its own hosts, in order" "$(hosts_of 8)" "$(cat "$tmp/vn8")"
check "VN 7's hosts left the LNDT with it: they join VN 8" \
	vx vn join 8 $(cat "$tmp/vn7")
check "every other one of them leaves VN 8" vx vn leave 8 $(cat "$tmp/vn7odd")
check_eq "vn show 8: the rest of VN 7's hosts, then its own" \
	"$(hosts_of 8)" "$(cat "$tmp/vn8after")"
t7=$(date +%s.%N)
check "namespace deleted with them, module unloads" \
	sh -c 'ip netns del scale && rmmod vine'
t8=$(date +%s.%N)

awk -v n="$N" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v e="$t4" -v f="$t5" -v g="$t6" -v h="$t7" -v i="$t8" 'BEGIN {
	printf "# %d hosts loaded in %.2f s, %d routes in %.2f s\n", n, b - a, n, c - b
	printf "# route dump %.2f s, host dump %.2f s, vn delete %.2f s\n", e - d, f - e, g - f
	printf "# namespace with 500 VNs and their hosts deleted, module unloaded in %.2f s\n", i - h
}'
ktap_finished
