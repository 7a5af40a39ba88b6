// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl monitor: print the VR's events as they come, one line each
 * (-j: one JSON object a line). A change prints what it changed, in the
 * words of the command that makes it, and the generation it made:
 *
 *	new-route vn 1 prefix 172.16.2.0/24 via 10.0.0.2 generation 7
 *	peer-seen peer 10.0.0.1 addr 10.0.0.1 port 2247
 *	channel peer 10.0.0.1 role queue-vr state up addr 10.0.0.1 port 2247
 *	handshake peer 192.168.1.2 initiator yes via 10.0.0.1
 *
 * A set-key event shows the peer's public key if it has one (public-key
 * KEY, in base64); keys, static or pre-shared, are never shown.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "vinectl.h"

static const char *const event_names[] = {
	[VINE_CMD_SET_VR] = "set-vr",
	[VINE_CMD_NEW_VN] = "new-vn",
	[VINE_CMD_DEL_VN] = "del-vn",
	[VINE_CMD_NEW_HOST] = "new-host",
	[VINE_CMD_DEL_HOST] = "del-host",
	[VINE_CMD_NEW_ROUTE] = "new-route",
	[VINE_CMD_DEL_ROUTE] = "del-route",
	[VINE_CMD_SET_KEY] = "set-key",
	[VINE_CMD_DEL_KEY] = "del-key",
	[VINE_CMD_PEER_SEEN] = "peer-seen",
	[VINE_CMD_CHANNEL] = "channel",
	[VINE_CMD_HANDSHAKE] = "handshake",
};

/* One field: JSON member, or " key value" on the line for people. */
static void field(const char *key, const char *val)
{
	if (out_json)
		out_str(key, val);
	else
		printf(" %s %s", key, val);
}

static void field_u64(const char *key, uint64_t val)
{
	if (out_json)
		out_u64(key, val);
	else
		printf(" %s %llu", key, (unsigned long long)val);
}

static void field_addr(const char *key, const struct nlattr *a)
{
	char buf[ADDR_STRLEN];

	field(key, addr_str(buf, nla_get_u32((struct nlattr *)a)));
}

/* A peer's public key (set-key), in base64 as key set takes it. */
static void field_public_key(const struct nlattr *a)
{
	char pub[B64_LEN + 1];

	if (key_str(pub, a))
		field("public-key", pub);
}

static void field_word(const char *key, const struct vword *words,
		       const struct nlattr *a)
{
	field(key, word_name(words, vnl_uint(a)));
}

/* VINE_A_SPACES as "P1,P2,..." ("none" when empty). */
static void field_spaces(const struct nlattr *list)
{
	struct nlattr *p[VINE_PREFIX_A_MAX + 1], *a;
	char buf[PREFIX_STRLEN], all[VINE_MAX_SPACES * (PREFIX_STRLEN + 1)];
	size_t n = 0;
	int rem;

	all[0] = '\0';
	nla_for_each_nested(a, list, rem) {
		if (nla_parse_nested(p, VINE_PREFIX_A_MAX, a, NULL) ||
		    !p[VINE_PREFIX_A_ADDR] || !p[VINE_PREFIX_A_LEN])
			continue;
		prefix_str(buf, nla_get_u32(p[VINE_PREFIX_A_ADDR]),
			   nla_get_u8(p[VINE_PREFIX_A_LEN]));
		n += snprintf(all + n, sizeof(all) - n, "%s%s", n ? "," : "",
			      buf);
		if (n >= sizeof(all))
			break;
	}
	field("space", all[0] ? all : "none");
}

/* VINE_A_QUEUE_VRS as "A.B.C.D:PORT,..." ("none" when empty). */
static void field_queue_vrs(const struct nlattr *list)
{
	char buf[ENDPOINT_STRLEN];
	char all[VINE_MAX_QUEUE_VRS * (ENDPOINT_STRLEN + 1)];
	struct nlattr *a;
	size_t n = 0;
	int rem;

	all[0] = '\0';
	nla_for_each_nested(a, list, rem) {
		if (!endpoint_str(buf, a))
			continue;
		n += snprintf(all + n, sizeof(all) - n, "%s%s", n ? "," : "",
			      buf);
		if (n >= sizeof(all))
			break;
	}
	field("queue-vr", all[0] ? all : "none");
}

/* What set-vr changed of a limited VR's parameters. */
static void fields_limited(struct nlattr **tb)
{
	size_t i;

	if (tb[VINE_A_LIMITED])
		field_word("limited", yes_no_words, tb[VINE_A_LIMITED]);
	if (tb[VINE_A_QUEUE_VRS])
		field_queue_vrs(tb[VINE_A_QUEUE_VRS]);
	if (tb[VINE_A_POLL])
		field_word("poll", poll_words, tb[VINE_A_POLL]);
	for (i = 0; vr_nums[i].word; i++)
		if (tb[vr_nums[i].attr])
			field_u64(vr_nums[i].word, vnl_uint(tb[vr_nums[i].attr]));
}

static int print_event(uint8_t cmd, struct nlattr **tb)
{
	char buf[PREFIX_STRLEN];
	const char *name = cmd < ARRAY_SIZE(event_names) ?
			   event_names[cmd] : NULL;

	if (!name)
		return 0;	/* from a newer module: skip it */
	if (out_json) {
		out_begin(NULL);
		out_str("event", name);
	} else {
		fputs(name, stdout);
	}
	if (tb[VINE_A_VR_ID])
		field("id", addr_str(buf, htonl(nla_get_u32(tb[VINE_A_VR_ID]))));
	if (tb[VINE_A_SPACES])
		field_spaces(tb[VINE_A_SPACES]);
	if (tb[VINE_A_MAC_MODE])
		field_word("mac", mac_words, tb[VINE_A_MAC_MODE]);
	if (cmd == VINE_CMD_SET_VR)
		fields_limited(tb);
	if (tb[VINE_A_VN_ID])
		field_u64("vn", vnl_uint(tb[VINE_A_VN_ID]));
	if (tb[VINE_A_VN_NAME])
		field("name", nla_get_string(tb[VINE_A_VN_NAME]));
	if (tb[VINE_A_PEER])
		field_addr("peer", tb[VINE_A_PEER]);
	if (tb[VINE_A_CHAN_ROLE])
		field_word("role", role_words, tb[VINE_A_CHAN_ROLE]);
	if (tb[VINE_A_CHAN_STATE])
		field_word("state", chan_words, tb[VINE_A_CHAN_STATE]);
	if (tb[VINE_A_INITIATOR])
		field_word("initiator", yes_no_words, tb[VINE_A_INITIATOR]);
	if (tb[VINE_A_ADDR] && tb[VINE_A_PREFIX_LEN])
		field("prefix", prefix_str(buf, nla_get_u32(tb[VINE_A_ADDR]),
					   nla_get_u8(tb[VINE_A_PREFIX_LEN])));
	else if (tb[VINE_A_ADDR])
		field_addr(cmd == VINE_CMD_PEER_SEEN ||
			   cmd == VINE_CMD_CHANNEL ? "addr" : "host",
			   tb[VINE_A_ADDR]);
	if (tb[VINE_A_VIA])
		field_addr("via", tb[VINE_A_VIA]);
	if (tb[VINE_A_PORT])
		field_u64("port", vnl_uint(tb[VINE_A_PORT]));
	if (tb[VINE_A_PROTO])
		field_word("proto", proto_words, tb[VINE_A_PROTO]);
	if (tb[VINE_A_ROUTE_TYPE])
		field_word("type", type_words, tb[VINE_A_ROUTE_TYPE]);
	if (tb[VINE_A_ROUTE_VR])
		field_addr("vr", tb[VINE_A_ROUTE_VR]);
	if (tb[VINE_A_PUBLIC_KEY])
		field_public_key(tb[VINE_A_PUBLIC_KEY]);
	if (tb[VINE_A_KEY])	/* the kernel never sends one */
		field("key", "SENT");
	if (tb[VINE_A_REPLACE])
		field("replace", "yes");
	if (tb[VINE_A_GENERATION])
		field_u64("generation", vnl_uint(tb[VINE_A_GENERATION]));
	if (out_json)
		return out_done(0) ? -1 : 0;
	putchar('\n');
	return fflush(stdout) ? -1 : 0;
}

static int cmd_monitor(int argc, char **argv)
{
	if (argc)
		return usage();
	return vnl_listen(print_event);
}

const struct vcmd monitor_cmds[] = {
	{ NULL, "monitor", cmd_monitor, "monitor" },
	{ }
};
