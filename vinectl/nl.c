// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl: a thin libnl-3 wrapper. One socket, one request at a time;
 * kernel errors are reported with their extack message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>

#include "vinectl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static struct nl_sock *sk;
static int family = -1;

static void vnl_open(void)
{
	int one = 1;
	int err;

	if (sk)
		return;
	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk))
		exit(fail("cannot open a generic netlink socket"));
	/* Ask for error messages (extack), without our request echoed back. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	err = genl_ctrl_resolve(sk, VINE_GENL_NAME);
	if (err == -NLE_OBJ_NOTFOUND)
		exit(fail("the vine kernel module is not loaded (modprobe vine)"));
	if (err < 0)
		exit(fail("cannot find the vine netlink family: %s",
			  nl_geterror(err)));
	family = err;
}

struct nl_msg *vnl_msg(uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	vnl_open();
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 flags, cmd, VINE_GENL_VERSION))
		exit(fail("out of memory"));
	return msg;
}

struct vnl_req {
	vnl_parse_fn parse;
	void *arg;
	int done;
	int error;		/* negative errno from the kernel */
	int parse_error;
	char extack[256];
};

static int vnl_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[VINE_A_MAX + 1];
	struct vnl_req *r = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VINE_A_MAX, NULL) < 0) {
		r->parse_error = -EBADMSG;
		return NL_STOP;
	}
	if (r->parse && r->parse(tb, r->arg) < 0)
		r->parse_error = -EBADMSG;
	return NL_OK;
}

static int vnl_finish(struct nl_msg *msg, void *arg)
{
	((struct vnl_req *)arg)->done = 1;
	return NL_STOP;
}

/* The kernel's error, with its extack TLVs if it sent any. */
static int vnl_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct vnl_req *r = arg;
	size_t off = sizeof(*e);
	int len;

	r->error = e->error;
	r->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off;
	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX,
				  (struct nlattr *)((char *)e + off), len, NULL))
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->extack, sizeof(r->extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static const char *vnl_strerror(int error)
{
	switch (error) {
	case -EPERM:
		return "permission denied: configuring ViNe needs CAP_NET_ADMIN (run as root)";
	case -EOPNOTSUPP:
		return "not supported by this vine module (update it)";
	default:
		return strerror(-error);
	}
}

/*
 * Send @msg (freed here), hand every answer to @parse, wait for the ACK
 * or the end of the dump. Returns 0, or prints the error and returns 1.
 */
int vnl_transact(struct nl_msg *msg, vnl_parse_fn parse, void *arg)
{
	struct vnl_req r = { .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		exit(fail("out of memory"));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, vnl_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, vnl_finish, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, vnl_finish, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, vnl_error, &r);

	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	while (err >= 0 && !r.done)
		err = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);

	if (r.error) {
		if (r.extack[0])
			return fail("%s", r.extack);
		return fail("%s", vnl_strerror(r.error));
	}
	if (err < 0)
		return fail("netlink: %s", nl_geterror(err));
	if (r.parse_error)
		return fail("malformed answer from the kernel");
	return 0;
}
