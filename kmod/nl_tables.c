// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: netlink commands on the tables (VNs, LNDT, GNDTs, keys).
 *
 * Changes run under vr->lock (see vine_nl_change()). Dumps run under RCU
 * and resume from the next index, so very large tables dump in pieces.
 */
#include "netlink.h"

static struct vine_vn *vine_nl_vn(struct vine_router *vr, struct genl_info *info)
{
	struct vine_vn *v;

	if (VINE_REQUIRE(info, VINE_A_VN_ID, "VN id"))
		return NULL;
	v = xa_load(&vr->vns, nla_get_u32(info->attrs[VINE_A_VN_ID]));
	if (!v)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VINE_A_VN_ID],
				    "no such VN");
	return v;
}

int vine_nl_new_vn(struct vine_router *vr, struct genl_info *info)
{
	struct vine_vn *v;
	u32 id;

	if (VINE_REQUIRE(info, VINE_A_VN_ID, "VN id"))
		return -EINVAL;
	id = nla_get_u32(info->attrs[VINE_A_VN_ID]);
	if (xa_load(&vr->vns, id)) {
		NL_SET_ERR_MSG(info->extack, "VN exists");
		return -EEXIST;
	}
	v = vine_vn_create(vr, id, info->attrs[VINE_A_VN_NAME] ?
			   nla_data(info->attrs[VINE_A_VN_NAME]) : NULL);
	return PTR_ERR_OR_ZERO(v);
}

int vine_nl_del_vn(struct vine_router *vr, struct genl_info *info)
{
	struct vine_vn *v = vine_nl_vn(vr, info);

	if (!v)
		return -ENOENT;
	vine_vn_destroy(vr, v);
	return 0;
}

/* A host or route address attribute, @what naming it in messages. */
static int vine_nl_addr(struct genl_info *info, __be32 *addr)
{
	if (VINE_REQUIRE(info, VINE_A_ADDR, "address"))
		return -EINVAL;
	*addr = nla_get_in_addr(info->attrs[VINE_A_ADDR]);
	return 0;
}

static int vine_nl_host(struct vine_router *vr, struct genl_info *info,
			bool add)
{
	struct vine_vn *v = vine_nl_vn(vr, info);
	__be32 addr;

	if (!v)
		return -ENOENT;
	if (vine_nl_addr(info, &addr))
		return -EINVAL;
	if (!add)
		return vine_host_del(vr, v, addr, info->extack);
	if (vine_is_zeronet(addr) || ipv4_is_multicast(addr) ||
	    ipv4_is_lbcast(addr) || ipv4_is_loopback(addr)) {
		NL_SET_ERR_MSG(info->extack, "not a unicast host address");
		return -EINVAL;
	}
	return vine_host_add(vr, v, addr, info->extack);
}

int vine_nl_new_host(struct vine_router *vr, struct genl_info *info)
{
	return vine_nl_host(vr, info, true);
}

int vine_nl_del_host(struct vine_router *vr, struct genl_info *info)
{
	return vine_nl_host(vr, info, false);
}

/* The VN, prefix and length of a route request. */
static struct vine_vn *vine_nl_prefix(struct vine_router *vr,
				      struct genl_info *info,
				      __be32 *prefix, u8 *plen)
{
	struct vine_vn *v = vine_nl_vn(vr, info);

	if (!v || vine_nl_addr(info, prefix) ||
	    VINE_REQUIRE(info, VINE_A_PREFIX_LEN, "prefix length"))
		return NULL;
	*plen = nla_get_u8(info->attrs[VINE_A_PREFIX_LEN]);
	if (*prefix & ~inet_make_mask(*plen)) {
		NL_SET_ERR_MSG(info->extack, "prefix has host bits set");
		return NULL;
	}
	return v;
}

int vine_nl_new_route(struct vine_router *vr, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	struct vine_route tmpl = {
		.port = htons(VINE_DEFAULT_PORT),
		.proto = VINE_PROTO_UDP,
		.type = VINE_ROUTE_REGULAR,
	};
	struct vine_vn *v;
	__be32 prefix;
	u8 plen;

	v = vine_nl_prefix(vr, info, &prefix, &plen);
	if (!v || VINE_REQUIRE(info, VINE_A_VIA, "destination VR address"))
		return -EINVAL;
	tmpl.via = nla_get_in_addr(attrs[VINE_A_VIA]);
	if (vine_is_zeronet(tmpl.via) || ipv4_is_multicast(tmpl.via) ||
	    ipv4_is_lbcast(tmpl.via)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[VINE_A_VIA],
				    "destination VR is not a unicast address");
		return -EINVAL;
	}
	if (attrs[VINE_A_PORT])
		tmpl.port = htons(nla_get_u16(attrs[VINE_A_PORT]));
	if (attrs[VINE_A_PROTO])
		tmpl.proto = nla_get_u8(attrs[VINE_A_PROTO]);
	if (attrs[VINE_A_ROUTE_TYPE])
		tmpl.type = nla_get_u8(attrs[VINE_A_ROUTE_TYPE]);
	tmpl.dest = ntohl(tmpl.via);
	if (tmpl.type == VINE_ROUTE_QUEUE) {
		if (VINE_REQUIRE(info, VINE_A_ROUTE_VR,
				 "VR behind the queue VR (vr VR-ID)"))
			return -EINVAL;
		tmpl.dest = ntohl(nla_get_in_addr(attrs[VINE_A_ROUTE_VR]));
		if (tmpl.dest == ntohl(tmpl.via)) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    attrs[VINE_A_ROUTE_VR],
					    "the VR behind the queue VR is the queue VR");
			return -EINVAL;
		}
	} else if (attrs[VINE_A_ROUTE_VR]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[VINE_A_ROUTE_VR],
				    "only a route of type queue names a VR behind");
		return -EINVAL;
	}
	return vine_route_set(vr, v, prefix, plen, &tmpl,
			      nla_get_flag(attrs[VINE_A_REPLACE]),
			      info->extack);
}

int vine_nl_del_route(struct vine_router *vr, struct genl_info *info)
{
	struct vine_vn *v;
	__be32 prefix;
	u8 plen;

	v = vine_nl_prefix(vr, info, &prefix, &plen);
	if (!v)
		return -EINVAL;
	return vine_route_del(vr, v, prefix, plen, info->extack);
}

int vine_nl_set_key(struct vine_router *vr, struct genl_info *info)
{
	const struct nlattr *pub = info->attrs[VINE_A_PUBLIC_KEY];
	const struct nlattr *key = info->attrs[VINE_A_KEY];

	if (VINE_REQUIRE(info, VINE_A_PEER, "peer VR") ||
	    (!pub && VINE_REQUIRE(info, VINE_A_KEY, "key")))
		return -EINVAL;
	return vine_key_set(vr, ntohl(nla_get_in_addr(info->attrs[VINE_A_PEER])),
			    key ? nla_data(key) : NULL,
			    pub ? nla_data(pub) : NULL, info->extack);
}

int vine_nl_del_key(struct vine_router *vr, struct genl_info *info)
{
	if (VINE_REQUIRE(info, VINE_A_PEER, "peer VR"))
		return -EINVAL;
	return vine_key_del(vr, ntohl(nla_get_in_addr(info->attrs[VINE_A_PEER])),
			    info->extack);
}

/* Dumps: one message per entry. */

static void *vine_dump_put(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vine_router *vr = vine_pernet(sock_net(skb->sk));
	void *hdr;

	/* Flag the dump as inconsistent if the tables changed under it. */
	cb->seq = READ_ONCE(vr->generation) + 1;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vine_genl_family, NLM_F_MULTI,
			  ((struct genlmsghdr *)nlmsg_data(cb->nlh))->cmd);
	if (hdr)
		nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
	return hdr;
}

static int vine_fill_vn(struct sk_buff *msg, const struct vine_vn *v)
{
	if (nla_put_u32(msg, VINE_A_VN_ID, v->id) ||
	    nla_put_string(msg, VINE_A_VN_NAME, v->name) ||
	    nla_put_u32(msg, VINE_A_COUNT_HOSTS, READ_ONCE(v->nhosts)) ||
	    nla_put_u32(msg, VINE_A_COUNT_ROUTES, READ_ONCE(v->nroutes)))
		return -EMSGSIZE;
	return vine_stats_put(msg, VINE_A_STATS, v->stats);
}

int vine_nl_get_vn(struct sk_buff *skb, struct genl_info *info)
{
	struct vine_router *vr = vine_pernet(genl_info_net(info));
	struct sk_buff *msg;
	struct vine_vn *v;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vr->lock);
	v = vine_nl_vn(vr, info);
	hdr = genlmsg_put_reply(msg, info, &vine_genl_family, 0,
				VINE_CMD_GET_VN);
	err = !v ? -ENOENT : !hdr ? -EMSGSIZE : vine_fill_vn(msg, v);
	mutex_unlock(&vr->lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * One message: @fill's attributes for the entry at index @idx; the dump
 * then resumes at index cb->args[@slot] = @idx + 1. Returns -EMSGSIZE
 * when @skb is full.
 */
static int vine_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			 int slot, unsigned long idx, void *entry,
			 int (*fill)(struct sk_buff *skb, unsigned long idx,
				     void *entry, const void *arg),
			 const void *arg)
{
	void *hdr = vine_dump_put(skb, cb);
	int err;

	if (!hdr)
		return -EMSGSIZE;
	err = fill(skb, idx, entry, arg);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	cb->args[slot] = idx + 1;
	return 0;
}

/*
 * Fill one message per entry of @xa from index cb->args[@slot] on.
 * Returns 0 at the end of @xa, or -EMSGSIZE when @skb is full: the next
 * call resumes at the entry not sent.
 */
static int vine_dump_xa(struct sk_buff *skb, struct netlink_callback *cb,
			struct xarray *xa, int slot,
			int (*fill)(struct sk_buff *skb, unsigned long idx,
				    void *entry, const void *arg),
			const void *arg)
{
	unsigned long idx;
	void *entry;
	int err;

	xa_for_each_start(xa, idx, entry, cb->args[slot]) {
		err = vine_dump_one(skb, cb, slot, idx, entry, fill, arg);
		if (err)
			return err;
	}
	return 0;
}

static int vine_fill_vn_entry(struct sk_buff *skb, unsigned long idx,
			      void *entry, const void *arg)
{
	return vine_fill_vn(skb, entry);
}

int vine_nl_dump_vn(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vine_router *vr = vine_pernet(sock_net(skb->sk));

	rcu_read_lock();
	vine_dump_xa(skb, cb, &vr->vns, 0, vine_fill_vn_entry, NULL);
	rcu_read_unlock();
	return skb->len;
}

/* The VN id a dump is restricted to, or 0 for all. */
static u32 vine_dump_vnid(struct netlink_callback *cb)
{
	struct nlattr **attrs = vine_dump_attrs(cb);

	return attrs[VINE_A_VN_ID] ? nla_get_u32(attrs[VINE_A_VN_ID]) : 0;
}

static int vine_fill_host(struct sk_buff *skb, unsigned long idx,
			  void *entry, const void *arg)
{
	if (nla_put_u32(skb, VINE_A_VN_ID, xa_to_value(entry)) ||
	    nla_put_in_addr(skb, VINE_A_ADDR, htonl(idx)))
		return -EMSGSIZE;
	return 0;
}

/* The hosts of @v, from its bitmaps, by address from cb->args[0] on. */
static void vine_dump_vn_hosts(struct sk_buff *skb,
			       struct netlink_callback *cb, struct vine_vn *v)
{
	unsigned long blk, bits, bit, idx;
	void *entry;

	xa_for_each_start(&v->hosts, blk, entry,
			  cb->args[0] >> VINE_HBLOCK_SHIFT) {
		bits = xa_to_value(entry);
		for_each_set_bit(bit, &bits, VINE_HBLOCK) {
			idx = blk << VINE_HBLOCK_SHIFT | bit;
			if (idx >= cb->args[0] &&
			    vine_dump_one(skb, cb, 0, idx, xa_mk_value(v->id),
					  vine_fill_host, NULL))
				return;
		}
	}
}

int vine_nl_dump_host(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vine_router *vr = vine_pernet(sock_net(skb->sk));
	u32 only = vine_dump_vnid(cb);
	struct vine_vn *v;

	rcu_read_lock();
	if (!only) {
		vine_dump_xa(skb, cb, &vr->lndt, 0, vine_fill_host, NULL);
	} else {
		v = xa_load(&vr->vns, only);
		if (v)
			vine_dump_vn_hosts(skb, cb, v);
	}
	rcu_read_unlock();
	return skb->len;
}

struct vine_route_pos {
	u32 vnid;
	u8 plen;
};

static int vine_fill_route(struct sk_buff *skb, unsigned long idx,
			   void *entry, const void *arg)
{
	const struct vine_route_pos *pos = arg;
	const struct vine_route *r = entry;
	u32 prefix = pos->plen ? (u32)(idx << (32 - pos->plen)) : 0;

	if (nla_put_u32(skb, VINE_A_VN_ID, pos->vnid) ||
	    nla_put_in_addr(skb, VINE_A_ADDR, htonl(prefix)) ||
	    nla_put_u8(skb, VINE_A_PREFIX_LEN, pos->plen) ||
	    nla_put_in_addr(skb, VINE_A_VIA, r->via) ||
	    nla_put_u16(skb, VINE_A_PORT, ntohs(r->port)) ||
	    nla_put_u8(skb, VINE_A_PROTO, r->proto) ||
	    nla_put_u8(skb, VINE_A_ROUTE_TYPE, r->type) ||
	    (r->type == VINE_ROUTE_QUEUE &&
	     nla_put_in_addr(skb, VINE_A_ROUTE_VR, htonl(r->dest))))
		return -EMSGSIZE;
	return 0;
}

/* Position: args[0] VN id, args[1] 32 - prefix length, args[2] index. */
int vine_nl_dump_route(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vine_router *vr = vine_pernet(sock_net(skb->sk));
	u32 only = vine_dump_vnid(cb);
	struct vine_route_pos pos;
	unsigned long vidx;
	struct vine_vn *v;

	rcu_read_lock();
	xa_for_each_start(&vr->vns, vidx, v, cb->args[0]) {
		if (only && v->id != only)
			goto next;
		pos.vnid = v->id;
		for (; cb->args[1] < VINE_PLENS; cb->args[1]++, cb->args[2] = 0) {
			pos.plen = 32 - cb->args[1];
			if (vine_dump_xa(skb, cb, &v->gndt[pos.plen], 2,
					 vine_fill_route, &pos))
				goto out;
		}
next:
		cb->args[0] = vidx + 1;
		cb->args[1] = 0;
		cb->args[2] = 0;
	}
out:
	rcu_read_unlock();
	return skb->len;
}

/* How the channel with @p runs (enum vine_poll). */
static u8 vine_peer_poll(const struct vine_peer *p)
{
	if (!READ_ONCE(p->tcp))
		return VINE_POLL_UDP;
	return READ_ONCE(p->polled) ? VINE_POLL_TCP : VINE_POLL_CHANNEL;
}

static int vine_fill_peer(struct sk_buff *skb, unsigned long idx,
			  void *entry, const void *arg)
{
	struct vine_peer *p = entry;
	u64 seen = atomic64_read(&p->seen);
	unsigned long ago = jiffies - READ_ONCE(p->last_rx);
	unsigned long since = jiffies - READ_ONCE(p->chan_since);

	if (nla_put_in_addr(skb, VINE_A_PEER, htonl(p->id)) ||
	    (vine_peer_keyed(p) && nla_put_flag(skb, VINE_A_HAS_KEY)) ||
	    vine_session_put(skb, p))
		return -EMSGSIZE;
	if (seen &&
	    (nla_put_in_addr(skb, VINE_A_ADDR, VINE_SEEN_ADDR(seen)) ||
	     nla_put_u16(skb, VINE_A_PORT, VINE_SEEN_PORT(seen)) ||
	     nla_put_u64_64bit(skb, VINE_A_LAST_SEEN, jiffies_to_msecs(ago),
			       VINE_A_PAD)))
		return -EMSGSIZE;
	if (READ_ONCE(p->role) != VINE_ROLE_NONE &&
	    (nla_put_u8(skb, VINE_A_CHAN_ROLE, READ_ONCE(p->role)) ||
	     nla_put_u8(skb, VINE_A_POLL, vine_peer_poll(p)) ||
	     nla_put_u8(skb, VINE_A_CHAN_STATE, READ_ONCE(p->chan)) ||
	     nla_put_u64_64bit(skb, VINE_A_CHAN_SINCE, jiffies_to_msecs(since),
			       VINE_A_PAD) ||
	     nla_put_u32(skb, VINE_A_QUEUE_LEN,
			 skb_queue_len_lockless(&p->held)) ||
	     nla_put_u32(skb, VINE_A_QUEUE_BYTES, READ_ONCE(p->held_bytes))))
		return -EMSGSIZE;
	if (nla_put_u8(skb, VINE_A_TCP, vine_tcp_state(p)))
		return -EMSGSIZE;
	return vine_stats_put(skb, VINE_A_STATS, p->stats);
}

int vine_nl_dump_peer(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vine_router *vr = vine_pernet(sock_net(skb->sk));

	rcu_read_lock();
	vine_dump_xa(skb, cb, &vr->peers, 0, vine_fill_peer, NULL);
	rcu_read_unlock();
	return skb->len;
}
