#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A flood of handshake initiations from forged sources (issue 16): from
# the WAN switch, initiations to vrB with a right mac1 (vrB's public key
# is no secret), claiming to come from vrA, from random addresses of
# 198.18.0.0/16, for 10 s. Each costs vrB a Diffie-Hellman while fewer
# than 32 wait; beyond, vrB answers those without a cookie with a cookie
# reply (to the forged address: lost) and drops them (hs_cookie).
# Meanwhile vrA, the real one, connects (if its initiation gets a cookie
# reply, it sends it again with mac2), and a1 reaches b1. Then a source
# with a cookie (vrA's address, the cookie of a first initiation) sends
# 40 initiations with mac2 at once while vrB is under load (hs_load, a
# parameter of selftest builds): vrB takes 5 and 20 a second of them,
# drops the rest (hs_rate).

source "$(dirname "$0")/lib.sh"

ktap_plan 12

check "insmod vine.ko" vine_load
check_sh "Figure 3-10 topology" vine_topology_up
check_sh "vrA, vrB: key pairs, each the other's public key" vine_session_keys

ip netns exec wan $VINE_PY "$VINE_PKT" hsflood --to 10.0.0.2 \
	--pub-file "$VINE_TMP/pub.B" --src-vr 10.0.0.1 --dst-vr 10.0.0.2 \
	--seconds 10 >"$VINE_TMP/flood" &
flood=$!
check "the flood has vrB send cookie replies" \
	vine_until 40 0.25 '[ "$(vstat vrB handshakes.cookie_sent)" -gt 0 ]'
vsnap f0 vrA vrB
check "under the flood, a1 reaches b1 (a ping within 10 s)" \
	vine_until 10 0 '[ "$(vping a1 172.16.2.10 1)" = 1 ]'
vsnap f1 vrA vrB
check_eq "vrA and vrB have a session" \
	"$(vine_pfield vrA 10.0.0.2 session_age_ms | grep -c '^[0-9]') $(vine_pfield vrB 10.0.0.1 session_age_ms | grep -c '^[0-9]')" \
	"1 1"
wait $flood
sent=$(sed -n 's/^sent //p' "$VINE_TMP/flood")
vsnap f2 vrB
cookies=$(vsnap_get f2 vrB drops.hs_cookie)
failed=$(vsnap_get f2 vrB drops.handshake)
echo "# flood: $sent sent; vrB: $cookies cookie replies, $failed failed handshakes, $(vsnap_get f2 vrB drops.hs_busy) busy"
check_eq "vrB: a cookie reply for each initiation it dropped as hs_cookie" \
	"$(vsnap_get f2 vrB handshakes.cookie_sent)" "$cookies"
# Each initiation of the flood is refused once: with a cookie reply, or
# by the work once it failed to decrypt (while fewer than 32 waited). A
# datagram may be lost before vrB (a full backlog), never taken.
check "vrB refused each of the flood once: cookie or failed, no more than sent" \
	sh -c "[ $cookies -gt 0 ] && [ $((cookies + failed)) -le ${sent:-0} ] &&
	       [ $((cookies + failed)) -gt $(( ${sent:-0} / 2 )) ]"
check_eq "vrB took no initiation of the flood" \
	"$(vsnap_get f2 vrB handshakes.init_received)" \
	"$(vsnap_get f1 vrB handshakes.init_received)"

# ---- a source with a cookie: 20 initiations a second, 5 at once ----------
LOAD=/sys/module/vine/parameters/hs_load
trap '[ ! -w "$LOAD" ] || echo 0 >"$LOAD"; vine_cleanup' EXIT
check_eq "hs_load=1: vrB under load" "$({ echo 1 >"$LOAD" && cat "$LOAD"; } 2>&1)" Y
vsnap r0 vrB
ip netns exec vrA $VINE_PY "$VINE_PKT" hscookie --to 10.0.0.2 \
	--pub-file "$VINE_TMP/pub.B" --src-vr 10.0.0.1 --dst-vr 10.0.0.2 \
	--count 40 >"$VINE_TMP/rate" 2>&1
secs=$(sed -n 's/^sent 40 in \([0-9.]*\) s$/\1/p' "$VINE_TMP/rate")
# Those it takes fail in its handshake work (their content is random).
vine_until 40 0.25 'vsnap r1 vrB; [ $(( $(vsnap_delta r0 r1 vrB drops.hs_rate) + $(vsnap_delta r0 r1 vrB drops.handshake) )) -ge 40 ]'
echo 0 >"$LOAD"
check_eq "a cookie for the first initiation; of the 40 with it, each taken or dropped as hs_rate once" \
	"$(vdiff r0 r1 vrB top | sed 's/handshake +[0-9]*/handshake +T/; s/hs_rate +[0-9]*/hs_rate +R/')" \
	"drops.handshake +T, drops.hs_cookie +1, drops.hs_rate +R, handshakes.cookie_sent +1"
taken=$(vsnap_delta r0 r1 vrB drops.handshake)
echo "# 40 initiations with a cookie in ${secs:-?} s: vrB took $taken"
check_range "vrB took 5 at once and 20 a second of them (40 sent in ${secs:-?} s)" \
	"$taken" 5 "$(awk -v s="${secs:-99}" 'BEGIN { printf "%d", 5 + 20 * s + 1 }')"

ktap_finished
