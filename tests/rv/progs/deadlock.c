/* deadlock.c - the main thread joins a thread that waits for a condition
 * nobody signals: on Linux it hangs forever; `mmkit exec` sees a round in
 * which no thread gets anywhere and kills the process (exit status 137).
 * Not run on the host (tests/rv/run.sh). */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;

static void *waiter(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	return NULL;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	printf("joining a thread that never ends\n");
	fflush(stdout);
	pthread_join(t, NULL);
	return 0;
}
