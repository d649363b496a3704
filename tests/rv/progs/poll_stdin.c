/* poll_stdin: poll and select on standard input, the host's stream.
 * tests/rv/run.sh feeds it a line that comes only after a while, so
 * mmkit exec, with every guest blocked, must wait on the host's stream
 * (not call it a deadlock), then reads it; then EOF is readable too. */
#include <poll.h>
#include <stdio.h>
#include <sys/select.h>
#include <unistd.h>

int main(void)
{
	struct pollfd p = {0, POLLIN, 0};
	int n = poll(&p, 1, -1);
	printf("poll: %d, POLLIN %s\n", n, p.revents & POLLIN ? "yes" : "no");
	char buf[64];
	ssize_t got = read(0, buf, sizeof(buf));
	printf("read %zd: %.*s", got, (int)(got > 0 ? got : 0), buf);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(0, &rd);
	n = select(1, &rd, NULL, NULL, NULL);
	printf("select at EOF: %d, readable %s\n", n, FD_ISSET(0, &rd) ? "yes" : "no");
	printf("read at EOF: %zd\n", read(0, buf, sizeof(buf)));
	return 0;
}
