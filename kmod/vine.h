/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ViNe router: state shared by the module's files.
 *
 * Each network namespace is one VR. Its tables are xarrays, read under
 * RCU without locks and written under vine_net.lock:
 *   lndt   host address -> VN id (stored as an xarray value, no allocation)
 *   vns    VN id -> struct vine_vn, which holds that VN's GNDT
 *   peers  peer VR id -> struct vine_peer (NSKT key, counters, replay)
 */
#ifndef _VINE_H
#define _VINE_H

#include <crypto/blake2s.h>
#include <crypto/chacha.h>
#include <linux/mutex.h>
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/dst_cache.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/vine.h>

#include "noise.h"

/* Outer IPv4 + UDP + ViNe header: what encapsulation adds to a packet. */
#define VINE_OVERHEAD	(sizeof(struct iphdr) + sizeof(struct udphdr) + \
			 sizeof(struct vinehdr))

struct vine_stats {
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t drops;
	struct u64_stats_sync syncp;
};

struct vine_drops {
	u64_stats_t reason[__VINE_DROP_MAX];
	struct u64_stats_sync syncp;
};

struct vine_prefix {
	__be32 addr;
	__be32 mask;
	u8 len;
};

struct vine_endpoint {
	__be32 addr;
	__be16 port;
};

/* VR parameters: replaced as a whole under RCU, never changed in place. */
struct vine_cfg {
	u32 id;
	u16 port;
	u8 mac_mode;
	u8 nspaces;
	struct vine_prefix spaces[VINE_MAX_SPACES];
	bool limited;
	u8 poll;
	u8 nqueue_vrs;
	struct vine_endpoint queue_vrs[VINE_MAX_QUEUE_VRS];
	u32 poll_ms;
	u32 keepalive_ms;
	u32 queue_size;
	u32 queue_bytes;
	bool encrypt;
	struct rcu_head rcu;
};

/* Sliding window over received counters (RFC 6479, as in WireGuard). */
#define VINE_REPLAY_BITS	8192	/* more than two pipes can reorder */
#define VINE_REPLAY_LONGS	(VINE_REPLAY_BITS / BITS_PER_LONG)
#define VINE_REPLAY_WINDOW	(VINE_REPLAY_BITS - BITS_PER_LONG)

struct vine_replay {
	spinlock_t lock; /* protects top and bitmap */
	u64 top;
	unsigned long bitmap[VINE_REPLAY_LONGS];
};

struct vine_key {
	struct crypto_shash *tfm;	/* hmac(sha256) with the pairwise key */
	struct blake2s_state b2s;	/* BLAKE2s keyed with it, nothing hashed */
	u32 chacha[CHACHA_KEY_SIZE / 4];	/* it as a ChaCha20 key */
	u8 raw[VINE_KEY_LEN];		/* it, for ChaCha20-Poly1305 */
	struct rcu_work rwork;		/* frees it after a grace period */
};

/**
 * struct vine_remote - a peer's public key, what it is known by (session.c)
 * @pub: its X25519 public key
 * @psk: the pre-shared key mixed into handshakes with it (zeros: none)
 * @mac1_key: the key of mac1 in handshake messages to it
 * @cookie_key: the key of its cookie replies
 * @rcu: freed a grace period after it is replaced
 */
struct vine_remote {
	u8 pub[VINE_KEY_LEN];
	u8 psk[VINE_KEY_LEN];
	u8 mac1_key[VINE_NOISE_HASH_LEN];
	u8 cookie_key[VINE_NOISE_HASH_LEN];
	struct rcu_head rcu;
};

/**
 * struct vine_keypair - one session with a peer (session.c)
 * @send: the key of what we send, in the VR's MAC mode
 * @recv: the key of what we receive
 * @tx_counter: the last counter sent (-1 before the first)
 * @replay: counters received
 * @local: our index of the session: what the peer puts in reserved2
 * @remote: the peer's: what we put there
 * @initiator: we sent the initiation
 * @born: jiffies at the handshake
 * @rwork: frees it a grace period after it leaves its slot
 */
struct vine_keypair {
	struct vine_key *send;
	struct vine_key *recv;
	atomic64_t tx_counter;
	struct vine_replay replay;
	u16 local;
	u16 remote;
	bool initiator;
	unsigned long born;
	struct rcu_work rwork;
};

/**
 * struct vine_peer - a remote VR, known by its id (its address by default)
 * @id: the peer's VR id; also its address unless told otherwise
 * @refs: routes using this peer, plus one while it has a key (under lock)
 * @key: the NSKT entry; NULL when no key is set
 * @tx_counter: last counter sent to this peer
 * @replay: counters seen from this peer
 * @dst_cache: route to the peer
 * @seen: outer source of the last authenticated packet from the peer,
 *	VINE_SEEN(addr, port); 0 before the first
 * @last_rx: jiffies at that packet
 * @stats: per-CPU counters
 * @rwork: frees the peer after a grace period, in process context
 * @role: enum vine_chan_role; VINE_ROLE_LIMITED from its first GET on
 * @chan: enum vine_chan_state, as this VR sees the channel
 * @chan_since: jiffies at the last change of @chan
 * @chan_expires: jiffies after which a limited peer's channel is down
 * @chan_ms: a limited peer's poll interval
 * @held: its packets held while its channel is down (VINE_ROLE_LIMITED),
 *	in order; @held.lock also orders flushing against sending
 * @held_bytes: bytes in @held (under @held.lock)
 * @conn: the TCP connection we send to it on (tcp.c), or NULL
 * @tcp: its packets go over TCP whatever the route says: it is our queue
 *	VR and our channel is TCP, or a limited VR whose channel is TCP
 * @polled: with @tcp, the channel is poll tcp, not a kept connection: a
 *	limited VR's packets wait for its next GET (VINE_F_POLL)
 * @tcp_retry: jiffies before which no new connection to it is tried
 * @tcp_retry_ms: the backoff that gave @tcp_retry
 * @remote: its public key, when it is known by one (then @key is NULL)
 * @sess_lock: guards changes of @kp_cur, @kp_prev and @kp_next
 * @kp_cur: the session we send with
 * @kp_prev: the one before, for packets still on their way
 * @kp_next: a responder's new session, until the initiator uses it
 * @hs_flags: work asked of vr->hs_work (session.c)
 * @hs_endpoint: where initiations go, VINE_SEEN(addr, port)
 * @hs_tcp: over TCP (the route there says so)
 * @last_handshake: jiffies at the last completed handshake, 0 before
 * @staged: packets waiting for a session
 * @hs: our initiation's state (under vr->lock, as the four below)
 * @hs_local: its index
 * @hs_pending: @hs waits for a response
 * @hs_sent: jiffies when it was sent
 * @hs_last_ts: time of the last initiation taken from the peer
 * @hs_mac1: mac1 of our last initiation, which its cookie reply names
 * @cookie: the last cookie it gave us, for mac2 (under vr->lock)
 * @cookie_birth: jiffies when it came; 0: none
 */
struct vine_peer {
	u32 id;
	unsigned int refs;
	struct vine_key __rcu *key;
	atomic64_t tx_counter;
	struct vine_replay replay;
	struct dst_cache dst_cache;
	atomic64_t seen;
	unsigned long last_rx;
	struct vine_stats __percpu *stats;
	struct rcu_work rwork;
	u8 role;
	u8 chan;
	unsigned long chan_since;
	unsigned long chan_expires;
	u32 chan_ms;
	struct sk_buff_head held;
	unsigned int held_bytes;
	struct vine_conn __rcu *conn;
	u8 tcp;
	u8 polled;
	unsigned long tcp_retry;
	unsigned int tcp_retry_ms;
	struct vine_remote __rcu *remote;
	spinlock_t sess_lock; /* guards the kp_ slots' changes */
	struct vine_keypair __rcu *kp_cur;
	struct vine_keypair __rcu *kp_prev;
	struct vine_keypair __rcu *kp_next;
	unsigned long hs_flags;
	atomic64_t hs_endpoint;
	u32 hs_via;	/* 0, or the VR through which the endpoint relays */
	bool hs_tcp;
	unsigned long last_handshake;
	struct sk_buff_head staged;
	struct vine_noise hs;
	u16 hs_local;
	bool hs_pending;
	unsigned long hs_sent;
	u8 hs_last_ts[VINE_NOISE_TS_LEN];
	u8 hs_mac1[VINE_MAC_LEN];
	u8 cookie[VINE_MAC_LEN];
	unsigned long cookie_birth;
};

/* Where a received ViNe packet came from: a UDP datagram or a TCP stream. */
struct vine_from {
	__be32 saddr;
	__be16 sport;
	__be32 daddr;
	u32 via;	/* 0, or it is the inner packet of a RELAY from VR @via */
	struct vine_conn *conn;	/* NULL: UDP */
};

#define VINE_SEEN(addr, port) \
	(BIT_ULL(48) | (u64)ntohl(addr) << 16 | ntohs(port))
#define VINE_SEEN_ADDR(seen)	htonl((u32)((seen) >> 16))
#define VINE_SEEN_PORT(seen)	((u16)(seen))	/* host order */

/* What the outer headers of a ViNe packet need, kept while it waits. */
struct vine_cb {
	u8 tos;
	__be16 df;
	bool tcp;	/* send over TCP */
};

#define VINE_CB(skb)	((struct vine_cb *)(skb)->cb)

/*
 * A GNDT entry: where packets for one prefix of one VN go, and which VR
 * may send us packets from it (@dest: @peer's id, or with type queue the
 * VR behind @peer, a limited VR most often).
 */
struct vine_route {
	struct vine_peer *peer;		/* holds a reference */
	u32 dest;
	__be32 via;
	__be16 port;
	u8 proto;
	u8 type;
	struct rcu_head rcu;
};

#define VINE_PLENS 33	/* prefix lengths 0 to 32 */

/* Blocks of vine_vn.hosts: as many addresses as an xarray value holds bits. */
#define VINE_HBLOCK_SHIFT	(BITS_PER_LONG == 64 ? 5 : 4)
#define VINE_HBLOCK		BIT(VINE_HBLOCK_SHIFT)

/**
 * struct vine_vn - a virtual network and its GNDT
 * @id: VN id
 * @name: free text
 * @gndt: one xarray per prefix length, indexed by the prefix's top bits
 * @hosts: this VN's hosts, so that deleting a VN or listing its hosts
 *	need not walk the LNDT: address >> VINE_HBLOCK_SHIFT -> xa_mk_value
 *	(bitmap of the block's addresses that are hosts of this VN)
 * @plens: bit N set when @gndt[N] is not empty (read locklessly)
 * @nroutes_len: routes per prefix length (under lock)
 * @nhosts: LNDT entries in this VN (under lock)
 * @nroutes: routes in this VN (under lock)
 * @stats: per-CPU counters
 * @rcu: frees it a grace period after it leaves vine_router.vns
 */
struct vine_vn {
	u32 id;
	char name[VINE_VN_NAME_LEN];
	struct xarray gndt[VINE_PLENS];
	struct xarray hosts;
	u64 plens;
	u32 nroutes_len[VINE_PLENS];
	u32 nhosts;
	u32 nroutes;
	struct vine_stats __percpu *stats;
	struct rcu_head rcu;
};

/**
 * struct vine_chan - a limited VR's channel to its queue VR
 * @work: sends GET and NULL in time, notices silence, falls back
 * @server: the queue VR in use, holding a peer reference (under lock)
 * @idx: its place in vine_cfg.queue_vrs
 * @port: its port
 * @poll: enum vine_poll in use with it
 * @connected: jiffies when we began to use it
 * @next_get: jiffies when the next GET is due
 * @next_null: jiffies when the next NULL is due
 * @last_answer: jiffies of its last answer (written by the data path)
 * @last_get: jiffies of our last GET
 * @unanswered: GETs sent since its last answer; three: the channel is down
 * @probe: while @idx is not 0, the first (preferred) queue VR, holding a
 *	peer reference (under lock): asked with a GET now and then
 * @next_probe: jiffies when the next probe is due
 * @probed: jiffies of the last probe
 * @probe_answer: jiffies of the preferred queue VR's last answer (written
 *	by the data path)
 */
struct vine_chan {
	struct delayed_work work;
	struct vine_peer *server;
	int idx;
	__be16 port;
	u8 poll;
	unsigned long connected;
	unsigned long next_get;
	unsigned long next_null;
	unsigned long last_answer;
	unsigned long last_get;
	unsigned int unanswered;
	struct vine_peer *probe;
	unsigned long next_probe;
	unsigned long probed;
	unsigned long probe_answer;
};

/* CoDel (RFC 8289) on the time packets wait in a pipe, in microseconds. */
struct vine_codel {
	u32 first_above;	/* when the wait went above the target */
	u32 drop_next;		/* when to drop next, while dropping */
	u32 count;		/* drops since dropping began */
	bool above;		/* first_above is set */
	bool dropping;
};

/* Packets whose MACs are done on every CPU, kept in order (pipe.c). */
struct vine_pipe {
	struct vine_router *vr;
	struct sk_buff_head order;	/* its lock guards the fields below */
	struct sk_buff *next;		/* the first no worker took, or NULL */
	bool flushing;			/* sending from the head */
	bool stopped;
	unsigned int cpu;		/* the last worker kicked */
	unsigned int flush_cpu;		/* where it sends from */
	u64 flushed_ns;			/* when it last did */
	struct vine_codel codel;
	struct work_struct flush_work;
	struct vine_pipe_worker __percpu *workers;
};

/**
 * struct vine_identity - the VR's own key pair (identity.c)
 * @rcu: freed a grace period after its replacement
 * @s: the key pair
 * @mac1_key: the key of mac1 in handshake messages to us
 * @cookie_key: the key of our cookie replies
 */
struct vine_identity {
	struct rcu_head rcu;
	struct vine_noise_static s;
	u8 mac1_key[VINE_NOISE_HASH_LEN];
	u8 cookie_key[VINE_NOISE_HASH_LEN];
};

/*
 * A source address's bucket of initiations under load: nanoseconds of
 * credit, an initiation costing a twentieth of a second (session.c).
 */
struct vine_hs_rate {
	__be32 addr;
	u64 last;
	u64 tokens;
};

#define VINE_HS_RATE_SLOTS	128

/**
 * struct vine_router - one ViNe router (VR): the state of one network namespace
 * @net: the namespace this VR lives in
 * @lock: see below
 * @generation: grows by one with every successful change (under @lock)
 * @cfg: VR parameters
 * @sock: the UDP socket VRs send to; NULL until the VR is configured
 * @hooked: @nf_ops is registered (under @lock)
 * @nf_ops: the netfilter hook of this namespace
 * @lndt: host address (host order) -> xa_mk_value(VN id)
 * @vns: VN id -> struct vine_vn
 * @peers: peer id -> struct vine_peer
 * @nvns: entries in @vns (under @lock)
 * @nhosts: entries in @lndt (under @lock)
 * @nroutes: routes in all VNs (under @lock)
 * @npeers: entries in @peers (under @lock)
 * @stats: per-CPU counters of the VR
 * @drops: per-CPU drops by reason
 * @chan: the channel to our queue VR, when this VR is limited
 * @expiry: notices limited peers whose channel went silent; runs while
 *	there are any
 * @tcp_lock: guards @listener
 * @listener: our TCP socket, on the same port as @sock
 * @listen_data_ready: its own data_ready callback
 * @accept_work: accepts connections
 * @conns_lock: guards @conns, @naccepted and @tcp_stopped
 * @conns: every TCP connection (struct vine_conn)
 * @naccepted: entries in @conns that were opened to us
 * @tcp_stopped: namespace exit: no connection joins @conns any more
 * @rx_pipe: received packets whose MACs are checked on every CPU
 * @tx_pipe: packets to send whose MACs are computed on every CPU
 * @identity: our key pair, if set (written under @lock, read under RCU)
 * @hs_rx: handshake messages waiting for @hs_work
 * @hs_work: handshakes, under @lock (session.c)
 * @hs_count: handshake messages sent and taken, by enum vine_hs_attr
 * @cookie_lock: guards @cookie_secret, @cookie_birth and @hs_rate
 * @cookie_secret: what our cookies are made from, new every 2 minutes
 * @cookie_birth: jiffies when it was made; 0: not yet
 * @hs_rate: initiations lately taken under load, by source address
 * @hs_rate_seed: where a source address goes in @hs_rate
 */
struct vine_router {
	struct net *net;
	struct mutex lock; /* writers of config and tables; readers use RCU */
	u32 generation;
	struct vine_cfg __rcu *cfg;
	struct socket __rcu *sock;
	bool hooked;
	struct nf_hook_ops nf_ops;
	struct xarray lndt;
	struct xarray vns;
	struct xarray peers;
	u32 nvns;
	u32 nhosts;
	u32 nroutes;
	u32 npeers;
	struct vine_stats __percpu *stats;
	struct vine_drops __percpu *drops;
	struct vine_chan chan;
	struct delayed_work expiry;
	struct mutex tcp_lock; /* guards listener */
	struct socket *listener;
	void (*listen_data_ready)(struct sock *sk);
	struct work_struct accept_work;
	spinlock_t conns_lock; /* guards conns, naccepted, tcp_stopped */
	struct list_head conns;
	unsigned int naccepted;
	bool tcp_stopped;
	struct vine_pipe rx_pipe;
	struct vine_pipe tx_pipe;
	struct vine_identity __rcu *identity;
	struct sk_buff_head hs_rx;
	struct work_struct hs_work;
	atomic64_t hs_count[VINE_HS_A_MAX + 1];
	spinlock_t cookie_lock; /* guards cookie_secret, cookie_birth, hs_rate */
	u8 cookie_secret[VINE_NOISE_HASH_LEN];
	unsigned long cookie_birth;
	struct vine_hs_rate hs_rate[VINE_HS_RATE_SLOTS];
	u32 hs_rate_seed;
};

extern unsigned int vine_net_id;
extern struct workqueue_struct *vine_wq;

/* The data path runs under RCU: say so where it enters. */
#define VINE_ASSERT_RCU() \
	RCU_LOCKDEP_WARN(!rcu_read_lock_held() && !rcu_read_lock_bh_held(), \
			 "vine: data path outside RCU")

static inline struct vine_router *vine_pernet(const struct net *net)
{
	return net_generic(net, vine_net_id);
}

/*
 * 0.0.0.0/8, "this network" (RFC 1122): never the address of a host or
 * of a VR. ipv4_is_zeronet() matches 0.0.0.0 alone on 6.1 and 6.12.
 */
static inline bool vine_is_zeronet(__be32 addr)
{
	return (addr & htonl(0xff000000)) == 0;
}

/* identity.c: under vr->lock */
struct vine_identity *vine_identity_new(const u8 *priv,
					struct netlink_ext_ack *extack);
void vine_identity_publish(struct vine_router *vr, struct vine_identity *id);
void vine_identity_free(struct vine_router *vr);
int vine_identity_put(struct sk_buff *msg, struct vine_router *vr);

/* netlink.c */
int vine_genl_init(void);
void vine_genl_exit(void);

/* tables.c: writers hold vr->lock; lookups hold rcu_read_lock() */
struct vine_vn *vine_vn_create(struct vine_router *vr, u32 id, const char *name);
void vine_vn_destroy(struct vine_router *vr, struct vine_vn *v);
int vine_host_add(struct vine_router *vr, struct vine_vn *v, __be32 addr,
		  struct netlink_ext_ack *extack);
int vine_host_del(struct vine_router *vr, struct vine_vn *v, __be32 addr,
		  struct netlink_ext_ack *extack);
int vine_route_set(struct vine_router *vr, struct vine_vn *v, __be32 prefix,
		   u8 plen, const struct vine_route *tmpl, bool replace,
		   struct netlink_ext_ack *extack);
int vine_route_del(struct vine_router *vr, struct vine_vn *v, __be32 prefix,
		   u8 plen, struct netlink_ext_ack *extack);
struct vine_route *vine_gndt_lookup(struct vine_vn *v, __be32 daddr);
unsigned long vine_gndt_index(__be32 prefix, u8 plen);
void vine_tables_init(struct vine_router *vr);
void vine_tables_flush(struct vine_router *vr);

/* peer.c: under vr->lock */
int vine_peer_module_init(void);
void vine_peer_module_exit(void);
struct vine_peer *vine_peer_get(struct vine_router *vr, u32 id);
void vine_peer_put(struct vine_router *vr, struct vine_peer *p);
int vine_key_set(struct vine_router *vr, u32 id, const u8 *key,
		 const u8 *pub, struct netlink_ext_ack *extack);
int vine_key_del(struct vine_router *vr, u32 id,
		 struct netlink_ext_ack *extack);

/* mac.c */
struct vine_key *vine_key_alloc(const u8 *raw);
void vine_key_free(struct vine_key *key);
void vine_key_destroy(struct vine_key *key);
int vine_mac(const struct vine_key *key, u8 mode, struct sk_buff *skb,
	     unsigned int hdr_off, u8 *mac);
bool vine_unseal(const struct vine_key *key, struct sk_buff *skb);
bool vine_replay_check(struct vine_replay *r, u64 counter);
void vine_replay_reset(struct vine_replay *r);

/* stats.c */
struct vine_stats __percpu *vine_stats_alloc(void);
struct vine_drops __percpu *vine_drops_alloc(void);
unsigned int vine_skb_bytes(const struct sk_buff *skb, unsigned int *pkts);
void vine_count_tx(struct vine_stats __percpu *s, unsigned int pkts,
		   unsigned int len);
void vine_count_rx(struct vine_stats __percpu *s, unsigned int pkts,
		   unsigned int len);
void vine_count_drop(struct vine_stats __percpu *s);
void vine_drop(struct vine_router *vr, struct vine_vn *v, struct vine_peer *p,
	       enum vine_drop reason);
int vine_stats_put(struct sk_buff *msg, int attr,
		   struct vine_stats __percpu *s);
int vine_drops_put(struct sk_buff *msg, struct vine_drops __percpu *d);

/* hook.c */
int vine_hook_register(struct vine_router *vr);
void vine_hook_unregister(struct vine_router *vr);

/* send.c */
void vine_xmit(struct vine_router *vr, const struct vine_cfg *cfg,
	       struct vine_vn *v, struct vine_route *r, struct sk_buff *skb,
	       bool relay);

/* netlink.c */
void vine_nl_peer_seen(struct vine_router *vr, u32 id, __be32 addr,
		       __be16 port);
void vine_nl_handshake(struct vine_router *vr, struct vine_peer *p,
		       bool initiator, u32 via);

/* send.c, channel.c */
struct rtable *vine_route_to(struct vine_router *vr, struct vine_peer *p,
			     __be32 daddr, __be32 *saddr);
void vine_send(struct vine_router *vr, const struct vine_cfg *cfg,
	       struct vine_peer *p, struct sk_buff *skb, struct rtable *rt,
	       __be32 saddr, __be32 daddr, __be16 dport);
void vine_chan_init(struct vine_router *vr);
void vine_chan_kick(struct vine_router *vr);
void vine_chan_stop(struct vine_router *vr);
void vine_chan_rcv(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct vine_peer *p, struct sk_buff *skb, u8 type,
		   const struct vine_from *from);
bool vine_chan_full(const struct vine_cfg *cfg, struct vine_peer *p,
		    unsigned int len);
bool vine_chan_hold(struct vine_router *vr, const struct vine_cfg *cfg,
		    struct vine_peer *p, struct sk_buff *skb);
void vine_peer_chan_free(struct vine_peer *p);
void vine_chan_conn_gone(struct vine_peer *p);
void vine_nl_channel(struct vine_router *vr, struct vine_peer *p, u8 state,
		     gfp_t gfp);

/* relay.c */
struct rtable *vine_route_via(struct vine_router *vr, struct vine_peer *p,
			      u32 via, __be32 daddr, __be32 *saddr);
void vine_send_via(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct vine_peer *p, u32 via, struct sk_buff *skb,
		   struct rtable *rt, __be32 saddr, __be32 daddr,
		   __be16 dport);
void vine_relay_send(struct vine_router *vr, const struct vine_cfg *cfg,
		     struct vine_peer *hop, struct sk_buff *skb,
		     struct rtable *rt, __be32 saddr, __be32 daddr,
		     __be16 dport);
void vine_relay_rcv(struct vine_router *vr, const struct vine_cfg *cfg,
		    struct vine_peer *p, struct sk_buff *skb,
		    const struct vine_from *from);

/* udp.c */
int vine_socket_open(struct vine_router *vr, u16 port);
void vine_socket_close(struct vine_router *vr);
int vine_udp_rcv(struct sock *sk, struct sk_buff *skb);
void vine_udp_send(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct sk_buff *skb, struct rtable *rt, __be32 saddr,
		   __be32 daddr, __be16 dport);

/* receive.c */
void vine_rcv(struct vine_router *vr, struct sk_buff *skb,
	      const struct vine_from *from);
enum vine_drop vine_verify(struct vine_router *vr, struct vine_peer *p,
			   const struct vine_cfg *cfg, struct sk_buff *skb);
void vine_rcv_auth(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct vine_peer *p, struct sk_buff *skb,
		   const struct vine_from *from, enum vine_drop reason);

/* session.c */
void vine_hs_keys(u8 mac1_key[VINE_NOISE_HASH_LEN],
		  u8 cookie_key[VINE_NOISE_HASH_LEN], const u8 pub[VINE_KEY_LEN]);
void vine_sessions_init(struct vine_router *vr);
void vine_sessions_stop(struct vine_router *vr);
void vine_sessions_reset(struct vine_router *vr, struct vine_peer *p);
void vine_sessions_free(struct vine_peer *p);
const struct vine_key *vine_peer_stamp(struct vine_router *vr,
				       struct vine_peer *p, struct vinehdr *vh,
				       __be32 daddr, __be16 dport, bool tcp,
				       u32 via);
const struct vine_key *vine_session_tx_key(struct vine_peer *p,
					   const struct vinehdr *vh);
bool vine_session_stage(struct vine_peer *p, struct sk_buff *skb,
			__be32 daddr, __be16 dport, u32 via);
struct vine_keypair *vine_session_rx(struct vine_peer *p,
				     const struct vinehdr *vh);
void vine_session_confirmed(struct vine_router *vr, struct vine_peer *p,
			    struct vine_keypair *kp);
void vine_session_unknown(struct vine_router *vr, struct vine_peer *p,
			  const struct vine_from *from);
void vine_session_keepalive(struct vine_router *vr, const struct vine_cfg *cfg,
			    struct vine_peer *p);
void vine_hs_queue(struct vine_router *vr, const struct vine_cfg *cfg,
		   struct sk_buff *skb, const struct vine_from *from);
int vine_remote_set(struct vine_router *vr, struct vine_peer *p,
		    const u8 *pub, const u8 *psk,
		    struct netlink_ext_ack *extack);
bool vine_remote_del(struct vine_router *vr, struct vine_peer *p);
int vine_session_put(struct sk_buff *msg, struct vine_peer *p);
int vine_handshakes_put(struct sk_buff *msg, struct vine_router *vr);

/* A peer we have a key for, static or public. Under RCU or vr->lock. */
static inline bool vine_peer_keyed(const struct vine_peer *p)
{
	return rcu_access_pointer(p->key) || rcu_access_pointer(p->remote);
}

/* pipe.c */
struct vine_pipe_worker;
int vine_pipe_module_init(void);
void vine_pipe_module_exit(void);
int vine_pipes_init(struct vine_router *vr);
void vine_pipes_stop(struct vine_router *vr);
void vine_pipes_free(struct vine_router *vr);
bool vine_rx_pipe_take(struct vine_router *vr, const struct vine_cfg *cfg,
		       struct sk_buff *skb, const struct vine_from *from);
bool vine_pipes_wanted(const struct vine_cfg *cfg);
void vine_tx_pipe_put(struct vine_router *vr, struct vine_peer *p,
		      struct sk_buff *skb, struct rtable *rt, __be32 saddr,
		      __be32 daddr, __be16 dport);

/* tcp.c */
struct vine_conn;
int vine_tcp_module_init(void);
void vine_tcp_module_exit(void);
void vine_tcp_init(struct vine_router *vr);
int vine_tcp_listen_open(struct vine_router *vr, u16 port, struct socket **sockp);
void vine_tcp_listen(struct vine_router *vr, struct socket *sock);
void vine_tcp_stop(struct vine_router *vr);
void vine_tcp_send(struct vine_router *vr, struct vine_peer *p, __be32 daddr,
		   __be16 dport, struct sk_buff *skb);
void vine_tcp_seen(struct vine_conn *c, struct vine_peer *p, bool take);
struct vine_conn *vine_tcp_find(struct vine_router *vr, __be32 saddr,
				__be16 sport);
void vine_tcp_reset(struct vine_peer *p);
void vine_tcp_release(struct vine_peer *p, struct vine_conn *c);
u8 vine_tcp_state(struct vine_peer *p);
void vine_peer_tcp_detach(struct vine_router *vr, struct vine_peer *p);

#endif /* _VINE_H */
