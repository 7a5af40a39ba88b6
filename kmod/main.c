// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: module life cycle and per-namespace state.
 *
 * Every network namespace is one VR: its tables, its counters and its
 * sockets live in struct vine_net, created with the namespace and torn
 * down with it. The module is configured only over generic netlink.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <uapi/linux/vine.h>

#include "vine.h"

unsigned int vine_net_id __read_mostly;

static int __net_init vine_net_init(struct net *net)
{
	struct vine_net *vn = vine_pernet(net);

	vn->net = net;
	mutex_init(&vn->lock);
	return 0;
}

static void __net_exit vine_net_exit(struct net *net)
{
	struct vine_net *vn = vine_pernet(net);

	mutex_destroy(&vn->lock);
}

/*
 * A pernet "device" so that our exit runs before the core subsystems
 * (UDP, netfilter) of a dying namespace are torn down.
 */
static struct pernet_operations vine_net_ops = {
	.init = vine_net_init,
	.exit = vine_net_exit,
	.id = &vine_net_id,
	.size = sizeof(struct vine_net),
};

static int __init vine_init(void)
{
	int err;

	err = register_pernet_device(&vine_net_ops);
	if (err)
		return err;

	err = vine_genl_init();
	if (err)
		goto err_pernet;

	pr_info("ViNe router " VINE_VERSION " loaded\n");
	return 0;

err_pernet:
	unregister_pernet_device(&vine_net_ops);
	return err;
}

static void __exit vine_exit(void)
{
	vine_genl_exit();
	unregister_pernet_device(&vine_net_ops);
	/* Wait for every call_rcu() callback still queued to free our objects. */
	rcu_barrier();
}

module_init(vine_init);
module_exit(vine_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ViNe router: virtual networks across sites");
MODULE_AUTHOR("The ViNe developers");
MODULE_VERSION(VINE_VERSION);
MODULE_ALIAS_GENL_FAMILY(VINE_GENL_NAME);
