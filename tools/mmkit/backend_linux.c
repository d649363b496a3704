/*
 * backend_linux.c - the script backend that runs on the host kernel.
 *
 * Each script process is a real host process running the server program
 * build/mmkit-linux (tools/linux/), which does the script's operations as
 * real system calls and real loads and stores; this file starts servers,
 * speaks the protocol of tools/linux/proto.h with them, and does the
 * top-level statements (file, cat, sync) itself, on the run directory
 * (paths confined beneath it by tools/linux/beneath.h, as the server's).
 *
 *   spawn  fork + exec of the server (ASLR off, fixed limits, fds 0-2 on
 *          /dev/null, the channel at LX_CHANNEL_FD, every other fd closed,
 *          empty environment), then its HELLO
 *   fork   a new socketpair; one end travels to the parent server inside
 *          an LX_FORK request (SCM_RIGHTS), the server forks and the child
 *          serves that end
 *   exec   the server executes itself again; the new image says HELLO
 *          (exec PATH: the server runs PATH in a traced child and answers
 *          0; tools/linux/tracee.c)
 *   exit   the server replies and _exits; it is reaped here (this process
 *          is a child subreaper, so the orphans of exited servers come
 *          back to it rather than to init)
 *
 * Owns: the servers (each struct bk_proc: a pid and the driver's end of a
 * channel).  Invariants: every handle not yet freed by EXIT or close() is
 * on b->procs, newest first; a handle whose fd is -1 is dead (its server
 * was killed for breaking the protocol, and every call on it fails); every
 * HELLO accepted reported the same layout as the first (the layout `mmkit
 * check` mirrors).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../linux/beneath.h"
#include "../linux/proto.h"
#include "backend.h"

/* A server that says nothing for this long is taken for lost. */
#define REPLY_TIMEOUT_SEC 60

struct bk_proc {
	pid_t pid;
	int fd;		      /* the driver's end of the channel */
	struct bk_proc *next; /* the backend's list of live servers */
};

struct backend {
	char *dir; /* the run directory (absolute) */
	int dirfd;
	char server[PATH_MAX];
	struct bk_proc *procs;
	struct bk_layout layout; /* from the first HELLO */
	int have_layout;
};

/* ---- the channel -------------------------------------------------------- */

static int read_all(int fd, void *p, size_t n)
{
	char *c = p;

	while (n) {
		ssize_t r = read(fd, c, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (r == 0)
			return -EPIPE;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Sends n bytes; a dead peer is -EPIPE, never SIGPIPE. */
static int send_all(int fd, const void *p, size_t n, int passfd)
{
	const char *c = p;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;

	while (n) {
		struct iovec iov = {(void *)c, n};
		struct msghdr mh;
		ssize_t r;

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (passfd >= 0) {
			struct cmsghdr *cm;

			memset(&cbuf, 0, sizeof(cbuf));
			mh.msg_control = cbuf.buf;
			mh.msg_controllen = sizeof(cbuf.buf);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &passfd, sizeof(int));
		}
		r = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		passfd = -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Sends one request: op's code and arguments, path and data. */
static int send_request(int fd, int code, const struct bk_op *op, int passfd)
{
	struct lx_req q;
	size_t pathlen = op && op->path ? strlen(op->path) : 0;
	int err;

	memset(&q, 0, sizeof(q));
	q.code = code;
	if (op) {
		memcpy(q.a, op->a, sizeof(q.a));
		q.has_path = op->path != NULL;
		q.datalen = op->data ? op->datalen : 0;
	}
	if (pathlen > LX_PATH_MAX)
		return -ENAMETOOLONG;
	if (q.datalen > LX_DATA_MAX)
		return -EMSGSIZE;
	q.pathlen = (uint32_t)pathlen;
	err = send_all(fd, &q, sizeof(q), passfd);
	if (!err && pathlen)
		err = send_all(fd, op->path, pathlen, -1);
	if (!err && q.datalen)
		err = send_all(fd, op->data, q.datalen, -1);
	return err;
}

/* Reads one reply into r (data and text malloc'd). */
static int recv_reply(int fd, struct bk_reply *r)
{
	struct lx_rep rep;
	int err = read_all(fd, &rep, sizeof(rep));

	memset(r, 0, sizeof(*r));
	if (err)
		return err;
	if (rep.datalen > LX_DATA_MAX || rep.textlen > LX_DATA_MAX)
		return -EPROTO;
	r->ret = rep.ret;
	r->signo = rep.signo;
	r->code = rep.code;
	r->addr = rep.addr;
	if (rep.datalen) {
		r->data = malloc(rep.datalen);
		if (!r->data)
			return -ENOMEM;
		r->datalen = rep.datalen;
		err = read_all(fd, r->data, rep.datalen);
	}
	if (!err && rep.textlen) {
		r->text = malloc(rep.textlen + 1);
		if (!r->text) {
			err = -ENOMEM;
		} else {
			err = read_all(fd, r->text, rep.textlen);
			r->text[rep.textlen] = '\0';
		}
	}
	if (err)
		bk_reply_free(r);
	return err;
}

/* Checks a HELLO (the reply of a new server image).  Returns 0 or -EIO
 * after saying on stderr what is wrong. */
static int accept_hello(struct backend *b, const struct bk_reply *r)
{
	static int warned; /* a process-wide "said once": no state to own */
	struct lx_hello h;

	if (r->datalen != sizeof(h)) {
		fprintf(stderr, "mmkit: %s is not a server of this version\n", b->server);
		return -EIO;
	}
	memcpy(&h, r->data, sizeof(h));
	if (h.version != LX_VERSION) {
		fprintf(stderr, "mmkit: %s speaks protocol %u, not %u: rebuild it\n", b->server,
			h.version, LX_VERSION);
		return -EIO;
	}
	if (h.problem[0]) {
		h.problem[sizeof(h.problem) - 1] = '\0';
		fprintf(stderr, "mmkit: linux backend: %s\n", h.problem);
		return -EIO;
	}
	if (h.warning[0] && !warned) {
		/* Once per mmkit process (check's runs are its children). */
		h.warning[sizeof(h.warning) - 1] = '\0';
		fprintf(stderr, "mmkit: linux backend: warning: %s\n", h.warning);
		warned = 1;
	}
	if (!b->have_layout) {
		b->layout = h.layout;
		b->have_layout = 1;
	} else if (memcmp(&b->layout, &h.layout, sizeof(h.layout)) != 0) {
		fprintf(stderr, "mmkit: linux backend: a server started with another layout\n");
		return -EIO;
	}
	return 0;
}

/* ---- servers ------------------------------------------------------------ */

static void proc_link(struct backend *b, struct bk_proc *p)
{
	p->next = b->procs;
	b->procs = p;
}

/* Ends a server's life as far as this backend goes: kills it (if kill_it),
 * closes its channel and reaps it.  The handle stays on the list, dead
 * (fd -1: every later call fails), until EXIT or close() frees it. */
static void proc_stop(struct bk_proc *p, int kill_it)
{
	if (p->fd < 0)
		return;
	if (kill_it)
		kill(p->pid, SIGKILL);
	close(p->fd);
	p->fd = -1;
	/* Our child, or an orphan we adopted as subreaper; else its parent
	 * server reaps it (ECHILD here). */
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Stops a server if need be and frees its handle. */
static void proc_free(struct backend *b, struct bk_proc *p)
{
	for (struct bk_proc **pp = &b->procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	proc_stop(p, 1);
	free(p);
}

static void set_timeout(int fd)
{
	struct timeval tv = {REPLY_TIMEOUT_SEC, 0};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* In the child of spawn: becomes the server.  Never returns. */
static void exec_server(const struct backend *b, int chan)
{
	static char *const env[] = {NULL};
	char *argv[] = {"mmkit-linux", NULL};
	struct rlimit st = {8 << 20, RLIM_INFINITY}, da;
	sigset_t none;
	int null;

	if (fchdir(b->dirfd) < 0 || dup2(chan, LX_CHANNEL_FD) < 0)
		_exit(127);
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
	syscall(SYS_close_range, 3, LX_CHANNEL_FD - 1, 0);
	syscall(SYS_close_range, LX_CHANNEL_FD + 1, ~0U, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* What the server would otherwise re-execute itself to get. */
	personality((unsigned long)personality(0xffffffff) | ADDR_NO_RANDOMIZE);
	if (getrlimit(RLIMIT_STACK, &st) == 0) {
		st.rlim_cur = 8 << 20;
		setrlimit(RLIMIT_STACK, &st);
	}
	if (getrlimit(RLIMIT_DATA, &da) == 0) {
		da.rlim_cur = 0;
		setrlimit(RLIMIT_DATA, &da);
	}
	execve(b->server, argv, env);
	_exit(127);
}

static int lx_spawn(struct backend *b, struct bk_proc **out)
{
	struct bk_proc *p = calloc(1, sizeof(*p));
	struct bk_reply r;
	int sv[2], err;

	if (!p)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(p);
		return -errno;
	}
	p->pid = fork();
	if (p->pid == 0)
		exec_server(b, sv[1]);
	close(sv[1]);
	if (p->pid < 0) {
		err = -errno;
		close(sv[0]);
		free(p);
		return err;
	}
	p->fd = sv[0];
	set_timeout(p->fd);
	proc_link(b, p);
	err = recv_reply(p->fd, &r);
	if (err == -EPIPE)
		fprintf(stderr, "mmkit: cannot start %s\n", b->server);
	if (!err) {
		err = accept_hello(b, &r);
		bk_reply_free(&r);
	}
	if (err) {
		proc_free(b, p);
		return err;
	}
	*out = p;
	return 0;
}

static int lx_fork(struct backend *b, struct bk_proc *parent, struct bk_proc **child)
{
	struct bk_proc *p = calloc(1, sizeof(*p));
	struct bk_reply r;
	int sv[2], err;

	if (!p)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(p);
		return -errno;
	}
	if (parent->fd < 0) {
		free(p);
		return -EPIPE;
	}
	err = send_request(parent->fd, LX_FORK, NULL, sv[1]);
	close(sv[1]);
	if (!err)
		err = recv_reply(parent->fd, &r);
	if (!err && r.ret < 0)
		err = (int)r.ret;
	if (err) {
		close(sv[0]);
		free(p);
		return err;
	}
	bk_reply_free(&r);
	p->pid = (pid_t)r.ret;
	p->fd = sv[0];
	set_timeout(p->fd);
	proc_link(b, p);
	*child = p;
	return 0;
}

/* ---- top-level statements: on the run directory ------------------------- */

/* file: size bytes of the fill byte (0 without one), the text over their
 * start.  Written through the page cache as mmkit writes it, so that every
 * page starts out cached on both sides, one page per write(2): the host
 * then caches it in 4 KiB folios, as mmkit does (a larger write would let
 * the kernel use a large folio, which a fault maps whole). */
static int64_t top_file(struct backend *b, const struct bk_op *op)
{
	uint64_t size = (uint64_t)op->a[0];
	unsigned char page[4096];
	int64_t ret = 0;
	int fd;

	fd = beneath_open(b->dirfd, op->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		ret = fd;
	else if (op->a[2] == 1 && fchmod(fd, 0755) < 0) /* `program`: executable */
		ret = -errno;
	for (uint64_t done = 0; fd >= 0 && done < size;) {
		uint64_t chunk = size - done < 4096 ? size - done : 4096;
		ssize_t n;

		bk_file_bytes(op, done, page, (size_t)chunk);
		n = write(fd, page, chunk);
		if (n < 0) {
			ret = -errno;
			break;
		}
		done += (uint64_t)n;
	}
	/* Clean pages, as the mmkit side's: unsynced, they would be written
	 * back whenever the host's load made it so. */
	if (fd >= 0 && ret == 0 && fsync(fd) < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	return ret;
}

/* cat: the file's bytes from a[0], a[1] of them (-1: to the end), or the
 * error of the first pread(2) that fails (a directory's -EISDIR, a FIFO's
 * -ESPIPE), as mmkit's cat reports it: unless a[1] is 0, at least one
 * pread is made, even of 0 bytes (past the end), so that a file that
 * cannot be read says so. */
static void top_cat(struct backend *b, const struct bk_op *op, struct bk_reply *r)
{
	uint64_t off = (uint64_t)op->a[0], left = (uint64_t)op->a[1];
	int fd = beneath_open(b->dirfd, op->path, O_RDONLY | O_CLOEXEC, 0);
	struct stat st;

	if (fd < 0) {
		r->ret = fd;
		return;
	}
	if (fstat(fd, &st) < 0) {
		r->ret = -errno;
		close(fd);
		return;
	}
	if ((uint64_t)st.st_size < off)
		left = 0;
	else if (left > (uint64_t)st.st_size - off)
		left = (uint64_t)st.st_size - off;
	r->data = malloc(left ? left : 1);
	if (!r->data) {
		close(fd);
		r->ret = -ENOMEM;
		return;
	}
	r->ret = 0;
	if (op->a[1] != 0) {
		do {
			ssize_t n = pread(fd, r->data + r->datalen, left - r->datalen,
					  (off_t)(off + r->datalen));

			if (n < 0)
				r->ret = -errno;
			if (n <= 0)
				break;
			r->datalen += (size_t)n;
		} while (r->datalen < left);
	}
	close(fd);
	if (r->ret == 0)
		r->ret = (int64_t)r->datalen;
}

/*
 * drop_caches on the host: syncfs of the run's directory (so the script's
 * clean pages are the droppable ones, as `file` leaves them on mmkit),
 * then "1" into /proc/sys/vm/drop_caches, which needs root and a writable
 * /proc/sys.  A refusal is said on stderr and returned as its -errno.
 */
static int64_t host_drop_caches(struct backend *b)
{
	static const char path[] = "/proc/sys/vm/drop_caches";
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int64_t r = 0;

	(void)syncfs(b->dirfd);
	if (fd < 0 || write(fd, "1", 1) != 1)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (r < 0)
		fprintf(stderr,
			"mmkit: drop_caches refused: cannot write 1 to %s (%s; it needs "
			"root and a writable /proc/sys)\n",
			path, strerror((int)-r));
	return r;
}

static void call_top(struct backend *b, const struct bk_op *op, struct bk_reply *r)
{
	switch (op->code) {
	case BK_FILE:
		r->ret = top_file(b, op);
		break;
	case BK_CAT:
		top_cat(b, op, r);
		break;
	case BK_SYNC:
		r->ret = syncfs(b->dirfd) < 0 ? -errno : 0;
		break;
	case BK_VMSTAT:
		r->ret = -ENOSYS; /* the host's counters say nothing about the script */
		break;
	case BK_DROP_CACHES:
		r->ret = host_drop_caches(b);
		break;
	default:
		r->ret = -EINVAL;
	}
}

/* ---- the backend -------------------------------------------------------- */

static int lx_call(struct backend *b, struct bk_proc *p, const struct bk_op *op, struct bk_reply *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	if (!p) {
		call_top(b, op, r);
		return 0;
	}
	if (p->fd < 0)
		return -EPIPE;
	err = send_request(p->fd, op->code, op, -1);
	if (!err)
		err = recv_reply(p->fd, r);
	if (err) {
		/* A server that broke the protocol is not trusted again. */
		proc_stop(p, 1);
		return err;
	}
	if (op->code == BK_EXEC && !op->path && r->ret == 0) {
		err = accept_hello(b, r);
		bk_reply_free(r);
		if (err) {
			proc_stop(p, 1);
			return err;
		}
	} else if (op->code == BK_EXIT) {
		/* The server replies before it exits; the channel reads EOF
		 * once its fds are closed, which do_exit does after exit_mm:
		 * so after this, views of other processes no longer see it. */
		for (;;) {
			char c;
			ssize_t n = read(p->fd, &c, 1);
			if (n > 0 || (n < 0 && errno == EINTR))
				continue;
			break;
		}
		proc_stop(p, 0);
		proc_free(b, p);
	} else if (r->signo == LX_REFUSED) {
		/* Not a result the script may see: the run cannot go on
		 * faithfully.  The failure is the one report of it (the
		 * transcript's "backend failed: -EFAULT", docs/CHECK.md,
		 * "Hidden mappings"): nothing on stderr besides, which `check`
		 * would show again for every Linux run. */
		bk_reply_free(r);
		return -EFAULT;
	}
	return 0;
}

/* Where the server program is: $MMKIT_LINUX_SERVER, or mmkit-linux next to
 * this program. */
static int find_server(char *out, size_t len)
{
	const char *env = getenv("MMKIT_LINUX_SERVER");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env) {
		snprintf(out, len, "%s", env);
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n < 0)
			return -errno;
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		if ((size_t)snprintf(out, len, "%s/mmkit-linux", self) >= len)
			return -ENAMETOOLONG;
	}
	if (access(out, X_OK) < 0) {
		int err = -errno;

		fprintf(stderr, "mmkit: no Linux backend server at %s\n", out);
		return err;
	}
	return 0;
}

static int lx_open(const struct bk_options *opt, struct backend **out)
{
	struct backend *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	b->dir = realpath(opt->dir ? opt->dir : ".", NULL);
	if (!b->dir) {
		err = -errno;
		free(b);
		return err;
	}
	b->dirfd = open(b->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = b->dirfd < 0 ? -errno : find_server(b->server, sizeof(b->server));
	if (err) {
		if (b->dirfd >= 0)
			close(b->dirfd);
		free(b->dir);
		free(b);
		return err;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	*out = b;
	return 0;
}

/* Ends the servers youngest first (a forked server's parent is then still
 * alive to reap it), and frees everything. */
static int lx_close(struct backend *b)
{
	while (b->procs)
		proc_free(b, b->procs);
	close(b->dirfd);
	free(b->dir);
	free(b);
	return 0;
}

const struct backend_ops backend_linux_ops = {
    .name = "linux",
    .open = lx_open,
    .close = lx_close,
    .spawn = lx_spawn,
    .fork = lx_fork,
    .call = lx_call,
};

int backend_linux_layout(struct bk_layout *out)
{
	struct bk_options opt;
	struct backend *b;
	struct bk_proc *p;
	int err;

	memset(&opt, 0, sizeof(opt));
	opt.dir = "/";
	err = lx_open(&opt, &b);
	if (err)
		return err;
	err = lx_spawn(b, &p);
	if (!err)
		*out = b->layout;
	lx_close(b);
	return err;
}
