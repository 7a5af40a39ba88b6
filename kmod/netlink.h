/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ViNe router: shared by the netlink files.
 */
#ifndef _VINE_NETLINK_H
#define _VINE_NETLINK_H

#include <linux/inetdevice.h>
#include <net/genetlink.h>

#include "vine.h"

extern struct genl_family vine_genl_family;

/* A required attribute: refuse the request with a message if missing. */
#define VINE_REQUIRE(info, attr, what) ({				\
	struct genl_info *__vinfo = (info);				\
	bool __missing = GENL_REQ_ATTR_CHECK(__vinfo, attr);		\
	if (__missing)							\
		NL_SET_ERR_MSG(__vinfo->extack, "missing " what);	\
	__missing;							\
})

static inline struct nlattr **vine_dump_attrs(struct netlink_callback *cb)
{
#ifdef VINE_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* nl_tables.c: changes run under vr->lock, see vine_nl_change() */
int vine_nl_new_vn(struct vine_router *vr, struct genl_info *info);
int vine_nl_del_vn(struct vine_router *vr, struct genl_info *info);
int vine_nl_new_host(struct vine_router *vr, struct genl_info *info);
int vine_nl_del_host(struct vine_router *vr, struct genl_info *info);
int vine_nl_new_route(struct vine_router *vr, struct genl_info *info);
int vine_nl_del_route(struct vine_router *vr, struct genl_info *info);
int vine_nl_set_key(struct vine_router *vr, struct genl_info *info);
int vine_nl_del_key(struct vine_router *vr, struct genl_info *info);
int vine_nl_get_vn(struct sk_buff *skb, struct genl_info *info);
int vine_nl_dump_vn(struct sk_buff *skb, struct netlink_callback *cb);
int vine_nl_dump_host(struct sk_buff *skb, struct netlink_callback *cb);
int vine_nl_dump_route(struct sk_buff *skb, struct netlink_callback *cb);
int vine_nl_dump_peer(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _VINE_NETLINK_H */
