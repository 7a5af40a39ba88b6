// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: the UDP socket on which other VRs reach this one.
 */
#include <net/udp_tunnel.h>

#include "vine.h"

/* Open the socket on @port, replacing the current one without a gap. */
int vine_socket_open(struct vine_net *vn, u16 port)
{
	struct udp_port_cfg ucfg = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = htons(port),
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = vn,
		.encap_type = 1,
		.encap_rcv = vine_udp_rcv,
	};
	struct socket *sock, *old;
	int err;

	err = udp_sock_create(vn->net, &ucfg, &sock);
	if (err)
		return err;
	setup_udp_tunnel_sock(vn->net, sock, &tcfg);

	old = rcu_replace_pointer(vn->sock, sock, lockdep_is_held(&vn->lock));
	if (old) {
		synchronize_net();
		udp_tunnel_sock_release(old);
	}
	return 0;
}

void vine_socket_close(struct vine_net *vn)
{
	struct socket *old;

	old = rcu_replace_pointer(vn->sock, NULL, lockdep_is_held(&vn->lock));
	if (old) {
		synchronize_net();
		udp_tunnel_sock_release(old);
	}
}
