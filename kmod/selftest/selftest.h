/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ViNe router: in-module selftests of the pure parts, in builds with
 * VINE_SELFTEST=y only. `insmod vine.ko selftest=1` runs them before the
 * module registers anything, prints KTAP to the kernel log and refuses to
 * load (-EINVAL) if a case fails.
 */
#ifndef _VINE_SELFTEST_H
#define _VINE_SELFTEST_H

#include <linux/compiler.h>
#include <linux/types.h>

#ifdef VINE_SELFTEST

/* An IPv4 address a.b.c.d in network order. */
#define VINE_IP4(a, b, c, d) \
	htonl((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (u32)(d))

/**
 * struct vine_test - the cases of one part, as KTAP lines of its subtest
 * @name: the part
 * @n: cases so far
 * @failed: failed cases so far
 */
struct vine_test {
	const char *name;
	unsigned int n;
	unsigned int failed;
};

struct vine_router;

bool vine_test(struct vine_test *t, bool ok, const char *fmt, ...)
	__printf(3, 4);
struct vine_router *vine_test_router(void);
void vine_test_router_free(struct vine_router *vr);

/* One function a part, one file a part. */
void vine_test_replay(struct vine_test *t);	/* replay.c */
void vine_test_gndt(struct vine_test *t);	/* gndt.c */
void vine_test_hosts(struct vine_test *t);	/* hosts.c */
void vine_test_hdr(struct vine_test *t);	/* hdr.c */
void vine_test_codel(struct vine_test *t);	/* codel.c, in pipe.c */
void vine_test_noise(struct vine_test *t);	/* noise.c */

int vine_selftest(void);

#else

static inline int vine_selftest(void)
{
	return 0;
}

#endif /* VINE_SELFTEST */
#endif /* _VINE_SELFTEST_H */
