// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: sessions end to end through a queue VR (RELAY packets).
 *
 * A VR that reaches a limited VR through its queue VR, and knows both by
 * public key, makes the packet for the limited VR itself, in their own
 * session (encrypted if it encrypts), and wraps it in a RELAY packet for
 * the queue VR, MACed in their session. The queue VR checks that outer
 * MAC, as it checks every packet, and wraps the inner packet unchanged in
 * a RELAY of its own for the limited VR, or the other way for the limited
 * VR's handshake responses. It holds none of the inner session's keys:
 * it can neither read nor alter what it passes on, only drop it.
 *
 * A queue VR relays a RELAY packet only between two VRs known by their
 * public keys, one of them a limited VR it serves, and only the sender's
 * own packets; a VR takes the inner packet of any peer's RELAY addressed
 * to itself, which it then checks end to end (receive.c). A packet makes
 * at most two hops: a relayed packet goes to the VR it names, which takes
 * it or drops it.
 */
#include <net/ip.h>
#include <net/route.h>

#include "vine.h"

#ifdef VINE_SELFTEST
/* Fault injection for selftests: alter what we relay (relay_e2e.sh). */
static bool vine_relay_tamper;
module_param_named(relay_tamper, vine_relay_tamper, bool, 0644);
MODULE_PARM_DESC(relay_tamper, "selftests: flip a bit of each relayed packet");
#else
#define vine_relay_tamper false
#endif

/*
 * The route to @daddr, for a packet to @p or to @via for it. Under RCU or
 * vr->lock (the handshake work).
 */
struct rtable *vine_route_via(struct vine_router *vr, struct vine_peer *p,
			      u32 via, __be32 daddr, __be32 *saddr)
{
	if (via) {
		p = xa_load(&vr->peers, via);
		if (!p)
			return ERR_PTR(-ENOENT);
	}
	return vine_route_to(vr, p, daddr, saddr);
}

/*
 * Send @skb, a ViNe packet for @p, MACed, to @daddr:@dport: straight, or
 * wrapped for VR @via to pass on. Consumes @skb and @rt. Under RCU, BH off.
 */
void vine_send_via(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct vine_peer *p, u32 via, struct sk_buff *skb,
		   struct rtable *rt, __be32 saddr, __be32 daddr,
		   __be16 dport)
{
	struct vine_peer *hop;

	if (!via) {
		vine_send(vr, cfg, p, skb, rt, saddr, daddr, dport);
		return;
	}
	hop = xa_load(&vr->peers, via);
	if (!hop) {
		vine_drop(vr, NULL, p, VINE_DROP_NO_KEY);
		ip_rt_put(rt);
		kfree_skb(skb);
		return;
	}
	vine_relay_send(vr, cfg, hop, skb, rt, saddr, daddr, dport);
}

/*
 * Wrap @skb, a whole ViNe packet (VINE_CB set), in a RELAY packet to
 * @hop at @daddr:@dport, MACed in our session with it; send it, hold it
 * for a limited VR whose channel is down, or let it wait for a session
 * with @hop. Consumes @skb and @rt. Under RCU with BH off.
 */
void vine_relay_send(struct vine_router *vr, const struct vine_cfg *cfg,
		     struct vine_peer *hop, struct sk_buff *skb,
		     struct rtable *rt, __be32 saddr, __be32 daddr,
		     __be16 dport)
{
	enum vine_drop reason = VINE_DROP_TX_ERROR;
	const struct vine_key *key;
	struct vinehdr *vh;

	if (skb->len > IP_MAX_MTU - VINE_OVERHEAD) {
		reason = VINE_DROP_TOO_LONG;
		goto drop;
	}
	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) + VINE_OVERHEAD))
		goto drop;
	vh = skb_push(skb, sizeof(*vh));
	memset(vh, 0, sizeof(*vh));
	vh->version = VINE_WIRE_VERSION;
	vh->type = VINE_PKT_RELAY;
	vh->size = htons(skb->len);
	vh->src_vr = htonl(cfg->id ?: ntohl(saddr));
	vh->dst_vr = htonl(hop->id);
	key = vine_peer_stamp(vr, hop, vh, daddr, dport, VINE_CB(skb)->tcp, 0);
	if (!key && rcu_access_pointer(hop->remote) &&
	    vine_session_stage(hop, skb, daddr, dport, 0)) {
		ip_rt_put(rt);
		return;
	}
	if (!key) {
		reason = VINE_DROP_NO_SESSION;
		goto drop;
	}
	if (vine_mac(key, cfg->mac_mode, skb, 0, vh->mac))
		goto drop;
	if (READ_ONCE(hop->role) == VINE_ROLE_LIMITED &&
	    vine_chan_hold(vr, cfg, hop, skb)) {
		ip_rt_put(rt);
		return;
	}
	vine_send(vr, cfg, hop, skb, rt, saddr, daddr, dport);
	return;

drop:
	vine_drop(vr, NULL, hop, reason);
	ip_rt_put(rt);
	kfree_skb(skb);
}

/*
 * Pass on @skb (at its inner packet, checked) from @p to @d, which it
 * names. Counted as the packets we send are: data, not handshakes or
 * keepalives.
 */
static enum vine_drop vine_relay_on(struct vine_router *vr,
				    const struct vine_cfg *cfg,
				    struct vine_peer *p, struct vine_peer *d,
				    struct sk_buff *skb)
{
	const struct vinehdr *vh = (void *)skb->data;
	bool data = vh->type == VINE_PKT_FORWARD && skb->len > sizeof(*vh);
	unsigned int len = skb->len;
	u64 seen = atomic64_read(&d->seen);
	__be32 daddr = VINE_SEEN_ADDR(seen);
	__be16 dport = htons(VINE_SEEN_PORT(seen));
	struct rtable *rt;
	__be32 saddr;

	/* Where its last authenticated packet came from: a NAT's mapping. */
	if (!seen)
		return VINE_DROP_NO_ROUTE;
	if (READ_ONCE(d->role) == VINE_ROLE_LIMITED &&
	    vine_chan_full(cfg, d, skb->len))
		return VINE_DROP_QUEUE_FULL;
	if (vine_relay_tamper) {
		if (skb_ensure_writable(skb, skb->len))
			return VINE_DROP_TX_ERROR;
		skb->data[skb->len - 1] ^= 1;
	}
	rt = vine_route_to(vr, d, daddr, &saddr);
	if (IS_ERR(rt))
		return VINE_DROP_TX_ERROR;
	memset(VINE_CB(skb), 0, sizeof(struct vine_cb));
	VINE_CB(skb)->tcp = READ_ONCE(d->tcp);
	if (data) {
		vine_count_rx(vr->stats, 1, len);
		vine_count_rx(p->stats, 1, len);
		vine_count_tx(vr->stats, 1, len);
		vine_count_tx(d->stats, 1, len);
	}
	vine_relay_send(vr, cfg, d, skb, rt, saddr, daddr, dport);
	return VINE_DROP_UNSPEC;
}

/*
 * A RELAY packet from @p (@skb->data at its header), authenticated: take
 * its inner packet if it is for us, else pass it on. Consumes @skb.
 * Under RCU with BH off.
 */
void vine_relay_rcv(struct vine_router *vr, const struct vine_cfg *cfg,
		    struct vine_peer *p, struct sk_buff *skb,
		    const struct vine_from *from)
{
	const struct vinehdr *vh = (void *)skb->data;
	u32 my_id = cfg->id ?: ntohl(from->daddr);
	enum vine_drop reason = VINE_DROP_MALFORMED;
	__be32 src_vr = vh->src_vr;
	struct vine_from inner;
	struct vine_peer *d;

	VINE_ASSERT_RCU();
	/* @from is never a relay's: an inner packet is never a RELAY. */
	if (!rcu_access_pointer(p->remote)) {
		reason = VINE_DROP_RELAY_DENIED;
		goto drop;
	}
	__skb_pull(skb, sizeof(*vh));
	if (!pskb_may_pull(skb, sizeof(*vh)))
		goto drop;
	vh = (void *)skb->data;
	if (vh->version != VINE_WIRE_VERSION || ntohs(vh->size) != skb->len ||
	    (vh->type != VINE_PKT_FORWARD &&
	     (vh->type < VINE_PKT_INIT || vh->type > VINE_PKT_COOKIE)))
		goto drop;
	if (ntohl(vh->dst_vr) == my_id) {
		inner = *from;
		inner.via = p->id;
		vine_rcv(vr, skb, &inner);
		return;
	}
	/* Only between a limited VR we serve and a VR it talks with. */
	d = xa_load(&vr->peers, ntohl(vh->dst_vr));
	if (vh->src_vr != src_vr || !d || d == p ||
	    !rcu_access_pointer(d->remote) ||
	    (READ_ONCE(d->role) != VINE_ROLE_LIMITED &&
	     READ_ONCE(p->role) != VINE_ROLE_LIMITED)) {
		reason = VINE_DROP_RELAY_DENIED;
		goto drop;
	}
	reason = vine_relay_on(vr, cfg, p, d, skb);
	if (!reason)
		return;
	p = d;

drop:
	vine_drop(vr, NULL, p, reason);
	kfree_skb(skb);
}
