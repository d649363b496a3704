/* setjmp_longjmp.c - non-local exits through recursion levels. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;

static void dive(int depth)
{
	if (depth == 50)
		longjmp(env, depth);
	dive(depth + 1);
}

int main(void)
{
	volatile int count = 0;
	int r = setjmp(env);
	if (r == 0) {
		dive(0);
	}
	printf("longjmp returned %d\n", r);
	if (++count < 3) {
		int again = setjmp(env);
		if (!again)
			longjmp(env, 7);
		printf("second jump %d\n", again);
	}
	return 0;
}
