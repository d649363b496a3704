/* poll_pipe: poll, ppoll, select and pselect on pipes, as Linux answers
 * them.  Between parent and child: POLLIN once the child has written
 * (while it still holds the write end), POLLHUP alone once it has exited,
 * select seeing the same; POLLOUT on a write end, POLLERR when no reader
 * is left; POLLNVAL for an fd not open, nothing for a negative one; a 30
 * ms timeout with nothing ready returns 0 no sooner; the sigmask of ppoll
 * and pselect lets a blocked pending signal interrupt it (EINTR, the
 * handler runs, the old mask is back after); a signal ends a blocked poll
 * or select with EINTR; the errors (EINVAL, EFAULT, EBADF).  poll_edges
 * checks what qemu-user gets wrong.  Only lower bounds of time are
 * checked: a loaded host may oversleep. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static const char *yes(int b)
{
	return b ? "yes" : "no";
}

/* r's bits by name, into s (64 bytes). */
static const char *bits(char *s, int r)
{
	s[0] = 0;
	if (r & POLLIN)
		strcat(s, "IN ");
	if (r & POLLOUT)
		strcat(s, "OUT ");
	if (r & POLLERR)
		strcat(s, "ERR ");
	if (r & POLLHUP)
		strcat(s, "HUP ");
	if (r & POLLNVAL)
		strcat(s, "NVAL ");
	if (r & POLLRDNORM)
		strcat(s, "RDNORM ");
	if (r & POLLWRNORM)
		strcat(s, "WRNORM ");
	return s[0] ? s : "none";
}

static volatile int handled;
static void on_signal(int sig)
{
	handled++;
}

/* The child writes "x" to p, waits for a byte on q, and exits. */
static void parent_and_child(void)
{
	int p[2], q[2];
	pipe(p);
	pipe(q);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[0]);
		close(q[1]);
		write(p[1], "x", 1);
		read(q[0], &c, 1);
		_exit(0);
	}
	close(q[0]);
	struct pollfd w = {p[1], POLLOUT, 0};
	char b[64];
	int n = poll(&w, 1, 0);
	printf("write end: poll %d, revents %s\n", n, bits(b, w.revents));
	close(p[1]);
	struct pollfd r = {p[0], POLLIN, 0};
	n = poll(&r, 1, -1); /* blocks until the child writes */
	printf("after the child's write: poll %d, revents %s\n", n, bits(b, r.revents));
	r.events = POLLIN | POLLRDNORM | POLLOUT;
	n = poll(&r, 1, 0);
	printf("asking more: poll %d, revents %s\n", n, bits(b, r.revents));
	char c;
	printf("read %zd\n", read(p[0], &c, 1));
	n = poll(&r, 1, 0);
	printf("empty, writer alive: poll %d, revents %s\n", n, bits(b, r.revents));
	write(q[1], "g", 1);
	r.events = POLLIN;
	n = poll(&r, 1, -1); /* blocks until the child exits */
	printf("after the child's exit: poll %d, revents %s\n", n, bits(b, r.revents));
	int st;
	waitpid(pid, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
	close(p[0]);
	close(q[1]);
}

/* select: the child writes after the parent is in select (or before; the
 * answer is the same). */
static void select_pipe(void)
{
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		write(p[1], "y", 1);
		_exit(0);
	}
	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	int n = select(p[0] + 1, &rd, NULL, NULL, NULL); /* until the child writes */
	printf("select: %d, read end readable %s\n", n, yes(FD_ISSET(p[0], &rd)));
	FD_SET(p[0], &rd);
	FD_SET(p[1], &wr);
	n = select(p[1] + 1, &rd, &wr, NULL, NULL);
	printf("select on both ends: %d, readable %s, writable %s\n", n, yes(FD_ISSET(p[0], &rd)),
	       yes(FD_ISSET(p[1], &wr)));
	char c;
	read(p[0], &c, 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timeval tv = {0, 0};
	n = select(p[0] + 1, &rd, NULL, NULL, &tv);
	printf("select on the empty pipe: %d, readable %s\n", n, yes(FD_ISSET(p[0], &rd)));
	waitpid(pid, NULL, 0);
	close(p[1]);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	n = select(p[0] + 1, &rd, NULL, NULL, NULL);
	printf("select after the writers are gone: %d, readable %s\n", n, yes(FD_ISSET(p[0], &rd)));
	close(p[0]);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	n = select(p[0] + 1, &rd, NULL, NULL, &tv);
	printf("select on a closed fd: %d %s\n", n, n < 0 && errno == EBADF ? "EBADF" : "?");
}

static void no_reader_and_invalid(void)
{
	int p[2];
	pipe(p);
	close(p[0]);
	struct pollfd f[3] = {{p[1], POLLOUT, 0}, {99, POLLIN, 0}, {-1, POLLIN, 7}};
	char b[64], b2[64], b3[64];
	int n = poll(f, 3, 0);
	printf("no reader, fd 99, fd -1: poll %d; %s/ %s/ %s\n", n, bits(b, f[0].revents),
	       bits(b2, f[1].revents), bits(b3, f[2].revents));
	close(p[1]);
}

static void timeout(void)
{
	int p[2];
	pipe(p);
	struct pollfd r = {p[0], POLLIN, 0};
	char b[64];
	long long t0 = ms_now();
	int n = poll(&r, 1, 30);
	long long waited = ms_now() - t0;
	printf("30 ms timeout: poll %d, revents %s, waited at least 30 ms %s\n", n,
	       bits(b, r.revents), yes(waited >= 30));
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timeval tv = {0, 30000};
	t0 = ms_now();
	n = select(p[0] + 1, &rd, NULL, NULL, &tv);
	waited = ms_now() - t0;
	printf("30 ms select: %d, waited at least 30 ms %s\n", n, yes(waited >= 30));
	close(p[0]);
	close(p[1]);
}

static void signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigset_t usr1, empty, now;
	sigemptyset(&usr1);
	sigemptyset(&empty);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	raise(SIGUSR1);
	struct timespec zero = {0, 0};
	int n = ppoll(NULL, 0, &zero, &usr1); /* still blocked: times out */
	printf("ppoll, signal blocked: %d, handled %d\n", n, handled);
	n = ppoll(NULL, 0, &zero, &empty);
	printf("ppoll, its mask unblocks it: %d %s, handled %d\n", n,
	       n < 0 && errno == EINTR ? "EINTR" : "?", handled);
	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("mask after: SIGUSR1 blocked %s\n", yes(sigismember(&now, SIGUSR1)));
	raise(SIGUSR1);
	n = pselect(0, NULL, NULL, NULL, &zero, &usr1);
	printf("pselect, signal blocked: %d, handled %d\n", n, handled);
	n = pselect(0, NULL, NULL, NULL, &zero, &empty);
	printf("pselect, its mask unblocks it: %d %s, handled %d\n", n,
	       n < 0 && errno == EINTR ? "EINTR" : "?", handled);
	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("mask after: SIGUSR1 blocked %s\n", yes(sigismember(&now, SIGUSR1)));
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);

	/* a blocked ppoll ends with EINTR on SIGALRM */
	int p[2];
	pipe(p);
	struct pollfd r = {p[0], POLLIN, 0};
	struct itimerval it = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	int rc = poll(&r, 1, 10000);
	printf("poll interrupted: %d %s, handled %d\n", rc,
	       rc < 0 && errno == EINTR ? "EINTR" : "?", handled);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	setitimer(ITIMER_REAL, &it, NULL);
	rc = select(p[0] + 1, &rd, NULL, NULL, NULL);
	printf("select interrupted: %d %s, handled %d\n", rc,
	       rc < 0 && errno == EINTR ? "EINTR" : "?", handled);
	close(p[0]);
	close(p[1]);
}

static void errors(void)
{
	struct pollfd f = {0, POLLIN, 0};
	struct timespec bad = {0, 1000000000};
	long rc = syscall(SYS_ppoll, &f, 1, &bad, NULL, 8);
	printf("tv_nsec 1e9: %ld %s\n", rc, rc < 0 && errno == EINVAL ? "EINVAL" : "?");
	bad.tv_sec = -1;
	bad.tv_nsec = 0;
	rc = syscall(SYS_ppoll, &f, 1, &bad, NULL, 8);
	printf("tv_sec -1: %ld %s\n", rc, rc < 0 && errno == EINVAL ? "EINVAL" : "?");
	sigset_t s;
	sigemptyset(&s);
	rc = syscall(SYS_ppoll, &f, 1, NULL, &s, 4);
	printf("sigsetsize 4: %ld %s\n", rc, rc < 0 && errno == EINVAL ? "EINVAL" : "?");
	rc = syscall(SYS_ppoll, (void *)8, 1, NULL, NULL, 8);
	printf("fds at 8: %ld %s\n", rc, rc < 0 && errno == EFAULT ? "EFAULT" : "?");
	rc = syscall(SYS_ppoll, &f, 1, (void *)8, NULL, 8);
	printf("timeout at 8: %ld %s\n", rc, rc < 0 && errno == EFAULT ? "EFAULT" : "?");
	rc = syscall(SYS_pselect6, -1, NULL, NULL, NULL, NULL, NULL);
	printf("select n -1: %ld %s\n", rc, rc < 0 && errno == EINVAL ? "EINVAL" : "?");
	rc = syscall(SYS_pselect6, 1, (void *)8, NULL, NULL, NULL, NULL);
	printf("select set at 8: %ld %s\n", rc, rc < 0 && errno == EFAULT ? "EFAULT" : "?");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	parent_and_child();
	select_pipe();
	no_reader_and_invalid();
	timeout();
	signals();
	errors();
	return 0;
}
