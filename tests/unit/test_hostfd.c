/*
 * test_hostfd.c - the host descriptor an inode reads and writes its file
 * through (src/pagecache/hostfd.c): never O_APPEND, so writeback and MADV_REMOVE
 * land at their offsets; O_TRUNC empties the cache whatever the access
 * mode; the widest access the host grants, widened by a later open after
 * chmod (checked as an unprivileged user, in a child process); and held
 * only while the inode is in use, so more files than RLIMIT_NOFILE can be
 * created, written and closed.
 */
#include "page_test.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "pages.h"

/* The host's syncfs, counted: the library's calls land here, as a program's
 * own definition comes before the C library's. */
static atomic_int syncfs_calls;

int syncfs(int fd)
{
	atomic_fetch_add(&syncfs_calls, 1);
	return (int)syscall(SYS_syncfs, fd);
}

/* The host file NAME's bytes [off, off + len) equal s. */
static int host_is(struct fixture *fx, const char *name, off_t off, const char *s)
{
	size_t len = strlen(s);
	char buf[256];
	if (len > sizeof(buf))
		return 0;
	return host_read(fx, name, buf, len, off) == (ssize_t)len && !memcmp(buf, s, len);
}

/* Writeback through an inode first opened O_RDWR|O_APPEND goes to the
 * page's offset, not to the end of the file. */
TEST(writeback_of_a_file_first_opened_append_lands_in_place)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'A');
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR | MMK_O_APPEND, 0);
	CHECK(fd >= 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_store(fx.p, a, "BBBB", 4, NULL), 0);
	CHECK_EQ(mmk_msync(fx.p, a, PS, MMK_MS_SYNC), 0);
	CHECK_EQ(host_size(&fx, "f"), 2 * PS);
	CHECK(host_is(&fx, "f", 0, "BBBBAAAA"));
	/* The file's own writes still append. */
	CHECK_EQ(mmk_write(fx.p, fd, "tail", 4), 4);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK_EQ(host_size(&fx, "f"), 2 * PS + 4);
	CHECK(host_is(&fx, "f", 2 * PS, "tail"));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* MADV_REMOVE's zeroing of the host file also lands in place: the page
 * read back afterwards is zeros. */
TEST(madv_remove_of_an_append_opened_file_zeroes_in_place)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'A');
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR | MMK_O_APPEND, 0);
	CHECK(fd >= 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(peek(fx.p, a), 'A');
	CHECK_EQ(mmk_madvise(fx.p, a, PS, MMK_MADV_REMOVE), 0);
	CHECK_EQ(peek(fx.p, a), 0);
	CHECK(host_all(&fx, "f", 0, PS, 0));
	CHECK_EQ(host_size(&fx, "f"), 2 * PS);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* open(O_RDONLY|O_TRUNC) truncates (Linux's do_open -> handle_truncate
 * whatever the access mode): the cache too, dirty pages included. */
TEST(rdonly_trunc_empties_the_cache)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'A');
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "dirty", 5, 0), 5);
	int ro = mmk_open(fx.p, "f", MMK_O_RDONLY | MMK_O_TRUNC, 0);
	CHECK(ro >= 0);
	CHECK_EQ(mmk_fsize(fx.p, ro), 0);
	char c;
	CHECK_EQ(mmk_pread(fx.p, ro, &c, 1, 0), 0);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK_EQ(host_size(&fx, "f"), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Runs body in a child process as the unprivileged user nobody; the test
 * fails if the child reports a failure. */
#define AS_NOBODY(body)                                                                            \
	do {                                                                                       \
		fflush(stdout);                                                                    \
		pid_t pid_ = fork();                                                               \
		CHECK(pid_ >= 0);                                                                  \
		if (pid_ == 0) {                                                                   \
			if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))      \
				_exit(2);                                                          \
			body();                                                                    \
			fflush(stdout);                                                            \
			_exit(t_failed_now ? 1 : 0);                                               \
		}                                                                                  \
		int st_;                                                                           \
		CHECK(waitpid(pid_, &st_, 0) == pid_);                                             \
		CHECK(WIFEXITED(st_));                                                             \
		CHECK_EQ(WEXITSTATUS(st_), 0);                                                     \
	} while (0)

static void chmod_in(struct fixture *fx, const char *name, mode_t mode)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	if (chmod(path, mode))
		perror("chmod");
}

/* 0444, opened read-only, then chmod 0644 and opened read-write: the
 * inode's descriptor becomes writable, so writeback succeeds. */
static void readonly_then_writable(void)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'A');
	chmod_in(&fx, "f", 0444);
	int ro = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	CHECK(ro >= 0);
	CHECK_EQ(mmk_open(fx.p, "f", MMK_O_RDWR, 0), -EACCES);
	chmod_in(&fx, "f", 0644);
	int rw = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	CHECK(rw >= 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_SHARED, rw, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_store(fx.p, a, "BBBB", 4, NULL), 0);
	CHECK_EQ(mmk_msync(fx.p, a, PS, MMK_MS_SYNC), 0);
	CHECK(host_is(&fx, "f", 0, "BBBBAAAA"));
	CHECK_EQ(mmk_pwrite(fx.p, rw, "X", 1, PS), 1);
	CHECK_EQ(mmk_fsync(fx.p, rw), 0);
	CHECK(host_is(&fx, "f", PS, "XAAA"));
	CHECK_EQ(mmk_store(fx.p, a + 8, "C", 1, NULL), 0);
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK(host_is(&fx, "f", 0, "BBBBAAAAC"));
	CHECK_EQ(mmk_store(fx.p, a + 9, "D", 1, NULL), 0);
	/* The inode's descriptor is read-write now; an open is still checked
	 * by its own host open. */
	chmod_in(&fx, "f", 0444);
	CHECK_EQ(mmk_open(fx.p, "f", MMK_O_RDWR, 0), -EACCES);
	CHECK_EQ(mmk_open(fx.p, "f", MMK_O_RDONLY | MMK_O_TRUNC, 0), -EACCES);
	CHECK_EQ(mmk_fsize(fx.p, ro), 2 * PS);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx)); /* destroy writes "D" back without an error */
}

TEST(a_later_writable_open_widens_the_host_descriptor)
{
	AS_NOBODY(readonly_then_writable);
}

/* A 0200 file its owner opens write-only: the host lets mmkit write it
 * but not read it, so a partial-page write goes straight to the file. */
static void write_only_file(void)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'A');
	chmod_in(&fx, "f", 0200);
	CHECK_EQ(mmk_open(fx.p, "f", MMK_O_RDONLY, 0), -EACCES);
	int fd = mmk_open(fx.p, "f", MMK_O_WRONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "X", 1, 2), 1);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "tail", 4, 2 * PS - 2), 4);
	CHECK_EQ(mmk_fsize(fx.p, fd), 2 * PS + 2);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	chmod_in(&fx, "f", 0600);
	CHECK(host_is(&fx, "f", 0, "AAXAA"));
	CHECK(host_is(&fx, "f", 2 * PS - 4, "AAtail"));
	CHECK_EQ(host_size(&fx, "f"), 2 * PS + 2);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(a_write_only_file_takes_partial_page_writes)
{
	AS_NOBODY(write_only_file);
}

/*
 * A chmod between two opens that neither covers the other (read-only,
 * then write-only, or the reverse): each open keeps the access it was
 * granted, as in Linux.  The read-only open reads pages the cache has not
 * read yet (no -EBADF), and the write-only one writes (partial pages
 * too); both reach the host file.  first_ro: the read-only open first.
 */
static void read_and_write_only_opens(bool first_ro)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 3 * PS, 'A');
	chmod_in(&fx, "f", first_ro ? 0444 : 0200);
	int first = mmk_open(fx.p, "f", first_ro ? MMK_O_RDONLY : MMK_O_WRONLY, 0);
	CHECK(first >= 0);
	chmod_in(&fx, "f", first_ro ? 0200 : 0444);
	CHECK_EQ(mmk_open(fx.p, "f", MMK_O_RDWR, 0), -EACCES);
	int second = mmk_open(fx.p, "f", first_ro ? MMK_O_WRONLY : MMK_O_RDONLY, 0);
	CHECK(second >= 0);
	int ro = first_ro ? first : second, wo = first_ro ? second : first;
	char c = 0;
	CHECK_EQ(mmk_pread(fx.p, ro, &c, 1, PS + 5), 1);
	CHECK_EQ(c, 'A');
	CHECK_EQ(mmk_pwrite(fx.p, wo, "X", 1, 2 * PS + 2), 1);
	CHECK_EQ(mmk_pread(fx.p, ro, &c, 1, 2 * PS + 2), 1);
	CHECK_EQ(c, 'X');
	CHECK_EQ(mmk_pread(fx.p, ro, &c, 1, 2 * PS + 3), 1);
	CHECK_EQ(c, 'A');
	CHECK_EQ(mmk_fsync(fx.p, wo), 0);
	chmod_in(&fx, "f", 0600);
	CHECK(host_is(&fx, "f", 2 * PS, "AAXAA"));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

static void read_only_then_write_only(void)
{
	read_and_write_only_opens(true);
}

static void write_only_then_read_only(void)
{
	read_and_write_only_opens(false);
}

TEST(a_read_only_open_still_reads_after_a_write_only_one)
{
	AS_NOBODY(read_only_then_write_only);
}

TEST(a_write_only_open_then_a_read_only_one_both_work)
{
	AS_NOBODY(write_only_then_read_only);
}

/*
 * A file written on the host and closed with nothing dirty has no host
 * descriptor left to fsync; mmk_sync then syncs the root's file system
 * (sync(2) syncs every file system).  A file fsync'ed before it closed
 * needs no such sync.  A 0200 file written by its owner: the write goes
 * straight to the host file (write_through_locked), as a flusher's
 * writeback before an idle close would.
 */
static void sync_after_idle_close(void)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'A');
	fx_file(&fx, "g", PS, 'A');
	int g = mmk_open(fx.p, "g", MMK_O_RDWR, 0);
	CHECK(g >= 0);
	CHECK_EQ(mmk_pwrite(fx.p, g, "Y", 1, 0), 1);
	CHECK_EQ(mmk_fsync(fx.p, g), 0);
	CHECK_EQ(mmk_close(fx.p, g), 0);
	int before = atomic_load(&syncfs_calls);
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK_EQ(atomic_load(&syncfs_calls), before); /* g was fsync'ed */

	chmod_in(&fx, "f", 0200);
	int fd = mmk_open(fx.p, "f", MMK_O_WRONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "X", 1, 2), 1);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK_EQ(atomic_load(&syncfs_calls), before + 1);
	CHECK_EQ(mmk_sync(fx.sys), 0); /* nothing written since */
	CHECK_EQ(atomic_load(&syncfs_calls), before + 1);
	chmod_in(&fx, "f", 0600);
	CHECK(host_is(&fx, "f", 0, "AAXA"));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(sync_covers_a_file_written_and_closed_without_fsync)
{
	AS_NOBODY(sync_after_idle_close);
}

/* Many files created, written and closed under a small RLIMIT_NOFILE: an
 * idle inode gives its host descriptor back, its data intact. */
TEST(more_files_than_the_descriptor_limit)
{
	struct rlimit old;
	CHECK(!getrlimit(RLIMIT_NOFILE, &old));
	struct fixture fx;
	CHECK(!fx_init(&fx));
	struct rlimit low = {64, old.rlim_max};
	CHECK(!setrlimit(RLIMIT_NOFILE, &low));
	int failed = 0;
	char name[32], text[32];
	for (int i = 0; i < 200 && !failed; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		snprintf(text, sizeof(text), "file %d", i);
		int fd = mmk_open(fx.p, name, MMK_O_WRONLY | MMK_O_CREAT | MMK_O_TRUNC, 0644);
		if (fd < 0 || mmk_write(fx.p, fd, text, strlen(text)) != (int64_t)strlen(text) ||
		    mmk_close(fx.p, fd))
			failed = i + 1;
	}
	for (int i = 0; i < 200 && !failed; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		snprintf(text, sizeof(text), "file %d", i);
		char buf[32] = {0};
		int fd = mmk_open(fx.p, name, MMK_O_RDONLY, 0);
		if (fd < 0 || mmk_read(fx.p, fd, buf, sizeof(buf)) != (int64_t)strlen(text) ||
		    strcmp(buf, text) || mmk_close(fx.p, fd))
			failed = 1000 + i;
	}
	CHECK(!setrlimit(RLIMIT_NOFILE, &old));
	CHECK_EQ(failed, 0);
	CHECK_EQ(mmk_sync(fx.sys), 0);
	for (int i = 0; i < 200; i += 37) {
		snprintf(name, sizeof(name), "f%d", i);
		snprintf(text, sizeof(text), "file %d", i);
		CHECK(host_is(&fx, name, 0, text));
	}
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* A cached, idle file unlinked through mmkit leaves the inode table, so a
 * new file that reuses its host inode number shows its own bytes. */
TEST(an_idle_cached_file_unlinked_is_forgotten)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", PS, 'A');
	int fd = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_pread(fx.p, fd, (char[1]){0}, 1, 0), 1);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK_EQ(mmk_unlink(fx.p, "f"), 0);
	fd = mmk_open(fx.p, "g", MMK_O_RDWR | MMK_O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_fsize(fx.p, fd), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* A cached file nobody uses has no host descriptor; if the host file is
 * changed, or replaced by one that reuses its inode number, meanwhile, the
 * next open sees the host's bytes, not the old cache. */
TEST(an_idle_cached_file_changed_on_the_host_is_read_afresh)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", PS, 'A');
	int fd = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	CHECK(fd >= 0);
	char c = 0;
	CHECK_EQ(mmk_pread(fx.p, fd, &c, 1, 0), 1);
	CHECK_EQ(c, 'A');
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	char path[256];
	snprintf(path, sizeof(path), "%s/f", fx.dir);
	CHECK(!unlink(path));
	fx_file(&fx, "f", PS + 1, 'B'); /* on ext4, often the same inode number */
	fd = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_fsize(fx.p, fd), PS + 1);
	CHECK_EQ(mmk_pread(fx.p, fd, &c, 1, 0), 1);
	CHECK_EQ(c, 'B');
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Opens, writes, maps and closes racing with sync, the flusher and the
 * shedding of idle descriptors: the descriptor an inode holds is never
 * closed under a user (ASan/TSan), and no write is lost. */
#define NRACERS 3
#define ROUNDS	200

struct racer {
	mmk_proc *p;
	int id;
	int err;
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	for (int i = 0; i < ROUNDS && !r->err; i++) {
		int flags = (i & 1) ? MMK_O_RDWR : MMK_O_WRONLY;
		int fd = mmk_open(r->p, "f", flags, 0);
		if (fd < 0) {
			r->err = fd;
			break;
		}
		unsigned char v = (unsigned char)i;
		if (i & 1) {
			int64_t a =
			    mmk_mmap(r->p, 0, PS, RW, MMK_MAP_SHARED, fd, (int64_t)r->id * PS);
			if (a < 0 || mmk_store(r->p, (uint64_t)a, &v, 1, NULL) ||
			    mmk_munmap(r->p, (uint64_t)a, PS))
				r->err = -1000 - i;
		} else if (mmk_pwrite(r->p, fd, &v, 1, (int64_t)r->id * PS + 1) != 1) {
			r->err = -2000 - i;
		}
		if (mmk_close(r->p, fd))
			r->err = -3000 - i;
	}
	return NULL;
}

static void *syncer_main(void *arg)
{
	struct fixture *fx = arg;
	for (int i = 0; i < ROUNDS; i++) {
		if (i % 3 == 0)
			(void)mmk_sync(fx->sys);
		else if (i % 3 == 1)
			hostfd_shed(fx->sys);
		else
			flusher_kick(fx->sys);
	}
	return NULL;
}

TEST(opens_and_closes_race_sync_and_shedding)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", NRACERS * PS, '-');
	struct racer r[NRACERS];
	pthread_t t[NRACERS + 1];
	for (int i = 0; i < NRACERS; i++) {
		r[i] = (struct racer){.id = i};
		CHECK(mmk_spawn(fx.sys, &r[i].p) > 0);
		CHECK(!pthread_create(&t[i], NULL, racer_main, &r[i]));
	}
	CHECK(!pthread_create(&t[NRACERS], NULL, syncer_main, &fx));
	for (int i = 0; i <= NRACERS; i++)
		CHECK(!pthread_join(t[i], NULL));
	for (int i = 0; i < NRACERS; i++) {
		CHECK_EQ(r[i].err, 0);
		CHECK_EQ(mmk_exit(r[i].p), 0);
	}
	CHECK_EQ(mmk_sync(fx.sys), 0);
	for (int i = 0; i < NRACERS; i++) {
		unsigned char c[2] = {0};
		CHECK_EQ(host_read(&fx, "f", c, 2, (off_t)i * PS), 2);
		CHECK_EQ(c[0], ROUNDS - 1); /* the last store */
		CHECK_EQ(c[1], ROUNDS - 2); /* the last pwrite */
	}
	CHECK_EQ(host_size(&fx, "f"), NRACERS * PS);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

T_MAIN
