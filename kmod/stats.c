// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: per-CPU counters of the VR, of each VN and of each peer,
 * and drops by reason. Updated in softirq context without locks.
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/tcp.h>

#include "vine.h"

/* Per-CPU counters with each CPU's syncp ready, as devices have theirs. */
struct vine_stats __percpu *vine_stats_alloc(void)
{
	return netdev_alloc_pcpu_stats(struct vine_stats);
}

struct vine_drops __percpu *vine_drops_alloc(void)
{
	return netdev_alloc_pcpu_stats(struct vine_drops);
}

/*
 * The packets and inner bytes @skb (at its inner IPv4 header) stands
 * for: a GSO packet counts as the segments it is cut into, each with its
 * own headers, so that counters do not depend on offloads.
 */
unsigned int vine_skb_bytes(const struct sk_buff *skb, unsigned int *pkts)
{
	const struct skb_shared_info *si = skb_shinfo(skb);
	unsigned int hdr, segs;

	if (!skb_is_gso(skb)) {
		*pkts = 1;
		return skb->len;
	}
	hdr = skb_transport_offset(skb);
	if (si->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6))
		hdr += tcp_hdrlen(skb);
	else
		hdr += sizeof(struct udphdr);
	segs = si->gso_segs ?: DIV_ROUND_UP(skb->len - hdr, si->gso_size);
	*pkts = segs;
	return skb->len + (segs - 1) * hdr;
}

void vine_count_tx(struct vine_stats __percpu *s, unsigned int pkts,
		   unsigned int len)
{
	struct vine_stats *st = this_cpu_ptr(s);

	u64_stats_update_begin(&st->syncp);
	u64_stats_add(&st->tx_packets, pkts);
	u64_stats_add(&st->tx_bytes, len);
	u64_stats_update_end(&st->syncp);
}

void vine_count_rx(struct vine_stats __percpu *s, unsigned int pkts,
		   unsigned int len)
{
	struct vine_stats *st = this_cpu_ptr(s);

	u64_stats_update_begin(&st->syncp);
	u64_stats_add(&st->rx_packets, pkts);
	u64_stats_add(&st->rx_bytes, len);
	u64_stats_update_end(&st->syncp);
}

void vine_count_drop(struct vine_stats __percpu *s)
{
	struct vine_stats *st = this_cpu_ptr(s);

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->drops);
	u64_stats_update_end(&st->syncp);
}

/* Count a drop on the VR, and on the VN and the peer when known. */
void vine_drop(struct vine_router *vr, struct vine_vn *v, struct vine_peer *p,
	       enum vine_drop reason)
{
	struct vine_drops *d = this_cpu_ptr(vr->drops);

	u64_stats_update_begin(&d->syncp);
	u64_stats_inc(&d->reason[reason]);
	u64_stats_update_end(&d->syncp);
	vine_count_drop(vr->stats);
	if (v)
		vine_count_drop(v->stats);
	if (p)
		vine_count_drop(p->stats);
}

int vine_stats_put(struct sk_buff *msg, int attr,
		   struct vine_stats __percpu *s)
{
	u64 tx_packets = 0, tx_bytes = 0, rx_packets = 0, rx_bytes = 0;
	u64 drops = 0, a, b, c, d, e;
	struct nlattr *nest;
	unsigned int start;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct vine_stats *st = per_cpu_ptr(s, cpu);

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			a = u64_stats_read(&st->tx_packets);
			b = u64_stats_read(&st->tx_bytes);
			c = u64_stats_read(&st->rx_packets);
			d = u64_stats_read(&st->rx_bytes);
			e = u64_stats_read(&st->drops);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		tx_packets += a;
		tx_bytes += b;
		rx_packets += c;
		rx_bytes += d;
		drops += e;
	}

	nest = nla_nest_start(msg, attr);
	if (!nest ||
	    nla_put_u64_64bit(msg, VINE_STATS_A_TX_PACKETS, tx_packets,
			      VINE_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VINE_STATS_A_TX_BYTES, tx_bytes,
			      VINE_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VINE_STATS_A_RX_PACKETS, rx_packets,
			      VINE_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VINE_STATS_A_RX_BYTES, rx_bytes,
			      VINE_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, VINE_STATS_A_DROPS, drops,
			      VINE_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* VINE_A_DROPS: one u64 per reason, the attribute type being the reason. */
int vine_drops_put(struct sk_buff *msg, struct vine_drops __percpu *d)
{
	u64 sum[__VINE_DROP_MAX] = {};
	struct nlattr *nest;
	unsigned int start;
	int cpu, r;
	u64 n;

	for_each_possible_cpu(cpu) {
		const struct vine_drops *pd = per_cpu_ptr(d, cpu);

		for (r = 1; r < __VINE_DROP_MAX; r++) {
			do {
				start = u64_stats_fetch_begin(&pd->syncp);
				n = u64_stats_read(&pd->reason[r]);
			} while (u64_stats_fetch_retry(&pd->syncp, start));
			sum[r] += n;
		}
	}

	nest = nla_nest_start(msg, VINE_A_DROPS);
	if (!nest)
		return -EMSGSIZE;
	for (r = 1; r < __VINE_DROP_MAX; r++)
		if (nla_put_u64_64bit(msg, r, sum[r], VINE_DROP_UNSPEC))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}
