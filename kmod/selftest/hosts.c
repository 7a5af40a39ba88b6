// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router selftest: the LNDT and the per-VN host bitmaps (tables.c).
 * vine_vn.hosts holds, for each block of VINE_HBLOCK addresses that has
 * hosts of the VN, an xarray value with one bit per host of the block;
 * a block with no host left is erased.
 */
#include "../vine.h"
#include "selftest.h"

struct hosts_ctx {
	struct vine_test *t;
	struct vine_router *vr;
};

/* Add (@add) or delete host @a of @v: error @want? */
static void __init hosts_set(struct hosts_ctx *x, struct vine_vn *v, u32 a,
			     bool add, int want)
{
	__be32 addr = htonl(a);
	int err = add ? vine_host_add(x->vr, v, addr, NULL) :
			vine_host_del(x->vr, v, addr, NULL);

	vine_test(x->t, err == want, "VN %u: %s %pI4: %d (want %d)", v->id,
		  add ? "add" : "delete", &addr, err, want);
}

#define hosts_add(x, v, a, want)	hosts_set(x, v, a, true, want)
#define hosts_del(x, v, a, want)	hosts_set(x, v, a, false, want)

/* The bitmap of @a's block in @v; @want 0: no such block. */
static void __init hosts_block(struct hosts_ctx *x, struct vine_vn *v, u32 a,
			       unsigned long want)
{
	unsigned long blk = a >> VINE_HBLOCK_SHIFT;
	void *entry = xa_load(&v->hosts, blk);
	unsigned long got = xa_is_value(entry) ? xa_to_value(entry) : 0;

	vine_test(x->t, got == want && (want || !entry),
		  "VN %u: block %#lx is %#lx (want %#lx)%s", v->id, blk, got,
		  want, entry && !xa_is_value(entry) ? ", not a value" : "");
}

/* @v has @blocks blocks and @hosts hosts; the VR, @all hosts. */
static void __init hosts_count(struct hosts_ctx *x, struct vine_vn *v,
			       unsigned int blocks, u32 hosts, u32 all)
{
	unsigned int n = 0;
	unsigned long idx;
	void *entry;

	xa_for_each(&v->hosts, idx, entry)
		n++;
	vine_test(x->t, n == blocks && v->nhosts == hosts &&
		  x->vr->nhosts == all,
		  "VN %u: %u blocks, %u hosts (want %u, %u); VR: %u hosts (want %u)",
		  v->id, n, v->nhosts, blocks, hosts, x->vr->nhosts, all);
}

/* The LNDT's VN of @a; @want 0: not a host. */
static void __init hosts_lndt(struct hosts_ctx *x, u32 a, u32 want)
{
	void *entry = xa_load(&x->vr->lndt, a);
	u32 got = xa_is_value(entry) ? xa_to_value(entry) : 0;
	__be32 addr = htonl(a);

	if (want)
		vine_test(x->t, got == want, "LNDT: %pI4 in VN %u (got %u)",
			  &addr, want, got);
	else
		vine_test(x->t, !entry, "LNDT: %pI4 is not a host (got VN %u)",
			  &addr, got);
}

void __init vine_test_hosts(struct vine_test *t)
{
	const u32 hb = VINE_HBLOCK, base = 0xac100100;	/* 172.16.1.0 */
	const unsigned long full = BIT(VINE_HBLOCK) - 1;
	struct hosts_ctx x = { .t = t };
	struct vine_vn *v, *v2;
	u32 a;
	int err;

	BUILD_BUG_ON(VINE_HBLOCK >= BITS_PER_LONG);	/* fits a value */
	BUILD_BUG_ON(base & (VINE_HBLOCK - 1));

	x.vr = vine_test_router();
	if (!vine_test(t, x.vr, "tables set up"))
		return;
	mutex_lock(&x.vr->lock);
	v = vine_vn_create(x.vr, 1, NULL);
	v2 = IS_ERR(v) ? v : vine_vn_create(x.vr, 2, NULL);
	if (!vine_test(t, !IS_ERR(v2), "VNs 1 and 2 created"))
		goto out;

	/* A block's first and last addresses, then the next block's first. */
	hosts_add(&x, v, base, 0);
	hosts_block(&x, v, base, BIT(0));
	hosts_add(&x, v, base + hb - 1, 0);
	hosts_block(&x, v, base, BIT(0) | BIT(hb - 1));
	hosts_add(&x, v, base + hb, 0);
	hosts_block(&x, v, base + hb, BIT(0));
	hosts_block(&x, v, base - 1, 0);
	hosts_count(&x, v, 2, 3, 3);

	/* A host is in one VN only. */
	hosts_add(&x, v, base + hb - 1, -EEXIST);
	hosts_add(&x, v2, base + hb - 1, -EEXIST);
	hosts_block(&x, v2, base, 0);
	hosts_add(&x, v2, base + 2, 0);
	hosts_block(&x, v2, base, BIT(2));
	hosts_block(&x, v, base, BIT(0) | BIT(hb - 1));
	hosts_lndt(&x, base + 2, 2);
	hosts_lndt(&x, base + hb - 1, 1);
	hosts_lndt(&x, base + 1, 0);
	hosts_del(&x, v, base + 2, -ENOENT);
	hosts_lndt(&x, base + 2, 2);
	hosts_count(&x, v2, 1, 1, 4);

	/* Removing hosts: the last one of a block erases the block. */
	hosts_del(&x, v, base, 0);
	hosts_block(&x, v, base, BIT(hb - 1));
	hosts_del(&x, v, base + hb - 1, 0);
	hosts_block(&x, v, base, 0);
	hosts_del(&x, v, base + hb - 1, -ENOENT);
	hosts_lndt(&x, base + hb - 1, 0);
	hosts_block(&x, v, base + hb, BIT(0));
	hosts_count(&x, v, 1, 1, 2);

	/* A whole block, then emptied. */
	for (err = 0, a = base + 2 * hb; a < base + 3 * hb && !err; a++)
		err = vine_host_add(x.vr, v, htonl(a), NULL);
	vine_test(t, !err, "VN 1: add the %u addresses of a block: %d", hb,
		  err);
	hosts_block(&x, v, base + 2 * hb, full);
	for (err = 0, a = base + 2 * hb; a < base + 3 * hb && !err; a++)
		err = vine_host_del(x.vr, v, htonl(a), NULL);
	vine_test(t, !err, "VN 1: delete them: %d", err);
	hosts_block(&x, v, base + 2 * hb, 0);
	hosts_count(&x, v, 1, 1, 2);

	/* The first and last addresses of the space. */
	hosts_add(&x, v, 0, 0);
	hosts_add(&x, v, U32_MAX, 0);
	hosts_block(&x, v, 0, BIT(0));
	hosts_block(&x, v, U32_MAX, BIT(hb - 1));
	hosts_lndt(&x, U32_MAX, 1);
	hosts_count(&x, v, 3, 3, 4);

	/* A VN destroyed takes its hosts out of the LNDT, and no others. */
	vine_vn_destroy(x.vr, v);
	hosts_lndt(&x, U32_MAX, 0);
	hosts_lndt(&x, base + hb, 0);
	hosts_lndt(&x, base + 2, 2);
	vine_test(t, x.vr->nhosts == 1, "VN 1 destroyed: VR has %u hosts (want 1)",
		  x.vr->nhosts);
	hosts_del(&x, v2, base + 2, 0);
	hosts_count(&x, v2, 0, 0, 0);
out:
	mutex_unlock(&x.vr->lock);
	vine_test_router_free(x.vr);
}
