/*
 * test_fs.c - fs.c's system calls on names and on files that are not
 * regular: unlink's trailing slashes, the mode of a created file, open's
 * retry when the host's confined resolution says -EAGAIN, and FIFOs and
 * device nodes, which must answer as Linux does without blocking the host
 * and without more host access than the simulated open asked for.  Host
 * files are made and inspected with plain system calls.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/syscall.h>

#include "page_test.h"

/* The host path of NAME in the fixture's root. */
static const char *hpath(struct fixture *fx, const char *name)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	return path;
}

/* do_unlinkat(): a trailing slash never removes a non-directory. */
TEST(unlink_with_trailing_slash_removes_nothing)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4, 'f');
	CHECK(!mkdir(hpath(&fx, "d"), 0755));
	CHECK(!symlink("d", hpath(&fx, "ld")));
	CHECK_EQ(mmk_unlink(fx.p, "f/"), -ENOTDIR);
	CHECK_EQ(mmk_unlink(fx.p, "f//"), -ENOTDIR);
	CHECK_EQ(host_size(&fx, "f"), 4);
	CHECK_EQ(mmk_unlink(fx.p, "d/"), -EISDIR);
	CHECK_EQ(mmk_unlink(fx.p, "ld/"), -ENOTDIR); /* the link itself is looked at */
	CHECK_EQ(mmk_unlink(fx.p, "nx/"), -ENOENT);
	CHECK_EQ(mmk_unlink(fx.p, "nx/f/"), -ENOENT);
	CHECK_EQ(mmk_unlink(fx.p, "ld"), 0);
	CHECK_EQ(mmk_unlink(fx.p, "f"), 0);
	CHECK_EQ(host_size(&fx, "f"), -1);
	CHECK(!fx_done(&fx));
}

/* The host mode of NAME, or -1. */
static int host_mode(struct fixture *fx, const char *name)
{
	struct stat st;
	return stat(hpath(fx, name), &st) ? -1 : (int)(st.st_mode & 07777);
}

/*
 * open(O_CREAT): bits above 07777 are ignored as open(2) does (openat2 would
 * say -EINVAL), the umask applies, set-ID bits never reach the host.
 */
TEST(created_files_get_a_masked_mode_without_set_id_bits)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	mode_t um = umask(022);
	int fd = mmk_open(fx.p, "all", MMK_O_RDWR | MMK_O_CREAT, 07777);
	CHECK(fd >= 0);
	CHECK_EQ(host_mode(&fx, "all"), 01755);
	fd = mmk_open(fx.p, "typed", MMK_O_RDWR | MMK_O_CREAT, 0100644);
	CHECK(fd >= 0);
	CHECK_EQ(host_mode(&fx, "typed"), 0644);
	fd = mmk_open(fx.p, "sgid", MMK_O_WRONLY | MMK_O_CREAT | MMK_O_EXCL, 02770);
	CHECK(fd >= 0);
	CHECK_EQ(host_mode(&fx, "sgid"), 0750);
	umask(um);
	CHECK(!fx_done(&fx));
}

/*
 * The host's openat2, interposed: while fail_openat2 > 0, each call fails
 * with EAGAIN and counts down, as RESOLVE_BENEATH does when a rename races
 * the walk.  Every other system call goes to libc's syscall().
 */
static int fail_openat2;

long syscall(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_openat2 && fail_openat2 > 0) {
		fail_openat2--;
		errno = EAGAIN;
		return -1;
	}
	static long (*real)(long, ...);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* openat2's -EAGAIN under a rename race is retried, a bounded number of
 * times: an open, a create and an unlink go through; a race that never
 * ends gives -EAGAIN instead of spinning. */
TEST(open_retries_a_raced_resolution_a_bounded_number_of_times)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4, 'f');
	fail_openat2 = 3;
	int fd = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(fail_openat2, 0);
	fail_openat2 = 5;
	CHECK(mmk_open(fx.p, "new", MMK_O_RDWR | MMK_O_CREAT, 0644) >= 0);
	fail_openat2 = 2;
	CHECK_EQ(mmk_unlink(fx.p, "new"), 0);
	fail_openat2 = 1 << 30;
	CHECK_EQ(mmk_open(fx.p, "f", MMK_O_RDONLY, 0), -EAGAIN);
	CHECK(fail_openat2 > (1 << 29));
	fail_openat2 = 0;
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK(!fx_done(&fx));
}

T_MAIN
