/*
 * fdtab.c - a guest process's file descriptors (rv.h).
 *
 * A guest fd names one of:
 *   RV_FD_MMK    an mmkit file (mmk_open in the task's mmk_proc; mmk_fork
 *                copies mmkit's table with the same numbers, so a child's
 *                copy of the entry names the child's duplicate);
 *   RV_FD_HOST   one of the host's standard streams (guest fds 0, 1, 2 at
 *                start; never closed on the host: a task only forgets it);
 *   RV_FD_SYNTH  a snapshot of a /proc view taken when it was opened,
 *                shared (with its offset) by dup and fork, as an open file
 *                description is;
 *   RV_FD_PIPE   one end of a pipe (struct rv_pipe), counted in the pipe's
 *                readers or writers for as long as the fd names it.
 * New fds take the lowest free number, as Linux's alloc_fd().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rv.h"

struct rv_fd *rv_fd_get(struct rv_task *t, int64_t fd)
{
	if (fd < 0 || fd >= RV_MAX_FDS || t->fds[fd].kind == RV_FD_FREE)
		return NULL;
	return &t->fds[fd];
}

/* The lowest free fd >= lowest, or -EMFILE. */
int rv_fd_alloc(struct rv_task *t, int lowest)
{
	for (int i = lowest < 0 ? 0 : lowest; i < RV_MAX_FDS; i++)
		if (t->fds[i].kind == RV_FD_FREE)
			return i;
	return -EMFILE;
}

static void synth_put(struct rv_synth *s)
{
	if (s && --s->refs == 0) {
		free(s->data);
		free(s);
	}
}

void rv_pipe_get(struct rv_pipe *pi, int end)
{
	if (end)
		pi->writers++;
	else
		pi->readers++;
}

void rv_pipe_put(struct rv_pipe *pi, int end)
{
	if (end)
		pi->writers--;
	else
		pi->readers--;
	if (!pi->readers && !pi->writers)
		free(pi);
}

void rv_fd_close(struct rv_task *t, int fd)
{
	struct rv_fd *f = &t->fds[fd];
	if (f->kind == RV_FD_PIPE)
		rv_pipe_put(f->pipe, f->num);
	if (f->kind == RV_FD_MMK && t->proc)
		mmk_close(t->proc, f->num);
	if (f->kind == RV_FD_SYNTH)
		synth_put(f->syn);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

void rv_fd_init_stdio(struct rv_task *t)
{
	for (int i = 0; i < 3; i++) {
		t->fds[i].kind = RV_FD_HOST;
		t->fds[i].num = i;
	}
}

/* child's table after mmk_fork: the same entries and working directory;
 * mmkit numbers stay valid (mmk_fork copied mmkit's table), synthetic
 * files are shared. */
void rv_fd_copy(struct rv_task *child, const struct rv_task *parent)
{
	memcpy(child->fdt->cwd, parent->fdt->cwd, sizeof(child->fdt->cwd));
	for (int i = 0; i < RV_MAX_FDS; i++) {
		child->fds[i] = parent->fds[i];
		if (child->fds[i].syn)
			child->fds[i].syn->refs++;
		if (child->fds[i].pipe)
			rv_pipe_get(child->fds[i].pipe, child->fds[i].num);
		if (child->fds[i].path)
			child->fds[i].path = strdup(child->fds[i].path);
	}
}

/* After exec: the fds marked close-on-exec (mmkit's own fds never carry
 * O_CLOEXEC: the runner keeps that flag, so fcntl can change it). */
void rv_fd_close_on_exec(struct rv_task *t)
{
	for (int i = 0; i < RV_MAX_FDS; i++)
		if (t->fds[i].kind != RV_FD_FREE && t->fds[i].cloexec)
			rv_fd_close(t, i);
}

void rv_fd_close_all(struct rv_task *t)
{
	for (int i = 0; i < RV_MAX_FDS; i++)
		if (t->fds[i].kind != RV_FD_FREE)
			rv_fd_close(t, i);
}
