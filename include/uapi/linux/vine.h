/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ViNe: virtual networks across sites, routed by ViNe routers (VRs).
 *
 * This header is the contract between the vine kernel module and its
 * userspace tools: the generic netlink API (Documentation/netlink.rst)
 * and the wire header (Documentation/wire-format.rst).
 */
#ifndef _UAPI_LINUX_VINE_H
#define _UAPI_LINUX_VINE_H

#include <linux/types.h>

#define VINE_GENL_NAME		"vine"
#define VINE_GENL_VERSION	1
#define VINE_MCGRP_EVENTS	"events"

#define VINE_DEFAULT_PORT	2247
#define VINE_KEY_LEN		32	/* bytes of a pairwise key, and of X25519 keys */
#define VINE_MAC_LEN		16	/* bytes of MAC on the wire */
#define VINE_VN_NAME_LEN	32	/* with the terminating NUL */
#define VINE_MAX_SPACES		16	/* prefixes in a VR's ViNe space */
#define VINE_MAX_QUEUE_VRS	4	/* queue VRs of a limited VR */
#define VINE_DEFAULT_POLL_MS	1000	/* a limited VR's GET interval */
#define VINE_DEFAULT_QUEUE_SIZE	1024	/* packets held per limited VR */
#define VINE_DEFAULT_QUEUE_BYTES (4 << 20) /* bytes held per limited VR */
/* Limits of VINE_A_POLL_INTERVAL and VINE_A_KEEPALIVE (but 0: none). */
#define VINE_MIN_INTERVAL_MS	100
#define VINE_MAX_INTERVAL_MS	3600000	/* one hour */
#define VINE_MAX_QUEUE_SIZE	65536	/* VINE_A_QUEUE_SIZE */
#define VINE_MAX_QUEUE_BYTES	(64 << 20) /* VINE_A_QUEUE_BYTES */

/*
 * The ViNe header, after the outer IPv4 and UDP headers; the host's IPv4
 * packet follows it. All fields are big endian. 44 bytes.
 */
struct vinehdr {
	__u8	version;	/* VINE_WIRE_VERSION */
	__u8	type;		/* enum vine_pkt_type */
	__u8	flags;		/* VINE_F_* */
	__u8	reserved;	/* zero on send, ignored on receive */
	__be16	size;		/* this header and the packet after it */
	__be16	reserved2;	/* zero on send, ignored on receive */
	__be64	counter;	/* per sending VR and peer, grows, never reused */
	__be32	vnid;		/* the virtual network */
	__be32	src_vr;		/* sending VR's id */
	__be32	dst_vr;		/* receiving VR's id */
	__u8	mac[VINE_MAC_LEN]; /* 128-bit MAC, see wire-format.rst */
} __attribute__((packed));

#define VINE_WIRE_VERSION	1

enum vine_pkt_type {
	VINE_PKT_FORWARD,	/* unpack and deliver to the destination host */
	VINE_PKT_QUEUE,		/* relay, or queue for a limited VR */
	VINE_PKT_GET,		/* a limited VR opens or refreshes its channel */
	VINE_PKT_NULL,		/* keepalive; a queue VR's answer to GET */
	VINE_PKT_INIT,		/* handshake initiation (struct vine_hs_init) */
	VINE_PKT_RESP,		/* handshake response (struct vine_hs_resp) */
	VINE_PKT_COOKIE,	/* cookie reply (struct vine_hs_cookie) */
	VINE_PKT_RELAY,		/* a whole ViNe packet for a queue VR to pass on */
};

/*
 * A RELAY packet carries, after its header (VN 0, MAC only, in the
 * session of the two VRs of this hop), a whole ViNe packet that another
 * VR made for a third: a data packet in their own session, or one of
 * their handshake messages. A queue VR passes that inner packet on
 * unchanged, in a RELAY of its own, to a limited VR it serves, or from
 * one to the VR it names; it cannot read or alter it (wire-format.rst,
 * "Relayed sessions").
 */

/*
 * The body of GET and NULL packets (after the ViNe header, VN id 0): the
 * sender's poll interval. A queue VR holds a limited VR's channel up for
 * three of them after its last GET or NULL. Interval 0 (in a NULL): the
 * limited VR leaves; the queue VR sends what it holds and forgets it.
 */
struct vine_chan_body {
	__be32	interval_ms;
} __attribute__((packed));

#define VINE_F_MAC		0x01	/* mac[] holds a MAC */
/*
 * In a GET over TCP: the limited VR polls (poll tcp). Its queue VR holds
 * its packets between GETs and sends them in answer to each, before the
 * NULL; the limited VR then closes the connection.
 */
#define VINE_F_POLL		0x02
/*
 * The MAC is keyed from a session (a handshake between VRs that know each
 * other's public keys); reserved2 holds the receiver's index of it.
 */
#define VINE_F_SESSION		0x04
/*
 * With VINE_F_SESSION: what follows the header is encrypted with
 * ChaCha20-Poly1305 (the session's key, the counter as nonce, the header
 * with mac[] zero as additional data), and mac[] holds its tag.
 */
#define VINE_F_ENCRYPTED	0x08

/*
 * Handshake messages (Documentation/wire-format.rst, "Sessions"): a ViNe
 * header of type INIT or RESP, VN 0, counter 0, flags 0, its mac[] the
 * message's mac1; then one of these bodies. Indices are the sender's and
 * receiver's names of the session, what data packets carry in reserved2.
 */
struct vine_hs_init {
	__be16	sender;			/* the initiator's index */
	__be16	reserved;		/* zero */
	__u8	ephemeral[32];
	__u8	static_enc[32 + 16];	/* the initiator's public key */
	__u8	ts_enc[12 + 16];	/* TAI64N time */
	__u8	mac2[16];		/* with a cookie, else zero */
} __attribute__((packed));

struct vine_hs_resp {
	__be16	sender;			/* the responder's index */
	__be16	receiver;		/* the initiator's index */
	__u8	ephemeral[32];
	__u8	empty_enc[16];
	__u8	mac2[16];		/* with a cookie, else zero */
} __attribute__((packed));

/*
 * A VR under load answers a handshake message without a valid mac2 with
 * this instead: a cookie for the sender's address and port, encrypted
 * for the sender (wire-format.rst, "Cookies"). Header: VN 0, counter 0,
 * flags 0, mac zero.
 */
struct vine_hs_cookie {
	__be16	receiver;		/* the index in the message answered */
	__be16	reserved;		/* zero */
	__u8	nonce[24];
	__u8	cookie_enc[16 + 16];
} __attribute__((packed));

enum vine_mac_mode {
	VINE_MAC_HMAC_SHA256,	/* HMAC-SHA-256 truncated to 128 bits */
	VINE_MAC_NONE,		/* no MAC: trusted links only */
	VINE_MAC_BLAKE2S,	/* keyed BLAKE2s, 128-bit output (RFC 7693) */
	VINE_MAC_POLY1305,	/* ChaCha20-Poly1305 tag, packet as AAD (RFC 8439) */

	__VINE_MAC_MAX
};

enum vine_proto {
	VINE_PROTO_UDP = 1,
	VINE_PROTO_TCP = 2,
};

/* How a limited VR reaches its queue VR (thesis Table 3-3, PollProtocol). */
enum vine_poll {
	VINE_POLL_UDP,		/* UDP: GET every poll interval */
	VINE_POLL_TCP,		/* a TCP connection per GET; packets wait for it */
	VINE_POLL_CHANNEL,	/* one TCP connection kept open, GET every interval */

	__VINE_POLL_MAX
};

/* A channel between a limited VR and its queue VR, as one side sees it. */
enum vine_chan_state {
	VINE_CHAN_NONE,		/* no channel with this peer */
	VINE_CHAN_UP,		/* heard from the other side in time */
	VINE_CHAN_DOWN,		/* silent for three poll intervals */
};

/* This VR's part in a channel with a peer. */
enum vine_chan_role {
	VINE_ROLE_NONE,
	VINE_ROLE_QUEUE_VR,	/* the peer is our queue VR (we are limited) */
	VINE_ROLE_LIMITED,	/* the peer is a limited VR we serve */
};

/* The TCP connection a VR sends to a peer on (GET_PEER answers). */
enum vine_tcp_state {
	VINE_TCP_NONE,		/* none */
	VINE_TCP_CONNECTING,	/* being opened; packets wait */
	VINE_TCP_UP,		/* established */
};

enum vine_route_type {
	VINE_ROUTE_DISABLED,
	VINE_ROUTE_REGULAR,
	VINE_ROUTE_QUEUE,
};

/**
 * enum vine_drop - why a VR dropped a packet (counted per reason)
 * @VINE_DROP_NOT_IN_LNDT: intercepted packet whose source is no local host
 * @VINE_DROP_NO_ROUTE: no GNDT route for the destination in the source's VN
 * @VINE_DROP_ROUTE_DISABLED: the matching route is of type disabled
 * @VINE_DROP_LOOP: the route leads back to this VR
 * @VINE_DROP_NO_KEY: no key for the destination VR (MAC mode hmac)
 * @VINE_DROP_TOO_BIG: packet too big for the path after encapsulation
 * @VINE_DROP_TTL: TTL expired at the VR
 * @VINE_DROP_TX_ERROR: no route to the destination VR, or no memory
 * @VINE_DROP_MALFORMED: truncated or inconsistent ViNe packet
 * @VINE_DROP_BAD_VERSION: unknown wire version or packet type
 * @VINE_DROP_NOT_FOR_US: destination VR id is not this VR's
 * @VINE_DROP_UNKNOWN_PEER: the sending VR has no key here
 * @VINE_DROP_BAD_MAC: MAC missing or wrong
 * @VINE_DROP_REPLAY: counter already seen or too old
 * @VINE_DROP_WRONG_VN: destination host is not in the packet's VN here
 * @VINE_DROP_DELIVERY: no route to the destination host on the LAN
 * @VINE_DROP_QUEUE_FULL: a limited VR's queue is at its bound
 * @VINE_DROP_NO_CHANNEL: channel message (GET, NULL) at a VR without MAC
 * @VINE_DROP_TCP_DOWN: no TCP connection to the peer: the last attempt
 *	failed and the next waits for its backoff, the connection closed with
 *	the packet waiting, or a limited VR's TCP channel is gone
 * @VINE_DROP_TCP_FULL: the TCP connection's backlog is at its bound
 * @VINE_DROP_RX_BUSY: received packets wait for verification at the bound
 *	of the VR's queue
 * @VINE_DROP_TX_BUSY: packets to send wait for their MAC at the bound of
 *	the VR's queue
 * @VINE_DROP_RX_CODEL: received packet dropped by the CoDel of the VR's
 *	queue: packets waited there too long
 * @VINE_DROP_TX_CODEL: packet to send dropped by the CoDel of the VR's
 *	queue
 * @VINE_DROP_SPOOFED: a packet for the ViNe space came in on an interface
 *	through which this VR does not reach its source (strict reverse
 *	path): never encapsulated
 * @VINE_DROP_BAD_SOURCE: an authenticated packet whose sender may not
 *	speak for its inner source in its VN: this VR's route for that
 *	source leads to another VR, or the source is a host of this VR
 * @VINE_DROP_TOO_LONG: a host's packet (reassembled) too long to be
 *	encapsulated: over 65,463 bytes, the outer IPv4 length and the
 *	header's size field hold 16 bits
 * @VINE_DROP_NO_SESSION: a packet for a peer known by its public key
 *	while no session with it is up, beyond what waits for the
 *	handshake, or what waited when its key or ours changed; or a
 *	received packet without a session, or with an index that names
 *	none of ours (e.g. from before a restart)
 * @VINE_DROP_HANDSHAKE: a handshake message that does not verify: wrong
 *	mac1, a public key that is not the peer's, an index we never gave
 * @VINE_DROP_HS_REPLAY: a handshake initiation whose time is not later
 *	than that of the last one accepted from the peer
 * @VINE_DROP_HS_BUSY: a handshake message received while as many wait
 *	for the CPU as the VR takes
 * @VINE_DROP_NOT_ENCRYPTED: a packet of a session, not encrypted, at a VR
 *	that encrypts (VINE_A_ENCRYPT)
 * @VINE_DROP_HS_COOKIE: a handshake message without a valid cookie (mac2)
 *	while the VR is under load: a cookie reply went back instead
 * @VINE_DROP_RELAY_DENIED: a RELAY packet this VR neither takes nor
 *	passes on: from or for a VR not known by its public key, for a VR
 *	that is neither ours (a limited VR we serve) nor served by the
 *	sender, or an inner packet that is not its sender's own
 * @VINE_DROP_HS_RATE: a handshake initiation with a valid cookie while
 *	the VR is under load, beyond 20 a second (5 at once) from its
 *	source address
 */
enum vine_drop {
	VINE_DROP_UNSPEC,
	VINE_DROP_NOT_IN_LNDT,
	VINE_DROP_NO_ROUTE,
	VINE_DROP_ROUTE_DISABLED,
	VINE_DROP_LOOP,
	VINE_DROP_NO_KEY,
	VINE_DROP_TOO_BIG,
	VINE_DROP_TTL,
	VINE_DROP_TX_ERROR,
	VINE_DROP_MALFORMED,
	VINE_DROP_BAD_VERSION,
	VINE_DROP_NOT_FOR_US,
	VINE_DROP_UNKNOWN_PEER,
	VINE_DROP_BAD_MAC,
	VINE_DROP_REPLAY,
	VINE_DROP_WRONG_VN,
	VINE_DROP_DELIVERY,
	VINE_DROP_QUEUE_FULL,
	VINE_DROP_NO_CHANNEL,
	VINE_DROP_TCP_DOWN,
	VINE_DROP_TCP_FULL,
	VINE_DROP_RX_BUSY,
	VINE_DROP_TX_BUSY,
	VINE_DROP_RX_CODEL,
	VINE_DROP_TX_CODEL,
	VINE_DROP_SPOOFED,
	VINE_DROP_BAD_SOURCE,
	VINE_DROP_TOO_LONG,
	VINE_DROP_NO_SESSION,
	VINE_DROP_HANDSHAKE,
	VINE_DROP_HS_REPLAY,
	VINE_DROP_HS_BUSY,
	VINE_DROP_NOT_ENCRYPTED,
	VINE_DROP_HS_COOKIE,
	VINE_DROP_RELAY_DENIED,
	VINE_DROP_HS_RATE,

	__VINE_DROP_MAX
};

#define VINE_DROP_MAX (__VINE_DROP_MAX - 1)

/**
 * enum vine_cmd - generic netlink commands of the "vine" family
 *
 * All act on the caller's network namespace (one VR) and need
 * CAP_NET_ADMIN over it. Changes bump VINE_A_GENERATION and are sent to
 * the "events" group with the same command and attributes.
 *
 * @VINE_CMD_GET_STATUS: versions, generation, table sizes
 * @VINE_CMD_GET_VR: VR parameters
 * @VINE_CMD_SET_VR: change VR parameters (any subset): VINE_A_VR_ID,
 *	VINE_A_PORT, VINE_A_SPACES, VINE_A_MAC_MODE, VINE_A_LIMITED,
 *	VINE_A_QUEUE_VRS, VINE_A_POLL, VINE_A_POLL_INTERVAL,
 *	VINE_A_KEEPALIVE, VINE_A_QUEUE_SIZE, VINE_A_QUEUE_BYTES,
 *	VINE_A_PRIVATE_KEY, VINE_A_ENCRYPT
 * @VINE_CMD_NEW_VN: VINE_A_VN_ID, optional VINE_A_VN_NAME
 * @VINE_CMD_DEL_VN: VINE_A_VN_ID; removes its hosts and routes too
 * @VINE_CMD_GET_VN: doit with VINE_A_VN_ID, or dump of all VNs
 * @VINE_CMD_NEW_HOST: VINE_A_VN_ID, VINE_A_ADDR: the host joins the VN
 * @VINE_CMD_DEL_HOST: VINE_A_VN_ID, VINE_A_ADDR: the host leaves
 * @VINE_CMD_GET_HOST: dump of the LNDT, optionally only VINE_A_VN_ID
 * @VINE_CMD_NEW_ROUTE: VINE_A_VN_ID, VINE_A_ADDR, VINE_A_PREFIX_LEN,
 *	VINE_A_VIA, optional VINE_A_PORT, VINE_A_PROTO, VINE_A_ROUTE_TYPE;
 *	a route of type queue also names the VR behind the queue VR
 *	(VINE_A_ROUTE_VR, a limited VR most often): the prefix's packets
 *	are taken from that VR or from the queue VR;
 *	with VINE_A_REPLACE an existing route is replaced in place, else
 *	an existing route is an error. (Legacy NLM_F_CREATE, EXCL and
 *	REPLACE flags are refused by generic netlink's strict checks.)
 * @VINE_CMD_DEL_ROUTE: VINE_A_VN_ID, VINE_A_ADDR, VINE_A_PREFIX_LEN
 * @VINE_CMD_GET_ROUTE: dump of the GNDTs, optionally only VINE_A_VN_ID
 * @VINE_CMD_SET_KEY: VINE_A_PEER and either VINE_A_KEY, a static pairwise
 *	key, or VINE_A_PUBLIC_KEY, the peer's public key (sessions made by
 *	handshakes, once this VR has a private key) with an optional
 *	VINE_A_KEY mixed into them as a pre-shared key. Replaces what the
 *	peer had.
 * @VINE_CMD_DEL_KEY: VINE_A_PEER: its static key, or its public key and
 *	sessions
 * @VINE_CMD_GET_PEER: dump of peer VRs: id, key present, counters, and
 *	where and when it was last seen (VINE_A_ADDR, VINE_A_PORT,
 *	VINE_A_LAST_SEEN)
 * @VINE_CMD_GET_STATS: VR counters and drops by reason
 * @VINE_CMD_PEER_SEEN: event only, on the "events" group: a peer VR's
 *	authenticated packet came from a new outer address or port (the
 *	first one since the peer was created, or a NAT rebinding):
 *	VINE_A_PEER, VINE_A_ADDR (outer source), VINE_A_PORT (its port)
 * @VINE_CMD_CHANNEL: event only: the channel with a peer went up or down:
 *	VINE_A_PEER, VINE_A_CHAN_ROLE, VINE_A_CHAN_STATE, and where the
 *	peer was last seen (VINE_A_ADDR, VINE_A_PORT) if it was
 * @VINE_CMD_HANDSHAKE: event only: a handshake with a peer made a
 *	session: VINE_A_PEER, VINE_A_INITIATOR, and VINE_A_VIA if a queue
 *	VR relayed it
 */
enum vine_cmd {
	VINE_CMD_UNSPEC,
	VINE_CMD_GET_STATUS,
	VINE_CMD_GET_VR,
	VINE_CMD_SET_VR,
	VINE_CMD_NEW_VN,
	VINE_CMD_DEL_VN,
	VINE_CMD_GET_VN,
	VINE_CMD_NEW_HOST,
	VINE_CMD_DEL_HOST,
	VINE_CMD_GET_HOST,
	VINE_CMD_NEW_ROUTE,
	VINE_CMD_DEL_ROUTE,
	VINE_CMD_GET_ROUTE,
	VINE_CMD_SET_KEY,
	VINE_CMD_DEL_KEY,
	VINE_CMD_GET_PEER,
	VINE_CMD_GET_STATS,
	VINE_CMD_PEER_SEEN,
	VINE_CMD_CHANNEL,
	VINE_CMD_HANDSHAKE,

	__VINE_CMD_MAX
};

#define VINE_CMD_MAX (__VINE_CMD_MAX - 1)

/**
 * enum vine_attr - top-level attributes
 * @VINE_A_VERSION: string, the module's version (answers only)
 * @VINE_A_GENERATION: u32, configuration generation (answers only)
 * @VINE_A_PAD: padding for 64-bit attributes
 * @VINE_A_VR_ID: u32, this VR's id (default 0: until one is set, the
 *	VR's id is the address it sends from or receives on)
 * @VINE_A_PORT: u16, UDP port (VR: listen port; route: the peer's port)
 * @VINE_A_SPACES: nested array of nested VINE_PREFIX_A_*: the ViNe
 *	space this VR intercepts (at most VINE_MAX_SPACES)
 * @VINE_A_MAC_MODE: u8, enum vine_mac_mode
 * @VINE_A_VN_ID: u32, a VN id (1 to 2^32-1)
 * @VINE_A_VN_NAME: string, at most VINE_VN_NAME_LEN - 1 bytes
 * @VINE_A_ADDR: be32, an IPv4 address (host) or prefix (route)
 * @VINE_A_PREFIX_LEN: u8, 0 to 32
 * @VINE_A_VIA: be32, the destination VR's address
 * @VINE_A_PROTO: u8, enum vine_proto
 * @VINE_A_ROUTE_TYPE: u8, enum vine_route_type
 * @VINE_A_PEER: be32, a peer VR's id
 * @VINE_A_KEY: binary, VINE_KEY_LEN bytes (never sent back)
 * @VINE_A_HAS_KEY: flag, the peer has a key (answers only)
 * @VINE_A_STATS: nested VINE_STATS_A_* (answers only)
 * @VINE_A_DROPS: nested, u64 per enum vine_drop reason (answers only)
 * @VINE_A_COUNT_VNS: u32 (answers only)
 * @VINE_A_COUNT_HOSTS: u32 (answers only)
 * @VINE_A_COUNT_ROUTES: u32 (answers only)
 * @VINE_A_COUNT_PEERS: u32 (answers only)
 * @VINE_A_OVERHEAD: u32, bytes added by encapsulation (answers only)
 * @VINE_A_REPLACE: flag, NEW_ROUTE may replace an existing route
 * @VINE_A_LAST_SEEN: u64, milliseconds since the peer's last packet with
 *	a verified MAC (GET_PEER answers only, with VINE_A_ADDR and
 *	VINE_A_PORT: where it came from; absent before the first)
 * @VINE_A_LIMITED: u8, 1: this VR is limited (behind NAT or firewall)
 *	and keeps a channel open to a queue VR; 0: regular
 * @VINE_A_QUEUE_VRS: nested array of nested VINE_ENDPOINT_A_*: the
 *	queue VRs of a limited VR, in order of preference (at most
 *	VINE_MAX_QUEUE_VRS; a queue VR's id is its address)
 * @VINE_A_POLL: u8, enum vine_poll (in GET_PEER answers: the mode of the
 *	channel with the peer, when there is one)
 * @VINE_A_POLL_INTERVAL: u32, milliseconds between GETs
 *	(VINE_MIN_INTERVAL_MS to VINE_MAX_INTERVAL_MS)
 * @VINE_A_KEEPALIVE: u32, milliseconds between NULLs a limited VR sends
 *	between GETs, 0 for none (else as VINE_A_POLL_INTERVAL)
 * @VINE_A_QUEUE_SIZE: u32, packets a queue VR holds per limited VR
 *	while its channel is down (0 to VINE_MAX_QUEUE_SIZE)
 * @VINE_A_QUEUE_BYTES: u32, bytes it holds at most (0 to
 *	VINE_MAX_QUEUE_BYTES); in
 *	GET_PEER answers, the bytes waiting
 * @VINE_A_CHAN_ROLE: u8, enum vine_chan_role (answers and events only)
 * @VINE_A_CHAN_STATE: u8, enum vine_chan_state (answers and events only)
 * @VINE_A_CHAN_SINCE: u64, milliseconds since the state last changed
 *	(GET_PEER answers only)
 * @VINE_A_QUEUE_LEN: u32, packets waiting (GET_PEER answers only)
 * @VINE_A_TCP: u8, enum vine_tcp_state (GET_PEER answers only)
 * @VINE_A_ROUTE_VR: be32, the id of the VR a route of type queue leads
 *	to through the queue VR of VINE_A_VIA (a limited VR, most often);
 *	required with type queue, refused with the others
 * @VINE_A_PRIVATE_KEY: binary, VINE_KEY_LEN bytes: this VR's X25519
 *	private key (SET_VR; never sent back, nor in events; not all zeros)
 * @VINE_A_PUBLIC_KEY: binary, VINE_KEY_LEN bytes: this VR's public key,
 *	in GET_VR answers once a private key is set; a peer's, in SET_KEY
 *	and GET_PEER
 * @VINE_A_LAST_HANDSHAKE: u64, milliseconds since the last handshake
 *	with the peer completed (GET_PEER answers only; absent before one)
 * @VINE_A_SESSION_AGE: u64, milliseconds since the session packets are
 *	sent with began (GET_PEER answers only; absent without one)
 * @VINE_A_HANDSHAKES: nested VINE_HS_A_*, the VR's handshakes (GET_STATS
 *	answers only; those that failed are drops: handshake, hs_replay,
 *	hs_busy)
 * @VINE_A_ENCRYPT: u8, 1: packets in sessions are sent encrypted
 *	(VINE_F_ENCRYPTED), and only encrypted ones are taken; 0: neither
 *	(default). Static keys never encrypt. Needs a MAC mode.
 * @VINE_A_INITIATOR: u8, in HANDSHAKE events: 1 this VR initiated the
 *	handshake (its session is up), 0 it answered one (its session is
 *	up once the peer uses it)
 */
enum vine_attr {
	VINE_A_UNSPEC,
	VINE_A_VERSION,
	VINE_A_GENERATION,
	VINE_A_PAD,
	VINE_A_VR_ID,
	VINE_A_PORT,
	VINE_A_SPACES,
	VINE_A_MAC_MODE,
	VINE_A_VN_ID,
	VINE_A_VN_NAME,
	VINE_A_ADDR,
	VINE_A_PREFIX_LEN,
	VINE_A_VIA,
	VINE_A_PROTO,
	VINE_A_ROUTE_TYPE,
	VINE_A_PEER,
	VINE_A_KEY,
	VINE_A_HAS_KEY,
	VINE_A_STATS,
	VINE_A_DROPS,
	VINE_A_COUNT_VNS,
	VINE_A_COUNT_HOSTS,
	VINE_A_COUNT_ROUTES,
	VINE_A_COUNT_PEERS,
	VINE_A_OVERHEAD,
	VINE_A_REPLACE,
	VINE_A_LAST_SEEN,
	VINE_A_LIMITED,
	VINE_A_QUEUE_VRS,
	VINE_A_POLL,
	VINE_A_POLL_INTERVAL,
	VINE_A_KEEPALIVE,
	VINE_A_QUEUE_SIZE,
	VINE_A_QUEUE_BYTES,
	VINE_A_CHAN_ROLE,
	VINE_A_CHAN_STATE,
	VINE_A_CHAN_SINCE,
	VINE_A_QUEUE_LEN,
	VINE_A_TCP,
	VINE_A_ROUTE_VR,
	VINE_A_PRIVATE_KEY,
	VINE_A_PUBLIC_KEY,
	VINE_A_LAST_HANDSHAKE,
	VINE_A_SESSION_AGE,
	VINE_A_HANDSHAKES,
	VINE_A_ENCRYPT,
	VINE_A_INITIATOR,

	__VINE_A_MAX
};

#define VINE_A_MAX (__VINE_A_MAX - 1)

/* One prefix of VINE_A_SPACES. */
enum vine_prefix_attr {
	VINE_PREFIX_A_UNSPEC,
	VINE_PREFIX_A_ADDR,	/* be32 */
	VINE_PREFIX_A_LEN,	/* u8, 0 to 32 */

	__VINE_PREFIX_A_MAX
};

#define VINE_PREFIX_A_MAX (__VINE_PREFIX_A_MAX - 1)

/* One queue VR of VINE_A_QUEUE_VRS. */
enum vine_endpoint_attr {
	VINE_ENDPOINT_A_UNSPEC,
	VINE_ENDPOINT_A_ADDR,	/* be32 */
	VINE_ENDPOINT_A_PORT,	/* u16, default VINE_DEFAULT_PORT */

	__VINE_ENDPOINT_A_MAX
};

#define VINE_ENDPOINT_A_MAX (__VINE_ENDPOINT_A_MAX - 1)

/* Counters in VINE_A_STATS: u64 each, of a VR, a VN or a peer. */
enum vine_stats_attr {
	VINE_STATS_A_UNSPEC,
	VINE_STATS_A_PAD,
	VINE_STATS_A_TX_PACKETS,	/* encapsulated and sent */
	VINE_STATS_A_TX_BYTES,		/* inner bytes sent */
	VINE_STATS_A_RX_PACKETS,	/* verified and delivered */
	VINE_STATS_A_RX_BYTES,		/* inner bytes delivered */
	VINE_STATS_A_DROPS,		/* all drops */

	__VINE_STATS_A_MAX
};

#define VINE_STATS_A_MAX (__VINE_STATS_A_MAX - 1)

/* VINE_A_HANDSHAKES: u64 counters. */
enum vine_hs_attr {
	VINE_HS_A_UNSPEC,
	VINE_HS_A_PAD,
	VINE_HS_A_INIT_SENT,		/* initiations sent */
	VINE_HS_A_INIT_RECEIVED,	/* initiations taken and answered */
	VINE_HS_A_RESP_RECEIVED,	/* responses taken: sessions begun */
	VINE_HS_A_COOKIE_SENT,		/* cookie replies sent (under load) */
	VINE_HS_A_COOKIE_RECEIVED,	/* cookie replies taken */

	__VINE_HS_A_MAX
};

#define VINE_HS_A_MAX (__VINE_HS_A_MAX - 1)

#endif /* _UAPI_LINUX_VINE_H */
