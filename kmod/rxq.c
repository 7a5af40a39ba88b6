// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: verify received packets on every CPU, deliver them in order.
 *
 * All the ViNe packets of a peer come in one UDP flow, which a NIC hands
 * to one CPU: that CPU alone would compute every MAC. With a MAC mode and
 * more than one CPU online, vine_rcv() checks the header, then queues the
 * packet here instead. Workers, kicked on every online CPU in turn, take
 * packets from the queue in arrival order and verify MAC and counter in
 * parallel; whichever worker finds the head of the queue verified
 * delivers from there, in arrival order, while the others go on
 * verifying. This is WireGuard's receive path, with one queue per VR.
 *
 * The hand-over costs a worker's wake-up: at low rates (at most
 * VINE_RXQ_INLINE packets a millisecond) a packet that finds the queue
 * empty is verified where it arrives, then delivered through the queue
 * like the others, so that the order holds. Packets over TCP and channel
 * messages do not use the queue (vine_rcv()). The queue holds
 * VINE_RXQ_MAX packets; beyond that a packet is dropped (rx_busy).
 */
#include <linux/cpumask.h>
#include <linux/skbuff.h>

#include "vine.h"

#define VINE_RXQ_MAX	1024
#define VINE_RXQ_BATCH	16
#define VINE_RXQ_INLINE	2

/* A queued packet: where it came from, and the verdict once verified. */
struct vine_rx_cb {
	struct vine_from from;	/* conn is NULL: UDP only */
	bool done;		/* verified: @reason is the verdict */
	u8 reason;		/* enum vine_drop, 0 when authentic */
};

#define VINE_RX_CB(skb)	((struct vine_rx_cb *)(skb)->cb)

struct vine_rx_worker {
	struct work_struct work;
	struct vine_net *vn;
};

static struct workqueue_struct *vine_rx_wq;

/* Verify @skb (its header checked by vine_rcv()): MAC, then counter. */
static u8 vine_rxq_verify(struct vine_net *vn, struct sk_buff *skb)
{
	const struct vinehdr *vh = (void *)skb->data;
	const struct vine_cfg *cfg;
	u8 reason;

	rcu_read_lock();
	cfg = rcu_dereference(vn->cfg);
	reason = cfg->mac_mode == VINE_MAC_NONE ? VINE_DROP_UNSPEC :
		 vine_verify(xa_load(&vn->peers, ntohl(vh->src_vr)),
			     cfg->mac_mode, skb);
	rcu_read_unlock();
	return reason;
}

/* Mark the packets of @batch verified, with their verdicts. */
static void vine_rxq_done(struct vine_rxq *q, struct sk_buff **batch,
			  const u8 *reason, unsigned int n)
{
	unsigned int i;

	spin_lock_bh(&q->order.lock);
	for (i = 0; i < n; i++) {
		VINE_RX_CB(batch[i])->reason = reason[i];
		VINE_RX_CB(batch[i])->done = true;
	}
	spin_unlock_bh(&q->order.lock);
}

/* Deliver, in arrival order, the verified packets at the queue's head. */
static void vine_rxq_deliver(struct vine_net *vn)
{
	struct vine_rxq *q = &vn->rxq;
	struct sk_buff_head done;
	struct sk_buff *skb;

	__skb_queue_head_init(&done);
	spin_lock_bh(&q->order.lock);
	if (q->delivering) {	/* that worker will find ours too */
		spin_unlock_bh(&q->order.lock);
		return;
	}
	q->delivering = true;
	for (;;) {
		while ((skb = skb_peek(&q->order)) && VINE_RX_CB(skb)->done) {
			__skb_unlink(skb, &q->order);
			__skb_queue_tail(&done, skb);
		}
		if (skb_queue_empty(&done))
			break;
		spin_unlock_bh(&q->order.lock);

		local_bh_disable();
		rcu_read_lock();
		while ((skb = __skb_dequeue(&done))) {
			const struct vine_rx_cb cb = *VINE_RX_CB(skb);
			const struct vinehdr *vh = (void *)skb->data;

			vine_rcv_auth(vn, rcu_dereference(vn->cfg),
				      xa_load(&vn->peers, ntohl(vh->src_vr)),
				      skb, &cb.from, cb.reason);
		}
		rcu_read_unlock();
		local_bh_enable();

		spin_lock_bh(&q->order.lock);
	}
	q->delivering = false;
	spin_unlock_bh(&q->order.lock);
}

/* Take packets not yet taken, in order, verify them, deliver what can go. */
static void vine_rxq_work(struct work_struct *work)
{
	struct vine_rx_worker *w = container_of(work, struct vine_rx_worker,
						work);
	struct vine_rxq *q = &w->vn->rxq;
	struct sk_buff *batch[VINE_RXQ_BATCH];
	unsigned int i, n;
	u8 reason[VINE_RXQ_BATCH];

	for (;;) {
		spin_lock_bh(&q->order.lock);
		for (n = 0; n < VINE_RXQ_BATCH && q->next; n++) {
			batch[n] = q->next;
			q->next = skb_queue_is_last(&q->order, q->next) ? NULL :
				  skb_queue_next(&q->order, q->next);
		}
		spin_unlock_bh(&q->order.lock);
		if (!n)
			return;

		for (i = 0; i < n; i++)
			reason[i] = vine_rxq_verify(w->vn, batch[i]);
		vine_rxq_done(q, batch, reason, n);
		vine_rxq_deliver(w->vn);
		cond_resched();
	}
}

/* Verify in parallel? With a MAC, over UDP, and with CPUs to share it. */
static bool vine_rxq_wanted(const struct vine_cfg *cfg,
			    const struct vine_from *from)
{
	return cfg->mac_mode != VINE_MAC_NONE && !from->conn &&
	       num_online_cpus() > 1;
}

/* Few packets this millisecond, none waiting: verify this one here. */
static bool vine_rxq_quiet(struct vine_rxq *q)
{
	u64 ms = div_u64(ktime_get_ns(), NSEC_PER_MSEC);

	if (ms != q->ms) {
		q->ms = ms;
		q->ms_pkts = 0;
	}
	return ++q->ms_pkts <= VINE_RXQ_INLINE && skb_queue_empty(&q->order);
}

/*
 * Take @skb (a ViNe data packet whose header vine_rcv() checked, over
 * @from) for the workers; false when the caller is to verify it.
 * Under RCU with BH off.
 */
bool vine_rxq_take(struct vine_net *vn, const struct vine_cfg *cfg,
		   struct sk_buff *skb, const struct vine_from *from)
{
	struct vine_rxq *q = &vn->rxq;
	unsigned int cpu;
	bool here;
	u8 reason;

	if (!vine_rxq_wanted(cfg, from))
		return false;
	spin_lock(&q->order.lock);
	here = vine_rxq_quiet(q);
	if (q->stopped || skb_queue_len(&q->order) >= VINE_RXQ_MAX) {
		spin_unlock(&q->order.lock);
		vine_drop(vn, NULL, NULL, VINE_DROP_RX_BUSY);
		kfree_skb(skb);
		return true;
	}
	/* The input route may be borrowed (noref), the device may go. */
	skb_dst_drop(skb);
	skb->dev = NULL;
	*VINE_RX_CB(skb) = (struct vine_rx_cb){ .from = *from };
	__skb_queue_tail(&q->order, skb);
	if (here) {	/* the queue was empty: no worker can take it */
		spin_unlock(&q->order.lock);
		reason = vine_rxq_verify(vn, skb);
		vine_rxq_done(q, &skb, &reason, 1);
		vine_rxq_deliver(vn);
		return true;
	}
	if (!q->next)
		q->next = skb;
	cpu = cpumask_next(q->cpu, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	q->cpu = cpu;
	spin_unlock(&q->order.lock);

	queue_work_on(cpu, vine_rx_wq, &per_cpu_ptr(q->workers, cpu)->work);
	return true;
}

int vine_rxq_init(struct vine_net *vn)
{
	struct vine_rxq *q = &vn->rxq;
	unsigned int cpu;

	skb_queue_head_init(&q->order);
	q->workers = alloc_percpu(struct vine_rx_worker);
	if (!q->workers)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct vine_rx_worker *w = per_cpu_ptr(q->workers, cpu);

		INIT_WORK(&w->work, vine_rxq_work);
		w->vn = vn;
	}
	return 0;
}

/*
 * After the socket is closed: stop queueing, wait for the workers and
 * drop what is left.
 */
void vine_rxq_stop(struct vine_net *vn)
{
	struct vine_rxq *q = &vn->rxq;
	unsigned int cpu;

	spin_lock_bh(&q->order.lock);
	q->stopped = true;
	spin_unlock_bh(&q->order.lock);
	for_each_possible_cpu(cpu)
		cancel_work_sync(&per_cpu_ptr(q->workers, cpu)->work);
	skb_queue_purge(&q->order);
	q->next = NULL;
	free_percpu(q->workers);
	q->workers = NULL;
}

int vine_rxq_module_init(void)
{
	vine_rx_wq = alloc_workqueue("vine_rx", WQ_CPU_INTENSIVE, 0);
	return vine_rx_wq ? 0 : -ENOMEM;
}

void vine_rxq_module_exit(void)
{
	destroy_workqueue(vine_rx_wq);
}
