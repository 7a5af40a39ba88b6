// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router selftest: CoDel's arithmetic (pipe.c, RFC 8289), on the
 * microsecond clock of the pipes, which wraps. Included at the end of
 * pipe.c in VINE_SELFTEST builds, as WireGuard includes its selftests,
 * so that vine_codel_drop() stays static there.
 *
 * Dropping starts when packets have waited at least the target for an
 * interval, then goes on at drop_next = previous + interval / sqrt(count)
 * until one has waited less; re-entered soon after, it resumes at count
 * - 2.
 */
#include "selftest.h"

struct codel_ctx {
	struct vine_test *t;
	struct vine_pipe *pipe;
	struct sk_buff *skb;
	u32 t0;		/* the clock's origin in the descriptions */
};

static bool __init codel_drop(struct codel_ctx *x, u32 now, u32 waited)
{
	VINE_PIPE_CB(x->skb)->enq_us = now - waited;
	return vine_codel_drop(x->pipe, x->skb, now);
}

/* A packet that waited @waited us leaves at @now: dropped as @want? */
static void __init codel_case(struct codel_ctx *x, u32 now, u32 waited,
			      bool want)
{
	vine_test(x->t, codel_drop(x, now, waited) == want,
		  "t0 %+d us, waited %u us: %s", (s32)(now - x->t0), waited,
		  want ? "dropped" : "sent");
}

/* The state: @first_above only checked when @above, @drop_next when
 * @dropping.
 */
static void __init codel_state(struct codel_ctx *x, bool above,
			       u32 first_above, bool dropping, u32 count,
			       u32 drop_next)
{
	const struct vine_codel *c = &x->pipe->codel;
	bool ok = c->above == above && c->dropping == dropping &&
		  c->count == count &&
		  (!above || c->first_above == first_above) &&
		  (!dropping || c->drop_next == drop_next);

	if (ok)
		vine_test(x->t, true,
			  "state: above %d (since t0 %+d), dropping %d, count %u (next t0 %+d)",
			  above, above ? (s32)(first_above - x->t0) : 0,
			  dropping, count,
			  dropping ? (s32)(drop_next - x->t0) : 0);
	else
		vine_test(x->t, false,
			  "state: above %d (since t0 %+d), dropping %d, count %u (next t0 %+d), not %d (%+d), %d, %u (%+d)",
			  c->above, (s32)(c->first_above - x->t0), c->dropping,
			  c->count, (s32)(c->drop_next - x->t0), above,
			  (s32)(first_above - x->t0), dropping, count,
			  (s32)(drop_next - x->t0));
}

/* The integer square root, the slow way. */
static u32 __init codel_isqrt(u32 n)
{
	u32 s = 1;

	while ((s + 1) * (s + 1) <= n)
		s++;
	return s;
}

/* interval / sqrt(@count), to 8 bits of fraction of the root. */
static u32 __init codel_gap(u32 count)
{
	return VINE_CODEL_INTERVAL_US * 256 / codel_isqrt(count << 16);
}

static void __init codel_reset(struct codel_ctx *x, u32 t0)
{
	memset(&x->pipe->codel, 0, sizeof(x->pipe->codel));
	x->t0 = t0;
}

/* From the first drop at @t0 + interval, on to count @to. */
static void __init codel_law(struct codel_ctx *x, u32 t0, u32 to)
{
	const u32 target = VINE_CODEL_TARGET_US;
	const u32 interval = VINE_CODEL_INTERVAL_US;
	struct vine_codel *c = &x->pipe->codel;
	u32 next = t0 + 2 * interval, count;
	bool ok = true;

	codel_drop(x, t0, target);
	codel_drop(x, t0 + interval, target);
	for (count = 2; count <= to && ok; count++) {
		ok = !codel_drop(x, next - 1, target) &&
		     codel_drop(x, next, target) && c->count == count &&
		     c->drop_next == next + codel_gap(count);
		next += codel_gap(count);
	}
	vine_test(x->t, ok,
		  "counts 2 to %u: dropped at drop_next, not 1 us before, next after interval / sqrt(count)%s",
		  to, ok ? "" : ": not so");
}

void __init vine_test_codel(struct vine_test *t)
{
	const u32 target = VINE_CODEL_TARGET_US;
	const u32 interval = VINE_CODEL_INTERVAL_US;
	struct codel_ctx x = { .t = t };
	u32 t0 = 1000000, t1;

	x.pipe = kzalloc(sizeof(*x.pipe), GFP_KERNEL);
	x.skb = alloc_skb(0, GFP_KERNEL);
	if (!vine_test(t, x.pipe && x.skb, "pipe and packet allocated"))
		goto out;

	/* Below the target: nothing. At it for an interval: the first drop. */
	codel_reset(&x, t0);
	codel_case(&x, t0, target - 1, false);
	codel_state(&x, false, 0, false, 0, 0);
	codel_case(&x, t0, target, false);
	codel_state(&x, true, t0 + interval, false, 0, 0);
	codel_case(&x, t0 + interval - 1, 10 * target, false);
	codel_case(&x, t0 + interval, target, true);
	codel_state(&x, true, t0 + interval, true, 1, t0 + 2 * interval);

	/*
	 * Then at interval / sqrt(count): 70,718 us for count 2, 57,787 us
	 * for 3 (RFC 8289: 70,711 and 57,735), 50,000 us for 4.
	 */
	t1 = t0 + 2 * interval;
	codel_case(&x, t1 - 1, target, false);
	codel_case(&x, t1, target, true);
	vine_test(t, codel_gap(2) == 70718 && codel_gap(3) == 57787 &&
		  codel_gap(4) == 50000, "interval / sqrt(2, 3, 4): %u %u %u us",
		  codel_gap(2), codel_gap(3), codel_gap(4));
	codel_state(&x, true, t0 + interval, true, 2, t1 + codel_gap(2));
	t1 += codel_gap(2);
	codel_case(&x, t1, target, true);
	codel_state(&x, true, t0 + interval, true, 3, t1 + codel_gap(3));
	t1 += codel_gap(3);
	codel_case(&x, t1, target, true);
	codel_state(&x, true, t0 + interval, true, 4, t1 + codel_gap(4));
	t1 += codel_gap(4);
	codel_case(&x, t1 - 1, target, false);
	codel_case(&x, t1, target, true);
	codel_state(&x, true, t0 + interval, true, 5, t1 + codel_gap(5));

	codel_reset(&x, t0);
	codel_law(&x, t0, 100);
	t1 = x.pipe->codel.drop_next;
	codel_state(&x, true, t0 + interval, true, 100, t1);

	/* One packet under the target ends it; soon back: count - 2. */
	codel_case(&x, t1 - 1, target - 1, false);
	codel_state(&x, false, 0, false, 100, 0);
	codel_case(&x, t1, target, false);
	codel_case(&x, t1 + interval, target, true);
	codel_state(&x, true, t1 + interval, true, 98,
		    t1 + interval + codel_gap(98));

	/* Back 16 intervals after the last drop_next: count 1. */
	t1 = x.pipe->codel.drop_next;
	codel_case(&x, t1, 0, false);
	codel_case(&x, t1 + 15 * interval, target, false);
	codel_case(&x, t1 + 16 * interval, target, true);
	codel_state(&x, true, t1 + 16 * interval, true, 1, t1 + 17 * interval);

	/* Back soon with count 2 or less: count 1, never below. */
	t1 = x.pipe->codel.drop_next;
	codel_case(&x, t1, 0, false);
	codel_case(&x, t1, target, false);
	codel_case(&x, t1 + interval, target, true);
	codel_state(&x, true, t1 + interval, true, 1, t1 + 2 * interval);

	/* An interval above the target must be unbroken. */
	codel_reset(&x, t0);
	codel_case(&x, t0, target, false);
	codel_case(&x, t0 + interval / 2, target - 1, false);
	codel_case(&x, t0 + interval, target, false);
	codel_state(&x, true, t0 + 2 * interval, false, 0, 0);
	codel_case(&x, t0 + 2 * interval, target, true);

	/* Across the wrap of the microsecond clock. */
	t0 = U32_MAX - interval / 2;
	codel_reset(&x, t0);
	codel_case(&x, t0, target, false);
	codel_case(&x, t0 + interval - 1, target, false);
	codel_case(&x, t0 + interval, target, true);
	codel_state(&x, true, t0 + interval, true, 1, t0 + 2 * interval);
	codel_case(&x, t0 + 2 * interval - 1, target, false);
	codel_case(&x, t0 + 2 * interval, target, true);
out:
	kfree_skb(x.skb);
	kfree(x.pipe);
}
