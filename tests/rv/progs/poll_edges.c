/* poll_edges: what Linux's ppoll does that qemu-user does not (so this is
 * compared with the host only): an interrupted ppoll writes every revents
 * (0) and the time left back to its timespec (poll_select_finish), and
 * nfds over RLIMIT_NOFILE is EINVAL.  Only bounds of time are checked. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void on_alarm(int sig)
{
}

static const char *yes(int b)
{
	return b ? "yes" : "no";
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	int p[2];
	pipe(p);
	struct pollfd r = {p[0], POLLIN, 5};
	struct timespec ts = {10, 0};
	struct itimerval it = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	long rc = syscall(SYS_ppoll, &r, 1, &ts, NULL, 8);
	printf("ppoll interrupted: %ld %s, revents %d, time left below 10 s %s, above 5 s %s\n", rc,
	       rc < 0 && errno == EINTR ? "EINTR" : "?", r.revents, yes(ts.tv_sec < 10),
	       yes(ts.tv_sec >= 5));
	ts.tv_sec = 0;
	ts.tv_nsec = 30000000;
	rc = syscall(SYS_ppoll, &r, 1, &ts, NULL, 8);
	printf("ppoll timed out: %ld, time left 0 %s\n", rc, yes(!ts.tv_sec && !ts.tv_nsec));
	struct pollfd f = {0, POLLIN, 0};
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rc = syscall(SYS_ppoll, &f, (unsigned)rl.rlim_cur + 1, NULL, NULL, 8);
	printf("nfds over RLIMIT_NOFILE: %ld %s\n", rc, rc < 0 && errno == EINVAL ? "EINVAL" : "?");
	rc = syscall(SYS_ppoll, &f, (unsigned)rl.rlim_cur, (void *)8, NULL, 8);
	printf("nfds at RLIMIT_NOFILE, timeout at 8: %ld %s\n", rc,
	       rc < 0 && errno == EFAULT ? "EFAULT" : "?");
	return 0;
}
