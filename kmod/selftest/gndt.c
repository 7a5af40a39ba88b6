// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router selftest: the GNDT's longest-prefix match (tables.c), on a
 * VR's tables set up as a namespace has them: VNs made by
 * vine_vn_create(), routes by vine_route_set(), which takes a reference
 * on the peer it names (vine_peer_get()), under vr->lock.
 */
#include <linux/slab.h>

#include "../vine.h"
#include "selftest.h"

struct gndt_ctx {
	struct vine_test *t;
	struct vine_router *vr;
};

static void __init gndt_set(struct gndt_ctx *x, struct vine_vn *v,
			    __be32 prefix, u8 plen, __be32 via, bool replace,
			    int want)
{
	const struct vine_route tmpl = { .via = via };
	int err;

	err = vine_route_set(x->vr, v, prefix, plen, &tmpl, replace, NULL);
	vine_test(x->t, err == want, "VN %u: %s %pI4/%u via %pI4: %d (want %d)",
		  v->id, replace ? "replace" : "add", &prefix, plen, &via, err,
		  want);
}

static void __init gndt_del(struct gndt_ctx *x, struct vine_vn *v,
			    __be32 prefix, u8 plen, int want)
{
	int err = vine_route_del(x->vr, v, prefix, plen, NULL);

	vine_test(x->t, err == want, "VN %u: delete %pI4/%u: %d (want %d)",
		  v->id, &prefix, plen, err, want);
}

/* @via 0: no route. */
static void __init gndt_find(struct gndt_ctx *x, struct vine_vn *v,
			     __be32 daddr, __be32 via)
{
	struct vine_route *r = vine_gndt_lookup(v, daddr);
	__be32 got = r ? r->via : 0;

	if (r && r->peer->id != ntohl(r->via))
		got = htonl(r->peer->id);	/* the wrong peer */
	if (via)
		vine_test(x->t, got == via, "VN %u: %pI4 goes via %pI4 (got %pI4)",
			  v->id, &daddr, &via, &got);
	else
		vine_test(x->t, !r, "VN %u: %pI4 has no route (got via %pI4)",
			  v->id, &daddr, &got);
}

static void __init gndt_plens(struct gndt_ctx *x, struct vine_vn *v,
			      u64 want)
{
	u64 got = READ_ONCE(v->plens);

	vine_test(x->t, got == want, "VN %u: prefix lengths %#llx (want %#llx)",
		  v->id, got, want);
}

static void __init gndt_count(struct gndt_ctx *x, struct vine_vn *v,
			      u32 routes, u32 peers)
{
	vine_test(x->t, v->nroutes == routes && x->vr->nroutes >= routes &&
		  x->vr->npeers == peers,
		  "VN %u: %u routes (want %u), VR: %u peers (want %u)",
		  v->id, v->nroutes, routes, x->vr->npeers, peers);
}

static void __init gndt_peer_refs(struct gndt_ctx *x, __be32 id,
				  unsigned int want)
{
	struct vine_peer *p = xa_load(&x->vr->peers, ntohl(id));
	unsigned int got = p ? p->refs : 0;

	vine_test(x->t, got == want, "peer %pI4: %u references (want %u)",
		  &id, got, want);
}

static void __init gndt_index(struct vine_test *t, __be32 prefix, u8 plen,
			      unsigned long want)
{
	unsigned long got = vine_gndt_index(prefix, plen);

	vine_test(t, got == want, "index of %pI4/%u: %#lx (want %#lx)",
		  &prefix, plen, got, want);
}

void __init vine_test_gndt(struct vine_test *t)
{
	const __be32 vr1 = VINE_IP4(10, 0, 0, 1), vr2 = VINE_IP4(10, 0, 0, 2);
	const __be32 vr3 = VINE_IP4(10, 0, 0, 3), vr4 = VINE_IP4(10, 0, 0, 4);
	const __be32 vr5 = VINE_IP4(10, 0, 0, 5);
	const __be32 any = 0, all = VINE_IP4(255, 255, 255, 255);
	struct gndt_ctx x = { .t = t };
	struct vine_vn *v, *v2;

	gndt_index(t, VINE_IP4(172, 16, 1, 10), 0, 0);
	gndt_index(t, VINE_IP4(172, 16, 1, 10), 8, 172);
	gndt_index(t, VINE_IP4(172, 16, 1, 10), 24, 0xac1001);
	gndt_index(t, VINE_IP4(172, 16, 1, 10), 32, 0xac10010a);
	gndt_index(t, all, 32, 0xffffffff);
	gndt_index(t, all, 1, 1);

	x.vr = vine_test_router();
	if (!vine_test(t, x.vr, "tables set up"))
		return;
	mutex_lock(&x.vr->lock);
	v = vine_vn_create(x.vr, 1, "one");
	v2 = IS_ERR(v) ? v : vine_vn_create(x.vr, 2, "two");
	if (!vine_test(t, !IS_ERR(v2), "VNs 1 and 2 created"))
		goto out;

	/* Empty. */
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 10), 0);
	gndt_plens(&x, v, 0);

	/* A default route: /0 matches everything. */
	gndt_set(&x, v, any, 0, vr1, false, 0);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 10), vr1);
	gndt_find(&x, v, any, vr1);
	gndt_find(&x, v, all, vr1);
	gndt_plens(&x, v, BIT_ULL(0));

	/* Nested prefixes: the longest wins; host bits of a prefix ignored. */
	gndt_set(&x, v, VINE_IP4(172, 16, 0, 0), 12, vr2, false, 0);
	gndt_set(&x, v, VINE_IP4(172, 16, 1, 0), 24, vr3, false, 0);
	gndt_set(&x, v, VINE_IP4(172, 16, 1, 10), 32, vr4, false, 0);
	gndt_set(&x, v, VINE_IP4(172, 16, 2, 99), 24, vr4, false, 0);
	gndt_plens(&x, v, BIT_ULL(0) | BIT_ULL(12) | BIT_ULL(24) |
		   BIT_ULL(32));
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 10), vr4);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 11), vr3);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 255), vr3);
	gndt_find(&x, v, VINE_IP4(172, 16, 2, 0), vr4);
	gndt_find(&x, v, VINE_IP4(172, 16, 3, 1), vr2);
	gndt_find(&x, v, VINE_IP4(172, 31, 255, 255), vr2);
	gndt_find(&x, v, VINE_IP4(172, 32, 0, 0), vr1);
	gndt_find(&x, v, VINE_IP4(172, 15, 255, 255), vr1);
	gndt_count(&x, v, 5, 4);
	gndt_peer_refs(&x, vr4, 2);

	/* The same prefix again: refused, or replaced in place. */
	gndt_set(&x, v, VINE_IP4(172, 16, 1, 0), 24, vr5, false, -EEXIST);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 11), vr3);
	gndt_set(&x, v, VINE_IP4(172, 16, 1, 0), 24, vr5, true, 0);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 11), vr5);
	gndt_count(&x, v, 5, 4);	/* vr3 had no other route: gone */

	/* The same prefix in another VN: each VN its own GNDT. */
	gndt_set(&x, v2, VINE_IP4(172, 16, 1, 0), 24, vr1, false, 0);
	gndt_find(&x, v2, VINE_IP4(172, 16, 1, 10), vr1);
	gndt_find(&x, v2, VINE_IP4(172, 16, 3, 1), 0);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 10), vr4);
	gndt_plens(&x, v2, BIT_ULL(24));
	gndt_peer_refs(&x, vr1, 2);

	/* Deleting the longer prefix falls back to the shorter one. */
	gndt_del(&x, v, VINE_IP4(172, 16, 1, 10), 32, 0);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 10), vr5);
	gndt_del(&x, v, VINE_IP4(172, 16, 1, 10), 32, -ENOENT);
	gndt_plens(&x, v, BIT_ULL(0) | BIT_ULL(12) | BIT_ULL(24));
	/* Two /24s: the length stays while one is left. */
	gndt_del(&x, v, VINE_IP4(172, 16, 1, 0), 24, 0);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 10), vr2);
	gndt_find(&x, v, VINE_IP4(172, 16, 2, 1), vr4);
	gndt_plens(&x, v, BIT_ULL(0) | BIT_ULL(12) | BIT_ULL(24));
	gndt_del(&x, v, VINE_IP4(172, 16, 2, 7), 24, 0);
	gndt_find(&x, v, VINE_IP4(172, 16, 2, 1), vr2);
	gndt_plens(&x, v, BIT_ULL(0) | BIT_ULL(12));
	gndt_count(&x, v, 2, 2);	/* vr4 and vr5 gone with their routes */
	gndt_del(&x, v, VINE_IP4(172, 16, 0, 0), 12, 0);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 10), vr1);
	gndt_del(&x, v, any, 0, 0);
	gndt_find(&x, v, VINE_IP4(172, 16, 1, 10), 0);
	gndt_plens(&x, v, 0);
	gndt_count(&x, v, 0, 1);	/* vr1, of VN 2's route */
	gndt_del(&x, v, any, 0, -ENOENT);

	/* /32 at both ends of the address space, nothing shorter. */
	gndt_set(&x, v, any, 32, vr2, false, 0);
	gndt_set(&x, v, all, 32, vr3, false, 0);
	gndt_find(&x, v, any, vr2);
	gndt_find(&x, v, all, vr3);
	gndt_find(&x, v, VINE_IP4(0, 0, 0, 1), 0);
	gndt_find(&x, v, VINE_IP4(255, 255, 255, 254), 0);
	gndt_plens(&x, v, BIT_ULL(32));

	/* A VN destroyed takes its routes and their peers' references. */
	vine_vn_destroy(x.vr, v2);
	vine_test(t, x.vr->nroutes == 2 && x.vr->npeers == 2 &&
		  !xa_load(&x.vr->peers, ntohl(vr1)),
		  "VN 2 destroyed: VR has 2 routes, 2 peers, none for %pI4",
		  &vr1);
out:
	mutex_unlock(&x.vr->lock);
	vine_test_router_free(x.vr);
}
