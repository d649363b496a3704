/*
 * test_fs.c - fs.c's system calls on names and on files that are not
 * regular: unlink's trailing slashes, the mode of a created file, open's
 * retry when the host's confined resolution says -EAGAIN, and FIFOs and
 * device nodes, which must answer as Linux does without blocking the host
 * and without more host access than the simulated open asked for.  Host
 * files are made and inspected with plain system calls.
 */
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

T_MAIN
