/*
 * test_fs.c - fs.c's system calls on names and on files that are not
 * regular: unlink's trailing slashes, the mode of a created file, open's
 * retry when the host's confined resolution says -EAGAIN, and FIFOs and
 * device nodes, which must answer as Linux does without blocking the host
 * and without more host access than the simulated open asked for.  Host
 * files are made and inspected with plain system calls.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "internal.h"
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

/* read(2) of up to 16 bytes through mmkit, as a string ("" on error). */
static int64_t rd(mmk_proc *p, int fd, char *buf)
{
	memset(buf, 0, 17);
	return mmk_read(p, fd, buf, 16);
}

/*
 * Issue 9 and 13: a FIFO under the root gets Linux's answers from the host
 * kernel and never blocks the host: reads and writes pass data (not
 * -EISDIR), pread and lseek are -ESPIPE, fsync and ftruncate -EINVAL, mmap
 * -ENODEV; opens, cat and the file statement return at once where Linux
 * would wait for the other end (docs/DIFFERENCES.md).
 */
TEST(fifo_answers_as_linux_without_blocking)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK(!mkfifo(hpath(&fx, "pipe"), 0644));
	char buf[17];
	int rw = mmk_open(fx.p, "pipe", MMK_O_RDWR, 0); /* never blocks on Linux */
	CHECK(rw >= 0);
	CHECK_EQ(mmk_write(fx.p, rw, "abc", 3), 3);
	CHECK_EQ(rd(fx.p, rw, buf), 3);
	CHECK(!strcmp(buf, "abc"));
	CHECK_EQ(rd(fx.p, rw, buf), -EAGAIN); /* Linux: blocks, a writer is open */
	CHECK_EQ(mmk_fsync(fx.p, rw), -EINVAL);
	CHECK_EQ(mmk_ftruncate(fx.p, rw, 0), -EINVAL);
	CHECK_EQ(mmk_pread(fx.p, rw, buf, 1, 0), -ESPIPE);
	CHECK_EQ(mmk_pwrite(fx.p, rw, "x", 1, 0), -ESPIPE);
	CHECK_EQ(mmk_lseek(fx.p, rw, 0, SEEK_CUR), -ESPIPE);
	CHECK_EQ(mmk_mmap(fx.p, 0, PS, MMK_PROT_READ, MMK_MAP_SHARED, rw, 0), -ENODEV);
	/* One end each, from two processes: the data goes through. */
	int r = mmk_open(fx.p, "pipe", MMK_O_RDONLY, 0);
	CHECK(r >= 0);
	mmk_proc *q;
	CHECK(mmk_fork(fx.p, &q) > 0);
	int w = mmk_open(q, "pipe", MMK_O_WRONLY, 0);
	CHECK(w >= 0);
	CHECK_EQ(mmk_write(q, w, "hello", 5), 5);
	CHECK_EQ(rd(fx.p, r, buf), 5);
	CHECK(!strcmp(buf, "hello"));
	CHECK_EQ(mmk_read(q, w, buf, 1), -EBADF);
	CHECK_EQ(mmk_write(fx.p, r, "x", 1), -EBADF);
	mmk_exit(q);
	CHECK(!fx_done(&fx));
}

/* The same FIFO with nobody at either end: what would block fails fast. */
TEST(fifo_alone_never_blocks_open_cat_or_file)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK(!mkfifo(hpath(&fx, "pipe"), 0644));
	char buf[17];
	int rw = mmk_open(fx.p, "pipe", MMK_O_RDWR, 0); /* never blocks on Linux */
	CHECK(rw >= 0);
	CHECK_EQ(mmk_fsync(fx.p, rw), -EINVAL); /* its non-blocking prerequisite */
	CHECK_EQ(mmk_close(fx.p, rw), 0);
	CHECK_EQ(mmk_sys_file_read(fx.sys, "pipe", 0, buf, 16), -ESPIPE);
	CHECK_EQ(mmk_sys_file_create(fx.sys, "pipe", "data", 4), -ENXIO);
	CHECK_EQ(mmk_open(fx.p, "pipe", MMK_O_WRONLY, 0), -ENXIO); /* Linux: waits */
	int r = mmk_open(fx.p, "pipe", MMK_O_RDONLY, 0);	   /* Linux: waits */
	CHECK(r >= 0);
	CHECK_EQ(rd(fx.p, r, buf), 0); /* no writer: end of file */
	int w = mmk_open(fx.p, "pipe", MMK_O_WRONLY, 0);
	CHECK(w >= 0);
	CHECK_EQ(mmk_close(fx.p, r), 0);
	CHECK_EQ(mmk_write(fx.p, w, "lost", 4), -EPIPE); /* and no SIGPIPE kills us */
	CHECK_EQ(mmk_write(fx.p, w, "lost", 4), -EPIPE);
	CHECK(!fx_done(&fx));
}

/* The host access mode of fd's inode descriptor (internals). */
static int host_accmode(mmk_proc *p, int fd)
{
	struct mmk_file *f = fd_file(p, fd);
	if (!f)
		return -1;
	int fl = fcntl(f->inode->hostfd, F_GETFL);
	file_put(f);
	return fl < 0 ? -1 : fl & O_ACCMODE;
}

/*
 * A device node under the root is opened on the host with exactly the
 * access the simulated open asked for, never read-write behind a
 * read-only open, and its reads and writes are the device's.  Making the
 * node needs CAP_MKNOD: without it the test says so and checks nothing.
 */
TEST(device_opened_with_no_more_access_than_asked)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	if (mknod(hpath(&fx, "null"), S_IFCHR | 0666, makedev(1, 3)) < 0) {
		printf("# skipped: mknod needs CAP_MKNOD (%s)\n", strerror(errno));
		CHECK(!fx_done(&fx));
		return;
	}
	CHECK(!mknod(hpath(&fx, "zero"), S_IFCHR | 0666, makedev(1, 5)));
	char buf[17];
	int n = mmk_open(fx.p, "null", MMK_O_RDONLY, 0);
	CHECK(n >= 0);
	CHECK_EQ(host_accmode(fx.p, n), O_RDONLY);
	CHECK_EQ(rd(fx.p, n, buf), 0);
	CHECK_EQ(mmk_write(fx.p, n, "x", 1), -EBADF);
	CHECK_EQ(mmk_fsync(fx.p, n), -EINVAL);
	int nw = mmk_open(fx.p, "null", MMK_O_WRONLY, 0);
	CHECK(nw >= 0);
	CHECK_EQ(host_accmode(fx.p, nw), O_WRONLY);
	CHECK_EQ(host_accmode(fx.p, n), O_RDONLY); /* each open its own */
	CHECK_EQ(mmk_write(fx.p, nw, "gone", 4), 4);
	int z = mmk_open(fx.p, "zero", MMK_O_RDONLY, 0);
	CHECK(z >= 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(mmk_read(fx.p, z, buf, 16), 16);
	CHECK_EQ(buf[0] | buf[15], 0);
	CHECK_EQ(mmk_pread(fx.p, z, buf, 4, 1 << 20), 4);
	CHECK_EQ(mmk_mmap(fx.p, 0, PS, MMK_PROT_READ, MMK_MAP_PRIVATE, z, 0), -ENODEV);
	CHECK_EQ(mmk_ftruncate(fx.p, nw, 0), -EINVAL);
	CHECK(!fx_done(&fx));
}

T_MAIN

/* ---- Appending writers ------------------------------------------------------------ */

#define APPENDERS 8
#define APPENDS	  1000
#define RECORD	  1237 /* not a divisor of the page size: records straddle pages */

struct appender {
	mmk_proc *p;
	int fd;
	char tag;
	int64_t err;
};

/* write(2)s and pwrite(2)s of RECORD bytes of its tag, through O_APPEND. */
static void *append_records(void *arg)
{
	struct appender *a = arg;
	char rec[RECORD];
	memset(rec, a->tag, sizeof(rec));
	for (int i = 0; i < APPENDS && !a->err; i++) {
		int64_t n = i & 1 ? mmk_pwrite(a->p, a->fd, rec, sizeof(rec), 0)
				  : mmk_write(a->p, a->fd, rec, sizeof(rec));
		if (n != RECORD)
			a->err = n < 0 ? n : -EIO;
	}
	return NULL;
}

/*
 * generic_write_checks() takes i_size as an O_APPEND write's position under
 * the inode lock its write holds: appenders in several processes, each with
 * its own open file, never overwrite each other -- the file ends up exactly
 * as long as everything written, every record whole.
 */
TEST(concurrent_appenders_never_overwrite_each_other)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	struct appender a[APPENDERS];
	pthread_t th[APPENDERS];
	for (int i = 0; i < APPENDERS; i++) {
		a[i] = (struct appender){.tag = (char)('a' + i)};
		CHECK(mmk_spawn(fx.sys, &a[i].p) > 0);
		a[i].fd = fx_open(&fx, a[i].p, "log", MMK_O_WRONLY | MMK_O_CREAT | MMK_O_APPEND);
		CHECK(a[i].fd >= 0);
	}
	for (int i = 0; i < APPENDERS; i++)
		CHECK(!pthread_create(&th[i], NULL, append_records, &a[i]));
	for (int i = 0; i < APPENDERS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < APPENDERS; i++)
		CHECK_EQ(a[i].err, 0);
	const uint64_t total = (uint64_t)APPENDERS * APPENDS * RECORD;
	int fd = fx_open(&fx, fx.p, "log", MMK_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_lseek(fx.p, fd, 0, SEEK_END), (int64_t)total);
	char *buf = malloc(total);
	CHECK(buf);
	int64_t n = mmk_pread(fx.p, fd, buf, total, 0);
	int counts[APPENDERS] = {0}, torn = 0;
	for (uint64_t r = 0; n == (int64_t)total && r < total / RECORD; r++) {
		const char *rec = buf + r * RECORD;
		int k = rec[0] - 'a', same = 1;
		for (int j = 1; j < RECORD; j++)
			same &= rec[j] == rec[0];
		if (k < 0 || k >= APPENDERS || !same)
			torn++;
		else
			counts[k]++;
	}
	free(buf);
	CHECK_EQ(n, (int64_t)total);
	CHECK_EQ(torn, 0);
	for (int i = 0; i < APPENDERS; i++)
		CHECK_EQ(counts[i], APPENDS);
	CHECK(!fx_done(&fx));
}

/* The file system a file behaves as: cfg.fs_model, whatever the host's. */
static struct mmk_inode *model_inode(struct fixture *fx, int model, int *fd)
{
	struct mmk_config c = {.fs_model = model};
	if (fx_init_cfg(fx, &c))
		return NULL;
	fx_file(fx, "f", 4 << 20, 'x');
	*fd = fx_open(fx, fx->p, "f", MMK_O_RDWR);
	struct mmk_file *f = *fd >= 0 ? fd_file(fx->p, *fd) : NULL;
	if (!f)
		return NULL;
	struct mmk_inode *in = f->inode; /* the fd keeps it */
	file_put(f);
	return in;
}

/*
 * cfg.fs_model fixes what mmkit would otherwise ask the host file system
 * of each file (statfs): ext4's placement, large folios, s_maxbytes and
 * EOF-block zeroing; tmpfs's page cache that fadvise cannot drop; and
 * maps shows device 00:00, inode numbers from 1 and the root as "/".
 * The same host directory, three models, three behaviours.
 */
TEST(fs_model_fixes_the_file_system_whatever_the_host)
{
	struct fixture fx;
	int fd;
	struct mmk_inode *in = model_inode(&fx, MMK_FS_EXT4, &fd);
	CHECK(in != NULL);
	CHECK(in->thp_get_area && in->zero_eof_block && !in->ram_backed);
	CHECK(in->max_folio_order > 0);
	CHECK_EQ(in->max_bytes, ((1ULL << 32) - 1) * 4096);
	int64_t a = mmk_mmap(fx.p, 0, 4 << 20, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0 && (a & ((2 << 20) - 1)) == 0); /* thp_get_unmapped_area */
	char maps[512];
	CHECK(mmk_proc_maps(fx.p, maps, sizeof(maps)) > 0);
	CHECK(strstr(maps, " 00:00 1 ") != NULL);
	CHECK(strstr(maps, " /f\n") != NULL);
	CHECK(!fx_done(&fx));

	in = model_inode(&fx, MMK_FS_TMPFS, &fd);
	CHECK(in != NULL);
	CHECK(!in->thp_get_area && !in->zero_eof_block && in->ram_backed);
	CHECK_EQ(in->max_folio_order, 0);
	CHECK_EQ(in->max_bytes, MAX_LFS_FILESIZE);
	CHECK(!fx_done(&fx));

	in = model_inode(&fx, MMK_FS_OTHER, &fd);
	CHECK(in != NULL);
	CHECK(!in->thp_get_area && !in->zero_eof_block && !in->ram_backed);
	CHECK(!fx_done(&fx));

	mmk_system *sys = NULL;
	struct mmk_config bad = {.root = "/tmp", .fs_model = MMK_FS_OTHER + 1};
	CHECK_EQ(mmk_system_create(&bad, &sys), -EINVAL);
	bad.fs_model = -1;
	CHECK_EQ(mmk_system_create(&bad, &sys), -EINVAL);
}
