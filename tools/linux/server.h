/*
 * server.h - the Linux backend's server (build/mmkit-linux): one host
 * process per script process, doing the script's operations as real system
 * calls on itself.  See proto.h for the channel and docs/CHECK.md for why
 * its views look the way they do.
 *
 * The server's own mappings (binary, bss, libc's early TLS and malloc area,
 * vdso, stack) are "hidden": recorded once when the process starts, left out
 * of every view, and reported to the backend so that `mmkit check` can have
 * mmkit reserve the very same ranges.
 *
 * After a script's `exec PATH` the script process is a traced child of
 * the server instead (tracee.c): the server then has no script mappings
 * or fds of its own and nothing hidden, and the invariants below that
 * speak of its own memory matter no more.
 *
 * Invariants, from the moment the HELLO has been sent:
 *   - the server never calls malloc or stdio, and never maps, unmaps or
 *     grows anything itself: its address space changes only by the script's
 *     operations (so "the hidden ranges" stay exactly what they were);
 *   - every page of every hidden range it can touch is resident and, if
 *     writable, already written (prefaulted), so the server's own work
 *     causes no page fault and no change in its resident set: every fault
 *     and resident page that the views count beyond the hidden ones is the
 *     script's;
 *   - fds 0, 1, 2 are /dev/null and LX_CHANNEL_FD is the channel: the
 *     script's first open() returns 3, as in mmkit;
 *   - the current directory is the run directory and never changes: every
 *     script path is resolved beneath it (AT_FDCWD) by beneath.h, never
 *     outside it, and never blocks.
 */
#ifndef MMKIT_LINUX_SERVER_H
#define MMKIT_LINUX_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* x86-64's TASK_SIZE: mappings at or above it (the vsyscall page) are not
 * part of the mm (not counted in VmSize, not reservable in mmkit). */
#define SRV_TASK_SIZE 0x7ffffffff000ULL
#define SRV_PAGE      4096ULL

/* An output buffer that never allocates: appends are cut at cap and
 * remembered as an overflow. */
struct obuf {
	char *p;
	size_t len, cap;
	int overflow;
};

struct range {
	uint64_t start, end;
	int touch; /* how to prefault it: 0 not at all, 1 read, 2 write */
};

/* One line of /proc/PID/maps, parsed (pointers into the text). */
struct maps_line {
	uint64_t start, end;
	char perms[5];
	const char *name, *name_end; /* the path or [name]; empty if none */
};

#define SRV_HIDDEN_MAX BK_LAYOUT_MAX

/* A signal an access (or a tracee's instruction fetch) raised. */
struct access_fault {
	int signo, code;
	uint64_t addr;
};

struct server {
	int chan;		  /* the channel, LX_CHANNEL_FD */
	char rundir[LX_PATH_MAX]; /* cwd at start; shown as "/" in views */
	size_t rundirlen;
	struct range hidden[SRV_HIDDEN_MAX];
	int nhidden;
	/* Where the server's own stack would grow into, [its top - RLIMIT_STACK,
	 * its start): an access there that meets no mapping grows the stack on
	 * Linux (and is a SIGSEGV on mmkit), so accesses are refused there. */
	struct range stack_growth;
	struct lx_hello hello;	 /* sent at start; holds the layout */
	uint64_t minflt, majflt; /* the script's page faults so far */
	/* The program this script process runs (`exec PATH`, tracee.c), or
	 * 0: then the server itself is the script process. */
	int tracee;
	char procdir[32];		   /* "/proc/self" or "/proc/TRACEE" */
	uint64_t gadget;		   /* the tracee's `syscall` instruction */
	struct access_fault fetch_fault;   /* the last injection's fetch fault */
	int load_fd, store_fd, store_rd;   /* the server's ends of the data pipes */
	int pidfd;			   /* the tracee's pidfd */
	uint64_t base_minflt, base_majflt; /* its fault counts before its exec */
	/* Static buffers (the server never allocates once set up). */
	char path[LX_PATH_MAX + 1];
	unsigned char in[LX_DATA_MAX];	/* request data */
	unsigned char out[LX_DATA_MAX]; /* reply data or text */
	char raw[LX_DATA_MAX];		/* a /proc file as read */
};

/* ---- util.c: text and I/O without allocation ---------------------------- */
void ob_init(struct obuf *ob, void *p, size_t cap);
void ob_putn(struct obuf *ob, const char *s, size_t n);
void ob_puts(struct obuf *ob, const char *s);
void ob_putu(struct obuf *ob, uint64_t v);
/* Reads exactly n bytes (0) or fails (-errno; -EPIPE at end of stream). */
int read_full(int fd, void *p, size_t n);
/* Sends exactly n bytes without raising SIGPIPE: 0 or -errno. */
int send_full(int fd, const void *p, size_t n);
/* Reads a whole (proc) file into buf, NUL-terminated: its length or -errno
 * (-EMSGSIZE if it does not fit). */
int64_t read_file(const char *path, char *buf, size_t cap);
/* Parses hex digits at *s, advancing *s. */
uint64_t parse_hex(const char **s);
/* Parses decimal digits at *s (after blanks), advancing *s. */
uint64_t parse_dec(const char **s);
/* The end of the line starting at s (its '\n' or the final NUL). */
const char *line_end(const char *s);
/* Whether the line [s, e) starts with the word w. */
int line_starts(const char *s, const char *e, const char *w);
/* Parses the maps (or smaps header) line [s, e).  1 if it is one, else 0. */
int maps_parse(const char *s, const char *e, struct maps_line *ml);

/* ---- setup.c: making the process a faithful, quiet script process ------- */
/* Runs first in main(): ASLR off, THP off, capabilities dropped, the
 * resource limits of docs/CHECK.md; re-executes the program if ASLR or the
 * limits that exec reads were not already in place.  Records a problem in
 * srv->hello.problem when a step fails. */
void setup_process(struct server *srv, char **argv);
/* Second half, after libc's start-up is done: restores RLIMIT_DATA,
 * signals, umask, records the run directory, prefaults and records the
 * hidden ranges and the layout.  Returns 0 or -errno. */
int setup_address_space(struct server *srv);
/* Makes every hidden page resident and writable-in-place again (after a
 * fork write-protected them). */
void prefault_hidden(const struct server *srv);
/* Whether [start, end) lies inside one hidden range. */
int range_hidden(const struct server *srv, uint64_t start, uint64_t end);
/* Writes to ob the part of a maps path to show: paths under the run
 * directory lose its prefix ("/run/dir/a" -> "/a"). */
void put_path(const struct server *srv, struct obuf *ob, const char *s, const char *e);

/* ---- access.c: loads and stores that report faults ---------------------- */
/* Each works a page at a time, in address order, and returns 0, or -EFAULT
 * with *f filled; the pages before the faulting one are done (for load,
 * *done says how many bytes were copied). */
int access_load(uint64_t addr, unsigned char *buf, uint64_t len, uint64_t *done,
		struct access_fault *f);
int access_store(uint64_t addr, const unsigned char *buf, uint64_t len, struct access_fault *f);
int access_fill(uint64_t addr, int c, uint64_t len, struct access_fault *f);
int access_touch(uint64_t addr, uint64_t len, int write, struct access_fault *f);
/* Installs the SIGSEGV/SIGBUS handlers the above rely on. */
int access_install(void);

/* ---- views.c: /proc views without the server's own mappings ------------ */
/* Each renders into ob; 0 or -errno. */
int view_maps(struct server *srv, struct obuf *ob);
int view_smaps(struct server *srv, struct obuf *ob);
int view_status(struct server *srv, struct obuf *ob);

/* ---- tracee.c: a script process that runs a program ---------------------- */
/* `exec PATH ARGS...` (args NUL-separated): the server's process becomes
 * the caller of a traced child running PATH.  0 or -errno (then nothing
 * changed). */
int64_t tracee_exec(struct server *s, const char *path, const unsigned char *args, size_t argslen);
/* Runs request q on the tracee (views excepted: views.c reads procdir). */
void tracee_run_op(struct server *s, const struct lx_req *q, struct lx_rep *rep);
/* Ends the tracee (script `exit`). */
void tracee_exit(struct server *s);

/* ---- main.c --------------------------------------------------------------- */
/* The file operations (read, write, pread, pwrite, ftruncate, fsync,
 * fadvise, open, close, dup, unlink) on the server's own fd table. */
int64_t server_file_op(struct server *s, const struct lx_req *q, struct lx_rep *rep);

#endif
