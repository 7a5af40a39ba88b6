// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router, as a limited VR: its channel to its queue VR (struct
 * vine_chan, see channel.c), kept by one delayed work under vr->lock:
 * GETs and NULLs in time, silence noticed, fallback to the next queue VR
 * and probes of the preferred one.
 *
 * This file alone writes vr->chan and the channel state of the peers
 * that are its queue VRs.
 */
#include <net/route.h>

#include "channel.h"

/*
 * Leave the queue VR in use, if any, saying goodbye (a NULL with interval
 * 0) when @cfg is given. Under vr->lock.
 */
void vine_chan_release(struct vine_router *vr, const struct vine_cfg *cfg)
{
	struct vine_peer *p = vr->chan.server;
	bool down;

	lockdep_assert_held(&vr->lock);
	if (!p)
		return;
	if (cfg) {
		local_bh_disable();
		rcu_read_lock();
		vine_chan_send(vr, cfg, p, htonl(p->id), vr->chan.port,
			       VINE_PKT_NULL, 0);
		rcu_read_unlock();
		local_bh_enable();
	}
	WRITE_ONCE(vr->chan.server, NULL);
	vine_chan_mode(p, VINE_POLL_UDP);
	spin_lock_bh(&p->held.lock);
	down = p->chan == VINE_CHAN_UP;
	vine_chan_set(p, VINE_CHAN_NONE);
	spin_unlock_bh(&p->held.lock);
	if (down)
		vine_nl_channel(vr, p, VINE_CHAN_DOWN, GFP_KERNEL);
	WRITE_ONCE(p->role, VINE_ROLE_NONE);
	vine_peer_put(vr, p);
}

/* Stop probing the preferred queue VR. Under vr->lock. */
void vine_chan_unprobe(struct vine_router *vr)
{
	struct vine_peer *p = vr->chan.probe;

	lockdep_assert_held(&vr->lock);
	if (!p)
		return;
	WRITE_ONCE(vr->chan.probe, NULL);
	vine_chan_mode(p, VINE_POLL_UDP);
	vine_peer_put(vr, p);
}

/*
 * Away from the preferred queue VR: go back to it if it answered our last
 * probe (leaving the one in use), else probe it again when due. Under
 * vr->lock.
 */
static void vine_chan_reprobe(struct vine_router *vr, const struct vine_cfg *cfg,
			      unsigned long now)
{
	const struct vine_endpoint *ep = &cfg->queue_vrs[0];
	struct vine_chan *c = &vr->chan;
	struct vine_peer *p;

	lockdep_assert_held(&vr->lock);
	if (c->probe && c->probe->id != ntohl(ep->addr))
		vine_chan_unprobe(vr);	/* the list changed */
	if (c->probe && c->probed &&
	    !time_before(READ_ONCE(c->probe_answer), c->probed)) {
		vine_chan_unprobe(vr);
		vine_chan_release(vr, cfg);
		c->idx = 0;
		return;
	}
	if (time_before(now, c->next_probe))
		return;
	if (!c->probe) {
		p = vine_peer_get(vr, ntohl(ep->addr));
		if (IS_ERR(p))
			return;
		vine_chan_mode(p, cfg->poll);
		WRITE_ONCE(c->probe, p);
	}
	c->probed = now;
	c->next_probe = now + VINE_CHAN_PROBE * msecs_to_jiffies(cfg->poll_ms);
	local_bh_disable();
	rcu_read_lock();
	vine_chan_send(vr, cfg, c->probe, ep->addr, ep->port, VINE_PKT_GET,
		       cfg->poll_ms);
	rcu_read_unlock();
	local_bh_enable();
}

/* Use queue VR number @vr->chan.idx. Under vr->lock. */
static int vine_chan_connect(struct vine_router *vr, const struct vine_cfg *cfg)
{
	const struct vine_endpoint *ep = &cfg->queue_vrs[vr->chan.idx];
	struct vine_chan *c = &vr->chan;
	struct vine_peer *p;

	lockdep_assert_held(&vr->lock);
	p = vine_peer_get(vr, ntohl(ep->addr));
	if (IS_ERR(p))
		return PTR_ERR(p);
	WRITE_ONCE(p->role, VINE_ROLE_QUEUE_VR);
	vine_chan_mode(p, cfg->poll);
	c->poll = cfg->poll;
	spin_lock_bh(&p->held.lock);
	vine_chan_set(p, VINE_CHAN_DOWN);
	spin_unlock_bh(&p->held.lock);
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
static void vine_chan_check(struct vine_router *vr, const struct vine_cfg *cfg,
			    unsigned long now)
{
	struct vine_chan *c = &vr->chan;
	unsigned long last = READ_ONCE(c->last_answer);
	struct vine_peer *p = c->server;
	bool up = p->chan == VINE_CHAN_UP;
	bool answered, changed = false;

	/* Counted in GETs, not in time: poll intervals may change. */
	if (last != c->connected && !time_before(last, c->last_get))
		c->unanswered = 0;
	answered = last != c->connected && c->unanswered < VINE_CHAN_MISSES;
	if (answered != up) {
		spin_lock_bh(&p->held.lock);
		changed = vine_chan_set(p, answered ? VINE_CHAN_UP :
						      VINE_CHAN_DOWN);
		spin_unlock_bh(&p->held.lock);
	}
	if (changed)
		vine_nl_channel(vr, p, p->chan, GFP_KERNEL);
	/* A silent TCP channel: open a new connection for the next GET. */
	if (changed && !answered && READ_ONCE(p->tcp))
		vine_tcp_reset(p);
	if (answered || cfg->nqueue_vrs < 2 ||
	    (!changed && c->unanswered < VINE_CHAN_MISSES))
		return;
	vine_chan_release(vr, cfg);
	c->idx = (c->idx + 1) % cfg->nqueue_vrs;
}

void vine_chan_work(struct work_struct *work)
{
	struct vine_router *vr = container_of(to_delayed_work(work),
					      struct vine_router, chan.work);
	struct vine_chan *c = &vr->chan;
	const struct vine_cfg *cfg;
	unsigned long now = jiffies, next;
	struct vine_peer *p;
	__be32 addr;

	mutex_lock(&vr->lock);
	cfg = rcu_dereference_protected(vr->cfg, lockdep_is_held(&vr->lock));
	if (!cfg->limited || !cfg->nqueue_vrs) {
		vine_chan_unprobe(vr);
		vine_chan_release(vr, cfg);
		c->idx = 0;
		goto out;
	}
	if (c->server && !vine_chan_current(c, cfg)) {
		vine_chan_unprobe(vr);
		vine_chan_release(vr, cfg);
		c->idx = 0;
	}
	if (c->server)
		vine_chan_check(vr, cfg, now);
	if (c->server && c->idx)
		vine_chan_reprobe(vr, cfg, now);
	else
		vine_chan_unprobe(vr);
	if (!c->server && vine_chan_connect(vr, cfg)) {
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
		vine_chan_send(vr, cfg, p, addr, c->port, VINE_PKT_GET,
			       cfg->poll_ms);
		c->unanswered++;
		c->last_get = now;
		c->next_get = now + msecs_to_jiffies(cfg->poll_ms);
		c->next_null = now + msecs_to_jiffies(cfg->keepalive_ms);
	} else if (cfg->keepalive_ms && cfg->poll != VINE_POLL_TCP &&
		   !time_before(now, c->next_null)) {
		vine_chan_send(vr, cfg, p, addr, c->port, VINE_PKT_NULL,
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
	mutex_unlock(&vr->lock);
}

/* Look at the channel now: the configuration changed, or an answer came. */
void vine_chan_kick(struct vine_router *vr)
{
	mod_delayed_work(vine_wq, &vr->chan.work, 0);
}
