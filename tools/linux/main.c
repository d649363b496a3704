/*
 * main.c - the Linux backend's server: one script process, for real.
 *
 *   mmkit-linux [--faults=MINOR,MAJOR]
 *
 * Started by the backend with the channel at LX_CHANNEL_FD (proto.h) and
 * fds 0-2 on /dev/null, in the run directory.  It sets itself up
 * (setup.c), says HELLO, then serves requests until EXIT or the end of the
 * channel.  Every script operation is the real system call or the real
 * memory access; the server adds only what the backend cannot do from
 * outside: catching faults (access.c), views without its own mappings
 * (views.c), and paths confined beneath the run directory (beneath.h).
 *
 * A script's `exec PATH` makes the server the driver of a traced child
 * running PATH (tracee.c); from then on requests go there.
 *
 * Page faults are counted the way the script sees them: getrusage() before
 * and after each operation, the differences summed (the server's own work
 * causes none, see server.h); --faults carries the sums across an exec, as
 * a task's counters survive execve on Linux.
 *
 * All state is in one static struct server: it cannot be on the heap (the
 * server never allocates once set up) and is too large for the stack.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "beneath.h"
#include "mmkit.h"
#include "server.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA	     0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

static struct server srv;

/* ---- the channel -------------------------------------------------------- */

/* Sends one reply with its data and text. */
static int send_reply(int fd, const struct lx_rep *rep, const void *data, const void *text)
{
	int err = send_full(fd, rep, sizeof(*rep));

	if (!err && rep->datalen)
		err = send_full(fd, data, rep->datalen);
	if (!err && rep->textlen)
		err = send_full(fd, text, rep->textlen);
	return err;
}

static int send_hello(struct server *s, int64_t ret)
{
	struct lx_rep rep;

	memset(&rep, 0, sizeof(rep));
	rep.ret = ret;
	rep.datalen = sizeof(s->hello);
	return send_reply(s->chan, &rep, &s->hello, NULL);
}

/* Reads a request header, taking the fd a FORK carries (else *fd = -1). */
static int recv_header(int chan, struct lx_req *req, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = {req, sizeof(*req)};
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t r;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = sizeof(cbuf.buf);
	*fd = -1;
	do {
		r = recvmsg(chan, &mh, MSG_CMSG_CLOEXEC);
	} while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r == 0 ? -EPIPE : -errno;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if ((size_t)r < sizeof(*req))
		return read_full(chan, (char *)req + r, sizeof(*req) - (size_t)r);
	return 0;
}

/* Reads one whole request: header, path into s->path, data into s->in. */
static int recv_request(struct server *s, struct lx_req *req, int *fd)
{
	int err = recv_header(s->chan, req, fd);

	if (err)
		return err;
	if (req->pathlen > LX_PATH_MAX || req->datalen > LX_DATA_MAX)
		return -EMSGSIZE;
	err = read_full(s->chan, s->path, req->pathlen);
	if (!err)
		err = read_full(s->chan, s->in, req->datalen);
	s->path[req->pathlen] = '\0';
	return err;
}

/* ---- lifecycle ---------------------------------------------------------- */

/* fork: the child takes over the new channel; both prefault again, since
 * fork write-protected every private page and the child has none of the
 * file pages mapped.  Returns the child's pid in the parent, 0 in the
 * child, or -errno. */
static int64_t do_fork(struct server *s, int newchan)
{
	pid_t pid;

	if (newchan < 0)
		return -EBADF;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(newchan);
		return err;
	}
	if (pid == 0) {
		if (dup2(newchan, LX_CHANNEL_FD) < 0)
			_exit(127);
		close(newchan);
		s->minflt = s->majflt = 0;
		prefault_hidden(s);
		return 0;
	}
	close(newchan);
	prefault_hidden(s);
	return pid;
}

/* Appends "--faults=MIN,MAJ" for the next image. */
static char *faults_arg(struct server *s, char *buf, size_t cap)
{
	struct obuf ob;

	ob_init(&ob, buf, cap - 1);
	ob_puts(&ob, "--faults=");
	ob_putu(&ob, s->minflt);
	ob_puts(&ob, ",");
	ob_putu(&ob, s->majflt);
	buf[ob.len] = '\0';
	return buf;
}

/* exec: the program again, as a fresh image; it answers with HELLO.  Only a
 * failure returns (-errno). */
static int64_t do_exec(struct server *s)
{
	static char fbuf[64];
	static char *const env[] = {NULL};
	char *argv[] = {"mmkit-linux", faults_arg(s, fbuf, sizeof(fbuf)), NULL, NULL};
	struct rlimit da, old;
	int err;

	/* With brk disabled at exec, libc keeps off the heap (setup.c). */
	if (getrlimit(RLIMIT_DATA, &old))
		return -errno;
	da = old;
	da.rlim_cur = 0;
	setrlimit(RLIMIT_DATA, &da);
	execve("/proc/self/exe", argv, env);
	err = -errno;
	setrlimit(RLIMIT_DATA, &old);
	return err;
}

/* ---- operations --------------------------------------------------------- */

static int64_t sys_ret(long r)
{
	return r == -1 ? -errno : r;
}

/* Checks that a reply of n bytes fits. */
static int fits(uint64_t n)
{
	return n <= LX_DATA_MAX;
}

/* n, cut to what a reply can carry. */
static uint64_t min_data(uint64_t n)
{
	return fits(n) ? n : LX_DATA_MAX;
}

/* mincore(2) for a range whose vector would not fit in a reply: run with
 * no vector, so that the kernel's own checks answer (EINVAL, ENOMEM) and
 * only a call that would have written the vector (EFAULT) is this
 * backend's -EMSGSIZE. */
static int64_t mincore_too_long(uint64_t addr, uint64_t len)
{
	int64_t r = sys_ret(mincore((void *)(uintptr_t)addr, (size_t)len, NULL));

	return r == -EFAULT ? -EMSGSIZE : r;
}

/* Runs one access operation; fills rep on a fault. */
static void do_access(struct server *s, const struct lx_req *q, struct lx_rep *rep)
{
	struct access_fault f;
	uint64_t done = 0;
	int r;

	switch (q->code) {
	case BK_LOAD:
		/* As far as the buffer goes: a fault before its end is the
		 * answer; reaching its end, only the size is a problem. */
		r = access_load((uint64_t)q->a[0], s->out, min_data((uint64_t)q->a[1]), &done, &f);
		rep->datalen = done;
		if (!r && !fits((uint64_t)q->a[1])) {
			rep->ret = -EMSGSIZE;
			rep->datalen = 0;
			return;
		}
		break;
	case BK_STORE:
		r = access_store((uint64_t)q->a[0], s->in, q->datalen, &f);
		break;
	case BK_FILL:
		r = access_fill((uint64_t)q->a[0], (int)q->a[2], (uint64_t)q->a[1], &f);
		break;
	default: /* BK_TOUCH */
		r = access_touch((uint64_t)q->a[0], (uint64_t)q->a[1], q->a[2] != 0, &f);
		break;
	}
	rep->ret = r;
	if (r) {
		rep->signo = f.signo;
		rep->code = f.code;
		rep->addr = f.addr;
	}
}

/* Runs a view into s->out as text. */
static void do_view(struct server *s, int code, struct lx_rep *rep)
{
	struct obuf ob;
	int err;

	ob_init(&ob, s->out, sizeof(s->out));
	if (code == BK_MAPS)
		err = view_maps(s, &ob);
	else if (code == BK_SMAPS)
		err = view_smaps(s, &ob);
	else
		err = view_status(s, &ob);
	rep->ret = err;
	rep->textlen = err ? 0 : ob.len;
}

/* The memory operations: each one system call. */
static int64_t do_memory(const struct server *s, const struct lx_req *q, struct lx_rep *rep)
{
	const int64_t *a = q->a;
	void *p = (void *)(uintptr_t)a[0];

	switch (q->code) {
	case BK_MMAP:
		return sys_ret(syscall(SYS_mmap, a[0], a[1], a[2], a[3], a[4], a[5]));
	case BK_MUNMAP:
		return sys_ret(munmap(p, (size_t)a[1]));
	case BK_MPROTECT:
		/* the system call: glibc's mprotect() would cut prot to an int */
		return sys_ret(syscall(SYS_mprotect, a[0], a[1], a[2]));
	case BK_MREMAP:
		return sys_ret(syscall(SYS_mremap, a[0], a[1], a[2], a[3], a[4]));
	case BK_MSYNC:
		return sys_ret(msync(p, (size_t)a[1], (int)a[2]));
	case BK_MADVISE:
		return sys_ret(madvise(p, (size_t)a[1], (int)a[2]));
	case BK_MLOCK:
		return sys_ret(syscall(SYS_mlock2, a[0], a[1], a[2]));
	case BK_MUNLOCK:
		return sys_ret(munlock(p, (size_t)a[1]));
	case BK_MLOCKALL:
		return sys_ret(mlockall((int)a[0]));
	case BK_MUNLOCKALL:
		return sys_ret(munlockall());
	case BK_MINCORE: {
		uint64_t len = (uint64_t)a[1], pages = len / SRV_PAGE + (len % SRV_PAGE != 0);

		int64_t r;

		if (!fits(pages))
			return mincore_too_long((uint64_t)a[0], (uint64_t)a[1]);
		r = sys_ret(mincore(p, (size_t)a[1], (unsigned char *)s->out));
		rep->datalen = r == 0 ? pages : 0;
		return r;
	}
	case BK_BRK:
		return (int64_t)syscall(SYS_brk, a[0]);
	case BK_ANON_NAME:
		return sys_ret(prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, a[0], a[1],
				     q->has_path ? s->path : NULL));
	default:
		return -ENOSYS;
	}
}

/* write(2) or pwrite(2) of n bytes (off < 0: at the file position) as one
 * call, retried after a short write: the host caches the data in the
 * folios one write of n bytes gets (large ones on ext4/xfs), as mmkit does
 * (docs/CHECK.md, "Host assumptions").  The bytes written, or -errno if
 * none were. */
static int64_t write_pages(int fd, const unsigned char *p, uint64_t n, int64_t off)
{
	uint64_t done = 0;

	do {
		uint64_t chunk = n - done;
		ssize_t r = off < 0 ? write(fd, p + done, chunk)
				    : pwrite(fd, p + done, chunk, off + (int64_t)done);

		if (r < 0)
			return done ? (int64_t)done : -errno;
		done += (uint64_t)r;
		if ((uint64_t)r < chunk)
			break;
	} while (done < n);
	return (int64_t)done;
}

int64_t server_file_op(struct server *s, const struct lx_req *q, struct lx_rep *rep)
{
	const int64_t *a = q->a;
	int64_t r;

	switch (q->code) {
	case BK_OPEN:
		return beneath_open(AT_FDCWD, s->path, (int)a[0], 0666);
	case BK_CLOSE:
		return sys_ret(close((int)a[0]));
	case BK_DUP:
		return sys_ret(dup((int)a[0]));
	case BK_READ:
	case BK_PREAD: {
		/* At most a reply's worth; a read that fills it might have read
		 * more, and only then is the size this backend's problem. */
		uint64_t want = (uint64_t)a[q->code == BK_READ ? 1 : 2];

		if (q->code == BK_READ)
			r = sys_ret(read((int)a[0], s->out, (size_t)min_data(want)));
		else
			r = sys_ret(pread((int)a[0], s->out, (size_t)min_data(want), a[1]));
		if (r == LX_DATA_MAX && !fits(want))
			r = -EMSGSIZE;
		rep->datalen = r > 0 ? (uint64_t)r : 0;
		return r;
	}
	case BK_WRITE:
		return write_pages((int)a[0], s->in, q->datalen, -1);
	case BK_PWRITE:
		if (a[1] < 0) /* pwrite's own check, before any write */
			return -EINVAL;
		return write_pages((int)a[0], s->in, q->datalen, a[1]);
	case BK_FTRUNCATE:
		return sys_ret(ftruncate((int)a[0], a[1]));
	case BK_FSYNC:
		return sys_ret(fsync((int)a[0]));
	case BK_UNLINK:
		return beneath_name_op(AT_FDCWD, s->path, BENEATH_UNLINK);
	case BK_MKDIR:
		return beneath_name_op(AT_FDCWD, s->path, BENEATH_MKDIR);
	case BK_RMDIR:
		return beneath_name_op(AT_FDCWD, s->path, BENEATH_RMDIR);
	case BK_FADVISE:
		return sys_ret(syscall(SYS_fadvise64, a[0], a[1], a[2], a[3]));
	default:
		return -ENOSYS;
	}
}

/* Whether the page range an operation acts on, [a, a + len) rounded out to
 * pages, meets a hidden range.  A range that wraps, even when rounded out
 * to a page, is not checked: every call refuses it before acting (one
 * ending at 2^64 - 4096 does not wrap: madvise and mprotect walk it); nor,
 * if user_only, one that leaves the user address space (munmap and mincore
 * refuse that first too). */
static int meets_hidden(const struct server *s, uint64_t a, uint64_t len, int user_only)
{
	uint64_t start = a & ~(SRV_PAGE - 1), end = a + len;

	if (end < a || end > UINT64_MAX - SRV_PAGE + 1)
		return 0;
	if (user_only && (a > SRV_TASK_SIZE || len > SRV_TASK_SIZE - a))
		return 0;
	end = (end + SRV_PAGE - 1) & ~(SRV_PAGE - 1);
	for (int i = 0; i < s->nhidden; i++)
		if (start < s->hidden[i].end && end > s->hidden[i].start)
			return 1;
	return 0;
}

/* Whether an access of [a, a + len) would reach hidden memory (a range
 * that wraps is cut at the top of the address space: the access faults on
 * non-canonical addresses long before). */
static int access_meets_hidden(const struct server *s, uint64_t a, uint64_t len)
{
	uint64_t end = a + len < a ? UINT64_MAX : a + len;

	for (int i = 0; i < s->nhidden; i++)
		if (a < s->hidden[i].end && end > s->hidden[i].start)
			return 1;
	return a < s->stack_growth.end && end > s->stack_growth.start;
}

/* Whether request q would unmap, change or access the server's own memory. */
static int touches_hidden(const struct server *s, const struct lx_req *q)
{
	const int64_t *a = q->a;
	uint64_t a0 = (uint64_t)a[0], a1 = (uint64_t)a[1];

	switch (q->code) {
	case BK_MMAP:
		return (a[3] & MMK_MAP_FIXED) && !(a[3] & MMK_MAP_FIXED_NOREPLACE) &&
		       meets_hidden(s, a0, a1, 0);
	case BK_MREMAP:
		return meets_hidden(s, a0, a1, 0) ||
		       ((a[3] & MMK_MREMAP_FIXED) &&
			meets_hidden(s, (uint64_t)a[4], (uint64_t)a[2], 0));
	case BK_MUNMAP:
	case BK_MINCORE:
		return meets_hidden(s, a0, a1, 1);
	case BK_MPROTECT:
	case BK_MSYNC:
	case BK_MADVISE:
	case BK_MLOCK:
	case BK_MUNLOCK:
	case BK_ANON_NAME:
		return meets_hidden(s, a0, a1, 0);
	case BK_MLOCKALL:
		return (a[0] & MMK_MCL_CURRENT) != 0;
	case BK_LOAD:
	case BK_FILL:
	case BK_TOUCH:
		return access_meets_hidden(s, a0, a1);
	case BK_STORE:
		return access_meets_hidden(s, a0, q->datalen);
	default:
		return 0;
	}
}

/* Runs one request into rep, counting the page faults it causes. */
static void run_op(struct server *s, const struct lx_req *q, struct lx_rep *rep)
{
	struct rusage before, after;

	getrusage(RUSAGE_SELF, &before);
	switch (q->code) {
	case BK_LOAD:
	case BK_STORE:
	case BK_FILL:
	case BK_TOUCH:
		do_access(s, q, rep);
		break;
	case BK_MAPS:
	case BK_SMAPS:
	case BK_STATUS:
		do_view(s, q->code, rep);
		break;
	case BK_FAULTS: {
		struct bk_faults *f = (struct bk_faults *)s->out;

		f->minor = s->minflt;
		f->major = s->majflt;
		rep->datalen = sizeof(*f);
		break;
	}
	case BK_OPEN:
	case BK_CLOSE:
	case BK_DUP:
	case BK_READ:
	case BK_WRITE:
	case BK_PREAD:
	case BK_PWRITE:
	case BK_FTRUNCATE:
	case BK_FSYNC:
	case BK_UNLINK:
	case BK_MKDIR:
	case BK_RMDIR:
	case BK_FADVISE:
		rep->ret = server_file_op(s, q, rep);
		break;
	default:
		rep->ret = do_memory(s, q, rep);
		break;
	}
	getrusage(RUSAGE_SELF, &after);
	s->minflt += (uint64_t)(after.ru_minflt - before.ru_minflt);
	s->majflt += (uint64_t)(after.ru_majflt - before.ru_majflt);
}

/* Serves requests until EXIT or the end of the channel. */
static int serve(struct server *s)
{
	for (;;) {
		struct lx_req q;
		struct lx_rep rep;
		int fd, err = recv_request(s, &q, &fd);

		if (err)
			return 1;
		if (fd >= 0 && q.code != LX_FORK)
			close(fd);
		memset(&rep, 0, sizeof(rep));
		if (q.code == LX_FORK) {
			rep.ret = do_fork(s, fd);
			if (rep.ret == 0) /* in the child: serve the new channel */
				continue;
		} else if (q.code == BK_EXEC && q.has_path && !s->tracee) {
			rep.ret = tracee_exec(s, s->path, s->in, q.datalen);
		} else if (q.code == BK_EXEC && !s->tracee) {
			rep.ret = do_exec(s);
		} else if (q.code == BK_EXIT) {
			if (s->tracee)
				tracee_exit(s);
			send_reply(s->chan, &rep, NULL, NULL);
			_exit(0);
		} else if (s->tracee &&
			   (q.code == BK_MAPS || q.code == BK_SMAPS || q.code == BK_STATUS)) {
			do_view(s, q.code, &rep);
		} else if (s->tracee) {
			if (q.code == LX_FORK || q.code == BK_EXEC || q.code < 0 ||
			    q.code >= BK_OPCODE_COUNT)
				rep.ret = -ENOSYS; /* the driver refuses these first */
			else
				tracee_run_op(s, &q, &rep);
		} else if (q.code == BK_PAGEMAP || q.code < 0 || q.code >= BK_OPCODE_COUNT) {
			rep.ret = -ENOSYS;
		} else if (touches_hidden(s, &q)) {
			rep.ret = -EFAULT;
			rep.signo = LX_REFUSED;
		} else {
			run_op(s, &q, &rep);
		}
		if (send_reply(s->chan, &rep, s->out, s->out))
			return 1;
	}
}

/* Takes "--faults=MIN,MAJ" from argv, if there. */
static void parse_args(struct server *s, char **argv)
{
	for (int i = 1; argv[i]; i++) {
		const char *p = argv[i];

		if (strncmp(p, "--faults=", 9) != 0)
			continue;
		p += 9;
		s->minflt = parse_dec(&p);
		if (*p == ',')
			p++;
		s->majflt = parse_dec(&p);
	}
}

/* Checks that the views start empty: every status line 0 kB, no maps line.
 * Anything else means the hidden part is not what views.c assumes on this
 * host, and the comparison would be wrong; the HELLO then says why. */
static void check_start(struct server *s)
{
	struct obuf ob;
	const char *l;
	char *pb = s->hello.problem;

	ob_init(&ob, s->out, sizeof(s->out) - 1);
	if (view_maps(s, &ob) == 0 && ob.len) {
		size_t n = ob.len;

		ob_init(&ob, pb, sizeof(s->hello.problem) - 1);
		ob_puts(&ob, "unexpected mapping at start: ");
		ob_putn(&ob, (char *)s->out, n);
		pb[ob.len] = '\0';
		return;
	}
	ob_init(&ob, s->out, sizeof(s->out) - 1);
	if (view_status(s, &ob))
		return;
	s->out[ob.len] = '\0';
	for (l = (char *)s->out; *l; l = *line_end(l) ? line_end(l) + 1 : line_end(l)) {
		const char *e = line_end(l), *p = memchr(l, '\t', (size_t)(e - l));

		if (p && (p++, parse_dec(&p) != 0)) {
			ob_init(&ob, pb, sizeof(s->hello.problem) - 1);
			ob_puts(&ob, "status not 0 at start: ");
			ob_putn(&ob, l, (size_t)(e - l));
			pb[ob.len] = '\0';
			return;
		}
	}
}

int main(int argc, char **argv)
{
	/* A copy with room for setup_process() to add an argument. */
	char *args[16];
	int n = 0;

	for (; n < argc && n < 13; n++)
		args[n] = argv[n];
	args[n] = NULL;
	srv.chan = LX_CHANNEL_FD;
	strcpy(srv.procdir, "/proc/self");
	if (fcntl(srv.chan, F_GETFD) < 0)
		return 2; /* not started by the backend */
	setup_process(&srv, args);
	parse_args(&srv, args);
	if (setup_address_space(&srv) != 0 && !srv.hello.problem[0])
		strcpy(srv.hello.problem, "cannot set up the address space");
	if (!srv.hello.problem[0])
		check_start(&srv);
	if (send_hello(&srv, 0))
		return 1;
	return serve(&srv);
}
