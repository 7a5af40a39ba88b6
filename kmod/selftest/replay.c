// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router selftest: the replay window (mac.c), after WireGuard's
 * selftest/counter.c. With w = VINE_REPLAY_WINDOW and top the newest
 * counter accepted, a counter is accepted once if top - w < counter, and
 * never above U64_MAX - w (wire-format.rst: "older than the window (8128
 * packets behind the newest)" is a replay).
 */
#include <linux/slab.h>

#include "../vine.h"
#include "selftest.h"

static void __init replay_one(struct vine_test *t, struct vine_replay *r,
			      u64 counter, bool want, const char *expr)
{
	vine_test(t, vine_replay_check(r, counter) == want,
		  "counter %s (%llu) %s", expr, counter,
		  want ? "accepted" : "refused");
}

/* Every counter from @first to @last, in that order, as one case. */
static void __init replay_all(struct vine_test *t, struct vine_replay *r,
			      u64 first, u64 last, bool want,
			      const char *first_expr, const char *last_expr)
{
	const char *what = want ? "accepted" : "refused";
	u64 c = first;
	bool ok;

	for (;;) {
		ok = vine_replay_check(r, c) == want;
		if (!ok || c == last)
			break;
		c = first < last ? c + 1 : c - 1;
	}
	if (ok)
		vine_test(t, true, "counters %s to %s (%llu to %llu) %s",
			  first_expr, last_expr, first, last, what);
	else
		vine_test(t, false, "counters %s to %s (%llu to %llu) %s: not %llu",
			  first_expr, last_expr, first, last, what, c);
}

void __init vine_test_replay(struct vine_test *t)
{
	const u64 w = VINE_REPLAY_WINDOW, b = VINE_REPLAY_BITS;
	const u64 l = BITS_PER_LONG, max = U64_MAX;
	const u64 clock = 1764000000000000000ULL;	/* ns, a key set in 2025 */
	struct vine_replay *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!vine_test(t, r, "window allocated"))
		return;
	spin_lock_init(&r->lock);

#define T(c, want) replay_one(t, r, c, want, #c)
#define T_ALL(first, last, want) \
	replay_all(t, r, first, last, want, #first, #last)

	/* In order, repeated, reordered. */
	vine_replay_reset(r);
	T(0, true);
	T(0, false);
	T(1, true);
	T(1, false);
	T(9, true);
	T(8, true);
	T(7, true);
	T(7, false);
	T(9, false);
	T(2, true);
	T(2, false);

	/* The edge: top - w is out, top - w + 1 in (5 and 6 never seen). */
	T(w + 5, true);
	T(5, false);
	T(6, true);
	T(6, false);
	T(4, false);
	T(w + 4, true);
	T(w + 6, true);
	T(7, false);
	T(w + 5, false);

	/* Far ahead: the whole window moves. */
	vine_replay_reset(r);
	T(1, true);
	T(3 * w, true);
	T(2 * w, false);
	T(2 * w + 1, true);
	T(1, false);
	T(3 * w - 1, true);
	T(3 * w, false);

	/* A jump of whole words clears them; the words left keep their bits. */
	vine_replay_reset(r);
	T_ALL(0, b - 1, true);
	T_ALL(b - 1, b - w, false);
	T(b - w - 1, false);
	T(b - 1 + 5 * l, true);
	T_ALL(b, b - 2 + 5 * l, true);
	T_ALL(b - 1, b + 5 * l - w, false);
	T(b - 1 + 5 * l - w, false);

	/* Three times round the bitmap's words, in order. */
	vine_replay_reset(r);
	T_ALL(1, 3 * b, true);
	T_ALL(3 * b, 3 * b - w + 1, false);
	T(3 * b - w, false);
	T(0, false);
	T(3 * b + 1, true);

	/* A whole window backwards, as WireGuard's counter.c does. */
	vine_replay_reset(r);
	T_ALL(w, 1, true);
	T(0, false);
	vine_replay_reset(r);
	T_ALL(w - 1, 0, true);
	T(w, true);
	T(0, false);

	/* A key's first counter, the wall clock in ns, and its neighbours. */
	vine_replay_reset(r);
	T(clock, true);
	T(clock + 1, true);
	T(clock - 1, true);
	T(clock - w, false);
	T(clock + 1, false);

	/* The top of the counter space: nothing above max - w. */
	vine_replay_reset(r);
	T(max, false);
	T(max - w + 1, false);
	T(max - w, true);
	T(max - w, false);
	T(max - w - 1, true);
	T(max - 2 * w, false);
	T(max - 2 * w + 1, true);

	/* A reset forgets everything. */
	vine_replay_reset(r);
	T(5, true);
	T(1ULL << 40, true);
	T(5, false);
	vine_replay_reset(r);
	T(5, true);
	T(0, true);

#undef T_ALL
#undef T
	kfree(r);
}
