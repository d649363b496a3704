/*
 * tracee.c - a script process that runs a program (`P: exec PATH ARGS...`)
 * on the Linux backend: the server forks a child that execs the program
 * under ptrace and stays stopped where execve(2) left it, before its first
 * instruction; from then on the server does every operation of the script
 * process to that child, from outside.
 *
 *   exec     fork; the child: the channel closed, the data pipes at
 *            TR_LOAD_FD/TR_STORE_FD, a new user namespace and chroot into
 *            the run directory (so PATH and the program's interpreter
 *            resolve beneath it, as mmkit's exec resolves them), then
 *            PTRACE_TRACEME, SIGSTOP, execve; the fault counters' baseline
 *            is taken at execve's entry stop (later faults are exec's and
 *            the script's).  The server then fetches the gadget
 *            (exec_gadget.h) by making one call, closes the script's fds
 *            (the child has them), unmaps the script's old mappings (gone
 *            with the old image) and answers.  Each operation that makes
 *            calls fetches it once more first (a getpid): its fault is the
 *            operation's result, as the mmkit backend's mmk_fetch is.
 *   calls    system call injection: the registers saved, rax/rdi.. set to
 *            the call, rip at the gadget, PTRACE_SYSCALL to the call's
 *            entry and again to its exit, rax read, the registers
 *            restored.  The CPU fetches the instruction as it would for
 *            the program (a fault counted in the child; a signal-delivery
 *            stop instead of the entry if the fetch fails, its signal the
 *            operation's result and never delivered).  The child is never
 *            resumed but at the gadget, so the program never runs.
 *   access   done by the child's kernel, so that faults, permissions and
 *            stack growth are the CPU's: a load is write(TR_LOAD_FD, addr,
 *            n) into a pipe the server drains; a store or fill is the
 *            server's bytes written into a pipe and read(TR_STORE_FD,
 *            addr, n); a read touch is a 1-byte load; a write touch is
 *            FUTEX_WAKE_OP with FUTEX_OP_OR 0, an atomic read-modify-write
 *            of the page's aligned word (one write fault, contents kept,
 *            as access.c's locked OR; outside every VMA, where only a
 *            store would grow a stack, a store of 0).  A copy that stops short is redone
 *            a page at a time to find the faulting page; the signal it
 *            would have raised is read from the VMA there (classify()).
 *   files    read, write, pread, pwrite, ftruncate, fsync, fadvise run in
 *            the server on a copy of the child's fd (pidfd_getfd: the same
 *            open file description, so the position moves for both);
 *            close and dup are injected; unlink, mkdir and rmdir are the
 *            server's own.
 *   views    /proc/PID/{maps,smaps,status} of the child (views.c with
 *            srv->procdir), nothing hidden.
 *
 * What cannot be done to it (open, mincore, name, pagemap, exec, fork:
 * they need memory of the server's in the child, or another tracer) the
 * driver refuses on both backends alike (driver.c, refused_in_image).
 *
 * Invariants once srv->tracee is set: the child is stopped in a ptrace
 * stop between requests, with its own registers; srv->nhidden is 0 (the
 * views show all of the child); the server's own fds are 0-2, the channel
 * and the TR_* pipes at SRV_TR_FD and above.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "beneath.h"
#include "exec_gadget.h"
#include "mmkit.h"
#include "server.h"

/* The child's ends of the data pipes (high, like the channel: a script's
 * open() never meets them). */
#define TR_LOAD_FD  1001
#define TR_STORE_FD 1002
/* The server's own ends and copies live at and above this fd. */
#define SRV_TR_FD 1010
/* The largest piece one injected read or write moves (the pipes hold it). */
#define TR_CHUNK     (64u << 10)
#define TR_PIPE_SIZE (256u << 10)

static int waitstop(pid_t pid, int *status)
{
	int r;

	do {
		r = (int)waitpid(pid, status, __WALL);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/* Makes one system call in the child: its result (-errno on failure). */
static int64_t inject(struct server *s, long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		      uint64_t a4, uint64_t a5)
{
	struct user_regs_struct saved, r;
	int st;

	if (ptrace(PTRACE_GETREGS, s->tracee, 0, &saved) < 0)
		return -ESRCH;
	r = saved;
	r.rax = (uint64_t)nr;
	r.orig_rax = (uint64_t)-1;
	r.rdi = a0;
	r.rsi = a1;
	r.rdx = a2;
	r.r10 = a3;
	r.r8 = a4;
	r.r9 = a5;
	r.rip = s->gadget;
	s->fetch_fault.signo = 0;
	if (ptrace(PTRACE_SETREGS, s->tracee, 0, &r) < 0 ||
	    ptrace(PTRACE_SYSCALL, s->tracee, 0, 0) < 0 || waitstop(s->tracee, &st) < 0 ||
	    !WIFSTOPPED(st))
		return -ESRCH;
	if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
		/* at the call's entry: on to its exit */
		if (ptrace(PTRACE_SYSCALL, s->tracee, 0, 0) < 0 || waitstop(s->tracee, &st) < 0 ||
		    !WIFSTOPPED(st))
			return -ESRCH;
	}
	if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
		/* the fetch of the gadget faulted: its signal, never delivered
		 * (the next resume passes none) */
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		ptrace(PTRACE_GETSIGINFO, s->tracee, 0, &si);
		s->fetch_fault.signo = WSTOPSIG(st);
		s->fetch_fault.code = si.si_code;
		s->fetch_fault.addr = (uint64_t)(uintptr_t)si.si_addr;
		ptrace(PTRACE_SETREGS, s->tracee, 0, &saved);
		return -EFAULT;
	}
	if (ptrace(PTRACE_GETREGS, s->tracee, 0, &r) < 0)
		return -ESRCH;
	ptrace(PTRACE_SETREGS, s->tracee, 0, &saved);
	return (int64_t)r.rax;
}

/* Minor and major faults of the child so far (/proc/PID/stat fields 10
 * and 12). */
static int child_faults(struct server *s, uint64_t *minor, uint64_t *major)
{
	char path[64];
	struct obuf ob;
	const char *p;
	int64_t n;

	ob_init(&ob, path, sizeof(path) - 1);
	ob_puts(&ob, s->procdir);
	ob_puts(&ob, "/stat");
	path[ob.len] = '\0';
	n = read_file(path, s->raw, sizeof(s->raw));
	if (n < 0)
		return (int)n;
	p = strrchr(s->raw, ')');
	if (!p)
		return -EIO;
	p += 2; /* field 3, the state */
	for (int field = 3; field < 10; field++) {
		while (*p && *p != ' ')
			p++;
		if (*p)
			p++;
	}
	*minor = parse_dec(&p);
	parse_dec(&p); /* cminflt */
	*major = parse_dec(&p);
	return 0;
}

/* The child's side of exec, with argv PATH ARGS... (args NUL-separated):
 * never returns.  The child may allocate: its memory is about to go. */
static void child_exec(struct server *s, int lfd, int sfd, const char *path,
		       const unsigned char *args, size_t argslen)
{
	/* Everything execve reads is in memory the child has written (its
	 * stack, its heap, the server's bss): a page of the server's binary
	 * would be faulted in by the read, a fault exec's count would show. */
	char *env[1] = {NULL};
	size_t argc = 1;
	char **argv;

	for (size_t i = 0; i < argslen; i++)
		argc += args[i] == 0;
	argv = malloc((argc + 1) * sizeof(*argv));
	if (!argv)
		_exit(ENOMEM);
	argv[0] = (char *)path;
	argc = 1;
	for (size_t i = 0; i < argslen; i += strlen((const char *)args + i) + 1)
		argv[argc++] = (char *)args + i;
	argv[argc] = NULL;

	if (dup2(lfd, TR_LOAD_FD) < 0 || dup2(sfd, TR_STORE_FD) < 0)
		_exit(EBADF);
	close(s->chan);
	/* Resolve PATH and PT_INTERP beneath the run directory, as mmkit does
	 * (a user namespace gives the right to chroot and nothing else). */
	if (unshare(CLONE_NEWUSER) < 0 || chroot(".") < 0 || chdir("/") < 0)
		_exit(EPERM);
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(EPERM);
	raise(SIGSTOP);
	execve(path, argv, env);
	_exit(errno);
}

/* Runs the stopped child to the entry stop of its execve (what it does
 * before is the server's image's work, not the script's); *st is the last
 * wait status (not a stop if the child ended). */
static void to_execve_entry(pid_t pid, int *st)
{
	struct user_regs_struct r;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, 0, 0) < 0 || waitstop(pid, st) < 0 ||
		    !WIFSTOPPED(*st))
			return;
		if (WSTOPSIG(*st) == (SIGTRAP | 0x80) && ptrace(PTRACE_GETREGS, pid, 0, &r) == 0 &&
		    r.orig_rax == SYS_execve && (int64_t)r.rax == -ENOSYS)
			return;
	}
}

/* Moves fd to the first free fd at or above SRV_TR_FD (close-on-exec). */
static int move_high(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, SRV_TR_FD);

	close(fd);
	return h;
}

/* Unmaps every mapping of the server's that is not hidden: the script's
 * mappings of the image exec replaced. */
static void drop_old_image(struct server *s)
{
	for (;;) {
		int64_t n = read_file("/proc/self/maps", s->raw, sizeof(s->raw));
		const char *l = s->raw;
		int dropped = 0;

		if (n < 0)
			return;
		while (*l) {
			const char *e = line_end(l);
			struct maps_line ml;

			if (maps_parse(l, e, &ml) && ml.end <= SRV_TASK_SIZE &&
			    !range_hidden(s, ml.start, ml.end)) {
				munmap((void *)(uintptr_t)ml.start, ml.end - ml.start);
				dropped = 1;
				break; /* s->raw is stale now: read it again */
			}
			l = *e ? e + 1 : e;
		}
		if (!dropped)
			return;
	}
}

/* AT_BASE and AT_ENTRY of the child (/proc/PID/auxv). */
static int child_auxv(struct server *s, uint64_t *base, uint64_t *entry)
{
	char path[64];
	struct obuf ob;
	int64_t n;

	ob_init(&ob, path, sizeof(path) - 1);
	ob_puts(&ob, s->procdir);
	ob_puts(&ob, "/auxv");
	path[ob.len] = '\0';
	n = read_file(path, s->raw, sizeof(s->raw));
	if (n < 0)
		return (int)n;
	*base = *entry = 0;
	for (int64_t i = 0; i + 16 <= n; i += 16) {
		uint64_t kv[2];

		memcpy(kv, s->raw + i, sizeof(kv));
		if (kv[0] == 7)
			*base = kv[1];
		else if (kv[0] == 9)
			*entry = kv[1];
	}
	return 0;
}

/* After the child's exec: where its calls are made, and the first call,
 * which fetches the gadget's page (so both backends show it, exec_gadget.h). */
static int adopt_image(struct server *s, const struct exec_gadget *g)
{
	uint64_t base = 0, entry = 0;
	int err = child_auxv(s, &base, &entry);

	if (err)
		return err;
	s->gadget = g->vaddr + (g->in_interp ? base : entry - g->entry);
	return inject(s, SYS_getpid, 0, 0, 0, 0, 0, 0) < 0 ? -ESRCH : 0;
}

int64_t tracee_exec(struct server *s, const char *path, const unsigned char *args, size_t argslen)
{
	int lp[2], sp[2], st = 0, err;
	struct exec_gadget g;
	pid_t pid;
	int found = exec_gadget_find(AT_FDCWD, path, (unsigned char *)s->raw, sizeof(s->raw), &g);

	if (found < 0)
		return found;
	if (pipe2(lp, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(sp, O_CLOEXEC) < 0) {
		err = -errno;
		close(lp[0]);
		close(lp[1]);
		return err;
	}
	fcntl(lp[0], F_SETPIPE_SZ, TR_PIPE_SIZE);
	fcntl(sp[0], F_SETPIPE_SZ, TR_PIPE_SIZE);
	pid = fork();
	if (pid == 0)
		child_exec(s, lp[1], sp[0], path, args, argslen);
	close(lp[1]);
	if (pid < 0 || waitstop(pid, &st) < 0 || !WIFSTOPPED(st)) {
		close(lp[0]);
		close(sp[0]);
		close(sp[1]);
		if (pid > 0 && WIFEXITED(st))
			return -WEXITSTATUS(st);
		return pid < 0 ? -errno : -ECHILD;
	}
	s->tracee = pid;
	{
		struct obuf ob;

		ob_init(&ob, s->procdir, sizeof(s->procdir) - 1);
		ob_puts(&ob, "/proc/");
		ob_putu(&ob, (uint64_t)pid);
		s->procdir[ob.len] = '\0';
	}
	ptrace(PTRACE_SETOPTIONS, pid, 0,
	       PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD);
	/* the baseline at execve's entry: exec's own faults are the script's */
	to_execve_entry(pid, &st);
	child_faults(s, &s->base_minflt, &s->base_majflt);
	if (WIFSTOPPED(st)) {
		ptrace(PTRACE_SYSCALL, pid, 0, 0);
		waitstop(pid, &st);
	}
	if (!WIFSTOPPED(st) || (st >> 8) != (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
		/* execve failed: the child exits with its errno; the old
		 * image stays */
		while (WIFSTOPPED(st) && ptrace(PTRACE_CONT, pid, 0, 0) == 0 &&
		       waitstop(pid, &st) == 0)
			;
		s->tracee = 0;
		strcpy(s->procdir, "/proc/self");
		close(lp[0]);
		close(sp[0]);
		close(sp[1]);
		return WIFEXITED(st) ? -WEXITSTATUS(st) : -ECHILD;
	}
	if (found) {
		/* it ran something with no gadget found: never let it run */
		kill(pid, SIGKILL);
		waitstop(pid, &st);
		s->tracee = 0;
		strcpy(s->procdir, "/proc/self");
		close(lp[0]);
		close(sp[0]);
		close(sp[1]);
		return -ENOEXEC;
	}
	/* to the syscall-exit stop of execve: registers settled */
	ptrace(PTRACE_SYSCALL, pid, 0, 0);
	waitstop(pid, &st);
	s->load_fd = move_high(lp[0]);
	s->store_fd = move_high(sp[1]);
	s->store_rd = move_high(sp[0]);
	s->pidfd = move_high((int)syscall(SYS_pidfd_open, pid, 0));
	for (int fd = 3; fd < SRV_TR_FD; fd++)
		if (fd != s->chan)
			close(fd);
	drop_old_image(s);
	s->nhidden = 0;
	s->stack_growth.start = s->stack_growth.end = 0; /* the program's stack is its own */
	return adopt_image(s, &g);
}

/* ---- access ------------------------------------------------------------- */

/* Reads exactly n bytes from the server's end of a pipe (they are there). */
static void drain(int fd, unsigned char *to, uint64_t n)
{
	static unsigned char sink[4096];

	while (n) {
		size_t k = to ? (size_t)n : (n < sizeof(sink) ? (size_t)n : sizeof(sink));
		ssize_t r = read(fd, to ? to : sink, k);

		if (r <= 0 && errno != EINTR)
			return;
		if (r > 0) {
			n -= (uint64_t)r;
			if (to)
				to += r;
		}
	}
}

/* The child's VMA holding addr, into *ml (its name points into s->raw):
 * 1, or 0 if there is none. */
static int vma_at(struct server *s, uint64_t addr, struct maps_line *ml)
{
	char path[64];
	struct obuf ob;
	const char *l;

	ob_init(&ob, path, sizeof(path) - 1);
	ob_puts(&ob, s->procdir);
	ob_puts(&ob, "/maps");
	path[ob.len] = '\0';
	if (read_file(path, s->raw, sizeof(s->raw)) < 0)
		return 0;
	for (l = s->raw; *l; l = *line_end(l) ? line_end(l) + 1 : line_end(l))
		if (maps_parse(l, line_end(l), ml) && addr >= ml->start && addr < ml->end)
			return 1;
	return 0;
}

/* The signal a CPU access at addr (write or not) that the kernel could not
 * make would have raised, read from the child's VMA there. */
static void classify(struct server *s, uint64_t addr, int write, struct access_fault *f)
{
	char path[64];
	struct obuf ob;
	struct maps_line ml;

	f->addr = addr;
	f->signo = SIGSEGV;
	f->code = SEGV_MAPERR;
	if (addr >= (1ULL << 47) && addr < 0xffff800000000000ULL) {
		/* non-canonical: a #GP, SI_KERNEL and no address */
		f->code = 0x80;
		f->addr = 0;
		return;
	}
	{
		uint64_t pm = 0;

		if (!vma_at(s, addr, &ml))
			return;
		if (write ? ml.perms[1] != 'w'
			  : !strcmp(ml.perms, "---p") || !strcmp(ml.perms, "---s")) {
			f->code = SEGV_ACCERR;
			return;
		}
		if (!write && ml.perms[0] != 'r' && ml.perms[1] != 'w') {
			f->code = 4; /* SEGV_PKUERR: an execute-only key */
			return;
		}
		ob_init(&ob, path, sizeof(path) - 1);
		ob_puts(&ob, s->procdir);
		ob_puts(&ob, "/pagemap");
		path[ob.len] = '\0';
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (pread(fd, &pm, sizeof(pm), (off_t)(addr / SRV_PAGE * 8)) != sizeof(pm))
				pm = 0;
			close(fd);
		}
		if (pm & (1ULL << 58)) /* a guard region: SIGSEGV as no VMA */
			return;
		f->signo = SIGBUS; /* past the end of a file or of huge pages */
		f->code = BUS_ADRERR;
	}
}

/* Bytes from a to the end of its page, at most left. */
static uint64_t page_chunk(uint64_t a, uint64_t left)
{
	uint64_t n = SRV_PAGE - (a & (SRV_PAGE - 1));

	return n < left ? n : left;
}

/* One copy of n bytes at a, by the child: load (into buf) or store (from
 * buf).  Bytes done. */
static uint64_t copy_piece(struct server *s, int load, uint64_t a, unsigned char *buf, uint64_t n)
{
	int64_t r;

	if (load) {
		r = inject(s, SYS_write, TR_LOAD_FD, a, n, 0, 0, 0);
		if (r > 0)
			drain(s->load_fd, buf, (uint64_t)r);
		return r > 0 ? (uint64_t)r : 0;
	}
	if (write(s->store_fd, buf, n) != (ssize_t)n)
		return 0;
	r = inject(s, SYS_read, TR_STORE_FD, a, n, 0, 0, 0);
	if (r < 0)
		r = 0;
	if ((uint64_t)r < n) /* what the child did not take */
		drain(s->store_rd, NULL, n - (uint64_t)r);
	return (uint64_t)r;
}

/* A load or store of len bytes at addr through buf, as access.c's: 0, or
 * -EFAULT with *f, *done bytes done. */
static int copy_range(struct server *s, int load, uint64_t addr, unsigned char *buf, uint64_t len,
		      uint64_t *done, struct access_fault *f)
{
	uint64_t pos = 0;
	int paged = 0;

	while (pos < len) {
		uint64_t a = addr + pos;
		uint64_t n = paged ? page_chunk(a, len - pos)
				   : (len - pos < TR_CHUNK ? len - pos : TR_CHUNK);
		uint64_t got = copy_piece(s, load, a, buf + pos, n);

		if (got == n) {
			pos += n;
			continue;
		}
		if (paged && got == 0) {
			*done = pos;
			classify(s, a, !load, f);
			return -EFAULT;
		}
		pos += got;
		paged = 1;
	}
	*done = len;
	return 0;
}

static void tracee_access(struct server *s, const struct lx_req *q, struct lx_rep *rep)
{
	uint64_t addr = (uint64_t)q->a[0], len = (uint64_t)q->a[1], done = 0;
	struct access_fault f;
	int r = 0;

	memset(&f, 0, sizeof(f));
	switch (q->code) {
	case BK_LOAD:
		if (len > LX_DATA_MAX) {
			r = copy_range(s, 1, addr, s->out, LX_DATA_MAX, &done, &f);
			rep->datalen = done;
			if (!r) {
				rep->ret = -EMSGSIZE;
				rep->datalen = 0;
				return;
			}
			break;
		}
		r = copy_range(s, 1, addr, s->out, len, &done, &f);
		rep->datalen = done;
		break;
	case BK_STORE:
		r = copy_range(s, 0, addr, s->in, q->datalen, &done, &f);
		break;
	case BK_FILL:
		for (uint64_t pos = 0; !r && pos < len;) {
			uint64_t n = len - pos < LX_DATA_MAX ? len - pos : LX_DATA_MAX;

			memset(s->in, (int)q->a[2], (size_t)n);
			r = copy_range(s, 0, addr + pos, s->in, n, &done, &f);
			pos += n;
		}
		break;
	default: /* BK_TOUCH */
		for (uint64_t pos = 0; pos < len; pos += page_chunk(addr + pos, len - pos)) {
			uint64_t a = addr + pos;
			int64_t k;

			if (q->a[2]) {
				uint64_t w = a & ~3ULL;

				struct maps_line ml;
				unsigned char zero = 0;

				k = inject(s, SYS_futex, w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 0,
					   0, w, FUTEX_OP(FUTEX_OP_OR, 0, FUTEX_OP_CMP_EQ, 0));
				/* The futex path does not grow a stack: outside every
				 * VMA, a plain store of 0 does (to a new page: 0
				 * stays), or fails as the CPU's store would. */
				if (k == -EFAULT && !vma_at(s, a, &ml))
					k = copy_piece(s, 0, a, &zero, 1) == 1 ? 0 : -EFAULT;
			} else {
				k = inject(s, SYS_write, TR_LOAD_FD, a, 1, 0, 0, 0);
				if (k == 1)
					drain(s->load_fd, NULL, 1);
			}
			if (k < 0) {
				classify(s, a, q->a[2] != 0, &f);
				r = -EFAULT;
				break;
			}
		}
		break;
	}
	rep->ret = r;
	if (r) {
		rep->signo = f.signo;
		rep->code = f.code;
		rep->addr = f.addr;
	}
}

/* ---- files -------------------------------------------------------------- */

/* The child's fd as one of the server's (the same open file description),
 * or -errno. */
int tracee_fd(struct server *s, int fd)
{
	long r = syscall(SYS_pidfd_getfd, s->pidfd, fd, 0);

	return r < 0 ? -errno : move_high((int)r);
}

/* ---- requests ----------------------------------------------------------- */

void tracee_run_op(struct server *s, const struct lx_req *q, struct lx_rep *rep)
{
	const int64_t *a = q->a;
	const uint64_t *u = (const uint64_t *)q->a;

	/* the fetch of the gadget first, as the CPU's (exec_gadget.h) */
	if (gadget_op(q->code) && inject(s, SYS_getpid, 0, 0, 0, 0, 0, 0) == -EFAULT &&
	    s->fetch_fault.signo) {
		rep->ret = -EFAULT;
		rep->signo = s->fetch_fault.signo;
		rep->code = s->fetch_fault.code;
		rep->addr = s->fetch_fault.addr;
		return;
	}
	switch (q->code) {
	case BK_LOAD:
	case BK_STORE:
	case BK_FILL:
	case BK_TOUCH:
		tracee_access(s, q, rep);
		return;
	case BK_FAULTS: {
		struct bk_faults *f = (struct bk_faults *)s->out;
		uint64_t mi = 0, ma = 0;

		child_faults(s, &mi, &ma);
		f->minor = s->minflt + mi - s->base_minflt;
		f->major = s->majflt + ma - s->base_majflt;
		rep->datalen = sizeof(*f);
		return;
	}
	case BK_MMAP:
		rep->ret = inject(s, SYS_mmap, u[0], u[1], u[2], u[3], u[4], u[5]);
		return;
	case BK_MUNMAP:
		rep->ret = inject(s, SYS_munmap, u[0], u[1], 0, 0, 0, 0);
		return;
	case BK_MPROTECT:
		rep->ret = inject(s, SYS_mprotect, u[0], u[1], u[2], 0, 0, 0);
		return;
	case BK_MREMAP:
		rep->ret = inject(s, SYS_mremap, u[0], u[1], u[2], u[3], u[4], 0);
		return;
	case BK_MSYNC:
		rep->ret = inject(s, SYS_msync, u[0], u[1], u[2], 0, 0, 0);
		return;
	case BK_MADVISE:
		rep->ret = inject(s, SYS_madvise, u[0], u[1], u[2], 0, 0, 0);
		return;
	case BK_MLOCK:
		rep->ret = inject(s, SYS_mlock2, u[0], u[1], u[2], 0, 0, 0);
		return;
	case BK_MUNLOCK:
		rep->ret = inject(s, SYS_munlock, u[0], u[1], 0, 0, 0, 0);
		return;
	case BK_MLOCKALL:
		rep->ret = inject(s, SYS_mlockall, u[0], 0, 0, 0, 0, 0);
		return;
	case BK_MUNLOCKALL:
		rep->ret = inject(s, SYS_munlockall, 0, 0, 0, 0, 0, 0);
		return;
	case BK_BRK:
		rep->ret = inject(s, SYS_brk, u[0], 0, 0, 0, 0, 0);
		return;
	case BK_CLOSE:
		rep->ret = inject(s, SYS_close, u[0], 0, 0, 0, 0, 0);
		return;
	case BK_DUP:
		rep->ret = inject(s, SYS_dup, u[0], 0, 0, 0, 0, 0);
		return;
	case BK_UNLINK:
	case BK_MKDIR:
	case BK_RMDIR: /* paths: the server's own calls, from the same directory */
		rep->ret = server_file_op(s, q, rep);
		return;
	case BK_READ:
	case BK_WRITE:
	case BK_PREAD:
	case BK_PWRITE:
	case BK_FTRUNCATE:
	case BK_FSYNC:
	case BK_FADVISE: {
		/* the server's own file calls, on the child's description */
		struct lx_req c = *q;
		int fd = tracee_fd(s, (int)a[0]);

		if (fd < 0 && fd != -EBADF) {
			rep->ret = fd;
			return;
		}
		/* no such fd in the child: the call on fd -1, so that its
		 * checks before the fd's (a negative offset...) answer first */
		c.a[0] = fd < 0 ? -1 : fd;
		rep->ret = server_file_op(s, &c, rep);
		if (fd >= 0)
			close(fd);
		return;
	}
	default:
		rep->ret = -ENOSYS; /* refused by the driver before it gets here */
		return;
	}
}

void tracee_exit(struct server *s)
{
	int st;

	kill(s->tracee, SIGKILL);
	waitstop(s->tracee, &st);
}
