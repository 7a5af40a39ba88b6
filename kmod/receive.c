// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: receive ViNe packets from other VRs and deliver them.
 *
 * Checks, in order, each failure counted by its reason:
 *   version and type          bad_version
 *   sizes                     malformed
 *   destination VR is us      not_for_us
 *   INIT, RESP, COOKIE:       (handshake, hs_replay, hs_busy, hs_cookie)
 *     session.c
 *   sending VR has a key      unknown_peer   (with a MAC mode)
 *   session, if it has a      no_session     (with a MAC mode)
 *     public key
 *   MAC, constant time        bad_mac        (with a MAC mode; encrypted:
 *                                             the tag, and decrypted)
 *   encrypted, if we encrypt  not_encrypted  (a session's packets but
 *                                             RELAY, whose inner packet
 *                                             is checked on its own)
 *   counter not seen before   replay         (with a MAC mode)
 *   a session's keepalive     consumed
 *   RELAY                     relay.c: its inner packet taken here
 *                             (from vine_rcv() on), or passed on
 *   GET, NULL: a MAC mode     no_channel     then channel.c takes them
 *   inner IPv4 header         malformed
 *   destination host in VN    wrong_vn       (QUEUE for no host here:
 *                                             relayed, below)
 *   sender speaks for source  bad_source     (see vine_source_ok())
 *   QUEUE, for no host here:  relayed like an intercepted packet
 *                             (no_route, route_disabled, loop, ttl)
 *   on-link route to the host delivery
 *
 * Delivery goes through the output path (route lookup, POST_ROUTING,
 * neighbour output), not through a device: the packet never meets our
 * PRE_ROUTING hook again, and LAN hosts see it as routed by the VR.
 */
#include <crypto/algapi.h>
#include <net/dst.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp.h>

#include "vine.h"

static enum vine_drop vine_check_inner(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int len;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		return VINE_DROP_MALFORMED;
	iph = ip_hdr(skb);
	if (iph->version != 4 || iph->ihl < 5 ||
	    !pskb_may_pull(skb, iph->ihl * 4))
		return VINE_DROP_MALFORMED;
	iph = ip_hdr(skb);
	len = ntohs(iph->tot_len);
	if (len < iph->ihl * 4 || len != skb->len)
		return VINE_DROP_MALFORMED;
	skb_set_transport_header(skb, iph->ihl * 4);
	return VINE_DROP_UNSPEC;
}

static enum vine_drop vine_deliver(struct vine_router *vr, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = iph->daddr,
		.flowi4_tos = RT_TOS(iph->tos),
	};
	struct rtable *rt;

	rt = ip_route_output_key(vr->net, &fl4);
	if (IS_ERR(rt))
		return VINE_DROP_DELIVERY;
	/*
	 * Hosts are on our LAN: never send ViNe traffic on through a gateway.
	 * The link-layer header goes in front of the inner packet, over what
	 * was our header: own that memory first, as ip_forward() does, since
	 * a packet tap may share it.
	 */
	if (rt->rt_type != RTN_UNICAST || rt->rt_uses_gateway ||
	    skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev))) {
		ip_rt_put(rt);
		return VINE_DROP_DELIVERY;
	}
	skb_dst_set(skb, &rt->dst);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	dst_output(vr->net, NULL, skb);
	return VINE_DROP_UNSPEC;
}

/*
 * Could a key of ours verify @vh from @p at all? The cheap part of
 * vine_verify(), which vine_rcv() also asks before a packet takes a place
 * in the receive pipe. Under RCU.
 */
static enum vine_drop vine_claimed(const struct vine_peer *p,
				   const struct vinehdr *vh)
{
	if (!p || !vine_peer_keyed(p))
		return VINE_DROP_UNKNOWN_PEER;
	if (!(vh->flags & VINE_F_MAC))
		return VINE_DROP_BAD_MAC;
	/* A peer known by its public key speaks in sessions only. */
	if (rcu_access_pointer(p->remote) && !(vh->flags & VINE_F_SESSION))
		return VINE_DROP_NO_SESSION;
	return VINE_DROP_UNSPEC;
}

/*
 * Authenticate: MAC, then counter (none in mode none), with the peer's
 * static key or the session the header names; an encrypted packet is
 * decrypted in place (its header may move). Under RCU.
 */
enum vine_drop vine_verify(struct vine_router *vr, struct vine_peer *p,
			   const struct vine_cfg *cfg, struct sk_buff *skb)
{
	const struct vinehdr *vh = (void *)skb->data;
	bool encrypt = cfg->encrypt;
	u8 mode = cfg->mac_mode;
	struct vine_keypair *kp = NULL;
	struct vine_replay *replay;
	const struct vine_key *key;
	enum vine_drop reason;
	u8 mac[VINE_MAC_LEN];
	u64 counter;

	if (mode == VINE_MAC_NONE)
		return VINE_DROP_UNSPEC;
	reason = vine_claimed(p, vh);
	if (reason)
		return reason;
	if (rcu_access_pointer(p->remote)) {
		kp = vine_session_rx(p, vh);
		if (!kp)
			return VINE_DROP_NO_SESSION;
		key = kp->recv;
		replay = &kp->replay;
	} else {
		key = rcu_dereference(p->key);
		replay = &p->replay;
	}
	if (!key)	/* deleted since it was claimed */
		return VINE_DROP_UNKNOWN_PEER;
	counter = be64_to_cpu(vh->counter);
	if (vh->flags & VINE_F_ENCRYPTED) {
		if (!kp || !vine_unseal(key, skb))
			return VINE_DROP_BAD_MAC;
	} else if (vine_mac(key, mode, skb, 0, mac) ||
		   crypto_memneq(mac, vh->mac, VINE_MAC_LEN)) {
		return VINE_DROP_BAD_MAC;
	} else if (kp && encrypt && vh->type != VINE_PKT_RELAY) {
		return VINE_DROP_NOT_ENCRYPTED;
	}
	if (!vine_replay_check(replay, counter))
		return VINE_DROP_REPLAY;
	if (kp)
		vine_session_confirmed(vr, p, kp);
	return VINE_DROP_UNSPEC;
}

/* Note where and when an authenticated packet of @p came from; tell on a
 * change of address.
 */
static void vine_peer_seen(struct vine_router *vr, struct vine_peer *p,
			   const struct vine_from *from)
{
	__be32 addr = from->saddr;
	__be16 port = from->sport;
	u64 seen = VINE_SEEN(addr, port);
	unsigned long now = jiffies;

	if (READ_ONCE(p->last_rx) != now)	/* a shared line: write rarely */
		WRITE_ONCE(p->last_rx, now);
	if (likely(atomic64_read(&p->seen) == seen) ||
	    atomic64_xchg(&p->seen, seen) == seen)
		return;
	vine_nl_peer_seen(vr, p->id, addr, port);
}

/*
 * May VR @from, which sent us a packet of VN @v (itself, or relaying it),
 * speak for the packet's inner source @saddr? Only our own tables vouch
 * for it: our route for @saddr in @v must lead to @from, or, for a route
 * of type queue, to the VR behind it or to the queue VR it goes via. A
 * limited VR also takes what its own queue VRs relay, from any source
 * its routes lead elsewhere: they relay for everyone (a queue VR checked
 * the first hop with its own tables). A host of ours never comes from
 * outside. With a MAC mode, @from is the VR whose key verified the packet.
 */
static bool vine_source_ok(struct vine_router *vr, const struct vine_cfg *cfg,
			   struct vine_vn *v, u32 from, __be32 saddr)
{
	const struct vine_route *r;
	int i;

	if (xa_load(&vr->lndt, ntohl(saddr)))
		return false;
	r = vine_gndt_lookup(v, saddr);
	if (!r || r->type == VINE_ROUTE_DISABLED)
		return false;
	if (from == r->dest ||
	    (r->type == VINE_ROUTE_QUEUE && from == r->peer->id))
		return true;
	if (!cfg->limited)
		return false;
	for (i = 0; i < cfg->nqueue_vrs; i++)
		if (from == ntohl(cfg->queue_vrs[i].addr))
			return true;
	return false;
}

/*
 * A QUEUE packet for a host that is not ours: pass it on to the VR its
 * VN's GNDT names here (a limited VR we serve, most often). Never to
 * another queue VR: a packet takes at most three VR hops.
 */
static enum vine_drop vine_relay(struct vine_router *vr,
				 const struct vine_cfg *cfg, u32 my_id,
				 struct vine_vn *v, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct vine_route *r = vine_gndt_lookup(v, iph->daddr);

	if (!r)
		return VINE_DROP_NO_ROUTE;
	if (r->type == VINE_ROUTE_DISABLED)
		return VINE_DROP_ROUTE_DISABLED;
	if (r->type == VINE_ROUTE_QUEUE || r->peer->id == my_id)
		return VINE_DROP_LOOP;
	if (iph->ttl <= 1)
		return VINE_DROP_TTL;
	vine_xmit(vr, cfg, v, r, skb, true);
	return VINE_DROP_UNSPEC;
}

/*
 * A ViNe packet (@skb->data at its header, consumed) from another VR,
 * by UDP or TCP. Under RCU with BH off.
 */
void vine_rcv(struct vine_router *vr, struct sk_buff *skb,
	      const struct vine_from *from)
{
	const struct vine_cfg *cfg = rcu_dereference(vr->cfg);
	const struct vinehdr *vh;
	struct vine_peer *p = NULL;
	enum vine_drop reason;
	bool control;
	u32 my_id;

	VINE_ASSERT_RCU();
	if (!pskb_may_pull(skb, sizeof(*vh))) {
		reason = VINE_DROP_MALFORMED;
		goto drop;
	}
	vh = (void *)skb->data;
	if (vh->version != VINE_WIRE_VERSION || vh->type > VINE_PKT_RELAY ||
	    (vh->type == VINE_PKT_RELAY && cfg->mac_mode == VINE_MAC_NONE)) {
		reason = VINE_DROP_BAD_VERSION;
		goto drop;
	}
	control = vh->type == VINE_PKT_GET || vh->type == VINE_PKT_NULL;
	/* Size 0: a GSO packet of a VR without MAC, cut by the way or not. */
	if (vh->size ? ntohs(vh->size) != skb->len :
		       cfg->mac_mode != VINE_MAC_NONE || control) {
		reason = VINE_DROP_MALFORMED;
		goto drop;
	}
	if (control && (ntohs(vh->size) != sizeof(*vh) +
					   sizeof(struct vine_chan_body) ||
			!pskb_may_pull(skb, sizeof(*vh) +
					    sizeof(struct vine_chan_body)))) {
		reason = VINE_DROP_MALFORMED;
		goto drop;
	}
	vh = (void *)skb->data;
	my_id = cfg->id ?: ntohl(from->daddr);
	if (ntohl(vh->dst_vr) != my_id) {
		reason = VINE_DROP_NOT_FOR_US;
		goto drop;
	}
	if (vh->type >= VINE_PKT_INIT && vh->type <= VINE_PKT_COOKIE) {
		vine_hs_queue(vr, cfg, skb, from);
		return;
	}
	/*
	 * What no key of ours can verify takes no place in the receive pipe
	 * and no time of its CPUs.
	 */
	p = xa_load(&vr->peers, ntohl(vh->src_vr));
	reason = cfg->mac_mode == VINE_MAC_NONE ? VINE_DROP_UNSPEC :
						  vine_claimed(p, vh);
	if (reason) {
		p = NULL;	/* not the claimed peer's drop */
		goto drop;
	}
	/* A relayed packet is in the pipe already, or needs none. */
	if (!control && !from->via && vine_rx_pipe_take(vr, cfg, skb, from))
		return;
	reason = vine_verify(vr, p, cfg, skb);
	vine_rcv_auth(vr, cfg, p, skb, from, reason);
	return;

drop:
	vine_drop(vr, NULL, p, reason);
	kfree_skb(skb);
}

/*
 * The rest of vine_rcv(), once the MAC and counter of @skb from @p are
 * checked (@reason, 0 when authentic). Under RCU with BH off.
 */
void vine_rcv_auth(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct vine_peer *p, struct sk_buff *skb,
		   const struct vine_from *from, enum vine_drop reason)
{
	const struct vinehdr *vh = (void *)skb->data;
	u8 type = vh->type;
	bool control = type == VINE_PKT_GET || type == VINE_PKT_NULL;
	u32 src_vr = ntohl(vh->src_vr);
	struct vine_vn *v = NULL;
	unsigned int len, pkts;
	bool relay;
	u32 vnid;
	void *host;

	VINE_ASSERT_RCU();
	if (reason) {
		if (reason == VINE_DROP_NO_SESSION && p &&
		    (vh->flags & VINE_F_SESSION))
			vine_session_unknown(vr, p, from);
		p = NULL;	/* not authentic: not the claimed peer's drop */
		goto drop;
	}
	if (cfg->mac_mode != VINE_MAC_NONE) {
		if (!p) {	/* removed since it was verified */
			reason = VINE_DROP_UNKNOWN_PEER;
			goto drop;
		}
		/* Relayed: it came from the relay's address, not @p's. */
		if (!from->via)
			vine_peer_seen(vr, p, from);
		if (from->conn && !from->via)
			vine_tcp_seen(from->conn, p, type == VINE_PKT_GET);
		if (type == VINE_PKT_RELAY) {
			vine_relay_rcv(vr, cfg, p, skb, from);
			return;
		}
		if (control) {
			vine_chan_rcv(vr, cfg, p, skb, type, from);
			consume_skb(skb);
			return;
		}
		/* A session's keepalive: a FORWARD with nothing after it. */
		if (type == VINE_PKT_FORWARD && skb->len == sizeof(*vh) &&
		    (vh->flags & VINE_F_SESSION)) {
			consume_skb(skb);
			return;
		}
	} else if (control) {
		reason = VINE_DROP_NO_CHANNEL;
		goto drop;
	}

	vnid = ntohl(vh->vnid);
	if (iptunnel_pull_header(skb, sizeof(*vh), htons(ETH_P_IP), false)) {
		reason = VINE_DROP_MALFORMED;
		goto drop;
	}
	skb_reset_network_header(skb);
	reason = vine_check_inner(skb);
	if (reason)
		goto drop;

	host = xa_load(&vr->lndt, ntohl(ip_hdr(skb)->daddr));
	v = xa_load(&vr->vns, vnid);
	relay = v && !host && type == VINE_PKT_QUEUE;
	if (!relay && (!v || !host || xa_to_value(host) != vnid)) {
		reason = VINE_DROP_WRONG_VN;
		goto drop;
	}
	if (!vine_source_ok(vr, cfg, v, src_vr, ip_hdr(skb)->saddr)) {
		reason = VINE_DROP_BAD_SOURCE;
		goto drop;
	}
	/* Without a MAC, a packet that passed every check is all there is. */
	if (cfg->mac_mode == VINE_MAC_NONE && p && from->conn)
		vine_tcp_seen(from->conn, p, false);

	len = vine_skb_bytes(skb, &pkts);
	reason = relay ? vine_relay(vr, cfg, cfg->id ?: ntohl(from->daddr), v,
				    skb) :
			 vine_deliver(vr, skb);
	if (reason)
		goto drop;
	vine_count_rx(vr->stats, pkts, len);
	vine_count_rx(v->stats, pkts, len);
	if (p)
		vine_count_rx(p->stats, pkts, len);
	return;

drop:
	vine_drop(vr, v, p, reason);
	kfree_skb(skb);
}
