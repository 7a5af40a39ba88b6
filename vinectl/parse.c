// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl: values on the command line (VN ids, addresses, prefixes, ports,
 * keywords) and addresses in answers. A parser prints its usage error and
 * returns false; the command then exits with EXIT_USAGE.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "vinectl.h"

/* A decimal number from 0 to @max: digits only, no sign, no spaces. */
bool parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end && *v <= max;
}

/* A number from 1 to @max, else "invalid @what". */
static bool parse_num(const char *what, const char *s, unsigned long long max,
		      unsigned long long *v)
{
	if (parse_uint(s, max, v) && *v)
		return true;
	usage_error("invalid %s '%s' (1 to %llu)", what, s, max);
	return false;
}

/* A number from @min to @max, else "invalid @what" naming the range. */
bool parse_range(const char *what, const char *s, uint32_t min, uint32_t max,
		 uint32_t *v)
{
	unsigned long long n;

	if (!parse_uint(s, max, &n) || n < min) {
		usage_error("invalid %s '%s' (%u to %u)", what, s, min, max);
		return false;
	}
	*v = (uint32_t)n;
	return true;
}

bool parse_vnid(const char *s, uint32_t *vnid)
{
	unsigned long long v;

	if (!parse_num("VN id", s, UINT32_MAX, &v))
		return false;
	*vnid = (uint32_t)v;
	return true;
}

static bool dotted_quad(const char *s, uint32_t *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return false;
	*addr = in.s_addr;
	return true;
}

bool parse_addr(const char *s, uint32_t *addr)
{
	if (!dotted_quad(s, addr)) {
		usage_error("invalid address '%s' (A.B.C.D)", s);
		return false;
	}
	return true;
}

/* A.B.C.D/LEN, or A.B.C.D for /32. Host bits are the kernel's to judge. */
bool parse_prefix(const char *s, uint32_t *addr, uint8_t *len)
{
	const char *slash = strchr(s, '/');
	int n = slash ? (int)(slash - s) : (int)strlen(s);
	unsigned long long v = 32;
	char a[ADDR_STRLEN];

	snprintf(a, sizeof(a), "%.*s", n, s);
	if (n >= (int)sizeof(a) || (slash && !parse_uint(slash + 1, 32, &v)) ||
	    !dotted_quad(a, addr)) {
		usage_error("invalid prefix '%s' (A.B.C.D/LEN)", s);
		return false;
	}
	*len = (uint8_t)v;
	return true;
}

bool parse_port(const char *s, uint16_t *port)
{
	unsigned long long v;

	if (!parse_num("port", s, UINT16_MAX, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

/*
 * A.B.C.D[:PORT], else "invalid @what". @port is left alone when not
 * given: the caller's default.
 */
bool parse_endpoint(const char *what, const char *s, uint32_t *addr,
		    uint16_t *port, bool *has_port)
{
	const char *colon = strchr(s, ':');
	int n = colon ? (int)(colon - s) : (int)strlen(s);
	unsigned long long v;
	char a[ADDR_STRLEN];

	snprintf(a, sizeof(a), "%.*s", n, s);
	if (n >= (int)sizeof(a) || !dotted_quad(a, addr)) {
		usage_error("invalid %s '%s' (A.B.C.D[:PORT])", what, s);
		return false;
	}
	*has_port = !!colon;
	if (!colon)
		return true;
	if (!parse_uint(colon + 1, UINT16_MAX, &v) || !v) {
		usage_error("invalid %s '%s' (port 1 to %u)", what, s,
			    UINT16_MAX);
		return false;
	}
	*port = (uint16_t)v;
	return true;
}

/* A VR id: a number, or the dotted quad of one (then in host order). */
bool parse_vr_id(const char *s, uint32_t *id)
{
	unsigned long long v;
	uint32_t addr;

	if (parse_uint(s, UINT32_MAX, &v)) {
		*id = (uint32_t)v;
		return true;
	}
	if (dotted_quad(s, &addr)) {
		*id = ntohl(addr);
		return true;
	}
	usage_error("invalid VR id '%s' (a number or A.B.C.D)", s);
	return false;
}

bool parse_word(const char *what, const struct vword *words, const char *s,
		uint8_t *val)
{
	const struct vword *w;
	char alts[64] = "";

	for (w = words; w->name; w++) {
		if (!strcmp(w->name, s)) {
			*val = (uint8_t)w->val;
			return true;
		}
		snprintf(alts + strlen(alts), sizeof(alts) - strlen(alts),
			 "%s%s", w == words ? "" : "|", w->name);
	}
	usage_error("invalid %s '%s' (%s)", what, s, alts);
	return false;
}

const char *word_name(const struct vword *words, uint64_t val)
{
	for (; words->name; words++)
		if ((uint64_t)words->val == val)
			return words->name;
	return "unknown";
}

/*
 * The next "KEYWORD VALUE" pair after the positional arguments; each of
 * @kws (NULL-terminated) at most once, in any order. Returns the index of
 * the keyword in @kws with its value in @val, -1 at the end, or -2 after
 * a usage error.
 */
int next_kw(int *argc, char ***argv, const char *const *kws,
	    unsigned int *seen, const char **val)
{
	const char *kw = (*argv)[0];
	int i;

	if (!*argc)
		return -1;
	for (i = 0; kws[i] && strcmp(kws[i], kw); i++)
		;
	if (!kws[i]) {
		usage_error("unknown keyword '%s'", kw);
		return -2;
	}
	if (*argc < 2) {
		usage_error("missing value after '%s'", kw);
		return -2;
	}
	if (*seen & (1u << i)) {
		usage_error("'%s' given twice", kw);
		return -2;
	}
	*seen |= 1u << i;
	*val = (*argv)[1];
	*argc -= 2;
	*argv += 2;
	return i;
}

/* @addr in network order. */
char *addr_str(char *buf, uint32_t addr)
{
	struct in_addr in = { .s_addr = addr };

	return (char *)inet_ntop(AF_INET, &in, buf, ADDR_STRLEN);
}

char *prefix_str(char *buf, uint32_t addr, uint8_t len)
{
	addr_str(buf, addr);
	snprintf(buf + strlen(buf), PREFIX_STRLEN - strlen(buf), "/%u", len);
	return buf;
}

/*
 * Nested VINE_ENDPOINT_A_* @a as "A.B.C.D:PORT" (the default port when
 * it has none); NULL if it has no address.
 */
char *endpoint_str(char *buf, const struct nlattr *a)
{
	struct nlattr *tb[VINE_ENDPOINT_A_MAX + 1];

	if (nla_parse_nested(tb, VINE_ENDPOINT_A_MAX, (struct nlattr *)a,
			     NULL) || !tb[VINE_ENDPOINT_A_ADDR])
		return NULL;
	addr_str(buf, nla_get_u32(tb[VINE_ENDPOINT_A_ADDR]));
	snprintf(buf + strlen(buf), ENDPOINT_STRLEN - strlen(buf), ":%u",
		 tb[VINE_ENDPOINT_A_PORT] ?
		 (unsigned int)vnl_uint(tb[VINE_ENDPOINT_A_PORT]) :
		 VINE_DEFAULT_PORT);
	return buf;
}
