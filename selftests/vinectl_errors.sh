#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vinectl's errors are one clear line, with a meaningful exit status.

source "$(dirname "$0")/lib.sh"

ktap_plan 32

check_fails "missing module" 1 \
	"vinectl: the vine kernel module is not loaded (modprobe vine)" \
	vinectl status
check "insmod vine.ko" vine_load
check_fails "non-root caller" 1 \
	"vinectl: permission denied: configuring ViNe needs CAP_NET_ADMIN (run as root)" \
	setpriv --reuid=65534 --regid=65534 --clear-groups vinectl status
check_fails "unknown command" 2 "vinectl: unknown command 'frobnicate'
Try 'vinectl help'." vinectl frobnicate
check_fails "extra argument" 2 "vinectl: status takes no argument
Try 'vinectl help'." vinectl status now
check_fails "unknown option" 2 "vinectl: unknown option '-x'
Try 'vinectl help'." vinectl -x status

# ---- vr set: a limited VR's parameters, checked before anything is sent ----
# bad_vr_set DESC MESSAGE ARGS...: `vinectl vr set ARGS` is a command-line
# mistake: exit 2, "vinectl: MESSAGE", then "Try 'vinectl help'.".
bad_vr_set() {
	local desc=$1 msg=$2
	shift 2
	check_fails "$desc" 2 "vinectl: $msg
Try 'vinectl help'." vinectl vr set "$@"
}

bad_vr_set "vr set limited maybe" "invalid limited 'maybe' (yes|no)" \
	limited maybe
bad_vr_set "vr set encrypt maybe" "invalid encrypt 'maybe' (yes|no)" \
	encrypt maybe
bad_vr_set "vr set poll icmp" "invalid poll 'icmp' (udp|tcp|channel)" \
	poll icmp
bad_vr_set "vr set poll-interval 99" \
	"invalid poll-interval '99' (100 to 3600000)" poll-interval 99
bad_vr_set "vr set poll-interval 3600001" \
	"invalid poll-interval '3600001' (100 to 3600000)" poll-interval 3600001
bad_vr_set "vr set keepalive 50" \
	"invalid keepalive '50' (0 or 100 to 3600000)" keepalive 50
bad_vr_set "vr set queue-size 65537" \
	"invalid queue-size '65537' (0 to 65536)" queue-size 65537
bad_vr_set "vr set queue-bytes abc" \
	"invalid queue-bytes 'abc' (0 to 67108864)" queue-bytes abc
bad_vr_set "vr set queue-vr with 5 queue VRs" \
	"queue-vr: too many queue VRs (at most 4)" \
	limited yes queue-vr 10.9.9.1,10.9.9.2,10.9.9.3,10.9.9.4,10.9.9.5
bad_vr_set "vr set queue-vr 1.2.3.4:0" \
	"invalid queue-vr '1.2.3.4:0' (port 1 to 65535)" queue-vr 1.2.3.4:0
bad_vr_set "vr set queue-vr 1.2.3.4:70000" \
	"invalid queue-vr '1.2.3.4:70000' (port 1 to 65535)" queue-vr 1.2.3.4:70000
bad_vr_set "vr set queue-vr garbage" \
	"invalid queue-vr 'garbage' (A.B.C.D[:PORT])" queue-vr garbage

# ---- key set PEER public-key KEY: checked before anything is sent ----------
bad_key_set() {
	local desc=$1 msg=$2
	shift 2
	check_fails "$desc" 2 "vinectl: $msg
Try 'vinectl help'." vinectl key set 10.0.0.5 "$@"
}

bad_key_set "key set public-key AAAA (3 bytes)" \
	"invalid public-key 'AAAA' (base64 of 32 bytes, 44 characters)" \
	public-key AAAA
bad_key_set "key set public-key of 44 characters, not base64" \
	"invalid public-key '*******************************************=' (base64 of 32 bytes, 44 characters)" \
	public-key '*******************************************='
bad_key_set "key set public-key without KEY" \
	"missing value after 'public-key'" public-key
bad_key_set "key set preshared-key without public-key" \
	"preshared-key needs a public-key KEY" preshared-key /dev/null
bad_key_set "key set public-key KEY with an unknown keyword" \
	"unknown keyword 'psk'" \
	public-key hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo= psk /dev/null

# ---- vr set: what only the kernel refuses (its extack, exit 1) -------------
# In a namespace of their own: whatever they left would stay there.
ns_add verr
E() {
	ip netns exec verr vinectl "$@"
}
check_fails "vr set limited yes without a queue VR" 1 \
	"vinectl: a limited VR needs a queue VR (queue-vr ADDRESS)" \
	E vr set limited yes
# A VR listens on TCP too, on the same port: a port taken there is refused.
ip netns exec verr $VINE_PY -c 'import socket, time
s = socket.socket(); s.bind(("", 2300)); s.listen(); time.sleep(60)' &
vine_wait_listen verr 2300 tcp
check_fails "vr set port 2300 while a TCP socket listens on 2300" 1 \
	"vinectl: cannot listen on the TCP port" \
	E vr set port 2300
kill %% 2>/dev/null; wait 2>/dev/null
check_fails "vr set mac none limited yes queue-vr 10.9.9.9" 1 \
	"vinectl: a limited VR needs a MAC mode (its channel must be authenticated)" \
	E vr set mac none limited yes queue-vr 10.9.9.9
ENOMAC="vinectl: encryption needs a MAC mode (sessions authenticate)"
check_fails "vr set mac none encrypt yes" 1 "$ENOMAC" \
	E vr set mac none encrypt yes
check_eq "the refused vr set changed nothing (generation 0)" "$(vgen verr)" 0
# Encryption on with a MAC mode (hmac-sha256, the default): mac none is
# then refused, and changes nothing.
check "vr set encrypt yes (mac hmac-sha256)" E vr set encrypt yes
check_fails "vr set mac none while encrypt is yes" 1 "$ENOMAC" \
	E vr set mac none
check_eq "the refused mac none changed nothing (generation 1, hmac-sha256, encrypt)" \
	"$(vgen verr) $(E -j vr show | grep -o '"mac":"[^"]*","encrypt":[a-z]*')" \
	'1 "mac":"hmac-sha256","encrypt":true'
check "vr set encrypt no (as it was)" E vr set encrypt no

ktap_finished
