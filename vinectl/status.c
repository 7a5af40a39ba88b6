// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl version | status
 */
#include <stdio.h>

#include "vinectl.h"

static int parse_status(struct nlattr **tb, void *arg)
{
	if (!tb[VINE_A_VERSION] || !tb[VINE_A_GENERATION])
		return -1;
	out_str("module", nla_get_string(tb[VINE_A_VERSION]));
	out_u64("generation", nla_get_u32(tb[VINE_A_GENERATION]));
	return 0;
}

static int get_status(void)
{
	return vnl_transact(vnl_msg(VINE_CMD_GET_STATUS, 0), parse_status,
			    NULL);
}

static int cmd_version(int argc, char **argv)
{
	int err;

	if (argc)
		return usage_error("version takes no argument");
	out_begin(NULL);
	out_str("vinectl", VINE_VERSION);
	err = get_status();
	out_end();
	out_done();
	return err;
}

static int cmd_status(int argc, char **argv)
{
	int err;

	if (argc)
		return usage_error("status takes no argument");
	out_begin(NULL);
	err = get_status();
	out_end();
	out_done();
	return err;
}

const struct vcmd status_cmds[] = {
	{ NULL, "version", cmd_version, "version" },
	{ NULL, "status", cmd_status, "status" },
	{ }
};
