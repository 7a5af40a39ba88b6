#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every vinectl command on one VR (namespace vr1): exit status, quiet
# success, exact -j output, errors on bad input (command-line mistakes exit
# 2, the kernel's refusals exit 1 with its extack text: "vinectl: TEXT",
# or "vinectl: HOST: TEXT" for vn join/leave, which take several hosts),
# and the generation: +1 for each successful change, +0 for a failed one or
# a read.

source "$(dirname "$0")/lib.sh"

ktap_plan 120

NOMOD="vinectl: the vine kernel module is not loaded (modprobe vine)"
NOPERM="vinectl: permission denied: configuring ViNe needs CAP_NET_ADMIN (run as root)"
HS0='"handshakes":{"init_sent":0,"init_received":0,"resp_received":0,"cookie_sent":0,"cookie_received":0}'
DROPS0='{"not_in_lndt":0,"no_route":0,"route_disabled":0,"loop":0,"no_key":0,"too_big":0,"ttl":0,"tx_error":0,"malformed":0,"bad_version":0,"not_for_us":0,"unknown_peer":0,"bad_mac":0,"replay":0,"wrong_vn":0,"delivery":0,"queue_full":0,"no_channel":0,"tcp_down":0,"tcp_full":0,"rx_busy":0,"tx_busy":0,"rx_codel":0,"tx_codel":0,"spoofed":0,"bad_source":0,"too_long":0,"no_session":0,"handshake":0,"hs_replay":0,"hs_busy":0,"not_encrypted":0,"hs_cookie":0,"relay_denied":0,"hs_rate":0}'
ZERO='"tx_packets":0,"tx_bytes":0,"rx_packets":0,"rx_bytes":0'

V() {
	ip netns exec vr1 vinectl "$@"
}

# jcanon: the JSON on stdin with its lists sorted (order not asserted).
jcanon() {
	$VINE_PY "$VINE_PKT" canon
}

g=0	# the generation we expect vr1 to have

# change DESC ARGS...: vinectl ARGS succeeds quietly, generation +1.
change() {
	local desc=$1 out rc ng
	shift
	out=$(V "$@" 2>&1)
	rc=$?
	ng=$(vgen vr1)
	check_eq "$desc" "exit $rc, output [$out], generation +$((ng - g))" \
		"exit 0, output [], generation +1"
	g=${ng:-$g}
}

# refuse DESC STATUS MESSAGE ARGS...: vinectl ARGS exits STATUS with exactly
# MESSAGE on stderr, nothing on stdout; the generation does not move.
refuse() {
	local desc=$1 want_rc=$2 want=$3 out err rc ng
	shift 3
	out=$(V "$@" 2>"$VINE_TMP/err")
	rc=$?
	err=$(cat "$VINE_TMP/err")
	ng=$(vgen vr1)
	check_eq "$desc" \
		"exit $rc, stderr [$err], stdout [$out], generation +$((ng - g))" \
		"exit $want_rc, stderr [$want], stdout [], generation +0"
}

# refuse_re DESC STATUS REGEX ARGS...: like refuse, stderr matching REGEX
# (for commands on several hosts, which may name the host in question).
refuse_re() {
	local desc=$1 want_rc=$2 re=$3 out err rc ng ok=no
	shift 3
	out=$(V "$@" 2>"$VINE_TMP/err")
	rc=$?
	err=$(cat "$VINE_TMP/err")
	ng=$(vgen vr1)
	[[ $err =~ $re ]] && ok=yes
	check_eq "$desc" \
		"exit $rc, stderr matches: $ok, stdout [$out], generation +$((ng - g))" \
		"exit $want_rc, stderr matches: yes, stdout [], generation +0"
	[ "$ok" = yes ] || echo "# stderr: [$err], want /$re/"
}

# refuse_usage DESC WORD ARGS...: a command-line mistake: exit 2, one
# "vinectl: ..." line (which should name WORD: shown, not asserted), then
# "Try 'vinectl help'."; nothing changes.
refuse_usage() {
	local desc=$1 word=$2 out err rc ng ok=no
	shift 2
	out=$(V "$@" 2>"$VINE_TMP/err")
	rc=$?
	err=$(cat "$VINE_TMP/err")
	ng=$(vgen vr1)
	if [ "$(head -c 9 "$VINE_TMP/err")" = "vinectl: " ] &&
	   [ "$(tail -n 1 "$VINE_TMP/err")" = "Try 'vinectl help'." ]; then
		ok=yes
	fi
	check_eq "$desc" \
		"exit $rc, message ok: $ok, stdout [$out], generation +$((ng - g))" \
		"exit 2, message ok: yes, stdout [], generation +0"
	if [ "$ok" = no ] || ! head -n 1 "$VINE_TMP/err" | grep -qF -- "$word"; then
		echo "# stderr: $err (should name '$word')"
	fi
}

# refuse_any DESC ARGS...: fails (any non-zero status, a "vinectl: "
# message), nothing changes.
refuse_any() {
	local desc=$1 out rc ng
	shift
	out=$(V "$@" 2>"$VINE_TMP/err")
	rc=$?
	ng=$(vgen vr1)
	check_eq "$desc" \
		"failed: $([ $rc -ne 0 ] && echo yes || echo no), message: $(head -c 9 "$VINE_TMP/err"), stdout [$out], generation +$((ng - g))" \
		"failed: yes, message: vinectl: , stdout [], generation +0"
}

# ---- without the module ---------------------------------------------------------
check_fails "missing module: status" 1 "$NOMOD" vinectl status
check_fails "missing module: vn create" 1 "$NOMOD" vinectl vn create 1
check "insmod vine.ko" vine_load
ns_add vr1 vr2

# ---- a fresh VR -----------------------------------------------------------------
check_eq "fresh VR: -j status" "$(V -j status)" \
	'{"module":"0.1.0","generation":0,"vns":0,"hosts":0,"routes":0,"peers":0}'
check_eq "fresh VR: -j vr show (defaults: id 0, port 2247, no space, hmac-sha256, not limited)" \
	"$(V -j vr show)" \
	"{\"id\":\"0.0.0.0\",\"port\":2247,\"space\":[],\"mac\":\"hmac-sha256\",$VINE_LIM0,\"overhead\":72,\"generation\":0}"
check_eq "fresh VR: -j vn list" "$(V -j vn list)" '[]'
check_eq "fresh VR: -j route list" "$(V -j route list)" '[]'
check_eq "fresh VR: -j stats" "$(V -j stats)" \
	"{$ZERO,$HS0,\"drops\":$DROPS0,\"peers\":[],\"vns\":[]}"

# ---- vr set ---------------------------------------------------------------------
change "vr set id 10.0.0.1 port 2247 space 172.16.0.0/12 mac hmac-sha256" \
	vr set id 10.0.0.1 port 2247 space 172.16.0.0/12 mac hmac-sha256
check_eq "-j vr show" "$(V -j vr show)" \
	"{\"id\":\"10.0.0.1\",\"port\":2247,\"space\":[\"172.16.0.0/12\"],\"mac\":\"hmac-sha256\",$VINE_LIM0,\"overhead\":72,\"generation\":$g}"
change "vr set space with two prefixes" \
	vr set space 172.16.0.0/12,192.168.100.0/24
change "vr set port 3000 mac none" vr set port 3000 mac none
change "vr set id as a number (167772162 = 10.0.0.2)" vr set id 167772162
check_eq "-j vr show after partial sets" "$(V -j vr show)" \
	"{\"id\":\"10.0.0.2\",\"port\":3000,\"space\":[\"172.16.0.0/12\",\"192.168.100.0/24\"],\"mac\":\"none\",$VINE_LIM0,\"overhead\":72,\"generation\":$g}"
change "vr set space none poll-interval 500 keepalive 200 queue-size 10 queue-bytes 100000" \
	vr set space none poll-interval 500 keepalive 200 queue-size 10 queue-bytes 100000
check_eq "-j vr show: empty space, the new intervals and bounds (still not limited)" \
	"$(V -j vr show)" \
	"{\"id\":\"10.0.0.2\",\"port\":3000,\"space\":[],\"mac\":\"none\",\"encrypt\":false,\"limited\":false,\"queue_vrs\":[],\"poll\":\"udp\",\"poll_interval_ms\":500,\"keepalive_ms\":200,\"queue_size\":10,\"queue_bytes\":100000,\"overhead\":72,\"generation\":$g}"
change "vr set back: id 10.0.0.1 port 2247 space 172.16.0.0/12 mac hmac-sha256 (and the defaults)" \
	vr set id 10.0.0.1 port 2247 space 172.16.0.0/12 mac hmac-sha256 \
	poll-interval 1000 keepalive 0 queue-size 1024 queue-bytes 4194304
# Encryption (of sessions): "encrypt" after "mac" (and "public_key").
change "vr set encrypt yes (mac hmac-sha256)" vr set encrypt yes
check_eq "-j vr show: encrypt true" "$(V -j vr show)" \
	"{\"id\":\"10.0.0.1\",\"port\":2247,\"space\":[\"172.16.0.0/12\"],\"mac\":\"hmac-sha256\",\"encrypt\":true,${VINE_LIM0#'"encrypt":false,'},\"overhead\":72,\"generation\":$g}"
change "vr set encrypt no" vr set encrypt no
check_eq "-j vr show: encrypt false again" "$(V -j vr show)" \
	"{\"id\":\"10.0.0.1\",\"port\":2247,\"space\":[\"172.16.0.0/12\"],\"mac\":\"hmac-sha256\",$VINE_LIM0,\"overhead\":72,\"generation\":$g}"
refuse_usage "vr set mac md5" md5 vr set mac md5
refuse_usage "vr set space 172.16.0.0/40" 172.16.0.0/40 vr set space 172.16.0.0/40
refuse_usage "vr set port 70000" 70000 vr set port 70000

# ---- VNs --------------------------------------------------------------------------
change "vn create 1 name vn1" vn create 1 name vn1
change "vn create 2 name vn2" vn create 2 name vn2
change "vn create 7 (no name)" vn create 7
check_eq "VN 7 listed with 0 hosts, 0 routes" \
	"$(V -j vn list | grep -oE '\{"id":7,"name":"[^"]*","hosts":0,"routes":0\}' | sed 's/"name":"[^"]*"/"name":_/')" \
	'{"id":7,"name":_,"hosts":0,"routes":0}'
change "vn delete 7" vn delete 7
refuse "vn create 1 again" 1 "vinectl: VN exists" vn create 1 name again
refuse "vn delete 99" 1 "vinectl: no such VN" vn delete 99
refuse "vn show 99" 1 "vinectl: no such VN" vn show 99
refuse_usage "vn create abc" abc vn create abc
refuse_any "vn create 0 (ids are 1 to 2^32-1)" vn create 0
refuse_any "vn create 3 with a 32-character name" vn create 3 name \
	abcdefghijklmnopqrstuvwxyz012345

# ---- keys -------------------------------------------------------------------------
k1=$(vinectl genkey)
k2=$(vinectl genkey)
check_eq "genkey: 44 base64 characters, 32 bytes, a new key each time" \
	"$(echo "$k1" | grep -cE '^[A-Za-z0-9+/]{43}=$') $(echo "$k1" | base64 -d | wc -c) $([ "$k1" != "$k2" ] && echo new)" \
	"1 32 new"
echo "$k1" >"$VINE_TMP/k1"
change "key set 10.0.0.2 FILE" key set 10.0.0.2 "$VINE_TMP/k1"
change "key set 10.0.0.3 - (stdin)" key set 10.0.0.3 - <<<"$k2"
change "key set 10.0.0.3 again (a new key replaces the old)" key set 10.0.0.3 "$VINE_TMP/k1"
echo "not-base64!" >"$VINE_TMP/kbad"
refuse_any "key set with a file that is not base64" key set 10.0.0.4 "$VINE_TMP/kbad"
echo "$k1" | cut -c 1-20 >"$VINE_TMP/kshort"
refuse_any "key set with a 15-byte key" key set 10.0.0.4 "$VINE_TMP/kshort"
refuse_any "key set with a missing file" key set 10.0.0.4 "$VINE_TMP/none"
refuse "key del 10.0.0.99" 1 "vinectl: no such key" key del 10.0.0.99

# ---- the VR's own key pair ----------------------------------------------------------
# RFC 7748, section 6.1: Alice's private and public keys.
alice=dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=
alice_pub=hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=
check_eq "pubkey: RFC 7748's Alice; and of a genkey key, as wg pubkey" \
	"$(echo "$alice" | vinectl pubkey) $([ "$(echo "$k1" | vinectl pubkey)" = "$(echo "$k1" | wg pubkey)" ] && echo same)" \
	"$alice_pub same"
check_eq "fresh VR: no public key in vr show" \
	"$(V -j vr show | grep -c public_key)" 0
echo "$alice" >"$VINE_TMP/alice"
change "vr set private-key FILE" vr set private-key "$VINE_TMP/alice"
check_eq "vr show: the public key, never the private one" \
	"$(V -j vr show | grep -o '"public_key":"[^"]*"') $(V -j vr show | grep -c "${alice%=}")" \
	"\"public_key\":\"$alice_pub\" 0"
change "vr set private-key - (stdin): a new key replaces the old" \
	vr set private-key - <<<"$k1"
check_eq "vr show: its public key" \
	"$(V -j vr show | grep -o '"public_key":"[^"]*"')" \
	"\"public_key\":\"$(echo "$k1" | vinectl pubkey)\""
check_eq "-j vr show: public_key after mac, before encrypt" "$(V -j vr show)" \
	"{\"id\":\"10.0.0.1\",\"port\":2247,\"space\":[\"172.16.0.0/12\"],\"mac\":\"hmac-sha256\",\"public_key\":\"$(echo "$k1" | vinectl pubkey)\",$VINE_LIM0,\"overhead\":72,\"generation\":$g}"
echo AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= >"$VINE_TMP/kzero"
refuse "vr set private-key of all zeros" 1 \
	"vinectl: a private key of all zeros" vr set private-key "$VINE_TMP/kzero"
refuse_any "vr set private-key with a file that is not base64" \
	vr set private-key "$VINE_TMP/kbad"
refuse_any "pubkey of a 15-byte key" pubkey <"$VINE_TMP/kshort"

# ---- hosts (LNDT) -----------------------------------------------------------------
change "vn join 1 172.16.1.10" vn join 1 172.16.1.10
out=$(V vn join 1 172.16.1.11 172.16.1.12 2>&1)
rc=$?
ng=$(vgen vr1)
# One change per host, or one batch: both are fine.
check_eq "vn join 1 with two hosts: quiet success" "exit $rc, output [$out]" \
	"exit 0, output []"
check_range "vn join with two hosts: generation +1 or +2" $((ng - g)) 1 2
g=$ng
change "vn join 2 172.16.1.20" vn join 2 172.16.1.20
refuse_re "vn join 99 (unknown VN)" 1 '^vinectl: (172\.16\.1\.5: )?no such VN$' \
	vn join 99 172.16.1.5
refuse_re "vn join 2 a host of VN 1" 1 \
	'^vinectl: (172\.16\.1\.10: )?host is in another VN$' vn join 2 172.16.1.10
refuse_re "vn leave 2 a host of VN 1" 1 \
	'^vinectl: (172\.16\.1\.10: )?host is not in this VN$' vn leave 2 172.16.1.10
refuse_re "vn leave 99" 1 '^vinectl: (172\.16\.1\.10: )?no such VN$' \
	vn leave 99 172.16.1.10
refuse_usage "vn join 1 172.16.1.300" 172.16.1.300 vn join 1 172.16.1.300
change "vn leave 1 172.16.1.12" vn leave 1 172.16.1.12

# ---- routes (GNDT) ----------------------------------------------------------------
change "route add 1 172.16.2.0/24 via 10.0.0.2" \
	route add 1 172.16.2.0/24 via 10.0.0.2
change "route add 1 172.16.4.0/22 via 10.0.0.2 port 3000 proto udp type regular" \
	route add 1 172.16.4.0/22 via 10.0.0.2 port 3000 proto udp type regular
change "route add 2 172.16.3.0/24 via 10.0.0.3" \
	route add 2 172.16.3.0/24 via 10.0.0.3
refuse_usage "route add 1 10.0.0.0/33 (bad prefix)" 10.0.0.0/33 \
	route add 1 10.0.0.0/33 via 10.0.0.2
refuse_usage "route add 1 172.16.5.0/24 via 10.0.0.256" 10.0.0.256 \
	route add 1 172.16.5.0/24 via 10.0.0.256
refuse_usage "route add ... proto sctp" sctp \
	route add 1 172.16.5.0/24 via 10.0.0.2 proto sctp
refuse "route add 1 172.16.2.1/24 (host bits set)" 1 \
	"vinectl: prefix has host bits set" route add 1 172.16.2.1/24 via 10.0.0.2
refuse "route add 1 172.16.2.0/24 again" 1 "vinectl: route exists" \
	route add 1 172.16.2.0/24 via 10.0.0.3
refuse "route add 99 ... (unknown VN)" 1 "vinectl: no such VN" \
	route add 99 172.16.5.0/24 via 10.0.0.2
refuse "route del 1 172.16.99.0/24" 1 "vinectl: no such route" \
	route del 1 172.16.99.0/24
refuse "route add ... type queue without the VR behind it" 1 \
	"vinectl: missing VR behind the queue VR (vr VR-ID)" \
	route add 1 172.16.8.0/24 via 10.0.0.2 type queue
refuse "route add ... vr 10.0.0.8 on a regular route" 1 \
	"vinectl: only a route of type queue names a VR behind" \
	route add 1 172.16.8.0/24 via 10.0.0.2 vr 10.0.0.8
refuse "route add ... type queue vr 10.0.0.2 (the queue VR itself)" 1 \
	"vinectl: the VR behind the queue VR is the queue VR" \
	route add 1 172.16.8.0/24 via 10.0.0.2 type queue vr 10.0.0.2
change "route add 1 172.16.8.0/24 via 10.0.0.2 type queue vr 10.0.0.8" \
	route add 1 172.16.8.0/24 via 10.0.0.2 type queue vr 10.0.0.8
check_eq "-j route list 1 shows the VR behind the queue route" \
	"$(V -j route list 1 | grep -o '{[^{]*172.16.8.0[^}]*}')" \
	'{"vn":1,"prefix":"172.16.8.0/24","via":"10.0.0.2","port":2247,"proto":"udp","type":"queue","vr":"10.0.0.8"}'
change "route del 1 172.16.8.0/24" route del 1 172.16.8.0/24

# ---- what the VR holds now ----------------------------------------------------------
check_eq "-j status" "$(V -j status)" \
	"{\"module\":\"0.1.0\",\"generation\":$g,\"vns\":2,\"hosts\":3,\"routes\":3,\"peers\":2}"
check_eq "-j vn list" "$(V -j vn list)" \
	'[{"id":1,"name":"vn1","hosts":2,"routes":2},{"id":2,"name":"vn2","hosts":1,"routes":1}]'
check_eq "-j vn show 2" "$(V -j vn show 2)" \
	"{\"id\":2,\"name\":\"vn2\",\"hosts\":[\"172.16.1.20\"],\"routes\":[{\"prefix\":\"172.16.3.0/24\",\"via\":\"10.0.0.3\",\"port\":2247,\"proto\":\"udp\",\"type\":\"regular\"}],\"stats\":{$ZERO,\"drops\":0}}"
check_eq "-j vn show 1 (list order not asserted)" "$(V -j vn show 1 | jcanon)" \
	"{\"id\":1,\"name\":\"vn1\",\"hosts\":[\"172.16.1.10\",\"172.16.1.11\"],\"routes\":[{\"prefix\":\"172.16.2.0/24\",\"via\":\"10.0.0.2\",\"port\":2247,\"proto\":\"udp\",\"type\":\"regular\"},{\"prefix\":\"172.16.4.0/22\",\"via\":\"10.0.0.2\",\"port\":3000,\"proto\":\"udp\",\"type\":\"regular\"}],\"stats\":{$ZERO,\"drops\":0}}"
R12='{"vn":1,"prefix":"172.16.2.0/24","via":"10.0.0.2","port":2247,"proto":"udp","type":"regular"}'
R14='{"vn":1,"prefix":"172.16.4.0/22","via":"10.0.0.2","port":3000,"proto":"udp","type":"regular"}'
R23='{"vn":2,"prefix":"172.16.3.0/24","via":"10.0.0.3","port":2247,"proto":"udp","type":"regular"}'
check_eq "-j route list (order not asserted)" "$(V -j route list | jcanon)" \
	"[$R12,$R14,$R23]"
check_eq "-j route list 2" "$(V -j route list 2)" "[$R23]"
P0='"tx_packets":0,"tx_bytes":0,"rx_packets":0,"rx_bytes":0,"drops":0'
check_eq "-j stats (order not asserted)" "$(V -j stats | jcanon)" \
	"{$ZERO,$HS0,\"drops\":$DROPS0,\"peers\":[{\"id\":\"10.0.0.2\",\"key\":true,$P0},{\"id\":\"10.0.0.3\",\"key\":true,$P0}],\"vns\":[{\"id\":1,$P0},{\"id\":2,$P0}]}"
check_eq "key material is never shown (show, -j stats)" \
	"$( (V show; V -j stats) | grep -cF -e "$k1" -e "$k2")" 0

# Human output: the same facts, not asserted byte for byte.
check_eq "vinectl show / stats / vr show / vn show 2 / status succeed" \
	"$(V show >/dev/null; echo -n "$? "; V stats >/dev/null; echo -n "$? "; V vr show >/dev/null; echo -n "$? "; V vn show 2 >/dev/null; echo -n "$? "; V status >/dev/null; echo $?)" \
	"0 0 0 0 0"
V show >"$VINE_TMP/show"
check_eq "vinectl show names the VNs and the routes' VRs" \
	"$(grep -q vn2 "$VINE_TMP/show" && echo vn2) $(grep -qF 10.0.0.3 "$VINE_TMP/show" && echo 10.0.0.3)" \
	"vn2 10.0.0.3"
check_eq "vinectl version: first lines (spaces squeezed)" \
	"$(V version | head -n 2 | tr -s ' ')" "vinectl: 0.1.0
module: 0.1.0"

# ---- replace, delete ------------------------------------------------------------------
change "route replace 1 172.16.4.0/22 via 10.0.0.3" \
	route replace 1 172.16.4.0/22 via 10.0.0.3
check_eq "route list 1 after replace (order not asserted)" \
	"$(V -j route list 1 | jcanon)" \
	"[$R12,{\"vn\":1,\"prefix\":\"172.16.4.0/22\",\"via\":\"10.0.0.3\",\"port\":2247,\"proto\":\"udp\",\"type\":\"regular\"}]"
change "route replace 1 172.16.2.0/24 via 10.0.0.2 (same route)" \
	route replace 1 172.16.2.0/24 via 10.0.0.2
change "route del 1 172.16.4.0/22" route del 1 172.16.4.0/22
refuse "route del 1 172.16.4.0/22 again" 1 "vinectl: no such route" \
	route del 1 172.16.4.0/22
change "key del 10.0.0.3 (a route still goes there)" key del 10.0.0.3
check_eq "peer 10.0.0.3 stays, without key" \
	"$(V -j stats | $VINE_PY "$VINE_PKT" get 'peers[10.0.0.3].key')" false
refuse "key del 10.0.0.3 again" 1 "vinectl: no such key" key del 10.0.0.3
change "vn delete 1 (with its hosts and routes)" vn delete 1
check_eq "-j status after vn delete 1 (peers not asserted)" \
	"$(V -j status | sed 's/,"peers":[0-9]*//')" \
	"{\"module\":\"0.1.0\",\"generation\":$g,\"vns\":1,\"hosts\":1,\"routes\":1}"
check_eq "-j route list after vn delete 1" "$(V -j route list)" "[$R23]"
refuse "vn show 1 after delete" 1 "vinectl: no such VN" vn show 1
change "vn join 2 172.16.1.10 (free again)" vn join 2 172.16.1.10
check_eq "-j vn list" "$(V -j vn list)" \
	'[{"id":2,"name":"vn2","hosts":2,"routes":1}]'

# ---- a peer known by its public key ---------------------------------------------------
# vr1 has a private key (k1, above): sessions with such a peer are made by
# handshakes. Nothing here needs the peer to answer.
kpub=$(vinectl genkey | vinectl pubkey)
kpub2=$(vinectl genkey | vinectl pubkey)
echo "$k2" >"$VINE_TMP/k2"
change "key set 10.0.0.5 public-key KEY" key set 10.0.0.5 public-key "$kpub"
check_eq "peer show 10.0.0.5: the same public_key (-j, and for people)" \
	"$(V -j peer show 10.0.0.5 | grep -o '"public_key":"[^"]*"') $(V peer show 10.0.0.5 | awk '$1 == "public_key:" { print $2 }')" \
	"\"public_key\":\"$kpub\" $kpub"
refuse "key set 10.0.0.5 public-key AAAA (not 32 bytes)" 2 \
	"vinectl: invalid public-key 'AAAA' (base64 of 32 bytes, 44 characters)
Try 'vinectl help'." key set 10.0.0.5 public-key AAAA
refuse "key set 10.0.0.5 public-key (no KEY)" 2 \
	"vinectl: missing value after 'public-key'
Try 'vinectl help'." key set 10.0.0.5 public-key
change "key set 10.0.0.5 public-key KEY2 preshared-key FILE (replaces KEY)" \
	key set 10.0.0.5 public-key "$kpub2" preshared-key "$VINE_TMP/k2"
check_eq "peer show 10.0.0.5: the new public_key; the pre-shared key never shown" \
	"$(V -j peer show 10.0.0.5 | grep -o '"public_key":"[^"]*"') $( (V peer show 10.0.0.5; V -j peer list; V show) | grep -cF "$k2")" \
	"\"public_key\":\"$kpub2\" 0"
check_eq "peer list for people: no public key column (peer show has it)" \
	"$(V peer list | head -n 1 | awk '{ print $1, $2, $3 }') $(V peer list | grep -cF "$kpub2")" \
	"ID KEY SEEN 0"
change "key del 10.0.0.5 (its public key and sessions)" key del 10.0.0.5
check_eq "no public_key for 10.0.0.5 after key del" \
	"$(V -j peer show 10.0.0.5 2>/dev/null | grep -c public_key)" 0

# ---- permissions, namespaces ------------------------------------------------------------
nobody() {
	ip netns exec vr1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		vinectl "$@"
}
check_fails "non-root: vn create" 1 "$NOPERM" nobody vn create 5
check_fails "non-root: -j status" 1 "$NOPERM" nobody -j status
check_fails "non-root: route add" 1 "$NOPERM" nobody route add 2 172.16.6.0/24 via 10.0.0.2
# (A monitor that may listen never returns: cut it after 10 s, rc 124.)
check_fails "non-root: monitor (events tell hosts, routes, NAT addresses)" 1 \
	"vinectl: permission denied: ViNe events need CAP_NET_ADMIN (run as root)" \
	timeout 10 ip netns exec vr1 setpriv --reuid=65534 --regid=65534 \
	--clear-groups vinectl monitor
check_eq "non-root attempts changed nothing" "$(vgen vr1)" "$g"
check_eq "another namespace has its own, empty VR" "$(ip netns exec vr2 vinectl -j status)" \
	'{"module":"0.1.0","generation":0,"vns":0,"hosts":0,"routes":0,"peers":0}'
check_eq "and the initial namespace too" "$(vinectl -j vn list)" '[]'

ktap_finished
