/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ViNe router: state shared by the module's files.
 */
#ifndef _VINE_H
#define _VINE_H

#include <linux/mutex.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/**
 * struct vine_net - one ViNe router (VR): the state of one network namespace
 * @net: the namespace this VR lives in
 * @lock: see below
 * @generation: grows by one on every successful configuration change;
 *	written under @lock, read locklessly
 */
struct vine_net {
	struct net *net;
	struct mutex lock; /* writers of config and tables; readers use RCU */
	u32 generation;
};

extern unsigned int vine_net_id;

static inline struct vine_net *vine_pernet(const struct net *net)
{
	return net_generic(net, vine_net_id);
}

int vine_genl_init(void);
void vine_genl_exit(void);

#endif /* _VINE_H */
