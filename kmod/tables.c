// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: the tables (thesis tables 3-4 to 3-6).
 *
 * LNDT: host address -> VN id, as xarray values: no allocation per host.
 *	Each VN has a bitmap of its own hosts too (vine_vn.hosts), one xarray
 *	value per block of VINE_HBLOCK addresses.
 * GNDT: one per VN; one xarray per prefix length, indexed by the prefix's
 *	top bits; a lookup tries the lengths in use, longest first.
 * Peers: a remote VR by id, with its key (NSKT), counters and replay
 *	window; referenced by routes and by its key, freed after a grace
 *	period when the last reference goes.
 *
 * Writers hold vn->lock. Readers (the data path) hold rcu_read_lock().
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

static struct kmem_cache *vine_peer_cache __read_mostly;

static void vine_peer_free_work(struct work_struct *work)
{
	struct vine_peer *p = container_of(to_rcu_work(work),
					   struct vine_peer, rwork);

	vine_peer_chan_free(p);
	dst_cache_destroy(&p->dst_cache);
	free_percpu(p->stats);
	kmem_cache_free(vine_peer_cache, p);
}

/* The peer with this id, created if needed, with one more reference. */
struct vine_peer *vine_peer_get(struct vine_net *vn, u32 id)
{
	struct vine_peer *p;
	int err;

	p = xa_load(&vn->peers, id);
	if (p) {
		p->refs++;
		return p;
	}

	p = kmem_cache_zalloc(vine_peer_cache, GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	p->id = id;
	p->refs = 1;
	spin_lock_init(&p->replay.lock);
	skb_queue_head_init(&p->queue);
	atomic64_set(&p->tx_counter, ktime_get_real_ns());
	p->stats = vine_stats_alloc();
	err = p->stats ? dst_cache_init(&p->dst_cache, GFP_KERNEL) : -ENOMEM;
	if (err)
		goto err_free;
	err = xa_err(xa_store(&vn->peers, id, p, GFP_KERNEL));
	if (err)
		goto err_dst;
	vn->npeers++;
	return p;

err_dst:
	dst_cache_destroy(&p->dst_cache);
err_free:
	free_percpu(p->stats);
	kmem_cache_free(vine_peer_cache, p);
	return ERR_PTR(err);
}

void vine_peer_put(struct vine_net *vn, struct vine_peer *p)
{
	lockdep_assert_held(&vn->lock);
	if (--p->refs)
		return;
	vine_peer_tcp_detach(vn, p);
	xa_erase(&vn->peers, p->id);
	vn->npeers--;
	INIT_RCU_WORK(&p->rwork, vine_peer_free_work);
	queue_rcu_work(vine_wq, &p->rwork);
}

static void vine_route_free(struct vine_net *vn, struct vine_route *r)
{
	vine_peer_put(vn, r->peer);
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

int vine_host_add(struct vine_net *vn, struct vine_vn *v, __be32 addr,
		  struct netlink_ext_ack *extack)
{
	void *old = xa_load(&vn->lndt, ntohl(addr));
	int err;

	if (old && xa_to_value(old) == v->id) {
		NL_SET_ERR_MSG(extack, "host is already in this VN");
		return -EEXIST;
	}
	if (old) {
		NL_SET_ERR_MSG(extack, "host is in another VN");
		return -EEXIST;
	}
	err = xa_err(xa_store(&vn->lndt, ntohl(addr), xa_mk_value(v->id),
			      GFP_KERNEL));
	if (err)
		return err;
	err = vine_vn_hosts_set(v, ntohl(addr), true);
	if (err) {
		xa_erase(&vn->lndt, ntohl(addr));
		return err;
	}
	v->nhosts++;
	vn->nhosts++;
	return 0;
}

int vine_host_del(struct vine_net *vn, struct vine_vn *v, __be32 addr,
		  struct netlink_ext_ack *extack)
{
	void *old = xa_load(&vn->lndt, ntohl(addr));

	if (!old || xa_to_value(old) != v->id) {
		NL_SET_ERR_MSG(extack, "host is not in this VN");
		return -ENOENT;
	}
	xa_erase(&vn->lndt, ntohl(addr));
	vine_vn_hosts_set(v, ntohl(addr), false);
	v->nhosts--;
	vn->nhosts--;
	return 0;
}

int vine_route_set(struct vine_net *vn, struct vine_vn *v, __be32 prefix,
		   u8 plen, const struct vine_route *tmpl, bool replace,
		   struct netlink_ext_ack *extack)
{
	unsigned long idx = vine_gndt_index(prefix, plen);
	struct vine_route *r, *old;
	struct vine_peer *p;

	old = xa_load(&v->gndt[plen], idx);
	if (old && !replace) {
		NL_SET_ERR_MSG(extack, "route exists");
		return -EEXIST;
	}

	r = kmemdup(tmpl, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	p = vine_peer_get(vn, ntohl(tmpl->via));
	if (IS_ERR(p)) {
		kfree(r);
		return PTR_ERR(p);
	}
	r->peer = p;

	old = xa_store(&v->gndt[plen], idx, r, GFP_KERNEL);
	if (xa_is_err(old)) {
		vine_peer_put(vn, p);
		kfree(r);
		return xa_err(old);
	}
	if (old) {
		vine_route_free(vn, old);
		return 0;
	}
	v->nroutes_len[plen]++;
	v->nroutes++;
	vn->nroutes++;
	WRITE_ONCE(v->plens, v->plens | BIT_ULL(plen));
	return 0;
}

static void vine_route_unlink(struct vine_net *vn, struct vine_vn *v,
			      u8 plen, unsigned long idx)
{
	struct vine_route *r = xa_erase(&v->gndt[plen], idx);

	if (!--v->nroutes_len[plen])
		WRITE_ONCE(v->plens, v->plens & ~BIT_ULL(plen));
	v->nroutes--;
	vn->nroutes--;
	vine_route_free(vn, r);
}

int vine_route_del(struct vine_net *vn, struct vine_vn *v, __be32 prefix,
		   u8 plen, struct netlink_ext_ack *extack)
{
	unsigned long idx = vine_gndt_index(prefix, plen);

	if (!xa_load(&v->gndt[plen], idx)) {
		NL_SET_ERR_MSG(extack, "no such route");
		return -ENOENT;
	}
	vine_route_unlink(vn, v, plen, idx);
	return 0;
}

struct vine_vn *vine_vn_create(struct vine_net *vn, u32 id, const char *name)
{
	struct vine_vn *v;
	int i, err;

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

	err = xa_insert(&vn->vns, id, v, GFP_KERNEL);
	if (err) {
		free_percpu(v->stats);
		kfree(v);
		return ERR_PTR(err);
	}
	vn->nvns++;
	return v;
}

static void vine_vn_free_rcu(struct rcu_head *head)
{
	struct vine_vn *v = container_of(head, struct vine_vn, rcu);

	free_percpu(v->stats);
	kfree(v);
}

/* Remove a VN with its hosts and routes. */
void vine_vn_destroy(struct vine_net *vn, struct vine_vn *v)
{
	unsigned long idx, bits, bit;
	void *entry;
	int len;

	xa_erase(&vn->vns, v->id);
	vn->nvns--;

	/* Tables may hold millions of entries: let others run meanwhile. */
	xa_for_each(&v->hosts, idx, entry) {
		bits = xa_to_value(entry);
		for_each_set_bit(bit, &bits, VINE_HBLOCK)
			xa_erase(&vn->lndt, idx << VINE_HBLOCK_SHIFT | bit);
		cond_resched();
	}
	xa_destroy(&v->hosts);
	vn->nhosts -= v->nhosts;
	v->nhosts = 0;
	for (len = 0; len < VINE_PLENS; len++) {
		xa_for_each(&v->gndt[len], idx, entry) {
			vine_route_unlink(vn, v, len, idx);
			cond_resched();
		}
		xa_destroy(&v->gndt[len]);
	}
	call_rcu(&v->rcu, vine_vn_free_rcu);
}

int vine_key_set(struct vine_net *vn, u32 id, const u8 *raw,
		 struct netlink_ext_ack *extack)
{
	struct vine_key *key, *old;
	struct vine_peer *p;

	key = vine_key_alloc(raw);
	if (IS_ERR(key)) {
		NL_SET_ERR_MSG(extack, "cannot set up HMAC-SHA-256 (crypto API)");
		return PTR_ERR(key);
	}

	p = xa_load(&vn->peers, id);
	if (!p || !rcu_access_pointer(p->key)) {
		/* The key holds a reference on its peer. */
		p = vine_peer_get(vn, id);
		if (IS_ERR(p)) {
			vine_key_free(key);
			return PTR_ERR(p);
		}
	}
	old = rcu_replace_pointer(p->key, key, lockdep_is_held(&vn->lock));
	/* A new key starts a new sequence: counters restart from the clock. */
	vine_replay_reset(&p->replay);
	atomic64_set(&p->tx_counter, ktime_get_real_ns());
	if (old)
		vine_key_free(old);
	return 0;
}

int vine_key_del(struct vine_net *vn, u32 id, struct netlink_ext_ack *extack)
{
	struct vine_peer *p = xa_load(&vn->peers, id);
	struct vine_key *old;

	old = p ? rcu_replace_pointer(p->key, NULL, lockdep_is_held(&vn->lock))
		: NULL;
	if (!old) {
		NL_SET_ERR_MSG(extack, "no such key");
		return -ENOENT;
	}
	vine_key_free(old);
	vine_peer_put(vn, p);
	return 0;
}

/*
 * Peers have a cache of their own, as TCP connections do (tcp.c): its
 * count is in /sys/kernel/slab/vine_peer, and a peer leaked warns when
 * the module unloads.
 */
int __init vine_tables_module_init(void)
{
	vine_peer_cache = KMEM_CACHE(vine_peer, 0);
	return vine_peer_cache ? 0 : -ENOMEM;
}

/* Module exit, after the last peer was freed. */
void vine_tables_module_exit(void)
{
	kmem_cache_destroy(vine_peer_cache);
}

void vine_tables_init(struct vine_net *vn)
{
	xa_init(&vn->lndt);
	xa_init(&vn->vns);
	xa_init(&vn->peers);
}

/* Empty every table (namespace exit); readers may still run. */
void vine_tables_flush(struct vine_net *vn)
{
	struct vine_peer *p;
	struct vine_vn *v;
	unsigned long idx;

	mutex_lock(&vn->lock);
	xa_for_each(&vn->vns, idx, v)
		vine_vn_destroy(vn, v);
	xa_for_each(&vn->peers, idx, p)
		vine_key_del(vn, p->id, NULL);
	WARN_ON_ONCE(vn->nhosts || vn->nroutes || vn->npeers);
	xa_destroy(&vn->lndt);
	xa_destroy(&vn->vns);
	xa_destroy(&vn->peers);
	mutex_unlock(&vn->lock);
}
