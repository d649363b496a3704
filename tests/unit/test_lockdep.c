/*
 * test_lockdep.c - the lock contract the debug build checks (src/base/lock.h):
 * a wrong-order acquisition aborts naming both locks, an unheld-lock
 * assertion aborts naming the lock, an rwlock released in the wrong mode
 * aborts, a trylock never counts as a wrong order, fork's annotated ptl
 * nesting is allowed and an unannotated one is not, and mmk_madvise releases
 * mmap_lock in the mode it took it.  Each abort is observed in a forked
 * child, whose stderr comes back through a pipe.  Built in debug mode only
 * (the checks are the point), it fails loudly if they are off.
 */
#include <signal.h>
#include <sys/wait.h>

#include "page_test.h"

#include "lru.h"
#include "pages.h"
#include "vma.h"

/* What a forked child did: how it ended and what it printed on stderr. */
struct outcome {
	bool aborted;
	int exit_code; /* when it exited */
	char err[4096];
};

static struct fixture fx;
static struct mmk_inode *inode;

/* A fixture with one cached file page, its inode in `inode`. */
static int setup(void)
{
	if (fx_init(&fx))
		return -1;
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR | MMK_O_CREAT, 0644);
	static char page[4096];
	memset(page, 'a', sizeof(page));
	if (fd < 0 || mmk_pwrite(fx.p, fd, page, sizeof(page), 0) != (int64_t)sizeof(page))
		return -1;
	inode = fx.p->fdt.fds[fd].file->inode;
	return 0;
}

/* Runs fn in a forked child (stderr to a pipe); exits 0 if fn returns. */
static struct outcome in_child(void (*fn)(void))
{
	struct outcome o = {0};
	int pfd[2];
	if (pipe(pfd))
		abort();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 2);
		fn();
		_exit(0);
	}
	close(pfd[1]);
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(o.err) - 1 && (r = read(pfd[0], o.err + n, sizeof(o.err) - 1 - n)) > 0)
		n += (size_t)r;
	close(pfd[0]);
	int st;
	waitpid(pid, &st, 0);
	o.aborted = WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
	o.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return o;
}

static void ptl_then_inode(void)
{
	mmk_mutex_lock(&fx.p->mm->ptl);
	mmk_mutex_lock(&inode->lock); /* inode->lock comes before mm->ptl */
}

static void inode_then_ptl(void)
{
	mmk_mutex_lock(&inode->lock);
	mmk_mutex_lock(&fx.p->mm->ptl);
	mmk_mutex_unlock(&fx.p->mm->ptl);
	mmk_mutex_unlock(&inode->lock);
}

static void lookup_without_inode_lock(void)
{
	pfn_t pfn;
	pagecache_lookup_locked(inode, 0, &pfn);
}

static void read_lock_write_unlock(void)
{
	mmap_read_lock(fx.p->mm);
	mmap_write_unlock(fx.p->mm);
}

static void write_assert_under_read_lock(void)
{
	mmap_read_lock(fx.p->mm);
	mmap_assert_write_locked(fx.p->mm);
}

/* Reclaim's pattern: under lru->lock, trylock an earlier lock. */
static void trylock_against_order(void)
{
	mmk_mutex_lock(&fx.sys->lru->lock);
	if (!mmk_mutex_trylock(&inode->lock))
		_exit(2);
	mmk_mutex_unlock(&inode->lock);
	mmk_mutex_unlock(&fx.sys->lru->lock);
}

static mmk_proc *other;

static void two_ptls_unannotated(void)
{
	mmk_mutex_lock(&fx.p->mm->ptl);
	mmk_mutex_lock(&other->mm->ptl);
}

static void two_ptls_nested(void)
{
	mmk_mutex_lock(&fx.p->mm->ptl);
	mmk_mutex_lock_nested(&other->mm->ptl);
	mmk_mutex_unlock(&other->mm->ptl);
	mmk_mutex_unlock(&fx.p->mm->ptl);
}

/* MADV_WILLNEED takes mmap_lock for reading; then a writer must get it. */
static void madvise_read_advice(void)
{
	int64_t a =
	    mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS, -1, 0);
	if (a < 0 || mmk_madvise(fx.p, (uint64_t)a, 4096, MMK_MADV_WILLNEED) != 0)
		_exit(2);
	if (lockdep_depth() != 0)
		_exit(3);
	mmap_write_lock(fx.p->mm);
	mmap_write_unlock(fx.p->mm);
}

TEST(the_debug_build_checks_locks)
{
	CHECK_EQ(MMK_LOCKDEP, 1);
	CHECK(!setup());
	CHECK_EQ(lockdep_depth(), 0);
	mmk_mutex_lock(&inode->lock);
	CHECK_EQ(lockdep_depth(), 1);
	mmk_mutex_unlock(&inode->lock);
	CHECK_EQ(lockdep_depth(), 0);
	CHECK(!fx_done(&fx));
}

TEST(a_wrong_order_aborts_naming_both_locks)
{
	CHECK(!setup());
	struct outcome o = in_child(ptl_then_inode);
	CHECK(o.aborted);
	CHECK(strstr(o.err, "lock order violation: acquiring inode->lock while holding mm->ptl"));
	o = in_child(inode_then_ptl);
	CHECK(!o.aborted);
	CHECK_EQ(o.exit_code, 0);
	CHECK(!fx_done(&fx));
}

TEST(an_unheld_lock_assertion_aborts)
{
	CHECK(!setup());
	struct outcome o = in_child(lookup_without_inode_lock);
	CHECK(o.aborted);
	CHECK(strstr(o.err, "inode->lock"));
	CHECK(strstr(o.err, "must be held here and is not"));
	o = in_child(write_assert_under_read_lock);
	CHECK(o.aborted);
	CHECK(strstr(o.err, "mm->mmap_lock must be held for writing"));
	CHECK(!fx_done(&fx));
}

TEST(a_read_lock_released_as_write_aborts)
{
	CHECK(!setup());
	struct outcome o = in_child(read_lock_write_unlock);
	CHECK(o.aborted);
	CHECK(strstr(o.err, "releasing mm->mmap_lock held for reading"));
	CHECK(!fx_done(&fx));
}

TEST(a_trylock_never_violates_order)
{
	CHECK(!setup());
	struct outcome o = in_child(trylock_against_order);
	CHECK(!o.aborted);
	CHECK_EQ(o.exit_code, 0);
	CHECK(!fx_done(&fx));
}

TEST(two_locks_of_one_class_nest_only_when_annotated)
{
	CHECK(!setup());
	CHECK(mmk_spawn(fx.sys, &other) > 0);
	struct outcome o = in_child(two_ptls_unannotated);
	CHECK(o.aborted);
	CHECK(strstr(o.err, "acquiring mm->ptl while holding mm->ptl"));
	o = in_child(two_ptls_nested);
	CHECK(!o.aborted);
	CHECK_EQ(o.exit_code, 0);
	CHECK(!mmk_exit(other));
	CHECK(!fx_done(&fx));
}

/* mmk_madvise used to release a read-held mmap_lock with mmap_write_unlock. */
TEST(madvise_releases_mmap_lock_in_the_mode_it_took)
{
	CHECK(!setup());
	struct outcome o = in_child(madvise_read_advice);
	CHECK(!o.aborted);
	CHECK_EQ(o.exit_code, 0);
	CHECK(!fx_done(&fx));
}

T_MAIN
