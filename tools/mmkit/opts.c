/*
 * opts.c - the command-line option parser (opts.h).
 */
#include <stdio.h>
#include <string.h>

#include "opts.h"
#include "suggest.h"

int opts_next(struct opts *o, const struct opt *specs, const char **value)
{
	*value = NULL;
	if (o->i >= o->argc)
		return OPT_END;
	const char *a = o->argv[o->i++];
	*value = a;
	if (a[0] != '-' || a[1] == '\0')
		return OPT_ARG;
	if (!strcmp(a, "-h") || !strcmp(a, "--help"))
		return OPT_HELP;
	for (int k = 0; specs[k].name; k++) {
		size_t n = strlen(specs[k].name);
		if (strncmp(a, specs[k].name, n) != 0)
			continue;
		if (!specs[k].value) {
			if (a[n] == '\0')
				return k;
			continue;
		}
		if (a[n] == '=') {
			*value = a + n + 1;
			return k;
		}
		if (a[n] == '\0' && o->i < o->argc) {
			*value = o->argv[o->i++];
			return k;
		}
	}
	return OPT_BAD;
}

/* The option name of arg: without its leading dashes and its "=VALUE". */
static const char *bare_name(const char *arg, size_t *n)
{
	arg += strspn(arg, "-");
	*n = strcspn(arg, "=");
	return arg;
}

void opts_complain(const char *who, const char *arg, const struct opt *specs)
{
	struct suggest sg;
	size_t n;
	const char *typed = bare_name(arg, &n);

	for (int k = 0; specs[k].name; k++) {
		if (specs[k].value && !strcmp(arg, specs[k].name)) {
			fprintf(stderr, "%s: option '%s' needs a value\n", who, arg);
			return;
		}
	}
	for (int k = 0; specs[k].name; k++) {
		size_t len = strlen(specs[k].name);
		if (!specs[k].value && !strncmp(arg, specs[k].name, len) && arg[len] == '=') {
			fprintf(stderr, "%s: option '%s' takes no value\n", who, specs[k].name);
			return;
		}
	}
	sg = suggest_begin(typed, n);
	for (int k = 0; specs[k].name; k++)
		suggest_offer(&sg, specs[k].name + strspn(specs[k].name, "-"));
	fprintf(stderr, "%s: unknown option '%s'", who, arg);
	for (int k = 0; sg.best && specs[k].name; k++) {
		if (specs[k].name + strspn(specs[k].name, "-") == sg.best) {
			fprintf(stderr, "; did you mean '%s'?", specs[k].name);
			break;
		}
	}
	fputc('\n', stderr);
}

const char *opts_nearest(const char *typed, const char *const *words)
{
	struct suggest sg = suggest_begin(typed, strlen(typed));
	for (int k = 0; words[k]; k++)
		suggest_offer(&sg, words[k]);
	return sg.best;
}
