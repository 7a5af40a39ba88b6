/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vinectl: between out.c, which builds the document, and human.c, which
 * writes its human form.
 */
#ifndef VINECTL_OUT_H
#define VINECTL_OUT_H

#include <stdio.h>

#include "vinectl.h"

enum out_kind { OUT_OBJECT, OUT_LIST, OUT_TABLE };

struct out_level {
	enum out_kind kind;
	char *key;
	bool block;		/* a list of objects: its items already shown */
	bool row;		/* an object that is a table row */
};

extern FILE *out_file;			/* the document, in memory */
extern struct out_level out_lv[];	/* out_lv[i]: members indented 2 * i */
extern int out_depth;

char *out_strdup(const char *s);
void human_open(const char *key, enum out_kind kind);
void human_close(const struct out_level *l);
void human_add(const char *key, const char *val);

#endif
