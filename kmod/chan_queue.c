// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router, as a queue VR: the channels of the limited VRs it serves
 * (see channel.c). An authenticated GET makes a peer a limited VR served
 * here; packets for it go where its authenticated packets last came from,
 * or wait in vine_peer.held while its channel is down; a limited VR long
 * silent is forgotten (vine_expiry_work()).
 *
 * This file alone writes a served peer's channel state and what it holds.
 */
#include <net/route.h>

#include "channel.h"

/* Send what waits for @p, in order. Under @p->held.lock, BH off. */
static void vine_chan_flush(struct vine_router *vr, const struct vine_cfg *cfg,
			    struct vine_peer *p)
{
	u64 seen = atomic64_read(&p->seen);
	__be32 daddr = VINE_SEEN_ADDR(seen), saddr;
	struct sk_buff *skb;
	struct rtable *rt;

	while ((skb = __skb_dequeue(&p->held))) {
		p->held_bytes -= skb->len;
		rt = vine_route_to(vr, p, daddr, &saddr);
		if (IS_ERR(rt)) {
			vine_drop(vr, NULL, p, VINE_DROP_TX_ERROR);
			kfree_skb(skb);
			continue;
		}
		vine_send(vr, cfg, p, skb, rt, saddr, daddr,
			  htons(VINE_SEEN_PORT(seen)));
	}
}

/* Would a packet of @len bytes for limited peer @p find no room? */
bool vine_chan_full(const struct vine_cfg *cfg, struct vine_peer *p,
		    unsigned int len)
{
	if (vine_chan_live(p) && !READ_ONCE(p->polled))
		return false;
	return skb_queue_len_lockless(&p->held) >= cfg->queue_size ||
	       READ_ONCE(p->held_bytes) + len > cfg->queue_bytes;
}

/*
 * A ViNe packet (VINE_CB set) for limited peer @p: false if it may go now,
 * else it was queued or, past the bounds, dropped (consumed either way).
 */
bool vine_chan_hold(struct vine_router *vr, const struct vine_cfg *cfg,
		    struct vine_peer *p, struct sk_buff *skb)
{
	bool down = false, held = true;

	if (vine_chan_live(p) && skb_queue_empty_lockless(&p->held) &&
	    !READ_ONCE(p->polled))
		return false;

	spin_lock(&p->held.lock);
	if (p->chan == VINE_CHAN_UP && !time_before(jiffies, p->chan_expires))
		down = vine_chan_set(p, VINE_CHAN_DOWN);
	if ((p->chan == VINE_CHAN_UP && !READ_ONCE(p->polled)) ||
	    READ_ONCE(p->role) != VINE_ROLE_LIMITED) {
		held = false;	/* flushed, or it left, while we looked */
	} else if (skb_queue_len(&p->held) >= cfg->queue_size ||
		   p->held_bytes + skb->len > cfg->queue_bytes) {
		vine_drop(vr, NULL, p, VINE_DROP_QUEUE_FULL);
		kfree_skb(skb);
	} else {
		/* It may wait long: no conntrack entry or device kept. */
		nf_reset_ct(skb);
		skb->dev = NULL;
		__skb_queue_tail(&p->held, skb);
		p->held_bytes += skb->len;
	}
	spin_unlock(&p->held.lock);
	if (down)
		vine_nl_channel(vr, p, VINE_CHAN_DOWN, GFP_ATOMIC);
	return held;
}

/* Has limited peer @p been down so long that we forget it? */
static bool vine_chan_forgotten(const struct vine_peer *p)
{
	unsigned long ms = READ_ONCE(p->chan_ms);

	return READ_ONCE(p->chan) == VINE_CHAN_DOWN &&
	       !time_before(jiffies, READ_ONCE(p->chan_expires) +
			    VINE_CHAN_FORGET * msecs_to_jiffies(ms));
}

/*
 * Mark silent channels down and forget long silent ones, while there are
 * limited peers at all.
 */
void vine_expiry_work(struct work_struct *work)
{
	struct vine_router *vr = container_of(to_delayed_work(work),
					      struct vine_router, expiry);
	struct vine_peer *p;
	unsigned long idx;
	bool any = false, down;

	rcu_read_lock();
	xa_for_each(&vr->peers, idx, p) {
		if (READ_ONCE(p->role) != VINE_ROLE_LIMITED)
			continue;
		any = true;
		if (vine_chan_forgotten(p)) {
			vine_nl_channel(vr, p, VINE_CHAN_NONE, GFP_ATOMIC);
			local_bh_disable();
			vine_chan_bye(vr, rcu_dereference(vr->cfg), p);
			local_bh_enable();
			continue;
		}
		if (READ_ONCE(p->chan) != VINE_CHAN_UP || vine_chan_live(p))
			continue;
		spin_lock_bh(&p->held.lock);
		down = p->chan == VINE_CHAN_UP &&
		       !time_before(jiffies, p->chan_expires) &&
		       vine_chan_set(p, VINE_CHAN_DOWN);
		spin_unlock_bh(&p->held.lock);
		if (down)
			vine_nl_channel(vr, p, VINE_CHAN_DOWN, GFP_ATOMIC);
	}
	rcu_read_unlock();
	if (any)
		queue_delayed_work(vine_wq, &vr->expiry, HZ / 10);
}

/*
 * Queue VR side of a GET or NULL from limited peer @p; @polled: a GET of
 * poll tcp.
 */
void vine_chan_client(struct vine_router *vr, const struct vine_cfg *cfg,
		      struct vine_peer *p, u8 type, u32 ms,
		      bool polled, const struct vine_from *from)
{
	bool up = false;

	if (READ_ONCE(p->role) != VINE_ROLE_LIMITED) {
		if (type != VINE_PKT_GET)	/* only a GET opens a channel */
			return;
		WRITE_ONCE(p->role, VINE_ROLE_LIMITED);
		queue_delayed_work(vine_wq, &vr->expiry, HZ / 10);
	}
	WRITE_ONCE(p->chan_ms, ms);
	WRITE_ONCE(p->chan_expires,
		   jiffies + VINE_CHAN_MISSES * msecs_to_jiffies(ms));
	if (type == VINE_PKT_GET) {
		/* Its channel is TCP if its GETs come that way (tcp.c). */
		vine_chan_mode(p, !from->conn ? VINE_POLL_UDP :
				  polled ? VINE_POLL_TCP : VINE_POLL_CHANNEL);
	}
	if (READ_ONCE(p->chan) != VINE_CHAN_UP ||
	    (type == VINE_PKT_GET && READ_ONCE(p->polled))) {
		/* Flush first: a sender that sees the channel up sends at once. */
		spin_lock(&p->held.lock);
		vine_chan_flush(vr, cfg, p);
		up = vine_chan_set(p, VINE_CHAN_UP);
		spin_unlock(&p->held.lock);
	}
	/* The answer comes after what waited: it ends a poll. */
	if (type == VINE_PKT_GET)
		vine_chan_send(vr, cfg, p, from->saddr, from->sport,
			       VINE_PKT_NULL, cfg->poll_ms);
	if (up)
		vine_nl_channel(vr, p, VINE_CHAN_UP, GFP_ATOMIC);
}

/* Limited peer @p said goodbye: send what waits, then forget its channel. */
void vine_chan_bye(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct vine_peer *p)
{
	bool down;

	if (READ_ONCE(p->role) != VINE_ROLE_LIMITED)
		return;
	WRITE_ONCE(p->role, VINE_ROLE_NONE);	/* first: see vine_chan_hold() */
	spin_lock(&p->held.lock);
	vine_chan_flush(vr, cfg, p);
	down = p->chan == VINE_CHAN_UP;
	vine_chan_set(p, VINE_CHAN_NONE);
	spin_unlock(&p->held.lock);
	vine_chan_mode(p, VINE_POLL_UDP);
	if (down)
		vine_nl_channel(vr, p, VINE_CHAN_DOWN, GFP_ATOMIC);
}

/* The peer is freed: drop what still waits for it. */
void vine_peer_chan_free(struct vine_peer *p)
{
	skb_queue_purge(&p->held);
}

/*
 * The TCP connection we sent to @p on ended (tcp.c): a limited VR we
 * serve over a kept TCP channel has lost its channel. Under RCU.
 */
void vine_chan_conn_gone(struct vine_peer *p)
{
	if (READ_ONCE(p->role) == VINE_ROLE_LIMITED && !READ_ONCE(p->polled))
		WRITE_ONCE(p->chan_expires, jiffies);
}
