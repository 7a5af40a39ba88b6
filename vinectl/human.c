// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl: the human form of a document (see out.c). "key: value" lines,
 * values aligned, indented by nesting; a list of scalars on one line
 * ("a, b, c", "none" when empty); a list of objects as "- " items; a table
 * as columns under a header. What must be aligned waits here until its
 * end is known.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

/* A growing array of strings. */
struct strv {
	char **v;
	size_t n, size;
};

#define WIDTH		80	/* wrap joined lists before this column */

static bool dash;		/* the next line starts a list item */
static struct strv run;		/* key, value pairs to align */
static int run_indent;
static struct strv words;	/* the items of a list of scalars */
static struct strv thead;	/* a table's keys */
static struct strv cells;	/* its values, row after row */
static size_t rows;

static void strv_add(struct strv *sv, const char *s)
{
	if (sv->n == sv->size) {
		sv->size = sv->size ? sv->size * 2 : 16;
		sv->v = realloc(sv->v, sv->size * sizeof(*sv->v));
		if (!sv->v)
			exit(fail("out of memory"));
	}
	sv->v[sv->n++] = out_strdup(s);
}

static void strv_clear(struct strv *sv)
{
	while (sv->n)
		free(sv->v[--sv->n]);
}

static void indent(int n)
{
	if (dash && n >= 2)
		fprintf(out_file, "%*s- ", n - 2, "");
	else
		fprintf(out_file, "%*s", n, "");
	dash = false;
}

/* Print @s from column @col on, breaking lines after commas. */
static void put_wrapped(const char *s, int col)
{
	int start = col;
	const char *end;

	while (*s) {
		end = strstr(s, ", ");
		end = end ? end + 1 : s + strlen(s);
		if (col > start && col + (end - s) >= WIDTH) {
			fprintf(out_file, "\n%*s", start, "");
			col = start;
			if (*s == ' ')
				s++;
		}
		col += fprintf(out_file, "%.*s", (int)(end - s), s);
		s = end;
	}
	fputc('\n', out_file);
}

static void flush_run(void)
{
	size_t i, w = 0;

	for (i = 0; i < run.n; i += 2)
		if (strlen(run.v[i]) > w)
			w = strlen(run.v[i]);
	for (i = 0; i < run.n; i += 2) {
		indent(run_indent);
		fprintf(out_file, "%s:%*s ", run.v[i],
			(int)(w - strlen(run.v[i])), "");
		put_wrapped(run.v[i + 1], run_indent + (int)w + 2);
	}
	strv_clear(&run);
}

/* A line "@key:" at indent @n, over what follows. */
static void header(const char *key, int n)
{
	flush_run();
	if (key) {
		indent(n);
		fprintf(out_file, "%s:\n", key);
	}
}

static void print_row(char **v, const size_t *w, int n)
{
	size_t c;

	indent(n);
	for (c = 0; c + 1 < thead.n; c++)
		fprintf(out_file, "%-*s  ", (int)w[c], v[c]);
	fprintf(out_file, "%s\n", v[c]);
}

static void print_table(int n)
{
	size_t i, *w = calloc(thead.n, sizeof(*w));
	char *p;

	if (!w)
		exit(fail("out of memory"));
	for (i = 0; i < thead.n; i++) {
		for (p = thead.v[i]; *p; p++)
			*p = toupper((unsigned char)*p);
		w[i] = strlen(thead.v[i]);
	}
	for (i = 0; i < cells.n; i++)
		if (strlen(cells.v[i]) > w[i % thead.n])
			w[i % thead.n] = strlen(cells.v[i]);
	print_row(thead.v, w, n);
	for (i = 0; i + thead.n <= cells.n; i += thead.n)
		print_row(cells.v + i, w, n);
	free(w);
	strv_clear(&thead);
	strv_clear(&cells);
}

/* A scalar, in an object, a list or a table row. */
void human_add(const char *key, const char *val)
{
	const struct out_level *l = &out_lv[out_depth - 1];

	if (!*val)
		val = "-";
	if (l->kind == OUT_LIST) {
		strv_add(&words, val);
	} else if (l->row) {
		if (!rows)
			strv_add(&thead, key);
		strv_add(&cells, val);
	} else {
		strv_add(&run, key);
		strv_add(&run, val);
		run_indent = (out_depth - 1) * 2;
	}
}

/* The end of a list of scalars, one "a, b, c" value. */
static void end_words(const char *key)
{
	size_t i, len = 5;
	char *s;

	for (i = 0; i < words.n; i++)
		len += strlen(words.v[i]) + 2;
	s = malloc(len);
	if (!s)
		exit(fail("out of memory"));
	strcpy(s, words.n ? "" : "none");
	for (i = 0; i < words.n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, words.v[i]);
	}
	strv_clear(&words);
	if (out_depth)
		human_add(key, s);
	else
		fprintf(out_file, "%s\n", s);
	free(s);
}

/* The end of a table; "none" for an empty one in an object. */
static void end_table(const char *key)
{
	if (rows)
		header(key, (out_depth - 1) * 2);
	if (rows)
		print_table(out_depth * 2);
	else if (out_depth)
		human_add(key, "none");
	rows = 0;
}


/* Before the container @key of @kind opens. */
void human_open(const char *key, enum out_kind kind)
{
	struct out_level *up = out_depth ? &out_lv[out_depth - 1] : NULL;

	if (kind != OUT_OBJECT || (up && up->kind == OUT_TABLE))
		return;		/* shown at its end, or a row */
	if (up && up->kind == OUT_LIST && !up->block) {
		up->block = true;
		header(up->key, (out_depth - 2) * 2);
	}
	header(key, (out_depth - 1) * 2);
	dash = up && up->kind == OUT_LIST;
}

/* After container @l closed. */
void human_close(const struct out_level *l)
{
	if (l->row)
		rows++;
	else if (l->kind == OUT_OBJECT)
		flush_run();
	else if (l->kind == OUT_LIST && !l->block)
		end_words(l->key);
	else if (l->kind == OUT_TABLE)
		end_table(l->key);
}
