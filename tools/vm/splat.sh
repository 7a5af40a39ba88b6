# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Kernel splat detection for tools/vm/run (sourced).

# Extended regex of kernel log lines that mean a kernel bug or a hang.
# Lockdep's reports are WARNINGs or BUGs, but for the three named here;
# the word itself is in a debug kernel's boot banner.
SPLAT_RE='WARNING:|BUG:|Oops|Kernel panic|KASAN|UBSAN|possible circular locking|DEBUG_LOCKS_WARN_ON|INFO: trying to register non-static key|turning off the locking correctness validator|INFO: rcu|rcu_sched self-detected stall|refcount_t:|general protection fault|unreferenced object|------------\[ cut here \]'

# splat_report LOG... - scan the logs in order; on the first one holding a
# splat, print its matching lines and 40 lines after the first hit to stderr
# and return 1. Return 0 when all logs are clean (missing logs are skipped).
splat_report() {
	local log first
	for log; do
		[[ -r $log ]] || continue
		first=$(grep -n -a -m1 -E "$SPLAT_RE" "$log" | cut -d: -f1) || continue
		[[ -n $first ]] || continue
		{
			echo "in ${log##*/}, matching lines:"
			grep -a -E "$SPLAT_RE" "$log" | head -n 20
			echo "--- context:"
			sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$log"
		} | sed 's/^/vm: kernel splat: /' >&2
		return 1
	done
	return 0
}
