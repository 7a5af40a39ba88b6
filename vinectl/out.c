// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl: output of read commands, for people ("key: value" lines,
 * indented by nesting) or for programs (-j: one JSON document).
 */
#include <stdio.h>

#include "vinectl.h"

bool out_json;

static int depth;
static bool first = true;	/* no sibling printed yet at this depth */

static void json_key(const char *key)
{
	if (!first)
		putchar(',');
	first = false;
	if (key) {
		putchar('"');
		fputs(key, stdout);
		fputs("\":", stdout);
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void human_key(const char *key)
{
	/* The document's own braces do not indent. */
	printf("%*s", depth > 1 ? (depth - 1) * 2 : 0, "");
	if (key)
		printf("%s: ", key);
}

static void open_(const char *key, char bracket)
{
	if (out_json) {
		json_key(key);
		putchar(bracket);
		first = true;
	} else if (key) {
		human_key(key);
		putchar('\n');
	}
	depth++;
}

static void close_(char bracket)
{
	depth--;
	if (out_json) {
		putchar(bracket);
		first = false;
	}
}

void out_begin(const char *key)
{
	open_(key, '{');
}

void out_end(void)
{
	close_('}');
}

void out_begin_list(const char *key)
{
	open_(key, '[');
}

void out_end_list(void)
{
	close_(']');
}

void out_str(const char *key, const char *val)
{
	if (out_json) {
		json_key(key);
		json_string(val);
	} else {
		human_key(key);
		printf("%s\n", val);
	}
}

void out_u64(const char *key, uint64_t val)
{
	if (out_json)
		json_key(key);
	else
		human_key(key);
	printf(out_json ? "%llu" : "%llu\n", (unsigned long long)val);
}

void out_done(void)
{
	if (out_json)
		putchar('\n');
	fflush(stdout);
}
