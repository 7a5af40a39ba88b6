// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl peer list
 * vinectl peer show ADDRESS
 *
 * The peer VRs this VR knows (through a route or a key): whether it has a
 * key, its public key if it is known by one, where its last authenticated
 * packet came from and how long ago, how long ago the last handshake with
 * it completed and how old the session in use is, its channel if it is
 * our queue VR or a limited VR we serve, what waits for it, the TCP
 * connection we send to it on, and its counters.
 */
#include <stdio.h>
#include <string.h>

#include "vinectl.h"

const struct vword role_words[] = {
	{ "none", VINE_ROLE_NONE },
	{ "queue-vr", VINE_ROLE_QUEUE_VR },
	{ "limited", VINE_ROLE_LIMITED },
	{ }
};

static const struct vword tcp_words[] = {
	{ "none", VINE_TCP_NONE },
	{ "connecting", VINE_TCP_CONNECTING },
	{ "up", VINE_TCP_UP },
	{ }
};

const struct vword chan_words[] = {
	{ "none", VINE_CHAN_NONE },
	{ "up", VINE_CHAN_UP },
	{ "down", VINE_CHAN_DOWN },
	{ }
};

struct peer_filter {
	uint32_t id;		/* network order; 0: every peer */
	int found;
};

/*
 * The channel with the peer (its mode: how the limited VR polls) and its
 * queue (0 and none when absent). The
 * table of peer list has no room for all: there the channel's age is
 * "since_ms" ("-" without a channel) and the queue "queued", as
 * PACKETS/BYTES.
 */
static void out_channel(struct nlattr **tb, bool table)
{
	uint64_t chan = vnl_uint(tb[VINE_A_CHAN_STATE]);
	uint64_t since = vnl_uint(tb[VINE_A_CHAN_SINCE]);
	uint64_t len = vnl_uint(tb[VINE_A_QUEUE_LEN]);
	uint64_t bytes = vnl_uint(tb[VINE_A_QUEUE_BYTES]);
	char buf[48];

	out_str("role", word_name(role_words, vnl_uint(tb[VINE_A_CHAN_ROLE])));
	out_str("mode", tb[VINE_A_POLL] ?
		word_name(poll_words, vnl_uint(tb[VINE_A_POLL])) : "none");
	out_str("channel", word_name(chan_words, chan));
	if (!table) {
		out_u64("channel_since_ms", since);
		out_u64("queue_len", len);
		out_u64("queue_bytes", bytes);
		return;
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)since);
	out_str("since_ms", chan == VINE_CHAN_NONE ? "-" : buf);
	snprintf(buf, sizeof(buf), "%llu/%llu", (unsigned long long)len,
		 (unsigned long long)bytes);
	out_str("queued", buf);
}

/*
 * A time in milliseconds, @a, as @key; left out if the module did not
 * send it, and from the table of peer list (peer show has it).
 */
static void out_ms(const char *key, const struct nlattr *a, bool table)
{
	if (a && !table)
		out_u64(key, vnl_uint(a));
}

/* The peer's public key, in base64; left out as out_ms(). */
static int out_public_key(const struct nlattr *a, bool table)
{
	char pub[B64_LEN + 1];

	if (!a || table)
		return 0;
	if (!key_str(pub, a))
		return -1;
	out_str("public_key", pub);
	return 0;
}

static int parse_peer(struct nlattr **tb, void *arg)
{
	struct peer_filter *f = arg;
	uint64_t c[VINE_STATS_A_MAX + 1];
	char buf[ADDR_STRLEN], at[ADDR_STRLEN + 6];
	bool seen = tb[VINE_A_ADDR] && tb[VINE_A_PORT] && tb[VINE_A_LAST_SEEN];
	bool table = !out_json && !f->id;
	uint32_t id;

	if (!tb[VINE_A_PEER])
		return -1;
	id = nla_get_u32(tb[VINE_A_PEER]);
	if (f->id && id != f->id)
		return 0;
	f->found++;
	stats_parse(tb[VINE_A_STATS], c);
	out_begin(NULL);
	out_str("id", addr_str(buf, id));
	out_bool("key", tb[VINE_A_HAS_KEY]);
	if (out_public_key(tb[VINE_A_PUBLIC_KEY], table))
		return -1;
	out_bool("seen", seen);
	if (seen)
		snprintf(at, sizeof(at), "%s:%u",
			 addr_str(buf, nla_get_u32(tb[VINE_A_ADDR])),
			 (unsigned int)vnl_uint(tb[VINE_A_PORT]));
	out_str("seen_at", seen ? at : "-");
	out_u64("last_seen_ms", seen ? vnl_uint(tb[VINE_A_LAST_SEEN]) : 0);
	out_ms("last_handshake_ms", tb[VINE_A_LAST_HANDSHAKE], table);
	out_ms("session_age_ms", tb[VINE_A_SESSION_AGE], table);
	out_channel(tb, table);
	out_str("tcp", word_name(tcp_words, vnl_uint(tb[VINE_A_TCP])));
	out_counters(c, true);
	out_end();
	return 0;
}

static int cmd_peer_list(int argc, char **argv)
{
	struct peer_filter f = { 0 };

	if (argc)
		return usage();
	out_begin_table(NULL);
	if (vnl_dump(VINE_CMD_GET_PEER, 0, parse_peer, &f))
		return 1;
	return out_done(0);
}

static int cmd_peer_show(int argc, char **argv)
{
	struct peer_filter f = { 0 };

	if (argc != 1)
		return usage();
	if (!parse_addr(argv[0], &f.id))
		return EXIT_USAGE;
	if (!f.id)
		return usage_error("invalid peer VR '%s' (0.0.0.0)", argv[0]);
	/* One object, not a list: parse_peer opens it for the match only. */
	if (vnl_dump(VINE_CMD_GET_PEER, 0, parse_peer, &f))
		return 1;
	if (!f.found)
		return fail("no such peer VR: %s (see vinectl peer list)",
			    argv[0]);
	return out_done(0);
}

const struct vcmd peer_cmds[] = {
	{ "peer", "list", cmd_peer_list, "peer list" },
	{ "peer", "show", cmd_peer_show, "peer show ADDRESS" },
	{ }
};
