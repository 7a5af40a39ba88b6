// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl: output of read commands, for people or for programs (-j: one
 * JSON document). The document is built in memory and reaches stdout only
 * when the command succeeds (out_done): a failing command prints nothing
 * there, unless it set out_partial (then what it had, well-formed).
 * human.c writes the form for people.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

bool out_json;
bool out_partial;

#define MAX_DEPTH	8

FILE *out_file;
struct out_level out_lv[MAX_DEPTH];
int out_depth;
static char *buf;
static size_t buf_len;
static bool aborted;
static bool first = true;	/* JSON: no sibling printed yet at this depth */

char *out_strdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		exit(fail("out of memory"));
	return d;
}

static void json_key(const char *key)
{
	if (!first)
		fputc(',', out_file);
	first = false;
	if (key)
		fprintf(out_file, "\"%s\":", key);
}

static void json_string(const char *s)
{
	fputc('"', out_file);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out_file, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(out_file, "\\u%04x", *s);
		else
			fputc(*s, out_file);
	}
	fputc('"', out_file);
}

static void open_(const char *key, enum out_kind kind, char bracket)
{
	struct out_level *l;

	if (aborted)
		return;
	if (!out_file)
		out_file = open_memstream(&buf, &buf_len);
	if (!out_file || out_depth == MAX_DEPTH)
		exit(fail("cannot build the output"));
	if (out_json) {
		json_key(key);
		fputc(bracket, out_file);
		first = true;
	} else {
		human_open(key, kind);
	}
	l = &out_lv[out_depth];
	l->kind = kind;
	l->key = key ? out_strdup(key) : NULL;
	l->block = false;
	l->row = out_depth && out_lv[out_depth - 1].kind == OUT_TABLE;
	out_depth++;
}

static void close_(void)
{
	struct out_level *l;

	if (aborted || !out_depth)
		return;
	l = &out_lv[--out_depth];
	if (out_json) {
		fputc(l->kind == OUT_OBJECT ? '}' : ']', out_file);
		first = false;
	} else {
		human_close(l);
	}
	free(l->key);
}

void out_begin(const char *key)
{
	open_(key, OUT_OBJECT, '{');
}

void out_end(void)
{
	close_();
}

void out_begin_list(const char *key)
{
	open_(key, OUT_LIST, '[');
}

void out_begin_table(const char *key)
{
	open_(key, OUT_TABLE, '[');
}

void out_end_list(void)
{
	close_();
}

/* A number or a boolean: @json in JSON, @human for people. */
static void scalar(const char *key, const char *json, const char *human)
{
	if (aborted)
		return;
	if (!out_json) {
		human_add(key, human);
		return;
	}
	json_key(key);
	fputs(json, out_file);
}

void out_str(const char *key, const char *val)
{
	if (aborted)
		return;
	if (!out_json) {
		human_add(key, val);
		return;
	}
	json_key(key);
	json_string(val);
}

void out_u64(const char *key, uint64_t val)
{
	char s[24];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)val);
	scalar(key, s, s);
}

void out_bool(const char *key, bool val)
{
	scalar(key, val ? "true" : "false", val ? "yes" : "no");
}

/* Write the document to stdout; false if that failed. */
static bool emit(void)
{
	bool ok;

	if (!out_file)
		return fflush(stdout) == 0;
	if (out_json)
		fputc('\n', out_file);
	ok = fclose(out_file) == 0;
	out_file = NULL;
	ok = ok && fwrite(buf, 1, buf_len, stdout) == buf_len;
	free(buf);
	first = true;	/* a next document (vinectl monitor) starts afresh */
	return fflush(stdout) == 0 && ok;
}

/* The command ends: with its document if @err is 0. Returns @err. */
int out_done(int err)
{
	if (aborted)
		return err;
	if (err) {
		out_abort();
		return err;
	}
	while (out_depth)
		close_();
	if (!emit())
		return fail("cannot write the output");
	return 0;
}

/* A command failed: drop its document, or finish and print it. */
void out_abort(void)
{
	if (aborted)
		return;
	while (out_partial && out_depth)
		close_();
	aborted = true;
	if (out_partial || !out_file) {
		emit();
		return;
	}
	fclose(out_file);
	out_file = NULL;
	free(buf);
}
