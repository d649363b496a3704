/*
 * opts.c - the command-line option parser (opts.h).
 */
#include <string.h>

#include "opts.h"

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
