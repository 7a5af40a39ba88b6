// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: module life cycle and per-namespace state.
 *
 * Every network namespace is one VR: its tables, its counters and its
 * sockets live in struct vine_router, created with the namespace and torn
 * down with it. The module is configured only over generic netlink.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <uapi/linux/vine.h>

#include "vine.h"
#include "selftest/selftest.h"

unsigned int vine_net_id __read_mostly;
struct workqueue_struct *vine_wq;

static int __net_init vine_net_init(struct net *net)
{
	struct vine_router *vr = vine_pernet(net);
	struct vine_cfg *cfg;

	vr->net = net;
	mutex_init(&vr->lock);
	vine_tables_init(vr);
	vine_chan_init(vr);
	vine_tcp_init(vr);
	vine_sessions_init(vr);

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	vr->stats = vine_stats_alloc();
	vr->drops = vine_drops_alloc();
	if (!cfg || !vr->stats || !vr->drops || vine_pipes_init(vr)) {
		kfree(cfg);
		free_percpu(vr->stats);
		free_percpu(vr->drops);
		vine_pipes_free(vr);
		return -ENOMEM;
	}
	cfg->port = VINE_DEFAULT_PORT;
	cfg->mac_mode = VINE_MAC_HMAC_SHA256;
	cfg->poll = VINE_POLL_UDP;
	cfg->poll_ms = VINE_DEFAULT_POLL_MS;
	cfg->queue_size = VINE_DEFAULT_QUEUE_SIZE;
	cfg->queue_bytes = VINE_DEFAULT_QUEUE_BYTES;
	RCU_INIT_POINTER(vr->cfg, cfg);
	return 0;
}

/*
 * Context: process; the namespace's last user is gone, but packets and
 * works of ours may still be in flight until the steps below stop them.
 */
static void __net_exit vine_net_exit(struct net *net)
{
	struct vine_router *vr = vine_pernet(net);

	/*
	 * The teardown order, once: stop every entry point (the hook, UDP,
	 * then TCP, which also opens nothing more), wait for receivers in
	 * flight, drain the pipes they fed; only then stop the channel
	 * work, which nothing can re-arm any more, and empty the tables.
	 */
	mutex_lock(&vr->lock);
	vine_hook_unregister(vr);
	vine_socket_close(vr);
	mutex_unlock(&vr->lock);
	vine_tcp_stop(vr);
	synchronize_net();	/* no receiver still queues */
	vine_pipes_stop(vr);
	vine_chan_stop(vr);
	vine_sessions_stop(vr);
	vine_tables_flush(vr);

	kfree(rcu_dereference_protected(vr->cfg, true));
	vine_identity_free(vr);
	free_percpu(vr->stats);
	free_percpu(vr->drops);
	vine_pipes_free(vr);
	mutex_destroy(&vr->lock);
}

/*
 * A pernet "device" so that our exit runs before the core subsystems
 * (UDP, netfilter) of a dying namespace are torn down.
 */
static struct pernet_operations vine_net_ops = {
	.init = vine_net_init,
	.exit = vine_net_exit,
	.id = &vine_net_id,
	.size = sizeof(struct vine_router),
};

static int __init vine_init(void)
{
	int err;

	vine_wq = alloc_workqueue("vine", 0, 0);
	if (!vine_wq)
		return -ENOMEM;
	err = vine_pipe_module_init();
	if (err)
		goto err_wq;
	err = vine_peer_module_init();
	if (err)
		goto err_pipe;
	err = vine_tcp_module_init();
	if (err)
		goto err_tables;
	err = vine_selftest();	/* selftest=1, VINE_SELFTEST=y builds */
	if (err)
		goto err_tcp;

	err = register_pernet_device(&vine_net_ops);
	if (err)
		goto err_tcp;

	err = vine_genl_init();
	if (err)
		goto err_pernet;

	pr_info("ViNe router " VINE_VERSION " loaded\n");
	return 0;

err_pernet:
	unregister_pernet_device(&vine_net_ops);
err_tcp:
	vine_tcp_module_exit();
err_tables:
	vine_peer_module_exit();
err_pipe:
	vine_pipe_module_exit();
err_wq:
	destroy_workqueue(vine_wq);
	return err;
}

static void __exit vine_exit(void)
{
	vine_genl_exit();
	unregister_pernet_device(&vine_net_ops);
	/* Every call_rcu() has run (and queued its rcu_work); drain them. */
	rcu_barrier();
	destroy_workqueue(vine_wq);
	vine_pipe_module_exit();
	/* Their own caches: one object left is a leak, and warns here. */
	vine_tcp_module_exit();
	vine_peer_module_exit();
}

module_init(vine_init);
module_exit(vine_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ViNe router: virtual networks across sites");
MODULE_AUTHOR("The ViNe developers");
MODULE_VERSION(VINE_VERSION);
MODULE_ALIAS_GENL_FAMILY(VINE_GENL_NAME);
