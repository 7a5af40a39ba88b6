#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Second stage of a tools/vm/run guest: PID 1 after switch_root, running the
# host's own bash from the shared root. tools/vm/run copies this file into
# the job directory, next to cmd.sh (the command, already quoted).

exec </dev/null >/dev/console 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb VM_GUEST=1 VM_JOB=/job

# A kernel of our own build (tools/vm/run --kernel-dir): its module tree
# (modules.builtin, for modprobe) is not under the host's /lib/modules.
if [ -s /job/moddir ]; then
	mkdir -p "/lib/modules/$(uname -r)"
	mount --bind "$(cat /job/moddir)" "/lib/modules/$(uname -r)"
fi

ip link set lo up || busybox ip link set lo up
hostname vmguest
read -r up _ </proc/uptime
echo "vm-stage2: running command at ${up}s since boot"

bash /job/cmd.sh >>/job/output 2>&1
echo $? >/job/status.tmp && mv /job/status.tmp /job/status
dmesg >/job/dmesg.txt
sync
echo o >/proc/sysrq-trigger
sleep 60
