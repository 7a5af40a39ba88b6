// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: the UDP transport. The socket on which other VRs reach
 * this one (opened, replaced and closed under vr->lock), its receive
 * entry, and sending on it. TCP is the other transport (tcp.c).
 */
#include <net/ip_tunnels.h>
#include <net/udp_tunnel.h>

#include "vine.h"

/* Open the socket on @port, replacing the current one without a gap. */
int vine_socket_open(struct vine_router *vr, u16 port)
{
	struct udp_port_cfg ucfg = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = htons(port),
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = vr,
		.encap_type = 1,
		.encap_rcv = vine_udp_rcv,
	};
	struct socket *sock, *old;
	int err;

	err = udp_sock_create(vr->net, &ucfg, &sock);
	if (err)
		return err;
	setup_udp_tunnel_sock(vr->net, sock, &tcfg);

	old = rcu_replace_pointer(vr->sock, sock, lockdep_is_held(&vr->lock));
	if (old) {
		synchronize_net();
		udp_tunnel_sock_release(old);
	}
	return 0;
}

void vine_socket_close(struct vine_router *vr)
{
	struct socket *old;

	old = rcu_replace_pointer(vr->sock, NULL, lockdep_is_held(&vr->lock));
	if (old) {
		synchronize_net();
		udp_tunnel_sock_release(old);
	}
}

/* encap_rcv of our UDP socket: skb->data is at the UDP header. */
int vine_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct vine_router *vr = rcu_dereference_sk_user_data(sk);
	struct vine_from from = {
		.saddr = ip_hdr(skb)->saddr,
		.sport = udp_hdr(skb)->source,
		.daddr = ip_hdr(skb)->daddr,
	};

	if (!vr) {
		kfree_skb(skb);
		return 0;
	}
	skb_pull_rcsum(skb, sizeof(struct udphdr));	/* the UDP layer pulled it */
	vine_rcv(vr, skb, &from);
	return 0;
}

/*
 * Send a ViNe packet (@skb->data at its ViNe header, VINE_CB set) with
 * outer UDP and IPv4 headers on @rt (consumed, as @skb).
 */
void vine_udp_send(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct sk_buff *skb, struct rtable *rt, __be32 saddr,
		   __be32 daddr, __be16 dport)
{
	struct socket *sock = rcu_dereference(vr->sock);
	const struct vine_cb cb = *VINE_CB(skb);

	if (!sock) {
		vine_drop(vr, NULL, NULL, VINE_DROP_TX_ERROR);
		ip_rt_put(rt);
		kfree_skb(skb);
		return;
	}
	/* iptunnel_xmit() counts on skb->dev as a tunnel device: we have none. */
	skb->dev = NULL;
	udp_tunnel_xmit_skb(rt, sock->sk, skb, saddr, daddr, cb.tos,
			    ip4_dst_hoplimit(&rt->dst), cb.df, htons(cfg->port),
			    dport, false, false);
}
