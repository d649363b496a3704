/*
 * run.c - the world of `mmkit exec`: an mmkit system with the riscv64
 * profile, its guest tasks, and the deterministic scheduler (rv.h).
 *
 * Task life: created by the command (the first) or by fork; runs quanta of
 * RV_QUANTUM instructions in pid order; a system call is handled between
 * instructions; a fault becomes a signal (signal.c); exit leaves a zombie
 * holding its wait status until its parent reaps it with wait4 (an orphan
 * is reaped at once).  The run ends when no task can run; its exit status
 * is the first task's, 128 + N for a death by signal N.
 *
 * The vDSO: the system's [vdso] image is vdso.c's ELF shared object;
 * exec's AT_SYSINFO_EHDR names it, so glibc finds __vdso_clock_gettime and
 * the rest there, and signal.c points a handler's ra at its
 * __vdso_rt_sigreturn.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "narrate.h"
#include "opts.h"
#include "rv.h"

extern char **environ;

struct rv_task *rv_task_find(struct rv_world *w, int pid)
{
	for (struct rv_task *t = w->tasks; t; t = t->next)
		if (t->pid == pid && t->state != RV_REAPED)
			return t;
	return NULL;
}

static void task_add(struct rv_world *w, struct rv_task *t)
{
	struct rv_task **pp = &w->tasks;
	while (*pp)
		pp = &(*pp)->next;
	*pp = t;
}

struct rv_task *rv_task_alloc(void)
{
	struct rv_task *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->fdt = calloc(1, sizeof(*t->fdt));
	t->sh = calloc(1, sizeof(*t->sh));
	if (!t->fdt || !t->sh) {
		free(t->fdt);
		free(t->sh);
		free(t);
		return NULL;
	}
	t->fdt->refs = t->sh->refs = 1;
	t->fds = t->fdt->fd;
	t->act = t->sh->act;
	return t;
}

static void task_free(struct rv_task *t)
{
	if (--t->fdt->refs == 0)
		free(t->fdt);
	if (--t->sh->refs == 0)
		free(t->sh);
	free(t->exe);
	free(t);
}

/* The leader of t's process (pid == tgid). */
static struct rv_task *group_leader(struct rv_world *w, const struct rv_task *t)
{
	for (struct rv_task *o = w->tasks; o; o = o->next)
		if (o->pid == t->tgid)
			return o;
	return NULL;
}

/* Whether a thread of t's process other than t is still running. */
static bool group_has_other_threads(struct rv_world *w, const struct rv_task *t)
{
	for (struct rv_task *o = w->tasks; o; o = o->next)
		if (o != t && o->tgid == t->tgid && o->state == RV_RUNNABLE && !o->thread_done)
			return true;
	return false;
}

/* Ends one thread's execution (not its process). */
static void thread_end(struct rv_task *t)
{
	rv_cpu_destroy(&t->cpu);
	t->thread_done = 1;
	t->futex_addr = 0;
	if (t->pid != t->tgid)
		t->state = RV_REAPED;
}

/* ---- exec --------------------------------------------------------------------- */

int64_t rv_task_execve(struct rv_world *w, struct rv_task *t, const char *path,
		       const char *const argv[], const char *const envp[])
{
	struct mmk_exec_info info;
	int err = mmk_execve(t->proc, path, argv, envp, &info);
	if (err) {
		if (mmk_proc_killed(t->proc)) {
			rv_task_exit(w, t, mmk_proc_killed(t->proc));
			return 0;
		}
		return err;
	}
	for (struct rv_task *o = w->tasks; o; o = o->next) /* de_thread */
		if (o != t && o->tgid == t->tgid && o->state == RV_RUNNABLE && !o->thread_done)
			thread_end(o);
	rv_fd_close_on_exec(t);
	for (int s = 1; s <= RV_NSIG; s++)
		if (t->act[s].handler > 1)
			t->act[s] = (struct rv_sigaction){0};
	t->altstack_sp = t->altstack_size = 0;
	t->clear_child_tid = 0;
	free(t->exe);
	t->exe = malloc(strlen(path) + 2);
	if (t->exe)
		sprintf(t->exe, "%s%s", path[0] == '/' ? "" : "/", path);
	t->vdso_base = info.vdso_base;
	struct rv_cpu *c = &t->cpu;
	rv_cpu_destroy(c);
	rv_cpu_init(c, t->proc);
	c->pc = info.entry;
	c->x[2] = info.sp;
	return 0;
}

/* ---- fork, exit, wait --------------------------------------------------------------- */

int64_t rv_task_fork(struct rv_world *w, struct rv_task *t)
{
	struct rv_task *c = rv_task_alloc();
	if (!c)
		return -ENOMEM;
	int pid = mmk_fork(t->proc, &c->proc);
	if (pid < 0) {
		task_free(c);
		return pid;
	}
	c->pid = c->tgid = pid;
	c->ppid = t->tgid;
	c->state = RV_RUNNABLE;
	rv_cpu_clone(&c->cpu, &t->cpu, c->proc);
	c->cpu.x[10] = 0;
	c->cpu.pc += 4;
	rv_fd_copy(c, t);
	memcpy(c->act, t->act, sizeof(c->sh->act));
	c->sigmask = t->sigmask;
	c->altstack_sp = t->altstack_sp;
	c->altstack_size = t->altstack_size;
	c->exe = t->exe ? strdup(t->exe) : NULL;
	c->vdso_base = t->vdso_base;
	task_add(w, c);
	return pid;
}

/* --maps: mmkit's /proc/PID/maps of t, as it is when t exits, on stderr
 * between two marker lines. */
static void print_maps(struct rv_world *w, struct rv_task *t)
{
	int64_t n = mmk_proc_maps(t->proc, NULL, 0);
	char *buf = n >= 0 ? malloc(n + 1) : NULL;
	if (!buf)
		return;
	mmk_proc_maps(t->proc, buf, n + 1);
	fprintf(stderr, "== maps of pid %d at exit\n%s== end of maps\n", t->pid, buf);
	free(buf);
}

int64_t rv_thread_create(struct rv_world *w, struct rv_task *t)
{
	struct rv_task *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->pid = w->next_tid++;
	c->tgid = t->tgid;
	c->ppid = t->ppid;
	c->state = RV_RUNNABLE;
	c->proc = t->proc;
	c->fdt = t->fdt;
	c->fdt->refs++;
	c->fds = t->fds;
	c->sh = t->sh;
	c->sh->refs++;
	c->act = t->act;
	rv_cpu_clone(&c->cpu, &t->cpu, t->proc);
	c->cpu.x[10] = 0;
	c->cpu.pc += 4;
	c->sigmask = t->sigmask;
	c->exe = t->exe ? strdup(t->exe) : NULL;
	c->vdso_base = t->vdso_base;
	task_add(w, c);
	return c->pid;
}

int rv_futex_wake(struct rv_world *w, struct rv_task *t, uint64_t addr, int64_t n)
{
	int woken = 0;
	for (struct rv_task *o = w->tasks; o && woken < n; o = o->next) {
		if (o->proc != t->proc || o->futex_addr != addr || o->futex_woken ||
		    o->state != RV_RUNNABLE || o->thread_done)
			continue;
		o->futex_woken = 1;
		woken++;
	}
	return woken;
}

void rv_thread_exit(struct rv_world *w, struct rv_task *t, int wstatus)
{
	if (!group_has_other_threads(w, t)) {
		rv_task_exit(w, t, wstatus);
		return;
	}
	if (t->clear_child_tid) { /* what pthread_join waits for */
		uint32_t zero = 0;
		mmk_store(t->proc, t->clear_child_tid, &zero, 4, NULL);
		rv_futex_wake(w, t, t->clear_child_tid, INT32_MAX);
	}
	if (w->trace || w->html)
		rv_trace_note(w, "thread %d of pid %d exits after %" PRIu64 " instructions", t->pid,
			      t->tgid, t->cpu.instret);
	thread_end(t);
}

void rv_task_exit(struct rv_world *w, struct rv_task *t, int wstatus)
{
	struct rv_task *leader = group_leader(w, t);
	if (!leader || leader->state == RV_ZOMBIE || leader->state == RV_REAPED)
		return;
	for (struct rv_task *o = w->tasks; o; o = o->next)
		if (o != leader && o->tgid == t->tgid && o->state == RV_RUNNABLE)
			thread_end(o);
	t = leader;
	if (t->clear_child_tid && !t->thread_done) {
		uint32_t zero = 0;
		mmk_store(t->proc, t->clear_child_tid, &zero, 4, NULL);
	}
	if (w->show_maps)
		print_maps(w, t);
	if (w->trace || w->html)
		rv_trace_note(w, "pid %d exits (wait status %#x) after %" PRIu64 " instructions",
			      t->pid, wstatus, t->cpu.instret);
	rv_fd_close_all(t);
	mmk_exit(t->proc);
	for (struct rv_task *o = w->tasks; o; o = o->next)
		if (o->tgid == t->tgid)
			o->proc = NULL;
	rv_cpu_destroy(&t->cpu);
	t->thread_done = 1;
	t->wstatus = wstatus;
	t->state = RV_ZOMBIE;
	if (t->pid == w->first_pid)
		w->exit_status = (wstatus & 0x7f) ? 128 + (wstatus & 0x7f) : (wstatus >> 8) & 0xff;
	for (struct rv_task *o = w->tasks; o; o = o->next) {
		if (o->ppid != t->tgid)
			continue;
		o->ppid = 0; /* orphans are reaped by nobody: at once */
		if (o->state == RV_ZOMBIE)
			o->state = RV_REAPED;
	}
	struct rv_task *parent = t->ppid ? rv_task_find(w, t->ppid) : NULL;
	if (!parent || parent->state == RV_ZOMBIE)
		t->state = RV_REAPED;
	else
		parent->pending |= 1ull << (17 - 1); /* SIGCHLD */
}

static bool wait_matches(const struct rv_task *t, const struct rv_task *c)
{
	return c->ppid == t->tgid && c->pid == c->tgid && c->state != RV_REAPED &&
	       (t->wait_pid <= 0 || t->wait_pid == -1 || c->pid == t->wait_pid);
}

int rv_task_try_wait(struct rv_world *w, struct rv_task *t)
{
	bool any = false;
	for (struct rv_task *c = w->tasks; c; c = c->next) {
		if (!wait_matches(t, c))
			continue;
		any = true;
		if (c->state != RV_ZOMBIE)
			continue;
		int32_t st = c->wstatus;
		int err;
		if (t->wait_is_waitid) {
			/* siginfo: SIGCHLD, CLD_EXITED (1) or CLD_KILLED (2), pid,
			 * uid, the exit code or signal */
			int32_t info[8] = {17,
					   0,
					   (st & 0x7f) ? 2 : 1,
					   0,
					   c->pid,
					   (int32_t)getuid(),
					   (st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff,
					   0};
			err = t->wait_status_addr &&
			      mmk_store(t->proc, t->wait_status_addr, info, sizeof(info), NULL);
		} else {
			err = t->wait_status_addr &&
			      mmk_store(t->proc, t->wait_status_addr, &st, 4, NULL);
		}
		if (err) {
			t->cpu.x[10] = (uint64_t)-EFAULT;
		} else {
			t->cpu.x[10] = t->wait_is_waitid ? 0 : (uint64_t)c->pid;
			if (!(t->wait_is_waitid && (t->wait_options & 0x01000000))) /* WNOWAIT */
				c->state = RV_REAPED;
		}
		t->cpu.pc += 4;
		return 1;
	}
	if (!any || (t->wait_options & 1)) { /* no child: ECHILD; WNOHANG: 0 */
		t->cpu.x[10] = any ? 0 : (uint64_t)-ECHILD;
		if (any && t->wait_is_waitid && t->wait_status_addr) { /* si_pid 0 */
			int32_t zero[8] = {0};
			mmk_store(t->proc, t->wait_status_addr, zero, sizeof(zero), NULL);
		}
		t->cpu.pc += 4;
		return 1;
	}
	return 0;
}

/* ---- The scheduler ---------------------------------------------------------------- */

static void deliver_pending(struct rv_world *w, struct rv_task *t)
{
	while (t->state == RV_RUNNABLE) {
		uint64_t ready = t->pending & ~t->sigmask;
		if (!ready)
			return;
		int sig = __builtin_ctzll(ready) + 1;
		t->pending &= ~(1ull << (sig - 1));
		rv_signal_deliver(w, t, sig, NULL, 0 /* SI_USER */);
	}
}

/* A system call of t, between its trace lines and, with --html, the
 * view's step (a call that would block is made again later: no step). */
static void syscall_step(struct rv_world *w, struct rv_task *t)
{
	uint64_t args[6];
	const char *name = rv_syscall_name(t->cpu.x[17]);
	memcpy(args, &t->cpu.x[10], sizeof(args));
	rv_trace_flush(w); /* the faults before it are not its */
	rv_syscall(w, t);
	rv_trace_flush(w);
	if (w->html && !t->blocked)
		rv_html_syscall(w, t, name, args, t->cpu.x[10]);
}

/* What a stop of the hart means for t. */
static void handle_stop(struct rv_world *w, struct rv_task *t, const struct rv_stop *st)
{
	struct mmk_siginfo si = {0};
	switch (st->kind) {
	case RV_STOP_QUANTUM:
		return;
	case RV_STOP_ECALL:
		syscall_step(w, t);
		return;
	case RV_STOP_FAULT:
		if (st->si.signo == MMK_SIGKILL) {
			rv_task_exit(w, t, 9);
			return;
		}
		rv_signal_deliver(w, t, st->si.signo, &st->si, st->si.code);
		return;
	case RV_STOP_ILLEGAL:
		si = (struct mmk_siginfo){.signo = 4, .code = 1, .addr = t->cpu.pc};
		break;
	case RV_STOP_EBREAK:
		si = (struct mmk_siginfo){.signo = 5, .code = 1, .addr = t->cpu.pc};
		break;
	case RV_STOP_MISALIGNED_AMO:
		si = (struct mmk_siginfo){.signo = 7, .code = 1, .addr = st->tval};
		break;
	}
	rv_signal_deliver(w, t, si.signo, &si, si.code);
}

/* One quantum of t: instructions, the system calls among them, signals,
 * until the quantum ends, t blocks or t ends.  Whether t got anywhere: a
 * task that only made its blocking call again did not. */
static bool run_quantum(struct rv_world *w, struct rv_task *t)
{
	uint64_t budget = RV_QUANTUM, start = t->cpu.instret;
	bool was_blocked = t->blocked;
	t->blocked = 0;
	w->current = t;
	int sig = was_blocked ? rv_signal_next_handled(w, t) : 0;
	if (sig) {
		/* the blocked call first gets its chance to complete, then the
		 * signal interrupts or restarts it (signal.c) */
		rv_syscall(w, t);
		if (t->blocked) {
			t->blocked = 0;
			rv_signal_interrupt(w, t, sig);
		}
	}
	while (budget && t->state == RV_RUNNABLE && !t->thread_done && !t->blocked) {
		deliver_pending(w, t);
		if (t->state != RV_RUNNABLE)
			break;
		struct rv_stop st;
		uint64_t before = t->cpu.instret;
		rv_run(&t->cpu, budget, &st);
		uint64_t ran = t->cpu.instret - before + 1;
		budget = ran >= budget ? 0 : budget - ran;
		handle_stop(w, t, &st);
		if (t->proc && t->state == RV_RUNNABLE && mmk_proc_killed(t->proc))
			rv_task_exit(w, t, mmk_proc_killed(t->proc));
	}
	w->current = NULL;
	rv_trace_flush(w);
	return !(was_blocked && t->blocked && t->cpu.instret == start && t->state == RV_RUNNABLE);
}

/* Rounds in pid order until no task is left, expired timers raising their
 * signals before each quantum.  A round in which every task only made its
 * blocking call again waits on the host for the next deadline (timer.c);
 * with none, it is a deadlock: they are all killed. */
static void schedule(struct rv_world *w)
{
	for (;;) {
		bool any = false, progress = false;
		for (struct rv_task *t = w->tasks; t; t = t->next) {
			if (t->state == RV_RUNNABLE && t->proc && mmk_proc_killed(t->proc))
				rv_task_exit(w, t, mmk_proc_killed(t->proc));
			if (t->state != RV_RUNNABLE || t->thread_done)
				continue;
			any = true;
			rv_timers_expire(w);
			progress |= run_quantum(w, t);
		}
		if (!any)
			return;
		if (!progress && !rv_timers_wait_idle(w)) {
			fprintf(stderr, "mmkit exec: every process is blocked: killed\n");
			for (struct rv_task *t = w->tasks; t; t = t->next)
				if (t->state == RV_RUNNABLE && !t->thread_done)
					rv_task_exit(w, t, 9);
		}
	}
}

/* ---- The command ---------------------------------------------------------------------- */

/* compare.c (tools/mmkit): the table of `--policy all` */
void compare_print_header(void);
void compare_print_row(const char *name, const struct mmk_vmstat *vm);

static void usage(FILE *f)
{
	fputs("usage: mmkit exec [--trace[=brief|full|json]] [--html FILE] [--maps] [--ram SIZE]\n"
	      "                  [--swap SIZE] [--policy NAME] [--root DIR] PROG [ARGS...]\n"
	      "  --trace  narrate on stderr what the memory system did and why, each line\n"
	      "           with the guest's pid, pc and system call (brief: a run of the\n"
	      "           same work in one line; full: every event; json: JSON objects)\n"
	      "  --html FILE  also write FILE, a view of the run stepping system call by\n"
	      "           system call (as `mmkit run --html`)\n"
	      "  --maps  print each process's /proc/PID/maps on stderr when it exits\n"
	      "  --policy all  run PROG once per policy (lru, clock, fifo, exact-lru), then\n"
	      "                print one table of their faults, pages read and written,\n"
	      "                hit ratio and pages scanned\n"
	      "Runs a static riscv64 Linux program on an mmkit system: every instruction\n"
	      "fetch, load and store goes through mmkit (docs/RISCV.md).  PROG and its\n"
	      "files are found under --root (default: the current directory).\n",
	      f);
}

/* "64M", "2G", "4096": bytes, or -1. */
static int64_t parse_size(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno)
		return -1;
	int shift = 0;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end || v > (1ull << (62 - shift)))
		return -1;
	return (int64_t)(v << shift);
}

/* PROG as a path below the root: an absolute host path inside the root
 * loses the root's prefix. */
static const char *prog_path(const char *root, const char *prog, char *buf, size_t len)
{
	char rroot[PATH_MAX], rprog[PATH_MAX];
	if (!realpath(root, rroot) || !realpath(prog, rprog))
		return prog;
	size_t n = strlen(rroot);
	if (!strncmp(rprog, rroot, n) && rprog[n] == '/') {
		snprintf(buf, len, "%s", rprog + n + 1);
		return buf;
	}
	return prog;
}

/* One run of argv[i..] on a fresh system with cfg: the program's exit
 * status (1 when the system or process could not be made); *vm gets the
 * system's counters at the end when vm is not NULL. */
/* What to show of a run. */
struct exec_show {
	int trace;	  /* RV_TRACE_* on stderr, or 0 */
	int maps;	  /* --maps */
	const char *html; /* --html FILE, or NULL */
};

static int exec_once(const struct mmk_config *cfg, const struct exec_show *show, char **argv, int i,
		     struct mmk_vmstat *vm)
{
	struct rv_world w = {.root = cfg->root,
			     .trace = show->trace != 0,
			     .trace_style = show->trace ? show->trace : RV_TRACE_BRIEF,
			     .show_maps = show->maps,
			     .trace_out = stderr};
	/* Traced or drawn, reclaim runs in the thread that allocates (no
	 * kswapd or flusher thread): every event is then the doing of the
	 * instruction or system call the line names, one at a time. */
	struct mmk_config c = *cfg;
	if (show->trace || show->html)
		c.no_background_threads = 1;
	int err = mmk_system_create(&c, &w.sys);
	if (err) {
		fprintf(stderr, "mmkit exec: cannot create the system: %s\n", strerror(-err));
		return 1;
	}
	struct rv_vdso vdso;
	if (rv_vdso_build(&vdso) || mmk_set_vdso(w.sys, vdso.image, vdso.len)) {
		fprintf(stderr, "mmkit exec: cannot make the vDSO\n");
		mmk_system_destroy(w.sys);
		return 1;
	}
	w.vdso_sigreturn = vdso.sigreturn;
	if (!realpath(cfg->root, w.root_real))
		w.root_real[0] = '\0';
	if (show->html && rv_html_open(&w, argv[i])) {
		mmk_system_destroy(w.sys);
		return 1;
	}
	if (w.trace || w.html)
		mmk_system_set_trace(w.sys, rv_trace_event, &w);
	struct rv_task *t = rv_task_alloc();
	int pid = t ? mmk_spawn(w.sys, &t->proc) : -ENOMEM;
	if (pid < 0) {
		fprintf(stderr, "mmkit exec: cannot create the process: %s\n", strerror(-pid));
		if (t)
			task_free(t);
		rv_html_close(&w, NULL);
		mmk_system_destroy(w.sys);
		rv_trace_free(&w);
		return 1;
	}
	t->pid = t->tgid = w.first_pid = pid;
	w.next_tid = 1 << 20;
	t->state = RV_RUNNABLE;
	rv_fd_init_stdio(t);
	task_add(&w, t);
	char pbuf[PATH_MAX];
	const char *path = prog_path(cfg->root, argv[i], pbuf, sizeof(pbuf));
	w.current = t;
	t->syscall_name = "execve";
	err = (int)rv_task_execve(&w, t, path, (const char *const *)argv + i,
				  (const char *const *)environ);
	t->syscall_name = NULL;
	w.current = NULL;
	rv_trace_flush(&w);
	if (w.html) {
		uint64_t args[6] = {0};
		rv_html_syscall(&w, t, "execve", args, (uint64_t)(int64_t)err);
	}
	if (err) {
		fprintf(stderr, "mmkit exec: %s: %s\n", argv[i], strerror(-err));
		rv_task_exit(&w, t, 127 << 8);
		w.exit_status = err == -ENOENT ? 127 : 126;
	}
	schedule(&w);
	for (struct rv_task *k = w.tasks; k;) {
		struct rv_task *next = k->next;
		if (k->state == RV_RUNNABLE)
			rv_task_exit(&w, k, 9);
		task_free(k);
		k = next;
	}
	w.tasks = NULL; /* the view's last step draws no process */
	fflush(stdout);
	if (vm)
		mmk_vmstat(w.sys, vm);
	int html_err = w.html ? rv_html_close(&w, show->html) : 0;
	mmk_system_destroy(w.sys);
	rv_trace_free(&w); /* the teardown's events */
	if (html_err && !w.exit_status)
		w.exit_status = 1;
	return w.exit_status;
}

enum { X_END, X_TRACE, X_TRACE_STYLE, X_HTML, X_MAPS, X_ROOT, X_RAM, X_SWAP, X_POLICY };
static const struct opt exec_opts[] = {
    [X_END] = {"--", false},
    [X_TRACE] = {"--trace", false},
    [X_TRACE_STYLE] = {"--trace", true}, /* --trace=STYLE: bare --trace is the row above */
    [X_HTML] = {"--html", true},
    [X_MAPS] = {"--maps", false},
    [X_ROOT] = {"--root", true},
    [X_RAM] = {"--ram", true},
    [X_SWAP] = {"--swap", true},
    [X_POLICY] = {"--policy", true},
    {NULL, false},
};

int rv_exec_command(int argc, char **argv)
{
	struct mmk_config cfg = {.root = ".", .arch = MMK_ARCH_RISCV64};
	struct exec_show show = {0};
	int all = 0, i, opt;
	struct opts o = OPTS_INIT(argc, argv);
	const char *a;
	/* The options end at "--" or at the program, the first operand. */
	while ((opt = opts_next(&o, exec_opts, &a)) != OPT_END && opt != X_END) {
		int64_t v;
		if (opt == X_TRACE) {
			show.trace = RV_TRACE_BRIEF;
		} else if (opt == X_TRACE_STYLE) {
			static const char *const styles[] = {"", "brief", "full", "json"};
			show.trace = 0;
			for (int k = 1; k < 4; k++)
				if (!strcmp(a, styles[k]))
					show.trace = k;
			if (!show.trace) {
				fprintf(
				    stderr,
				    "mmkit exec: unknown trace style '%s' (brief, full or json)\n",
				    a);
				return 2;
			}
		} else if (opt == X_HTML) {
			show.html = a;
		} else if (opt == X_MAPS) {
			show.maps = 1;
		} else if (opt == OPT_ARG) {
			o.i--;
			break;
		} else if (opt == X_ROOT) {
			cfg.root = a;
		} else if (opt == X_RAM || opt == X_SWAP) {
			if ((v = parse_size(a)) <= 0 && !(v == 0 && opt == X_SWAP)) {
				fprintf(stderr, "mmkit exec: bad %s size '%s' (e.g. 64M)\n",
					exec_opts[opt].name, a);
				return 2;
			}
			if (opt == X_RAM)
				cfg.ram_bytes = v;
			else
				cfg.swap_bytes = v;
		} else if (opt == X_POLICY) {
			int pol = mmk_reclaim_policy_parse(a);
			all = !strcmp(a, "all");
			if (all)
				pol = MMK_RECLAIM_LRU;
			if (pol < 0 || pol == MMK_RECLAIM_OPT) {
				fprintf(
				    stderr,
				    "mmkit exec: --policy is lru, clock, fifo, exact-lru or all\n");
				return 2;
			}
			cfg.reclaim_policy = pol;
		} else if (opt == OPT_HELP) {
			usage(stdout);
			return 0;
		} else {
			opts_complain("mmkit exec", a, exec_opts);
			usage(stderr);
			return 2;
		}
	}
	i = o.i;
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (all && show.html) {
		fprintf(stderr, "mmkit exec: --html draws one run: not with --policy all\n");
		return 2;
	}
	if (!all)
		return exec_once(&cfg, &show, argv, i, NULL);
	/* --policy all: the program once per online policy, then one table
	 * (compare.c's; OPT needs a recorded future, which exec does not do). */
	static const int policies[] = {MMK_RECLAIM_LRU, MMK_RECLAIM_CLOCK, MMK_RECLAIM_FIFO,
				       MMK_RECLAIM_EXACT_LRU};
	struct mmk_vmstat vm[4];
	int status = 0;
	for (int k = 0; k < 4; k++) {
		cfg.reclaim_policy = policies[k];
		memset(&vm[k], 0, sizeof(vm[k]));
		status = exec_once(&cfg, &show, argv, i, &vm[k]);
	}
	compare_print_header();
	for (int k = 0; k < 4; k++)
		compare_print_row(mmk_reclaim_policy_name(policies[k]), &vm[k]);
	return status;
}
