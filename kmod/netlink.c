// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: the generic netlink family "vine", its only control path.
 *
 * Every command acts on the caller's network namespace and needs
 * CAP_NET_ADMIN over it. Every attribute has a policy; every rejection
 * carries an extack message.
 */
#include <net/genetlink.h>
#include <uapi/linux/vine.h>

#include "vine.h"

static const struct nla_policy vine_policy[VINE_A_MAX + 1] = {
	[VINE_A_VERSION] = { .type = NLA_REJECT,
			     .reject_message = "version is read-only" },
	[VINE_A_GENERATION] = { .type = NLA_REJECT,
				.reject_message = "generation is read-only" },
};

static struct genl_family vine_genl_family;

static int vine_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct vine_net *vn = vine_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &vine_genl_family, 0,
				VINE_CMD_GET_STATUS);
	if (!hdr)
		goto err_free;

	if (nla_put_string(msg, VINE_A_VERSION, VINE_VERSION) ||
	    nla_put_u32(msg, VINE_A_GENERATION, READ_ONCE(vn->generation)))
		goto err_free;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops vine_genl_ops[] = {
	{
		.cmd = VINE_CMD_GET_STATUS,
		.doit = vine_nl_get_status,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group vine_mcgrps[] = {
	{ .name = VINE_MCGRP_EVENTS, },
};

static struct genl_family vine_genl_family __ro_after_init = {
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
