// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl vn create VNID [name NAME]
 * vinectl vn delete VNID
 * vinectl vn list
 * vinectl vn show VNID
 * vinectl vn join VNID HOST [HOST...]
 * vinectl vn leave VNID HOST [HOST...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vinectl.h"

struct vn_vec {
	struct vn_info *v;
	size_t n, size;
};

static int parse_vn(struct nlattr **tb, void *arg)
{
	struct vn_vec *vec = arg;
	struct vn_info *v;

	if (!tb[VINE_A_VN_ID])
		return -1;
	if (vec->n == vec->size) {
		vec->size = vec->size ? vec->size * 2 : 16;
		vec->v = realloc(vec->v, vec->size * sizeof(*vec->v));
		if (!vec->v)
			exit(fail("out of memory"));
	}
	v = &vec->v[vec->n++];
	memset(v, 0, sizeof(*v));
	v->id = nla_get_u32(tb[VINE_A_VN_ID]);
	v->hosts = vnl_uint(tb[VINE_A_COUNT_HOSTS]);
	v->routes = vnl_uint(tb[VINE_A_COUNT_ROUTES]);
	if (tb[VINE_A_VN_NAME])
		snprintf(v->name, sizeof(v->name), "%s",
			 nla_get_string(tb[VINE_A_VN_NAME]));
	stats_parse(tb[VINE_A_STATS], v->stats);
	return 0;
}

/* All VNs, in *@vns (to free). Returns 0, or 1 after printing why not. */
int vn_collect(struct vn_info **vns, size_t *n)
{
	struct vn_vec vec = { 0 };
	int err = vnl_dump(VINE_CMD_GET_VN, 0, parse_vn, &vec);

	*vns = vec.v;
	*n = vec.n;
	return err;
}

static int parse_host(struct nlattr **tb, void *arg)
{
	const uint32_t *vnid = arg;
	char buf[ADDR_STRLEN];

	if (!tb[VINE_A_ADDR])
		return -1;
	if (!tb[VINE_A_VN_ID] || nla_get_u32(tb[VINE_A_VN_ID]) == *vnid)
		out_str(NULL, addr_str(buf, nla_get_u32(tb[VINE_A_ADDR])));
	return 0;
}

/* One VN: its hosts, routes and counters. */
int vn_print(const struct vn_info *v)
{
	out_begin(NULL);
	out_u64("id", v->id);
	out_str("name", v->name);
	out_begin_list("hosts");
	if (vnl_dump(VINE_CMD_GET_HOST, v->id, parse_host, (void *)&v->id))
		return 1;
	out_end_list();
	if (route_table("routes", v->id, false))
		return 1;
	out_begin("stats");
	out_counters(v->stats, true);
	out_end();
	out_end();
	return 0;
}

static int cmd_vn_create(int argc, char **argv)
{
	static const char *const kws[] = { "name", NULL };
	const char *name = NULL;
	unsigned int seen = 0;
	struct nl_msg *msg;
	uint32_t vnid;
	int k;

	if (!argc)
		return usage();
	if (!parse_vnid(argv[0], &vnid))
		return EXIT_USAGE;
	argc--;
	argv++;
	while ((k = next_kw(&argc, &argv, kws, &seen, &name)) >= 0)
		;
	if (k == -2)
		return EXIT_USAGE;
	if (name && strlen(name) >= VINE_VN_NAME_LEN)
		return usage_error("VN name too long (at most %d bytes)",
				   VINE_VN_NAME_LEN - 1);

	msg = vnl_msg_u32(VINE_CMD_NEW_VN, 0,
			  VINE_A_VN_ID, vnid);
	if (name)
		vnl_put(msg, VINE_A_VN_NAME, strlen(name) + 1, name);
	return vnl_change(msg, NULL);
}

static int cmd_vn_delete(int argc, char **argv)
{
	uint32_t vnid;

	if (argc != 1)
		return usage();
	if (!parse_vnid(argv[0], &vnid))
		return EXIT_USAGE;
	return vnl_change(vnl_msg_u32(VINE_CMD_DEL_VN, 0, VINE_A_VN_ID, vnid),
			  NULL);
}

static int cmd_vn_list(int argc, char **argv)
{
	struct vn_info *vns;
	size_t i, n;

	if (argc)
		return usage();
	if (vn_collect(&vns, &n))
		return 1;
	out_begin_table(NULL);
	for (i = 0; i < n; i++) {
		out_begin(NULL);
		out_u64("id", vns[i].id);
		out_str("name", vns[i].name);
		out_u64("hosts", vns[i].hosts);
		out_u64("routes", vns[i].routes);
		out_end();
	}
	free(vns);
	return out_done(0);
}

static int cmd_vn_show(int argc, char **argv)
{
	struct vn_vec vec = { 0 };
	uint32_t vnid;
	int err;

	if (argc != 1)
		return usage();
	if (!parse_vnid(argv[0], &vnid))
		return EXIT_USAGE;
	err = vnl_transact(vnl_msg_u32(VINE_CMD_GET_VN, 0, VINE_A_VN_ID, vnid),
			   parse_vn, &vec);
	if (!err && vec.n != 1)
		err = fail("malformed answer from the kernel");
	if (!err)
		err = vn_print(vec.v);
	free(vec.v);
	return out_done(err);
}

/* vn join and vn leave: one request per host, up to the first error. */
static int hosts_change(int argc, char **argv, uint8_t cmd, int flags)
{
	struct nl_msg *msg;
	uint32_t vnid, *addr;
	int i, err = 0;

	if (argc < 2)
		return usage();
	if (!parse_vnid(argv[0], &vnid))
		return EXIT_USAGE;
	addr = calloc(argc, sizeof(*addr));
	if (!addr)
		return fail("out of memory");
	for (i = 1; i < argc; i++)
		if (!parse_addr(argv[i], &addr[i]))
			return EXIT_USAGE;
	for (i = 1; i < argc && !err; i++) {
		msg = vnl_msg_u32(cmd, flags, VINE_A_VN_ID, vnid);
		vnl_put(msg, VINE_A_ADDR, sizeof(addr[i]), &addr[i]);
		err = vnl_change(msg, argv[i]);
	}
	free(addr);
	return err;
}

static int cmd_vn_join(int argc, char **argv)
{
	return hosts_change(argc, argv, VINE_CMD_NEW_HOST,
			    0);
}

static int cmd_vn_leave(int argc, char **argv)
{
	return hosts_change(argc, argv, VINE_CMD_DEL_HOST, 0);
}

const struct vcmd vn_cmds[] = {
	{ "vn", "create", cmd_vn_create, "vn create VNID [name NAME]" },
	{ "vn", "delete", cmd_vn_delete, "vn delete VNID" },
	{ "vn", "list", cmd_vn_list, "vn list" },
	{ "vn", "show", cmd_vn_show, "vn show VNID" },
	{ "vn", "join", cmd_vn_join, "vn join VNID HOST [HOST...]" },
	{ "vn", "leave", cmd_vn_leave, "vn leave VNID HOST [HOST...]" },
	{ }
};
