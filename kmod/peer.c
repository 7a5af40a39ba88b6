// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: peers, the other VRs this one knows (by id), and their
 * keys (the NSKT, thesis table 3-6): a static key, or a public key and
 * the sessions made with it (session.c).
 *
 * A peer is created by the first route or key that names it and holds a
 * reference for each (vine_peer.refs, under vr->lock); the last one to go
 * takes the peer out of vr->peers, and the peer is freed after an RCU
 * grace period, as the data path finds it under RCU. This file alone
 * creates, publishes and frees peers. What a peer holds is written by its
 * owners: its key here, its channel state in channel.c, its TCP
 * connection in tcp.c (taken from it here, before it leaves the table).
 */
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "vine.h"

static struct kmem_cache *vine_peer_cache __read_mostly;

static void vine_peer_free_work(struct work_struct *work)
{
	struct vine_peer *p = container_of(to_rcu_work(work),
					   struct vine_peer, rwork);

	vine_peer_chan_free(p);
	vine_sessions_free(p);
	dst_cache_destroy(&p->dst_cache);
	free_percpu(p->stats);
	kmem_cache_free(vine_peer_cache, p);
}

/* The peer with this id, created if needed, with one more reference. */
struct vine_peer *vine_peer_get(struct vine_router *vr, u32 id)
{
	struct vine_peer *p;
	int err;

	lockdep_assert_held(&vr->lock);
	p = xa_load(&vr->peers, id);
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
	spin_lock_init(&p->sess_lock);
	skb_queue_head_init(&p->held);
	skb_queue_head_init(&p->staged);
	atomic64_set(&p->tx_counter, ktime_get_real_ns());
	p->stats = vine_stats_alloc();
	err = p->stats ? dst_cache_init(&p->dst_cache, GFP_KERNEL) : -ENOMEM;
	if (err)
		goto err_free;
	err = xa_err(xa_store(&vr->peers, id, p, GFP_KERNEL));
	if (err)
		goto err_dst;
	vr->npeers++;
	return p;

err_dst:
	dst_cache_destroy(&p->dst_cache);
err_free:
	free_percpu(p->stats);
	kmem_cache_free(vine_peer_cache, p);
	return ERR_PTR(err);
}

void vine_peer_put(struct vine_router *vr, struct vine_peer *p)
{
	lockdep_assert_held(&vr->lock);
	if (--p->refs)
		return;
	vine_peer_tcp_detach(vr, p);
	xa_erase(&vr->peers, p->id);
	vr->npeers--;
	INIT_RCU_WORK(&p->rwork, vine_peer_free_work);
	queue_rcu_work(vine_wq, &p->rwork);
}

/*
 * Give peer @id a static key @raw, or (with @pub) a public key and
 * optionally a pre-shared key @raw: what it had before goes.
 */
int vine_key_set(struct vine_router *vr, u32 id, const u8 *raw,
		 const u8 *pub, struct netlink_ext_ack *extack)
{
	struct vine_key *key = NULL, *old;
	struct vine_peer *p;
	bool fresh = false;
	int err;

	lockdep_assert_held(&vr->lock);
	if (!pub) {
		key = vine_key_alloc(raw);
		if (IS_ERR(key)) {
			NL_SET_ERR_MSG(extack,
				       "cannot set up HMAC-SHA-256 (crypto API)");
			return PTR_ERR(key);
		}
	}

	p = xa_load(&vr->peers, id);
	if (!p || !vine_peer_keyed(p)) {
		/* The key holds a reference on its peer. */
		p = vine_peer_get(vr, id);
		if (IS_ERR(p)) {
			if (key)
				vine_key_free(key);
			return PTR_ERR(p);
		}
		fresh = true;
	}
	if (pub) {
		err = vine_remote_set(vr, p, pub, raw, extack);
		if (err && fresh)
			vine_peer_put(vr, p);
		return err;
	}
	vine_remote_del(vr, p);
	old = rcu_replace_pointer(p->key, key, lockdep_is_held(&vr->lock));
	/* A new key starts a new sequence: counters restart from the clock. */
	vine_replay_reset(&p->replay);
	atomic64_set(&p->tx_counter, ktime_get_real_ns());
	if (old)
		vine_key_free(old);
	return 0;
}

int vine_key_del(struct vine_router *vr, u32 id, struct netlink_ext_ack *extack)
{
	struct vine_peer *p = xa_load(&vr->peers, id);
	struct vine_key *old;

	lockdep_assert_held(&vr->lock);
	if (!p || !vine_peer_keyed(p)) {
		NL_SET_ERR_MSG(extack, "no such key");
		return -ENOENT;
	}
	old = rcu_replace_pointer(p->key, NULL, lockdep_is_held(&vr->lock));
	if (old)
		vine_key_free(old);
	vine_remote_del(vr, p);
	vine_peer_put(vr, p);
	return 0;
}

/*
 * Peers have a cache of their own, as TCP connections do (tcp.c): its
 * count is in /sys/kernel/slab/vine_peer, and a peer leaked warns when
 * the module unloads.
 */
int __init vine_peer_module_init(void)
{
	vine_peer_cache = KMEM_CACHE(vine_peer, 0);
	return vine_peer_cache ? 0 : -ENOMEM;
}

/* Module exit, after the last peer was freed. */
void vine_peer_module_exit(void)
{
	kmem_cache_destroy(vine_peer_cache);
}
