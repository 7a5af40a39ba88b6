#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Sessions end to end through a queue VR (RELAY packets): the topology of
# limited.sh (vrL behind natL, served by vrQ; vrR reaching l1's site
# through vrQ), every VR known to the others by public key, encrypting,
# as in limited_sessions.sh. vrR makes its packets for l1 in its own
# session with vrL and wraps each in a RELAY (type 7, MAC only) for vrQ,
# which passes the packet inside on unchanged, in a RELAY of its own, to
# vrL. Checked: the vrR-vrL handshake goes through vrQ; numbered
# datagrams r1 -> l1 arrive in order; on the WAN nothing of them shows,
# vrR sends vrQ RELAYs (flags mac|session) around FORWARDs from vrR for
# vrL (flags mac|session|encrypted), and vrQ sends vrL the very same
# inner packets, byte for byte; vrR and vrL count them on each other,
# vrQ as relayed between them, on no VN; no drop. With relay_tamper (a
# module parameter of selftest builds) vrQ flips a bit of what it relays:
# vrL drops each packet as bad_mac and delivers nothing. End to end in
# every poll mode of vrL: udp with keepalives, channel, tcp, plain udp.
# The relayed route's ViNe MTU is 44 bytes lower: 1384. A queue VR that
# knows a limited VR by a static key only relays nothing for it
# (relay_denied).

source "$(dirname "$0")/lib.sh"

ktap_plan 29

T=$VINE_TMP
MARK=vine-e2e-marker-
TAMPER=/sys/module/vine/parameters/relay_tamper
# A failing test must not leave the module altering what it relays.
untamper() { [ ! -w "$TAMPER" ] || echo 0 >"$TAMPER"; }
trap 'untamper; vine_cleanup' EXIT

check_eq "vine_pkt.py: the wire-format vector of a relay" \
	"$($VINE_PY "$VINE_PKT" vector --relay)" \
	01070500007456780000000000000002000000000a0000010a00000966fd3c4913414e64647f557d8d41072901000d00004812340000000000000001000000010a0000010a00000205630fc486621b80db59960d31bc207eda57f343b52aef1869b771f0fe85988d696de9044f6b8567d150b55a
check "insmod vine.ko" vine_load
check_sh "topology: vrL behind natL, vrQ, vrR" vine_limited_up
check_sh "vrQ, vrR, vrL: key pairs, the others' public keys, encrypt yes" \
	vine_limited_keys
check "vrL: vr set limited yes queue-vr 10.0.0.1 poll-interval 500" \
	ip netns exec vrL vinectl vr set limited yes queue-vr 10.0.0.1 \
	poll-interval 500
chan_up() { wait_chan vrL 10.0.0.1 up && wait_chan vrQ $L up; }
check "vrL and vrQ: the channel up on both sides" chan_up

# has_session NS PEER: "yes" if NS is in a session with PEER.
has_session() {
	[[ $(vine_pfield "$1" "$2" session_age_ms) =~ ^[0-9]+$ ]] && echo yes ||
		echo no
}
# The first ping makes vrR's sessions: with vrQ, then with vrL, whose
# handshake vrQ relays both ways. The reply goes straight from vrL to vrR.
# vinectl monitor on vrR and vrL tells each handshake.
# listening NS FILE: NS's monitor prints events (a VN made and deleted
# until it shows one).
listening() {
	ip netns exec "$1" vinectl vn create 99 >/dev/null &&
	ip netns exec "$1" vinectl vn delete 99 >/dev/null &&
	grep -q '^del-vn vn 99' "$2"
}
for x in R L; do
	ip netns exec "vr$x" vinectl monitor >"$T/mon.$x" 2>&1 &
	vine_until 40 0.25 "listening vr$x '$T/mon.$x'"
done
vsnap w0 vrQ vrR vrL
warm=$(vine_until 10 0.5 '[ "$(vping r1 172.16.3.10 1)" = 1 ]' && echo answered)
vsnap w1 vrQ vrR vrL
check_eq "r1 -> l1: a ping answered; vrR and vrL in a session with each other" \
	"$warm $(has_session vrR $L) $(has_session vrL 10.0.0.2)" "answered yes yes"
check_eq "handshakes: vrR made 2 (with vrQ; with vrL, through vrQ), each answered" \
	"$(vdiffs w0 w1 top '^(rx|tx)_|^drops' vrQ vrR vrL)" \
	"vrQ: handshakes.init_received +1 | vrR: handshakes.init_sent +2, handshakes.resp_received +2 | vrL: handshakes.init_received +1"
hs_events() {
	vine_until 40 0.25 "[ \$(grep -c '^handshake' '$T/mon.R') -ge 2 ] &&
		[ \$(grep -c '^handshake' '$T/mon.L') -ge 1 ]"
	grep -h '^handshake' "$T/mon.R" "$T/mon.L" | paste -sd';'
}
check_eq "monitor: vrR initiated with vrQ, then with vrL via vrQ; vrL answered via vrQ" \
	"$(hs_events)" \
	"handshake peer 10.0.0.1 initiator yes;handshake peer $L initiator yes via 10.0.0.1;handshake peer 10.0.0.2 initiator no via 10.0.0.1"

# send TAG N: N numbered datagrams r1 -> l1, "$MARK$TAG-1" and on; seen:
# the lines l1 had written before them. arrived TAG N: l1 got exactly
# those, in order.
ip netns exec l1 $VINE_PY "$VINE_PKT" seqrecv --bind 172.16.3.10 \
	--port 9000 --out "$T/seq" &
vine_wait_listen l1 9000 udp && vine_wait_file "$T/seq"
send() {
	seen=$(wc -l <"$T/seq")
	ip netns exec r1 $VINE_PY "$VINE_PKT" seqsend --to 172.16.3.10 \
		--port 9000 --count "$2" --gap 0.05 --prefix "$MARK$1-" >/dev/null
}
arrived() {
	local got
	vine_until 40 0.25 "[ \$(wc -l <'$T/seq') -ge $((seen + $2)) ]"
	got=$(tail -n +$((seen + 1)) "$T/seq")
	[ "$got" = "$(seq -f "$MARK$1-%g" "$2")" ] && echo "$2 in order" ||
		echo "got: $(echo "$got" | tr '\n' ' ')"
}

# ---- on the WAN: RELAYs, the inner packets passed on unchanged -----------
# capture NAME IFACE SRC DST: in the background, the ViNe packets from SRC
# to DST (any port: vrQ sends to natL's mapping) on the WAN switch's port
# IFACE: in hex in $T/cap.NAME, their fields in $T/cap.NAME.txt.
FIELDS=type,flags,vnid,src_vr,dst_vr,inner_len,relay_type,relay_flags,relay_src_vr,relay_dst_vr,relay_body,inner_sha256
cap_pids=()
capture() {
	ip netns exec wan $VINE_PY "$VINE_PKT" capture --iface "$2" --src "$3" \
		--dst "$4" --port 0 --count 1000 --timeout 60 --save "$T/cap.$1" \
		--fields "$FIELDS" --ready "$T/cap.$1.ready" >"$T/cap.$1.txt" &
	cap_pids+=($!)
}
# data NAME: the data packets of capture NAME (no handshake or channel
# packet, relayed or not, no empty keepalive), one a line: "TYPE/FLAGS VN
# SRC>DST [TYPE/FLAGS SRC>DST] SHA256": in brackets the header of the
# packet a RELAY carries; SHA256: of all after the outer header.
data() {
	awk '{	s = $3; gsub(/[{}"]/, "", s); n = split(s, kv, ",")
		for (i = 1; i <= n; i++) { split(kv[i], p, ":"); f[p[1]] = p[2] }
		if (f["type"] ~ /^[2-6]$/ || f["relay_type"] ~ /^[2-6]$/ ||
		    f["inner_len"] == "0" || f["relay_body"] == "0")
			next
		printf "%s/%s %s %s>%s [%s/%s %s>%s] %s\n", f["type"], f["flags"],
			f["vnid"], f["src_vr"], f["dst_vr"], f["relay_type"],
			f["relay_flags"], f["relay_src_vr"], f["relay_dst_vr"],
			f["inner_sha256"] }' "$T/cap.$1.txt"
}
# kinds NAME: "N x KIND;..." of its data packets; inner NAME: their SHA256s.
kinds() {
	data "$1" | cut -d' ' -f1-5 | sort | uniq -c |
		sed 's/^ *\([0-9]*\) /\1 x /' | paste -sd';'
}
inner() { data "$1" | awk '{ print $NF }' | sort; }

capture R pr 10.0.0.2 10.0.0.1		# vrR -> vrQ
capture Q pq 10.0.0.1 10.0.0.3		# vrQ -> natL (vrL)
vine_wait_file "$T/cap.R.ready" && vine_wait_file "$T/cap.Q.ready"
vsnap s0 vrQ vrR vrL
send b 5
check_eq "5 datagrams r1 -> l1 through vrQ, end to end: all arrive, in order" \
	"$(arrived b 5)" "5 in order"
vsnap s1 vrQ vrR vrL
vine_until 40 0.25 '[ "$(data R | wc -l)" -ge 5 ] && [ "$(data Q | wc -l)" -ge 5 ]'
kill "${cap_pids[@]}" 2>/dev/null
wait "${cap_pids[@]}" 2>/dev/null
check_eq "vrR -> vrQ: 5 RELAYs (7/5, VN 0) around FORWARDs from vrR for vrL (0/13)" \
	"$(kinds R)" "5 x 7/5 0 10.0.0.2>10.0.0.1 [0/13 10.0.0.2>$L]"
check_eq "vrQ -> vrL: 5 RELAYs (7/5, VN 0) around the same FORWARDs" \
	"$(kinds Q)" "5 x 7/5 0 10.0.0.1>$L [0/13 10.0.0.2>$L]"
check_eq "what vrQ passed on is what vrR sent, byte for byte (5 inner packets)" \
	"$(inner R | wc -l) $([ "$(inner R)" = "$(inner Q)" ] && echo same || echo differ)" \
	"5 same"
check_eq "nothing of the datagrams on the wire (the marker in no packet of either hop)" \
	"$(grep -hc "$(printf %s "$MARK" | od -An -tx1 | tr -d ' \n')" \
		"$T/cap.R" "$T/cap.Q" 2>&1 | paste -sd' ')" "0 0"

# ---- counters: end to end at vrR and vrL, relayed at vrQ -----------------
len=$((28 + ${#MARK} + 3))	# IPv4, UDP, "$MARK", "b-" and a digit
check_eq "vrR sent 5 x $len bytes to vrL (not to vrQ); vrL took them from vrR" \
	"$(vdiffs s0 s1 '' handshakes vrR vrL)" \
	"vrR: $(vtx 5 $((5 * len)) '' "peers[$L]." 'vns[1].') | vrL: $(vrx 5 $((5 * len)) '' 'peers[10.0.0.2].' 'vns[1].')"
check_eq "vrQ relayed 5: rx from vrR, tx to vrL, on no VN (packets)" \
	"$(vdiff s0 s1 vrQ '' '_bytes$|handshakes')" \
	"$(vexpect 'rx_packets +5' 'tx_packets +5' 'peers[10.0.0.2].rx_packets +5' "peers[$L].tx_packets +5")"
# vrQ counts the data packets it relays (not handshakes or keepalives),
# each as long as the inner ViNe packet: its 44-byte header and the IPv4
# packet it carries (encrypted, as long as in clear).
r=$((5 * (44 + len)))
check_eq "vrQ relayed 5 x (44 + $len) bytes: VR rx, tx, vrR's rx, vrL's tx" \
	"$(vsnap_delta s0 s1 vrQ rx_bytes) $(vsnap_delta s0 s1 vrQ tx_bytes) $(vsnap_delta s0 s1 vrQ 'peers[10.0.0.2].rx_bytes') $(vsnap_delta s0 s1 vrQ "peers[$L].tx_bytes")" \
	"$r $r $r $r"
check_eq "no drop anywhere" \
	"$(vdiffs s0 s1 drops '' vrQ vrR vrL)" "vrQ:  | vrR:  | vrL: "

# ---- vrQ cannot alter what it relays --------------------------------------
check_eq "relay_tamper=1: vrQ flips a bit of the last byte of each inner packet" \
	"$({ echo 1 >"$TAMPER" && cat "$TAMPER"; } 2>&1)" Y
vsnap t0 vrQ vrL
send t 3
vine_until 40 0.25 "vsnap t1 vrQ vrL; [ \"\$(vdiff t0 t1 vrL drops)\" = 'drops.bad_mac +3' ]"
check_eq "3 datagrams r1 -> l1: none arrive; vrL: drops.bad_mac +3 (on no peer), nothing else" \
	"$(($(wc -l <"$T/seq") - seen)) | $(vdiff t0 t1 vrL all)" "0 | drops.bad_mac +3"
check_eq "vrQ relayed the 3 and dropped nothing" \
	"$(vdiff t0 t1 vrQ '' '_bytes$|handshakes')" \
	"$(vexpect 'rx_packets +3' 'tx_packets +3' 'peers[10.0.0.2].rx_packets +3' "peers[$L].tx_packets +3")"
untamper
send u 3
check_eq "relay_tamper=0: 3 more r1 -> l1 arrive, in order" \
	"$(cat "$TAMPER" 2>&1) $(arrived u 3)" "N 3 in order"

# ---- every poll mode of vrL ------------------------------------------------
# mode TAG MODE SETTINGS...: vr set SETTINGS at vrL; once vrQ sees vrL's
# channel up in MODE, 3 datagrams r1 -> l1: how many arrived, how many
# vrL counted from vrR and vrQ relayed to vrL.
mode() {
	local tag=$1 m=$2 res
	shift 2
	res=$(ip netns exec vrL vinectl vr set "$@" 2>&1) ||
		{ echo "vr set $*: $res"; return; }
	vine_until 40 0.25 "[ \"\$(vpeer vrQ $L mode) \$(vpeer vrQ $L channel)\" = '$m up' ]" ||
		echo "vrQ: vrL's channel not up in mode $m:"
	vsnap "$tag.0" vrQ vrL
	send "$tag" 3
	res=$(arrived "$tag" 3)
	vsnap "$tag.1" vrQ vrL
	echo "$res, vrL from vrR +$(vsnap_delta "$tag.0" "$tag.1" vrL 'peers[10.0.0.2].rx_packets'), vrQ relayed +$(vsnap_delta "$tag.0" "$tag.1" vrQ "peers[$L].tx_packets")"
}
want="3 in order, vrL from vrR +3, vrQ relayed +3"
check_eq "poll udp, keepalive 1 s: 3 datagrams r1 -> l1 end to end" \
	"$(mode ka udp keepalive 1000)" "$want"
check_eq "poll channel (one TCP connection): 3 datagrams r1 -> l1 end to end" \
	"$(mode ch channel poll channel keepalive 0)" "$want"
check_eq "poll tcp (a connection a poll): 3 datagrams r1 -> l1 end to end" \
	"$(mode tp tcp poll tcp)" "$want"
check_eq "poll udp again, no keepalive: 3 datagrams r1 -> l1 end to end" \
	"$(mode ud udp poll udp)" "$want"

# ---- the ViNe MTU of the relayed route: 1500 - 72 - 44 -------------------
# mtu_ping SIZE: a ping r1 -> l1 of SIZE data bytes with DF.
mtu_ping() {
	ip netns exec r1 $VINE_PY "$VINE_PKT" ping -c 1 -W 2 -M "do" -s "$1" \
		172.16.3.10 2>&1 | grep -o 'mtu = [0-9]*\|[0-9]* received' |
		paste -sd' '
}
vsnap m0 vrR
check_eq "r1 -> l1 with DF: 1384 bytes pass; 1385: Frag needed (mtu = 1384), too_big" \
	"$(mtu_ping 1356) / $(mtu_ping 1357) / $(vsnap m1 vrR; vdiff m0 m1 vrR drops)" \
	"1 received / mtu = 1384 0 received / drops.too_big +1"

# ---- a queue VR relays only between VRs it knows by public key ---------
# vrQ given a static key for vrL instead of its public key: what vrR
# relays through it for vrL is refused there, counted on vrR (vrL's
# polls, in its session, no longer verify at vrQ: bad_mac, not asserted).
vsnap d0 vrQ
ip netns exec vrQ vinectl key set $L "$VINE_TMP/key.QL"
send d 1
vine_until 40 0.25 'vsnap d1 vrQ; [ "$(vsnap_delta d0 d1 vrQ drops.relay_denied)" -ge 1 ]'
# The datagram, and whatever else vrR relays meanwhile (a new handshake
# with vrL if its session is due): each refused, each on vrR.
denied=$(vsnap_delta d0 d1 vrQ drops.relay_denied)
check_eq "vrQ with a static key for vrL: l1 gets nothing, vrR's relays dropped (relay_denied), each on vrR" \
	"$(($(wc -l <"$T/seq") - seen)) $([ "$denied" -ge 1 ] && [ "$denied" = "$(vsnap_delta d0 d1 vrQ 'peers[10.0.0.2].drops')" ] && echo "all on vrR")" \
	"0 all on vrR"

check_sh "namespaces deleted: every peer and connection freed, no leak" \
	vine_all_freed

ktap_finished
