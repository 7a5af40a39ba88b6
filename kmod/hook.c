// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: intercept host packets bound for the ViNe space.
 *
 * A netfilter hook at PRE_ROUTING, registered only in namespaces whose VR
 * is configured. Packets whose destination is outside the VR's ViNe
 * space pass after one check. Packets for the VR's own addresses pass
 * too. The rest came from a host on our LAN to be routed through ViNe:
 *
 *   source not in the LNDT                    drop (not_in_lndt)
 *   not in on the way back to the source      drop (spoofed)
 *   destination a local host of the same VN   pass: plain routing
 *   destination a local host of another VN    drop (wrong_vn)
 *   no GNDT route in the source's VN          drop (no_route)
 *   route disabled, or back to this VR        drop (route_disabled, loop)
 *   TTL expires                               drop (ttl)
 *   otherwise                                 encapsulate and send
 */
#include <linux/inetdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/ip.h>
#include <net/ip_fib.h>
#include <net/nexthop.h>

#include "vine.h"

static bool vine_in_space(const struct vine_cfg *cfg, __be32 addr)
{
	int i;

	for (i = 0; i < cfg->nspaces; i++)
		if ((addr & cfg->spaces[i].mask) == cfg->spaces[i].addr)
			return true;
	return false;
}

/*
 * Strict reverse path: did @skb come in on an interface through which we
 * reach its source? A host of ours is trusted for its own address only
 * where it sits. The stack's rp_filter runs after PRE_ROUTING: too late.
 */
static bool vine_rpf_ok(struct net *net, const struct sk_buff *skb,
			const struct net_device *in)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct flowi4 fl4 = {
		.daddr = iph->saddr,
		.saddr = iph->daddr,
		.flowi4_iif = LOOPBACK_IFINDEX,
		.flowi4_mark = skb->mark,
	};
	struct fib_result res;
	int i;

	if (fib_lookup(net, &fl4, &res, 0) || res.type != RTN_UNICAST)
		return false;
	for (i = 0; i < fib_info_num_path(res.fi); i++)
		if (fib_info_nhc(res.fi, i)->nhc_dev == in)
			return true;
	return false;
}

/*
 * The verdict on a host packet bound for the ViNe space: NF_STOLEN when
 * sent, NF_ACCEPT for a local host of the same VN, else NF_DROP with
 * *reason.
 */
static unsigned int vine_route_packet(struct vine_router *vr,
				      const struct vine_cfg *cfg,
				      struct sk_buff *skb,
				      const struct net_device *in,
				      struct vine_vn **vp,
				      enum vine_drop *reason)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct vine_route *r;
	struct vine_vn *v;
	void *src, *dst;

	src = xa_load(&vr->lndt, ntohl(iph->saddr));
	if (!src) {
		*reason = VINE_DROP_NOT_IN_LNDT;
		return NF_DROP;
	}
	v = xa_load(&vr->vns, xa_to_value(src));
	*vp = v;
	if (!vine_rpf_ok(vr->net, skb, in)) {
		*reason = VINE_DROP_SPOOFED;
		return NF_DROP;
	}

	dst = xa_load(&vr->lndt, ntohl(iph->daddr));
	if (dst) {
		*reason = VINE_DROP_WRONG_VN;
		return dst == src ? NF_ACCEPT : NF_DROP;
	}

	r = v ? vine_gndt_lookup(v, iph->daddr) : NULL;
	if (!r)
		*reason = VINE_DROP_NO_ROUTE;
	else if (r->type == VINE_ROUTE_DISABLED)
		*reason = VINE_DROP_ROUTE_DISABLED;
	else if (r->peer->id == cfg->id)
		*reason = VINE_DROP_LOOP;
	else if (iph->ttl <= 1)
		*reason = VINE_DROP_TTL;
	else
		*reason = VINE_DROP_UNSPEC;
	if (*reason != VINE_DROP_UNSPEC)
		return NF_DROP;

	vine_xmit(vr, cfg, v, r, skb, false);
	return NF_STOLEN;
}

static unsigned int vine_nf_prerouting(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct vine_router *vr = priv;
	const struct vine_cfg *cfg = rcu_dereference(vr->cfg);
	const struct iphdr *iph = ip_hdr(skb);
	struct vine_vn *v = NULL;
	enum vine_drop reason;
	unsigned int verdict;

	if (!cfg || !vine_in_space(cfg, iph->daddr))
		return NF_ACCEPT;
	if (skb->pkt_type != PACKET_HOST ||
	    __ip_dev_find(state->net, iph->daddr, false))
		return NF_ACCEPT;

	verdict = vine_route_packet(vr, cfg, skb, state->in, &v, &reason);
	if (verdict == NF_DROP)
		vine_drop(vr, v, NULL, reason);
	return verdict;
}

int vine_hook_register(struct vine_router *vr)
{
	int err;

	lockdep_assert_held(&vr->lock);
	if (vr->hooked)
		return 0;
	vr->nf_ops = (struct nf_hook_ops) {
		.hook = vine_nf_prerouting,
		.priv = vr,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		/* After defragmentation and conntrack, before NAT. */
		.priority = NF_IP_PRI_MANGLE + 1,
	};
	err = nf_register_net_hook(vr->net, &vr->nf_ops);
	if (!err)
		vr->hooked = true;
	return err;
}

void vine_hook_unregister(struct vine_router *vr)
{
	lockdep_assert_held(&vr->lock);
	if (!vr->hooked)
		return;
	nf_unregister_net_hook(vr->net, &vr->nf_ops);
	vr->hooked = false;
}
