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

#include "channel.h"

/* Set @p's channel state; true when it changed. Under @p->held.lock. */
bool vine_chan_set(struct vine_peer *p, u8 state)
{
	if (p->chan == state)
		return false;
	WRITE_ONCE(p->chan, state);
	WRITE_ONCE(p->chan_since, jiffies);
	return true;
}

/* How packets to @p go: enum vine_poll (udp: as its routes say). */
void vine_chan_mode(struct vine_peer *p, u8 poll)
{
	WRITE_ONCE(p->tcp, poll != VINE_POLL_UDP);
	WRITE_ONCE(p->polled, poll == VINE_POLL_TCP);
}

bool vine_chan_live(const struct vine_peer *p)
{
	return READ_ONCE(p->chan) == VINE_CHAN_UP &&
	       time_before(jiffies, READ_ONCE(p->chan_expires));
}

/*
 * Send a GET or a NULL with interval @ms (0: goodbye) to @p at
 * @daddr:@dport; under RCU with BH off.
 */
void vine_chan_send(struct vine_router *vr, const struct vine_cfg *cfg,
		    struct vine_peer *p, __be32 daddr, __be16 dport,
		    u8 type, u32 ms)
{
	const struct vine_key *key;
	struct vine_chan_body *body;
	struct vinehdr *vh;
	struct sk_buff *skb;
	struct rtable *rt;
	__be32 saddr;

	if (!vine_peer_keyed(p) || cfg->mac_mode == VINE_MAC_NONE)
		return;
	rt = vine_route_to(vr, p, daddr, &saddr);
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
	if (type == VINE_PKT_GET && cfg->poll == VINE_POLL_TCP)
		vh->flags |= VINE_F_POLL;
	vh->size = htons(skb->len);
	vh->src_vr = htonl(cfg->id ?: ntohl(saddr));
	vh->dst_vr = htonl(p->id);
	/* Without a session, the next GET or NULL tries again. */
	key = vine_peer_stamp(vr, p, vh, daddr, dport, READ_ONCE(p->tcp), 0);
	if (!key || vine_mac(key, cfg->mac_mode, skb, 0, vh->mac)) {
		ip_rt_put(rt);
		kfree_skb(skb);
		return;
	}
	vine_send(vr, cfg, p, skb, rt, saddr, daddr, dport);
}

/*
 * A verified GET or NULL from peer @p (data path; @skb->data at the ViNe
 * header, the body pulled): our queue VR answers, or a limited VR calls.
 */
void vine_chan_rcv(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct vine_peer *p, struct sk_buff *skb, u8 type,
		   const struct vine_from *from)
{
	const struct vinehdr *vh = (void *)skb->data;
	const struct vine_chan_body *body = (void *)(vh + 1);
	u32 ms = be32_to_cpu(body->interval_ms);

	if (p == READ_ONCE(vr->chan.probe)) {
		if (type == VINE_PKT_NULL && ms) {
			WRITE_ONCE(vr->chan.probe_answer, jiffies);
			vine_chan_kick(vr);
		}
	} else if (p != READ_ONCE(vr->chan.server)) {
		if (ms)
			vine_chan_client(vr, cfg, p, type,
					 clamp_t(u32, ms, VINE_MIN_INTERVAL_MS,
						 VINE_MAX_INTERVAL_MS),
					 vh->flags & VINE_F_POLL, from);
		else
			vine_chan_bye(vr, cfg, p);
	} else if (type == VINE_PKT_NULL) {
		WRITE_ONCE(vr->chan.last_answer, jiffies);
		if (READ_ONCE(p->chan) != VINE_CHAN_UP)
			vine_chan_kick(vr);
		/* Poll tcp: the poll is over, and so is its connection. */
		if (from->conn && READ_ONCE(p->polled))
			vine_tcp_release(p, from->conn);
	}
}

void vine_chan_init(struct vine_router *vr)
{
	INIT_DELAYED_WORK(&vr->chan.work, vine_chan_work);
	INIT_DELAYED_WORK(&vr->expiry, vine_expiry_work);
}

/**
 * vine_chan_stop() - stop both sides' channel work, leave our queue VR
 * @vr: the VR
 *
 * Context: namespace exit (vine_net_exit()), once nothing receives any
 * more: no answer can kick the channel work, no GET re-arm the expiry.
 */
void vine_chan_stop(struct vine_router *vr)
{
	WARN_ON_ONCE(!READ_ONCE(vr->tcp_stopped) || vr->hooked);
	cancel_delayed_work_sync(&vr->chan.work);
	cancel_delayed_work_sync(&vr->expiry);
	mutex_lock(&vr->lock);
	vine_chan_unprobe(vr);
	vine_chan_release(vr, NULL);
	mutex_unlock(&vr->lock);
}
