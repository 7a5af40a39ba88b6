// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: the TCP transport, for GNDT routes of proto tcp and for
 * limited VRs whose channel to their queue VR is TCP (poll tcp, channel).
 *
 * A TCP connection carries ViNe packets back to back, each framed by the
 * size field of its header (header included; GSO packets are cut first).
 * The receive side reassembles them with the kernel's stream parser and
 * hands each to the same checks as a UDP datagram (receive.c).
 *
 * A peer has at most one connection it sends on (vine_peer.conn): one we
 * opened (the route to it says tcp, or it is our queue VR and we are
 * limited), or one it opened to us and proved its own with its first
 * authenticated packet. Either side may use it both ways. Packets for a
 * connection wait in its backlog (VINE_TCP_BACKLOG bytes at most) while
 * it connects or its socket is full; a work sends them in order. A
 * failed connection is retried on the next packet after a backoff that
 * doubles from VINE_TCP_RETRY_MIN to VINE_TCP_RETRY_MAX; packets in
 * between are dropped as tcp_down. A VR accepts VINE_TCP_MAX_CONNS
 * connections at most, and closes one opened to it that has not proved
 * its peer within VINE_TCP_PROVE; when full, a new one takes the place of
 * the oldest that has proved nothing yet. Those it opens itself (one a
 * peer) do not count: strangers cannot keep a VR from its peers. A
 * connection that carries nothing either way for VINE_TCP_IDLE is
 * closed, unless it is a channel's (its peer is our queue VR or a
 * limited VR we serve).
 *
 * Every change of a connection's state, and its end, happens in its work;
 * it is freed after an RCU grace period, as the data path finds it under
 * RCU. Sockets close with an abort (no linger): nothing outlives the
 * namespace.
 */
#include <linux/sizes.h>
#include <linux/tcp.h>
#include <net/strparser.h>
#include <net/tcp.h>

#include "vine.h"

#define VINE_TCP_BACKLOG	SZ_1M
#define VINE_TCP_MAX_CONNS	256
#define VINE_TCP_RETRY_MIN	250	/* ms */
#define VINE_TCP_RETRY_MAX	10000	/* ms */
#define VINE_TCP_TIMEOUT	10000	/* ms of unacknowledged data: dead */
#define VINE_TCP_PROVE		5000	/* ms for an accepted one to prove */
#define VINE_TCP_IDLE		30000	/* ms with no packet: closed */

enum vine_conn_state {
	VINE_CONN_NEW,		/* outgoing, no socket yet */
	VINE_CONN_CONNECTING,
	VINE_CONN_UP,
	VINE_CONN_DEAD,
};

/**
 * struct vine_conn - one TCP connection with another VR
 * @vr: our VR
 * @sock: its socket (NULL while VINE_CONN_NEW)
 * @strp: cuts the byte stream into ViNe packets
 * @backlog: packets to send, in order; @backlog.lock guards @state changes to
 *	VINE_CONN_DEAD and @backlog_bytes
 * @backlog_bytes: bytes in @backlog
 * @tx_off: bytes of the head of @backlog already sent
 * @work: connects, sends, notices the end, tears down
 * @accepted: jiffies when we accepted it (0: we opened it)
 * @free: frees it after a grace period
 * @node: in vr->conns (under vr->conns_lock); empty once it is dying
 * @peer_id: the peer it serves: set when we open it, or at the first
 *	authenticated packet when it was opened to us; 0 before
 * @daddr: the other end's address
 * @dport: the other end's port
 * @state: enum vine_conn_state
 * @closing: asked to close
 * @releasing: no longer the peer's (vine_tcp_release()): close once all
 *	sent is acknowledged, and no sender can still find it (@gp)
 * @gp: the RCU grace period that follows the release
 * @was_up: reached VINE_CONN_UP once
 * @data_ready: the socket's own callbacks, put back at the end
 * @write_space: see @data_ready
 * @state_change: see @data_ready
 */
struct vine_conn {
	struct vine_router *vr;
	struct socket *sock;
	struct strparser strp;
	struct sk_buff_head backlog;
	unsigned int backlog_bytes;
	unsigned int tx_off;
	struct delayed_work work;
	unsigned long accepted;
	struct rcu_work free;
	struct list_head node;
	u32 peer_id;
	__be32 daddr;
	__be16 dport;
	u8 state;
	bool closing;
	bool releasing;
	unsigned long gp;
	bool was_up;
	void (*data_ready)(struct sock *sk);
	void (*write_space)(struct sock *sk);
	void (*state_change)(struct sock *sk);
};

static struct kmem_cache *vine_conn_cache __read_mostly;

u8 vine_tcp_state(struct vine_peer *p)
{
	struct vine_conn *c = rcu_dereference(p->conn);

	if (!c)
		return VINE_TCP_NONE;
	return READ_ONCE(c->state) == VINE_CONN_UP ? VINE_TCP_UP :
						     VINE_TCP_CONNECTING;
}

static void vine_conn_kick(struct vine_conn *c)
{
	mod_delayed_work(vine_wq, &c->work, 0);
}

/* Ask @c to close; from any context. */
static void vine_conn_close(struct vine_conn *c)
{
	WRITE_ONCE(c->closing, true);
	vine_conn_kick(c);
}

/* ---- socket callbacks (softirq or process context) ------------------- */

static void vine_tcp_data_ready(struct sock *sk)
{
	struct vine_conn *c;

	rcu_read_lock();
	c = rcu_dereference_sk_user_data(sk);
	if (c)
		strp_data_ready(&c->strp);
	rcu_read_unlock();
}

/* Room to send, or a new state: the socket's own callback, then our work. */
static void vine_tcp_wake(struct sock *sk, bool space)
{
	struct vine_conn *c;

	rcu_read_lock();
	c = rcu_dereference_sk_user_data(sk);
	if (c) {
		if (space)
			c->write_space(sk);
		else
			c->state_change(sk);
		vine_conn_kick(c);
	}
	rcu_read_unlock();
}

static void vine_tcp_write_space(struct sock *sk)
{
	vine_tcp_wake(sk, true);
}

static void vine_tcp_state_change(struct sock *sk)
{
	vine_tcp_wake(sk, false);
}

/* ---- receive: the stream parser ------------------------------------- */

/* The length of the ViNe packet at the parser's offset; 0: need more. */
static int vine_tcp_parse(struct strparser *strp, struct sk_buff *skb)
{
	struct strp_msg *msg = strp_msg(skb);
	struct vinehdr vh;
	unsigned int size;

	if (skb->len - msg->offset < sizeof(vh))
		return 0;
	if (skb_copy_bits(skb, msg->offset, &vh, sizeof(vh)))
		return -EINVAL;
	size = ntohs(vh.size);
	if (vh.version != VINE_WIRE_VERSION || size < sizeof(vh))
		return -EPROTO;
	return size;
}

static void vine_tcp_rcv(struct strparser *strp, struct sk_buff *skb)
{
	struct vine_conn *c = container_of(strp, struct vine_conn, strp);
	unsigned int off = strp_msg(skb)->offset, len = strp_msg(skb)->full_len;
	struct sk_buff *nskb;
	struct vine_from from = {
		.saddr = c->daddr,
		.sport = c->dport,
		.daddr = inet_sk(c->sock->sk)->inet_saddr,
		.conn = c,
	};

	/*
	 * @skb is a clone of what TCP received, the packet maybe deep in a
	 * big buffer (header offsets are 16 bits) and with the GSO state of
	 * a GRO packet: copy the packet alone into a fresh buffer.
	 */
	nskb = alloc_skb(LL_MAX_HEADER + VINE_OVERHEAD + len, GFP_ATOMIC);
	if (nskb) {
		skb_reserve(nskb, LL_MAX_HEADER + VINE_OVERHEAD);
		if (skb_copy_bits(skb, off, skb_put(nskb, len), len)) {
			kfree_skb(nskb);
			nskb = NULL;
		}
	}
	consume_skb(skb);
	if (!nskb)
		return;
	skb = nskb;
	local_bh_disable();
	rcu_read_lock();
	vine_rcv(c->vr, skb, &from);
	rcu_read_unlock();
	local_bh_enable();
}

/* A stream that is not ViNe packets: count it and close. */
static void vine_tcp_abort(struct strparser *strp, int err)
{
	struct vine_conn *c = container_of(strp, struct vine_conn, strp);

	strp_stop(strp);
	local_bh_disable();
	vine_drop(c->vr, NULL, NULL, err == -EPROTO ? VINE_DROP_BAD_VERSION :
						      VINE_DROP_MALFORMED);
	local_bh_enable();
	vine_conn_close(c);
}

static const struct strp_callbacks vine_strp_cb = {
	.parse_msg = vine_tcp_parse,
	.rcv_msg = vine_tcp_rcv,
	.abort_parser = vine_tcp_abort,
};

/* ---- connection life ------------------------------------------------ */

/* Take over @sock's callbacks and parse what it receives. */
static int vine_conn_attach(struct vine_conn *c, struct socket *sock)
{
	struct sock *sk = sock->sk;
	int err;

	err = strp_init(&c->strp, sk, &vine_strp_cb);
	if (err)
		return err;
	sock_no_linger(sk);
	tcp_sock_set_nodelay(sk);
	tcp_sock_set_user_timeout(sk, VINE_TCP_TIMEOUT);
	c->sock = sock;
	write_lock_bh(&sk->sk_callback_lock);
	c->data_ready = sk->sk_data_ready;
	c->write_space = sk->sk_write_space;
	c->state_change = sk->sk_state_change;
	sk->sk_data_ready = vine_tcp_data_ready;
	sk->sk_write_space = vine_tcp_write_space;
	sk->sk_state_change = vine_tcp_state_change;
	rcu_assign_sk_user_data(sk, c);
	write_unlock_bh(&sk->sk_callback_lock);
	return 0;
}

/* Open an outgoing connection, without waiting for it. */
static int vine_conn_start(struct vine_conn *c)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = c->daddr,
		.sin_port = c->dport,
	};
	struct socket *sock;
	int err;

	err = sock_create_kern(c->vr->net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (err)
		return err;
	tcp_sock_set_syncnt(sock->sk, 2);
	err = vine_conn_attach(c, sock);
	if (err) {
		sock_release(sock);
		return err;
	}
	WRITE_ONCE(c->state, VINE_CONN_CONNECTING);
	err = kernel_connect(sock, (struct sockaddr *)&sin, sizeof(sin),
			     O_NONBLOCK);
	return err == -EINPROGRESS ? 0 : err;
}

/*
 * Send what waits, as far as the socket takes it. Corked meanwhile: a
 * burst of packets leaves in full segments, not each in its own (a
 * 1472-byte ViNe packet would otherwise take a full segment and a small
 * one).
 */
static int vine_conn_drain(struct vine_conn *c)
{
	struct sock *sk = c->sock->sk;
	struct sk_buff *skb;
	int ret = 0;

	tcp_sock_set_cork(sk, true);
	lock_sock(sk);
	for (;;) {
		spin_lock_bh(&c->backlog.lock);
		skb = skb_peek(&c->backlog);
		spin_unlock_bh(&c->backlog.lock);
		if (!skb)
			break;
		ret = skb_send_sock_locked(sk, skb, c->tx_off,
					   skb->len - c->tx_off);
		if (ret < 0)
			break;
		c->tx_off += ret;
		if (c->tx_off < skb->len)
			continue;
		c->tx_off = 0;
		spin_lock_bh(&c->backlog.lock);
		__skb_unlink(skb, &c->backlog);
		c->backlog_bytes -= skb->len;
		spin_unlock_bh(&c->backlog.lock);
		consume_skb(skb);
	}
	release_sock(sk);
	tcp_sock_set_cork(sk, false);
	return ret == -EAGAIN ? 0 : min(ret, 0);
}

/*
 * The end of @c: no more sending, its packets dropped, the peer told, the
 * socket closed. In its work, or at namespace exit when no work runs.
 */
static void vine_conn_end(struct vine_conn *c)
{
	struct vine_router *vr = c->vr;
	struct sk_buff_head dropped;
	struct vine_peer *p;
	struct sock *sk;
	unsigned int n;

	__skb_queue_head_init(&dropped);
	spin_lock_bh(&c->backlog.lock);
	WRITE_ONCE(c->state, VINE_CONN_DEAD);
	skb_queue_splice_init(&c->backlog, &dropped);
	c->backlog_bytes = 0;
	spin_unlock_bh(&c->backlog.lock);

	n = skb_queue_len(&dropped);
	__skb_queue_purge(&dropped);

	rcu_read_lock();
	p = c->peer_id ? xa_load(&vr->peers, c->peer_id) : NULL;
	if (p && unrcu_pointer(cmpxchg(&p->conn, RCU_INITIALIZER(c), NULL)) == c) {
		unsigned int ms = c->was_up ? 0 :
			clamp(2 * READ_ONCE(p->tcp_retry_ms),
			      VINE_TCP_RETRY_MIN, VINE_TCP_RETRY_MAX);

		WRITE_ONCE(p->tcp_retry_ms, ms);
		WRITE_ONCE(p->tcp_retry, jiffies + msecs_to_jiffies(ms));
		vine_chan_conn_gone(p);
	}
	local_bh_disable();
	while (n--)
		vine_drop(vr, NULL, p, VINE_DROP_TCP_DOWN);
	local_bh_enable();
	rcu_read_unlock();

	if (!c->sock)
		return;
	sk = c->sock->sk;
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_data_ready = c->data_ready;
	sk->sk_write_space = c->write_space;
	sk->sk_state_change = c->state_change;
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	strp_stop(&c->strp);
	strp_done(&c->strp);
	kernel_sock_shutdown(c->sock, SHUT_RDWR);
	sock_release(c->sock);
	c->sock = NULL;
}

static void vine_conn_free(struct work_struct *work)
{
	struct vine_conn *c = container_of(to_rcu_work(work),
					   struct vine_conn, free);

	cancel_delayed_work_sync(&c->work);
	kmem_cache_free(vine_conn_cache, c);
}

/* Take @c out of the VR's list; false if someone else did. */
static bool vine_conn_unlist(struct vine_conn *c)
{
	struct vine_router *vr = c->vr;
	bool mine;

	spin_lock_bh(&vr->conns_lock);
	mine = !list_empty(&c->node);
	if (mine) {
		list_del_init(&c->node);
		vr->naccepted -= !!c->accepted;
	}
	spin_unlock_bh(&vr->conns_lock);
	return mine;
}

/* Does @c serve a channel: is its peer our queue VR or a limited VR? */
static bool vine_conn_channel(struct vine_conn *c)
{
	struct vine_peer *p;
	bool chan;

	rcu_read_lock();
	p = xa_load(&c->vr->peers, READ_ONCE(c->peer_id));
	chan = p && READ_ONCE(p->role) != VINE_ROLE_NONE;
	rcu_read_unlock();
	return chan;
}

/*
 * How long @c has carried no data either way, in jiffies: TCP keeps the
 * times of the last data sent and received (from the handshake on).
 */
static u32 vine_conn_unused_for(struct vine_conn *c)
{
	const struct sock *sk = c->sock->sk;
	u32 now = tcp_jiffies32;
	u32 snd = now - READ_ONCE(tcp_sk(sk)->lsndtime);
	u32 rcv = now - READ_ONCE(inet_csk(sk)->icsk_ack.lrcvtime);

	return snd < rcv ? snd : rcv;
}

/*
 * A released connection has nothing more to do: no sender can find it
 * any more, nothing waits to be sent and all it sent is acknowledged.
 */
static bool vine_conn_drained(struct vine_conn *c)
{
	struct sock *sk = c->sock->sk;
	bool idle;

	if (!poll_state_synchronize_rcu(c->gp))
		return false;
	spin_lock_bh(&c->backlog.lock);
	idle = skb_queue_empty(&c->backlog);
	spin_unlock_bh(&c->backlog.lock);
	lock_sock(sk);
	idle = idle && tcp_sk(sk)->snd_una == tcp_sk(sk)->write_seq;
	release_sock(sk);
	return idle;
}

static void vine_conn_work(struct work_struct *work)
{
	struct vine_conn *c = container_of(to_delayed_work(work),
					   struct vine_conn, work);
	unsigned long deadline, idle = msecs_to_jiffies(VINE_TCP_IDLE);
	u32 unused;
	int err = 0;

	if (READ_ONCE(c->state) == VINE_CONN_DEAD)
		return;
	if (READ_ONCE(c->closing))
		goto end;
	if (c->state == VINE_CONN_NEW) {
		err = vine_conn_start(c);
		if (err)
			goto end;
	}
	switch (c->sock->sk->sk_state) {
	case TCP_SYN_SENT:
		return;		/* state_change brings us back */
	case TCP_ESTABLISHED:
		if (c->state == VINE_CONN_CONNECTING) {
			c->was_up = true;
			WRITE_ONCE(c->state, VINE_CONN_UP);
			strp_check_rcv(&c->strp);
		}
		err = vine_conn_drain(c);
		if (err)
			break;
		/* Pairs with vine_tcp_release(): @gp is set. */
		if (smp_load_acquire(&c->releasing)) {
			if (vine_conn_drained(c))
				break;
			queue_delayed_work(vine_wq, &c->work, HZ / 20);
			return;
		}
		if (c->accepted && !READ_ONCE(c->peer_id)) {
			/* Opened to us by someone who has not proved who it is. */
			deadline = c->accepted + msecs_to_jiffies(VINE_TCP_PROVE);
			if (time_before(jiffies, deadline)) {
				queue_delayed_work(vine_wq, &c->work,
						   deadline - jiffies);
				return;
			}
			break;
		}
		unused = vine_conn_unused_for(c);
		if (unused < idle) {
			queue_delayed_work(vine_wq, &c->work, idle - unused);
			return;
		}
		if (vine_conn_channel(c)) {
			queue_delayed_work(vine_wq, &c->work, idle);
			return;
		}
		break;		/* idle */
	default:
		break;		/* closed, by the other side or by an error */
	}
end:
	if (!vine_conn_unlist(c))
		return;		/* namespace exit ends it */
	vine_conn_end(c);
	queue_rcu_work(vine_wq, &c->free);
}

static struct vine_conn *vine_conn_alloc(struct vine_router *vr, gfp_t gfp)
{
	struct vine_conn *c = kmem_cache_zalloc(vine_conn_cache, gfp);

	if (!c)
		return NULL;
	c->vr = vr;
	skb_queue_head_init(&c->backlog);
	INIT_DELAYED_WORK(&c->work, vine_conn_work);
	INIT_RCU_WORK(&c->free, vine_conn_free);
	INIT_LIST_HEAD(&c->node);
	return c;
}

/* End @c, out of the VR's list already, now; in process context. */
static void vine_conn_kill(struct vine_conn *c)
{
	WRITE_ONCE(c->closing, true);
	cancel_delayed_work_sync(&c->work);
	vine_conn_end(c);
	queue_rcu_work(vine_wq, &c->free);
}

/* Put @c in the VR's list, if there is room. */
static bool vine_conn_list(struct vine_conn *c)
{
	struct vine_router *vr = c->vr;
	bool room;

	spin_lock_bh(&vr->conns_lock);
	room = !vr->tcp_stopped &&
	       (!c->accepted || vr->naccepted < VINE_TCP_MAX_CONNS);
	if (room) {
		list_add_tail(&c->node, &vr->conns);
		vr->naccepted += !!c->accepted;
	}
	spin_unlock_bh(&vr->conns_lock);
	return room;
}

/*
 * Make @c the connection @p sends on, in the place of @old, unless @c has
 * ended: vine_conn_end() marks it dead under the same lock before it takes
 * it from its peer, so an ended connection is never put back (it is freed
 * a grace period later).
 */
static bool vine_conn_install(struct vine_peer *p, struct vine_conn *old,
			      struct vine_conn *c)
{
	bool done;

	spin_lock_bh(&c->backlog.lock);
	done = c->state != VINE_CONN_DEAD &&
	       unrcu_pointer(cmpxchg(&p->conn, RCU_INITIALIZER(old),
				     RCU_INITIALIZER(c))) == old;
	spin_unlock_bh(&c->backlog.lock);
	return done;
}

/* ---- sending -------------------------------------------------------- */

/* Queue @skb (consumed) on @c; under RCU with BH off. */
static void vine_conn_queue(struct vine_conn *c, struct vine_peer *p,
			    struct sk_buff *skb)
{
	enum vine_drop reason = VINE_DROP_UNSPEC;
	bool kick;

	/*
	 * Wake the work only for the first packet of a burst: with more
	 * waiting, it is sending them (it stops only on an empty backlog)
	 * or waits for room (write_space wakes it).
	 */
	spin_lock(&c->backlog.lock);
	kick = c->state == VINE_CONN_UP && skb_queue_empty(&c->backlog);
	if (c->state == VINE_CONN_DEAD) {
		reason = VINE_DROP_TCP_DOWN;
	} else if (c->backlog_bytes + skb->len > VINE_TCP_BACKLOG) {
		reason = VINE_DROP_TCP_FULL;
	} else {
		__skb_queue_tail(&c->backlog, skb);
		c->backlog_bytes += skb->len;
	}
	spin_unlock(&c->backlog.lock);
	if (reason) {
		vine_drop(c->vr, NULL, p, reason);
		kfree_skb(skb);
	} else if (kick) {
		vine_conn_kick(c);
	}
}

/*
 * Send a ViNe packet (@skb->data at its header, consumed) to peer @p at
 * @daddr:@dport over TCP, opening the connection if there is none and we
 * may: never to a limited VR, which only calls us. Under RCU, BH off.
 */
void vine_tcp_send(struct vine_router *vr, struct vine_peer *p, __be32 daddr,
		   __be16 dport, struct sk_buff *skb)
{
	struct vine_conn *c = rcu_dereference(p->conn);

	VINE_ASSERT_RCU();
	if (!c) {
		if (READ_ONCE(p->role) == VINE_ROLE_LIMITED ||
		    time_before(jiffies, READ_ONCE(p->tcp_retry)))
			goto down;
		c = vine_conn_alloc(vr, GFP_ATOMIC);
		if (!c)
			goto down;
		c->peer_id = p->id;
		c->daddr = daddr;
		c->dport = dport;
		if (!vine_conn_list(c)) {
			kmem_cache_free(vine_conn_cache, c);
			goto down;
		}
		if (!vine_conn_install(p, NULL, c)) {
			/* Another sender won, or namespace exit ended @c. */
			if (vine_conn_unlist(c))
				kmem_cache_free(vine_conn_cache, c);
			c = rcu_dereference(p->conn);
			if (!c)
				goto down;
		} else {
			vine_conn_kick(c);
		}
	}
	vine_conn_queue(c, p, skb);
	return;
down:
	vine_drop(vr, NULL, p, VINE_DROP_TCP_DOWN);
	kfree_skb(skb);
}

/*
 * An authenticated packet from peer @p came over @c: a connection opened
 * to us becomes @p's, and the one we send on if we have none. A peer opens
 * a new connection when its old one died on its side: one it opened
 * before gives way (closed). So does any other when @take (a GET: a
 * limited VR calls from behind its NAT). Under RCU.
 */
void vine_tcp_seen(struct vine_conn *c, struct vine_peer *p, bool take)
{
	struct vine_conn *old = rcu_dereference(p->conn);

	if (!c->peer_id)
		WRITE_ONCE(c->peer_id, p->id);
	if (old == c || c->peer_id != p->id ||
	    READ_ONCE(c->state) == VINE_CONN_DEAD)
		return;
	if (!take && old &&
	    !(c->accepted && old->accepted &&
	      time_before(old->accepted, c->accepted)))
		return;
	if (vine_conn_install(p, old, c) && old)
		vine_conn_close(old);
}

/*
 * The live connection that came from @saddr:@sport, opened to us: where
 * a handshake message arrived (session.c), looked up again once the
 * handshake is done. Under RCU, which keeps what it returns.
 */
struct vine_conn *vine_tcp_find(struct vine_router *vr, __be32 saddr,
				__be16 sport)
{
	struct vine_conn *c, *found = NULL;

	spin_lock_bh(&vr->conns_lock);
	list_for_each_entry(c, &vr->conns, node)
		if (c->accepted && c->daddr == saddr && c->dport == sport &&
		    READ_ONCE(c->state) != VINE_CONN_DEAD) {
			found = c;
			break;
		}
	spin_unlock_bh(&vr->conns_lock);
	return found;
}

/* Close the connection @p sends on, if any (a channel found dead). */
void vine_tcp_reset(struct vine_peer *p)
{
	struct vine_conn *c;

	rcu_read_lock();
	c = rcu_dereference(p->conn);
	if (c)
		vine_conn_close(c);
	rcu_read_unlock();
}

/*
 * Done with @c, which served @p (poll tcp: the poll is answered): the
 * next packet for @p opens a new connection; @c closes once it has sent
 * what it holds. Under RCU.
 */
void vine_tcp_release(struct vine_peer *p, struct vine_conn *c)
{
	if (unrcu_pointer(cmpxchg(&p->conn, RCU_INITIALIZER(c), NULL)) != c)
		return;
	c->gp = start_poll_synchronize_rcu();
	smp_store_release(&c->releasing, true);	/* @gp first */
	vine_conn_kick(c);
}

/* ---- accepting ------------------------------------------------------ */

static void vine_tcp_listen_ready(struct sock *sk)
{
	struct vine_router *vr;

	rcu_read_lock();
	vr = rcu_dereference_sk_user_data(sk);
	if (vr)
		queue_work(vine_wq, &vr->accept_work);
	rcu_read_unlock();
}

/*
 * Put @c, just accepted, in the VR's list; when it is full, in the place
 * of the oldest connection that has proved nothing, returned in @victim
 * to be ended. False if there is no room either way.
 */
static bool vine_conn_list_accepted(struct vine_conn *c,
				    struct vine_conn **victim)
{
	struct vine_router *vr = c->vr;
	struct vine_conn *old;

	*victim = NULL;
	if (vine_conn_list(c))
		return true;
	spin_lock_bh(&vr->conns_lock);
	list_for_each_entry(old, &vr->conns, node) {
		if (old->accepted && !READ_ONCE(old->peer_id)) {
			list_replace_init(&old->node, &c->node);
			list_move_tail(&c->node, &vr->conns);
			*victim = old;
			break;
		}
	}
	spin_unlock_bh(&vr->conns_lock);
	return *victim;
}

static void vine_tcp_accept(struct vine_router *vr, struct socket *sock)
{
	struct vine_conn *c = vine_conn_alloc(vr, GFP_KERNEL), *victim;
	struct sockaddr_in sin;

	if (!c || kernel_getpeername(sock, (struct sockaddr *)&sin) < 0)
		goto out;
	c->daddr = sin.sin_addr.s_addr;
	c->dport = sin.sin_port;
	c->state = VINE_CONN_UP;
	c->was_up = true;
	c->accepted = jiffies ?: 1;
	if (!vine_conn_list_accepted(c, &victim))
		goto out;
	if (victim)
		vine_conn_kill(victim);
	if (vine_conn_attach(c, sock)) {
		vine_conn_unlist(c);
		goto out;
	}
	strp_check_rcv(&c->strp);
	vine_conn_kick(c);	/* in case it closed already */
	return;
out:
	sock_no_linger(sock->sk);
	sock_release(sock);
	if (c)
		kmem_cache_free(vine_conn_cache, c);
}

static void vine_accept_work(struct work_struct *work)
{
	struct vine_router *vr = container_of(work, struct vine_router, accept_work);
	struct socket *sock;

	mutex_lock(&vr->tcp_lock);
	while (vr->listener &&
	       !kernel_accept(vr->listener, &sock, O_NONBLOCK))
		vine_tcp_accept(vr, sock);
	mutex_unlock(&vr->tcp_lock);
}

static void vine_listener_close(struct vine_router *vr, struct socket *sock)
{
	struct sock *sk = sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_data_ready = vr->listen_data_ready;
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	sock_release(sock);
}

/*
 * A socket listening on TCP @port in *@sockp, not used yet: a change of
 * port opens every new socket before it replaces any (vine_tcp_listen()).
 */
int vine_tcp_listen_open(struct vine_router *vr, u16 port, struct socket **sockp)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
		.sin_port = htons(port),
	};
	struct socket *sock;
	int err;

	err = sock_create_kern(vr->net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (err)
		return err;
	sock_set_reuseaddr(sock->sk);
	err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	if (!err)
		err = kernel_listen(sock, 64);
	if (err) {
		sock_release(sock);
		return err;
	}
	*sockp = sock;
	return 0;
}

/*
 * Accept on @sock, from vine_tcp_listen_open(), in the place of the
 * current listener. Context: process, with vr->lock held.
 */
void vine_tcp_listen(struct vine_router *vr, struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct socket *old;

	lockdep_assert_held(&vr->lock);
	write_lock_bh(&sk->sk_callback_lock);
	vr->listen_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = vine_tcp_listen_ready;
	rcu_assign_sk_user_data(sk, vr);
	write_unlock_bh(&sk->sk_callback_lock);

	mutex_lock(&vr->tcp_lock);
	old = vr->listener;
	vr->listener = sock;
	mutex_unlock(&vr->tcp_lock);
	if (old)
		vine_listener_close(vr, old);
	queue_work(vine_wq, &vr->accept_work);
}

void vine_tcp_init(struct vine_router *vr)
{
	mutex_init(&vr->tcp_lock);
	spin_lock_init(&vr->conns_lock);
	INIT_LIST_HEAD(&vr->conns);
	INIT_WORK(&vr->accept_work, vine_accept_work);
}

/*
 * Namespace exit, first of all: stop listening, open no connection any
 * more, end every one. TCP receives nothing after this.
 */
void vine_tcp_stop(struct vine_router *vr)
{
	struct vine_conn *c;

	spin_lock_bh(&vr->conns_lock);
	vr->tcp_stopped = true;
	spin_unlock_bh(&vr->conns_lock);

	mutex_lock(&vr->tcp_lock);
	if (vr->listener)
		vine_listener_close(vr, vr->listener);
	vr->listener = NULL;
	mutex_unlock(&vr->tcp_lock);
	cancel_work_sync(&vr->accept_work);

	spin_lock_bh(&vr->conns_lock);
	while ((c = list_first_entry_or_null(&vr->conns, struct vine_conn,
					     node))) {
		list_del_init(&c->node);
		vr->naccepted -= !!c->accepted;
		spin_unlock_bh(&vr->conns_lock);
		vine_conn_kill(c);
		spin_lock_bh(&vr->conns_lock);
	}
	spin_unlock_bh(&vr->conns_lock);
}

int __init vine_tcp_module_init(void)
{
	vine_conn_cache = KMEM_CACHE(vine_conn, 0);
	return vine_conn_cache ? 0 : -ENOMEM;
}

/* Module exit, after the last connection was freed. */
void vine_tcp_module_exit(void)
{
	kmem_cache_destroy(vine_conn_cache);
}

/**
 * vine_peer_tcp_detach() - take a peer's connection from it and close it
 * @vr: the VR
 * @p: the peer, about to leave vr->peers
 *
 * Before @p leaves the table: a connection ending meanwhile finds @p by
 * its id and takes itself off (vine_conn_end()), or we take it first and
 * hold it under RCU, which its free waits for. A connection put in @p
 * after this serves nothing and ends on its own; @p's memory never
 * refers to it again.
 *
 * Context: process, with vr->lock held.
 */
void vine_peer_tcp_detach(struct vine_router *vr, struct vine_peer *p)
{
	struct vine_conn *c;

	lockdep_assert_held(&vr->lock);
	rcu_read_lock();
	c = unrcu_pointer(xchg(&p->conn, NULL));
	if (c)
		vine_conn_close(c);
	rcu_read_unlock();
}
