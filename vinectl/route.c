// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl route add|replace VNID PREFIX via VR-ADDRESS [port PORT]
 *		  [proto udp|tcp] [type regular|disabled|queue vr VR-ID]
 * vinectl route del VNID PREFIX
 * vinectl route list [VNID]
 */
#include "vinectl.h"

const struct vword proto_words[] = {
	{ "udp", VINE_PROTO_UDP },
	{ "tcp", VINE_PROTO_TCP },
	{ }
};

const struct vword type_words[] = {
	{ "regular", VINE_ROUTE_REGULAR },
	{ "queue", VINE_ROUTE_QUEUE },
	{ "disabled", VINE_ROUTE_DISABLED },
	{ }
};

struct route_filter {
	uint32_t vnid;		/* 0: all */
	bool show_vn;
};

static int parse_route(struct nlattr **tb, void *arg)
{
	const struct route_filter *f = arg;
	char buf[PREFIX_STRLEN];
	uint32_t vnid;

	if (!tb[VINE_A_VN_ID] || !tb[VINE_A_ADDR] ||
	    !tb[VINE_A_PREFIX_LEN] || !tb[VINE_A_VIA])
		return -1;
	vnid = nla_get_u32(tb[VINE_A_VN_ID]);
	if (f->vnid && vnid != f->vnid)
		return 0;
	out_begin(NULL);
	if (f->show_vn)
		out_u64("vn", vnid);
	out_str("prefix", prefix_str(buf, nla_get_u32(tb[VINE_A_ADDR]),
				     nla_get_u8(tb[VINE_A_PREFIX_LEN])));
	out_str("via", addr_str(buf, nla_get_u32(tb[VINE_A_VIA])));
	out_u64("port", tb[VINE_A_PORT] ? vnl_uint(tb[VINE_A_PORT]) :
		VINE_DEFAULT_PORT);
	out_str("proto", word_name(proto_words, tb[VINE_A_PROTO] ?
				   vnl_uint(tb[VINE_A_PROTO]) :
				   VINE_PROTO_UDP));
	out_str("type", word_name(type_words, tb[VINE_A_ROUTE_TYPE] ?
				  vnl_uint(tb[VINE_A_ROUTE_TYPE]) :
				  VINE_ROUTE_REGULAR));
	if (tb[VINE_A_ROUTE_VR])
		out_str("vr",
			addr_str(buf, nla_get_u32(tb[VINE_A_ROUTE_VR])));
	out_end();
	return 0;
}

/* The routes of VN @vnid (0: of all VNs), as table @key. */
int route_table(const char *key, uint32_t vnid, bool show_vn)
{
	struct route_filter f = { vnid, show_vn };

	out_begin_table(key);
	if (vnl_dump(VINE_CMD_GET_ROUTE, vnid, parse_route, &f))
		return 1;
	out_end_list();
	return 0;
}

struct dest {
	uint32_t vnid, addr;
	uint8_t len;
};

/* VNID PREFIX, the start of every route change. */
static bool parse_dest(char **argv, struct dest *d)
{
	return parse_vnid(argv[0], &d->vnid) &&
	       parse_prefix(argv[1], &d->addr, &d->len);
}

static struct nl_msg *dest_msg(uint8_t cmd, int flags, const struct dest *d)
{
	struct nl_msg *msg = vnl_msg_u32(cmd, flags, VINE_A_VN_ID, d->vnid);

	vnl_put(msg, VINE_A_ADDR, sizeof(d->addr), &d->addr);
	vnl_put(msg, VINE_A_PREFIX_LEN, sizeof(d->len), &d->len);
	return msg;
}

/* route add and route replace: every argument checked before sending. */
static int route_set(int argc, char **argv, bool replace)
{
	static const char *const kws[] = {
		"via", "port", "proto", "type", "vr", NULL
	};
	uint8_t proto = 0, type = 0;
	unsigned int seen = 0;
	uint16_t port = 0;
	struct nl_msg *msg;
	uint32_t via = 0, lim = 0;
	const char *val;
	struct dest d;
	bool ok;
	int k = 0;

	if (argc < 2)
		return usage();
	ok = parse_dest(argv, &d);
	argc -= 2;
	argv += 2;
	while (ok && (k = next_kw(&argc, &argv, kws, &seen, &val)) >= 0) {
		if (k == 0)
			ok = parse_addr(val, &via);
		else if (k == 1)
			ok = parse_port(val, &port);
		else if (k == 2)
			ok = parse_word("proto", proto_words, val, &proto);
		else if (k == 3)
			ok = parse_word("type", type_words, val, &type);
		else
			ok = parse_addr(val, &lim);
	}
	if (!ok || k == -2)
		return EXIT_USAGE;
	if (!(seen & 1))
		return usage_error("missing 'via VR-ADDRESS'");

	msg = dest_msg(VINE_CMD_NEW_ROUTE, 0, &d);
	if (replace)
		nla_put_flag(msg, VINE_A_REPLACE);
	vnl_put(msg, VINE_A_VIA, sizeof(via), &via);
	if (seen & 2)
		vnl_put(msg, VINE_A_PORT, sizeof(port), &port);
	if (seen & 4)
		vnl_put(msg, VINE_A_PROTO, sizeof(proto), &proto);
	if (seen & 8)
		vnl_put(msg, VINE_A_ROUTE_TYPE, sizeof(type), &type);
	if (seen & 16)
		vnl_put(msg, VINE_A_ROUTE_VR, sizeof(lim), &lim);
	return vnl_change(msg, NULL);
}

static int cmd_route_add(int argc, char **argv)
{
	return route_set(argc, argv, false);
}

static int cmd_route_replace(int argc, char **argv)
{
	return route_set(argc, argv, true);
}

static int cmd_route_del(int argc, char **argv)
{
	struct dest d;

	if (argc != 2)
		return usage();
	if (!parse_dest(argv, &d))
		return EXIT_USAGE;
	return vnl_change(dest_msg(VINE_CMD_DEL_ROUTE, 0, &d), NULL);
}

static int cmd_route_list(int argc, char **argv)
{
	uint32_t vnid = 0;

	if (argc > 1)
		return usage();
	if (argc && !parse_vnid(argv[0], &vnid))
		return EXIT_USAGE;
	return out_done(route_table(NULL, vnid, true));
}

#define ROUTE_OPTS "via VR-ADDRESS [port PORT] [proto udp|tcp] " \
	"[type regular|disabled|queue vr VR-ID]"

const struct vcmd route_cmds[] = {
	{ "route", "add", cmd_route_add, "route add VNID PREFIX " ROUTE_OPTS },
	{ "route", "replace", cmd_route_replace,
	  "route replace VNID PREFIX " ROUTE_OPTS },
	{ "route", "del", cmd_route_del, "route del VNID PREFIX" },
	{ "route", "list", cmd_route_list, "route list [VNID]" },
	{ }
};
