// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl: a thin libnl-3 wrapper. One socket, one request at a time;
 * kernel errors are reported with their extack message, also when they
 * end a dump.
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
	/* Size the receive buffer to each answer: dumps come in big chunks. */
	nl_socket_enable_msg_peek(sk);
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

/* A request with a first attribute of 4 bytes: a VN id, a peer... */
struct nl_msg *vnl_msg_u32(uint8_t cmd, int flags, int type, uint32_t val)
{
	struct nl_msg *msg = vnl_msg(cmd, flags);

	vnl_put(msg, type, sizeof(val), &val);
	return msg;
}

void vnl_put(struct nl_msg *msg, int type, size_t len, const void *data)
{
	if (nla_put(msg, type, (int)len, data) < 0)
		exit(fail("request too large"));
}

/* Close it with nla_nest_end(). */
struct nlattr *vnl_nest(struct nl_msg *msg, int type)
{
	struct nlattr *nest = nla_nest_start(msg, type | NLA_F_NESTED);

	if (!nest)
		exit(fail("request too large"));
	return nest;
}

/* An unsigned attribute of any width; 0 when absent. */
uint64_t vnl_uint(const struct nlattr *a)
{
	if (!a)
		return 0;
	switch (nla_len(a)) {
	case 1:
		return *(const uint8_t *)nla_data(a);
	case 2:
		return *(const uint16_t *)nla_data(a);
	case 4:
		return *(const uint32_t *)nla_data(a);
	default:
		return nla_get_u64((struct nlattr *)a);
	}
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

/* The extack message in the TLVs at @tlv, @len bytes, if any. */
static void vnl_extack(struct vnl_req *r, void *tlv, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (len > 0 && !nla_parse(tb, NLMSGERR_ATTR_MAX, tlv, len, NULL) &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(r->extack, sizeof(r->extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

static int vnl_ack(struct nl_msg *msg, void *arg)
{
	((struct vnl_req *)arg)->done = 1;
	return NL_STOP;
}

/* The end of a dump: it carries an errno when the dump failed. */
static int vnl_done(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct vnl_req *r = arg;
	int *error = nlmsg_data(nlh);

	r->done = 1;
	if (nlmsg_datalen(nlh) < (int)sizeof(*error) || *error >= 0)
		return NL_STOP;
	r->error = *error;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		vnl_extack(r, error + 1,
			   nlmsg_datalen(nlh) - (int)sizeof(*error));
	return NL_STOP;
}

/* The kernel's error, with its extack TLVs if it sent any. */
static int vnl_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct vnl_req *r = arg;
	size_t off = sizeof(*e);

	r->error = e->error;
	r->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	vnl_extack(r, (char *)e + off,
		   (int)nlh->nlmsg_len - NLMSG_HDRLEN - (int)off);
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
 * or the end of the dump. Returns 0, or prints the error (after "@what: "
 * if given) and returns 1.
 */
static int vnl_run(struct nl_msg *msg, vnl_parse_fn parse, void *arg,
		   const char *what)
{
	struct vnl_req r = { .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		exit(fail("out of memory"));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, vnl_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, vnl_ack, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, vnl_done, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, vnl_error, &r);

	err = nl_send_auto(sk, msg);
	/* It may hold a key: leave nothing of it in freed memory. */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	while (err >= 0 && !r.done)
		err = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);

	if (r.error)
		return fail("%s%s%s", what ? what : "", what ? ": " : "",
			    r.extack[0] ? r.extack : vnl_strerror(r.error));
	if (err < 0)
		return fail("netlink: %s", nl_geterror(err));
	if (r.parse_error)
		return fail("malformed answer from the kernel");
	return 0;
}

int vnl_transact(struct nl_msg *msg, vnl_parse_fn parse, void *arg)
{
	return vnl_run(msg, parse, arg, NULL);
}

/* A change: no answer but the ACK; errors name @what if not NULL. */
int vnl_change(struct nl_msg *msg, const char *what)
{
	return vnl_run(msg, NULL, NULL, what);
}

/* Dump a table, only VN @vnid's part of it if @vnid is not 0. */
int vnl_dump(uint8_t cmd, uint32_t vnid, vnl_parse_fn parse, void *arg)
{
	struct nl_msg *msg = vnl_msg(cmd, NLM_F_DUMP);

	if (vnid)
		vnl_put(msg, VINE_A_VN_ID, sizeof(vnid), &vnid);
	return vnl_transact(msg, parse, arg);
}

struct vnl_listener {
	vnl_event_fn fn;
	int error;
};

static int vnl_event(struct nl_msg *msg, void *arg)
{
	struct vnl_listener *l = arg;
	struct nlattr *tb[VINE_A_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VINE_A_MAX, NULL) < 0 ||
	    l->fn(gh->cmd, tb) < 0) {
		l->error = 1;
		return NL_STOP;
	}
	return NL_OK;
}

/*
 * Join the "events" group and hand every event to @fn until it fails or
 * the socket does; lost events (ENOBUFS) are said on stderr, and the
 * listening goes on. Returns only on error (printed), with 1.
 */
int vnl_listen(vnl_event_fn fn)
{
	struct vnl_listener l = { .fn = fn };
	int grp, err;

	vnl_open();
	grp = genl_ctrl_resolve_grp(sk, VINE_GENL_NAME, VINE_MCGRP_EVENTS);
	if (grp < 0)
		return fail("cannot find the vine events group: %s",
			    nl_geterror(grp));
	err = nl_socket_add_membership(sk, grp);
	if (err == -NLE_PERM)
		return fail("permission denied: ViNe events need CAP_NET_ADMIN (run as root)");
	if (err < 0)
		return fail("cannot join the vine events group: %s",
			    nl_geterror(err));
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, vnl_event, &l);
	for (;;) {
		err = nl_recvmsgs_default(sk);
		if (l.error)
			break;
		if (err == -NLE_NOMEM) {	/* ENOBUFS: events were lost */
			fputs("vinectl: events lost (ENOBUFS): read the tables again\n",
			      stderr);
			continue;
		}
		if (err < 0)
			break;
	}
	if (l.error)
		return 1;
	return fail("netlink: %s", nl_geterror(err));
}
