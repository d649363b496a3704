/* dirs.c - directories: mkdir, files in them, a listing through readdir
 * and raw getdents64 (sorted: the order is the file system's), fstat of a
 * directory, chdir/fchdir/getcwd and paths relative to a directory fd,
 * a forked child in the parent's working directory, rmdir, and the errno
 * Linux gives for each misuse.  Only relative paths: the host build runs
 * in the same directory as the guest's root. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define D "dirs_tmp"

static const char *ename(int e)
{
	switch (e) {
	case EEXIST:
		return "EEXIST";
	case ENOENT:
		return "ENOENT";
	case ENOTDIR:
		return "ENOTDIR";
	case EISDIR:
		return "EISDIR";
	case ENOTEMPTY:
		return "ENOTEMPTY";
	case EINVAL:
		return "EINVAL";
	case EBUSY:
		return "EBUSY";
	case EBADF:
		return "EBADF";
	case EACCES:
		return "EACCES";
	case EFAULT:
		return "EFAULT";
	}
	return "other";
}

/* r is a system call's result: "ok" or its errno's name. */
static void say(const char *what, long r)
{
	printf("%-32s %s\n", what, r >= 0 ? "ok" : ename(errno));
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names readdir gives for PATH, sorted, with '/' after directories. */
static void list(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		say("opendir", -1);
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		char buf[300];
		snprintf(buf, sizeof(buf), "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : "");
		names[n++] = strdup(buf);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp);
	printf("%s:", path);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

struct rec {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
	char name[];
};

/* Records getdents64 gives on fd with a buffer of size bytes, until the
 * end; -1 if any is misshapen. */
static int count_records(int fd, size_t size)
{
	char buf[4096];
	int n = 0;
	long got;
	while ((got = syscall(SYS_getdents64, fd, buf, size)) > 0) {
		for (long off = 0; off < got;) {
			struct rec *r = (struct rec *)(buf + off);
			if (r->reclen % 8 || r->reclen < 20 + strlen(r->name))
				return -1;
			off += r->reclen;
			n++;
		}
	}
	return got < 0 ? -1 : n;
}

static void make_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, text, strlen(text));
	close(fd);
}

static void cleanup(void)
{
	const char *files[] = {D "/f1", D "/f2", D "/f3", D "/sub/inner", D "/made_by_child", NULL};
	for (int i = 0; files[i]; i++)
		unlink(files[i]);
	rmdir(D "/sub2");
	rmdir(D "/sub");
	rmdir(D);
}

int main(void)
{
	cleanup();
	say("mkdir " D, mkdir(D, 0755));
	say("mkdir " D " again", mkdir(D, 0755));
	say("mkdir " D "/a/b", mkdir(D "/a/b", 0755));
	say("mkdir " D "/sub/", mkdir(D "/sub/", 0755));
	say("mkdir .", mkdir(".", 0755));
	say("mkdir /", mkdir("/", 0755));
	make_file(D "/f1", "one\n");
	make_file(D "/f2", "two\n");
	make_file(D "/f3", "three\n");
	make_file(D "/sub/inner", "inner\n");
	say("mkdir " D "/f1/x", mkdir(D "/f1/x", 0755));
	list(D);
	list(D "/sub");

	/* opening directories */
	say("open O_DIRECTORY of a file", open(D "/f1", O_RDONLY | O_DIRECTORY));
	say("open a directory O_WRONLY", open(D, O_WRONLY));
	say("open a directory O_RDWR", open(D, O_RDWR));
	int dfd = open(D, O_RDONLY | O_DIRECTORY);
	say("open a directory", dfd);
	char c;
	say("read a directory", read(dfd, &c, 1));
	struct stat st;
	fstat(dfd, &st);
	printf("fstat: directory %d\n", S_ISDIR(st.st_mode));
	stat(D "/f1", &st);
	printf("stat f1: regular %d size %ld\n", S_ISREG(st.st_mode), (long)st.st_size);
	stat(D, &st);
	printf("stat dir: directory %d\n", S_ISDIR(st.st_mode));

	/* raw getdents64 */
	char small[8];
	say("getdents64, 8-byte buffer", syscall(SYS_getdents64, dfd, small, sizeof(small)));
	printf("records, big buffer: %d\n", count_records(dfd, 4096));
	printf("records at the end: %d\n", count_records(dfd, 4096));
	say("lseek 0", lseek(dfd, 0, SEEK_SET));
	/* (where a failed copy leaves the position differs: qemu-user's read
	 * the records into its own buffer first and keeps them read) */
	say("getdents64 into a bad buffer", syscall(SYS_getdents64, dfd, (void *)8, 4096));
	say("lseek 0", lseek(dfd, 0, SEEK_SET));
	printf("records, 24-byte buffer: %d\n", count_records(dfd, 24));
	int ffd = open(D "/f1", O_RDONLY);
	say("getdents64 of a file", syscall(SYS_getdents64, ffd, small, sizeof(small)));
	close(ffd);
	say("getdents64 of a bad fd", syscall(SYS_getdents64, 99, small, sizeof(small)));

	/* paths relative to a directory fd */
	int f2 = openat(dfd, "f2", O_RDONLY);
	char buf[16] = {0};
	read(f2, buf, sizeof(buf) - 1);
	printf("openat(dfd, f2): %s", buf);
	close(f2);
	say("mkdirat(dfd, sub2)", mkdirat(dfd, "sub2", 0755));
	say("openat(file fd, x)", openat(0, "x", O_RDONLY));
	say("unlinkat(dfd, sub2, REMOVEDIR)", unlinkat(dfd, "sub2", AT_REMOVEDIR));
	say("unlinkat bad flags", unlinkat(dfd, "f1", 0x1));

	/* the working directory */
	char cwd[4096];
	say("chdir " D, chdir(D));
	getcwd(cwd, sizeof(cwd));
	printf("getcwd ends in /%s: %d\n", D,
	       strlen(cwd) >= strlen(D) && !strcmp(cwd + strlen(cwd) - strlen(D), D));
	say("stat f3 from there", stat("f3", &st));
	pid_t pid = fork();
	if (pid == 0) {
		make_file("made_by_child", "child\n");
		_exit(access("f1", R_OK) == 0 ? 0 : 1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	printf("child in the same directory: exit %d\n", WEXITSTATUS(status));
	say("chdir ..", chdir(".."));
	say("stat made_by_child", stat(D "/made_by_child", &st));
	say("chdir to a file", chdir(D "/f1"));
	say("chdir to nothing", chdir(D "/nx"));
	say("fchdir dfd", fchdir(dfd));
	say("access f2 there", access("f2", R_OK));
	say("fchdir to a file fd", fchdir(0));
	say("chdir ..", chdir(".."));

	/* rmdir */
	say("rmdir " D, rmdir(D));
	say("rmdir " D "/f1", rmdir(D "/f1"));
	say("rmdir " D "/f1/", rmdir(D "/f1/"));
	say("rmdir " D "/.", rmdir(D "/."));
	say("rmdir " D "/sub/..", rmdir(D "/sub/.."));
	say("rmdir " D "/nx", rmdir(D "/nx"));
	say("rmdir /", rmdir("/"));
	say("unlink " D "/sub", unlink(D "/sub"));
	say("unlink " D "/sub/inner", unlink(D "/sub/inner"));
	say("rmdir " D "/sub/", rmdir(D "/sub/"));
	list(D);
	close(dfd);
	cleanup();
	say("stat " D " after", stat(D, &st));
	return 0;
}
