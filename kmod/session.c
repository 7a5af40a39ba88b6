// SPDX-License-Identifier: GPL-2.0
/*
 * ViNe router: sessions with peers known by their public keys (issue 16).
 *
 * A handshake (noise.c, one round trip) gives both VRs a keypair: a key
 * for each direction, a 16-bit index that names it on each side, and
 * counters from 0. Data packets carry VINE_F_SESSION and the receiver's
 * index in reserved2; their MAC (any mode) is keyed from the session, so
 * nothing captured before a restart, a rekey or a key change verifies
 * after it. Documentation/wire-format.rst, "Sessions", has the messages
 * and the timers.
 *
 * Owners. A peer's public key and pre-shared key (struct vine_remote)
 * are netlink's, under vr->lock, as its static key is (peer.c). The
 * handshake state and the keypairs are this file's: handshakes run in
 * one work of the VR (vr->hs_work), under vr->lock, so that a peer can
 * neither go nor change its keys meanwhile; the data path only queues
 * messages and asks for initiations. Keypairs are published in three
 * slots (current, previous, next) under vine_peer.sess_lock, read under
 * RCU, and freed a grace period after they leave their slot.
 */
#include <crypto/algapi.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/route.h>

#include "vine.h"

/*
 * Seconds before the initiator rekeys: 120. Builds with the selftests
 * (VINE_SELFTEST=y, make check) let /sys/module/vine/parameters/rekey_secs
 * change it, so that a test sees sessions rotate within seconds; the
 * other timers follow it.
 */
static unsigned int vine_rekey_secs = 120;
#ifdef VINE_SELFTEST
module_param_named(rekey_secs, vine_rekey_secs, uint, 0644);
MODULE_PARM_DESC(rekey_secs, "selftests: seconds before a session is replaced (120; at least 4)");
#endif

#define VINE_REKEY_AFTER	(max(READ_ONCE(vine_rekey_secs), 4U) * HZ)
#define VINE_REKEY_RESPONDER	(VINE_REKEY_AFTER * 5 / 4)	/* 150 s */
#define VINE_REJECT_AFTER	(VINE_REKEY_AFTER * 3 / 2)	/* 180 s */
#define VINE_REKEY_TIMEOUT	(VINE_REKEY_AFTER / 24)		/* 5 s */
#define VINE_REKEY_MESSAGES	BIT_ULL(60)
#define VINE_REJECT_MESSAGES	(U64_MAX - VINE_REPLAY_BITS - 1)
#define VINE_STAGED_MAX		128	/* packets waiting for a session */
#define VINE_HS_QUEUE_MAX	256	/* handshake messages waiting */
#define VINE_HS_LOAD		32	/* waiting: under load, cookies asked */
#define VINE_HS_RATE		20	/* initiations a second an address, */
#define VINE_HS_BURST		5	/* 5 at once, under load */
#define VINE_HS_COST		(NSEC_PER_SEC / VINE_HS_RATE)
#define VINE_COOKIE_AGE		(120 * HZ)	/* a cookie's secret, a cookie */

/*
 * Builds with the selftests let /sys/module/vine/parameters/hs_load put
 * every VR under load, so that a test can ask for cookies at will.
 */
#ifdef VINE_SELFTEST
static bool vine_hs_load;
module_param_named(hs_load, vine_hs_load, bool, 0644);
MODULE_PARM_DESC(hs_load, "selftests: every VR under load (cookies asked)");
#else
#define vine_hs_load false
#endif

/* Bits of vine_peer.hs_flags */
enum {
	VINE_HS_WANT,		/* an initiation is asked for */
	VINE_HS_FLUSH,		/* staged packets may go */
};

/* A received handshake message waiting for vr->hs_work. */
struct vine_hs_cb {
	__be32 saddr;
	__be16 sport;
	bool tcp;	/* on a connection from @saddr:@sport */
	u32 via;	/* relayed by that VR (@saddr:@sport) */
};

#define VINE_HS_CB(skb)	((struct vine_hs_cb *)(skb)->cb)

/* A packet waiting for a session: where it goes. */
struct vine_stage_cb {
	struct vine_cb vcb;
	__be32 daddr;
	__be16 dport;
	u32 via;	/* through that VR, at @daddr:@dport */
};

#define VINE_STAGE_CB(skb)	((struct vine_stage_cb *)(skb)->cb)

static const u8 vine_mac1_label[8] = "mac1----";
static const u8 vine_cookie_label[8] = "cookie--";

static void vine_label_hash(u8 out[VINE_NOISE_HASH_LEN], const u8 label[8],
			    const u8 pub[VINE_KEY_LEN])
{
	struct blake2s_state st;

	blake2s_init(&st, VINE_NOISE_HASH_LEN);
	blake2s_update(&st, label, 8);
	blake2s_update(&st, pub, VINE_KEY_LEN);
	blake2s_final(&st, out);
}

/*
 * The keys of mac1 in messages to the owner of @pub, and of its cookie
 * replies (as WireGuard's).
 */
void vine_hs_keys(u8 mac1_key[VINE_NOISE_HASH_LEN],
		  u8 cookie_key[VINE_NOISE_HASH_LEN], const u8 pub[VINE_KEY_LEN])
{
	vine_label_hash(mac1_key, vine_mac1_label, pub);
	vine_label_hash(cookie_key, vine_cookie_label, pub);
}

/*
 * mac2 of a handshake message (@skb linear, its mac1 set): keyed
 * BLAKE2s-128 with @cookie, over all of it but mac2, its last 16 bytes.
 */
static void vine_mac2(const u8 cookie[VINE_MAC_LEN],
		      const struct sk_buff *skb, u8 mac[VINE_MAC_LEN])
{
	struct blake2s_state st;

	blake2s_init_key(&st, VINE_MAC_LEN, cookie, VINE_MAC_LEN);
	blake2s_update(&st, skb->data, skb->len - VINE_MAC_LEN);
	blake2s_final(&st, mac);
}

/*
 * The cookie of @addr:@port: keyed BLAKE2s-128 of them under a secret
 * made again every 2 minutes. Only that source can know it: it came
 * back to it in a cookie reply.
 */
static void vine_cookie_of(struct vine_router *vr, __be32 addr, __be16 port,
			   u8 cookie[VINE_MAC_LEN])
{
	struct blake2s_state st;

	spin_lock_bh(&vr->cookie_lock);
	if (!vr->cookie_birth ||
	    time_after(jiffies, vr->cookie_birth + VINE_COOKIE_AGE)) {
		get_random_bytes(vr->cookie_secret, sizeof(vr->cookie_secret));
		vr->cookie_birth = jiffies ?: 1;
	}
	blake2s_init_key(&st, VINE_MAC_LEN, vr->cookie_secret,
			 sizeof(vr->cookie_secret));
	spin_unlock_bh(&vr->cookie_lock);
	blake2s_update(&st, (const u8 *)&addr, sizeof(addr));
	blake2s_update(&st, (const u8 *)&port, sizeof(port));
	blake2s_final(&st, cookie);
}

/* Under load: so many handshake messages wait that cookies are asked. */
static bool vine_hs_loaded(struct vine_router *vr)
{
	return vine_hs_load ||
	       skb_queue_len_lockless(&vr->hs_rx) >= VINE_HS_LOAD;
}

/*
 * Under load, may one more initiation from @addr, its cookie checked,
 * take the handshake work's CPU? 20 a second, 5 at once, per source
 * address, as WireGuard's rate limiter: a peer that proved it receives
 * at its address gets no more than its share. An address that takes
 * another's slot in the table gives that one a full bucket again, which
 * only favours it.
 */
static bool vine_hs_allow(struct vine_router *vr, __be32 addr)
{
	u32 i = jhash_1word((__force u32)addr, vr->hs_rate_seed) %
		VINE_HS_RATE_SLOTS;
	struct vine_hs_rate *r = &vr->hs_rate[i];
	u64 now = ktime_get_boottime_ns();
	bool ok;

	spin_lock_bh(&vr->cookie_lock);
	if (r->addr != addr || !r->last) {
		r->addr = addr;
		r->tokens = VINE_HS_COST * VINE_HS_BURST;
	} else {
		r->tokens = min_t(u64, r->tokens + (now - r->last),
				  VINE_HS_COST * VINE_HS_BURST);
	}
	r->last = now;
	ok = r->tokens >= VINE_HS_COST;
	if (ok)
		r->tokens -= VINE_HS_COST;
	spin_unlock_bh(&vr->cookie_lock);
	return ok;
}

/*
 * Answer the initiation @skb from @from with a cookie reply, encrypted
 * for its sender with our cookie key, its mac1 as additional data. Never
 * through a peer's cached route: the source may be anyone's. Under RCU
 * with BH off.
 */
static void vine_cookie_reply(struct vine_router *vr,
			      const struct vine_cfg *cfg,
			      const struct vine_identity *id,
			      const struct sk_buff *skb,
			      const struct vine_from *from,
			      const u8 cookie[VINE_MAC_LEN])
{
	const struct vinehdr *in = (void *)skb->data;
	const struct vine_hs_init *init = (void *)(in + 1);
	struct flowi4 fl4 = {
		.daddr = from->saddr,
		.flowi4_proto = IPPROTO_UDP,
	};
	struct vine_hs_cookie *body;
	struct vinehdr *vh;
	struct sk_buff *out;
	struct rtable *rt;

	rt = ip_route_output_key(vr->net, &fl4);
	if (IS_ERR(rt))
		return;
	out = alloc_skb(LL_MAX_HEADER + VINE_OVERHEAD + sizeof(*body),
			GFP_ATOMIC);
	if (!out) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(out, LL_MAX_HEADER + VINE_OVERHEAD - sizeof(*vh));
	vh = skb_put_zero(out, sizeof(*vh) + sizeof(*body));
	vh->version = VINE_WIRE_VERSION;
	vh->type = VINE_PKT_COOKIE;
	vh->size = htons(out->len);
	vh->src_vr = htonl(cfg->id ?: ntohl(fl4.saddr));
	vh->dst_vr = in->src_vr;
	body = (void *)(vh + 1);
	body->receiver = init->sender;
	get_random_bytes(body->nonce, sizeof(body->nonce));
	xchacha20poly1305_encrypt(body->cookie_enc, cookie, VINE_MAC_LEN,
				  in->mac, VINE_MAC_LEN, body->nonce,
				  id->cookie_key);
	memset(VINE_CB(out), 0, sizeof(struct vine_cb));
	vine_udp_send(vr, cfg, out, rt, fl4.saddr, from->saddr, from->sport);
	atomic64_inc(&vr->hs_count[VINE_HS_A_COOKIE_SENT]);
}

/*
 * mac1 of a handshake message (@skb->data at its header): keyed BLAKE2s
 * with 128 bits of output over the header with mac[] zero, then the body
 * but its last 16 bytes (mac2).
 */
static void vine_mac1(const u8 key[VINE_NOISE_HASH_LEN], struct sk_buff *skb,
		      u8 mac[VINE_MAC_LEN])
{
	static const u8 zero[VINE_MAC_LEN];
	struct blake2s_state st;

	blake2s_init_key(&st, VINE_MAC_LEN, key, VINE_NOISE_HASH_LEN);
	blake2s_update(&st, skb->data, offsetof(struct vinehdr, mac));
	blake2s_update(&st, zero, VINE_MAC_LEN);
	blake2s_update(&st, skb->data + sizeof(struct vinehdr),
		       skb->len - sizeof(struct vinehdr) - VINE_MAC_LEN);
	blake2s_final(&st, mac);
}

/* Keypairs */

static void vine_keypair_free_work(struct work_struct *work)
{
	struct vine_keypair *kp = container_of(to_rcu_work(work),
					       struct vine_keypair, rwork);

	vine_key_destroy(kp->send);
	vine_key_destroy(kp->recv);
	kfree_sensitive(kp);
}

static void vine_keypair_free(struct vine_keypair *kp)
{
	if (!kp)
		return;
	INIT_RCU_WORK(&kp->rwork, vine_keypair_free_work);
	queue_rcu_work(vine_wq, &kp->rwork);
}

static struct vine_keypair *vine_keypair_new(const u8 *send, const u8 *recv,
					     u16 local, u16 remote,
					     bool initiator)
{
	struct vine_keypair *kp = kzalloc(sizeof(*kp), GFP_KERNEL);

	if (!kp)
		return NULL;
	kp->send = vine_key_alloc(send);
	kp->recv = IS_ERR(kp->send) ? kp->send : vine_key_alloc(recv);
	if (IS_ERR(kp->recv)) {
		if (!IS_ERR(kp->send))
			vine_key_destroy(kp->send);
		kfree(kp);
		return NULL;
	}
	atomic64_set(&kp->tx_counter, -1);	/* the first packet sends 0 */
	spin_lock_init(&kp->replay.lock);
	kp->local = local;
	kp->remote = remote;
	kp->initiator = initiator;
	kp->born = jiffies;
	return kp;
}

/* What slot @kp of @p holds; under @p->sess_lock. */
static struct vine_keypair *vine_slot(struct vine_peer *p,
				      struct vine_keypair __rcu **kp)
{
	return rcu_dereference_protected(*kp, lockdep_is_held(&p->sess_lock));
}

/* Is @index ours for one of @p's keypairs or its initiation? vr->lock. */
static bool vine_index_used(struct vine_peer *p, u16 index)
{
	const struct vine_keypair *kp[3];
	int i;

	if (p->hs_pending && p->hs_local == index)
		return true;
	spin_lock_bh(&p->sess_lock);
	kp[0] = vine_slot(p, &p->kp_cur);
	kp[1] = vine_slot(p, &p->kp_prev);
	kp[2] = vine_slot(p, &p->kp_next);
	spin_unlock_bh(&p->sess_lock);
	for (i = 0; i < ARRAY_SIZE(kp); i++)
		if (kp[i] && kp[i]->local == index)
			return true;
	return false;
}

static u16 vine_new_index(struct vine_peer *p)
{
	u16 index;

	do
		index = get_random_u32();
	while (!index || vine_index_used(p, index));
	return index;
}

/* Under RCU: the keypair @index names among @p's, for packets we receive. */
static struct vine_keypair *vine_keypair_find(struct vine_peer *p, u16 index,
					      bool local)
{
	struct vine_keypair *kp[3] = {
		rcu_dereference(p->kp_cur),
		rcu_dereference(p->kp_next),
		rcu_dereference(p->kp_prev),
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(kp); i++)
		if (kp[i] && (local ? kp[i]->local : kp[i]->remote) == index)
			return kp[i];
	return NULL;
}

/*
 * Drop every keypair and the handshake of @p, and what waited for one
 * (counted: no_session).
 */
void vine_sessions_reset(struct vine_router *vr, struct vine_peer *p)
{
	struct vine_keypair *kp[3];
	struct sk_buff_head list;
	struct sk_buff *skb;
	int i;

	lockdep_assert_held(&vr->lock);
	spin_lock_bh(&p->sess_lock);
	kp[0] = rcu_replace_pointer(p->kp_cur, NULL,
				    lockdep_is_held(&p->sess_lock));
	kp[1] = rcu_replace_pointer(p->kp_prev, NULL,
				    lockdep_is_held(&p->sess_lock));
	kp[2] = rcu_replace_pointer(p->kp_next, NULL,
				    lockdep_is_held(&p->sess_lock));
	spin_unlock_bh(&p->sess_lock);
	for (i = 0; i < ARRAY_SIZE(kp); i++)
		vine_keypair_free(kp[i]);
	vine_noise_clear(&p->hs);
	p->hs_pending = false;

	__skb_queue_head_init(&list);
	spin_lock_bh(&p->staged.lock);
	skb_queue_splice_init(&p->staged, &list);
	spin_unlock_bh(&p->staged.lock);
	local_bh_disable();
	while ((skb = __skb_dequeue(&list)) != NULL) {
		vine_drop(vr, NULL, p, VINE_DROP_NO_SESSION);
		kfree_skb(skb);
	}
	local_bh_enable();
}

/* The peer is freed: nothing else can reach it any more. */
void vine_sessions_free(struct vine_peer *p)
{
	struct vine_keypair *kp[3] = {
		rcu_dereference_protected(p->kp_cur, true),
		rcu_dereference_protected(p->kp_prev, true),
		rcu_dereference_protected(p->kp_next, true),
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(kp); i++)
		if (kp[i]) {
			vine_key_destroy(kp[i]->send);
			vine_key_destroy(kp[i]->recv);
			kfree_sensitive(kp[i]);
		}
	kfree_sensitive(rcu_dereference_protected(p->remote, true));
	memzero_explicit(&p->hs, sizeof(p->hs));
	skb_queue_purge(&p->staged);
}

/* The data path's side */

/*
 * Where and how we send to @p: where initiations and keepalives go, over
 * TCP or not, through VR @via (a queue VR at @daddr:@dport) or not.
 * Written only when it changes (a shared line).
 */
static void vine_session_endpoint(struct vine_peer *p, __be32 daddr,
				  __be16 dport, bool tcp, u32 via)
{
	u64 ep = VINE_SEEN(daddr, dport);

	if (atomic64_read(&p->hs_endpoint) != ep)
		atomic64_set(&p->hs_endpoint, ep);
	if (READ_ONCE(p->hs_tcp) != tcp)
		WRITE_ONCE(p->hs_tcp, tcp);
	if (READ_ONCE(p->hs_via) != via)
		WRITE_ONCE(p->hs_via, via);
}

/* Ask vr->hs_work for an initiation to @p, to its endpoint. */
static void vine_session_kick(struct vine_router *vr, struct vine_peer *p)
{
	if (!test_and_set_bit(VINE_HS_WANT, &p->hs_flags))
		queue_work(vine_wq, &vr->hs_work);
}

static bool vine_keypair_usable(const struct vine_keypair *kp)
{
	/* The counter the next packet would take: 0 for a new keypair. */
	return kp && time_before(jiffies, kp->born + VINE_REJECT_AFTER) &&
	       (u64)atomic64_read(&kp->tx_counter) + 1 < VINE_REJECT_MESSAGES;
}

/*
 * @p sent a packet in a session we do not have: we restarted, or dropped
 * its sessions. If we have none to send with either, ask for a
 * handshake, to where we send to it, or if we never did, to where the
 * packet came from. The packet is not authenticated: while we have a
 * session, forged ones make no handshake; without, an initiation waits
 * for the usual rekey timeout, and goes to no other address once we
 * know one. Under RCU.
 */
void vine_session_unknown(struct vine_router *vr, struct vine_peer *p,
			  const struct vine_from *from)
{
	u64 ep = atomic64_read(&p->hs_endpoint);

	if (!rcu_access_pointer(p->remote) ||
	    vine_keypair_usable(rcu_dereference(p->kp_cur)))
		return;
	if (ep) {
		if (from->conn && !from->via)
			vine_session_endpoint(p, VINE_SEEN_ADDR(ep),
					      htons(VINE_SEEN_PORT(ep)), true,
					      READ_ONCE(p->hs_via));
	} else if (!from->conn || from->via) {
		/* A TCP source's port is not the VR's, but a relay's is. */
		vine_session_endpoint(p, from->saddr, from->sport,
				      !!from->conn, from->via);
	} else {
		return;
	}
	vine_session_kick(vr, p);
}

/*
 * Fill the session fields of @vh, a packet to @p: flags, index, counter;
 * the key to MAC it with. Without a usable session, NULL: the caller
 * stages or drops the packet, and an initiation to @daddr:@dport (through
 * @via) is on its way. A RELAY packet is MACed, never encrypted: what it
 * carries is protected end to end. Under RCU.
 */
static const struct vine_key *vine_session_stamp(struct vine_router *vr,
						 struct vine_peer *p,
						 struct vinehdr *vh,
						 __be32 daddr, __be16 dport,
						 bool tcp, u32 via)
{
	struct vine_keypair *kp = rcu_dereference(p->kp_cur);
	u64 counter;

	vine_session_endpoint(p, daddr, dport, tcp, via);
	if (!vine_keypair_usable(kp)) {
		vine_session_kick(vr, p);
		return NULL;
	}
	counter = atomic64_inc_return(&kp->tx_counter);
	if (time_after(jiffies, kp->born + (kp->initiator ?
			VINE_REKEY_AFTER : VINE_REKEY_RESPONDER)) ||
	    counter >= VINE_REKEY_MESSAGES)
		vine_session_kick(vr, p);
	vh->flags |= VINE_F_MAC | VINE_F_SESSION;
	if (rcu_dereference(vr->cfg)->encrypt && vh->type != VINE_PKT_RELAY)
		vh->flags |= VINE_F_ENCRYPTED;
	vh->reserved2 = htons(kp->remote);
	vh->counter = cpu_to_be64(counter);
	return kp->send;
}

/*
 * The MAC fields of @vh, a packet to @p (flags, counter; with a session,
 * its index), from its static key or its session. The key to MAC the
 * packet with, or NULL: no key, or no session yet (one is on its way, to
 * @daddr:@dport, over TCP if @tcp, through VR @via if not 0). Under RCU.
 */
const struct vine_key *vine_peer_stamp(struct vine_router *vr,
				       struct vine_peer *p, struct vinehdr *vh,
				       __be32 daddr, __be16 dport, bool tcp,
				       u32 via)
{
	if (!rcu_access_pointer(p->remote)) {
		vh->flags |= VINE_F_MAC;
		vh->counter = cpu_to_be64(atomic64_inc_return(&p->tx_counter));
		return rcu_dereference(p->key);
	}
	return vine_session_stamp(vr, p, vh, daddr, dport, tcp, via);
}

/* The key a packet stamped for @p is MACed with; NULL if gone. Under RCU. */
const struct vine_key *vine_session_tx_key(struct vine_peer *p,
					   const struct vinehdr *vh)
{
	struct vine_keypair *kp = vine_keypair_find(p, ntohs(vh->reserved2),
						    false);

	return kp ? kp->send : NULL;
}

/*
 * Hold @skb (its header built but for the session fields, VINE_CB set)
 * for @p until a handshake completes; false if too many wait already.
 */
bool vine_session_stage(struct vine_peer *p, struct sk_buff *skb,
			__be32 daddr, __be16 dport, u32 via)
{
	struct vine_stage_cb *cb = VINE_STAGE_CB(skb);

	BUILD_BUG_ON(sizeof(*cb) > sizeof(skb->cb));
	cb->vcb = *VINE_CB(skb);
	cb->daddr = daddr;
	cb->dport = dport;
	cb->via = via;
	spin_lock_bh(&p->staged.lock);
	if (skb_queue_len(&p->staged) >= VINE_STAGED_MAX) {
		spin_unlock_bh(&p->staged.lock);
		return false;
	}
	__skb_queue_tail(&p->staged, skb);
	spin_unlock_bh(&p->staged.lock);
	return true;
}

/*
 * The keypair of a received packet with VINE_F_SESSION, for its MAC and
 * counter. NULL: no session of ours has that index. Under RCU.
 */
struct vine_keypair *vine_session_rx(struct vine_peer *p,
				     const struct vinehdr *vh)
{
	struct vine_keypair *kp = vine_keypair_find(p, ntohs(vh->reserved2),
						    true);

	if (!kp || time_after_eq(jiffies, kp->born + VINE_REJECT_AFTER))
		return NULL;
	return kp;
}

/*
 * A packet verified with @kp: if it is the responder's next keypair, the
 * initiator has it; it becomes current, and what waited may go.
 */
void vine_session_confirmed(struct vine_router *vr, struct vine_peer *p,
			    struct vine_keypair *kp)
{
	struct vine_keypair *old = NULL;

	if (rcu_access_pointer(p->kp_next) != kp)
		return;
	spin_lock_bh(&p->sess_lock);
	if (vine_slot(p, &p->kp_next) == kp) {
		old = vine_slot(p, &p->kp_prev);
		rcu_assign_pointer(p->kp_prev, vine_slot(p, &p->kp_cur));
		rcu_assign_pointer(p->kp_cur, kp);
		RCU_INIT_POINTER(p->kp_next, NULL);
	} else {
		kp = NULL;
	}
	spin_unlock_bh(&p->sess_lock);
	if (!kp)
		return;
	vine_keypair_free(old);
	WRITE_ONCE(p->last_handshake, jiffies);
	if (!skb_queue_empty_lockless(&p->staged) &&
	    !test_and_set_bit(VINE_HS_FLUSH, &p->hs_flags))
		queue_work(vine_wq, &vr->hs_work);
}

/*
 * A handshake message (@skb->data at its header, type INIT or RESP) from
 * VR @vh->src_vr: checked for what costs little (size, peer, mac1), then
 * queued for vr->hs_work. Consumes @skb. Under RCU with BH off.
 */
void vine_hs_queue(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct sk_buff *skb, const struct vine_from *from)
{
	const struct vinehdr *vh = (void *)skb->data;
	unsigned int len = sizeof(*vh) + (vh->type == VINE_PKT_INIT ?
					  sizeof(struct vine_hs_init) :
					  vh->type == VINE_PKT_RESP ?
					  sizeof(struct vine_hs_resp) :
					  sizeof(struct vine_hs_cookie));
	u8 cookie[VINE_MAC_LEN];
	const struct vine_identity *id = rcu_dereference(vr->identity);
	struct vine_peer *p = xa_load(&vr->peers, ntohl(vh->src_vr));
	enum vine_drop reason = VINE_DROP_HANDSHAKE;
	u8 mac[VINE_MAC_LEN];

	if (ntohs(vh->size) != len || skb->len != len ||
	    !pskb_may_pull(skb, len)) {
		reason = VINE_DROP_MALFORMED;
		goto drop;
	}
	vh = (void *)skb->data;
	if (!p || !rcu_access_pointer(p->remote) || !id ||
	    cfg->mac_mode == VINE_MAC_NONE || vh->flags || vh->vnid ||
	    vh->counter) {
		p = NULL;
		goto drop;
	}
	if (vh->type == VINE_PKT_COOKIE) {
		if (memchr_inv(vh->mac, 0, VINE_MAC_LEN)) {
			p = NULL;
			goto drop;
		}
		goto queue;
	}
	vine_mac1(id->mac1_key, skb, mac);
	if (crypto_memneq(mac, vh->mac, VINE_MAC_LEN)) {
		p = NULL;
		goto drop;
	}
	/*
	 * Under load, an initiation is taken only with the cookie of its
	 * source: the sender proves that it receives at that address what
	 * it is sent, which a flood from forged addresses cannot. Over TCP,
	 * its handshake proved that already; relayed, the relay's MAC.
	 */
	if (vh->type == VINE_PKT_INIT && !from->conn && !from->via &&
	    vine_hs_loaded(vr)) {
		vine_cookie_of(vr, from->saddr, from->sport, cookie);
		vine_mac2(cookie, skb, mac);
		if (crypto_memneq(mac, skb->data + len - VINE_MAC_LEN,
				  VINE_MAC_LEN)) {
			vine_cookie_reply(vr, cfg, id, skb, from, cookie);
			reason = VINE_DROP_HS_COOKIE;
			p = NULL;
			goto drop;
		}
		if (!vine_hs_allow(vr, from->saddr)) {
			reason = VINE_DROP_HS_RATE;
			p = NULL;
			goto drop;
		}
	}
queue:
	if (skb_queue_len_lockless(&vr->hs_rx) >= VINE_HS_QUEUE_MAX) {
		reason = VINE_DROP_HS_BUSY;
		p = NULL;	/* anyone who knows our public key */
		goto drop;
	}
	/* Linear: all of it was pulled (the work reads it whole). */
	VINE_HS_CB(skb)->saddr = from->saddr;
	VINE_HS_CB(skb)->sport = from->sport;
	VINE_HS_CB(skb)->tcp = !!from->conn;
	VINE_HS_CB(skb)->via = from->via;
	skb_queue_tail(&vr->hs_rx, skb);
	queue_work(vine_wq, &vr->hs_work);
	return;

drop:
	vine_drop(vr, NULL, p, reason);
	kfree_skb(skb);
}

/* The handshake work's side: under vr->lock */

static const struct vine_remote *vine_remote_of(struct vine_router *vr,
						struct vine_peer *p)
{
	return rcu_dereference_protected(p->remote, lockdep_is_held(&vr->lock));
}

/* The body of the handshake message at @skb->data. */
static void *vine_hs_body(const struct sk_buff *skb)
{
	return skb->data + sizeof(struct vinehdr);
}

/* TAI64N: seconds since 1970 + 2^62, then nanoseconds, big endian. */
static void vine_tai64n(u8 ts[VINE_NOISE_TS_LEN])
{
	struct timespec64 now;

	ktime_get_real_ts64(&now);
	put_unaligned_be64(0x400000000000000aULL + now.tv_sec, ts);
	put_unaligned_be32(now.tv_nsec, ts + 8);
}

/*
 * A handshake message with its body zeroed but the fields the caller
 * fills, from us to @p; @daddr:@dport, where it goes.
 */
static struct sk_buff *vine_hs_alloc(const struct vine_cfg *cfg,
				     struct vine_peer *p, u8 type,
				     unsigned int body, __be32 saddr)
{
	struct vinehdr *vh;
	struct sk_buff *skb;

	skb = alloc_skb(LL_MAX_HEADER + VINE_OVERHEAD + body, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER + VINE_OVERHEAD - sizeof(*vh));
	vh = skb_put_zero(skb, sizeof(*vh) + body);
	vh->version = VINE_WIRE_VERSION;
	vh->type = type;
	vh->size = htons(skb->len);
	vh->src_vr = htonl(cfg->id ?: ntohl(saddr));
	vh->dst_vr = htonl(p->id);
	return skb;
}

/*
 * mac1 for @r (@p's), and for an initiation mac2 if @p gave us a cookie
 * lately; then out by UDP, or by TCP if @tcp, through VR @via if not 0.
 * Consumes @skb and @rt.
 */
static void vine_hs_send(struct vine_router *vr, const struct vine_cfg *cfg,
			 const struct vine_remote *r, struct vine_peer *p,
			 struct sk_buff *skb, struct rtable *rt, __be32 saddr,
			 __be32 daddr, __be16 dport, bool tcp, u32 via)
{
	struct vinehdr *vh = (void *)skb->data;

	vine_mac1(r->mac1_key, skb, vh->mac);
	if (vh->type == VINE_PKT_INIT) {
		memcpy(p->hs_mac1, vh->mac, VINE_MAC_LEN);
		if (p->cookie_birth &&
		    time_before(jiffies, p->cookie_birth + VINE_COOKIE_AGE))
			vine_mac2(p->cookie, skb,
				  skb->data + skb->len - VINE_MAC_LEN);
	}
	memset(VINE_CB(skb), 0, sizeof(struct vine_cb));
	local_bh_disable();
	rcu_read_lock();
	if (via) {
		VINE_CB(skb)->tcp = tcp;
		vine_send_via(vr, cfg, p, via, skb, rt, saddr, daddr, dport);
	} else if (tcp) {
		VINE_CB(skb)->tcp = true;
		vine_send(vr, cfg, p, skb, rt, saddr, daddr, dport);
	} else {
		vine_udp_send(vr, cfg, skb, rt, saddr, daddr, dport);
	}
	rcu_read_unlock();
	local_bh_enable();
}

static void vine_hs_initiate(struct vine_router *vr, const struct vine_cfg *cfg,
			     const struct vine_identity *id,
			     struct vine_peer *p)
{
	const struct vine_remote *r = vine_remote_of(vr, p);
	u64 ep = atomic64_read(&p->hs_endpoint);
	__be32 daddr = VINE_SEEN_ADDR(ep);
	__be16 dport = htons(VINE_SEEN_PORT(ep));
	u32 via = READ_ONCE(p->hs_via);
	u8 e_priv[VINE_NOISE_KEY_LEN], ts[VINE_NOISE_TS_LEN];
	struct vine_noise_init m;
	struct vine_hs_init *body;
	struct sk_buff *skb;
	struct rtable *rt;
	__be32 saddr;

	if (!r || !ep)
		return;
	if (p->hs_pending &&
	    time_before(jiffies, p->hs_sent + VINE_REKEY_TIMEOUT))
		return;
	rt = vine_route_via(vr, p, via, daddr, &saddr);
	if (IS_ERR(rt))
		return;
	skb = vine_hs_alloc(cfg, p, VINE_PKT_INIT, sizeof(*body), saddr);
	if (!skb)
		goto err_rt;
	p->hs_pending = false;
	curve25519_generate_secret(e_priv);
	vine_tai64n(ts);
	if (vine_noise_initiation(&p->hs, &id->s, r->pub, e_priv, ts, &m)) {
		vine_noise_clear(&p->hs);
		kfree_skb(skb);
		goto err_rt;
	}
	p->hs_local = vine_new_index(p);
	p->hs_pending = true;
	p->hs_sent = jiffies;
	body = vine_hs_body(skb);
	body->sender = htons(p->hs_local);
	memcpy(body->ephemeral, m.ephemeral, sizeof(m.ephemeral));
	memcpy(body->static_enc, m.static_enc, sizeof(m.static_enc));
	memcpy(body->ts_enc, m.ts_enc, sizeof(m.ts_enc));
	vine_hs_send(vr, cfg, r, p, skb, rt, saddr, daddr, dport,
		     READ_ONCE(p->hs_tcp) || (!via && READ_ONCE(p->tcp)), via);
	atomic64_inc(&vr->hs_count[VINE_HS_A_INIT_SENT]);
	goto out;

err_rt:
	ip_rt_put(rt);
out:
	memzero_explicit(e_priv, sizeof(e_priv));
}

/* Put @kp in @p's slots: as next (responder) or as current (initiator). */
static void vine_keypair_install(struct vine_peer *p, struct vine_keypair *kp)
{
	struct vine_keypair *old[2] = { };

	spin_lock_bh(&p->sess_lock);
	old[0] = vine_slot(p, &p->kp_next);
	RCU_INIT_POINTER(p->kp_next, NULL);
	if (kp->initiator) {
		old[1] = vine_slot(p, &p->kp_prev);
		rcu_assign_pointer(p->kp_prev, vine_slot(p, &p->kp_cur));
		rcu_assign_pointer(p->kp_cur, kp);
	} else {
		rcu_assign_pointer(p->kp_next, kp);
	}
	spin_unlock_bh(&p->sess_lock);
	vine_keypair_free(old[0]);
	vine_keypair_free(old[1]);
}

static enum vine_drop vine_hs_rcv_init(struct vine_router *vr,
				       const struct vine_cfg *cfg,
				       const struct vine_identity *id,
				       struct vine_peer *p, struct sk_buff *skb)
{
	const struct vine_remote *r = vine_remote_of(vr, p);
	const struct vine_hs_init *in = vine_hs_body(skb);
	u8 e_priv[VINE_NOISE_KEY_LEN], ts[VINE_NOISE_TS_LEN];
	u8 send[VINE_NOISE_KEY_LEN], recv[VINE_NOISE_KEY_LEN];
	__be32 daddr = VINE_HS_CB(skb)->saddr;
	__be16 dport = VINE_HS_CB(skb)->sport;
	u32 via = VINE_HS_CB(skb)->via;
	enum vine_drop reason = VINE_DROP_HANDSHAKE;
	struct vine_noise_init m;
	struct vine_noise_resp rm;
	struct vine_hs_resp *body;
	struct vine_keypair *kp;
	struct vine_noise n;
	struct sk_buff *out;
	struct rtable *rt;
	__be32 saddr;

	memcpy(m.ephemeral, in->ephemeral, sizeof(m.ephemeral));
	memcpy(m.static_enc, in->static_enc, sizeof(m.static_enc));
	memcpy(m.ts_enc, in->ts_enc, sizeof(m.ts_enc));
	if (vine_noise_consume_initiation(&n, &id->s, &m, ts) ||
	    crypto_memneq(n.s_remote, r->pub, VINE_KEY_LEN))
		goto out;
	if (memcmp(ts, p->hs_last_ts, sizeof(ts)) <= 0) {
		reason = VINE_DROP_HS_REPLAY;
		goto out;
	}
	/* The answer goes back the way the initiation came: relayed too. */
	rt = vine_route_via(vr, p, via, daddr, &saddr);
	if (IS_ERR(rt)) {
		reason = VINE_DROP_TX_ERROR;
		goto out;
	}
	out = vine_hs_alloc(cfg, p, VINE_PKT_RESP, sizeof(*body), saddr);
	if (!out)
		goto err_rt;
	curve25519_generate_secret(e_priv);
	if (vine_noise_response(&n, e_priv, r->psk, &rm, send, recv))
		goto err_skb;
	kp = vine_keypair_new(send, recv, vine_new_index(p),
			      ntohs(in->sender), false);
	if (!kp) {
		reason = VINE_DROP_TX_ERROR;
		goto err_skb;
	}
	memcpy(p->hs_last_ts, ts, sizeof(ts));
	vine_keypair_install(p, kp);
	body = vine_hs_body(out);
	body->sender = htons(kp->local);
	body->receiver = in->sender;
	memcpy(body->ephemeral, rm.ephemeral, sizeof(rm.ephemeral));
	memcpy(body->empty_enc, rm.empty_enc, sizeof(rm.empty_enc));
	/* Over TCP, the answer goes back on the connection it came on. */
	if (VINE_HS_CB(skb)->tcp && !via) {
		struct vine_conn *c;

		rcu_read_lock();
		c = vine_tcp_find(vr, daddr, dport);
		if (c)
			vine_tcp_seen(c, p, false);
		rcu_read_unlock();
	}
	vine_hs_send(vr, cfg, r, p, out, rt, saddr, daddr, dport,
		     VINE_HS_CB(skb)->tcp, via);
	atomic64_inc(&vr->hs_count[VINE_HS_A_INIT_RECEIVED]);
	vine_nl_handshake(vr, p, false, via);
	reason = VINE_DROP_UNSPEC;
	goto out;

err_skb:
	kfree_skb(out);
err_rt:
	ip_rt_put(rt);
out:
	vine_noise_clear(&n);
	memzero_explicit(e_priv, sizeof(e_priv));
	memzero_explicit(send, sizeof(send));
	memzero_explicit(recv, sizeof(recv));
	return reason;
}

static void vine_flush_staged(struct vine_router *vr,
			      const struct vine_cfg *cfg, struct vine_peer *p);

static enum vine_drop vine_hs_rcv_resp(struct vine_router *vr,
				       const struct vine_cfg *cfg,
				       const struct vine_identity *id,
				       struct vine_peer *p, struct sk_buff *skb)
{
	const struct vine_remote *r = vine_remote_of(vr, p);
	const struct vine_hs_resp *in = vine_hs_body(skb);
	u8 send[VINE_NOISE_KEY_LEN], recv[VINE_NOISE_KEY_LEN];
	enum vine_drop reason = VINE_DROP_HANDSHAKE;
	struct vine_noise_resp m;
	struct vine_keypair *kp;
	struct vine_noise n;

	if (!p->hs_pending || ntohs(in->receiver) != p->hs_local)
		return reason;
	memcpy(m.ephemeral, in->ephemeral, sizeof(m.ephemeral));
	memcpy(m.empty_enc, in->empty_enc, sizeof(m.empty_enc));
	/*
	 * On a copy: a response that does not authenticate leaves our
	 * initiation waiting for the real one.
	 */
	n = p->hs;
	if (vine_noise_consume_response(&n, &id->s, r->psk, &m, send, recv))
		goto out;
	vine_noise_clear(&p->hs);
	p->hs_pending = false;
	kp = vine_keypair_new(send, recv, p->hs_local, ntohs(in->sender), true);
	if (!kp) {
		reason = VINE_DROP_TX_ERROR;
		goto out;
	}
	vine_keypair_install(p, kp);
	WRITE_ONCE(p->last_handshake, jiffies);
	atomic64_inc(&vr->hs_count[VINE_HS_A_RESP_RECEIVED]);
	vine_nl_handshake(vr, p, true, VINE_HS_CB(skb)->via);
	vine_flush_staged(vr, cfg, p);
	reason = VINE_DROP_UNSPEC;
out:
	vine_noise_clear(&n);
	memzero_explicit(send, sizeof(send));
	memzero_explicit(recv, sizeof(recv));
	return reason;
}

/*
 * Send what waited for @p's session; if nothing did, a keepalive (a
 * FORWARD of VN 0 with no packet) so that the responder learns the
 * session is confirmed. Under vr->lock.
 */
static void vine_flush_staged(struct vine_router *vr,
			      const struct vine_cfg *cfg, struct vine_peer *p)
{
	struct sk_buff_head list;
	struct sk_buff *skb;
	bool sent = false;

	__skb_queue_head_init(&list);
	spin_lock_bh(&p->staged.lock);
	skb_queue_splice_init(&p->staged, &list);
	spin_unlock_bh(&p->staged.lock);

	local_bh_disable();
	rcu_read_lock();
	while ((skb = __skb_dequeue(&list)) != NULL) {
		const struct vine_stage_cb cb = *VINE_STAGE_CB(skb);
		struct vinehdr *vh = (void *)skb->data;
		const struct vine_key *key;
		struct rtable *rt;
		__be32 saddr;

		*VINE_CB(skb) = cb.vcb;
		rt = vine_route_via(vr, p, cb.via, cb.daddr, &saddr);
		key = IS_ERR(rt) ? NULL :
		      vine_peer_stamp(vr, p, vh, cb.daddr, cb.dport,
				      cb.vcb.tcp, cb.via);
		if (!key || vine_mac(key, cfg->mac_mode, skb, 0, vh->mac)) {
			if (!IS_ERR(rt))
				ip_rt_put(rt);
			vine_drop(vr, NULL, p, VINE_DROP_NO_SESSION);
			kfree_skb(skb);
			continue;
		}
		vine_send_via(vr, cfg, p, cb.via, skb, rt, saddr, cb.daddr,
			      cb.dport);
		sent = true;
	}
	if (!sent)
		vine_session_keepalive(vr, cfg, p);
	rcu_read_unlock();
	local_bh_enable();
}

/* A keepalive to @p in its current session. Under RCU with BH off. */
void vine_session_keepalive(struct vine_router *vr, const struct vine_cfg *cfg,
			    struct vine_peer *p)
{
	u64 ep = atomic64_read(&p->hs_endpoint);
	__be32 daddr = VINE_SEEN_ADDR(ep);
	__be16 dport = htons(VINE_SEEN_PORT(ep));
	u32 via = READ_ONCE(p->hs_via);
	const struct vine_key *key;
	struct vinehdr *vh;
	struct sk_buff *skb;
	struct rtable *rt;
	__be32 saddr;

	if (!ep)
		return;
	rt = vine_route_via(vr, p, via, daddr, &saddr);
	if (IS_ERR(rt))
		return;
	skb = alloc_skb(LL_MAX_HEADER + VINE_OVERHEAD, GFP_ATOMIC);
	if (!skb)
		goto err_rt;
	skb_reserve(skb, LL_MAX_HEADER + VINE_OVERHEAD - sizeof(*vh));
	vh = skb_put_zero(skb, sizeof(*vh));
	vh->version = VINE_WIRE_VERSION;
	vh->type = VINE_PKT_FORWARD;
	vh->size = htons(skb->len);
	vh->src_vr = htonl(cfg->id ?: ntohl(saddr));
	vh->dst_vr = htonl(p->id);
	VINE_CB(skb)->tcp = READ_ONCE(p->hs_tcp);
	key = vine_peer_stamp(vr, p, vh, daddr, dport, VINE_CB(skb)->tcp,
			      via);
	if (!key || vine_mac(key, cfg->mac_mode, skb, 0, vh->mac)) {
		kfree_skb(skb);
		goto err_rt;
	}
	vine_send_via(vr, cfg, p, via, skb, rt, saddr, daddr, dport);
	return;

err_rt:
	ip_rt_put(rt);
}

/*
 * A cookie reply to our pending initiation: keep the cookie, and send
 * the initiation again at once, with mac2.
 */
static enum vine_drop vine_hs_rcv_cookie(struct vine_router *vr,
					 struct vine_peer *p,
					 struct sk_buff *skb)
{
	const struct vine_remote *r = vine_remote_of(vr, p);
	const struct vine_hs_cookie *in = vine_hs_body(skb);
	u8 cookie[VINE_MAC_LEN];

	if (!p->hs_pending || ntohs(in->receiver) != p->hs_local ||
	    !xchacha20poly1305_decrypt(cookie, in->cookie_enc,
				       sizeof(in->cookie_enc), p->hs_mac1,
				       VINE_MAC_LEN, in->nonce, r->cookie_key))
		return VINE_DROP_HANDSHAKE;
	memcpy(p->cookie, cookie, VINE_MAC_LEN);
	p->cookie_birth = jiffies ?: 1;
	atomic64_inc(&vr->hs_count[VINE_HS_A_COOKIE_RECEIVED]);
	vine_noise_clear(&p->hs);
	p->hs_pending = false;
	set_bit(VINE_HS_WANT, &p->hs_flags);	/* this work's next loop */
	return VINE_DROP_UNSPEC;
}

static void vine_hs_rcv(struct vine_router *vr, const struct vine_cfg *cfg,
			const struct vine_identity *id, struct sk_buff *skb)
{
	const struct vinehdr *vh = (void *)skb->data;
	struct vine_peer *p = xa_load(&vr->peers, ntohl(vh->src_vr));
	enum vine_drop reason = VINE_DROP_HANDSHAKE;

	/* Its key may have changed since the message was queued. */
	if (p && rcu_access_pointer(p->remote) && id) {
		reason = vh->type == VINE_PKT_INIT ?
			 vine_hs_rcv_init(vr, cfg, id, p, skb) :
			 vh->type == VINE_PKT_RESP ?
			 vine_hs_rcv_resp(vr, cfg, id, p, skb) :
			 vine_hs_rcv_cookie(vr, p, skb);
	}
	if (reason) {
		local_bh_disable();
		rcu_read_lock();
		/* Anyone may send or replay these: not the peer's drops. */
		vine_drop(vr, NULL, reason == VINE_DROP_TX_ERROR ? p : NULL,
			  reason);
		rcu_read_unlock();
		local_bh_enable();
		kfree_skb(skb);
		return;
	}
	consume_skb(skb);
}

static void vine_hs_work(struct work_struct *work)
{
	struct vine_router *vr = container_of(work, struct vine_router,
					      hs_work);
	const struct vine_identity *id;
	const struct vine_cfg *cfg;
	struct vine_peer *p;
	struct sk_buff *skb;
	unsigned long i;
	int n = 0;

	mutex_lock(&vr->lock);
	cfg = rcu_dereference_protected(vr->cfg, lockdep_is_held(&vr->lock));
	id = rcu_dereference_protected(vr->identity,
				       lockdep_is_held(&vr->lock));
	while (n++ < VINE_HS_QUEUE_MAX &&
	       (skb = skb_dequeue(&vr->hs_rx)) != NULL)
		vine_hs_rcv(vr, cfg, id, skb);
	xa_for_each(&vr->peers, i, p) {
		if (test_and_clear_bit(VINE_HS_FLUSH, &p->hs_flags))
			vine_flush_staged(vr, cfg, p);
		if (test_and_clear_bit(VINE_HS_WANT, &p->hs_flags) && id)
			vine_hs_initiate(vr, cfg, id, p);
	}
	mutex_unlock(&vr->lock);
	if (!skb_queue_empty_lockless(&vr->hs_rx))
		queue_work(vine_wq, &vr->hs_work);
}

void vine_sessions_init(struct vine_router *vr)
{
	spin_lock_init(&vr->cookie_lock);
	vr->hs_rate_seed = get_random_u32();
	skb_queue_head_init(&vr->hs_rx);
	INIT_WORK(&vr->hs_work, vine_hs_work);
}

/*
 * Namespace exit, once nothing receives or sends any more (no hook,
 * socket, pipe or channel work is left to queue a message or ask for an
 * initiation).
 */
void vine_sessions_stop(struct vine_router *vr)
{
	cancel_work_sync(&vr->hs_work);
	skb_queue_purge(&vr->hs_rx);
}

/* Configuration: netlink's, under vr->lock */

static void vine_remote_free_rcu(struct rcu_head *head)
{
	kfree_sensitive(container_of(head, struct vine_remote, rcu));
}

/*
 * Know peer @p by public key @pub, with pre-shared key @psk (or none):
 * its static key and every session it had go.
 */
int vine_remote_set(struct vine_router *vr, struct vine_peer *p,
		    const u8 *pub, const u8 *psk,
		    struct netlink_ext_ack *extack)
{
	struct vine_remote *r, *old;
	struct vine_key *key;

	lockdep_assert_held(&vr->lock);
	if (!memchr_inv(pub, 0, VINE_KEY_LEN)) {
		NL_SET_ERR_MSG(extack, "a public key of all zeros");
		return -EINVAL;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	memcpy(r->pub, pub, VINE_KEY_LEN);
	if (psk)
		memcpy(r->psk, psk, VINE_KEY_LEN);
	vine_hs_keys(r->mac1_key, r->cookie_key, pub);

	key = rcu_replace_pointer(p->key, NULL, lockdep_is_held(&vr->lock));
	if (key)
		vine_key_free(key);
	old = rcu_replace_pointer(p->remote, r, lockdep_is_held(&vr->lock));
	vine_sessions_reset(vr, p);
	if (!old || memcmp(old->pub, pub, VINE_KEY_LEN))
		memset(p->hs_last_ts, 0, sizeof(p->hs_last_ts));
	if (old)
		call_rcu(&old->rcu, vine_remote_free_rcu);	/* the PSK */
	return 0;
}

/* Forget @p's public key and sessions; false if it had none. */
bool vine_remote_del(struct vine_router *vr, struct vine_peer *p)
{
	struct vine_remote *old;

	lockdep_assert_held(&vr->lock);
	old = rcu_replace_pointer(p->remote, NULL, lockdep_is_held(&vr->lock));
	if (!old)
		return false;
	vine_sessions_reset(vr, p);
	memset(p->hs_last_ts, 0, sizeof(p->hs_last_ts));
	call_rcu(&old->rcu, vine_remote_free_rcu);	/* the PSK */
	return true;
}

/* GET_PEER's session attributes. Under RCU. */
int vine_session_put(struct sk_buff *msg, struct vine_peer *p)
{
	const struct vine_remote *r = rcu_dereference(p->remote);
	unsigned long hs = READ_ONCE(p->last_handshake);
	const struct vine_keypair *kp = rcu_dereference(p->kp_cur);

	if (!r)
		return 0;
	if (nla_put(msg, VINE_A_PUBLIC_KEY, VINE_KEY_LEN, r->pub))
		return -EMSGSIZE;
	if (hs && nla_put_u64_64bit(msg, VINE_A_LAST_HANDSHAKE,
				    jiffies_to_msecs(jiffies - hs),
				    VINE_A_PAD))
		return -EMSGSIZE;
	if (kp && nla_put_u64_64bit(msg, VINE_A_SESSION_AGE,
				    jiffies_to_msecs(jiffies - kp->born),
				    VINE_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* GET_STATS's VINE_A_HANDSHAKES. */
int vine_handshakes_put(struct sk_buff *msg, struct vine_router *vr)
{
	struct nlattr *nest = nla_nest_start(msg, VINE_A_HANDSHAKES);
	int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = VINE_HS_A_INIT_SENT; i <= VINE_HS_A_MAX; i++)
		if (nla_put_u64_64bit(msg, i, atomic64_read(&vr->hs_count[i]),
				      VINE_HS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}
