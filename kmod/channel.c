// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: channels between limited VRs and their queue VRs
 * (dissertation, "Firewall traversal"; Table 3-3 Limited, QueueVR,
 * PollProtocol and PollInterval; Table 3-7 types queue, get and null).
 *
 * A limited VR sits behind a NAT or a firewall that lets nothing in, so
 * it opens the channel itself: every poll interval it sends its queue VR
 * a GET, and between GETs a NULL every keepalive interval, each with a
 * MAC. The queue VR answers every GET with a NULL.
 *
 * Over TCP the channel is kept (poll channel: one connection, packets
 * both ways at once) or polled (poll tcp: a connection per GET; the queue
 * VR holds the limited VR's packets between GETs and sends them in answer
 * to each, before its NULL, after which the limited VR closes it).
 *
 * Limited side (struct vine_chan, a delayed work): the channel is up while
 * the queue VR has answered within three poll intervals. When the queue VR
 * falls silent, the limited VR moves on to its next one, if it has one.
 * Away from its first (preferred) queue VR, it sends that one a GET every
 * VINE_CHAN_PROBE poll intervals, and goes back to it when it answers.
 *
 * Queue VR side (per peer): an authenticated GET makes the peer a limited
 * VR served here. Its channel stays up for three of its poll intervals
 * after each GET or NULL. Packets for it go to the address and port its
 * authenticated packets last came from: its NAT mapping, which a forged
 * packet cannot move. While the channel is down they wait in the peer's
 * queue, up to the VR's queue-size packets and queue-bytes bytes, and go
 * out in order when it returns. A limited VR silent for VINE_CHAN_FORGET
 * more of its poll intervals is forgotten, as if it had said goodbye.
 */
#include <net/route.h>

#include "vine.h"

#define VINE_CHAN_MISSES	3	/* poll intervals of silence: down */
#define VINE_CHAN_FORGET	30	/* poll intervals more: forgotten */
#define VINE_CHAN_PROBE		10	/* poll intervals between probes */

/* Set @p's channel state; true when it changed. Under @p->queue.lock. */
static bool vine_chan_set(struct vine_peer *p, u8 state)
{
	if (p->chan == state)
		return false;
	WRITE_ONCE(p->chan, state);
	WRITE_ONCE(p->chan_since, jiffies);
	return true;
}

/* How packets to @p go: enum vine_poll (udp: as its routes say). */
static void vine_chan_mode(struct vine_peer *p, u8 poll)
{
	WRITE_ONCE(p->tcp, poll != VINE_POLL_UDP);
	WRITE_ONCE(p->polled, poll == VINE_POLL_TCP);
}

static bool vine_chan_live(const struct vine_peer *p)
{
	return READ_ONCE(p->chan) == VINE_CHAN_UP &&
	       time_before(jiffies, READ_ONCE(p->chan_expires));
}

/*
 * Send a GET or a NULL with interval @ms (0: goodbye) to @p at
 * @daddr:@dport; under RCU with BH off.
 */
static void vine_chan_send(struct vine_net *vn, const struct vine_cfg *cfg,
			   struct vine_peer *p, __be32 daddr, __be16 dport,
			   u8 type, u32 ms)
{
	const struct vine_key *key = rcu_dereference(p->key);
	struct vine_chan_body *body;
	struct vinehdr *vh;
	struct sk_buff *skb;
	struct rtable *rt;
	__be32 saddr;

	if (!key || cfg->mac_mode == VINE_MAC_NONE)
		return;
	rt = vine_route_to(vn, p, daddr, &saddr);
	if (IS_ERR(rt))
		return;
	skb = alloc_skb(LL_MAX_HEADER + VINE_OVERHEAD + sizeof(*body),
			GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(skb, LL_MAX_HEADER + VINE_OVERHEAD - sizeof(*vh));
	vh = skb_put_zero(skb, sizeof(*vh));
	body = skb_put(skb, sizeof(*body));
	body->interval_ms = htonl(ms);
	vh->version = VINE_WIRE_VERSION;
	vh->type = type;
	vh->flags = VINE_F_MAC;
	if (type == VINE_PKT_GET && cfg->poll == VINE_POLL_TCP)
		vh->flags |= VINE_F_POLL;
	vh->size = htons(skb->len);
	vh->counter = cpu_to_be64(atomic64_inc_return(&p->tx_counter));
	vh->src_vr = htonl(cfg->id ?: ntohl(saddr));
	vh->dst_vr = htonl(p->id);
	if (vine_mac(key, cfg->mac_mode, skb, 0, vh->mac)) {
		ip_rt_put(rt);
		kfree_skb(skb);
		return;
	}
	vine_send(vn, cfg, p, skb, rt, saddr, daddr, dport);
}

/* ---- queue VR side ------------------------------------------------- */

/* Send what waits for @p, in order. Under @p->queue.lock, BH off. */
static void vine_chan_flush(struct vine_net *vn, const struct vine_cfg *cfg,
			    struct vine_peer *p)
{
	u64 seen = atomic64_read(&p->seen);
	__be32 daddr = VINE_SEEN_ADDR(seen), saddr;
	struct sk_buff *skb;
	struct rtable *rt;

	while ((skb = __skb_dequeue(&p->queue))) {
		p->queue_bytes -= skb->len;
		rt = vine_route_to(vn, p, daddr, &saddr);
		if (IS_ERR(rt)) {
			vine_drop(vn, NULL, p, VINE_DROP_TX_ERROR);
			kfree_skb(skb);
			continue;
		}
		vine_send(vn, cfg, p, skb, rt, saddr, daddr,
			  htons(VINE_SEEN_PORT(seen)));
	}
}

/* Would a packet of @len bytes for limited peer @p find no room? */
bool vine_chan_full(const struct vine_cfg *cfg, struct vine_peer *p,
		    unsigned int len)
{
	if (vine_chan_live(p) && !READ_ONCE(p->polled))
		return false;
	return skb_queue_len_lockless(&p->queue) >= cfg->queue_size ||
	       READ_ONCE(p->queue_bytes) + len > cfg->queue_bytes;
}

/*
 * A ViNe packet (VINE_CB set) for limited peer @p: false if it may go now,
 * else it was queued or, past the bounds, dropped (consumed either way).
 */
bool vine_chan_hold(struct vine_net *vn, const struct vine_cfg *cfg,
		    struct vine_peer *p, struct sk_buff *skb)
{
	bool down = false, held = true;

	if (vine_chan_live(p) && skb_queue_empty_lockless(&p->queue) &&
	    !READ_ONCE(p->polled))
		return false;

	spin_lock(&p->queue.lock);
	if (p->chan == VINE_CHAN_UP && !time_before(jiffies, p->chan_expires))
		down = vine_chan_set(p, VINE_CHAN_DOWN);
	if ((p->chan == VINE_CHAN_UP && !READ_ONCE(p->polled)) ||
	    READ_ONCE(p->role) != VINE_ROLE_LIMITED) {
		held = false;	/* flushed, or it left, while we looked */
	} else if (skb_queue_len(&p->queue) >= cfg->queue_size ||
		   p->queue_bytes + skb->len > cfg->queue_bytes) {
		vine_drop(vn, NULL, p, VINE_DROP_QUEUE_FULL);
		kfree_skb(skb);
	} else {
		/* It may wait long: no conntrack entry or device kept. */
		nf_reset_ct(skb);
		skb->dev = NULL;
		__skb_queue_tail(&p->queue, skb);
		p->queue_bytes += skb->len;
	}
	spin_unlock(&p->queue.lock);
	if (down)
		vine_nl_channel(vn, p, VINE_CHAN_DOWN, GFP_ATOMIC);
	return held;
}

static void vine_chan_bye(struct vine_net *vn, const struct vine_cfg *cfg,
			  struct vine_peer *p);

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
static void vine_expiry_work(struct work_struct *work)
{
	struct vine_net *vn = container_of(to_delayed_work(work),
					   struct vine_net, expiry);
	struct vine_peer *p;
	unsigned long idx;
	bool any = false, down;

	rcu_read_lock();
	xa_for_each(&vn->peers, idx, p) {
		if (READ_ONCE(p->role) != VINE_ROLE_LIMITED)
			continue;
		any = true;
		if (vine_chan_forgotten(p)) {
			vine_nl_channel(vn, p, VINE_CHAN_NONE, GFP_ATOMIC);
			local_bh_disable();
			vine_chan_bye(vn, rcu_dereference(vn->cfg), p);
			local_bh_enable();
			continue;
		}
		if (READ_ONCE(p->chan) != VINE_CHAN_UP || vine_chan_live(p))
			continue;
		spin_lock_bh(&p->queue.lock);
		down = p->chan == VINE_CHAN_UP &&
		       !time_before(jiffies, p->chan_expires) &&
		       vine_chan_set(p, VINE_CHAN_DOWN);
		spin_unlock_bh(&p->queue.lock);
		if (down)
			vine_nl_channel(vn, p, VINE_CHAN_DOWN, GFP_ATOMIC);
	}
	rcu_read_unlock();
	if (any)
		queue_delayed_work(vine_wq, &vn->expiry, HZ / 10);
}

/*
 * Queue VR side of a GET or NULL from limited peer @p; @polled: a GET of
 * poll tcp.
 */
static void vine_chan_client(struct vine_net *vn, const struct vine_cfg *cfg,
			     struct vine_peer *p, u8 type, u32 ms,
			     bool polled, const struct vine_from *from)
{
	bool up = false;

	if (READ_ONCE(p->role) != VINE_ROLE_LIMITED) {
		if (type != VINE_PKT_GET)	/* only a GET opens a channel */
			return;
		WRITE_ONCE(p->role, VINE_ROLE_LIMITED);
		queue_delayed_work(vine_wq, &vn->expiry, HZ / 10);
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
		spin_lock(&p->queue.lock);
		vine_chan_flush(vn, cfg, p);
		up = vine_chan_set(p, VINE_CHAN_UP);
		spin_unlock(&p->queue.lock);
	}
	/* The answer comes after what waited: it ends a poll. */
	if (type == VINE_PKT_GET)
		vine_chan_send(vn, cfg, p, from->saddr, from->sport,
			       VINE_PKT_NULL, cfg->poll_ms);
	if (up)
		vine_nl_channel(vn, p, VINE_CHAN_UP, GFP_ATOMIC);
}

/* Limited peer @p said goodbye: send what waits, then forget its channel. */
static void vine_chan_bye(struct vine_net *vn, const struct vine_cfg *cfg,
			  struct vine_peer *p)
{
	bool down;

	if (READ_ONCE(p->role) != VINE_ROLE_LIMITED)
		return;
	WRITE_ONCE(p->role, VINE_ROLE_NONE);	/* first: see vine_chan_hold() */
	spin_lock(&p->queue.lock);
	vine_chan_flush(vn, cfg, p);
	down = p->chan == VINE_CHAN_UP;
	vine_chan_set(p, VINE_CHAN_NONE);
	spin_unlock(&p->queue.lock);
	vine_chan_mode(p, VINE_POLL_UDP);
	if (down)
		vine_nl_channel(vn, p, VINE_CHAN_DOWN, GFP_ATOMIC);
}

/*
 * A verified GET or NULL from peer @p (data path; @skb->data at the ViNe
 * header, the body pulled): our queue VR answers, or a limited VR calls.
 */
void vine_chan_rcv(struct vine_net *vn, const struct vine_cfg *cfg,
		   struct vine_peer *p, struct sk_buff *skb, u8 type,
		   const struct vine_from *from)
{
	const struct vinehdr *vh = (void *)skb->data;
	const struct vine_chan_body *body = (void *)(vh + 1);
	u32 ms = be32_to_cpu(body->interval_ms);

	if (p == READ_ONCE(vn->chan.probe)) {
		if (type == VINE_PKT_NULL && ms) {
			WRITE_ONCE(vn->chan.probe_answer, jiffies);
			vine_chan_kick(vn);
		}
	} else if (p != READ_ONCE(vn->chan.server)) {
		if (ms)
			vine_chan_client(vn, cfg, p, type,
					 clamp(ms, 100U, 3600000U),
					 vh->flags & VINE_F_POLL, from);
		else
			vine_chan_bye(vn, cfg, p);
	} else if (type == VINE_PKT_NULL) {
		WRITE_ONCE(vn->chan.last_answer, jiffies);
		if (READ_ONCE(p->chan) != VINE_CHAN_UP)
			vine_chan_kick(vn);
		/* Poll tcp: the poll is over, and so is its connection. */
		if (from->conn && READ_ONCE(p->polled))
			vine_tcp_release(p, from->conn);
	}
}

/* ---- limited VR side ----------------------------------------------- */

/*
 * Leave the queue VR in use, if any, saying goodbye (a NULL with interval
 * 0) when @cfg is given. Under vn->lock.
 */
static void vine_chan_release(struct vine_net *vn, const struct vine_cfg *cfg)
{
	struct vine_peer *p = vn->chan.server;
	bool down;

	if (!p)
		return;
	if (cfg) {
		local_bh_disable();
		rcu_read_lock();
		vine_chan_send(vn, cfg, p, htonl(p->id), vn->chan.port,
			       VINE_PKT_NULL, 0);
		rcu_read_unlock();
		local_bh_enable();
	}
	WRITE_ONCE(vn->chan.server, NULL);
	vine_chan_mode(p, VINE_POLL_UDP);
	spin_lock_bh(&p->queue.lock);
	down = p->chan == VINE_CHAN_UP;
	vine_chan_set(p, VINE_CHAN_NONE);
	spin_unlock_bh(&p->queue.lock);
	if (down)
		vine_nl_channel(vn, p, VINE_CHAN_DOWN, GFP_KERNEL);
	WRITE_ONCE(p->role, VINE_ROLE_NONE);
	vine_peer_put(vn, p);
}

/* Stop probing the preferred queue VR. Under vn->lock. */
static void vine_chan_unprobe(struct vine_net *vn)
{
	struct vine_peer *p = vn->chan.probe;

	if (!p)
		return;
	WRITE_ONCE(vn->chan.probe, NULL);
	vine_chan_mode(p, VINE_POLL_UDP);
	vine_peer_put(vn, p);
}

/*
 * Away from the preferred queue VR: go back to it if it answered our last
 * probe (leaving the one in use), else probe it again when due. Under
 * vn->lock.
 */
static void vine_chan_reprobe(struct vine_net *vn, const struct vine_cfg *cfg,
			      unsigned long now)
{
	const struct vine_endpoint *ep = &cfg->queue_vrs[0];
	struct vine_chan *c = &vn->chan;
	struct vine_peer *p;

	if (c->probe && c->probe->id != ntohl(ep->addr))
		vine_chan_unprobe(vn);	/* the list changed */
	if (c->probe && c->probed &&
	    !time_before(READ_ONCE(c->probe_answer), c->probed)) {
		vine_chan_unprobe(vn);
		vine_chan_release(vn, cfg);
		c->idx = 0;
		return;
	}
	if (time_before(now, c->next_probe))
		return;
	if (!c->probe) {
		p = vine_peer_get(vn, ntohl(ep->addr));
		if (IS_ERR(p))
			return;
		vine_chan_mode(p, cfg->poll);
		WRITE_ONCE(c->probe, p);
	}
	c->probed = now;
	c->next_probe = now + VINE_CHAN_PROBE * msecs_to_jiffies(cfg->poll_ms);
	local_bh_disable();
	rcu_read_lock();
	vine_chan_send(vn, cfg, c->probe, ep->addr, ep->port, VINE_PKT_GET,
		       cfg->poll_ms);
	rcu_read_unlock();
	local_bh_enable();
}

/* Use queue VR number @vn->chan.idx. Under vn->lock. */
static int vine_chan_connect(struct vine_net *vn, const struct vine_cfg *cfg)
{
	const struct vine_endpoint *ep = &cfg->queue_vrs[vn->chan.idx];
	struct vine_chan *c = &vn->chan;
	struct vine_peer *p;

	p = vine_peer_get(vn, ntohl(ep->addr));
	if (IS_ERR(p))
		return PTR_ERR(p);
	WRITE_ONCE(p->role, VINE_ROLE_QUEUE_VR);
	vine_chan_mode(p, cfg->poll);
	c->poll = cfg->poll;
	spin_lock_bh(&p->queue.lock);
	vine_chan_set(p, VINE_CHAN_DOWN);
	spin_unlock_bh(&p->queue.lock);
	c->port = ep->port;
	c->connected = jiffies;
	c->last_answer = c->connected;
	c->last_get = c->connected;
	c->unanswered = 0;
	c->next_get = c->connected;
	c->next_null = c->connected;
	c->next_probe = c->connected +
			VINE_CHAN_PROBE * msecs_to_jiffies(cfg->poll_ms);
	c->probed = 0;
	WRITE_ONCE(c->server, p);
	return 0;
}

static bool vine_chan_current(const struct vine_chan *c,
			      const struct vine_cfg *cfg)
{
	return c->idx < cfg->nqueue_vrs && c->poll == cfg->poll &&
	       c->server->id == ntohl(cfg->queue_vrs[c->idx].addr) &&
	       c->port == cfg->queue_vrs[c->idx].port;
}

/* Note an answer or its absence; move on to the next queue VR if due. */
static void vine_chan_check(struct vine_net *vn, const struct vine_cfg *cfg,
			    unsigned long now)
{
	struct vine_chan *c = &vn->chan;
	unsigned long last = READ_ONCE(c->last_answer);
	struct vine_peer *p = c->server;
	bool up = p->chan == VINE_CHAN_UP;
	bool answered, changed = false;

	/* Counted in GETs, not in time: poll intervals may change. */
	if (last != c->connected && !time_before(last, c->last_get))
		c->unanswered = 0;
	answered = last != c->connected && c->unanswered < VINE_CHAN_MISSES;
	if (answered != up) {
		spin_lock_bh(&p->queue.lock);
		changed = vine_chan_set(p, answered ? VINE_CHAN_UP :
						      VINE_CHAN_DOWN);
		spin_unlock_bh(&p->queue.lock);
	}
	if (changed)
		vine_nl_channel(vn, p, p->chan, GFP_KERNEL);
	/* A silent TCP channel: open a new connection for the next GET. */
	if (changed && !answered && READ_ONCE(p->tcp))
		vine_tcp_reset(p);
	if (answered || cfg->nqueue_vrs < 2 ||
	    (!changed && c->unanswered < VINE_CHAN_MISSES))
		return;
	vine_chan_release(vn, cfg);
	c->idx = (c->idx + 1) % cfg->nqueue_vrs;
}

static void vine_chan_work(struct work_struct *work)
{
	struct vine_net *vn = container_of(to_delayed_work(work),
					   struct vine_net, chan.work);
	struct vine_chan *c = &vn->chan;
	const struct vine_cfg *cfg;
	unsigned long now = jiffies, next;
	struct vine_peer *p;
	__be32 addr;

	mutex_lock(&vn->lock);
	cfg = rcu_dereference_protected(vn->cfg, lockdep_is_held(&vn->lock));
	if (!cfg->limited || !cfg->nqueue_vrs) {
		vine_chan_unprobe(vn);
		vine_chan_release(vn, cfg);
		c->idx = 0;
		goto out;
	}
	if (c->server && !vine_chan_current(c, cfg)) {
		vine_chan_unprobe(vn);
		vine_chan_release(vn, cfg);
		c->idx = 0;
	}
	if (c->server)
		vine_chan_check(vn, cfg, now);
	if (c->server && c->idx)
		vine_chan_reprobe(vn, cfg, now);
	else
		vine_chan_unprobe(vn);
	if (!c->server && vine_chan_connect(vn, cfg)) {
		queue_delayed_work(vine_wq, &c->work, HZ);
		goto out;
	}

	p = c->server;
	addr = cfg->queue_vrs[c->idx].addr;
	/* Intervals may have just become shorter. */
	if (time_after(c->next_get, now + msecs_to_jiffies(cfg->poll_ms)))
		c->next_get = now;
	if (time_after(c->next_null, now + msecs_to_jiffies(cfg->keepalive_ms)))
		c->next_null = now;
	local_bh_disable();
	rcu_read_lock();
	if (!time_before(now, c->next_get)) {
		vine_chan_send(vn, cfg, p, addr, c->port, VINE_PKT_GET,
			       cfg->poll_ms);
		c->unanswered++;
		c->last_get = now;
		c->next_get = now + msecs_to_jiffies(cfg->poll_ms);
		c->next_null = now + msecs_to_jiffies(cfg->keepalive_ms);
	} else if (cfg->keepalive_ms && cfg->poll != VINE_POLL_TCP &&
		   !time_before(now, c->next_null)) {
		vine_chan_send(vn, cfg, p, addr, c->port, VINE_PKT_NULL,
			       cfg->poll_ms);
		c->next_null = now + msecs_to_jiffies(cfg->keepalive_ms);
	}
	rcu_read_unlock();
	local_bh_enable();

	next = c->next_get;
	if (cfg->keepalive_ms && cfg->poll != VINE_POLL_TCP &&
	    time_before(c->next_null, next))
		next = c->next_null;
	if (c->idx && time_before(c->next_probe, next))
		next = c->next_probe;
	queue_delayed_work(vine_wq, &c->work,
			   time_after(next, now) ? next - now : 1);
out:
	mutex_unlock(&vn->lock);
}

/* Look at the channel now: the configuration changed, or an answer came. */
void vine_chan_kick(struct vine_net *vn)
{
	mod_delayed_work(vine_wq, &vn->chan.work, 0);
}

void vine_chan_init(struct vine_net *vn)
{
	INIT_DELAYED_WORK(&vn->chan.work, vine_chan_work);
	INIT_DELAYED_WORK(&vn->expiry, vine_expiry_work);
}

/* Namespace exit, after the socket is closed: nothing kicks us any more. */
void vine_chan_stop(struct vine_net *vn)
{
	cancel_delayed_work_sync(&vn->chan.work);
	cancel_delayed_work_sync(&vn->expiry);
	mutex_lock(&vn->lock);
	vine_chan_unprobe(vn);
	vine_chan_release(vn, NULL);
	mutex_unlock(&vn->lock);
}

/* The peer is freed: drop what still waits for it. */
void vine_peer_chan_free(struct vine_peer *p)
{
	skb_queue_purge(&p->queue);
}
