/*
 * test_install_host.c - a host file given by mmk_fd_install_host is shown
 * in maps as Linux shows it (what `mmkit shadow` compares, docs/SHADOW.md):
 * a file whose name is gone when it is given -- unlinked after its open, or
 * a memfd, which never had one -- is "PATH (deleted)", as Linux's d_path
 * renders an unlinked dentry; a file with its name is plain PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmk_test.h"

/* The name at the end of the maps line starting at address a. */
static const char *maps_name(mmk_proc *p, int64_t a)
{
	static char name[512];
	char prefix[32];
	snprintf(prefix, sizeof(prefix), "%08llx-", (unsigned long long)a);
	const char *m = fx_maps(p), *l = strstr(m, prefix);
	name[0] = 0;
	if (!l)
		return name;
	const char *e = strchr(l, '\n');
	size_t n = e ? (size_t)(e - l) : strlen(l);
	if (n > 73) {
		memcpy(name, l + 73, n - 73);
		name[n - 73] = 0;
	}
	return name;
}

/* Installs hfd in fx.p and maps its first page; the mapping's address. */
static int64_t map_host(struct fixture *fx, int hfd)
{
	int fd = mmk_fd_install_host(fx->p, hfd, 0);
	if (fd < 0)
		return fd;
	return mmk_mmap(fx->p, 0, 4096, MMK_PROT_READ, MMK_MAP_SHARED, fd, 0);
}

TEST(named_file_is_plain)
{
	struct fixture fx, other;
	CHECK(fx_init(&fx) == 0);
	CHECK(fx_init(&other) == 0);
	fx_file(&other, "kept", 4096, 1);
	char path[300];
	snprintf(path, sizeof(path), "%s/kept", other.dir);
	int hfd = open(path, O_RDONLY);
	CHECK(hfd >= 0);
	int64_t a = map_host(&fx, hfd);
	CHECK(a > 0);
	CHECK_STR(maps_name(fx.p, a), path);
	close(hfd);
	CHECK(fx_done(&fx) == 0);
	CHECK(fx_done(&other) == 0);
}

TEST(unlinked_file_is_deleted)
{
	struct fixture fx, other;
	CHECK(fx_init(&fx) == 0);
	CHECK(fx_init(&other) == 0);
	fx_file(&other, "gone", 4096, 1);
	char path[300], want[320];
	snprintf(path, sizeof(path), "%s/gone", other.dir);
	int hfd = open(path, O_RDONLY);
	CHECK(hfd >= 0);
	CHECK_EQ(unlink(path), 0);
	int64_t a = map_host(&fx, hfd);
	CHECK(a > 0);
	snprintf(want, sizeof(want), "%s (deleted)", path);
	CHECK_STR(maps_name(fx.p, a), want);
	close(hfd);
	CHECK(fx_done(&fx) == 0);
	CHECK(fx_done(&other) == 0);
}

TEST(memfd_is_deleted)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	int hfd = memfd_create("mmkit-test", 0);
	CHECK(hfd >= 0);
	CHECK_EQ(ftruncate(hfd, 4096), 0);
	int64_t a = map_host(&fx, hfd);
	CHECK(a > 0);
	CHECK_STR(maps_name(fx.p, a), "/memfd:mmkit-test (deleted)");
	close(hfd);
	CHECK(fx_done(&fx) == 0);
}

T_MAIN
