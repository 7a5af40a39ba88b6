// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: the tables (thesis tables 3-4 to 3-6).
 *
 * LNDT: host address -> VN id, as xarray values: no allocation per host.
 *	Each VN has a bitmap of its own hosts too (vine_vn.hosts), one xarray
 *	value per block of VINE_HBLOCK addresses.
 * GNDT: one per VN; one xarray per prefix length, indexed by the prefix's
 *	top bits; a lookup tries the lengths in use, longest first.
 * Routes hold a reference on the peer VR they lead to (peer.c).
 *
 * Writers hold vr->lock. Readers (the data path) hold rcu_read_lock().
 */
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "vine.h"

unsigned long vine_gndt_index(__be32 prefix, u8 plen)
{
	return plen ? ntohl(prefix) >> (32 - plen) : 0;
}

struct vine_route *vine_gndt_lookup(struct vine_vn *v, __be32 daddr)
{
	u64 plens = READ_ONCE(v->plens);
	struct vine_route *r;
	int len;

	while (plens) {
		len = fls64(plens) - 1;
		r = xa_load(&v->gndt[len], vine_gndt_index(daddr, len));
		if (r)
			return r;
		plens &= ~BIT_ULL(len);
	}
	return NULL;
}

static void vine_route_free(struct vine_router *vr, struct vine_route *r)
{
	vine_peer_put(vr, r->peer);
	kfree_rcu(r, rcu);
}

/* Add @addr (host order) to, or remove it from, the bitmaps of @v. */
static int vine_vn_hosts_set(struct vine_vn *v, u32 addr, bool on)
{
	unsigned long blk = addr >> VINE_HBLOCK_SHIFT;
	unsigned long bit = BIT(addr & (VINE_HBLOCK - 1));
	void *entry = xa_load(&v->hosts, blk);
	unsigned long bits = entry ? xa_to_value(entry) : 0;

	bits = on ? bits | bit : bits & ~bit;
	if (!bits) {
		xa_erase(&v->hosts, blk);
		return 0;
	}
	/* Only a new block allocates: removing a host cannot fail. */
	return xa_err(xa_store(&v->hosts, blk, xa_mk_value(bits), GFP_KERNEL));
}

int vine_host_add(struct vine_router *vr, struct vine_vn *v, __be32 addr,
		  struct netlink_ext_ack *extack)
{
	void *old = xa_load(&vr->lndt, ntohl(addr));
	int err;

	lockdep_assert_held(&vr->lock);
	if (old && xa_to_value(old) == v->id) {
		NL_SET_ERR_MSG(extack, "host is already in this VN");
		return -EEXIST;
	}
	if (old) {
		NL_SET_ERR_MSG(extack, "host is in another VN");
		return -EEXIST;
	}
	err = xa_err(xa_store(&vr->lndt, ntohl(addr), xa_mk_value(v->id),
			      GFP_KERNEL));
	if (err)
		return err;
	err = vine_vn_hosts_set(v, ntohl(addr), true);
	if (err) {
		xa_erase(&vr->lndt, ntohl(addr));
		return err;
	}
	v->nhosts++;
	vr->nhosts++;
	return 0;
}

int vine_host_del(struct vine_router *vr, struct vine_vn *v, __be32 addr,
		  struct netlink_ext_ack *extack)
{
	void *old = xa_load(&vr->lndt, ntohl(addr));

	lockdep_assert_held(&vr->lock);
	if (!old || xa_to_value(old) != v->id) {
		NL_SET_ERR_MSG(extack, "host is not in this VN");
		return -ENOENT;
	}
	xa_erase(&vr->lndt, ntohl(addr));
	vine_vn_hosts_set(v, ntohl(addr), false);
	v->nhosts--;
	vr->nhosts--;
	return 0;
}

int vine_route_set(struct vine_router *vr, struct vine_vn *v, __be32 prefix,
		   u8 plen, const struct vine_route *tmpl, bool replace,
		   struct netlink_ext_ack *extack)
{
	unsigned long idx = vine_gndt_index(prefix, plen);
	struct vine_route *r, *old;
	struct vine_peer *p;

	lockdep_assert_held(&vr->lock);
	old = xa_load(&v->gndt[plen], idx);
	if (old && !replace) {
		NL_SET_ERR_MSG(extack, "route exists");
		return -EEXIST;
	}

	r = kmemdup(tmpl, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	p = vine_peer_get(vr, ntohl(tmpl->via));
	if (IS_ERR(p)) {
		kfree(r);
		return PTR_ERR(p);
	}
	r->peer = p;

	old = xa_store(&v->gndt[plen], idx, r, GFP_KERNEL);
	if (xa_is_err(old)) {
		vine_peer_put(vr, p);
		kfree(r);
		return xa_err(old);
	}
	if (old) {
		vine_route_free(vr, old);
		return 0;
	}
	v->nroutes_len[plen]++;
	v->nroutes++;
	vr->nroutes++;
	WRITE_ONCE(v->plens, v->plens | BIT_ULL(plen));
	return 0;
}

static void vine_route_unlink(struct vine_router *vr, struct vine_vn *v,
			      u8 plen, unsigned long idx)
{
	struct vine_route *r = xa_erase(&v->gndt[plen], idx);

	if (!--v->nroutes_len[plen])
		WRITE_ONCE(v->plens, v->plens & ~BIT_ULL(plen));
	v->nroutes--;
	vr->nroutes--;
	vine_route_free(vr, r);
}

int vine_route_del(struct vine_router *vr, struct vine_vn *v, __be32 prefix,
		   u8 plen, struct netlink_ext_ack *extack)
{
	unsigned long idx = vine_gndt_index(prefix, plen);

	lockdep_assert_held(&vr->lock);
	if (!xa_load(&v->gndt[plen], idx)) {
		NL_SET_ERR_MSG(extack, "no such route");
		return -ENOENT;
	}
	vine_route_unlink(vr, v, plen, idx);
	return 0;
}

struct vine_vn *vine_vn_create(struct vine_router *vr, u32 id, const char *name)
{
	struct vine_vn *v;
	int i, err;

	lockdep_assert_held(&vr->lock);
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return ERR_PTR(-ENOMEM);
	v->stats = vine_stats_alloc();
	if (!v->stats) {
		kfree(v);
		return ERR_PTR(-ENOMEM);
	}
	v->id = id;
	strscpy(v->name, name ?: "", sizeof(v->name));
	for (i = 0; i < VINE_PLENS; i++)
		xa_init(&v->gndt[i]);
	xa_init(&v->hosts);

	err = xa_insert(&vr->vns, id, v, GFP_KERNEL);
	if (err) {
		free_percpu(v->stats);
		kfree(v);
		return ERR_PTR(err);
	}
	vr->nvns++;
	return v;
}

static void vine_vn_free_rcu(struct rcu_head *head)
{
	struct vine_vn *v = container_of(head, struct vine_vn, rcu);

	free_percpu(v->stats);
	kfree(v);
}

/* Remove a VN with its hosts and routes. */
void vine_vn_destroy(struct vine_router *vr, struct vine_vn *v)
{
	unsigned long idx, bits, bit;
	void *entry;
	int len;

	lockdep_assert_held(&vr->lock);
	xa_erase(&vr->vns, v->id);
	vr->nvns--;

	/* Tables may hold millions of entries: let others run meanwhile. */
	xa_for_each(&v->hosts, idx, entry) {
		bits = xa_to_value(entry);
		for_each_set_bit(bit, &bits, VINE_HBLOCK)
			xa_erase(&vr->lndt, idx << VINE_HBLOCK_SHIFT | bit);
		cond_resched();
	}
	xa_destroy(&v->hosts);
	vr->nhosts -= v->nhosts;
	v->nhosts = 0;
	for (len = 0; len < VINE_PLENS; len++) {
		xa_for_each(&v->gndt[len], idx, entry) {
			vine_route_unlink(vr, v, len, idx);
			cond_resched();
		}
		xa_destroy(&v->gndt[len]);
	}
	call_rcu(&v->rcu, vine_vn_free_rcu);
}

void vine_tables_init(struct vine_router *vr)
{
	xa_init(&vr->lndt);
	xa_init(&vr->vns);
	xa_init(&vr->peers);
}

/* Empty every table (namespace exit); readers may still run. */
void vine_tables_flush(struct vine_router *vr)
{
	struct vine_peer *p;
	struct vine_vn *v;
	unsigned long idx;

	mutex_lock(&vr->lock);
	/* Last of the teardown (vine_net_exit()): nothing holds a peer. */
	WARN_ON_ONCE(vr->chan.server || vr->chan.probe);
	xa_for_each(&vr->vns, idx, v)
		vine_vn_destroy(vr, v);
	xa_for_each(&vr->peers, idx, p)
		vine_key_del(vr, p->id, NULL);
	WARN_ON_ONCE(vr->nhosts || vr->nroutes || vr->npeers);
	xa_destroy(&vr->lndt);
	xa_destroy(&vr->vns);
	xa_destroy(&vr->peers);
	mutex_unlock(&vr->lock);
}
