// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl: configure the ViNe router (VR) of the current network namespace.
 *
 *	vinectl [-j] COMMAND [ARGS...]
 *
 * Errors go to stderr, prefixed "vinectl: ", with exit status 1 (2 for a
 * command-line mistake). Success is quiet unless the command shows
 * something.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vinectl.h"

static const struct vcmd *const cmd_tables[] = {
	status_cmds,
};

static void vfail(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("vinectl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(fmt, ap);
	va_end(ap);
	return 1;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(fmt, ap);
	va_end(ap);
	fputs("Try 'vinectl help'.\n", stderr);
	return 2;
}

static int help(FILE *f)
{
	const struct vcmd *c;
	size_t i;

	fputs("usage: vinectl [-j] COMMAND [ARGS...]\n\n", f);
	for (i = 0; i < sizeof(cmd_tables) / sizeof(cmd_tables[0]); i++)
		for (c = cmd_tables[i]; c->name; c++)
			fprintf(f, "  vinectl %s\n", c->usage);
	fputs("\n  -j  print read commands' output as JSON\n", f);
	return f == stdout ? 0 : 2;
}

static const struct vcmd *lookup(int *argc, char ***argv)
{
	const char *w1 = (*argv)[0], *w2 = *argc > 1 ? (*argv)[1] : NULL;
	const struct vcmd *c;
	size_t i;

	for (i = 0; i < sizeof(cmd_tables) / sizeof(cmd_tables[0]); i++)
		for (c = cmd_tables[i]; c->name; c++) {
			if (!c->group && !strcmp(c->name, w1)) {
				*argc -= 1;
				*argv += 1;
				return c;
			}
			if (c->group && !strcmp(c->group, w1) && w2 &&
			    !strcmp(c->name, w2)) {
				*argc -= 2;
				*argv += 2;
				return c;
			}
		}
	return NULL;
}

int main(int argc, char **argv)
{
	const struct vcmd *c;

	argc--;
	argv++;
	while (argc && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json"))
			out_json = true;
		else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))
			return help(stdout);
		else
			return usage_error("unknown option '%s'", argv[0]);
		argc--;
		argv++;
	}
	if (!argc)
		return help(stderr);
	if (!strcmp(argv[0], "help"))
		return help(stdout);

	c = lookup(&argc, &argv);
	if (!c)
		return usage_error("unknown command '%s%s%s'", argv[0],
				   argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
	return c->run(argc, argv);
}
