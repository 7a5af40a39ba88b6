#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vinectl's errors are one clear line, with a meaningful exit status.

source "$(dirname "$0")/lib.sh"

ktap_plan 6

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

ktap_finished
