/*
 * version.c - the library's version string (mmk_version, mmkit.h).
 *
 * MMK_VERSION comes from the Makefile, the one place the version is
 * written (VERSION, and the commit from `git describe` when built from
 * git); a build without it (a compiler run by hand) says "unknown".
 */
#include "mmkit.h"

#ifndef MMK_VERSION
#define MMK_VERSION "unknown"
#endif

const char *mmk_version(void)
{
	return MMK_VERSION;
}
