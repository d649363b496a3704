/*
 * rv.h - the RISC-V Linux user-mode runner behind `mmkit exec`: guest
 * processes (tasks), their fd tables and signal state, and the world that
 * schedules them.  The runner talks to the library only through
 * include/mmkit.h; every guest memory access is an mmkit access.
 *
 * Files of the runner:
 *   cpu.c, fpu.c  one hart: decode, the decode cache, execute (cpu.h)
 *   linux.c       the system calls, by riscv64 number (a table)
 *   fdtab.c       guest fds: mmkit files, host stdio, synthetic /proc files
 *   signal.c      signal delivery in the riscv64 frame layout, rt_sigreturn,
 *                 what a blocked call returns when a signal interrupts it
 *   timer.c       sleeps, ITIMER_REAL, and the host sleep of an idle world
 *   poll.c        ppoll and pselect6: fds' readiness, the wait for it
 *   vdso.c        the [vdso] ELF image (AT_SYSINFO_EHDR)
 *   run.c         the world: tasks, the scheduler, exec, fork, wait, exit,
 *                 and the `mmkit exec` command
 *   trace.c       the trace: events told in the styles of `mmkit run --trace`
 *   html.c        `--html`: the view, system call by system call
 *
 * Scheduling is deterministic: one host thread runs the tasks (threads)
 * round-robin, RV_QUANTUM instructions at a time; a task whose system call
 * would block (wait4, a pipe, futex, a sleep) yields and makes it again next
 * round.  So the same program with the same input gives the same output and
 * trace.  Timers (timer.c) are the host's clocks, looked at between quanta;
 * when every task is blocked the host thread sleeps until the next
 * deadline.
 *
 * Ownership: the world owns the mmkit system and every task; a process
 * (its leader task and the threads sharing its tgid) owns its mmk_proc
 * until it exits (a zombie keeps only its pid and status); each task owns
 * its hart; fd tables and handler tables are refcounted, shared by the
 * threads of a process.
 */
#ifndef RV_H
#define RV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"
#include "mmkit.h"

#define RV_QUANTUM   100000
#define RV_MAX_FDS   256
#define RV_NSIG	     64
#define RV_MAX_TASKS 1024 /* processes and threads alive at once (RLIMIT_NPROC) */
#define RV_HOST_FDS  3	  /* host streams a guest fd can name: 0, 1, 2 */

enum rv_fd_kind { RV_FD_FREE, RV_FD_MMK, RV_FD_HOST, RV_FD_SYNTH, RV_FD_PIPE };

/* A synthetic read-only file (a /proc view snapshot taken at open). */
struct rv_synth {
	int refs;
	char *data;
	uint64_t len, pos;
};

/* A pipe (pipe2): a ring of RV_PIPE_SIZE bytes and how many fds name each
 * end; freed when neither end is open. */
#define RV_PIPE_SIZE 65536
struct rv_pipe {
	uint8_t buf[RV_PIPE_SIZE];
	uint64_t head, len;
	int readers, writers;
};

struct rv_fd {
	enum rv_fd_kind kind;
	int num; /* RV_FD_MMK: the mmkit fd; RV_FD_HOST: the host fd */
	int cloexec;
	struct rv_synth *syn; /* RV_FD_SYNTH */
	struct rv_pipe *pipe; /* RV_FD_PIPE; num is 0 for the read end, 1 for the write end */
	char *path;	      /* RV_FD_MMK: the path below the root it was opened
				 by, canonical (dirfd-relative paths, fchdir) */
};

/* The guest's struct sigaction as rt_sigaction passes it on riscv64. */
struct rv_sigaction {
	uint64_t handler, flags, mask;
};

enum rv_task_state { RV_RUNNABLE, RV_ZOMBIE, RV_REAPED };

/* What the threads of a process share (CLONE_FILES, CLONE_SIGHAND; the
 * working directory, CLONE_FS, lives with the fds: pthread_create shares
 * both, fork copies both). */
struct rv_fdtable {
	int refs;
	struct rv_fd fd[RV_MAX_FDS];
	char cwd[4096]; /* the working directory below the root, canonical
			   (path_canon in linux.c); "" is the root */
};
struct rv_sighand {
	int refs;
	struct rv_sigaction act[RV_NSIG + 1];
};

/* An interval timer (timer.c).  ITIMER_REAL: value is its expiry on the
 * host's CLOCK_MONOTONIC, counting while active (Linux's hrtimer queued);
 * after it fires it is inactive until its SIGALRM is taken, then a
 * periodic one (interval != 0) restarts.  The others: value is the time
 * left (ns), 0 when disarmed. */
struct rv_itimer {
	int64_t value, interval;
	int active;
};

/*
 * A guest thread.  The threads of one process (same tgid) share its
 * mmk_proc, fd table and signal handlers; the first (pid == tgid, the
 * leader) stands for the process: it is what wait4 reaps and what holds the
 * exit status.  A thread that exits before the others is thread_done (the
 * leader stays on the list for its process; another is reaped at once);
 * the last one out ends the process.
 */
struct rv_task {
	int pid;  /* the thread id (gettid) */
	int tgid; /* the process id (getpid): the leader's pid */
	int ppid;
	enum rv_task_state state;
	mmk_proc *proc;
	struct rv_cpu cpu;
	struct rv_fdtable *fdt;	  /* shared by the threads of the process */
	struct rv_fd *fds;	  /* fdt->fd */
	struct rv_sighand *sh;	  /* shared by the threads of the process */
	struct rv_sigaction *act; /* sh->act */
	int thread_done;	  /* this thread has exited; its process has not */
	uint64_t futex_addr;	  /* waiting in FUTEX_WAIT on this word (0: not) */
	int futex_woken;	  /* a FUTEX_WAKE chose it: its wait returns 0 */
	uint64_t sigmask, pending;
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;
	uint64_t clear_child_tid;
	int wstatus;	  /* RV_ZOMBIE: the wait status */
	int blocked;	  /* its last system call would block: the ecall is
			     made again in the scheduler's next round */
	uint64_t io_done; /* bytes a blocked pipe write already moved */
	int wait_eintr;	  /* blocked in pause/sigsuspend: a signal ends it, EINTR */
	int restore_mask; /* sigsuspend: the frame saves saved_mask, not sigmask */
	uint64_t saved_mask;
	/* wait4's arguments */
	int64_t wait_pid;
	uint64_t wait_status_addr;
	int wait_options;
	int wait_is_waitid;	  /* waitid: a siginfo goes to wait_status_addr */
	const char *syscall_name; /* for the trace: the call being made */
	char *exe;		  /* /proc/self/exe */
	uint64_t vdso_base;	  /* the [vdso]'s ELF header (AT_SYSINFO_EHDR) */
	/* timer.c: a nanosleep/clock_nanosleep, or a futex wait's timeout */
	int sleeping;
	int sleep_clock;	    /* the host clock of the deadline */
	int64_t sleep_deadline;	    /* ns on sleep_clock */
	struct rv_itimer itimer[3]; /* the leader's: its process's timers */
	/* poll.c: a ppoll or pselect6 waits (its timeout is the sleep's
	 * fields, its sigmask saved_mask and restore_mask, as sigsuspend's) */
	int polling;
	uint16_t poll_host[RV_HOST_FDS]; /* host streams it waits on: events */
	struct rv_task *next;
};

struct rv_world {
	mmk_system *sys;
	const char *root;
	char root_real[4096]; /* root resolved, for the trace's file names */
	int trace;
	int show_maps; /* --maps: each process's maps when it exits */
	struct rv_task *tasks;
	struct rv_task *current;
	int exit_status; /* the first task's, as a shell reports it */
	int first_pid;
	int next_tid;	     /* thread ids, above every process id mmkit gives */
	uint64_t warned[64]; /* rv_unsupported's warnings given (hashes) */
	int nwarned;
	uint64_t vdso_sigreturn; /* __vdso_rt_sigreturn's offset in the [vdso] */
	FILE *trace_out;
	int trace_style;      /* RV_TRACE_*: how events are told (trace.c) */
	struct rv_trace *tq;  /* events not yet told (trace.c) */
	struct rv_html *html; /* --html: the view's steps (html.c), or NULL */
};

/* trace.c: the trace (`--trace`, and the view's trace lines).  Events are
 * told while w->trace (on trace_out) or w->html is set. */
enum { RV_TRACE_BRIEF = 1, RV_TRACE_FULL, RV_TRACE_JSON };
/* The library's trace callback (mmk_trace_fn; arg: the world). */
void rv_trace_event(void *arg, const struct mmk_event *ev);
/* Tells the events queued (at a system call's start and end, a quantum's end). */
void rv_trace_flush(struct rv_world *w);
/* A line of the runner's own ("pid 3 exits ..."; no '"' or '\\' in it),
 * after the queued events. */
void rv_trace_note(struct rv_world *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Tells what is queued and frees the queue (the end of the run). */
void rv_trace_free(struct rv_world *w);

/* html.c: `mmkit exec --html FILE`, the view stepping system call by
 * system call (tools/mmkit/view.c draws it). */
int rv_html_open(struct rv_world *w, const char *prog);
/* A system call of t has returned (name, args, ret: its number's name,
 * argument and result registers): it joins the running step, which may
 * end with it. */
void rv_html_syscall(struct rv_world *w, struct rv_task *t, const char *name,
		     const uint64_t args[6], uint64_t ret);
/* A trace line of the step running; in_call: of the system call running
 * (it follows the call's line), else of the instructions before it. */
void rv_html_trace_line(struct rv_world *w, const char *line, int in_call);
/* Writes the file and frees the view; 0 or -errno (said on stderr). */
int rv_html_close(struct rv_world *w, const char *path);

/* A system call's answer "would block" (linux.c, rv_syscall). */
#define RV_BLOCK (INT64_MIN + 1)

/* fdtab.c */
/* A reference to end (0 read, 1 write) of pi is taken / dropped. */
void rv_pipe_get(struct rv_pipe *pi, int end);
void rv_pipe_put(struct rv_pipe *pi, int end);
int rv_fd_alloc(struct rv_task *t, int lowest);
void rv_fd_close(struct rv_task *t, int fd);
void rv_fd_copy(struct rv_task *child, const struct rv_task *parent);
void rv_fd_close_on_exec(struct rv_task *t);
void rv_fd_close_all(struct rv_task *t);
struct rv_fd *rv_fd_get(struct rv_task *t, int64_t fd);
void rv_fd_init_stdio(struct rv_task *t);

/* linux.c: handles the ecall of t (a7 = number); false: t is gone (exit,
 * exec failure after the point of no return, killed). */
void rv_syscall(struct rv_world *w, struct rv_task *t);
const char *rv_syscall_name(uint64_t nr);
/* Something the runner does not support yet: err (-ENOSYS, -EOPNOTSUPP),
 * with "mmkit exec: WHAT not supported (ENOSYS)" on stderr the first time
 * that WHAT (printf's fmt and its arguments: the call, then what of its
 * arguments) is met, so a program never meets one silently. */
int64_t rv_unsupported(struct rv_world *w, int64_t err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* signal.c */
/* Raises signo on t (from a fault: si; else NULL) and delivers it: a
 * handler gets its frame; a default action that kills ends the task. */
void rv_signal_deliver(struct rv_world *w, struct rv_task *t, int signo,
		       const struct mmk_siginfo *si, int code);
/* rt_sigreturn: restores the registers and mask saved in the frame at sp. */
int rv_sigreturn(struct rv_world *w, struct rv_task *t);
/* Of the blocked t, the signal a handler is about to run for (0: none);
 * pending signals t ignores are dropped, as Linux never queues them. */
int rv_signal_next_handled(struct rv_world *w, struct rv_task *t);
/* t's blocked call (pc at its ecall) is interrupted by a handler for sig:
 * it returns -EINTR (or a partial count), or stays to be made again after
 * the handler (SA_RESTART), as Linux's handle_signal decides from the
 * call's -ERESTART* code. */
void rv_signal_interrupt(struct rv_world *w, struct rv_task *t, int sig);

/* vdso.c */
struct rv_vdso {
	const uint8_t *image; /* the ELF image, page-sized, for mmk_set_vdso */
	uint64_t len;
	uint64_t sigreturn; /* __vdso_rt_sigreturn's offset in it */
};
/* Builds the riscv64 vDSO image (a static buffer): 0, or -1 if it did not
 * fit (a bug). */
int rv_vdso_build(struct rv_vdso *v);

/* timer.c: the calls (linux.c's table names them) */
int64_t rv_sys_nanosleep(struct rv_world *w, struct rv_task *t);
int64_t rv_sys_clock_nanosleep(struct rv_world *w, struct rv_task *t);
int64_t rv_sys_setitimer(struct rv_world *w, struct rv_task *t);
int64_t rv_sys_getitimer(struct rv_world *w, struct rv_task *t);
int64_t rv_sys_clock_getres(struct rv_world *w, struct rv_task *t);
/* Starts t's timeout (sleeping, sleep_clock, sleep_deadline: a sleep or a
 * futex wait) on host clock `clock` from the guest timespec at addr,
 * absolute when abs: 0, -EFAULT, or -EINVAL for a timespec out of range. */
int rv_timeout_start(struct rv_task *t, int clock, bool abs, uint64_t addr);
/* Whether t's timeout has passed. */
bool rv_timeout_passed(const struct rv_task *t);
/* The time left of t's timeout, in ns (0 once passed). */
int64_t rv_timeout_left(const struct rv_task *t);
/* A sleep of t interrupted by a signal: writes the time left to rem for a
 * relative sleep that asked for it; -EINTR (or -EFAULT). */
int64_t rv_sleep_interrupted(struct rv_task *t);
/* Raises SIGALRM on every process whose ITIMER_REAL has expired. */
void rv_timers_expire(struct rv_world *w);
/* SIGALRM was taken from t's pending signals (delivered or discarded):
 * a periodic ITIMER_REAL that fired restarts, as in Linux's
 * dequeue_signal. */
void rv_itimer_dequeued(struct rv_world *w, struct rv_task *t);
/* Every task is blocked: sleeps the host until the earliest deadline of a
 * sleep or ITIMER_REAL, or until a host stream a poll waits on is ready;
 * false if there is nothing to wait for (a deadlock). */
bool rv_timers_wait_idle(struct rv_world *w);

/* poll.c: the calls (linux.c's table names them) */
int64_t rv_sys_ppoll(struct rv_world *w, struct rv_task *t);
int64_t rv_sys_pselect6(struct rv_world *w, struct rv_task *t);
/* t's ppoll or pselect6 is interrupted by a handler: -EINTR, its state
 * cleared as when it returns, except the mask, which the handler's frame
 * keeps (restore_mask). */
int64_t rv_poll_interrupted(struct rv_task *t);

/* run.c */
struct rv_task *rv_task_find(struct rv_world *w, int pid);
/* Ends t's whole process (exit_group, a fatal signal) with the wait
 * status wstatus (exit: code << 8; signal: signo). */
void rv_task_exit(struct rv_world *w, struct rv_task *t, int wstatus);
/* exit(2) of one thread; the last one ends the process with wstatus. */
void rv_thread_exit(struct rv_world *w, struct rv_task *t, int wstatus);
/* A new thread of t's process (clone with CLONE_THREAD): its tid. */
int64_t rv_thread_create(struct rv_world *w, struct rv_task *t);
/* Wakes up to n FUTEX_WAIT waiters on addr in t's process: how many. */
int rv_futex_wake(struct rv_world *w, struct rv_task *t, uint64_t addr, int64_t n);
/* A fresh task structure with its own fd table and handlers (or NULL). */
struct rv_task *rv_task_alloc(void);
/* fork: a new task sharing nothing; the child's a0 is 0.  pid or -errno. */
int64_t rv_task_fork(struct rv_world *w, struct rv_task *t);
/* execve into t: 0 (registers set), or -errno before the point of no
 * return; a failure after it kills t. */
int64_t rv_task_execve(struct rv_world *w, struct rv_task *t, const char *path,
		       const char *const argv[], const char *const envp[]);
/* wait4: completes t's wait if a child is ready (or there is none, or
 * WNOHANG): 1 done (a0 set, pc past the ecall), 0 it must block. */
int rv_task_try_wait(struct rv_world *w, struct rv_task *t);
int rv_exec_command(int argc, char **argv);

#endif
