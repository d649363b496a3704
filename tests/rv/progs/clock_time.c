/* clock_time.c - clock_gettime and gettimeofday move forward. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
int main(void)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	volatile long x = 0;
	for (long i = 0; i < 100000; i++)
		x += i;
	clock_gettime(CLOCK_MONOTONIC, &b);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	printf("monotonic forward %d, realtime after 2020 %d\n",
	       b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec),
	       tv.tv_sec > 1577836800);
	return 0;
}
