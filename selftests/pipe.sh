#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MACs are computed and checked on every CPU, and packets leave in the
# order they came (kmod/pipe.c). On the Figure 3-10 sites (HMAC-SHA-256,
# two CPUs): a burst of numbered datagrams a1 -> b1 arrives complete and
# in order, every one counted, while the pipes' work ran on both CPUs;
# pings 0.2 s apart are done where they are, without a worker; a
# namespace deleted while packets wait in its pipes frees everything.
# (The test guests have two CPUs, so every other test's UDP data packets
# take this path too: forged_packets.sh checks its drops.)

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
# A burst may fill a pipe (tx_busy, rx_busy), or wait in it long enough
# for its CoDel to drop some (tx_codel, rx_codel).
# pipe_drops VR REASON...: pdrop, their sum; pwords, as vdiff words.
pipe_drops() {
	local r=$1 d n
	shift
	pdrop=0 pwords=()
	for d in "$@"; do
		n=$(vsnap_delta s0 s1 "$r" "drops.$d")
		[ "$n" = 0 ] || pwords+=("drops.$d +$n")
		pdrop=$((pdrop + n))
	done
}
pipe_drops vrA tx_busy tx_codel
txdrop=$pdrop txwords=("${pwords[@]}")
pipe_drops vrB rx_busy rx_codel
rxdrop=$pdrop rxwords=("${pwords[@]}")
echo "# pipe drops: vrA ${txwords[*]:-none}, vrB ${rxwords[*]:-none}"
# Each datagram: an IP packet of 28 + 1 to 4 bytes of its number.
bytes=$((N * 28 + 9 + 90 * 2 + 900 * 3 + (N - 999) * 4))
# Packets are counted sent when they enter the pipe.
want=$(vexpect "tx_packets +$N" "tx_bytes +$bytes" "${txwords[@]}")
check_eq "vrA sent $N packets ($bytes bytes) to vrB, pipe drops $txdrop" \
	"$(vdiff s0 s1 vrA top)" "$want"
check_eq "b1 got every datagram not counted as a pipe drop, once" \
	"$((got + txdrop + rxdrop)) $(sort -n "$VINE_TMP/seq" | uniq -d | wc -l)" "$N 0"
check_eq "in the order they were sent" \
	"$(awk 'NR > 1 && $1 <= last { bad++ } { last = $1 } END { print bad + 0 }' \
		"$VINE_TMP/seq")" 0
# With no pipe drop, b1 got all: the bytes are exact too.
if [ "$((txdrop + rxdrop))" = 0 ]; then
	excl='' want=$(vexpect "rx_packets +$N" "rx_bytes +$bytes")
else
	excl='^rx_bytes$' want=$(vexpect "rx_packets +$got" "${rxwords[@]}")
fi
check_eq "vrB: delivered what b1 got; no drop but the pipe's ($rxdrop)" \
	"$(vdiff s0 s1 vrB top "$excl")" "$want"
check_eq "the pipes' work ran on both CPUs (vine_pipe_work on CPUs 0 and 1)" \
	"$(grep 'function vine_pipe_work' $tr/trace |
		sed -n 's/.*\[\(0*[0-9]*\)\].*/\1/p' | sort -u | tr '\n' ' ')" \
	"000 001 "

# A ping every 0.2 s: each packet finds the queue empty, no worker runs.
echo >$tr/trace
echo 1 >$tr/tracing_on
replies=$(vping a1 172.16.2.10 5)
echo 0 >$tr/tracing_on
check_eq "5 pings 0.2 s apart: 5 replies, vine_pipe_work never ran" \
	"$replies $(grep -c 'function vine_pipe_work' $tr/trace)" "5 0"
echo 0 >$tr/events/workqueue/workqueue_execute_start/enable

# vrB's namespace goes while a flood fills its pipes: no splat, no leak.
ip netns exec a1 $VINE_PY "$VINE_PKT" seqsend --to 172.16.2.10 --port 9000 \
	--count 100000 --gap 0 >/dev/null 2>&1 &
sleep 1
ip netns del vrB
sleep 1
check "namespaces deleted mid-flood: every peer and connection freed" \
	vine_all_freed
ktap_finished
