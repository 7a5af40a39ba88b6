#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench cannot rot: a one-second, one-repetition run of every
# candidate (tools/bench-guest.sh, with tables "large" at 4 VNs, 2,000
# hosts and 100 routes) must produce every figure, and the host-side
# report must turn them into ratios.

source "$(dirname "$0")/lib.sh"

CANDS="plain vxlan wg vine0 vine vinep vineb vinee"
METRICS="tcp1 tcp4 udp64 udp1400 rtt_p50_us rtt_p99_us rtt_load_p50_us
	rtt_load_p99_us cpu_s_per_gb"
ktap_plan 7

out=$VINE_TMP
# The module of make check is a selftest build: it gives the handshake rate.
BENCH_VNS=4 BENCH_HOSTS=2000 BENCH_ROUTES=100 VINE_KO_SELFTEST=$VINE_KO \
	"$REPO_DIR/tools/bench-guest.sh" "$VINE_KO" 1 1 1 >"$out/output" 2>"$out/err"
rc=$?
check_eq "bench-guest.sh exits 0" "$rc" 0
[ "$rc" = 0 ] || sed 's/^/# /' "$out/err"

missing=""
for c in $CANDS; do
	for m in $METRICS; do
		awk -v c="$c" -v m="$m" '$1 == "BENCH" && $2 == c && $3 == m && $4 > 0 { f = 1 }
			END { exit !f }' "$out/output" || missing="$missing $c/$m"
	done
done
for c in wg/first_ping_us vinee/first_ping_us vinee/hs_per_s \
	vinee/hs_resp_per_s; do
	awk -v c="${c%/*}" -v m="${c#*/}" '$1 == "BENCH" && $2 == c && $3 == m && $4 > 0 { f = 1 }
		END { exit !f }' "$out/output" || missing="$missing $c"
done
check_eq "every candidate has every figure, above zero" "${missing:-none}" none
[ -z "$missing" ] || sed 's/^/# /' "$out/err"

# Large tables: small, large, small samples; the unload leaves VN 1 with
# the routes it had before the 100.
scale=$(awk '$1 == "BENCH" && $2 == "vine" {
		if ($3 ~ /^scale_(tcp1|udp64)_small$/ && $4 > 0) s++
		if ($3 ~ /^scale_(tcp1|udp64)_large$/ && $4 > 0) l++
		if ($3 == "scale_routes_dumped") d = $4
		if ($3 == "scale_routes_left") r = $4
		if ($3 ~ /^scale_lookup_pct_(small|large)$/ && $4 ~ /^[0-9]+\.[0-9][0-9]$/) p++
	} END { printf "small %d large %d routes %d lookup shares %d", s, l, d - r, p }' "$out/output")
check_eq "large tables: 6 small and 4 large samples of TCP and of UDP 64 B, 100 routes unloaded, 2 look-up shares" \
	"$scale" "small 12 large 8 routes 100 lookup shares 2"

check "report: results.json, results.txt, chart.dat" \
	python3 "$REPO_DIR/tools/bench.py" report "$out/output" "$out"
check_eq "ratios computed" \
	"$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["ratios"]; print(sorted(r))' "$out/results.json")" \
	"['vine/plain', 'vine/wg', 'vine0/plain', 'vine0/vxlan', 'vineb/plain', 'vineb/wg', 'vinee/plain', 'vinee/wg', 'vinep/plain', 'vinep/wg', 'vineq/plain', 'vineq/vine', 'vinet/plain', 'vinet/vine', 'vxlan/plain', 'wg/plain']"
check_eq "large over small tables computed" \
	"$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["other"]["vine"]; print(sorted(k for k in r if k.endswith("_over_small")))' "$out/results.json")" \
	"['scale_tcp1_large_over_small', 'scale_udp64_large_over_small']"
# The ViNe routers dropped nothing but the PMTU probes (too_big) and what
# a UDP flood (iperf3 -b 0) pushes beyond a bound: a TCP connection's
# backlog (tcp_full; TCP does not slow a UDP sender down) or, with a MAC,
# the pipes (tx_busy, rx_busy) or waits in them until their CoDel drops
# (tx_codel, rx_codel).
# vinee: the first-ping figure drops the routers' sessions on purpose; a
# late packet of the old one is then no_session.
check_eq "ViNe routers' drops other than too_big, tcp_full, no_session (vinee) and the pipes'" \
	"$(awk '$1 == "BENCH" && $3 ~ /^drop_/ && $3 != "drop_too_big" &&
		!($2 ~ /^vinet_/ && $3 == "drop_tcp_full") &&
		!($2 ~ /^vinee_/ && $3 == "drop_no_session") &&
		!($2 !~ /^vine0_/ && $3 ~ /^drop_(tx|rx)_(busy|codel)$/)' "$out/output")" ""
ktap_finished
