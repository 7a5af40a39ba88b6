#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the guest: load the module and show the VR's state.
set -euo pipefail
PATH=$(pwd)/vinectl:$PATH

step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "== ViNe demo on Linux $(uname -r)"
step insmod "$1"
step vinectl version
step vinectl status
step vinectl -j status
step rmmod vine
