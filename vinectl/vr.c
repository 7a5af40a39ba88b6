// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl vr show
 * vinectl vr set [id ID|A.B.C.D] [port PORT] [space PREFIX[,PREFIX...]]
 *		  [mac hmac-sha256|poly1305|blake2s|none]
 *		  [limited yes|no] [queue-vr ADDRESS[:PORT][,ADDRESS[:PORT]...]]
 *		  [poll udp|tcp|channel] [poll-interval MS] [keepalive MS]
 *		  [queue-size PACKETS] [queue-bytes BYTES]
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "vinectl.h"

const struct vword mac_words[] = {
	{ "hmac-sha256", VINE_MAC_HMAC_SHA256 },
	{ "blake2s", VINE_MAC_BLAKE2S },
	{ "poly1305", VINE_MAC_POLY1305 },
	{ "none", VINE_MAC_NONE },
	{ }
};

const struct vword yes_no_words[] = {
	{ "yes", 1 },
	{ "no", 0 },
	{ }
};

const struct vword poll_words[] = {
	{ "udp", VINE_POLL_UDP },
	{ "tcp", VINE_POLL_TCP },
	{ "channel", VINE_POLL_CHANNEL },
	{ }
};

const struct vr_num vr_nums[] = {
	{ "poll-interval", "poll_interval_ms", VINE_A_POLL_INTERVAL,
	  VINE_MIN_INTERVAL_MS, VINE_MAX_INTERVAL_MS, false },
	{ "keepalive", "keepalive_ms", VINE_A_KEEPALIVE,
	  VINE_MIN_INTERVAL_MS, VINE_MAX_INTERVAL_MS, true },
	{ "queue-size", "queue_size", VINE_A_QUEUE_SIZE,
	  0, VINE_MAX_QUEUE_SIZE, false },
	{ "queue-bytes", "queue_bytes", VINE_A_QUEUE_BYTES,
	  0, VINE_MAX_QUEUE_BYTES, false },
	{ }
};

#define VR_NUMS		(ARRAY_SIZE(vr_nums) - 1)

static int print_spaces(const struct nlattr *list)
{
	struct nlattr *p[VINE_PREFIX_A_MAX + 1], *a;
	char buf[PREFIX_STRLEN];
	int rem;

	out_begin_list("space");
	if (list) {
		nla_for_each_nested(a, list, rem) {
			if (nla_parse_nested(p, VINE_PREFIX_A_MAX, a, NULL) ||
			    !p[VINE_PREFIX_A_ADDR] || !p[VINE_PREFIX_A_LEN])
				return -1;
			out_str(NULL, prefix_str(buf,
						 nla_get_u32(p[VINE_PREFIX_A_ADDR]),
						 nla_get_u8(p[VINE_PREFIX_A_LEN])));
		}
	}
	out_end_list();
	return 0;
}

/*
 * A limited VR's parameters. A module without them sends none: then
 * none is shown. An empty list of queue VRs may be left out.
 */
static int print_limited(struct nlattr **tb)
{
	char buf[ENDPOINT_STRLEN];
	struct nlattr *a;
	size_t i;
	int rem;

	if (tb[VINE_A_LIMITED])
		out_bool("limited", vnl_uint(tb[VINE_A_LIMITED]));
	if (tb[VINE_A_LIMITED] || tb[VINE_A_QUEUE_VRS]) {
		out_begin_list("queue_vrs");
		if (tb[VINE_A_QUEUE_VRS]) {
			nla_for_each_nested(a, tb[VINE_A_QUEUE_VRS], rem) {
				if (!endpoint_str(buf, a))
					return -1;
				out_str(NULL, buf);
			}
		}
		out_end_list();
	}
	if (tb[VINE_A_POLL])
		out_str("poll", word_name(poll_words,
					  vnl_uint(tb[VINE_A_POLL])));
	for (i = 0; i < VR_NUMS; i++)
		if (tb[vr_nums[i].attr])
			out_u64(vr_nums[i].key, vnl_uint(tb[vr_nums[i].attr]));
	return 0;
}

static int parse_vr(struct nlattr **tb, void *arg)
{
	char buf[ADDR_STRLEN];

	if (!tb[VINE_A_VR_ID] || !tb[VINE_A_PORT] || !tb[VINE_A_MAC_MODE])
		return -1;
	out_begin(arg);
	out_str("id", addr_str(buf, htonl(nla_get_u32(tb[VINE_A_VR_ID]))));
	out_u64("port", vnl_uint(tb[VINE_A_PORT]));
	if (print_spaces(tb[VINE_A_SPACES]))
		return -1;
	out_str("mac", word_name(mac_words, vnl_uint(tb[VINE_A_MAC_MODE])));
	if (tb[VINE_A_PUBLIC_KEY]) {
		char pub[B64_LEN + 1];

		if (!key_str(pub, tb[VINE_A_PUBLIC_KEY]))
			return -1;
		out_str("public_key", pub);
	}
	if (tb[VINE_A_ENCRYPT])
		out_bool("encrypt", vnl_uint(tb[VINE_A_ENCRYPT]));
	if (print_limited(tb))
		return -1;
	out_u64("overhead", vnl_uint(tb[VINE_A_OVERHEAD]));
	out_u64("generation", vnl_uint(tb[VINE_A_GENERATION]));
	out_end();
	return 0;
}

/* The VR's parameters, as object @key. */
int vr_print(const char *key)
{
	return vnl_transact(vnl_msg(VINE_CMD_GET_VR, 0), parse_vr,
			    (void *)key);
}

static int cmd_vr_show(int argc, char **argv)
{
	if (argc)
		return usage();
	return out_done(vr_print(NULL));
}

struct vr_space {
	int n;
	uint32_t addr[VINE_MAX_SPACES];
	uint8_t len[VINE_MAX_SPACES];
};

struct vr_queue_vrs {
	int n;
	uint32_t addr[VINE_MAX_QUEUE_VRS];
	uint16_t port[VINE_MAX_QUEUE_VRS];
	bool has_port[VINE_MAX_QUEUE_VRS];
};

/* What vr set changes: the fields of the keywords given. */
struct vr_set {
	uint32_t id;
	uint16_t port;
	struct vr_space sp;
	uint8_t mac;
	uint8_t limited;
	uint8_t encrypt;
	struct vr_queue_vrs qv;
	uint8_t poll;
	uint8_t priv[VINE_KEY_LEN];
	uint32_t num[VR_NUMS];	/* as vr_nums[] */
};

enum vr_kw {
	KW_ID, KW_PORT, KW_SPACE, KW_MAC, KW_LIMITED, KW_QUEUE_VR, KW_POLL,
	KW_PRIVATE_KEY, KW_ENCRYPT,
	KW_NUM,			/* then the keywords of vr_nums[] */
};

static const char *const vr_kws[] = {
	"id", "port", "space", "mac", "limited", "queue-vr", "poll",
	"private-key", "encrypt",
	"poll-interval", "keepalive", "queue-size", "queue-bytes", NULL
};

static_assert(ARRAY_SIZE(vr_kws) == KW_NUM + VR_NUMS + 1,
	      "vr_kws[] and vr_nums[] disagree");

/* PREFIX[,PREFIX...], or "none" for an empty space. */
static bool parse_space(const char *s, struct vr_space *sp)
{
	char list[VINE_MAX_SPACES * PREFIX_STRLEN + 1], *p, *save;

	sp->n = 0;
	if (!strcmp(s, "none"))
		return true;
	if (strlen(s) >= sizeof(list)) {
		usage_error("space: too many prefixes (at most %d)",
			    VINE_MAX_SPACES);
		return false;
	}
	strcpy(list, s);
	for (p = list; p; p = save) {
		save = strchr(p, ',');
		if (save)
			*save++ = '\0';
		if (sp->n == VINE_MAX_SPACES) {
			usage_error("space: too many prefixes (at most %d)",
				    VINE_MAX_SPACES);
			return false;
		}
		if (!parse_prefix(p, &sp->addr[sp->n], &sp->len[sp->n]))
			return false;
		sp->n++;
	}
	return true;
}

/* ADDRESS[:PORT][,ADDRESS[:PORT]...], or "none" for no queue VR. */
static bool parse_queue_vrs(const char *s, struct vr_queue_vrs *qv)
{
	char *list, *p, *save;
	bool ok = true;

	qv->n = 0;
	if (!strcmp(s, "none"))
		return true;
	list = strdup(s);
	if (!list)
		exit(fail("out of memory"));
	for (p = list; ok && p; p = save) {
		save = strchr(p, ',');
		if (save)
			*save++ = '\0';
		if (qv->n == VINE_MAX_QUEUE_VRS) {
			usage_error("queue-vr: too many queue VRs (at most %d)",
				    VINE_MAX_QUEUE_VRS);
			ok = false;
			break;
		}
		ok = parse_endpoint("queue-vr", p, &qv->addr[qv->n],
				    &qv->port[qv->n], &qv->has_port[qv->n]);
		qv->n++;
	}
	free(list);
	return ok;
}

/* A number of vr_nums[]: in its range, or 0 where that means none. */
static bool parse_vr_num(const struct vr_num *n, const char *s, uint32_t *v)
{
	unsigned long long x;

	if (!n->zero)
		return parse_range(n->word, s, n->min, n->max, v);
	if (parse_uint(s, n->max, &x) && (!x || x >= n->min)) {
		*v = (uint32_t)x;
		return true;
	}
	usage_error("invalid %s '%s' (0 or %u to %u)", n->word, s, n->min,
		    n->max);
	return false;
}

static bool parse_vr_kw(int k, const char *val, struct vr_set *s)
{
	switch (k) {
	case KW_ID:
		return parse_vr_id(val, &s->id);
	case KW_PORT:
		return parse_port(val, &s->port);
	case KW_SPACE:
		return parse_space(val, &s->sp);
	case KW_MAC:
		return parse_word("mac", mac_words, val, &s->mac);
	case KW_LIMITED:
		return parse_word("limited", yes_no_words, val, &s->limited);
	case KW_QUEUE_VR:
		return parse_queue_vrs(val, &s->qv);
	case KW_POLL:
		return parse_word("poll", poll_words, val, &s->poll);
	case KW_ENCRYPT:
		return parse_word("encrypt", yes_no_words, val, &s->encrypt);
	case KW_PRIVATE_KEY:
		if (read_key(val, s->priv))
			exit(1);	/* not a usage error: said why */
		return true;
	default:
		return parse_vr_num(&vr_nums[k - KW_NUM], val,
				    &s->num[k - KW_NUM]);
	}
}

/* A list attribute: sent even when empty (nla_nest_end drops that). */
static void vnl_list_end(struct nl_msg *msg, struct nlattr *list)
{
	if (nla_nest_end_keep_empty(msg, list) < 0)
		exit(fail("request too large"));
}

static void put_space(struct nl_msg *msg, const struct vr_space *sp)
{
	struct nlattr *all, *one;
	int i;

	all = vnl_nest(msg, VINE_A_SPACES);
	for (i = 0; i < sp->n; i++) {
		one = vnl_nest(msg, i + 1);
		vnl_put(msg, VINE_PREFIX_A_ADDR, 4, &sp->addr[i]);
		vnl_put(msg, VINE_PREFIX_A_LEN, 1, &sp->len[i]);
		nla_nest_end(msg, one);
	}
	vnl_list_end(msg, all);
}

static void put_queue_vrs(struct nl_msg *msg, const struct vr_queue_vrs *qv)
{
	struct nlattr *all, *one;
	int i;

	all = vnl_nest(msg, VINE_A_QUEUE_VRS);
	for (i = 0; i < qv->n; i++) {
		one = vnl_nest(msg, i + 1);
		vnl_put(msg, VINE_ENDPOINT_A_ADDR, 4, &qv->addr[i]);
		if (qv->has_port[i])
			vnl_put(msg, VINE_ENDPOINT_A_PORT, 2, &qv->port[i]);
		nla_nest_end(msg, one);
	}
	vnl_list_end(msg, all);
}

static struct nl_msg *vr_set_msg(unsigned int seen, const struct vr_set *s)
{
	struct nl_msg *msg = vnl_msg(VINE_CMD_SET_VR, 0);
	size_t i;

	if (seen & (1u << KW_ID))
		vnl_put(msg, VINE_A_VR_ID, sizeof(s->id), &s->id);
	if (seen & (1u << KW_PORT))
		vnl_put(msg, VINE_A_PORT, sizeof(s->port), &s->port);
	if (seen & (1u << KW_SPACE))
		put_space(msg, &s->sp);
	if (seen & (1u << KW_MAC))
		vnl_put(msg, VINE_A_MAC_MODE, sizeof(s->mac), &s->mac);
	if (seen & (1u << KW_LIMITED))
		vnl_put(msg, VINE_A_LIMITED, sizeof(s->limited), &s->limited);
	if (seen & (1u << KW_PRIVATE_KEY))
		vnl_put(msg, VINE_A_PRIVATE_KEY, sizeof(s->priv), s->priv);
	if (seen & (1u << KW_ENCRYPT))
		vnl_put(msg, VINE_A_ENCRYPT, sizeof(s->encrypt), &s->encrypt);
	if (seen & (1u << KW_QUEUE_VR))
		put_queue_vrs(msg, &s->qv);
	if (seen & (1u << KW_POLL))
		vnl_put(msg, VINE_A_POLL, sizeof(s->poll), &s->poll);
	for (i = 0; i < VR_NUMS; i++)
		if (seen & (1u << (KW_NUM + i)))
			vnl_put(msg, vr_nums[i].attr, sizeof(s->num[i]),
				&s->num[i]);
	return msg;
}

static int cmd_vr_set(int argc, char **argv)
{
	struct vr_set s = { 0 };
	unsigned int seen = 0;
	struct nl_msg *msg;
	const char *val;
	bool ok = true;
	int k = 0;

	if (!argc)
		return usage();
	while (ok && (k = next_kw(&argc, &argv, vr_kws, &seen, &val)) >= 0)
		ok = parse_vr_kw(k, val, &s);
	if (!ok || k == -2)
		return EXIT_USAGE;
	msg = vr_set_msg(seen, &s);
	explicit_bzero(s.priv, sizeof(s.priv));
	return vnl_change(msg, NULL);
}

const struct vcmd vr_cmds[] = {
	{ "vr", "show", cmd_vr_show, "vr show" },
	{ "vr", "set", cmd_vr_set,
	  "vr set [id ID|A.B.C.D] [port PORT] [space PREFIX[,PREFIX...]|none]\n"
	  "                 [mac hmac-sha256|poly1305|blake2s|none]\n"
	  "                 [limited yes|no] [queue-vr ADDRESS[:PORT][,ADDRESS[:PORT]...]|none]\n"
	  "                 [poll udp|tcp|channel] [poll-interval MS] [keepalive MS]\n"
	  "                 [queue-size PACKETS] [queue-bytes BYTES]\n"
	  "                 [private-key FILE|-] [encrypt yes|no]" },
	{ }
};
