/* atexit_order.c - atexit handlers run in reverse order, buffered output
 * is flushed at exit, the exit status reaches the shell. */
#include <stdio.h>
#include <stdlib.h>
static void one(void)
{
	printf("one\n");
}
static void two(void)
{
	printf("two\n");
}
int main(void)
{
	atexit(one);
	atexit(two);
	printf("main");
	exit(3);
}
