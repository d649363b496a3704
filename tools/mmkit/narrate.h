/*
 * narrate.h - trace events as English sentences (narrate.c).
 */
#ifndef MMKIT_NARRATE_H
#define MMKIT_NARRATE_H

#include <stddef.h>

#include "mmkit.h"

/* The sentence for ev into buf (no trailing newline).  A host path under
 * root (resolved; NULL or "": none) is shown relative to it. */
void narrate_event(const char *root, const struct mmk_event *ev, char *buf, size_t len);

#endif
