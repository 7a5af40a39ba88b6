// SPDX-License-Identifier: GPL-2.0
/*
 * vinectl: configure the ViNe router (VR) of the current network namespace.
 *
 *	vinectl [-j] COMMAND [ARGS...]
 *	vinectl [-j] -b FILE|-		one command a line, one netlink socket
 *
 * Errors go to stderr, prefixed "vinectl: ", with exit status 1 (2 for a
 * command-line mistake). Success is quiet unless the command shows
 * something.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vinectl.h"

static const struct vcmd *const cmd_tables[] = {
	status_cmds, vr_cmds, vn_cmds, route_cmds, key_cmds, stats_cmds,
	peer_cmds, monitor_cmds,
};

#define for_each_cmd(i, c) \
	for (i = 0; i < ARRAY_SIZE(cmd_tables); i++) \
		for (c = cmd_tables[i]; c->name; c++)

static const struct vcmd *cur;	/* the command being run */

static void vfail(const char *fmt, va_list ap)
{
	out_abort();
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
	return EXIT_USAGE;
}

/* The current command's arguments are wrong: show how they go. */
int usage(void)
{
	char name[32];

	snprintf(name, sizeof(name), "%s%s%s", cur->group ? cur->group : "",
		 cur->group ? " " : "", cur->name);
	if (!strcmp(name, cur->usage))
		return usage_error("%s takes no argument", name);
	return usage_error("usage: vinectl %s", cur->usage);
}

static int help(FILE *f)
{
	const struct vcmd *c;
	size_t i;

	fputs("usage: vinectl [-j] COMMAND [ARGS...]\n\n", f);
	for_each_cmd(i, c)
		fprintf(f, "  vinectl %s\n", c->usage);
	fputs("\n  -j       print read commands' output as JSON\n"
	      "  -b FILE  run the commands in FILE (- for stdin), one a line\n",
	      f);
	return f == stdout ? 0 : EXIT_USAGE;
}

static const struct vcmd *lookup(int *argc, char ***argv)
{
	const char *w1 = (*argv)[0], *w2 = *argc > 1 ? (*argv)[1] : NULL;
	const struct vcmd *c;
	size_t i;

	for_each_cmd(i, c) {
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

/* No such command; "vr" alone is a group, so name its subcommands. */
static int unknown(int argc, char **argv)
{
	char subs[128] = "";
	const struct vcmd *c;
	size_t i, n;

	for_each_cmd(i, c) {
		n = strlen(subs);
		if (c->group && !strcmp(c->group, argv[0]))
			snprintf(subs + n, sizeof(subs) - n, "%s%s",
				 n ? "|" : "", c->name);
	}
	if (argc == 1 && subs[0])
		return usage_error("%s needs a subcommand (%s)", argv[0], subs);
	return usage_error("unknown command '%s%s%s'", argv[0],
			   argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
}

static int dispatch(int argc, char **argv)
{
	if (!strcmp(argv[0], "help"))
		return help(stdout);
	cur = lookup(&argc, &argv);
	if (!cur)
		return unknown(argc, argv);
	return cur->run(argc, argv);
}

/*
 * Run the commands of @path ("-" for stdin), one a line, words separated
 * by blanks; blank lines and lines starting with '#' are skipped. Stops at
 * the first failure, naming its line.
 */
static int batch(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[4096], *words[256], *w;
	unsigned int lineno = 0;
	int n, err = 0;

	if (!f)
		return fail("cannot read %s: %s", path, strerror(errno));
	while (!err && fgets(line, sizeof(line), f)) {
		lineno++;
		n = 0;
		for (w = strtok(line, " \t\r\n"); w && n < 255;
		     w = strtok(NULL, " \t\r\n"))
			words[n++] = w;
		if (!n || words[0][0] == '#')
			continue;
		words[n] = NULL;
		err = dispatch(n, words);
		if (err)
			fprintf(stderr, "vinectl: %s:%u: this command failed\n",
				path, lineno);
	}
	if (f != stdin)
		fclose(f);
	return err;
}

int main(int argc, char **argv)
{
	argc--;
	argv++;
	while (argc && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json"))
			out_json = true;
		else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help"))
			return help(stdout);
		else if (!strcmp(argv[0], "-b") && argc == 2)
			return batch(argv[1]);
		else if (!strcmp(argv[0], "-b"))
			return usage_error("usage: vinectl [-j] -b FILE|-");
		else
			return usage_error("unknown option '%s'", argv[0]);
		argc--;
		argv++;
	}
	if (!argc)
		return help(stderr);
	if (!strcmp(argv[0], "help"))
		return help(stdout);

	cur = lookup(&argc, &argv);
	if (!cur)
		return unknown(argc, argv);
	return cur->run(argc, argv);
}
