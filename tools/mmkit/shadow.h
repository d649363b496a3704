/*
 * shadow.h - `mmkit shadow`: runs a real program on the host under ptrace
 * and mirrors everything that shapes its address spaces into an mmkit
 * system, comparing the two after each call (docs/SHADOW.md).
 *
 * The pieces, one file each:
 *   shadow.c          the command: options, the system, the traced child,
 *                     the event loop, tasks and address spaces, the summary
 *   shadow_calls.c    the system-call table: one mirror function per call
 *                     that changes an address space, x86-64 numbers; exec
 *   shadow_fds.c      the program's open file descriptions, as mmap sees
 *                     them (host fd -> mmkit fd per space)
 *   shadow_faults.c   what changes VMAs without a call: stack growth, the
 *                     faults that give VMAs anon_vmas, names that vanish
 *   shadow_compare.c  reading /proc/TID/maps and status, the one
 *                     normalization docs/DIFFERENCES.md lists, the diff,
 *                     the history and the --trace narration
 *
 * Only include/mmkit.h is used to reach the library: shadow is an embedder
 * like any other.
 *
 * Model.  A host task (thread) belongs to one address space (struct
 * sh_space), which one mmk_proc mirrors; threads and CLONE_VM children
 * share it.  Calls that change an address space are serialized per space:
 * a task stopped at the entry of such a call is held (not resumed) while
 * another task of its space is inside one, so the host performs them in
 * the order shadow mirrors them, and /proc/TID/maps is stable while it is
 * compared.  Calls on the fd table (close, dup...) are serialized too, so
 * an mmap never sees a table newer or older than the host's.
 */
#ifndef MMKIT_SHADOW_H
#define MMKIT_SHADOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "mmkit.h"

int cmd_shadow(int argc, char **argv);

enum sh_compare_mode {
	SH_EVERY_CALL,	     /* compare after every mirrored call (default) */
	SH_AT_EXEC_AND_EXIT, /* compare after each exec and before each exit */
};

/* One host address space (mm_struct) and the mmk_proc that mirrors it. */
struct sh_space {
	mmk_proc *p;
	int users;	   /* live tasks using it */
	pid_t active;	   /* the task inside a mirrored call, or 0 */
	bool foreign;	   /* not mirrored: shadow's own image before the
			      program's first exec; never compared */
	pid_t files_tgid;  /* the process whose fd table `fds` mirrors */
	struct sh_fd *fds; /* host fd -> mmkit fd (shadow_fds.c) */
	size_t nfds, capfds;
};

/* A system call seen at its entry stop. */
struct sh_call {
	int nr;
	uint64_t args[6];
};

/* One traced host task. */
struct sh_task {
	pid_t tid;
	pid_t tgid;	     /* thread group (process) */
	struct sh_space *sp; /* NULL until its creator's clone event is seen */
	bool in_call;	     /* between a syscall-entry and its exit stop */
	bool mirrored;	     /* the current call is one shadow mirrors */
	bool held;	     /* stopped at an entry, waiting for its space */
	uint64_t held_since; /* when it was held: the space goes first come,
				first served */
	bool started;	     /* resumed after its first stop */
	bool seen_stop;	     /* a fresh task stopped before its creator's event */
	struct sh_call call;
	/* execve: what the kernel read at the entry stop */
	char *exec_path;
	char **exec_argv, **exec_envp;
	int exec_err;	       /* -errno reading them, 0 if read */
	uint64_t stack_rlimit; /* RLIMIT_STACK soft limit its next exec uses */
};

/* The shadow run, shared by the three files. */
struct shadow {
	mmk_system *sys;
	int mode; /* enum sh_compare_mode */
	bool trace;
	pid_t root_tid;	   /* the program's first task */
	int root_status;   /* its wait status once it ends */
	uint64_t calls;	   /* mirrored calls */
	uint64_t compares; /* maps comparisons made */
	uint64_t holds;	   /* tasks held so far (orders held tasks) */
	struct sh_task **tasks;
	size_t ntasks, cap;
	int failed;	     /* 1: a difference; 2: a call shadow cannot follow */
	int64_t fail_after;  /* --fail-after: armed at the first exec; -1 none */
	unsigned char *vdso; /* the host's vdso image (shadow's own) */
	uint64_t vdso_len;
	uint64_t cfg_stack_rlimit, cfg_data_rlimit, cfg_as_rlimit, cfg_memlock_rlimit;
};

/* ---- shadow.c ------------------------------------------------------------ */
struct sh_space *sh_space_new(struct shadow *sh, mmk_proc *p);
/* Reads len bytes of task tid's memory at addr: 0 or -errno. */
int sh_peek(pid_t tid, uint64_t addr, void *buf, size_t len);
/* Reads a NUL-terminated string (at most cap - 1 bytes): 0 or -errno. */
int sh_peek_string(pid_t tid, uint64_t addr, char *buf, size_t cap);
/* Stops the run: a call shadow cannot follow.  Prints why; sets failed. */
void sh_cannot_follow(struct shadow *sh, const struct sh_task *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- shadow_calls.c ------------------------------------------------------ */
/* The name of syscall nr ("mmap"), or NULL for one shadow does not know. */
const char *sh_call_name(int nr);
/* Whether shadow mirrors call c (and so serializes it per space). */
bool sh_call_mirrored(const struct sh_call *c);
/* Entry stop of a mirrored call: reads what must be read before the call
 * runs (execve's strings).  Returns 0, or nonzero after sh_cannot_follow. */
int sh_call_enter(struct shadow *sh, struct sh_task *t);
/* Exit stop of a mirrored call with host result rval: mirrors the call into
 * t's space and compares results.  Returns 0, or nonzero when the run must
 * stop (a difference or a call shadow cannot follow, already reported). */
int sh_call_exit(struct shadow *sh, struct sh_task *t, int64_t rval);
/* PTRACE_EVENT_EXEC: the host has replaced t's image; mirror it. */
int sh_call_exec_event(struct shadow *sh, struct sh_task *t);
/* Renders t's call with its arguments, symbolic where they have names
 * (and its result when has_ret), into buf. */
void sh_call_format(const struct sh_task *t, bool has_ret, int64_t ret, char *buf, size_t len);

/* ---- shadow_fds.c --------------------------------------------------------- */
#define SH_MMFD_INVALID 1000000 /* an fd no mmk_proc has: mmkit says -EBADF */

/* What an mmap of the program's fd needs on the mmkit side. */
struct sh_mmap_fd {
	int mmfd;	 /* the fd to pass to mmk_mmap (SH_MMFD_INVALID: -EBADF) */
	bool opened;	 /* a temporary mmkit fd: close it after the call */
	bool dev_zero;	 /* /dev/zero: the mapping is anonymous */
	bool unfollowed; /* a file mmkit cannot map: see why */
	char why[600];
};
/* The mmkit fd standing for the program's fd (see shadow_fds.c). */
void sh_mmap_fd_resolve(struct shadow *sh, struct sh_task *t, int fd, struct sh_mmap_fd *m);
/* Whether call c changes the fd table (close, dup*, fcntl's F_DUPFD*
 * and F_SETFD, close_range). */
bool sh_fd_call(const struct sh_call *c);
/* Mirrors such a call, which returned rval, into t's table. */
void sh_fd_call_exit(struct sh_task *t, int64_t rval);
/* Exec: drops the close-on-exec entries. */
void sh_fds_exec(struct sh_space *sp);
/* Fork: dst's table is a copy of src's (as mmk_fork copied mmkit's). */
void sh_fds_copy(struct sh_space *dst, const struct sh_space *src);
void sh_fds_free(struct sh_space *sp);

/* ---- shadow_faults.c ------------------------------------------------------- */
/* Learns the host's zero page (call once, before the program starts). */
void sh_faults_init(void);
/* Mirrors the main stack's growth seen in host_maps into p. */
void sh_stack_sync(mmk_proc *p, const char *host_maps, const char *mm_maps);
/* Tells mmkit of mapped files whose name is gone on the host; whether it
 * told it of any (mmkit's maps then changed). */
bool sh_unlink_sync(struct sh_task *t, const char *host_maps, const char *mm_maps);
/* Mirrors the write faults that gave t's VMAs anonymous pages. */
void sh_faults_sync(struct shadow *sh, struct sh_task *t, const char *host_maps);

/* ---- shadow_compare.c ---------------------------------------------------- */
/* The whole of /proc/TID/WHAT, NUL-terminated (malloc'd); NULL if the
 * task is gone. */
char *sh_read_proc(pid_t tid, const char *what);
/* One of mmkit's views rendered whole (malloc'd), or NULL. */
char *sh_read_view(mmk_proc *p, int64_t (*view)(mmk_proc *, char *, uint64_t));
/* Before a mirrored call: stack growth and faults (shadow_faults.c). */
void sh_sync_faults(struct shadow *sh, struct sh_task *t);
/* Installs the --trace narration (a no-op without --trace). */
void sh_trace_install(struct shadow *sh);
/* Records a mirrored call in the history shown with a difference. */
void sh_history_add(struct shadow *sh, const struct sh_task *t, int64_t host, int64_t mm);
/* Prints the history (the calls that led to a difference) to stderr. */
void sh_history_print(void);
/* Compares task t's space on the host and in mmkit: maps byte for byte
 * (after the documented normalizations) and status's VMA lines.  `what`
 * names the step.  Returns 0, or 1 after printing the difference. */
int sh_compare(struct shadow *sh, struct sh_task *t, const char *what);
/* Reports that a mirrored call's results differ (prints, sets failed). */
void sh_result_differs(struct shadow *sh, struct sh_task *t, int64_t host, int64_t mm);

#endif /* MMKIT_SHADOW_H */
