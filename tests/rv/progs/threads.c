/* threads.c - four pthreads add to a shared counter under a mutex, each
 * also keeps a thread-local total; a condition variable hands a value
 * from one thread to another; join collects every return value. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int ready, handed;
static __thread long mine;

static void *work(void *arg)
{
	long id = (long)arg;
	for (int i = 0; i < 20000; i++) {
		pthread_mutex_lock(&lock);
		counter += id;
		pthread_mutex_unlock(&lock);
		mine += id;
	}
	return (void *)mine;
}

static void *consumer(void *arg)
{
	pthread_mutex_lock(&lock);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	int v = handed;
	pthread_mutex_unlock(&lock);
	return (void *)(long)(v * 2);
}

int main(void)
{
	pthread_t t[4], c;
	pthread_create(&c, NULL, consumer, NULL);
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, (void *)(i + 1));
	long sum = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	pthread_mutex_lock(&lock);
	handed = 21;
	ready = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	void *r;
	pthread_join(c, &r);
	printf("counter %ld, thread-local sum %ld, handed over %ld, main's own %ld\n", counter, sum,
	       (long)r, mine);
	return 0;
}
