/*
 * test_mmap.c - the mmap family on the address-space layer: placement,
 * every errno of mmap in Linux's order, MAP_FIXED/NOREPLACE, munmap, the
 * map count limit, path confinement, and two independent systems in one
 * process.  Expected values are Linux's (x86-64, ASLR off, 8 MiB stack),
 * worked out from its rules, not taken from mmkit's output.
 */
#include <errno.h>

#include "mmk_test.h"

TEST(placement_top_down_below_mmap_base)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, 0, 4 * KB, RW, PA, -1, 0), BASE - 4 * KB);
	CHECK_EQ(mmk_mmap(fx.p, 0, 8 * KB, MMK_PROT_READ, PA, -1, 0), BASE - 12 * KB);
	CHECK_STR(fx_maps(fx.p), "7ffff7ffc000-7ffff7ffe000 r--p 00000000 00:00 0 \n"
				 "7ffff7ffe000-7ffff7fff000 rw-p 00000000 00:00 0 \n");
	CHECK(!fx_done(&fx));
}

TEST(adjacent_anonymous_mappings_merge)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, 0, 4 * KB, RW, PA, -1, 0), BASE - 4 * KB);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4 * KB, RW, PA, -1, 0), BASE - 8 * KB);
	CHECK_STR(fx_maps(fx.p), "7ffff7ffd000-7ffff7fff000 rw-p 00000000 00:00 0 \n");
	CHECK(!fx_done(&fx));
}

TEST(hint_is_honoured_when_free_and_skipped_when_taken)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, 0x10000000, 8 * KB, RW, PA, -1, 0), 0x10000000);
	/* An unaligned hint is rounded down. */
	CHECK_EQ(mmk_mmap(fx.p, 0x20000123, 4 * KB, RW, PA, -1, 0), 0x20000000);
	/* Occupied: the hint is ignored, the search is top-down. */
	CHECK_EQ(mmk_mmap(fx.p, 0x10001000, 4 * KB, RW, PA, -1, 0), BASE - 4 * KB);
	CHECK(!fx_done(&fx));
}

TEST(hint_below_mmap_min_addr_is_raised)
{
	struct fixture fx;
	struct mmk_config c = {.mmap_min_addr = 0x10000};
	CHECK(!fx_init_cfg(&fx, &c));
	CHECK_EQ(mmk_mmap(fx.p, 0x2000, 4 * KB, RW, PA, -1, 0), 0x10000);
	CHECK(!fx_done(&fx));
}

TEST(thp_sized_anonymous_mapping_is_2m_aligned)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	/* Search for 4 MiB + 2 MiB below BASE gives BASE - 6M; aligned up. */
	int64_t a = mmk_mmap(fx.p, 0, 4 * MB, RW, PA, -1, 0);
	CHECK_EQ(a & (2 * MB - 1), 0);
	CHECK_EQ(a, 0x7ffff7a00000);
	CHECK(!fx_done(&fx));
}

TEST(map_fixed_replaces_and_splits)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	uint64_t a = 0x10000000;
	CHECK_EQ(mmk_mmap(fx.p, a, 12 * KB, RW, PA, -1, 0), a);
	CHECK_EQ(mmk_mmap(fx.p, a + 4 * KB, 4 * KB, MMK_PROT_READ, PA | MMK_MAP_FIXED, -1, 0),
		 a + 4 * KB);
	CHECK_STR(fx_maps(fx.p), "10000000-10001000 rw-p 00000000 00:00 0 \n"
				 "10001000-10002000 r--p 00000000 00:00 0 \n"
				 "10002000-10003000 rw-p 00000000 00:00 0 \n");
	/* Putting rw back merges all three again. */
	CHECK_EQ(mmk_mmap(fx.p, a + 4 * KB, 4 * KB, RW, PA | MMK_MAP_FIXED, -1, 0), a + 4 * KB);
	CHECK_STR(fx_maps(fx.p), "10000000-10003000 rw-p 00000000 00:00 0 \n");
	CHECK(!fx_done(&fx));
}

TEST(map_fixed_noreplace)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	uint64_t a = 0x10000000;
	CHECK_EQ(mmk_mmap(fx.p, a, 8 * KB, RW, PA, -1, 0), a);
	CHECK_EQ(mmk_mmap(fx.p, a + 4 * KB, 8 * KB, RW, PA | MMK_MAP_FIXED_NOREPLACE, -1, 0),
		 -EEXIST);
	CHECK_EQ(mmk_mmap(fx.p, a + 8 * KB, 4 * KB, RW, PA | MMK_MAP_FIXED_NOREPLACE, -1, 0),
		 a + 8 * KB);
	CHECK(!fx_done(&fx));
}

TEST(mmap_errno_order)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 8192, 'x');
	int rd = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	int wr = mmk_open(fx.p, "f", MMK_O_WRONLY, 0);
	int rw = mmk_open(fx.p, "f", MMK_O_RDWR, 0);
	CHECK_EQ(rd, 3);
	CHECK_EQ(wr, 4);
	CHECK_EQ(rw, 5);
	/* The unaligned offset is checked before the fd (sys_mmap). */
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_PRIVATE, 99, 1), -EINVAL);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_PRIVATE, 99, 0), -EBADF);
	/* Length zero beats the mapping type. */
	CHECK_EQ(mmk_mmap(fx.p, 0, 0, RW, 0, rd, 0), -EINVAL);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_ANONYMOUS, -1, 0), -EINVAL);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, 0, rd, 0), -EINVAL);
	/* Lengths that wrap or exceed the address space. */
	CHECK_EQ(mmk_mmap(fx.p, 0, UINT64_MAX, RW, PA, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_mmap(fx.p, 0, 1ULL << 47, RW, PA, -1, 0), -ENOMEM);
	/* Files: a writable shared mapping of a read-only fd, anything of a
	 * write-only fd. */
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_SHARED, rd, 0), -EACCES);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_PRIVATE, wr, 0), -EACCES);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_SHARED, wr, 0), -EACCES);
	CHECK(mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_PRIVATE, rd, 0) > 0);
	CHECK(mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_SHARED, rw, 0) > 0);
	/* Offsets past MAX_LFS_FILESIZE. */
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_SHARED, rd, INT64_MAX & ~4095LL),
		 -EOVERFLOW);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_SHARED, rd, -4096), -EOVERFLOW);
	/* MAP_SHARED_VALIDATE refuses flags MAP_SHARED would ignore (0x800000
	 * is no x86-64 flag); MAP_32BIT is in x86's LEGACY_MAP_MASK. */
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_SHARED_VALIDATE | 0x800000, rd, 0),
		 -EOPNOTSUPP);
	CHECK(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_SHARED | 0x800000, rd, 0) > 0);
	CHECK(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_SHARED_VALIDATE | MMK_MAP_32BIT, rd,
		       0) > 0);
	/* A directory and the null device cannot be mapped. */
	mkdir(strcat(strcpy((char[128]){0}, fx.dir), "/d"), 0755);
	int d = mmk_open(fx.p, "d", MMK_O_RDONLY, 0);
	CHECK(d >= 0);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_PRIVATE, d, 0), -ENODEV);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_PRIVATE, 0, 0), -ENODEV);
	/* MAP_FIXED: beyond TASK_SIZE, unaligned, below mmap_min_addr. */
	CHECK_EQ(mmk_mmap(fx.p, 0x7ffffffff000, 8192, RW, PA | MMK_MAP_FIXED, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_mmap(fx.p, 0x10000100, 4096, RW, PA | MMK_MAP_FIXED, -1, 0), -EINVAL);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, PA | MMK_MAP_FIXED, -1, 0), -EPERM);
	CHECK_EQ(mmk_mmap(fx.p, 0x1000, 4096, RW, PA | MMK_MAP_FIXED, -1, 0), 0x1000);
	/* GROWSDOWN is for private anonymous memory only. */
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_SHARED | MMK_MAP_ANONYMOUS | MMK_MAP_GROWSDOWN,
			  -1, 0),
		 -EINVAL);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, MMK_PROT_READ, MMK_MAP_PRIVATE | MMK_MAP_GROWSDOWN, rd, 0),
		 -EINVAL);
	CHECK(!fx_done(&fx));
}

TEST(map_32bit_is_placed_in_the_second_gigabyte)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, PA | MMK_MAP_32BIT, -1, 0), 0x40000000);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, PA | MMK_MAP_32BIT, -1, 0), 0x40001000);
	CHECK(!fx_done(&fx));
}

TEST(munmap_partial_holes_and_spans)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	uint64_t a = 0x10000000;
	CHECK_EQ(mmk_mmap(fx.p, a, 16 * KB, RW, PA, -1, 0), a);
	CHECK_EQ(mmk_munmap(fx.p, a + 4 * KB, 4 * KB), 0);
	CHECK_STR(fx_maps(fx.p), "10000000-10001000 rw-p 00000000 00:00 0 \n"
				 "10002000-10004000 rw-p 00000000 00:00 0 \n");
	/* Spanning the hole and part of the next VMA; length not page aligned. */
	CHECK_EQ(mmk_munmap(fx.p, a, 3 * 4096 - 100), 0);
	CHECK_STR(fx_maps(fx.p), "10003000-10004000 rw-p 00000000 00:00 0 \n");
	/* Nothing mapped there: still success. */
	CHECK_EQ(mmk_munmap(fx.p, 0x50000000, 4096), 0);
	CHECK_EQ(mmk_munmap(fx.p, a + 1, 4096), -EINVAL);
	CHECK_EQ(mmk_munmap(fx.p, a, 0), -EINVAL);
	CHECK_EQ(mmk_munmap(fx.p, 0x7ffffffff000, 8192), -EINVAL);
	CHECK_EQ(mmk_munmap(fx.p, a, UINT64_MAX), -EINVAL);
	/* munmap never merges: refilling a hole between equal VMAs with munmap
	 * of a different VMA leaves them apart. */
	CHECK(!fx_done(&fx));
}

TEST(max_map_count_limits_mmap_and_splits)
{
	struct fixture fx;
	struct mmk_config c = {.max_map_count = 4};
	CHECK(!fx_init_cfg(&fx, &c));
	uint64_t a = 0x10000000;
	/* Alternate protections so nothing merges. */
	for (int i = 0; i < 5; i++)
		CHECK_EQ(mmk_mmap(fx.p, a + (uint64_t)i * 8192, 4096, i & 1 ? MMK_PROT_READ : RW,
				  PA, -1, 0),
			 a + (uint64_t)i * 8192);
	/* map_count 5 > 4: refused (Linux checks map_count > max). */
	CHECK_EQ(mmk_mmap(fx.p, a + 0x100000, 4096, RW, PA, -1, 0), -ENOMEM);
	CHECK_EQ(mmk_munmap(fx.p, a, 4096), 0);
	CHECK_EQ(mmk_munmap(fx.p, a + 8192, 4096), 0);
	CHECK_EQ(mmk_mmap(fx.p, a + 0x100000, 12288, RW, PA, -1, 0), a + 0x100000);
	/* 4 VMAs: a split in the middle would make 5 >= ... refused. */
	CHECK_EQ(mmk_munmap(fx.p, a + 0x101000, 4096), -ENOMEM);
	CHECK(!fx_done(&fx));
}

TEST(paths_stay_inside_the_root)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_open(fx.p, "../etc/passwd", MMK_O_RDONLY, 0), -EACCES);
	CHECK_EQ(mmk_open(fx.p, "/etc/passwd", MMK_O_RDONLY, 0), -EACCES);
	char link[256];
	snprintf(link, sizeof(link), "%s/escape", fx.dir);
	CHECK(symlink("/etc/passwd", link) == 0);
	CHECK_EQ(mmk_open(fx.p, "escape", MMK_O_RDONLY, 0), -EACCES);
	CHECK_EQ(mmk_open(fx.p, "missing", MMK_O_RDONLY, 0), -ENOENT);
	CHECK_EQ(mmk_open(fx.p, "", MMK_O_RDONLY, 0), -ENOENT);
	CHECK_EQ(mmk_unlink(fx.p, "../x"), -EACCES);
	CHECK_EQ(mmk_open(fx.p, "new", MMK_O_RDWR | MMK_O_CREAT, 0644), 3);
	CHECK_EQ(mmk_open(fx.p, "sub/../new", MMK_O_RDONLY, 0), -ENOENT);
	CHECK(!fx_done(&fx));
}

TEST(two_systems_are_independent)
{
	struct fixture a, b;
	CHECK(!fx_init(&a));
	CHECK(!fx_init(&b));
	CHECK_EQ(mmk_mmap(a.p, 0, 4096, RW, PA, -1, 0), BASE - 4096);
	CHECK_EQ(mmk_mmap(b.p, 0, 8192, RW, PA, -1, 0), BASE - 8192);
	CHECK_STR(fx_maps(a.p), "7ffff7ffe000-7ffff7fff000 rw-p 00000000 00:00 0 \n");
	CHECK(!fx_done(&a));
	CHECK_STR(fx_maps(b.p), "7ffff7ffd000-7ffff7fff000 rw-p 00000000 00:00 0 \n");
	CHECK(!fx_done(&b));
}

T_MAIN

/* MADV_HWPOISON/SOFT_OFFLINE with CONFIG_MEMORY_FAILURE (the default): the
 * range is checked first, then CAP_SYS_ADMIN (-EPERM); without it they are
 * unknown advice. */
TEST(memory_failure_advice_follows_the_kernel_config)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 8 * KB, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a, 4 * KB, 100), -EPERM);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a, 4 * KB, 101), -EPERM);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a + 1, 4 * KB, 100), -EINVAL);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a, 0, 100), 0);
	CHECK(!fx_done(&fx));
	struct mmk_config c = {.no_memory_failure = 1};
	CHECK(!fx_init_cfg(&fx, &c));
	a = mmk_mmap(fx.p, 0, 8 * KB, RW, PA, -1, 0);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a, 4 * KB, 100), -EINVAL);
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a, 0, 101), -EINVAL);
	CHECK(!fx_done(&fx));
}

/* MAP_HUGE_1GB is a huge page size (none reserved: -ENOMEM) unless the
 * machine has no 1 GiB pages (-EINVAL). */
TEST(huge_1gb_follows_the_machine)
{
	const int f = PA | MMK_MAP_HUGETLB | (30 << 26);
	struct fixture fx;
	CHECK(!fx_init(&fx));
	CHECK_EQ(mmk_mmap(fx.p, 0, 1ULL << 30, MMK_PROT_READ, f, -1, 0), -ENOMEM);
	CHECK(!fx_done(&fx));
	struct mmk_config c = {.no_gigantic_pages = 1};
	CHECK(!fx_init_cfg(&fx, &c));
	CHECK_EQ(mmk_mmap(fx.p, 0, 1ULL << 30, MMK_PROT_READ, f, -1, 0), -EINVAL);
	CHECK_EQ(
	    mmk_mmap(fx.p, 0, 2ULL << 20, MMK_PROT_READ, PA | MMK_MAP_HUGETLB | (21 << 26), -1, 0),
	    -ENOMEM);
	CHECK(!fx_done(&fx));
}
