// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: the generic netlink family "vine", its only control path.
 *
 * Every command acts on the caller's network namespace and needs
 * CAP_NET_ADMIN over it; so does listening to the events. Every
 * attribute has a policy; every rejection carries an extack message. A
 * change runs under the VR's mutex, bumps its generation and is echoed to
 * the "events" multicast group.
 */
#include "netlink.h"

#define VINE_READ_ONLY { .type = NLA_REJECT, \
			 .reject_message = "attribute is read-only" }

static const struct nla_policy vine_prefix_policy[VINE_PREFIX_A_MAX + 1] = {
	[VINE_PREFIX_A_ADDR] = { .type = NLA_BE32 },
	[VINE_PREFIX_A_LEN] = NLA_POLICY_MAX(NLA_U8, 32),
};

static const struct nla_policy vine_endpoint_policy[VINE_ENDPOINT_A_MAX + 1] = {
	[VINE_ENDPOINT_A_ADDR] = { .type = NLA_BE32 },
	[VINE_ENDPOINT_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

/* Ranges beyond what a policy holds inline on 6.1 (s16; not const there). */
static struct netlink_range_validation vine_poll_range = {
	.min = VINE_MIN_INTERVAL_MS, .max = VINE_MAX_INTERVAL_MS,
};

static struct netlink_range_validation vine_keepalive_range = {
	.max = VINE_MAX_INTERVAL_MS,
};

static struct netlink_range_validation vine_qsize_range = {
	.max = VINE_MAX_QUEUE_SIZE,
};

static struct netlink_range_validation vine_qbytes_range = {
	.max = VINE_MAX_QUEUE_BYTES,
};

static const struct nla_policy vine_policy[VINE_A_MAX + 1] = {
	[VINE_A_VERSION] = VINE_READ_ONLY,
	[VINE_A_GENERATION] = VINE_READ_ONLY,
	[VINE_A_PAD] = VINE_READ_ONLY,
	[VINE_A_VR_ID] = { .type = NLA_U32 },
	[VINE_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[VINE_A_SPACES] = NLA_POLICY_NESTED_ARRAY(vine_prefix_policy),
	[VINE_A_MAC_MODE] = NLA_POLICY_MAX(NLA_U8, __VINE_MAC_MAX - 1),
	[VINE_A_VN_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VINE_A_VN_NAME] = { .type = NLA_NUL_STRING,
			     .len = VINE_VN_NAME_LEN - 1 },
	[VINE_A_ADDR] = { .type = NLA_BE32 },
	[VINE_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 32),
	[VINE_A_VIA] = { .type = NLA_BE32 },
	[VINE_A_PROTO] = NLA_POLICY_RANGE(NLA_U8, VINE_PROTO_UDP,
					  VINE_PROTO_TCP),
	[VINE_A_ROUTE_TYPE] = NLA_POLICY_MAX(NLA_U8, VINE_ROUTE_QUEUE),
	[VINE_A_PEER] = { .type = NLA_BE32 },
	[VINE_A_KEY] = NLA_POLICY_EXACT_LEN(VINE_KEY_LEN),
	[VINE_A_HAS_KEY] = VINE_READ_ONLY,
	[VINE_A_STATS] = VINE_READ_ONLY,
	[VINE_A_DROPS] = VINE_READ_ONLY,
	[VINE_A_COUNT_VNS] = VINE_READ_ONLY,
	[VINE_A_COUNT_HOSTS] = VINE_READ_ONLY,
	[VINE_A_COUNT_ROUTES] = VINE_READ_ONLY,
	[VINE_A_COUNT_PEERS] = VINE_READ_ONLY,
	[VINE_A_OVERHEAD] = VINE_READ_ONLY,
	[VINE_A_REPLACE] = { .type = NLA_FLAG },
	[VINE_A_LAST_SEEN] = VINE_READ_ONLY,
	[VINE_A_LIMITED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VINE_A_QUEUE_VRS] = NLA_POLICY_NESTED_ARRAY(vine_endpoint_policy),
	[VINE_A_POLL] = NLA_POLICY_MAX(NLA_U8, __VINE_POLL_MAX - 1),
	[VINE_A_POLL_INTERVAL] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &vine_poll_range),
	[VINE_A_KEEPALIVE] = NLA_POLICY_FULL_RANGE(NLA_U32,
						   &vine_keepalive_range),
	[VINE_A_QUEUE_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &vine_qsize_range),
	[VINE_A_QUEUE_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32,
						     &vine_qbytes_range),
	[VINE_A_CHAN_ROLE] = VINE_READ_ONLY,
	[VINE_A_CHAN_STATE] = VINE_READ_ONLY,
	[VINE_A_CHAN_SINCE] = VINE_READ_ONLY,
	[VINE_A_QUEUE_LEN] = VINE_READ_ONLY,
	[VINE_A_TCP] = VINE_READ_ONLY,
	[VINE_A_ROUTE_VR] = { .type = NLA_BE32 },
	[VINE_A_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(VINE_KEY_LEN),
	[VINE_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(VINE_KEY_LEN),
	[VINE_A_LAST_HANDSHAKE] = VINE_READ_ONLY,
	[VINE_A_SESSION_AGE] = VINE_READ_ONLY,
	[VINE_A_HANDSHAKES] = VINE_READ_ONLY,
	[VINE_A_ENCRYPT] = NLA_POLICY_MAX(NLA_U8, 1),
	[VINE_A_INITIATOR] = VINE_READ_ONLY,
};

/* Attributes an event never carries: keys. */
static bool vine_secret(int attr)
{
	return attr == VINE_A_KEY || attr == VINE_A_PRIVATE_KEY;
}

/*
 * An event could not be built: every listener gets ENOBUFS on its socket,
 * as for a full receive buffer, and knows to read the tables again.
 */
static void vine_nl_lost(struct vine_router *vr)
{
	genl_set_err(&vine_genl_family, vr->net, 0, 0, -ENOBUFS);
}

/*
 * Tell listeners what changed: the request's attributes, never a key, in
 * a message sized to hold them all.
 */
static void vine_notify(struct vine_router *vr, struct genl_info *info, u8 cmd)
{
	size_t size = nla_total_size(sizeof(u32));
	struct sk_buff *msg;
	void *hdr;
	int i;

	if (!genl_has_listeners(&vine_genl_family, vr->net, 0))
		return;
	for (i = 1; i <= VINE_A_MAX; i++)
		if (info->attrs[i] && !vine_secret(i))
			size += nla_total_size(nla_len(info->attrs[i]));
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		goto lost;
	hdr = genlmsg_put(msg, 0, 0, &vine_genl_family, 0, cmd);
	if (!hdr)
		goto err;
	for (i = 1; i <= VINE_A_MAX; i++) {
		const struct nlattr *a = info->attrs[i];

		if (a && !vine_secret(i) &&
		    nla_put(msg, i, nla_len(a), nla_data(a)))
			goto err;
	}
	if (nla_put_u32(msg, VINE_A_GENERATION, vr->generation))
		goto err;
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vine_genl_family, vr->net, msg, 0, 0,
				GFP_KERNEL);
	return;
err:
	nlmsg_free(msg);
lost:
	vine_nl_lost(vr);
}

/*
 * A message of event @cmd for the "events" group, its header at @hdr;
 * NULL when nobody listens, or when there is no memory (listeners are
 * told). vine_nl_event_send() sends it.
 */
static struct sk_buff *vine_nl_event(struct vine_router *vr, u8 cmd,
				     gfp_t gfp, void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&vine_genl_family, vr->net, 0))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg) {
		vine_nl_lost(vr);
		return NULL;
	}
	*hdr = genlmsg_put(msg, 0, 0, &vine_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send @msg, its attributes put unless @err (then it is freed). */
static void vine_nl_event_send(struct vine_router *vr, struct sk_buff *msg,
			       void *hdr, int err, gfp_t gfp)
{
	if (err) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vine_genl_family, vr->net, msg, 0, 0, gfp);
}

/*
 * Tell listeners that peer @id was seen at a new outer address (data
 * path, atomic context: rare, only after a verified MAC).
 */
void vine_nl_peer_seen(struct vine_router *vr, u32 id, __be32 addr,
		       __be16 port)
{
	struct sk_buff *msg;
	void *hdr;

	msg = vine_nl_event(vr, VINE_CMD_PEER_SEEN, GFP_ATOMIC, &hdr);
	if (msg)
		vine_nl_event_send(vr, msg, hdr,
				   nla_put_be32(msg, VINE_A_PEER, htonl(id)) ||
				   nla_put_in_addr(msg, VINE_A_ADDR, addr) ||
				   nla_put_u16(msg, VINE_A_PORT, ntohs(port)),
				   GFP_ATOMIC);
}

/*
 * Tell listeners that a handshake with peer @p made a session, which we
 * @initiator (or answered), relayed by VR @via if not 0. From the
 * handshake work.
 */
void vine_nl_handshake(struct vine_router *vr, struct vine_peer *p,
		       bool initiator, u32 via)
{
	struct sk_buff *msg;
	void *hdr;

	msg = vine_nl_event(vr, VINE_CMD_HANDSHAKE, GFP_KERNEL, &hdr);
	if (msg)
		vine_nl_event_send(vr, msg, hdr,
				   nla_put_be32(msg, VINE_A_PEER, htonl(p->id)) ||
				   nla_put_u8(msg, VINE_A_INITIATOR, initiator) ||
				   (via && nla_put_be32(msg, VINE_A_VIA,
							htonl(via))),
				   GFP_KERNEL);
}

/*
 * Tell listeners that the channel with peer @p went @state (up or down),
 * from the data path or the channel's work.
 */
void vine_nl_channel(struct vine_router *vr, struct vine_peer *p, u8 state,
		     gfp_t gfp)
{
	u64 seen = atomic64_read(&p->seen);
	struct sk_buff *msg;
	void *hdr;

	msg = vine_nl_event(vr, VINE_CMD_CHANNEL, gfp, &hdr);
	if (!msg)
		return;
	vine_nl_event_send(vr, msg, hdr,
			   nla_put_be32(msg, VINE_A_PEER, htonl(p->id)) ||
			   nla_put_u8(msg, VINE_A_CHAN_ROLE,
				      READ_ONCE(p->role)) ||
			   nla_put_u8(msg, VINE_A_CHAN_STATE, state) ||
			   (seen && (nla_put_in_addr(msg, VINE_A_ADDR,
						     VINE_SEEN_ADDR(seen)) ||
				     nla_put_u16(msg, VINE_A_PORT,
						 VINE_SEEN_PORT(seen)))),
			   gfp);
}

static int vine_parse_queue_vrs(struct vine_cfg *cfg, const struct nlattr *list,
				struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VINE_ENDPOINT_A_MAX + 1];
	struct vine_endpoint *ep;
	struct nlattr *a;
	int rem, err;

	cfg->nqueue_vrs = 0;
	nla_for_each_nested(a, list, rem) {
		if (cfg->nqueue_vrs == VINE_MAX_QUEUE_VRS) {
			NL_SET_ERR_MSG(extack, "too many queue VRs");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, VINE_ENDPOINT_A_MAX, a,
				       vine_endpoint_policy, extack);
		if (err)
			return err;
		if (!tb[VINE_ENDPOINT_A_ADDR] ||
		    vine_is_zeronet(nla_get_in_addr(tb[VINE_ENDPOINT_A_ADDR]))) {
			NL_SET_ERR_MSG(extack, "queue VR needs an address");
			return -EINVAL;
		}
		ep = &cfg->queue_vrs[cfg->nqueue_vrs++];
		ep->addr = nla_get_in_addr(tb[VINE_ENDPOINT_A_ADDR]);
		ep->port = htons(tb[VINE_ENDPOINT_A_PORT] ?
				 nla_get_u16(tb[VINE_ENDPOINT_A_PORT]) :
				 VINE_DEFAULT_PORT);
	}
	return 0;
}

static int vine_parse_spaces(struct vine_cfg *cfg, const struct nlattr *list,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VINE_PREFIX_A_MAX + 1];
	struct vine_prefix *sp;
	struct nlattr *a;
	int rem, err;

	cfg->nspaces = 0;
	nla_for_each_nested(a, list, rem) {
		if (cfg->nspaces == VINE_MAX_SPACES) {
			NL_SET_ERR_MSG(extack, "too many prefixes in the ViNe space");
			return -E2BIG;
		}
		err = nla_parse_nested(tb, VINE_PREFIX_A_MAX, a,
				       vine_prefix_policy, extack);
		if (err)
			return err;
		if (!tb[VINE_PREFIX_A_ADDR] || !tb[VINE_PREFIX_A_LEN]) {
			NL_SET_ERR_MSG(extack, "space prefix needs an address and a length");
			return -EINVAL;
		}
		sp = &cfg->spaces[cfg->nspaces++];
		sp->addr = nla_get_in_addr(tb[VINE_PREFIX_A_ADDR]);
		sp->len = nla_get_u8(tb[VINE_PREFIX_A_LEN]);
		sp->mask = inet_make_mask(sp->len);
		if (sp->addr & ~sp->mask) {
			NL_SET_ERR_MSG(extack, "prefix has host bits set");
			return -EINVAL;
		}
	}
	return 0;
}

/* The limited VR and queue VR parameters, and what they need. */
static int vine_parse_channel(struct vine_cfg *cfg, struct nlattr **attrs,
			      struct netlink_ext_ack *extack)
{
	int err;

	if (attrs[VINE_A_LIMITED])
		cfg->limited = nla_get_u8(attrs[VINE_A_LIMITED]);
	if (attrs[VINE_A_QUEUE_VRS]) {
		err = vine_parse_queue_vrs(cfg, attrs[VINE_A_QUEUE_VRS], extack);
		if (err)
			return err;
	}
	if (attrs[VINE_A_POLL])
		cfg->poll = nla_get_u8(attrs[VINE_A_POLL]);
	if (attrs[VINE_A_POLL_INTERVAL])
		cfg->poll_ms = nla_get_u32(attrs[VINE_A_POLL_INTERVAL]);
	if (attrs[VINE_A_KEEPALIVE])
		cfg->keepalive_ms = nla_get_u32(attrs[VINE_A_KEEPALIVE]);
	if (attrs[VINE_A_QUEUE_SIZE])
		cfg->queue_size = nla_get_u32(attrs[VINE_A_QUEUE_SIZE]);
	if (attrs[VINE_A_QUEUE_BYTES])
		cfg->queue_bytes = nla_get_u32(attrs[VINE_A_QUEUE_BYTES]);

	if (cfg->keepalive_ms && cfg->keepalive_ms < VINE_MIN_INTERVAL_MS) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[VINE_A_KEEPALIVE],
				    "keepalive is 0 (none) or "
				    __stringify(VINE_MIN_INTERVAL_MS) " to "
				    __stringify(VINE_MAX_INTERVAL_MS) " ms");
		return -EINVAL;
	}
	if (cfg->limited && !cfg->nqueue_vrs) {
		NL_SET_ERR_MSG(extack, "a limited VR needs a queue VR (queue-vr ADDRESS)");
		return -EINVAL;
	}
	if (cfg->limited && cfg->mac_mode == VINE_MAC_NONE) {
		NL_SET_ERR_MSG(extack,
			       "a limited VR needs a MAC mode (its channel must be authenticated)");
		return -EINVAL;
	}
	return 0;
}

static int vine_nl_set_vr(struct vine_router *vr, struct genl_info *info)
{
	struct vine_cfg *old = rcu_dereference_protected(vr->cfg,
						lockdep_is_held(&vr->lock));
	struct nlattr **attrs = info->attrs;
	struct vine_identity *id = NULL;
	bool hooked = vr->hooked;
	struct socket *listener;
	struct vine_cfg *cfg;
	int err;

	if (attrs[VINE_A_PUBLIC_KEY]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[VINE_A_PUBLIC_KEY],
				    "a VR's public key follows from its private key");
		return -EINVAL;
	}
	if (attrs[VINE_A_PRIVATE_KEY]) {
		id = vine_identity_new(nla_data(attrs[VINE_A_PRIVATE_KEY]),
				       info->extack);
		if (IS_ERR(id))
			return PTR_ERR(id);
	}
	cfg = kmemdup(old, sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto err_free;
	}
	if (attrs[VINE_A_VR_ID])
		cfg->id = nla_get_u32(attrs[VINE_A_VR_ID]);
	if (attrs[VINE_A_PORT])
		cfg->port = nla_get_u16(attrs[VINE_A_PORT]);
	if (attrs[VINE_A_MAC_MODE])
		cfg->mac_mode = nla_get_u8(attrs[VINE_A_MAC_MODE]);
	if (attrs[VINE_A_ENCRYPT])
		cfg->encrypt = nla_get_u8(attrs[VINE_A_ENCRYPT]);
	if (cfg->encrypt && cfg->mac_mode == VINE_MAC_NONE) {
		NL_SET_ERR_MSG(info->extack,
			       "encryption needs a MAC mode (sessions authenticate)");
		err = -EINVAL;
		goto err_free;
	}
	if (attrs[VINE_A_SPACES]) {
		err = vine_parse_spaces(cfg, attrs[VINE_A_SPACES], info->extack);
		if (err)
			goto err_free;
	}
	err = vine_parse_channel(cfg, attrs, info->extack);
	if (err)
		goto err_free;

	/* What can fail first: a refused request changes nothing. */
	err = vine_hook_register(vr);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cannot register the netfilter hook");
		goto err_free;
	}
	if (!rcu_access_pointer(vr->sock) || cfg->port != old->port) {
		err = vine_tcp_listen_open(vr, cfg->port, &listener);
		if (err) {
			NL_SET_ERR_MSG(info->extack, "cannot listen on the TCP port");
			goto err_unhook;
		}
		err = vine_socket_open(vr, cfg->port);
		if (err) {
			sock_release(listener);
			NL_SET_ERR_MSG(info->extack, "cannot open the UDP port");
			goto err_unhook;
		}
		vine_tcp_listen(vr, listener);
	}
	rcu_assign_pointer(vr->cfg, cfg);
	kfree_rcu(old, rcu);
	if (id)
		vine_identity_publish(vr, id);
	if (cfg->limited || old->limited)
		vine_chan_kick(vr);
	return 0;

err_unhook:
	if (!hooked)
		vine_hook_unregister(vr);
err_free:
	kfree(cfg);
	kfree_sensitive(id);
	return err;
}

typedef int (*vine_change_fn)(struct vine_router *vr, struct genl_info *info);

static const vine_change_fn vine_changes[__VINE_CMD_MAX] = {
	[VINE_CMD_SET_VR] = vine_nl_set_vr,
	[VINE_CMD_NEW_VN] = vine_nl_new_vn,
	[VINE_CMD_DEL_VN] = vine_nl_del_vn,
	[VINE_CMD_NEW_HOST] = vine_nl_new_host,
	[VINE_CMD_DEL_HOST] = vine_nl_del_host,
	[VINE_CMD_NEW_ROUTE] = vine_nl_new_route,
	[VINE_CMD_DEL_ROUTE] = vine_nl_del_route,
	[VINE_CMD_SET_KEY] = vine_nl_set_key,
	[VINE_CMD_DEL_KEY] = vine_nl_del_key,
};

/* Every change: under the mutex, then a new generation and an event. */
static int vine_nl_change(struct sk_buff *skb, struct genl_info *info)
{
	struct vine_router *vr = vine_pernet(genl_info_net(info));
	u8 cmd = info->genlhdr->cmd;
	int err;

	mutex_lock(&vr->lock);
	err = vine_changes[cmd](vr, info);
	if (!err) {
		WRITE_ONCE(vr->generation, vr->generation + 1);
		vine_notify(vr, info, cmd);
	}
	mutex_unlock(&vr->lock);
	return err;
}

/* A reply to a GET doit, filled by @fill. */
static int vine_nl_reply(struct genl_info *info,
			 int (*fill)(struct sk_buff *msg, struct vine_router *vr))
{
	struct vine_router *vr = vine_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vine_genl_family, 0,
				info->genlhdr->cmd);
	err = hdr ? fill(msg, vr) : -EMSGSIZE;
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vine_fill_status(struct sk_buff *msg, struct vine_router *vr)
{
	int err;

	mutex_lock(&vr->lock);
	err = nla_put_string(msg, VINE_A_VERSION, VINE_VERSION) ||
	      nla_put_u32(msg, VINE_A_GENERATION, vr->generation) ||
	      nla_put_u32(msg, VINE_A_COUNT_VNS, vr->nvns) ||
	      nla_put_u32(msg, VINE_A_COUNT_HOSTS, vr->nhosts) ||
	      nla_put_u32(msg, VINE_A_COUNT_ROUTES, vr->nroutes) ||
	      nla_put_u32(msg, VINE_A_COUNT_PEERS, vr->npeers);
	mutex_unlock(&vr->lock);
	return err ? -EMSGSIZE : 0;
}

static int vine_fill_vr(struct sk_buff *msg, struct vine_router *vr)
{
	const struct vine_cfg *cfg;
	struct nlattr *list, *sp;
	int i, err = -EMSGSIZE;

	mutex_lock(&vr->lock);
	cfg = rcu_dereference_protected(vr->cfg, lockdep_is_held(&vr->lock));
	if (nla_put_u32(msg, VINE_A_VR_ID, cfg->id) ||
	    nla_put_u16(msg, VINE_A_PORT, cfg->port) ||
	    nla_put_u8(msg, VINE_A_MAC_MODE, cfg->mac_mode) ||
	    nla_put_u8(msg, VINE_A_ENCRYPT, cfg->encrypt) ||
	    nla_put_u32(msg, VINE_A_OVERHEAD, VINE_OVERHEAD) ||
	    nla_put_u32(msg, VINE_A_GENERATION, vr->generation) ||
	    vine_identity_put(msg, vr))
		goto out;
	if (nla_put_u8(msg, VINE_A_LIMITED, cfg->limited) ||
	    nla_put_u8(msg, VINE_A_POLL, cfg->poll) ||
	    nla_put_u32(msg, VINE_A_POLL_INTERVAL, cfg->poll_ms) ||
	    nla_put_u32(msg, VINE_A_KEEPALIVE, cfg->keepalive_ms) ||
	    nla_put_u32(msg, VINE_A_QUEUE_SIZE, cfg->queue_size) ||
	    nla_put_u32(msg, VINE_A_QUEUE_BYTES, cfg->queue_bytes))
		goto out;
	list = nla_nest_start(msg, VINE_A_QUEUE_VRS);
	if (!list)
		goto out;
	for (i = 0; i < cfg->nqueue_vrs; i++) {
		sp = nla_nest_start(msg, i + 1);
		if (!sp ||
		    nla_put_in_addr(msg, VINE_ENDPOINT_A_ADDR,
				    cfg->queue_vrs[i].addr) ||
		    nla_put_u16(msg, VINE_ENDPOINT_A_PORT,
				ntohs(cfg->queue_vrs[i].port)))
			goto out;
		nla_nest_end(msg, sp);
	}
	nla_nest_end(msg, list);
	list = nla_nest_start(msg, VINE_A_SPACES);
	if (!list)
		goto out;
	for (i = 0; i < cfg->nspaces; i++) {
		sp = nla_nest_start(msg, i + 1);
		if (!sp ||
		    nla_put_in_addr(msg, VINE_PREFIX_A_ADDR, cfg->spaces[i].addr) ||
		    nla_put_u8(msg, VINE_PREFIX_A_LEN, cfg->spaces[i].len))
			goto out;
		nla_nest_end(msg, sp);
	}
	nla_nest_end(msg, list);
	err = 0;
out:
	mutex_unlock(&vr->lock);
	return err;
}

static int vine_fill_stats(struct sk_buff *msg, struct vine_router *vr)
{
	return vine_stats_put(msg, VINE_A_STATS, vr->stats) ?:
	       vine_drops_put(msg, vr->drops) ?:
	       vine_handshakes_put(msg, vr);
}

static int vine_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	return vine_nl_reply(info, vine_fill_status);
}

static int vine_nl_get_vr(struct sk_buff *skb, struct genl_info *info)
{
	return vine_nl_reply(info, vine_fill_vr);
}

static int vine_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	return vine_nl_reply(info, vine_fill_stats);
}

#define VINE_GET(c, fn) \
	{ .cmd = (c), .doit = (fn), .flags = GENL_UNS_ADMIN_PERM }
#define VINE_DUMP(c, fn) \
	{ .cmd = (c), .dumpit = (fn), .flags = GENL_UNS_ADMIN_PERM }
#define VINE_CHANGE(c) \
	{ .cmd = (c), .doit = vine_nl_change, .flags = GENL_UNS_ADMIN_PERM }

static const struct genl_ops vine_genl_ops[] = {
	VINE_GET(VINE_CMD_GET_STATUS, vine_nl_get_status),
	VINE_GET(VINE_CMD_GET_VR, vine_nl_get_vr),
	VINE_CHANGE(VINE_CMD_SET_VR),
	VINE_CHANGE(VINE_CMD_NEW_VN),
	VINE_CHANGE(VINE_CMD_DEL_VN),
	{
		.cmd = VINE_CMD_GET_VN,
		.doit = vine_nl_get_vn,
		.dumpit = vine_nl_dump_vn,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	VINE_CHANGE(VINE_CMD_NEW_HOST),
	VINE_CHANGE(VINE_CMD_DEL_HOST),
	VINE_DUMP(VINE_CMD_GET_HOST, vine_nl_dump_host),
	VINE_CHANGE(VINE_CMD_NEW_ROUTE),
	VINE_CHANGE(VINE_CMD_DEL_ROUTE),
	VINE_DUMP(VINE_CMD_GET_ROUTE, vine_nl_dump_route),
	VINE_CHANGE(VINE_CMD_SET_KEY),
	VINE_CHANGE(VINE_CMD_DEL_KEY),
	VINE_DUMP(VINE_CMD_GET_PEER, vine_nl_dump_peer),
	VINE_GET(VINE_CMD_GET_STATS, vine_nl_get_stats),
};

/* Events tell host addresses, routes and peers' NAT addresses. */
static const struct genl_multicast_group vine_mcgrps[] = {
	{ .name = VINE_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN, },
};

struct genl_family vine_genl_family __ro_after_init = {
	.name = VINE_GENL_NAME,
	.version = VINE_GENL_VERSION,
	.maxattr = VINE_A_MAX,
	.policy = vine_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = vine_genl_ops,
	.n_ops = ARRAY_SIZE(vine_genl_ops),
	.mcgrps = vine_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vine_mcgrps),
};

int __init vine_genl_init(void)
{
	return genl_register_family(&vine_genl_family);
}

void vine_genl_exit(void)
{
	genl_unregister_family(&vine_genl_family);
}
