#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Received packets are verified on every CPU and delivered in the order
# they came (kmod/rxq.c). On the Figure 3-10 sites (HMAC-SHA-256, two
# CPUs): a burst of numbered datagrams a1 -> b1 arrives complete and in
# order, every one counted, while vrB's verification work ran on both
# CPUs; pings 0.2 s apart are verified where they arrive, without a
# worker; a namespace deleted while packets wait in its queue frees
# everything. (The test guests have two CPUs, so every other test's UDP
# data packets take this path too: forged_packets.sh checks its drops.)

source "$(dirname "$0")/lib.sh"

ktap_plan 10

N=3000		# datagrams in the burst

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology, HMAC-SHA-256" vine_topology_up
check_eq "the guest has two CPUs online" "$(nproc)" 2

# The workqueue events say on which CPU each of our work items ran.
tr=/sys/kernel/tracing
[ -e $tr/trace ] || mount -t tracefs nodev $tr
echo 0 >$tr/tracing_on
echo >$tr/trace
echo 16384 >$tr/buffer_size_kb
echo 1 >$tr/events/workqueue/workqueue_execute_start/enable

ip netns exec b1 $VINE_PY "$VINE_PKT" seqrecv --bind 172.16.2.10 \
	--port 9000 --out "$VINE_TMP/seq" &
sleep 0.5
vsnap s0 vrA vrB
echo 1 >$tr/tracing_on
ip netns exec a1 $VINE_PY "$VINE_PKT" seqsend --to 172.16.2.10 --port 9000 \
	--count $N --gap 0 >/dev/null
sleep 2
echo 0 >$tr/tracing_on
vsnap s1 vrA vrB

got=$(wc -l <"$VINE_TMP/seq")
busy=$(vsnap_delta s0 s1 vrB drops.rx_busy)
# Each datagram: an IP packet of 28 + 1 to 4 bytes of its number.
bytes=$((N * 28 + 9 + 90 * 2 + 900 * 3 + (N - 999) * 4))
check_eq "vrA sent $N packets ($bytes bytes) to vrB" \
	"$(vdiff s0 s1 vrA top)" \
	"$(vexpect "tx_packets +$N" "tx_bytes +$bytes")"
check_eq "b1 got every datagram vrB did not count as rx_busy, once" \
	"$((got + busy)) $(sort -n "$VINE_TMP/seq" | uniq -d | wc -l)" "$N 0"
check_eq "in the order they were sent" \
	"$(awk 'NR > 1 && $1 <= last { bad++ } { last = $1 } END { print bad + 0 }' \
		"$VINE_TMP/seq")" 0
# With no rx_busy, b1 got all: the bytes are exact too.
if [ "$busy" = 0 ]; then
	excl='' want=$(vexpect "rx_packets +$N" "rx_bytes +$bytes")
else
	excl='^rx_bytes$' want="drops.rx_busy +$busy, rx_packets +$got"
fi
check_eq "vrB: delivered what b1 got; no drop but rx_busy ($busy)" \
	"$(vdiff s0 s1 vrB top "$excl")" "$want"
check_eq "vrB verified on both CPUs (vine_rxq_work ran on CPUs 0 and 1)" \
	"$(grep 'function vine_rxq_work' $tr/trace |
		sed -n 's/.*\[\(0*[0-9]*\)\].*/\1/p' | sort -u | tr '\n' ' ')" \
	"000 001 "

# A ping every 0.2 s: each packet finds the queue empty, no worker runs.
echo >$tr/trace
echo 1 >$tr/tracing_on
replies=$(vping a1 172.16.2.10 5)
echo 0 >$tr/tracing_on
check_eq "5 pings 0.2 s apart: 5 replies, vine_rxq_work never ran" \
	"$replies $(grep -c 'function vine_rxq_work' $tr/trace)" "5 0"
echo 0 >$tr/events/workqueue/workqueue_execute_start/enable

# vrB's namespace goes while a flood fills its queue: no splat, no leak.
ip netns exec a1 $VINE_PY "$VINE_PKT" seqsend --to 172.16.2.10 --port 9000 \
	--count 100000 --gap 0 >/dev/null 2>&1 &
sleep 1
ip netns del vrB
sleep 1
check "namespaces deleted mid-flood: every peer and connection freed" \
	vine_all_freed
ktap_finished
