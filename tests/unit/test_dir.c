/*
 * test_dir.c - dir.c's directory calls: mkdir, rmdir, opening a directory,
 * getdents64 and a directory's lseek, each errno Linux gives (fs/namei.c's
 * do_mkdirat and do_rmdir, fs/readdir.c's getdents64, open(2)), fstat of a
 * directory, and the attempts to leave the root through "..", absolute
 * paths and symlinks, which must fail without touching the host outside.
 * Host directories are made and inspected with plain system calls.
 */
#include <dirent.h>
#include <stddef.h>

#include "internal.h"
#include "page_test.h"

/* The host path of NAME in the fixture's root. */
static const char *hpath(struct fixture *fx, const char *name)
{
	static char path[256];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	return path;
}

/* Whether the host path exists (not followed), and is a directory. */
static bool host_is_dir(const char *path)
{
	struct stat st;
	return !lstat(path, &st) && S_ISDIR(st.st_mode);
}

static bool host_exists(const char *path)
{
	struct stat st;
	return !lstat(path, &st);
}

struct dirent64_rec {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/*
 * Every name the directory open on fd lists from its position on, read
 * with a buffer of bufsz bytes, joined sorted by ',' into out (the order
 * is the file system's).  Checks each record's shape on the way.  Returns
 * the number of names, the first error, or -1000 for a malformed record.
 */
static int list_dir(mmk_proc *p, int fd, size_t bufsz, char *out, size_t outsz)
{
	char names[64][64];
	int n = 0;
	char buf[4096];
	int64_t got;
	while ((got = mmk_getdents64(p, fd, buf, bufsz)) > 0) {
		for (int64_t off = 0; off < got;) {
			struct dirent64_rec *d = (void *)(buf + off);
			if (d->d_reclen % 8 || d->d_ino == 0 || off + d->d_reclen > got ||
			    d->d_reclen <
				offsetof(struct dirent64_rec, d_name) + strlen(d->d_name) + 1)
				return -1000;
			if (n < 64)
				snprintf(names[n++], 64, "%s%s", d->d_name,
					 d->d_type == DT_DIR   ? "/"
					 : d->d_type == DT_LNK ? "@"
							       : "");
			off += d->d_reclen;
		}
	}
	if (got < 0)
		return (int)got;
	qsort(names, n, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
	out[0] = 0;
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), outsz - strlen(out), "%s%s", i ? "," : "", names[i]);
	return n;
}

/* do_mkdirat(): the errnos, the mode, trailing slashes. */
TEST(mkdir_makes_directories_with_linux_errors)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4, 'f');
	mode_t old = umask(022);
	CHECK_EQ(mmk_mkdir(fx.p, "d", 0777), 0);
	CHECK(host_is_dir(hpath(&fx, "d")));
	struct stat st;
	CHECK(!stat(hpath(&fx, "d"), &st));
	CHECK_EQ(st.st_mode & 07777, 0755); /* less the umask */
	CHECK_EQ(mmk_mkdir(fx.p, "d/e/", 01777 | 0170000),
		 0); /* trailing slash; high bits dropped */
	CHECK(!stat(hpath(&fx, "d/e"), &st));
	CHECK_EQ(st.st_mode & 07777, 01755);
	umask(old);
	CHECK_EQ(mmk_mkdir(fx.p, "d", 0755), -EEXIST);
	CHECK_EQ(mmk_mkdir(fx.p, "f", 0755), -EEXIST);
	CHECK_EQ(mmk_mkdir(fx.p, "d/.", 0755), -EEXIST);
	CHECK_EQ(mmk_mkdir(fx.p, "d/..", 0755), -EEXIST);
	CHECK_EQ(mmk_mkdir(fx.p, ".", 0755), -EEXIST);
	CHECK_EQ(mmk_mkdir(fx.p, "/", 0755), -EEXIST);
	CHECK_EQ(mmk_mkdir(fx.p, "nx/a", 0755), -ENOENT);
	CHECK_EQ(mmk_mkdir(fx.p, "f/a", 0755), -ENOTDIR);
	CHECK_EQ(mmk_mkdir(fx.p, "", 0755), -ENOENT);
	CHECK_EQ(mmk_mkdir(fx.p, NULL, 0755), -EFAULT);
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	CHECK_EQ(mmk_mkdir(fx.p, longname, 0755), -ENAMETOOLONG);
	CHECK_EQ(mmk_mkdir(NULL, "x", 0755), -EINVAL);
	CHECK(!fx_done(&fx));
}

/* do_rmdir(): ".", "..", the root, files, symlinks, non-empty directories. */
TEST(rmdir_removes_empty_directories_with_linux_errors)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4, 'f');
	CHECK(!mkdir(hpath(&fx, "d"), 0755));
	CHECK(!mkdir(hpath(&fx, "d/sub"), 0755));
	CHECK(!mkdir(hpath(&fx, "e"), 0755));
	CHECK(!symlink("e", hpath(&fx, "le")));
	CHECK_EQ(mmk_rmdir(fx.p, "d"), -ENOTEMPTY);
	CHECK_EQ(mmk_rmdir(fx.p, "f"), -ENOTDIR);
	CHECK_EQ(mmk_rmdir(fx.p, "f/"), -ENOTDIR);
	CHECK_EQ(mmk_rmdir(fx.p, "le"), -ENOTDIR); /* the link is not followed */
	CHECK(host_is_dir(hpath(&fx, "e")));
	CHECK_EQ(mmk_rmdir(fx.p, "nx"), -ENOENT);
	CHECK_EQ(mmk_rmdir(fx.p, "nx/a"), -ENOENT);
	CHECK_EQ(mmk_rmdir(fx.p, "f/a"), -ENOTDIR);
	CHECK_EQ(mmk_rmdir(fx.p, "d/sub/."), -EINVAL);
	CHECK_EQ(mmk_rmdir(fx.p, "."), -EINVAL);
	CHECK_EQ(mmk_rmdir(fx.p, "d/sub/.."), -ENOTEMPTY);
	CHECK_EQ(mmk_rmdir(fx.p, ".."), -ENOTEMPTY);
	CHECK_EQ(mmk_rmdir(fx.p, "/"), -EBUSY);
	CHECK_EQ(mmk_rmdir(fx.p, "//"), -EBUSY);
	CHECK_EQ(mmk_rmdir(fx.p, ""), -ENOENT);
	CHECK_EQ(mmk_rmdir(fx.p, NULL), -EFAULT);
	CHECK(host_is_dir(hpath(&fx, "d/sub")));
	CHECK_EQ(mmk_rmdir(fx.p, "d/sub/"), 0);
	CHECK(!host_exists(hpath(&fx, "d/sub")));
	CHECK_EQ(mmk_rmdir(fx.p, "d"), 0);
	CHECK_EQ(mmk_rmdir(fx.p, "d"), -ENOENT);
	/* unlink of a directory and of the root stays -EISDIR */
	CHECK_EQ(mmk_unlink(fx.p, "e"), -EISDIR);
	CHECK_EQ(mmk_unlink(fx.p, "/"), -EISDIR);
	CHECK(host_exists(hpath(&fx, "f")) && host_is_dir(hpath(&fx, "e")));
	CHECK(!fx_done(&fx));
}

/* Whether the inode table holds an inode of the host file numbered ino. */
static bool cached(struct fixture *fx, ino_t ino)
{
	for (int i = 0; i < INODE_HASH_SIZE; i++)
		for (struct mmk_inode *in = fx->sys->inodes[i]; in; in = in->hash_next)
			if (in->ino == ino)
				return true;
	return false;
}

/* A removed directory leaves the inode table (as an unlinked file does):
 * its number may come back as a regular file's, which must not find a
 * directory's inode. */
TEST(rmdir_drops_the_cached_inode)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mkdir(fx.p, "d", 0755), 0);
	struct stat st;
	CHECK(!stat(hpath(&fx, "d"), &st));
	int fd = mmk_open(fx.p, "d", MMK_O_RDONLY | MMK_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK(cached(&fx, st.st_ino)); /* idle, as a closed file's */
	CHECK_EQ(mmk_rmdir(fx.p, "d"), 0);
	CHECK(!cached(&fx, st.st_ino));
	CHECK(!fx_done(&fx));
}

/* A directory removed outside mmkit while its inode is cached, its number
 * then a regular file's: the file gets an inode of its own, not the
 * directory's (simulated: a file's stat with the directory's number). */
TEST(reused_number_of_another_kind_gets_a_new_inode)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mkdir(fx.p, "d", 0755), 0);
	struct stat dst, fst;
	CHECK(!stat(hpath(&fx, "d"), &dst));
	int fd = mmk_open(fx.p, "d", MMK_O_RDONLY | MMK_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK(cached(&fx, dst.st_ino));
	fx_file(&fx, "f", 4, 'f');
	int hfd = open(hpath(&fx, "f"), O_RDONLY);
	CHECK(hfd >= 0);
	CHECK(!fstat(hfd, &fst));
	fst.st_dev = dst.st_dev;
	fst.st_ino = dst.st_ino;
	int err = 0;
	struct mmk_inode *in = inode_for_hostfd(fx.sys, hfd, &fst, "/f", false, &err);
	CHECK(in != NULL);
	CHECK(!in->nommap);
	CHECK_EQ(in->size, 4);
	inode_put(in);
	close(hfd);
	CHECK(!fx_done(&fx));
}

/* open(2) of a directory: read-only only; O_DIRECTORY refuses the rest. */
TEST(open_directory_read_only_and_o_directory)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4, 'f');
	CHECK(!mkdir(hpath(&fx, "d"), 0755));
	CHECK_EQ(mmk_open(fx.p, "d", MMK_O_WRONLY, 0), -EISDIR);
	CHECK_EQ(mmk_open(fx.p, "d", MMK_O_RDWR, 0), -EISDIR);
	CHECK_EQ(mmk_open(fx.p, "d", MMK_O_RDONLY | MMK_O_CREAT, 0644), -EISDIR);
	CHECK_EQ(mmk_open(fx.p, "f", MMK_O_RDONLY | MMK_O_DIRECTORY, 0), -ENOTDIR);
	CHECK_EQ(mmk_open(fx.p, "f/", MMK_O_RDONLY, 0), -ENOTDIR);
	CHECK_EQ(mmk_open(fx.p, "nx", MMK_O_RDONLY | MMK_O_DIRECTORY, 0), -ENOENT);
	CHECK_EQ(mmk_open(fx.p, "d", MMK_O_WRONLY | MMK_O_DIRECTORY, 0), -EISDIR);
	int fd = mmk_open(fx.p, "d", MMK_O_RDONLY | MMK_O_DIRECTORY, 0644); /* mode ignored */
	CHECK(fd >= 0);
	char b[8];
	CHECK_EQ(mmk_read(fx.p, fd, b, sizeof(b)), -EISDIR);
	CHECK_EQ(mmk_pread(fx.p, fd, b, sizeof(b), 0), -EISDIR);
	CHECK_EQ(mmk_write(fx.p, fd, b, 1), -EBADF);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_PRIVATE, fd, 0), -ENODEV);
	struct mmk_stat st;
	CHECK_EQ(mmk_fstat(fx.p, fd, &st), 0);
	CHECK(S_ISDIR(st.mode));
	struct stat hst;
	CHECK(!stat(hpath(&fx, "d"), &hst));
	CHECK_EQ(st.ino, hst.st_ino);
	CHECK_EQ(mmk_fstat(fx.p, fd, NULL), -EFAULT);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	fd = mmk_open(fx.p, ".", MMK_O_RDONLY | MMK_O_DIRECTORY, 0); /* the root itself */
	CHECK(fd >= 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK(!fx_done(&fx));
}

/* fstat(2) of a file: the host's facts with mmkit's size. */
TEST(fstat_of_a_file_has_the_cached_size)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 4, 'f');
	int fd = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "abcdefgh", 8, 8192), 8);
	struct mmk_stat st;
	CHECK_EQ(mmk_fstat(fx.p, fd, &st), 0);
	CHECK(S_ISREG(st.mode));
	CHECK_EQ(st.size, 8200);
	CHECK_EQ(st.nlink, 1);
	CHECK_EQ(mmk_fstat(fx.p, 0, &st), 0); /* the null device */
	CHECK(S_ISCHR(st.mode));
	CHECK_EQ(mmk_fstat(fx.p, 99, &st), -EBADF);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK(!fx_done(&fx));
}

/* getdents64(2): records, ".", "..", EINVAL, ENOTDIR, the rewind. */
TEST(getdents64_lists_a_directory)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK(!mkdir(hpath(&fx, "d"), 0755));
	CHECK(!mkdir(hpath(&fx, "d/sub"), 0755));
	CHECK(!symlink("sub", hpath(&fx, "d/ln")));
	for (int i = 0; i < 20; i++) {
		char name[32];
		snprintf(name, sizeof(name), "d/file%02d", i);
		fx_file(&fx, name, 1, 'x');
	}
	int fd = mmk_open(fx.p, "d", MMK_O_RDONLY | MMK_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	char names[4096];
	CHECK_EQ(list_dir(fx.p, fd, 4096, names, sizeof(names)), 24);
	CHECK(!strncmp(names, "../,./,file00,file01,", 21));
	CHECK(strstr(names, ",file19,ln@,sub/") != NULL);
	char b[4096];
	CHECK_EQ(mmk_getdents64(fx.p, fd, b, sizeof(b)), 0); /* at the end */
	CHECK_EQ(mmk_lseek(fx.p, fd, 0, SEEK_SET), 0);	     /* rewinds */
	/* a small buffer: one record at a time, the same names */
	char again[4096];
	CHECK_EQ(list_dir(fx.p, fd, 32, again, sizeof(again)), 24);
	CHECK(!strcmp(names, again));
	CHECK_EQ(mmk_lseek(fx.p, fd, 0, SEEK_SET), 0);
	CHECK_EQ(mmk_getdents64(fx.p, fd, b, 8), -EINVAL); /* too small for any record */
	CHECK_EQ(mmk_getdents64(fx.p, fd, NULL, 100), -EFAULT);
	/* d_off is the position after the record, which lseek returns to */
	int64_t n = mmk_getdents64(fx.p, fd, b, 32);
	CHECK(n > 0);
	struct dirent64_rec *first = (void *)b;
	int64_t pos = mmk_lseek(fx.p, fd, 0, SEEK_CUR);
	CHECK_EQ(pos, first->d_off);
	char next1[4096], next2[4096];
	CHECK(mmk_getdents64(fx.p, fd, b, 32) > 0);
	snprintf(next1, sizeof(next1), "%s", ((struct dirent64_rec *)b)->d_name);
	CHECK_EQ(mmk_lseek(fx.p, fd, pos, SEEK_SET), pos);
	CHECK(mmk_getdents64(fx.p, fd, b, 32) > 0);
	snprintf(next2, sizeof(next2), "%s", ((struct dirent64_rec *)b)->d_name);
	CHECK(!strcmp(next1, next2));
	/* two opens of one directory keep their own positions */
	int64_t before = mmk_lseek(fx.p, fd, 0, SEEK_CUR);
	int fd2 = mmk_open(fx.p, "d", MMK_O_RDONLY, 0);
	CHECK(fd2 >= 0);
	char whole[4096];
	CHECK_EQ(list_dir(fx.p, fd2, 4096, whole, sizeof(whole)), 24);
	CHECK_EQ(mmk_lseek(fx.p, fd, 0, SEEK_CUR), before);
	CHECK_EQ(list_dir(fx.p, fd, 4096, whole, sizeof(whole)), 22); /* the 22 after two */
	CHECK_EQ(mmk_close(fx.p, fd2), 0);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	/* not a directory */
	fx_file(&fx, "f", 4, 'f');
	int ffd = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	CHECK(ffd >= 0);
	CHECK_EQ(mmk_getdents64(fx.p, ffd, b, sizeof(b)), -ENOTDIR);
	CHECK_EQ(mmk_close(fx.p, ffd), 0);
	CHECK_EQ(mmk_getdents64(fx.p, 0, b, sizeof(b)), -ENOTDIR); /* the null device */
	CHECK_EQ(mmk_getdents64(fx.p, 77, b, sizeof(b)), -EBADF);
	CHECK_EQ(mmk_getdents64(fx.p, -1, b, sizeof(b)), -EBADF);
	CHECK(!fx_done(&fx));
}

/* An empty directory lists "." and ".." only; a directory removed while
 * open is -ENOENT (iterate_dir's IS_DEADDIR). */
TEST(getdents64_of_an_empty_and_a_removed_directory)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mkdir(fx.p, "e", 0755), 0);
	int fd = mmk_open(fx.p, "e", MMK_O_RDONLY | MMK_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	char names[256];
	CHECK_EQ(list_dir(fx.p, fd, 4096, names, sizeof(names)), 2);
	CHECK(!strcmp(names, "../,./"));
	CHECK_EQ(mmk_rmdir(fx.p, "e"), 0);
	CHECK_EQ(mmk_lseek(fx.p, fd, 0, SEEK_SET), 0);
	CHECK_EQ(list_dir(fx.p, fd, 4096, names, sizeof(names)), -ENOENT);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	CHECK(!fx_done(&fx));
}

/*
 * Escapes: "..", absolute paths, absolute and relative symlinks to a
 * directory outside the root, as a middle component and as the last one.
 * Every attempt fails, and the outside directory is exactly as it was.
 */
TEST(directory_calls_never_leave_the_root)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	static char out[80]; /* static: the harness removes it if a check fails */
	snprintf(out, sizeof(out), "%s.out", fx.dir);
	rm_rf(out);
	CHECK(!mkdir(out, 0755));
	t_defer(fx_dir_cleanup, out);
	char sub[128], made[128];
	snprintf(sub, sizeof(sub), "%s/sub", out);
	snprintf(made, sizeof(made), "%s/new", out);
	CHECK(!mkdir(sub, 0755));
	const char *base = strrchr(out, '/') + 1;
	char rel[128];
	snprintf(rel, sizeof(rel), "../%s", base);
	CHECK(!symlink(out, hpath(&fx, "abs")));
	CHECK(!symlink(rel, hpath(&fx, "rel")));
	CHECK(!mkdir(hpath(&fx, "in"), 0755));
	char up[160];
	snprintf(up, sizeof(up), "../../%s", base);
	CHECK(!symlink(up, hpath(&fx, "in/up")));

	const char *mk[] = {"abs/new", "rel/new", "in/up/new", "../new", "in/../../new", NULL};
	for (int i = 0; mk[i]; i++) {
		int e = mmk_mkdir(fx.p, mk[i], 0755);
		CHECK(e == -EACCES || e == -ENOENT);
	}
	char absnew[160];
	snprintf(absnew, sizeof(absnew), "%s/new", out);
	CHECK_EQ(mmk_mkdir(fx.p, absnew, 0755), -EACCES);
	CHECK(!host_exists(made));

	char relsub[160], abssub[160];
	snprintf(relsub, sizeof(relsub), "../%s/sub", base);
	const char *rm[] = {"abs/sub", "rel/sub", "in/up/sub", relsub, NULL};
	for (int i = 0; rm[i]; i++) {
		int e = mmk_rmdir(fx.p, rm[i]);
		CHECK(e == -EACCES || e == -ENOENT);
	}
	CHECK_EQ(mmk_rmdir(fx.p, sub), -EACCES);
	snprintf(abssub, sizeof(abssub), "%s/sub", out);
	CHECK(host_is_dir(abssub));
	/* as a last component a symlink is itself: never followed */
	CHECK_EQ(mmk_rmdir(fx.p, "abs"), -ENOTDIR);
	CHECK_EQ(mmk_rmdir(fx.p, "rel/"), -ENOTDIR);
	CHECK_EQ(mmk_mkdir(fx.p, "abs", 0755), -EEXIST);
	CHECK_EQ(mmk_mkdir(fx.p, "rel/", 0755), -EEXIST);
	CHECK(host_is_dir(sub) && host_exists(hpath(&fx, "abs")));

	/* nor can a directory outside be opened or listed */
	const char *op[] = {"abs", "rel", "in/up", "..", "in/../..", NULL};
	for (int i = 0; op[i]; i++) {
		int e = mmk_open(fx.p, op[i], MMK_O_RDONLY | MMK_O_DIRECTORY, 0);
		CHECK(e == -EACCES || e == -ENOENT);
	}
	CHECK_EQ(mmk_open(fx.p, out, MMK_O_RDONLY | MMK_O_DIRECTORY, 0), -EACCES);
	int fd = mmk_open(fx.p, ".", MMK_O_RDONLY | MMK_O_DIRECTORY, 0);
	CHECK(fd >= 0);
	char names[512];
	CHECK_EQ(list_dir(fx.p, fd, 4096, names, sizeof(names)), 5);
	CHECK(!strcmp(names, "../,./,abs@,in/,rel@"));
	CHECK_EQ(mmk_close(fx.p, fd), 0);

	CHECK(host_is_dir(sub) && !host_exists(made));
	t_undefer(out);
	rm_rf(out);
	CHECK(!fx_done(&fx));
}

T_MAIN
