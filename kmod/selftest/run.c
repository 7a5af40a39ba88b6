// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: run the in-module selftests at load (selftest=1).
 *
 * Each part is a KTAP subtest, one line a case, in the kernel log:
 *
 *   vine: KTAP version 1
 *   vine: 1..5
 *   vine:     KTAP version 1
 *   vine:     # Subtest: replay
 *   vine:     ok 1 window allocated
 *   vine:     ok 2 counter 0 (0) accepted
 *   ...
 *   vine:     1..62
 *   vine:     # replay: pass:62 fail:0 total:62
 *   vine: ok 1 replay
 *   ...
 *   vine: # selftest: 5 parts, 254 cases: 254 passed, 0 failed
 *
 * A failed case is logged with pr_err, naming its part; the load fails.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "../vine.h"
#include "selftest.h"

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest,
		 "run the selftests at load; refuse to load if one fails");

bool __init vine_test(struct vine_test *t, bool ok, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	t->n++;
	if (ok) {
		pr_info("    ok %u %pV\n", t->n, &vaf);
	} else {
		t->failed++;
		pr_err("    not ok %u %s: %pV\n", t->n, t->name, &vaf);
	}
	va_end(args);
	return ok;
}

/* A VR's tables as a namespace has them, without the namespace. */
struct vine_router * __init vine_test_router(void)
{
	struct vine_router *vr = kzalloc(sizeof(*vr), GFP_KERNEL);

	if (!vr)
		return NULL;
	mutex_init(&vr->lock);
	vine_tables_init(vr);
	return vr;
}

/* Empty the tables and wait until every peer, key and VN is freed. */
void __init vine_test_router_free(struct vine_router *vr)
{
	vine_tables_flush(vr);
	rcu_barrier();		/* the call_rcu()s have queued their work */
	flush_workqueue(vine_wq);
	mutex_destroy(&vr->lock);
	kfree(vr);
}

struct vine_test_part {
	const char *name;
	void (*run)(struct vine_test *t);
};

static const struct vine_test_part vine_parts[] __initconst = {
	{ "replay", vine_test_replay },
	{ "gndt", vine_test_gndt },
	{ "hosts", vine_test_hosts },
	{ "hdr", vine_test_hdr },
	{ "codel", vine_test_codel },
	{ "noise", vine_test_noise },
};

/*
 * With selftest=1: run every part; -EINVAL if a case failed. Called by
 * vine_init() once the module's caches and work queues exist, before it
 * registers anything.
 */
int __init vine_selftest(void)
{
	unsigned int i, parts_failed = 0, cases = 0, failed = 0;

	if (!selftest)
		return 0;
	pr_info("KTAP version 1\n");
	pr_info("1..%zu\n", ARRAY_SIZE(vine_parts));
	for (i = 0; i < ARRAY_SIZE(vine_parts); i++) {
		struct vine_test t = { .name = vine_parts[i].name };

		pr_info("    KTAP version 1\n");
		pr_info("    # Subtest: %s\n", t.name);
		vine_parts[i].run(&t);
		pr_info("    1..%u\n", t.n);
		pr_info("    # %s: pass:%u fail:%u total:%u\n", t.name,
			t.n - t.failed, t.failed, t.n);
		if (t.failed || !t.n) {
			parts_failed++;
			pr_err("not ok %u %s\n", i + 1, t.name);
		} else {
			pr_info("ok %u %s\n", i + 1, t.name);
		}
		cases += t.n;
		failed += t.failed;
	}
	pr_info("# selftest: %zu parts, %u cases: %u passed, %u failed\n",
		ARRAY_SIZE(vine_parts), cases, cases - failed, failed);
	if (parts_failed) {
		pr_err("selftest: %u part(s) failed, %u case(s): not loading\n",
		       parts_failed, failed);
		return -EINVAL;
	}
	return 0;
}
