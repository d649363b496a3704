/* waitid_child.c - waitid for an exited and for a killed child: the
 * siginfo's code, pid and status; WNOHANG with a child still running. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
	pid_t a = fork();
	if (a == 0)
		_exit(7);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int r = waitid(P_PID, a, &si, WEXITED);
	printf("waitid %d: signo %d code %s pid ok %d status %d\n", r, si.si_signo,
	       si.si_code == CLD_EXITED ? "CLD_EXITED" : "?", si.si_pid == a, si.si_status);
	int p[2];
	pipe(p);
	pid_t b = fork();
	if (b == 0) {
		char c;
		read(p[0], &c, 1); /* waits until the parent has looked */
		raise(SIGTERM);
		_exit(0);
	}
	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WEXITED | WNOHANG);
	printf("WNOHANG: %d pid %d\n", r, si.si_pid);
	write(p[1], "x", 1);
	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WEXITED);
	printf("waitid %d: code %s status %d\n", r, si.si_code == CLD_KILLED ? "CLD_KILLED" : "?",
	       si.si_status);
	return 0;
}
