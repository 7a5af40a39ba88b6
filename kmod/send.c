// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: encapsulate an intercepted packet and send it to the
 * destination VR over UDP, or over TCP (tcp.c).
 */
#include <linux/icmp.h>
#include <net/icmp.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp_tunnel.h>
#ifdef VINE_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

#include "vine.h"

/*
 * The route to @daddr, the address of peer @p. A limited peer moves with
 * its NAT mapping: its route is looked up every time, never cached.
 */
struct rtable *vine_route_to(struct vine_router *vr, struct vine_peer *p,
			     __be32 daddr, __be32 *saddr)
{
	bool cache = READ_ONCE(p->role) != VINE_ROLE_LIMITED;
	struct flowi4 fl4 = {
		.daddr = daddr,
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt;

	rt = cache ? dst_cache_get_ip4(&p->dst_cache, saddr) : NULL;
	if (rt)
		return rt;
	rt = ip_route_output_key(vr->net, &fl4);
	if (IS_ERR(rt))
		return rt;
	if (rt->rt_type != RTN_UNICAST) {
		ip_rt_put(rt);
		return ERR_PTR(-ENETUNREACH);
	}
	if (cache)
		dst_cache_set_ip4(&p->dst_cache, &rt->dst, fl4.saddr);
	*saddr = fl4.saddr;
	return rt;
}

/*
 * Send a ViNe packet (@skb->data at its ViNe header, VINE_CB set) to peer
 * @p: over its TCP connection if the route or the peer says so, else with
 * outer UDP and IPv4 headers. Consumes @skb and @rt.
 */
void vine_send(struct vine_router *vr, const struct vine_cfg *cfg,
	       struct vine_peer *p, struct sk_buff *skb, struct rtable *rt,
	       __be32 saddr, __be32 daddr, __be16 dport)
{
	if (VINE_CB(skb)->tcp || READ_ONCE(p->tcp)) {
		ip_rt_put(rt);
		vine_tcp_send(vr, p, daddr, dport, skb);
		return;
	}
	vine_udp_send(vr, cfg, skb, rt, saddr, daddr, dport);
}

/*
 * Tell the sending host, which is on our LAN, to use smaller packets. The
 * packet was taken before routing: give icmp_send() the route back to
 * the host, from which it picks our source address.
 */
static void vine_icmp_too_big(struct vine_router *vr, struct sk_buff *skb,
			      unsigned int mtu)
{
	struct flowi4 fl4 = { .daddr = ip_hdr(skb)->saddr };
	struct rtable *rt = ip_route_output_key(vr->net, &fl4);

	if (IS_ERR(rt))
		return;
	skb_dst_set(skb, &rt->dst);
	icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
}

static bool vine_fits(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb_is_gso(skb))
		return skb_gso_validate_network_len(skb, mtu);
	return skb->len <= mtu;
}

/*
 * Where a packet for peer @p goes, and whether it may have to wait. With
 * @hop, @p is a limited VR that @hop (its queue VR, at @daddr:@dport)
 * relays for: the packet goes in our session with @p, wrapped (relay.c).
 */
struct vine_dest {
	struct vine_peer *p;
	struct vine_peer *hop;
	__be32 daddr;
	__be16 dport;
	u8 type;	/* enum vine_pkt_type */
	bool limited;	/* @p is a limited VR we serve as queue VR */
	bool tcp;	/* over TCP: the route says so, or @p */
};

/* Add the ViNe header and its MAC, then the outer UDP and IPv4 headers. */
static void vine_xmit_one(struct vine_router *vr, const struct vine_cfg *cfg,
			  struct vine_vn *v, const struct vine_dest *d,
			  bool mac, struct sk_buff *skb, struct rtable *rt,
			  __be32 saddr)
{
	enum vine_drop reason = VINE_DROP_TX_ERROR;
	const struct vine_key *key = NULL;
	struct vine_peer *p = d->p;
	u32 via = d->hop ? d->hop->id : 0;
	bool piped = false, staged = false;
	unsigned int len, pkts;
	const struct iphdr *iph;
	struct vinehdr *vh;

	if (skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) + VINE_OVERHEAD))
		goto drop;
	len = vine_skb_bytes(skb, &pkts);
	VINE_CB(skb)->tcp = d->tcp;
	if (skb_is_gso(skb)) {
		/*
		 * No MAC: the packet goes whole, as a UDP tunnel GSO packet
		 * of inner protocol IPIP; if it must be cut, each piece gets
		 * a copy of our header (size 0: "to the end").
		 */
		skb_reset_mac_header(skb);
		skb_set_inner_ipproto(skb, IPPROTO_IPIP);
		if (udp_tunnel_handle_offloads(skb, true))
			goto drop;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL &&
		   skb_checksum_help(skb)) {
		goto drop;
	}

	ip_decrease_ttl(ip_hdr(skb));
	iph = ip_hdr(skb);
	VINE_CB(skb)->df = iph->frag_off & htons(IP_DF);
	VINE_CB(skb)->tos = ip_tunnel_ecn_encap(iph->tos, iph, skb);

	vh = skb_push(skb, sizeof(*vh));
	memset(vh, 0, sizeof(*vh));
	vh->version = VINE_WIRE_VERSION;
	vh->type = d->type;
	vh->size = htons(skb_is_gso(skb) ? 0 : skb->len);
	vh->vnid = htonl(v->id);
	vh->src_vr = htonl(cfg->id ?: ntohl(saddr));
	vh->dst_vr = htonl(p->id);
	if (mac) {
		key = vine_peer_stamp(vr, p, vh, d->daddr, d->dport, d->tcp,
				      via);
		if (!key && rcu_access_pointer(p->remote) &&
		    vine_session_stage(p, skb, d->daddr, d->dport, via)) {
			/* sent once a handshake completes */
			staged = true;
			ip_rt_put(rt);
			goto count;
		}
		if (!key) {
			reason = rcu_access_pointer(p->remote) ?
				 VINE_DROP_NO_SESSION : VINE_DROP_NO_KEY;
			goto drop;
		}
		/* The MAC on any CPU, the packet then sent in order (pipe.c). */
		piped = !d->limited && !d->tcp && !via &&
			vine_pipes_wanted(cfg);
		if (!piped && vine_mac(key, cfg->mac_mode, skb, 0, vh->mac))
			goto drop;
	} else {
		vh->counter = cpu_to_be64(atomic64_inc_return(&p->tx_counter));
	}

count:
	vine_count_tx(vr->stats, pkts, len);
	vine_count_tx(v->stats, pkts, len);
	vine_count_tx(p->stats, pkts, len);
	if (staged)
		return;

	if (piped) {
		vine_tx_pipe_put(vr, p, skb, rt, saddr, d->daddr, d->dport);
		return;
	}

	if (d->limited && vine_chan_hold(vr, cfg, p, skb)) {
		ip_rt_put(rt);
		return;
	}
	if (d->hop)
		vine_relay_send(vr, cfg, d->hop, skb, rt, saddr, d->daddr,
				d->dport);
	else
		vine_send(vr, cfg, p, skb, rt, saddr, d->daddr, d->dport);
	return;

drop:
	vine_drop(vr, v, p, reason);
	ip_rt_put(rt);
	kfree_skb(skb);
}

/*
 * Send @skb (consumed) to the VR of route @r: a FORWARD packet, or a QUEUE
 * packet for a queue VR to pass on. A limited VR we serve is reached at
 * the address its channel comes from, or its packets wait for it. With a
 * MAC, GSO packets are segmented first: every ViNe packet carries its own
 * MAC and counter. @relay: @skb came from another VR, not from a host of
 * ours (which alone may be told "fragmentation needed").
 */
void vine_xmit(struct vine_router *vr, const struct vine_cfg *cfg,
	       struct vine_vn *v, struct vine_route *r, struct sk_buff *skb,
	       bool relay)
{
	struct vine_dest d = {
		.p = r->peer,
		.daddr = r->via,
		.dport = r->port,
		.type = r->type == VINE_ROUTE_QUEUE ? VINE_PKT_QUEUE :
						      VINE_PKT_FORWARD,
		.limited = READ_ONCE(r->peer->role) == VINE_ROLE_LIMITED,
		.tcp = r->proto == VINE_PROTO_TCP || READ_ONCE(r->peer->tcp),
	};
	bool mac = cfg->mac_mode != VINE_MAC_NONE;
	struct sk_buff *segs, *next;
	enum vine_drop reason;
	struct vine_peer *far;
	struct rtable *rt;
	unsigned int mtu;
	__be32 saddr;

	VINE_ASSERT_RCU();
	/*
	 * A limited VR that we and its queue VR know by public key: our
	 * session with it goes end to end, through the queue VR.
	 */
	far = d.type == VINE_PKT_QUEUE && mac ?
	      xa_load(&vr->peers, r->dest) : NULL;
	if (far && far != d.p && rcu_access_pointer(far->remote) &&
	    rcu_access_pointer(d.p->remote)) {
		d.hop = d.p;
		d.p = far;
		d.type = VINE_PKT_FORWARD;
		d.limited = false;
	}
	/*
	 * The outer IPv4 length (and, 28 bytes further, our size field)
	 * must hold the packet with what we add: 16 bits.
	 */
	if (!skb_is_gso(skb) && skb->len > IP_MAX_MTU - VINE_OVERHEAD) {
		reason = VINE_DROP_TOO_LONG;
		goto drop;
	}
	if (mac && !vine_peer_keyed(d.p)) {
		reason = VINE_DROP_NO_KEY;
		goto drop;
	}
	if (d.limited) {
		u64 seen = atomic64_read(&d.p->seen);

		d.daddr = VINE_SEEN_ADDR(seen);
		d.dport = htons(VINE_SEEN_PORT(seen));
		if (vine_chan_full(cfg, d.p, skb->len)) {
			reason = VINE_DROP_QUEUE_FULL;
			goto drop;
		}
	}
	rt = vine_route_to(vr, d.hop ?: d.p, d.daddr, &saddr);
	if (IS_ERR(rt)) {
		reason = VINE_DROP_TX_ERROR;
		goto drop;
	}

	/*
	 * The same limit over TCP: a packet may go on by UDP from a queue
	 * VR, which could not tell its sender the path's MTU. Relayed, it
	 * has two ViNe headers.
	 */
	mtu = dst_mtu(&rt->dst) - VINE_OVERHEAD -
	      (d.hop ? sizeof(struct vinehdr) : 0);
	if (!vine_fits(skb, mtu) && (ip_hdr(skb)->frag_off & htons(IP_DF))) {
		ip_rt_put(rt);
		if (!relay)
			vine_icmp_too_big(vr, skb, mtu);
		reason = VINE_DROP_TOO_BIG;
		goto drop;
	}

	/*
	 * Without a MAC a GSO packet needs no cutting here (see above), but
	 * over TCP every packet needs its size.
	 */
	if (!skb_is_gso(skb) || (!mac && !d.tcp)) {
		vine_xmit_one(vr, cfg, v, &d, mac, skb, rt, saddr);
		return;
	}

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		ip_rt_put(rt);
		reason = VINE_DROP_TX_ERROR;
		goto drop;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		vine_xmit_one(vr, cfg, v, &d, mac, skb,
			      (struct rtable *)dst_clone(&rt->dst), saddr);
	}
	ip_rt_put(rt);
	return;

drop:
	vine_drop(vr, v, d.p, reason);
	kfree_skb(skb);
}
