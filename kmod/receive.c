// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: receive ViNe packets from other VRs and deliver them.
 *
 * Checks, in order, each failure counted by its reason:
 *   version and type          bad_version
 *   sizes                     malformed
 *   destination VR is us      not_for_us
 *   sending VR has a key      unknown_peer   (MAC mode hmac-sha256)
 *   MAC, constant time        bad_mac        (MAC mode hmac-sha256)
 *   counter not seen before   replay         (MAC mode hmac-sha256)
 *   inner IPv4 header         malformed
 *   destination host in VN    wrong_vn
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

#define VINE_HLEN (sizeof(struct udphdr) + sizeof(struct vinehdr))

static enum vine_drop vine_check_inner(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int len;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		return VINE_DROP_MALFORMED;
	iph = ip_hdr(skb);
	len = ntohs(iph->tot_len);
	if (iph->version != 4 || iph->ihl < 5 || len < iph->ihl * 4 ||
	    len != skb->len)
		return VINE_DROP_MALFORMED;
	skb_set_transport_header(skb, iph->ihl * 4);
	return VINE_DROP_UNSPEC;
}

static enum vine_drop vine_deliver(struct vine_net *vn, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = iph->daddr,
		.flowi4_tos = RT_TOS(iph->tos),
	};
	struct rtable *rt;

	rt = ip_route_output_key(vn->net, &fl4);
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
	dst_output(vn->net, NULL, skb);
	return VINE_DROP_UNSPEC;
}

/* Authenticate: the MAC, then the counter. */
static enum vine_drop vine_verify(struct vine_peer *p, u8 mode,
				  struct sk_buff *skb)
{
	const struct vinehdr *vh = (void *)(skb->data + sizeof(struct udphdr));
	const struct vine_key *key = p ? rcu_dereference(p->key) : NULL;
	u8 mac[VINE_MAC_LEN];

	if (!key)
		return VINE_DROP_UNKNOWN_PEER;
	if (!(vh->flags & VINE_F_MAC))
		return VINE_DROP_BAD_MAC;
	if (vine_mac(key, mode, skb, sizeof(struct udphdr), mac) ||
	    crypto_memneq(mac, vh->mac, VINE_MAC_LEN))
		return VINE_DROP_BAD_MAC;
	if (!vine_replay_check(&p->replay, be64_to_cpu(vh->counter)))
		return VINE_DROP_REPLAY;
	return VINE_DROP_UNSPEC;
}

/* Note where and when an authenticated packet of @p came from; tell on a
 * change of address.
 */
static void vine_peer_seen(struct vine_net *vn, struct vine_peer *p,
			   const struct sk_buff *skb)
{
	__be32 addr = ip_hdr(skb)->saddr;
	__be16 port = udp_hdr(skb)->source;
	u64 seen = VINE_SEEN(addr, port);
	unsigned long now = jiffies;

	if (READ_ONCE(p->last_rx) != now)	/* a shared line: write rarely */
		WRITE_ONCE(p->last_rx, now);
	if (likely(atomic64_read(&p->seen) == seen) ||
	    atomic64_xchg(&p->seen, seen) == seen)
		return;
	vine_nl_peer_seen(vn, p->id, addr, port);
}

/* encap_rcv of our UDP socket: skb->data is at the UDP header. */
int vine_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct vine_net *vn = rcu_dereference_sk_user_data(sk);
	const struct vine_cfg *cfg;
	const struct vinehdr *vh;
	struct vine_peer *p = NULL;
	struct vine_vn *v = NULL;
	enum vine_drop reason;
	unsigned int len, pkts;
	u32 my_id, vnid;
	void *host;

	if (!vn)
		goto free;
	cfg = rcu_dereference(vn->cfg);
	if (!pskb_may_pull(skb, VINE_HLEN)) {
		reason = VINE_DROP_MALFORMED;
		goto drop;
	}
	vh = (void *)(skb->data + sizeof(struct udphdr));
	if (vh->version != VINE_WIRE_VERSION || vh->type != VINE_PKT_FORWARD) {
		reason = VINE_DROP_BAD_VERSION;
		goto drop;
	}
	/* Size 0: a GSO packet of a VR without MAC, cut by the way or not. */
	if (vh->size ? ntohs(vh->size) != skb->len - sizeof(struct udphdr) :
		       cfg->mac_mode != VINE_MAC_NONE) {
		reason = VINE_DROP_MALFORMED;
		goto drop;
	}
	my_id = cfg->id ?: ntohl(ip_hdr(skb)->daddr);
	if (ntohl(vh->dst_vr) != my_id) {
		reason = VINE_DROP_NOT_FOR_US;
		goto drop;
	}
	p = xa_load(&vn->peers, ntohl(vh->src_vr));
	if (cfg->mac_mode != VINE_MAC_NONE) {
		reason = vine_verify(p, cfg->mac_mode, skb);
		if (reason)
			goto drop;
		vine_peer_seen(vn, p, skb);
	}

	vnid = ntohl(vh->vnid);
	if (iptunnel_pull_header(skb, VINE_HLEN, htons(ETH_P_IP), false)) {
		reason = VINE_DROP_MALFORMED;
		goto drop;
	}
	skb_reset_network_header(skb);
	reason = vine_check_inner(skb);
	if (reason)
		goto drop;

	host = xa_load(&vn->lndt, ntohl(ip_hdr(skb)->daddr));
	v = xa_load(&vn->vns, vnid);
	if (!v || !host || xa_to_value(host) != vnid) {
		reason = VINE_DROP_WRONG_VN;
		goto drop;
	}

	len = vine_skb_bytes(skb, &pkts);
	reason = vine_deliver(vn, skb);
	if (reason)
		goto drop;
	vine_count_rx(vn->stats, pkts, len);
	vine_count_rx(v->stats, pkts, len);
	if (p)
		vine_count_rx(p->stats, pkts, len);
	return 0;

drop:
	vine_drop(vn, v, p, reason);
free:
	kfree_skb(skb);
	return 0;
}
