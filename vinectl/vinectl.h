/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vinectl: configure the ViNe router of the current network namespace.
 */
#ifndef VINECTL_H
#define VINECTL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/genl/genl.h>
#include <linux/vine.h>

/* A command: its word(s) on the command line and its handler. */
struct vcmd {
	const char *group;	/* "vn", "route", ... or NULL for a lone word */
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

/* nl.c: one request to the kernel, its answers, its error. */
typedef int (*vnl_parse_fn)(struct nlattr **tb, void *arg);

struct nl_msg *vnl_msg(uint8_t cmd, int flags);
int vnl_transact(struct nl_msg *msg, vnl_parse_fn parse, void *arg);
int vnl_family_version(void);

/* out.c: every read command prints through these, human or JSON (-j). */
extern bool out_json;
void out_begin(const char *key);	/* an object; key NULL inside arrays */
void out_end(void);
void out_begin_list(const char *key);
void out_end_list(void);
void out_str(const char *key, const char *val);
void out_u64(const char *key, uint64_t val);
void out_done(void);

/* main.c */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

extern const struct vcmd status_cmds[];

#endif
