/* many_calls.c - 3000 system calls (getppid) in a loop, then one line: a
 * long run for `mmkit exec --html`, whose page must keep few steps
 * (tests/rv/trace.sh). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	long n = 0;
	for (int i = 0; i < 3000; i++)
		n += getppid() >= 0;
	printf("%ld calls made\n", n);
	return 0;
}
