/*
 * thread_exec.c - a thread other than the main one calls execve while a
 * third thread sleeps: Linux kills the other threads (de_thread) and the
 * exec'ing thread takes over the process's pid (ptrace(2), "execve(2)
 * under ptrace").  shadow must follow the thread that exec'd under its
 * new tid.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

extern char **environ;

static void *sleeper(void *arg)
{
	pause();
	return arg;
}

static void *exec_thread(void *arg)
{
	char *args[] = {"/bin/true", NULL};
	mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	execve(args[0], args, environ);
	return arg;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, sleeper, NULL);
	pthread_create(&b, NULL, exec_thread, NULL);
	pthread_join(b, NULL);
	return 1; /* only if the exec failed */
}
