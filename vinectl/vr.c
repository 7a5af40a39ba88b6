// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl vr show
 * vinectl vr set [id ID|A.B.C.D] [port PORT] [space PREFIX[,PREFIX...]]
 *		  [mac hmac-sha256|poly1305|blake2s|none]
 */
#include <stdio.h>
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

static int parse_vr(struct nlattr **tb, void *arg)
{
	struct nlattr *p[VINE_PREFIX_A_MAX + 1], *a;
	char buf[PREFIX_STRLEN];
	int rem;

	if (!tb[VINE_A_VR_ID] || !tb[VINE_A_PORT] || !tb[VINE_A_MAC_MODE])
		return -1;
	out_begin(arg);
	out_str("id", addr_str(buf, htonl(nla_get_u32(tb[VINE_A_VR_ID]))));
	out_u64("port", vnl_uint(tb[VINE_A_PORT]));
	out_begin_list("space");
	if (tb[VINE_A_SPACES]) {
		nla_for_each_nested(a, tb[VINE_A_SPACES], rem) {
			if (nla_parse_nested(p, VINE_PREFIX_A_MAX, a, NULL) ||
			    !p[VINE_PREFIX_A_ADDR] || !p[VINE_PREFIX_A_LEN])
				return -1;
			out_str(NULL, prefix_str(buf,
						 nla_get_u32(p[VINE_PREFIX_A_ADDR]),
						 nla_get_u8(p[VINE_PREFIX_A_LEN])));
		}
	}
	out_end_list();
	out_str("mac", word_name(mac_words, vnl_uint(tb[VINE_A_MAC_MODE])));
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
	nla_nest_end(msg, all);
}

static int cmd_vr_set(int argc, char **argv)
{
	static const char *const kws[] = { "id", "port", "space", "mac", NULL };
	struct vr_space sp = { 0 };
	unsigned int seen = 0;
	struct nl_msg *msg;
	const char *val;
	uint32_t id = 0;
	uint16_t port = 0;
	uint8_t mac = 0;
	bool ok = true;
	int k = 0;

	if (!argc)
		return usage();
	while (ok && (k = next_kw(&argc, &argv, kws, &seen, &val)) >= 0) {
		if (k == 0)
			ok = parse_vr_id(val, &id);
		else if (k == 1)
			ok = parse_port(val, &port);
		else if (k == 2)
			ok = parse_space(val, &sp);
		else
			ok = parse_word("mac", mac_words, val, &mac);
	}
	if (!ok || k == -2)
		return EXIT_USAGE;

	msg = vnl_msg(VINE_CMD_SET_VR, 0);
	if (seen & 1)
		vnl_put(msg, VINE_A_VR_ID, sizeof(id), &id);
	if (seen & 2)
		vnl_put(msg, VINE_A_PORT, sizeof(port), &port);
	if (seen & 4)
		put_space(msg, &sp);
	if (seen & 8)
		vnl_put(msg, VINE_A_MAC_MODE, sizeof(mac), &mac);
	return vnl_change(msg, NULL);
}

const struct vcmd vr_cmds[] = {
	{ "vr", "show", cmd_vr_show, "vr show" },
	{ "vr", "set", cmd_vr_set,
	  "vr set [id ID|A.B.C.D] [port PORT] [space PREFIX[,PREFIX...]|none] [mac hmac-sha256|poly1305|blake2s|none]" },
	{ }
};
