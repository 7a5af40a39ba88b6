#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reconfiguration under traffic: while iperf3 sends TCP from a1 to b1 for
# 20 s, replace the GNDT routes on both VRs and give the A-B pair a new key
# (set on vrA, then on vrB). The transfer goes on: data in its last
# seconds, data delivered with the new key, a few bad_mac drops at most
# (between the two key sets), no replay drop (a new key's counter starts
# at the current wall-clock time, above every counter of the old key).

source "$(dirname "$0")/lib.sh"

ktap_plan 17

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, MAC hmac-sha256" vine_topology_up hmac-sha256

ga0=$(vgen vrA)
gb0=$(vgen vrB)
vsnap r0 vrA vrB

ip netns exec b1 timeout 180 iperf3 -s -1 -p 5201 >"$VINE_TMP/iperf.srv" 2>&1 &
vine_wait_listen b1 5201
# 20 s: under emulation the vinectl commands below can take seconds while
# the traffic keeps both CPUs busy. The timeouts are bounds for a debug
# kernel, where setting up the two ends alone took most of a minute.
ip netns exec a1 timeout 180 iperf3 -c 172.16.2.10 -p 5201 -t 20 -i 1 -J \
	--connect-timeout 5000 >"$VINE_TMP/iperf.json" 2>&1 &
cli=$!
t0=$SECONDS

# Each change is one vinectl in the VR's namespace; the second VR's is
# reached with nsenter from the first's shell, to keep the two close in
# time (a new process costs a lot under emulation).
sleep 2
replace_routes() {
	ip netns exec vrA sh -c "
		vinectl route replace 1 172.16.2.0/24 via 10.0.0.2 &&
		nsenter --net=/run/netns/vrB \
			vinectl route replace 1 172.16.1.0/24 via 10.0.0.1"
}
check_sh "under traffic: route replace on vrA and on vrB" replace_routes

sleep 0.5
vinectl genkey >"$VINE_TMP/key.AB2"
# The counters right after the second key set, in the same shell (python,
# as vsnap, took 6 s to start here under this load): snapshot r2.
r2=$VINE_TMP/snap/r2
mkdir -p "$r2"
rekey() {
	ip netns exec vrA sh -c "
		vinectl key set 10.0.0.2 $VINE_TMP/key.AB2 &&
		nsenter --net=/run/netns/vrB sh -c '
			vinectl key set 10.0.0.1 $VINE_TMP/key.AB2 &&
			vinectl -j stats >$r2/vrB.json' &&
		vinectl -j stats >$r2/vrA.json"
}
check_sh "under traffic: new A-B key, set on vrA then on vrB" rekey
echo "# key sets and snapshot r2 done $((SECONDS - t0)) s into the transfer"
$VINE_PY "$VINE_PKT" flat "$r2" vrA vrB

wait $cli
rc=$?
vsnap r3 vrA vrB

# Where the last interval ends (tenths of a second), the bytes of each
# interval, then the total received (iperf3 -J exits 0 even when it
# failed: its "error" says so). Intervals last a second, or more when
# iperf3 itself gets the CPU late (a debug kernel: 12 in 20 s, once).
out=$($VINE_PY -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    if "error" in d:
        print("error:", d["error"].replace(" ", "_"))
    else:
        print(round(d["intervals"][-1]["sum"]["end"] * 10),
              " ".join(str(int(i["sum"]["bytes"])) for i in d["intervals"]),
              int(d["end"]["sum_received"]["bytes"]))
except Exception as e:
    print("error:", type(e).__name__)
' "$VINE_TMP/iperf.json")
read -r -a iv <<<"$out"
echo "# end (0.1 s), bytes per interval, then total received: ${iv[*]}"
err=no
total=0
end=0
if [[ ${iv[0]:-error:} == error:* ]]; then
	err="${iv[*]}"
	iv=()
else
	end=${iv[0]}
	total=${iv[${#iv[@]} - 1]}
	unset 'iv[${#iv[@]} - 1]'
	iv=("${iv[@]:1}")
fi
check_eq "iperf3 a1 -> b1 finished without error" "exit $rc, error: $err" \
	"exit 0, error: no"
zero=0
for b in "${iv[@]}"; do
	[ "$b" = 0 ] && zero=$((zero + 1))
done
check_range "iperf3 ran its 20 s (the last interval ends at 20.0 to 21.0 s)" \
	"$end" 200 210
check_range "received in total (bytes)" "$total" 1 100000000000
last=${iv[*]: -1:1}
before=${iv[*]: -2:1}
check_range "last interval still carries data (bytes)" "${last:-0}" 1 100000000000
check_range "the interval before too" "${before:-0}" 1 100000000000
check_range "intervals without any data (the key change may cost one or two)" "$zero" 0 2

check_range "vrB delivered data after both keys were set (inner bytes)" \
	"$(vsnap_delta r2 r3 vrB rx_bytes)" 1 100000000000
check_range "vrA delivered b1's ACKs after both keys were set (packets)" \
	"$(vsnap_delta r2 r3 vrA rx_packets)" 1 100000000000

bad_a=$(vsnap_delta r0 r3 vrA drops.bad_mac)
bad_b=$(vsnap_delta r0 r3 vrB drops.bad_mac)
echo "# bad_mac drops around the key change: vrA $bad_a, vrB $bad_b"
bad=?
[[ $bad_a =~ ^[0-9]+$ && $bad_b =~ ^[0-9]+$ ]] && bad=$((bad_a + bad_b))
# At most what is in flight while only one side has the new key: what
# waits in vrA's send pipe and vrB's receive pipe (4096 each, kmod/pipe.c)
# and a TCP window each way.
check_range "bad_mac drops, both VRs (only between the two key sets)" \
	"$bad" 0 10000
# The stream keeps both CPUs busy: the pipes' CoDel drops a few packets
# (tx_codel, rx_codel) to keep their queues short, as a router's AQM does;
# in its first round trips, before CoDel acts, TCP may fill a pipe
# (tx_busy, rx_busy).
echo "# other drops (the pipes: full, or CoDel): vrA $(vdiff r0 r3 vrA drops 'drops.(bad_mac|too_big)'), vrB $(vdiff r0 r3 vrB drops 'drops.(bad_mac|too_big)')"
busy='drops.(bad_mac|too_big|[rt]x_busy|[rt]x_codel)'
check_eq "no other drop than bad_mac, too_big (path MTU), the pipes' at vrA, vrB" \
	"vrA: $(vdiff r0 r3 vrA drops "$busy") | vrB: $(vdiff r0 r3 vrB drops "$busy")" \
	"vrA:  | vrB: "
check_eq "generation: +2 on each VR (a route replaced, a key set)" \
	"vrA +$(( $(vgen vrA) - ga0 )) vrB +$(( $(vgen vrB) - gb0 ))" "vrA +2 vrB +2"
check_eq "a1 pings b1 with the new key: 5 of 5" "$(vping a1 172.16.2.10 5)" 5
check_eq "routes as before" "$(ip netns exec vrA vinectl -j route list 1)" \
	'[{"vn":1,"prefix":"172.16.2.0/24","via":"10.0.0.2","port":2247,"proto":"udp","type":"regular"}]'

ktap_finished
