// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl stats
 * vinectl show
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "vinectl.h"

static const char *const counter_names[] = {
	[VINE_STATS_A_TX_PACKETS] = "tx_packets",
	[VINE_STATS_A_TX_BYTES] = "tx_bytes",
	[VINE_STATS_A_RX_PACKETS] = "rx_packets",
	[VINE_STATS_A_RX_BYTES] = "rx_bytes",
	[VINE_STATS_A_DROPS] = "drops",
};

static const char *const drop_names[] = {
	[VINE_DROP_NOT_IN_LNDT] = "not_in_lndt",
	[VINE_DROP_NO_ROUTE] = "no_route",
	[VINE_DROP_ROUTE_DISABLED] = "route_disabled",
	[VINE_DROP_LOOP] = "loop",
	[VINE_DROP_NO_KEY] = "no_key",
	[VINE_DROP_TOO_BIG] = "too_big",
	[VINE_DROP_TTL] = "ttl",
	[VINE_DROP_TX_ERROR] = "tx_error",
	[VINE_DROP_MALFORMED] = "malformed",
	[VINE_DROP_BAD_VERSION] = "bad_version",
	[VINE_DROP_NOT_FOR_US] = "not_for_us",
	[VINE_DROP_UNKNOWN_PEER] = "unknown_peer",
	[VINE_DROP_BAD_MAC] = "bad_mac",
	[VINE_DROP_REPLAY] = "replay",
	[VINE_DROP_WRONG_VN] = "wrong_vn",
	[VINE_DROP_DELIVERY] = "delivery",
	[VINE_DROP_QUEUE_FULL] = "queue_full",
	[VINE_DROP_NO_CHANNEL] = "no_channel",
	[VINE_DROP_TCP_DOWN] = "tcp_down",
	[VINE_DROP_TCP_FULL] = "tcp_full",
	[VINE_DROP_RX_BUSY] = "rx_busy",
	[VINE_DROP_TX_BUSY] = "tx_busy",
	[VINE_DROP_RX_CODEL] = "rx_codel",
	[VINE_DROP_TX_CODEL] = "tx_codel",
	[VINE_DROP_SPOOFED] = "spoofed",
	[VINE_DROP_BAD_SOURCE] = "bad_source",
	[VINE_DROP_TOO_LONG] = "too_long",
	[VINE_DROP_NO_SESSION] = "no_session",
	[VINE_DROP_HANDSHAKE] = "handshake",
	[VINE_DROP_HS_REPLAY] = "hs_replay",
	[VINE_DROP_HS_BUSY] = "hs_busy",
	[VINE_DROP_NOT_ENCRYPTED] = "not_encrypted",
	[VINE_DROP_HS_COOKIE] = "hs_cookie",
	[VINE_DROP_RELAY_DENIED] = "relay_denied",
	[VINE_DROP_HS_RATE] = "hs_rate",
};

static_assert(ARRAY_SIZE(drop_names) == VINE_DROP_MAX + 1,
	      "a drop reason without a name");

/* The counters of nested VINE_A_STATS @nest (may be NULL) into @c. */
void stats_parse(struct nlattr *nest, uint64_t *c)
{
	struct nlattr *tb[VINE_STATS_A_MAX + 1];
	int i;

	if (!nest || nla_parse_nested(tb, VINE_STATS_A_MAX, nest, NULL))
		memset(tb, 0, sizeof(tb));
	for (i = 0; i <= VINE_STATS_A_MAX; i++)
		c[i] = vnl_uint(tb[i]);
}

/* tx_packets, tx_bytes, rx_packets, rx_bytes, and drops if @drops. */
void out_counters(const uint64_t *c, bool drops)
{
	int i;

	for (i = VINE_STATS_A_TX_PACKETS; i <= VINE_STATS_A_RX_BYTES; i++)
		out_u64(counter_names[i], c[i]);
	if (drops)
		out_u64(counter_names[VINE_STATS_A_DROPS], c[VINE_STATS_A_DROPS]);
}

static const char *const hs_names[] = {
	[VINE_HS_A_INIT_SENT] = "init_sent",
	[VINE_HS_A_INIT_RECEIVED] = "init_received",
	[VINE_HS_A_RESP_RECEIVED] = "resp_received",
	[VINE_HS_A_COOKIE_SENT] = "cookie_sent",
	[VINE_HS_A_COOKIE_RECEIVED] = "cookie_received",
};

static_assert(ARRAY_SIZE(hs_names) == VINE_HS_A_MAX + 1,
	      "a handshake counter without a name");

/* The VR's handshakes (people: only once there were some). */
static void out_handshakes(struct nlattr *nest)
{
	struct nlattr *tb[VINE_HS_A_MAX + 1];
	uint64_t c[VINE_HS_A_MAX + 1];
	bool any = false;
	int i;

	if (!nest || nla_parse_nested(tb, VINE_HS_A_MAX, nest, NULL))
		memset(tb, 0, sizeof(tb));
	for (i = VINE_HS_A_INIT_SENT; i <= VINE_HS_A_MAX; i++) {
		c[i] = vnl_uint(tb[i]);
		any |= c[i] != 0;
	}
	if (!out_json && !any)
		return;
	out_begin("handshakes");
	for (i = VINE_HS_A_INIT_SENT; i <= VINE_HS_A_MAX; i++)
		out_u64(hs_names[i], c[i]);
	out_end();
}

/* The VR's counters, then its drops by reason (people: nonzero ones). */
static int parse_vr_stats(struct nlattr **tb, void *arg)
{
	uint64_t c[VINE_STATS_A_MAX + 1], d[VINE_DROP_MAX + 1];
	struct nlattr *r[VINE_DROP_MAX + 1];
	bool any = false;
	int i;

	if (!tb[VINE_A_STATS] || !tb[VINE_A_DROPS] ||
	    nla_parse_nested(r, VINE_DROP_MAX, tb[VINE_A_DROPS], NULL))
		return -1;
	stats_parse(tb[VINE_A_STATS], c);
	out_counters(c, false);
	for (i = 1; i <= VINE_DROP_MAX; i++) {
		d[i] = vnl_uint(r[i]);
		any |= d[i] != 0;
	}
	out_handshakes(tb[VINE_A_HANDSHAKES]);
	if (!out_json && !any) {
		out_str("drops", "none");
		return 0;
	}
	out_begin("drops");
	for (i = 1; i <= VINE_DROP_MAX; i++)
		if (out_json || d[i])
			out_u64(drop_names[i], d[i]);
	out_end();
	return 0;
}


static int parse_peer(struct nlattr **tb, void *arg)
{
	uint64_t c[VINE_STATS_A_MAX + 1];
	char buf[ADDR_STRLEN];

	if (!tb[VINE_A_PEER])
		return -1;
	stats_parse(tb[VINE_A_STATS], c);
	out_begin(NULL);
	out_str("id", addr_str(buf, nla_get_u32(tb[VINE_A_PEER])));
	out_bool("key", tb[VINE_A_HAS_KEY]);
	out_counters(c, true);
	out_end();
	return 0;
}

/* The VR's, its peers' and its VNs' counters, as object @key. */
int stats_print(const char *key, const struct vn_info *vns, size_t n)
{
	size_t i;

	out_begin(key);
	if (vnl_transact(vnl_msg(VINE_CMD_GET_STATS, 0), parse_vr_stats,
			 NULL))
		return 1;
	out_begin_table("peers");
	if (vnl_dump(VINE_CMD_GET_PEER, 0, parse_peer, NULL))
		return 1;
	out_end_list();
	out_begin_table("vns");
	for (i = 0; i < n; i++) {
		out_begin(NULL);
		out_u64("id", vns[i].id);
		out_counters(vns[i].stats, true);
		out_end();
	}
	out_end_list();
	out_end();
	return 0;
}

/* stats, or show (@vr: the VR's parameters and each VN first). */
static int print_all(int argc, bool vr)
{
	struct vn_info *vns;
	size_t i, n;
	int err;

	if (argc)
		return usage();
	if (vr)
		out_begin(NULL);
	if (vr && vr_print("vr"))
		return 1;
	if (vn_collect(&vns, &n))
		return 1;
	if (vr) {
		out_begin_list("vns");
		for (i = 0; i < n && !vn_print(&vns[i]); i++)
			;
		if (i < n)
			return 1;
		out_end_list();
	}
	err = stats_print(vr ? "stats" : NULL, vns, n);
	free(vns);
	return out_done(err);
}

static int cmd_stats(int argc, char **argv)
{
	return print_all(argc, false);
}

static int cmd_show(int argc, char **argv)
{
	return print_all(argc, true);
}

const struct vcmd stats_cmds[] = {
	{ NULL, "show", cmd_show, "show" },
	{ NULL, "stats", cmd_stats, "stats" },
	{ }
};
