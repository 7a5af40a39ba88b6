/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vinectl: configure the ViNe router of the current network namespace.
 */
#ifndef VINECTL_H
#define VINECTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/genl/genl.h>
#include <linux/vine.h>

#define EXIT_USAGE	2	/* exit status of a command-line mistake */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

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
struct nl_msg *vnl_msg_u32(uint8_t cmd, int flags, int type, uint32_t val);
void vnl_put(struct nl_msg *msg, int type, size_t len, const void *data);
struct nlattr *vnl_nest(struct nl_msg *msg, int type);
int vnl_transact(struct nl_msg *msg, vnl_parse_fn parse, void *arg);
int vnl_change(struct nl_msg *msg, const char *what);
int vnl_dump(uint8_t cmd, uint32_t vnid, vnl_parse_fn parse, void *arg);
uint64_t vnl_uint(const struct nlattr *a);
typedef int (*vnl_event_fn)(uint8_t cmd, struct nlattr **tb);
int vnl_listen(vnl_event_fn fn);

/*
 * out.c: every read command prints through these, human or JSON (-j).
 * After an error (fail(), usage_error()) they print nothing more.
 */
extern bool out_json;
extern bool out_partial;	/* on error, print what was built so far */
void out_begin(const char *key);	/* an object; key NULL inside arrays */
void out_end(void);
void out_begin_list(const char *key);
void out_begin_table(const char *key);	/* a list of flat objects */
void out_end_list(void);
void out_str(const char *key, const char *val);
void out_u64(const char *key, uint64_t val);
void out_bool(const char *key, bool val);
int out_done(int err);
void out_abort(void);

/* parse.c: command-line values; false after printing a usage error. */
struct vword {
	const char *name;
	int val;
};

#define ADDR_STRLEN	16	/* "255.255.255.255" */
#define PREFIX_STRLEN	19	/* "255.255.255.255/32" */
#define ENDPOINT_STRLEN	22	/* "255.255.255.255:65535" */

bool parse_uint(const char *s, unsigned long long max, unsigned long long *v);
bool parse_range(const char *what, const char *s, uint32_t min, uint32_t max,
		 uint32_t *v);
bool parse_vnid(const char *s, uint32_t *vnid);
bool parse_addr(const char *s, uint32_t *addr);	/* network order */
bool parse_prefix(const char *s, uint32_t *addr, uint8_t *len);
bool parse_port(const char *s, uint16_t *port);
bool parse_endpoint(const char *what, const char *s, uint32_t *addr,
		    uint16_t *port, bool *has_port);
bool parse_vr_id(const char *s, uint32_t *id);
bool parse_word(const char *what, const struct vword *words, const char *s,
		uint8_t *val);
int next_kw(int *argc, char ***argv, const char *const *kws,
	    unsigned int *seen, const char **val);
const char *word_name(const struct vword *words, uint64_t val);
char *addr_str(char *buf, uint32_t addr);
char *prefix_str(char *buf, uint32_t addr, uint8_t len);
char *endpoint_str(char *buf, const struct nlattr *a);

/* vr.c, route.c, peer.c: the names of enum values */
extern const struct vword mac_words[], yes_no_words[], poll_words[],
	proto_words[], type_words[], role_words[], chan_words[];

/* vr.c: the VR's numeric parameters, as vr set and vr show name them */
struct vr_num {
	const char *word;	/* vr set keyword */
	const char *key;	/* vr show key */
	int attr;
	uint32_t min, max;
	bool zero;		/* 0 too, below min: "none" */
};

extern const struct vr_num vr_nums[];

/* vn.c */
struct vn_info {
	uint32_t id;
	uint32_t hosts;
	uint32_t routes;
	char name[VINE_VN_NAME_LEN];
	uint64_t stats[VINE_STATS_A_MAX + 1];
};

int vn_collect(struct vn_info **vns, size_t *n);
int vn_print(const struct vn_info *v);

/* key.c: keys in base64, B64_LEN characters */
#define B64_LEN		(((VINE_KEY_LEN) + 2) / 3 * 4)
void b64_encode(const uint8_t *in, size_t len, char *out);
int read_key(const char *name, uint8_t *key);
char *key_str(char *buf, const struct nlattr *a);	/* B64_LEN + 1 */

/* vr.c, route.c, stats.c: parts of `vinectl show` */
int vr_print(const char *key);
int route_table(const char *key, uint32_t vnid, bool show_vn);
int stats_print(const char *key, const struct vn_info *vns, size_t n);
void stats_parse(struct nlattr *nest, uint64_t *c);
void out_counters(const uint64_t *c, bool drops);

/* main.c */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage(void);
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

extern const struct vcmd status_cmds[], vr_cmds[], vn_cmds[], route_cmds[],
	key_cmds[], stats_cmds[], monitor_cmds[], peer_cmds[];

#endif
