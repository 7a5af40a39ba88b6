#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, large tables (inside the guest, after tools/bench-guest.sh
# has built candidate C's topology): one-stream TCP throughput and 64-byte
# UDP packets per second h1 -> h2 with the small tables, with 4,096 VNs,
# 1,000,000 LNDT entries and 100,000 GNDT routes on r1 (the routes in the
# VN that carries the traffic), then with the small tables again: small,
# large, small, so that a drift over the run (this emulator speeds up as
# it goes) does not pass for an effect of the tables. TCP goes through r1
# in GSO packets of up to 64 KB, one set of look-ups each; the 64-byte
# packets take one set each. The emulator's drift over a minute is
# larger than what the tables cost, so with each size, a 64-byte run
# under perf gives the share of the CPU's samples in the look-ups
# themselves: a bound on what the tables' size can cost.
# Memory per entry; vinectl loading and dumping 100,000 routes beside ip
# -batch loading 100,000 kernel routes.
#
#   tools/bench-scale.sh C SECONDS
set -u
C=$1 T=$2
HOSTS=${BENCH_HOSTS:-1000000} ROUTES=${BENCH_ROUTES:-100000} VNS=${BENCH_VNS:-4096}
d=$(mktemp -d)
trap 'rm -rf "$d"; ip netns del benchip 2>/dev/null' EXIT

bench() { echo "BENCH $*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
# Memory in use, in kB, once the page cache is dropped.
used_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^MemTotal/ { t = $2 } /^MemFree/ { f = $2 } END { print t - f }' /proc/meminfo
}
per_entry() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.1f", (b - a) * 1024 / n }'; }
iperf() {
	ip netns exec "${C}h1" iperf3 -c 172.16.2.10 -t "$T" -J "$@" >"$d/iperf.json"
}
UDP64=(-u -b 0 -l 36)	# UDP flood of 64-byte IP packets
# Percent of the CPU samples (all CPUs) in the table look-ups, during a
# 64-byte UDP run: the xarray walks (LNDT, GNDT, peers) and the GNDT's
# loop over prefix lengths. Any other xarray look-up on the path counts
# too: the figure is an upper bound.
lookups() {
	perf record -q -a -e cpu-clock -F 999 -o "$d/perf.data" -- \
		ip netns exec "${C}h1" iperf3 -c 172.16.2.10 -t "$T" "${UDP64[@]}" \
		>/dev/null 2>"$d/perf.err" || { cat "$d/perf.err" >&2; return 1; }
	perf report -q -i "$d/perf.data" --stdio --no-children --sort sym 2>/dev/null |
		awk '$3 ~ /^(xa_load|xas_load|xas_descend|xas_start|vine_gndt_lookup)$/ {
			sub("%", "", $1); s += $1 } END { printf "%.2f\n", s }'
}
# One sample of each figure, as "BENCH C scale_tcp1_WHAT" and
# "BENCH C scale_udp64_WHAT".
sample() {
	iperf && bench "$C" "scale_tcp1_$1" "$(python3 tools/bench.py iperf tcp "$d/iperf.json")" &&
		iperf "${UDP64[@]}" &&
		bench "$C" "scale_udp64_$1" "$(python3 tools/bench.py iperf udp "$d/iperf.json")"
}
vx() { ip netns exec "${C}r1" vinectl "$@"; }

# The command files: VNs 2..VNS; hosts from 10.128.0.0 on, in runs of
# 200 per command, spread over every VN; routes 10.192.0.0/30 and up,
# in VN 1, to r2.
python3 - "$d" "$HOSTS" "$ROUTES" "$VNS" <<'PY'
import ipaddress, sys
d, hosts, routes, vns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ip = lambda i: str(ipaddress.IPv4Address(i))
with open(d + "/vns", "w") as f:
    for v in range(2, vns + 1):
        f.write("vn create %d\n" % v)
# "unload": back to the small tables (VN 1 keeps what it had before).
unload = open(d + "/unload", "w")
for v in range(2, vns + 1):
    unload.write("vn delete %d\n" % v)
base = int(ipaddress.IPv4Address("10.128.0.0"))
with open(d + "/hosts", "w") as f:
    for i in range(0, hosts, 200):
        n = min(200, hosts - i)
        vn = (i // 200) % vns + 1
        join = " ".join(ip(base + i + k) for k in range(n))
        f.write("vn join %d %s\n" % (vn, join))
        if vn == 1:
            unload.write("vn leave 1 %s\n" % join)
base = int(ipaddress.IPv4Address("10.192.0.0"))
with open(d + "/routes", "w") as f, open(d + "/iproutes", "w") as g:
    for i in range(routes):
        p = ip(base + 4 * i)
        f.write("route add 1 %s/30 via 10.0.0.2\n" % p)
        g.write("route add %s/30 via 10.0.0.2\n" % p)
        unload.write("route del 1 %s/30\n" % p)
unload.close()
PY

# Samples small (3), large (4), small (3): the report takes the medians
# and their ratios. One run first, not counted, warms the emulator up.
iperf || exit 1
for i in 1 2 3; do
	sample small || exit 1
done
pct=$(lookups) || exit 1
bench "$C" scale_lookup_pct_small "$pct"
vx vr set space 172.16.0.0/12,10.128.0.0/9 || exit 1

m0=$(used_kb)
t=$(now)
vx -b "$d/vns" || exit 1
bench "$C" scale_vns_load_s "$(since "$t")"
m1=$(used_kb)
t=$(now)
vx -b "$d/hosts" || exit 1
bench "$C" scale_hosts_load_s "$(since "$t")"
m2=$(used_kb)
t=$(now)
vx -b "$d/routes" || exit 1
bench "$C" scale_routes_load_s "$(since "$t")"
m3=$(used_kb)
bench "$C" scale_bytes_per_vn "$(per_entry "$m0" "$m1" "$((VNS - 1))")"
bench "$C" scale_bytes_per_host "$(per_entry "$m1" "$m2" "$HOSTS")"
bench "$C" scale_bytes_per_route "$(per_entry "$m2" "$m3" "$ROUTES")"
t=$(now)
n=$(vx route list 1 | wc -l)
bench "$C" scale_routes_dump_s "$(since "$t")"
bench "$C" scale_routes_dumped "$n"
vx -j status

for i in 1 2 3 4; do
	sample large || exit 1
done
pct=$(lookups) || exit 1
bench "$C" scale_lookup_pct_large "$pct"
t=$(now)
vx -b "$d/unload" || exit 1
bench "$C" scale_unload_s "$(since "$t")"
bench "$C" scale_routes_left "$(vx route list 1 | wc -l)"
vx -j status
for i in 1 2 3; do
	sample small || exit 1
done

# The same number of kernel routes with ip -batch, in a namespace of its own.
ip netns add benchip &&
ip -n benchip link add dummy0 type dummy &&
ip -n benchip addr add 10.0.0.1/24 dev dummy0 &&
ip -n benchip link set dummy0 up || exit 1
t=$(now)
ip -n benchip -batch "$d/iproutes" || exit 1
bench ip scale_routes_load_s "$(since "$t")"
t=$(now)
n=$(ip -n benchip route show | wc -l)
bench ip scale_routes_dump_s "$(since "$t")"
bench ip scale_routes_dumped "$n"
