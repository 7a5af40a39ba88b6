// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: compute and check MACs on every CPU, keep packets in order.
 *
 * All the ViNe packets between two VRs form one UDP flow, which a NIC
 * hands to one CPU, and a host's TCP stream is intercepted on one CPU:
 * that CPU alone would compute every MAC. With a MAC mode and more than
 * one CPU online, each VR has two pipes, one for the packets it sends and
 * one for those it receives. A packet enters a pipe in order (its header
 * built, or checked); workers, kicked on every online CPU in turn, take
 * packets from the pipe in that order and compute the MAC (tx), or check
 * MAC and counter (rx), in parallel; what is done at the head of the
 * pipe is sent or delivered from there, in order, always from one CPU of
 * the pipe's: a veth hands a packet to the CPU that sends it, so packets
 * sent from two CPUs could overtake each other. This is WireGuard's data
 * path, with one queue a direction per VR.
 *
 * The hand-over costs a worker's wake-up: a packet that finds its pipe
 * idle (empty, nothing sent for VINE_PIPE_IDLE_NS) is done on the CPU
 * where it is, which becomes the pipe's CPU to send from, so that a
 * request and its answer wait for no worker. A pipe holds VINE_PIPE_MAX
 * packets; beyond that a packet is dropped (rx_busy, tx_busy). A TCP
 * stream would fill it (the CPUs are its bottleneck) and wait there
 * for hundreds of milliseconds: CoDel (RFC 8289) drops packets at the
 * head while they have waited over VINE_CODEL_TARGET_US for an interval
 * (rx_codel, tx_codel), so the senders slow down before that. Packets
 * over TCP, channel messages and packets for a limited VR do not use the
 * pipes.
 */
#include <linux/cpumask.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/skbuff.h>
#include <net/route.h>

#include "vine.h"

#define VINE_PIPE_MAX	4096
#define VINE_PIPE_BATCH	16
#define VINE_PIPE_IDLE_NS	(10 * NSEC_PER_MSEC)
#define VINE_PIPE_FLUSH_MAX	256	/* then the flush work goes on */
#define VINE_CODEL_TARGET_US	5000
#define VINE_CODEL_INTERVAL_US	100000

/* A packet in a pipe. */
struct vine_pipe_cb {
	bool done;		/* @reason is the verdict */
	u8 reason;		/* enum vine_drop, 0 when MACed or authentic */
	u32 enq_us;		/* when it entered the pipe, wrapping */
	union {
		struct vine_from from;	/* rx: where it came from (UDP) */
		struct {		/* tx: what vine_send() needs */
			struct vine_cb vcb;
			u32 peer;
			struct rtable *rt;
			__be32 saddr;
			__be32 daddr;
			__be16 dport;
		} tx;
	};
};

#define VINE_PIPE_CB(skb)	((struct vine_pipe_cb *)(skb)->cb)

struct vine_pipe_worker {
	struct work_struct work;
	struct vine_pipe *pipe;
};

static struct workqueue_struct *vine_pipe_wq;

static bool vine_pipe_is_tx(const struct vine_router *vr,
			    const struct vine_pipe *pipe)
{
	return pipe == &vr->tx_pipe;
}

/* tx: the MAC of @skb (its header built); rx: check MAC, then counter. */
static u8 vine_pipe_mac(struct vine_router *vr, struct vine_pipe *pipe,
			struct sk_buff *skb)
{
	struct vinehdr *vh = (void *)skb->data;
	const struct vine_key *key = NULL;
	const struct vine_cfg *cfg;
	struct vine_peer *p;
	u8 reason;

	rcu_read_lock();
	cfg = rcu_dereference(vr->cfg);
	if (!vine_pipe_is_tx(vr, pipe)) {
		reason = vine_verify(vr, xa_load(&vr->peers,
						 ntohl(vh->src_vr)), cfg, skb);
		goto out;
	}
	p = xa_load(&vr->peers, VINE_PIPE_CB(skb)->tx.peer);
	if (p && cfg->mac_mode != VINE_MAC_NONE)
		key = vh->flags & VINE_F_SESSION ? vine_session_tx_key(p, vh) :
						   rcu_dereference(p->key);
	if (!key)
		reason = VINE_DROP_NO_KEY;
	else if (vine_mac(key, cfg->mac_mode, skb, 0, vh->mac))
		reason = VINE_DROP_TX_ERROR;
	else
		reason = VINE_DROP_UNSPEC;
out:
	rcu_read_unlock();
	return reason;
}

/* Send or deliver @skb, done, from the head of @pipe. Under RCU, BH off. */
static void vine_pipe_out(struct vine_router *vr, struct vine_pipe *pipe,
			  struct sk_buff *skb)
{
	const struct vine_pipe_cb cb = *VINE_PIPE_CB(skb);
	const struct vine_cfg *cfg = rcu_dereference(vr->cfg);
	struct vine_peer *p;

	if (!vine_pipe_is_tx(vr, pipe)) {
		const struct vinehdr *vh = (void *)skb->data;

		vine_rcv_auth(vr, cfg, xa_load(&vr->peers, ntohl(vh->src_vr)),
			      skb, &cb.from, cb.reason);
		return;
	}
	p = xa_load(&vr->peers, cb.tx.peer);
	if (cb.reason || !p) {
		vine_drop(vr, NULL, p, cb.reason ?: VINE_DROP_TX_ERROR);
		ip_rt_put(cb.tx.rt);
		kfree_skb(skb);
		return;
	}
	*VINE_CB(skb) = cb.tx.vcb;
	vine_send(vr, cfg, p, skb, cb.tx.rt, cb.tx.saddr, cb.tx.daddr,
		  cb.tx.dport);
}

static u32 vine_now_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/*
 * CoDel's verdict on @skb, leaving the head of @pipe at @now: drop it?
 * Dropping starts once the packets have waited over the target for an
 * interval, and goes on, ever faster (interval / sqrt(count)), until one
 * has waited less. Under the pipe's lock.
 */
/*
 * The control law: interval / sqrt(@count), in microseconds. The square
 * root is taken of @count << 16, so that it keeps 8 bits of fraction: an
 * integer root of @count alone gave 100 ms for counts 1 to 3.
 */
static u32 vine_codel_gap(u32 count)
{
	return VINE_CODEL_INTERVAL_US * 256ULL / int_sqrt64((u64)count << 16);
}

static bool vine_codel_drop(struct vine_pipe *pipe, struct sk_buff *skb,
			    u32 now)
{
	struct vine_codel *c = &pipe->codel;

	if (now - VINE_PIPE_CB(skb)->enq_us < VINE_CODEL_TARGET_US) {
		c->above = false;
		c->dropping = false;
		return false;
	}
	if (!c->above) {
		c->above = true;
		c->first_above = now + VINE_CODEL_INTERVAL_US;
		return false;
	}
	if (!c->dropping) {
		if ((s32)(now - c->first_above) < 0)
			return false;
		c->dropping = true;
		/*
		 * Dropping again soon after: start near the last rate
		 * (count - 2, as the 2012 CoDel pseudocode does; RFC 8289
		 * keeps the count of the last cycle instead).
		 */
		if (c->count > 2 && (s32)(now - c->drop_next) <
		    16 * VINE_CODEL_INTERVAL_US)
			c->count -= 2;
		else
			c->count = 1;
		c->drop_next = now + vine_codel_gap(c->count);
		return true;
	}
	if ((s32)(now - c->drop_next) < 0)
		return false;
	c->count++;
	c->drop_next += vine_codel_gap(c->count);
	return true;
}

/* Mark the packets of @batch done, with their verdicts. */
static void vine_pipe_done(struct vine_pipe *pipe, struct sk_buff **batch,
			   const u8 *reason, unsigned int n)
{
	unsigned int i;

	spin_lock_bh(&pipe->order.lock);
	for (i = 0; i < n; i++) {
		VINE_PIPE_CB(batch[i])->reason = reason[i];
		VINE_PIPE_CB(batch[i])->done = true;
	}
	spin_unlock_bh(&pipe->order.lock);
}

/*
 * Send or deliver, in order, the packets done at the head of @pipe, on
 * the pipe's CPU. At most VINE_PIPE_FLUSH_MAX of them: while workers keep
 * finishing packets a flush could go on for ever, and it runs in a worker
 * (where nothing else would run on this CPU meanwhile) or with BH off.
 */
static void vine_pipe_flush(struct vine_pipe *pipe)
{
	unsigned int left = VINE_PIPE_FLUSH_MAX;
	struct vine_router *vr = pipe->vr;
	u8 late = vine_pipe_is_tx(vr, pipe) ? VINE_DROP_TX_CODEL :
					      VINE_DROP_RX_CODEL;
	struct sk_buff_head done;
	struct sk_buff *skb;
	u32 now;
	bool more;

	__skb_queue_head_init(&done);
	spin_lock_bh(&pipe->order.lock);
	if (pipe->flushing) {	/* that worker will find ours too */
		spin_unlock_bh(&pipe->order.lock);
		return;
	}
	pipe->flushing = true;
	for (;;) {
		now = vine_now_us();
		while (left && (skb = skb_peek(&pipe->order)) &&
		       VINE_PIPE_CB(skb)->done) {
			__skb_unlink(skb, &pipe->order);
			if (!VINE_PIPE_CB(skb)->reason &&
			    vine_codel_drop(pipe, skb, now))
				VINE_PIPE_CB(skb)->reason = late;
			__skb_queue_tail(&done, skb);
			left--;
		}
		if (skb_queue_empty(&done))
			break;
		spin_unlock_bh(&pipe->order.lock);

		local_bh_disable();
		rcu_read_lock();
		while ((skb = __skb_dequeue(&done)))
			vine_pipe_out(vr, pipe, skb);
		rcu_read_unlock();
		local_bh_enable();

		spin_lock_bh(&pipe->order.lock);
	}
	/* Done packets left at the head: no worker will kick for them. */
	skb = skb_peek(&pipe->order);
	more = !left && skb && VINE_PIPE_CB(skb)->done;
	pipe->flushing = false;
	pipe->flushed_ns = ktime_get_ns();
	spin_unlock_bh(&pipe->order.lock);
	if (more)
		queue_work_on(READ_ONCE(pipe->flush_cpu), vine_pipe_wq,
			      &pipe->flush_work);
}

static void vine_pipe_flush_work(struct work_struct *work)
{
	vine_pipe_flush(container_of(work, struct vine_pipe, flush_work));
}

/* Flush @pipe: here if this is its CPU, else by its work there. */
static void vine_pipe_kick_flush(struct vine_pipe *pipe)
{
	unsigned int cpu = READ_ONCE(pipe->flush_cpu);

	if (cpu == raw_smp_processor_id())
		vine_pipe_flush(pipe);
	else
		queue_work_on(cpu, vine_pipe_wq, &pipe->flush_work);
}

/* Take packets no worker took, in order, do them, flush what can go. */
static void vine_pipe_work(struct work_struct *work)
{
	struct vine_pipe_worker *w = container_of(work,
						  struct vine_pipe_worker,
						  work);
	struct vine_pipe *pipe = w->pipe;
	struct sk_buff *batch[VINE_PIPE_BATCH];
	u8 reason[VINE_PIPE_BATCH];
	unsigned int i, n;

	for (;;) {
		spin_lock_bh(&pipe->order.lock);
		for (n = 0; n < VINE_PIPE_BATCH && pipe->next; n++) {
			batch[n] = pipe->next;
			pipe->next = skb_queue_is_last(&pipe->order,
						       pipe->next) ? NULL :
				     skb_queue_next(&pipe->order, pipe->next);
		}
		spin_unlock_bh(&pipe->order.lock);
		if (!n)
			return;

		for (i = 0; i < n; i++)
			reason[i] = vine_pipe_mac(pipe->vr, pipe, batch[i]);
		vine_pipe_done(pipe, batch, reason, n);
		vine_pipe_kick_flush(pipe);
		cond_resched();
	}
}

/*
 * Empty, and nothing sent for a while: what it sent last has long left
 * any other CPU, so this one may send now. Under the pipe's lock.
 */
static bool vine_pipe_idle(struct vine_pipe *pipe)
{
	return skb_queue_empty(&pipe->order) && !pipe->flushing &&
	       ktime_get_ns() - pipe->flushed_ns > VINE_PIPE_IDLE_NS;
}

/*
 * Put @skb (its cb filled) in @pipe, and see it done: here when the
 * pipe is idle, else by a worker. Consumed.
 */
static void vine_pipe_add(struct vine_router *vr, struct vine_pipe *pipe,
			  struct sk_buff *skb)
{
	unsigned int cpu;
	bool idle;
	u8 reason;

	spin_lock_bh(&pipe->order.lock);
	if (pipe->stopped || skb_queue_len(&pipe->order) >= VINE_PIPE_MAX) {
		spin_unlock_bh(&pipe->order.lock);
		if (vine_pipe_is_tx(vr, pipe)) {
			vine_drop(vr, NULL, NULL, VINE_DROP_TX_BUSY);
			ip_rt_put(VINE_PIPE_CB(skb)->tx.rt);
		} else {
			vine_drop(vr, NULL, NULL, VINE_DROP_RX_BUSY);
		}
		kfree_skb(skb);
		return;
	}
	idle = vine_pipe_idle(pipe);
	VINE_PIPE_CB(skb)->enq_us = vine_now_us();
	__skb_queue_tail(&pipe->order, skb);
	if (idle) {	/* first in the pipe: no worker can take it */
		WRITE_ONCE(pipe->flush_cpu, raw_smp_processor_id());
		spin_unlock_bh(&pipe->order.lock);
		reason = vine_pipe_mac(vr, pipe, skb);
		vine_pipe_done(pipe, &skb, &reason, 1);
		vine_pipe_flush(pipe);
		return;
	}
	if (!pipe->next)
		pipe->next = skb;
	cpu = cpumask_next(pipe->cpu, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	pipe->cpu = cpu;
	spin_unlock_bh(&pipe->order.lock);

	queue_work_on(cpu, vine_pipe_wq, &per_cpu_ptr(pipe->workers, cpu)->work);
}

/* Share the MACs between CPUs? With a MAC mode and CPUs to share them. */
bool vine_pipes_wanted(const struct vine_cfg *cfg)
{
	return cfg->mac_mode != VINE_MAC_NONE && num_online_cpus() > 1;
}

/*
 * Take @skb (a ViNe data packet over UDP from @from, its header checked by
 * vine_rcv()) into the receive pipe; false when the caller is to verify
 * it. Under RCU with BH off.
 */
bool vine_rx_pipe_take(struct vine_router *vr, const struct vine_cfg *cfg,
		       struct sk_buff *skb, const struct vine_from *from)
{
	if (!vine_pipes_wanted(cfg) || from->conn)
		return false;
	/* The input route may be borrowed (noref), the device may go. */
	skb_dst_drop(skb);
	skb->dev = NULL;
	*VINE_PIPE_CB(skb) = (struct vine_pipe_cb){ .from = *from };
	vine_pipe_add(vr, &vr->rx_pipe, skb);
	return true;
}

/*
 * Put @skb (a ViNe packet for peer @p over UDP, its header built but its
 * MAC, VINE_CB set) and @rt (consumed too) into the send pipe, when
 * vine_pipes_wanted(). Sent, or dropped, from there. Under RCU, BH off.
 */
void vine_tx_pipe_put(struct vine_router *vr, struct vine_peer *p,
		      struct sk_buff *skb, struct rtable *rt, __be32 saddr,
		      __be32 daddr, __be16 dport)
{
	struct vine_pipe_cb cb = {
		.tx = {
			.vcb = *VINE_CB(skb),
			.peer = p->id,
			.rt = rt,
			.saddr = saddr,
			.daddr = daddr,
			.dport = dport,
		},
	};

	skb->dev = NULL;	/* the LAN device may go while it waits */
	*VINE_PIPE_CB(skb) = cb;
	vine_pipe_add(vr, &vr->tx_pipe, skb);
}

static int vine_pipe_init(struct vine_router *vr, struct vine_pipe *pipe)
{
	unsigned int cpu;

	skb_queue_head_init(&pipe->order);
	pipe->vr = vr;
	INIT_WORK(&pipe->flush_work, vine_pipe_flush_work);
	pipe->flush_cpu = cpumask_first(cpu_online_mask);
	pipe->workers = alloc_percpu(struct vine_pipe_worker);
	if (!pipe->workers)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct vine_pipe_worker *w = per_cpu_ptr(pipe->workers, cpu);

		INIT_WORK(&w->work, vine_pipe_work);
		w->pipe = pipe;
	}
	return 0;
}

int vine_pipes_init(struct vine_router *vr)
{
	return vine_pipe_init(vr, &vr->rx_pipe) ?: vine_pipe_init(vr, &vr->tx_pipe);
}

/* Stop taking packets, wait for the workers, drop what is left. */
static void vine_pipe_stop(struct vine_router *vr, struct vine_pipe *pipe)
{
	struct sk_buff *skb;
	unsigned int cpu;

	spin_lock_bh(&pipe->order.lock);
	pipe->stopped = true;
	spin_unlock_bh(&pipe->order.lock);
	for_each_possible_cpu(cpu)
		cancel_work_sync(&per_cpu_ptr(pipe->workers, cpu)->work);
	cancel_work_sync(&pipe->flush_work);
	while ((skb = skb_dequeue(&pipe->order))) {
		if (vine_pipe_is_tx(vr, pipe))
			ip_rt_put(VINE_PIPE_CB(skb)->tx.rt);
		kfree_skb(skb);
	}
	pipe->next = NULL;
}

/* Once nothing can send or receive any more (the hook and socket gone). */
void vine_pipes_stop(struct vine_router *vr)
{
	vine_pipe_stop(vr, &vr->rx_pipe);
	vine_pipe_stop(vr, &vr->tx_pipe);
}

void vine_pipes_free(struct vine_router *vr)
{
	free_percpu(vr->rx_pipe.workers);
	free_percpu(vr->tx_pipe.workers);
}

int vine_pipe_module_init(void)
{
	BUILD_BUG_ON(sizeof(struct vine_pipe_cb) >
		     sizeof_field(struct sk_buff, cb));
	vine_pipe_wq = alloc_workqueue("vine_pipe", WQ_CPU_INTENSIVE, 0);
	return vine_pipe_wq ? 0 : -ENOMEM;
}

void vine_pipe_module_exit(void)
{
	destroy_workqueue(vine_pipe_wq);
}

#ifdef VINE_SELFTEST
#include "selftest/codel.c"
#endif
