// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl version | status
 */
#include <stdio.h>

#include "vinectl.h"

static const struct {
	int attr;
	const char *key;
} counts[] = {
	{ VINE_A_GENERATION, "generation" },
	{ VINE_A_COUNT_VNS, "vns" },
	{ VINE_A_COUNT_HOSTS, "hosts" },
	{ VINE_A_COUNT_ROUTES, "routes" },
	{ VINE_A_COUNT_PEERS, "peers" },
};

static int parse_status(struct nlattr **tb, void *arg)
{
	size_t i;

	if (!tb[VINE_A_VERSION] || !tb[VINE_A_GENERATION])
		return -1;
	out_str("module", nla_get_string(tb[VINE_A_VERSION]));
	for (i = 0; i < ARRAY_SIZE(counts); i++)
		out_u64(counts[i].key, vnl_uint(tb[counts[i].attr]));
	return 0;
}

static int get_status(void)
{
	return vnl_transact(vnl_msg(VINE_CMD_GET_STATUS, 0), parse_status,
			    NULL);
}

/* vinectl's own version is printed even if the module's is unknown. */
static int cmd_version(int argc, char **argv)
{
	if (argc)
		return usage();
	out_partial = true;
	out_begin(NULL);
	out_str("vinectl", VINE_VERSION);
	return out_done(get_status());
}

static int cmd_status(int argc, char **argv)
{
	if (argc)
		return usage();
	out_begin(NULL);
	return out_done(get_status());
}

const struct vcmd status_cmds[] = {
	{ NULL, "version", cmd_version, "version" },
	{ NULL, "status", cmd_status, "status" },
	{ }
};
