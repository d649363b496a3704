/*
 * shadow.c - the `mmkit shadow` command: runs PROG on the host under
 * ptrace and keeps an mmkit system in step with it (docs/SHADOW.md).
 *
 * Owns: the options, the mmkit system (configured as the host is: the
 * limits, vm sysctls and capabilities the program runs with), the traced
 * child, the wait loop that dispatches every ptrace stop, the task table
 * and the address spaces (struct sh_space), and the closing summary.
 *
 * Start-up.  The child turns ASLR off (personality ADDR_NO_RANDOMIZE) and
 * THP off (PR_SET_THP_DISABLE, kept across fork and exec), as `mmkit
 * check`'s Linux backend does, stops itself, and is seized with
 * PTRACE_SEIZE (so every task it creates is traced too and can be told
 * apart at its first stop) before it executes PROG.  Until that first
 * successful execve its address space is a copy of shadow's own, which
 * mmkit does not mirror: the space is "foreign" and never compared.
 *
 * Tasks.  A task's space comes from its creator's clone event: CLONE_VM
 * shares the creator's space (threads, vfork), anything else is mmk_fork
 * of it, made at the event, when the host's fork has copied the parent's
 * mm and the parent has not run since.  A new task may report its first
 * stop before its creator's event; it waits, stopped, until the event has
 * given it a space.  A space's mmk_proc exits with its last task.
 *
 * Serialization (shadow.h): at most one task per space is inside a
 * mirrored call; another one stopped at such a call's entry is held there
 * until the space is free, then resumed.  A fork's or an exec's turn ends
 * at its ptrace event (a vfork parent waits in the kernel for its child,
 * which may need the space next).
 *
 * Exit status: 0 with no difference, 1 at the first difference, 2 for a
 * usage error, 3 for a program shadow cannot follow or a run it could not
 * start.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/ptrace.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "opts.h"
#include "shadow.h"

/* <sys/ptrace.h> and <linux/ptrace.h> clash; the calls go through syscall. */
#include <sys/syscall.h>

static long sh_ptrace(long req, pid_t pid, unsigned long addr, unsigned long data)
{
	return syscall(SYS_ptrace, req, pid, addr, data);
}

static void usage(FILE *f)
{
	fputs("usage: mmkit shadow [--trace] [--every-call|--at-exec-and-exit] [--fail-after N]\n"
	      "                    -- PROG [ARGS...]\n"
	      "\n"
	      "Runs PROG natively under ptrace (ASLR and THP off) and mirrors every call that\n"
	      "shapes its address spaces into mmkit, comparing /proc/PID/maps and the VMA lines\n"
	      "of /proc/PID/status with mmkit's after each call (docs/SHADOW.md).\n"
	      "  --trace              narrate what mmkit did for each mirrored call\n"
	      "  --every-call         compare after every mirrored call (default)\n"
	      "  --at-exec-and-exit   compare only after each exec and before each exit\n"
	      "  --fail-after N       (testing shadow) after N more allocations every one of\n"
	      "                       mmkit's fails, from the program's first exec on\n"
	      "Exit status: 0 no difference, 1 a difference, 2 usage, 3 a call shadow cannot\n"
	      "follow or a program it could not start.\n",
	      f);
}

/* ---- Memory of a tracee --------------------------------------------------- */

int sh_peek(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? -errno : -EFAULT;
}

int sh_peek_string(pid_t tid, uint64_t addr, char *buf, size_t cap)
{
	size_t got = 0;
	while (got + 1 < cap) {
		/* Never read across a page boundary in one go: the next page may
		 * not be mapped although the string ends before it. */
		size_t room = 4096 - ((addr + got) & 4095);
		if (room > cap - 1 - got)
			room = cap - 1 - got;
		int err = sh_peek(tid, addr + got, buf + got, room);
		if (err)
			return err;
		char *nul = memchr(buf + got, 0, room);
		if (nul)
			return 0;
		got += room;
	}
	buf[cap - 1] = 0;
	return -ENAMETOOLONG;
}

/* ---- Tasks and spaces ------------------------------------------------------ */

static struct sh_task *task_find(struct shadow *sh, pid_t tid)
{
	for (size_t i = 0; i < sh->ntasks; i++)
		if (sh->tasks[i]->tid == tid)
			return sh->tasks[i];
	return NULL;
}

static struct sh_task *task_new(struct shadow *sh, pid_t tid)
{
	if (sh->ntasks == sh->cap) {
		sh->cap = sh->cap ? sh->cap * 2 : 16;
		sh->tasks = realloc(sh->tasks, sh->cap * sizeof(*sh->tasks));
		if (!sh->tasks) {
			fputs("mmkit: out of memory\n", stderr);
			exit(1);
		}
	}
	struct sh_task *t = calloc(1, sizeof(*t));
	if (!t) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	t->tid = t->tgid = tid;
	sh->tasks[sh->ntasks++] = t;
	return t;
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **s = v; *s; s++)
		free(*s);
	free(v);
}

static void task_free(struct shadow *sh, struct sh_task *t)
{
	for (size_t i = 0; i < sh->ntasks; i++) {
		if (sh->tasks[i] == t) {
			sh->tasks[i] = sh->tasks[--sh->ntasks];
			break;
		}
	}
	free(t->exec_path);
	strv_free(t->exec_argv);
	strv_free(t->exec_envp);
	free(t);
}

struct sh_space *sh_space_new(struct shadow *sh, mmk_proc *p)
{
	struct sh_space *sp = calloc(1, sizeof(*sp));
	if (!sp) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	sp->p = p;
	return sp;
}

/* Drops one user of sp; the last one exits its mmk_proc. */
static void space_put(struct sh_space *sp)
{
	if (--sp->users > 0)
		return;
	if (sp->p)
		mmk_exit(sp->p);
	sh_fds_free(sp);
	free(sp);
}

static void resume(pid_t tid, int sig)
{
	sh_ptrace(PTRACE_SYSCALL, tid, 0, (unsigned long)sig);
}

/* Gives the space to the next task held at a mirrored call's entry, if
 * any, and resumes it. */
static void space_release(struct shadow *sh, struct sh_space *sp)
{
	struct sh_task *next = NULL;
	sp->active = 0;
	for (size_t i = 0; i < sh->ntasks; i++) {
		struct sh_task *w = sh->tasks[i];
		if (w->sp == sp && w->held && (!next || w->held_since < next->held_since))
			next = w;
	}
	if (!next)
		return;
	next->held = false;
	sp->active = next->tid;
	if (sh_call_enter(sh, next) == 0)
		resume(next->tid, 0);
}

void sh_cannot_follow(struct shadow *sh, const struct sh_task *t, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "shadow: cannot follow the program (task %d): ", t ? (int)t->tid : 0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	sh->failed = 2;
}

/* ---- The mmkit system -------------------------------------------------------- */

static uint64_t read_sysctl(const char *path, uint64_t dflt)
{
	FILE *f = fopen(path, "r");
	unsigned long long v;
	if (!f)
		return dflt;
	if (fscanf(f, "%llu", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

/* A "Key:   N kB" line of /proc/meminfo, in bytes (0 if missing). */
static uint64_t meminfo_bytes(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	uint64_t v = 0;
	size_t n = strlen(key);
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			v = strtoull(line + n + 1, NULL, 10) * 1024;
			break;
		}
	}
	fclose(f);
	return v;
}

/* Whether this process (and so the program, which inherits it) has
 * capability cap in its effective set. */
static bool have_cap(int cap)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	bool yes = false;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "CapEff:", 7) == 0) {
			unsigned long long eff = strtoull(line + 7, NULL, 16);
			yes = (eff >> cap) & 1;
		}
	}
	fclose(f);
	return yes;
}

static uint64_t soft_limit(int res)
{
	struct rlimit r;
	if (getrlimit(res, &r) != 0 || r.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return r.rlim_cur;
}

/* A zero from the host is a real zero for fields where 0 means default. */
static uint64_t cfg_value(uint64_t v)
{
	return v ? v : MMK_CFG_ZERO;
}

/* Whether the host kernel names anonymous memory (CONFIG_ANON_VMA_NAME):
 * a PR_SET_VMA_ANON_NAME on a page of shadow's own says. */
static bool host_names_anon_memory(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return true;
	int ok = prctl(0x53564d41 /* PR_SET_VMA */, 0 /* _ANON_NAME */, (unsigned long)p, 4096UL,
		       (unsigned long)"probe") == 0;
	munmap(p, 4096);
	return ok;
}

/* Creates the system, configured as the host runs the program: limits
 * (inherited by it from shadow), vm sysctls, capabilities. */
static int system_create(struct shadow *sh)
{
	struct mmk_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.root = "/";
	cfg.ram_bytes = 1ULL << 30;
	cfg.max_map_count = read_sysctl("/proc/sys/vm/max_map_count", 65530);
	cfg.mmap_min_addr = read_sysctl("/proc/sys/vm/mmap_min_addr", 4096);
	cfg.stack_rlimit = soft_limit(RLIMIT_STACK);
	cfg.memlock_rlimit = soft_limit(RLIMIT_MEMLOCK);
	cfg.as_rlimit = soft_limit(RLIMIT_AS);
	cfg.data_rlimit = soft_limit(RLIMIT_DATA);
	cfg.cap_ipc_lock = have_cap(14);  /* CAP_IPC_LOCK */
	cfg.cap_sys_rawio = have_cap(17); /* CAP_SYS_RAWIO */
	cfg.cap_sys_admin = have_cap(21); /* CAP_SYS_ADMIN */
	cfg.overcommit_memory = (int)read_sysctl("/proc/sys/vm/overcommit_memory", 0);
	cfg.overcommit_ratio = cfg_value(read_sysctl("/proc/sys/vm/overcommit_ratio", 50));
	cfg.overcommit_kbytes = read_sysctl("/proc/sys/vm/overcommit_kbytes", 0);
	cfg.admin_reserve_kbytes =
	    cfg_value(read_sysctl("/proc/sys/vm/admin_reserve_kbytes", 8192));
	cfg.user_reserve_kbytes =
	    cfg_value(read_sysctl("/proc/sys/vm/user_reserve_kbytes", 131072));
	cfg.no_anon_vma_name = !host_names_anon_memory();
	cfg.commit_ram_bytes = meminfo_bytes("MemTotal");
	cfg.commit_swap_bytes = cfg_value(meminfo_bytes("SwapTotal"));
	sh->cfg_stack_rlimit = cfg.stack_rlimit;
	sh->cfg_data_rlimit = cfg.data_rlimit;
	sh->cfg_as_rlimit = cfg.as_rlimit;
	sh->cfg_memlock_rlimit = cfg.memlock_rlimit;
	int err = mmk_system_create(&cfg, &sh->sys);
	if (err < 0) {
		fprintf(stderr, "mmkit shadow: cannot create the mmkit system: %s\n",
			strerror(-err));
		return err;
	}
	return 0;
}

/* ---- The traced child ----------------------------------------------------------- */

#define SH_PTRACE_OPTIONS                                                                          \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |  \
	 PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)

/* Executes PROG as execvp does, but a relative PROG with a slash
 * (./a.out) by its absolute path: mmkit resolves exec paths from its root
 * "/", so the program's own first exec needs no working directory (its
 * argv[0] stays as given; the file name on its stack, AT_EXECFN, is the
 * absolute path). */
static void exec_program(char **argv)
{
	char cwd[4096], *abs;
	if (strchr(argv[0], '/') && argv[0][0] != '/' && getcwd(cwd, sizeof(cwd)) &&
	    asprintf(&abs, "%s/%s", strcmp(cwd, "/") ? cwd : "", argv[0]) > 0) {
		execv(abs, argv);
		return;
	}
	execvp(argv[0], argv);
}

/* Forks the program, stopped before its execvp, and seizes it.  Returns
 * its pid, or -errno after a message. */
static pid_t start_child(char **argv)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int pers = personality(0xffffffff);
		if (pers == -1 || personality((unsigned long)pers | ADDR_NO_RANDOMIZE) == -1 ||
		    prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) {
			fprintf(stderr, "mmkit shadow: cannot turn ASLR and THP off: %s\n",
				strerror(errno));
			_exit(127);
		}
		raise(SIGSTOP);
		exec_program(argv);
		fprintf(stderr, "mmkit shadow: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "mmkit shadow: the child did not stop before exec\n");
		return -ECHILD;
	}
	if (sh_ptrace(PTRACE_SEIZE, pid, 0, SH_PTRACE_OPTIONS) != 0) {
		int err = errno;
		fprintf(stderr, "mmkit shadow: cannot trace the program (ptrace: %s)\n",
			strerror(err));
		kill(pid, SIGKILL);
		return -err;
	}
	kill(pid, SIGCONT);
	return pid;
}

/* Kills every task still traced (the run stops at a difference). */
static void kill_all(struct shadow *sh)
{
	for (size_t i = 0; i < sh->ntasks; i++)
		kill(sh->tasks[i]->tid, SIGKILL);
}

/* ---- Stops ------------------------------------------------------------------------ */

/* A task whose creator's clone event and first stop have both been seen
 * starts running; its new space (a fork) is compared first. */
static int task_start(struct shadow *sh, struct sh_task *t)
{
	t->seen_stop = false;
	t->started = true;
	if (sh->mode == SH_EVERY_CALL && t->sp->users == 1 && sh_compare(sh, t, "fork child"))
		return 1;
	resume(t->tid, 0);
	return 0;
}

/* The clone flags of the call t is stopped in (fork, vfork, clone, clone3). */
static uint64_t clone_flags(struct sh_task *t, int event)
{
	uint64_t flags = 0;
	if (t->call.nr == 56) { /* clone */
		flags = t->call.args[0];
	} else if (t->call.nr == 435) { /* clone3: struct clone_args.flags first */
		if (sh_peek(t->tid, t->call.args[0], &flags, sizeof(flags)) != 0)
			flags = 0;
	}
	if (event == PTRACE_EVENT_VFORK)
		flags |= CLONE_VM | CLONE_VFORK;
	return flags;
}

/* PTRACE_EVENT_FORK/VFORK/CLONE in the creator t: gives the new task its
 * space. */
static int clone_event(struct shadow *sh, struct sh_task *t, int event)
{
	unsigned long msg = 0;
	sh_ptrace(PTRACE_GETEVENTMSG, t->tid, 0, (unsigned long)&msg);
	pid_t ntid = (pid_t)msg;
	struct sh_task *nt = task_find(sh, ntid);
	if (!nt)
		nt = task_new(sh, ntid);
	uint64_t flags = clone_flags(t, event);
	nt->tgid = (flags & CLONE_THREAD) ? t->tgid : ntid;
	nt->stack_rlimit = t->stack_rlimit;
	if (flags & CLONE_VM) {
		nt->sp = t->sp;
		nt->sp->users++;
		sh_history_add(sh, t, ntid, 0);
	} else {
		mmk_proc *child = NULL;
		int r = mmk_fork(t->sp->p, &child);
		sh_history_add(sh, t, ntid, r);
		if (r < 0) {
			sh_result_differs(sh, t, ntid, r);
			return 1;
		}
		nt->sp = sh_space_new(sh, child);
		nt->sp->users = 1;
		nt->sp->foreign = t->sp->foreign;
		nt->sp->files_tgid = nt->tgid;
		if (t->sp->files_tgid == t->tgid)
			sh_fds_copy(nt->sp, t->sp);
	}
	sh->calls++;
	/* The fork's turn ends here: a vfork parent now waits for its child. */
	if (t->mirrored && t->sp->active == t->tid) {
		t->mirrored = false;
		space_release(sh, t->sp);
	}
	if (nt->seen_stop)
		return task_start(sh, nt);
	return 0;
}

/* PTRACE_EVENT_EXEC: *tp has a new image.  When a thread other than the
 * leader exec'd, it took over the leader's tid: *tp becomes its record
 * (the leader's is freed). */
static int exec_event(struct shadow *sh, struct sh_task **tp)
{
	struct sh_task *t = *tp;
	unsigned long msg = 0;
	sh_ptrace(PTRACE_GETEVENTMSG, t->tid, 0, (unsigned long)&msg);
	pid_t former = (pid_t)msg;
	if (former != t->tid) {
		/* A non-leader thread exec'd: it now has the leader's tid, and
		 * the leader is gone without an exit report (ptrace(2)). */
		struct sh_task *x = task_find(sh, former);
		if (x) {
			pid_t tid = t->tid;
			if (t->sp)
				space_put(t->sp);
			t->sp = NULL;
			task_free(sh, t);
			t = *tp = x;
			t->tid = tid;
			if (t->sp && t->sp->active == former)
				t->sp->active = tid;
		}
	}
	/* Every other thread of the group is dead (de_thread). */
	for (size_t i = 0; i < sh->ntasks; i++) {
		struct sh_task *o = sh->tasks[i];
		if (o != t && o->tgid == t->tgid && o->sp) {
			if (o->sp->active == o->tid)
				o->sp->active = 0;
			o->held = false;
			space_put(o->sp);
			o->sp = NULL;
		}
	}
	if (t->sp && t->sp->users > 1) {
		/* A vfork child (or CLONE_VM sibling) leaves the shared mm for
		 * a new one of its own. */
		struct sh_space *old = t->sp;
		mmk_proc *np;
		int err = mmk_spawn(sh->sys, &np);
		if (err < 0) {
			sh_cannot_follow(sh, t, "mmk_spawn: %s", strerror(-err));
			return 1;
		}
		t->sp = sh_space_new(sh, np);
		t->sp->users = 1;
		t->sp->active = t->tid;
		if (old->active == t->tid)
			space_release(sh, old);
		space_put(old);
	}
	/* t stays `mirrored`: its execve's exit stop compares the new image. */
	int r = sh_call_exec_event(sh, t);
	if (t->sp && t->sp->active == t->tid)
		space_release(sh, t->sp);
	return r;
}

/* PTRACE_EVENT_EXIT: the last task of a space is about to drop its mm;
 * compare it one last time. */
static int exit_event(struct shadow *sh, struct sh_task *t)
{
	if (!t->sp || t->sp->foreign || t->sp->users != 1)
		return 0;
	if (t->sp->active && t->sp->active != t->tid)
		return 0;
	return sh_compare(sh, t, "exit");
}

/* The task is gone (its wait status is st). */
static void task_gone(struct shadow *sh, struct sh_task *t, int st)
{
	if (t->tid == sh->root_tid)
		sh->root_status = st;
	if (t->sp) {
		struct sh_space *sp = t->sp;
		t->sp = NULL;
		if (sp->active == t->tid)
			space_release(sh, sp);
		space_put(sp);
	}
	task_free(sh, t);
}

/* A syscall-entry or -exit stop. Returns nonzero to stop the run. */
static int syscall_stop(struct shadow *sh, struct sh_task *t)
{
	struct ptrace_syscall_info info;
	memset(&info, 0, sizeof(info));
	if (sh_ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info), (unsigned long)&info) <= 0) {
		sh_cannot_follow(sh, t, "PTRACE_GET_SYSCALL_INFO failed: %s", strerror(errno));
		return 1;
	}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		if (info.arch != AUDIT_ARCH_X86_64) {
			sh_cannot_follow(sh, t,
					 "a 32-bit system call (nr %llu, arch %#x): only "
					 "x86-64 programs are followed",
					 (unsigned long long)info.entry.nr, info.arch);
			return 1;
		}
		if (info.entry.nr & 0x40000000) {
			sh_cannot_follow(sh, t, "an x32 system call (nr %#llx)",
					 (unsigned long long)info.entry.nr);
			return 1;
		}
		t->in_call = true;
		t->call.nr = (int)info.entry.nr;
		for (int i = 0; i < 6; i++)
			t->call.args[i] = info.entry.args[i];
		t->mirrored = t->sp && sh_call_mirrored(&t->call);
		if (t->mirrored) {
			if (t->sp->active && t->sp->active != t->tid) {
				t->held = true;
				t->held_since = ++sh->holds;
				return 0;
			}
			t->sp->active = t->tid;
			if (sh_call_enter(sh, t) != 0)
				return 1;
		}
		resume(t->tid, 0);
		return 0;
	}
	if (info.op == PTRACE_SYSCALL_INFO_EXIT && t->in_call) {
		t->in_call = false;
		if (t->mirrored) {
			t->mirrored = false;
			int64_t rval = info.exit.rval;
			/* -ERESTARTSYS..-ERESTART_RESTARTBLOCK: the call did not happen
			 * and will be made again. */
			int r = (rval <= -512 && rval >= -516) ? 0 : sh_call_exit(sh, t, rval);
			if (t->sp && t->sp->active == t->tid)
				space_release(sh, t->sp);
			if (r)
				return 1;
		}
	}
	resume(t->tid, 0);
	return 0;
}

/* A PTRACE_EVENT_* stop. */
static int event_stop(struct shadow *sh, struct sh_task *t, int event)
{
	int r = 0;
	switch (event) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		r = t->sp ? clone_event(sh, t, event) : 0;
		break;
	case PTRACE_EVENT_EXEC:
		r = exec_event(sh, &t);
		break;
	case PTRACE_EVENT_EXIT:
		r = exit_event(sh, t);
		break;
	default:
		break;
	}
	if (r)
		return 1;
	if (t)
		resume(t->tid, 0);
	return 0;
}

/* Waits for and handles stops until every task is gone or the run must
 * stop.  Returns 0 or nonzero (a difference or a call not followed). */
static int trace_loop(struct shadow *sh)
{
	while (sh->ntasks > 0) {
		int st;
		pid_t tid = waitpid(-1, &st, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		struct sh_task *t = task_find(sh, tid);
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (t)
				task_gone(sh, t, st);
			if (sh->failed)
				return 1;
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		int sig = WSTOPSIG(st), event = (unsigned)st >> 16;
		if (!t) {
			/* A new task ahead of its creator's clone event. */
			t = task_new(sh, tid);
			t->seen_stop = true;
			continue;
		}
		int r = 0;
		if (sig == (SIGTRAP | 0x80)) {
			r = syscall_stop(sh, t);
		} else if (event == PTRACE_EVENT_STOP) {
			if (!t->sp)
				t->seen_stop = true; /* starts at its creator's event */
			else if (!t->started && t->tid != sh->root_tid)
				r = task_start(sh, t);
			else if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
				 sig == SIGTTOU)
				/* A group-stop: the program stays stopped until
				 * SIGCONT, as it would untraced. */
				sh_ptrace(PTRACE_LISTEN, tid, 0, 0);
			else
				resume(tid, 0);
		} else if (sig == SIGTRAP && event) {
			r = event_stop(sh, t, event);
		} else {
			resume(tid, sig); /* a signal for the program */
		}
		if (r || sh->failed)
			return 1;
	}
	return 0;
}

/* The image of shadow's own vdso, which the program's is: the vdso is the
 * kernel's and the same in every process of the host. */
static void find_vdso(struct shadow *sh)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	if (!f || !base)
		goto out;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2 &&
		    lo == base) {
			sh->vdso = malloc(hi - lo);
			if (sh->vdso) {
				memcpy(sh->vdso, (void *)lo, hi - lo);
				sh->vdso_len = hi - lo;
			}
		}
	}
out:
	if (f)
		fclose(f);
}

enum { SO_END, SO_TRACE, SO_EVERY_CALL, SO_AT_EXEC_AND_EXIT, SO_FAIL_AFTER };
static const struct opt shadow_opts[] = {
    [SO_END] = {"--", false},
    [SO_TRACE] = {"--trace", false},
    [SO_EVERY_CALL] = {"--every-call", false},
    [SO_AT_EXEC_AND_EXIT] = {"--at-exec-and-exit", false},
    [SO_FAIL_AFTER] = {"--fail-after", true},
    {NULL, false},
};

int cmd_shadow(int argc, char **argv)
{
	struct shadow sh;
	memset(&sh, 0, sizeof(sh));
	sh.fail_after = -1;
	sh.mode = SH_EVERY_CALL;
	int64_t fail_after = -1;
	struct opts o = OPTS_INIT(argc, argv);
	const char *v;
	int i, k;
	/* The options end at "--" or at the program, the first operand. */
	while ((k = opts_next(&o, shadow_opts, &v)) != OPT_END && k != SO_END) {
		if (k == SO_TRACE) {
			sh.trace = true;
		} else if (k == SO_EVERY_CALL) {
			sh.mode = SH_EVERY_CALL;
		} else if (k == SO_AT_EXEC_AND_EXIT) {
			sh.mode = SH_AT_EXEC_AND_EXIT;
		} else if (k == SO_FAIL_AFTER) {
			char *end;
			fail_after = strtoll(v, &end, 10);
			if (*end || fail_after < 0) {
				fprintf(stderr, "mmkit shadow: bad --fail-after count '%s'\n", v);
				return 2;
			}
		} else if (k == OPT_HELP) {
			usage(stdout);
			return 0;
		} else if (k == OPT_BAD) {
			opts_complain("mmkit shadow", v, shadow_opts);
			usage(stderr);
			return 2;
		} else { /* OPT_ARG: the program */
			o.i--;
			break;
		}
	}
	i = o.i;
	if (i >= argc) {
		fprintf(stderr, "mmkit shadow: no program given\n");
		usage(stderr);
		return 2;
	}
	find_vdso(&sh);
	sh_faults_init();
	if (system_create(&sh) < 0)
		return 3;
	sh_trace_install(&sh);
	if (sh.vdso && mmk_set_vdso(sh.sys, sh.vdso, sh.vdso_len) < 0)
		fprintf(stderr, "mmkit shadow: warning: mmkit refused the host's vdso image\n");
	mmk_proc *p;
	if (mmk_spawn(sh.sys, &p) < 0) {
		fprintf(stderr, "mmkit shadow: cannot create the mmkit process\n");
		return 3;
	}
	fflush(NULL);
	if (fail_after >= 0) /* after the program's exec: shadow's own setup counts not */
		sh.fail_after = fail_after;
	pid_t pid = start_child(argv + i);
	if (pid < 0) {
		mmk_exit(p);
		mmk_system_destroy(sh.sys);
		return 3;
	}
	sh.root_tid = pid;
	struct sh_task *t = task_new(&sh, pid);
	t->sp = sh_space_new(&sh, p);
	t->sp->users = 1;
	t->sp->foreign = true; /* shadow's own image until the first exec */
	t->sp->files_tgid = pid;
	t->stack_rlimit = sh.cfg_stack_rlimit;
	int r = trace_loop(&sh);
	if (r || sh.failed)
		kill_all(&sh);
	while (sh.ntasks > 0) { /* reap what is left, killed */
		int st;
		pid_t tid = waitpid(-1, &st, __WALL);
		if (tid < 0)
			break;
		struct sh_task *x = task_find(&sh, tid);
		if (WIFSTOPPED(st)) /* PTRACE_EVENT_EXIT of a killed task */
			sh_ptrace(PTRACE_CONT, tid, 0, 0);
		else if (x)
			task_gone(&sh, x, st);
	}
	mmk_system_destroy(sh.sys);
	free(sh.vdso);
	free(sh.tasks);
	if (sh.failed == 2)
		return 3;
	if (sh.failed || r) {
		fprintf(stderr, "shadow: %llu calls mirrored, %llu maps compared, 1 difference\n",
			(unsigned long long)sh.calls, (unsigned long long)sh.compares);
		return 1;
	}
	if (sh.compares == 0) {
		/* Nothing was compared: PROG never ran (not found, not
		 * executable), so no claim of agreement can be made. */
		fprintf(stderr, "shadow: %s was never executed: nothing compared\n", argv[i]);
		return 3;
	}
	if (WIFSIGNALED(sh.root_status))
		fprintf(stderr, "shadow: the program was killed by signal %d\n",
			WTERMSIG(sh.root_status));
	else if (WEXITSTATUS(sh.root_status))
		fprintf(stderr, "shadow: the program exited with status %d\n",
			WEXITSTATUS(sh.root_status));
	fprintf(stderr, "shadow: %llu calls mirrored, %llu maps compared, 0 differences\n",
		(unsigned long long)sh.calls, (unsigned long long)sh.compares);
	return 0;
}
