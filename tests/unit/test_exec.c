/*
 * test_exec.c - mmk_execve on ELF files the tests write byte by byte, for
 * both architecture profiles: the layout exec builds (segments, bss, break,
 * stack, vDSO, gate page), every bad header with the errno Linux gives it
 * (and the process untouched before the point of no return, killed after
 * it), ETXTBSY, E2BIG, close-on-exec, execveat of an fd, the vDSO image,
 * AT_RANDOM's seed, and mmk_fd_install_host never writing its file.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "mmk_test.h"

#define EM_X86 62
#define EM_RV  243

/* A program image: an ELF header, up to 8 program headers, and the rest
 * of a 0x3000-byte file filled with 0xAA. */
struct img {
	unsigned char b[0x3000];
	size_t len;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
};

/*
 * A valid static ET_EXEC for machine m:
 *   PT_LOAD r-x: offset 0, vaddr 0x400000, filesz = memsz = 0x1000
 *   PT_LOAD rw-: offset 0x1800, vaddr 0x402800, filesz 0x900, memsz 0x4000
 *     (its last file page, 0x403000, holds 0x100 file bytes, then zeros;
 *     the bss goes on to 0x406800)
 *   PT_GNU_STACK rw-
 */
static void img_static(struct img *im, uint16_t m)
{
	memset(im->b, 0xAA, sizeof(im->b));
	im->len = sizeof(im->b);
	im->eh = (Elf64_Ehdr *)im->b;
	im->ph = (Elf64_Phdr *)(im->b + sizeof(Elf64_Ehdr));
	memset(im->b, 0, 0x400);
	Elf64_Ehdr *eh = im->eh;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = m;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x400100;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	im->ph[0] = (Elf64_Phdr){.p_type = PT_LOAD,
				 .p_flags = PF_R | PF_X,
				 .p_offset = 0,
				 .p_vaddr = 0x400000,
				 .p_filesz = 0x1000,
				 .p_memsz = 0x1000,
				 .p_align = 0x1000};
	im->ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
				 .p_flags = PF_R | PF_W,
				 .p_offset = 0x1800,
				 .p_vaddr = 0x402800,
				 .p_filesz = 0x900,
				 .p_memsz = 0x4000,
				 .p_align = 0x1000};
	im->ph[2] = (Elf64_Phdr){.p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W};
}

/* Adds a PT_INTERP naming path (stored at file offset 0x300). */
static void img_interp(struct img *im, const char *path)
{
	size_t n = strlen(path) + 1;
	memcpy(im->b + 0x300, path, n);
	im->ph[im->eh->e_phnum++] = (Elf64_Phdr){.p_type = PT_INTERP,
						 .p_flags = PF_R,
						 .p_offset = 0x300,
						 .p_vaddr = 0x400300,
						 .p_filesz = n,
						 .p_memsz = n,
						 .p_align = 1};
}

/* Makes the image an ET_DYN linked at 0 (a PIE, or a loader). */
static void img_dyn(struct img *im)
{
	im->eh->e_type = ET_DYN;
	im->eh->e_entry = 0x100;
	im->ph[0].p_vaddr = 0;
	im->ph[1].p_vaddr = 0x2800;
}

static void put(struct fixture *fx, const char *name, const struct img *im, mode_t mode)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	unlink(path);
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
	if (write(fd, im->b, im->len) != (ssize_t)im->len)
		perror("write");
	close(fd);
	chmod(path, mode);
}

static int init(struct fixture *fx, int arch)
{
	struct mmk_config cfg = {.arch = arch};
	return fx_init_cfg(fx, &cfg);
}

/* Whether maps has a line starting with prefix ("start-end perms") and
 * ending with name (NULL: no name). */
static bool has_line(const char *maps, const char *prefix, const char *name)
{
	for (const char *l = maps; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (!strncmp(l, prefix, strlen(prefix))) {
			if (!name)
				return l[n - 1] == ' ';
			size_t k = strlen(name);
			return n >= k && !memcmp(l + n - k, name, k);
		}
		l += n + (e ? 1 : 0);
	}
	return false;
}

static const char *const ARGV[] = {"prog", "a1", NULL};
static const char *const ENVP[] = {"K=V", NULL};

/* The static image's layout, the same on both profiles but for the top. */
static void check_static_layout(int arch)
{
	struct fixture fx;
	struct img im;
	CHECK(init(&fx, arch) == 0);
	img_static(&im, arch == MMK_ARCH_X86_64 ? EM_X86 : EM_RV);
	put(&fx, "prog", &im, 0755);
	struct mmk_exec_info info;
	CHECK_EQ(mmk_execve(fx.p, "/prog", ARGV, ENVP, &info), 0);
	const char *m = fx_maps(fx.p);
	CHECK(has_line(m, "00400000-00401000 r-xp 00000000 ", "/prog"));
	CHECK(has_line(m, "00402000-00404000 rw-p 00001000 ", "/prog"));      /* 0x1800 - 0x800 */
	CHECK(has_line(m, "00404000-00407000 rw-p 00000000 00:00 0 ", NULL)); /* bss, not [heap] */
	CHECK_EQ(info.entry, 0x400100);
	CHECK_EQ(info.load_bias, 0);
	CHECK_EQ(info.interp_base, 0);
	CHECK_EQ(info.start_brk, 0x407000);
	CHECK_EQ(info.phdr, 0x400040);
	CHECK_EQ(info.phnum, 3);
	CHECK_EQ(mmk_brk(fx.p, 0), 0x407000);
	/* padzero: the file's bytes up to p_filesz, zeros after, the file itself untouched */
	unsigned char b[2];
	CHECK_EQ(mmk_load(fx.p, 0x4030ff, b, 2, NULL), 0);
	CHECK_EQ(b[0], 0xAA);
	CHECK_EQ(b[1], 0);
	CHECK_EQ(mmk_load(fx.p, 0x404000, b, 1, NULL), 0);
	CHECK_EQ(b[0], 0);
	CHECK_EQ(mmk_sys_file_read(fx.sys, "prog", 0x2100, b, 1), 1);
	CHECK_EQ(b[0], 0xAA);
	/* the stack: argc, argv, envp as create_elf_tables lays them */
	uint64_t w[6];
	CHECK_EQ(info.sp & 15, 0);
	CHECK_EQ(mmk_load(fx.p, info.sp, w, sizeof(w), NULL), 0);
	CHECK_EQ(w[0], 2);
	CHECK_EQ(w[3], 0);
	CHECK_EQ(w[5], 0);
	char s[8];
	CHECK_EQ(mmk_load(fx.p, w[1], s, 5, NULL), 0);
	CHECK_STR(s, "prog");
	CHECK_EQ(mmk_load(fx.p, w[4], s, 4, NULL), 0);
	CHECK_STR(s, "K=V");
	CHECK_EQ(w[2], w[1] + 5); /* argv strings follow each other */
	CHECK_EQ(info.auxv_addr, info.sp + 6 * 8);
	CHECK_EQ(info.auxv[2 * (info.auxc - 1)], AT_NULL);
	CHECK_EQ(mmk_load(fx.p, info.execfn, s, 6, NULL), 0);
	CHECK_STR(s, "/prog");
	CHECK_EQ(info.execfn, info.stack_end - 8 - 6);
	if (arch == MMK_ARCH_X86_64) {
		CHECK_EQ(info.stack_end, 0x7ffffffff000ULL);
		CHECK(has_line(m, "7ffffffde000-7ffffffff000 rw-p ", "[stack]"));
		CHECK(has_line(m, "7ffff7ff7000-7ffff7ffb000 r--p ", "[vvar]"));
		CHECK(has_line(m, "7ffff7ffb000-7ffff7ffd000 r--p ", "[vvar_vclock]"));
		CHECK(has_line(m, "7ffff7ffd000-7ffff7fff000 r-xp ", "[vdso]"));
		CHECK(has_line(m, "ffffffffff600000-ffffffffff601000 --xp ", "[vsyscall]"));
		CHECK_EQ(info.vdso_base, 0x7ffff7ffd000ULL);
		CHECK_EQ(info.auxv[0], AT_SYSINFO_EHDR);
		CHECK_EQ(info.auxv[1], 0x7ffff7ffd000ULL);
	} else {
		/* riscv64 (Sv48): the stack ends at 2^47, mmap_base 128 MiB below,
		 * no [vvar_vclock], no gate page, no platform string */
		CHECK_EQ(info.stack_end, 0x800000000000ULL);
		CHECK(has_line(m, "7ffffffdf000-800000000000 rw-p ", "[stack]"));
		CHECK(has_line(m, "7ffff7ffa000-7ffff7ffe000 r--p ", "[vvar]"));
		CHECK(has_line(m, "7ffff7ffe000-7ffff8000000 r-xp ", "[vdso]"));
		CHECK(!strstr(m, "[vvar_vclock]"));
		CHECK(!strstr(m, "[vsyscall]"));
		for (int i = 0; i < info.auxc; i++)
			CHECK(info.auxv[2 * i] != AT_PLATFORM);
		CHECK_EQ(info.auxv[2], 40); /* AT_L1I_CACHESIZE, after AT_SYSINFO_EHDR */
	}
	CHECK_STR(status_line(fx.p, "VmExe"), "VmExe:\t       4 kB");
	CHECK_STR(status_line(fx.p, "VmStk"), "VmStk:\t     132 kB");
	CHECK(fx_done(&fx) == 0);
}

TEST(static_layout_x86_64)
{
	check_static_layout(MMK_ARCH_X86_64);
}
TEST(static_layout_riscv64)
{
	check_static_layout(MMK_ARCH_RISCV64);
}

/* A PIE with an interpreter: the program at ELF_ET_DYN_BASE, the
 * interpreter (a loader: ET_DYN without PT_INTERP) where mmap puts it. */
static void check_pie(int arch, uint64_t bias, const char *interp_line)
{
	struct fixture fx;
	struct img im, ld;
	uint16_t m = arch == MMK_ARCH_X86_64 ? EM_X86 : EM_RV;
	CHECK(init(&fx, arch) == 0);
	img_static(&ld, m);
	img_dyn(&ld);
	put(&fx, "ld.so", &ld, 0755);
	img_static(&im, m);
	img_dyn(&im);
	img_interp(&im, "/ld.so");
	put(&fx, "pie", &im, 0755);
	struct mmk_exec_info info;
	CHECK_EQ(mmk_execve(fx.p, "pie", ARGV, ENVP, &info), 0);
	CHECK_EQ(info.load_bias, bias);
	CHECK_EQ(info.start_brk, bias + 0x7000);
	CHECK(info.interp_base != 0);
	CHECK_EQ(info.entry, info.interp_base + 0x100);
	const char *m2 = fx_maps(fx.p);
	CHECK(has_line(m2, interp_line, "/ld.so"));
	bool found_entry = false;
	for (int i = 0; i < info.auxc; i++) {
		if (info.auxv[2 * i] == AT_ENTRY)
			found_entry = info.auxv[2 * i + 1] == bias + 0x100;
		if (info.auxv[2 * i] == AT_BASE)
			CHECK_EQ(info.auxv[2 * i + 1], info.interp_base);
	}
	CHECK(found_entry);
	CHECK(fx_done(&fx) == 0);
}

TEST(pie_x86_64)
{
	check_pie(MMK_ARCH_X86_64, 0x555555554000ULL, "7ffff7ff8000-7ffff7ff9000 r-xp");
}
TEST(pie_riscv64)
{
	check_pie(MMK_ARCH_RISCV64, 0x555555555000ULL, "7ffff7ff9000-7ffff7ffa000 r-xp");
}

/* A loader run directly (static-pie, ld.so PROG): its break at ELF_ET_DYN_BASE. */
static void check_static_pie(int arch, uint64_t brk, uint64_t bias)
{
	struct fixture fx;
	struct img im;
	CHECK(init(&fx, arch) == 0);
	img_static(&im, arch == MMK_ARCH_X86_64 ? EM_X86 : EM_RV);
	img_dyn(&im);
	put(&fx, "spie", &im, 0755);
	struct mmk_exec_info info;
	CHECK_EQ(mmk_execve(fx.p, "spie", NULL, NULL, &info), 0);
	CHECK_EQ(info.start_brk, brk);
	CHECK_EQ(info.load_bias, bias); /* its 0x7000 bytes top-down from mmap_base */
	uint64_t argc;
	CHECK_EQ(mmk_load(fx.p, info.sp, &argc, 8, NULL), 0);
	CHECK_EQ(argc, 1); /* an empty argv gets "" */
	CHECK(fx_done(&fx) == 0);
}

/* The break of a loader run directly: ELF_ET_DYN_BASE page-rounded up. */
TEST(static_pie_brk_at_et_dyn_base_x86_64)
{
	check_static_pie(MMK_ARCH_X86_64, 0x555555555000ULL, 0x7ffff7ff8000ULL);
}
TEST(static_pie_brk_at_et_dyn_base_riscv64)
{
	check_static_pie(MMK_ARCH_RISCV64, 0x555555556000ULL, 0x7ffff7ff9000ULL);
}

/* Exec with the header changed by fn must fail with err before the point
 * of no return: the process keeps its mapping and is not killed. */
static void expect_early(int arch, void (*fn)(struct img *), int err)
{
	struct fixture fx;
	struct img im;
	CHECK(init(&fx, arch) == 0);
	img_static(&im, arch == MMK_ARCH_X86_64 ? EM_X86 : EM_RV);
	fn(&im);
	put(&fx, "prog", &im, 0755);
	CHECK(mmk_mmap(fx.p, 0x10000, 4096, RW, PA | MMK_MAP_FIXED, -1, 0) == 0x10000);
	CHECK_EQ(mmk_execve(fx.p, "prog", ARGV, ENVP, NULL), err);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	CHECK_EQ(count_vmas(fx.p), 1);
	CHECK(fx_done(&fx) == 0);
}

static void bad_magic(struct img *im)
{
	im->b[1] = 'X';
}
static void short_file(struct img *im)
{
	im->len = 10;
}
static void type_rel(struct img *im)
{
	im->eh->e_type = ET_REL;
}
static void type_core(struct img *im)
{
	im->eh->e_type = ET_CORE;
}
static void machine_other(struct img *im)
{
	im->eh->e_machine = im->eh->e_machine == EM_X86 ? EM_RV : EM_X86;
}
static void class32(struct img *im)
{
	im->eh->e_ident[EI_CLASS] = ELFCLASS32;
}
static void phentsize(struct img *im)
{
	im->eh->e_phentsize = 32;
}
static void phnum0(struct img *im)
{
	im->eh->e_phnum = 0;
}
static void phnum_big(struct img *im)
{
	im->eh->e_phnum = 74; /* 74 * 56 > 4096 */
}
static void phoff_eof(struct img *im)
{
	im->eh->e_phoff = 0x2fd0;
}
static void interp_short(struct img *im)
{
	img_interp(im, "/x");
	im->ph[3].p_filesz = 1;
}
static void interp_long(struct img *im)
{
	img_interp(im, "/x");
	im->ph[3].p_filesz = 4097;
}
static void interp_unterminated(struct img *im)
{
	img_interp(im, "/x");
	im->ph[3].p_filesz = 2;
}
static void interp_missing(struct img *im)
{
	img_interp(im, "/no/such/ld.so");
}
static void interp_beyond_eof(struct img *im)
{
	img_interp(im, "/x");
	im->ph[3].p_offset = 0x2ffe;
	im->ph[3].p_filesz = 16;
}
static void interp_not_elf(struct img *im)
{
	img_interp(im, "/notelf");
}
static void interp_other_machine(struct img *im)
{
	img_interp(im, "/ldother");
}
static void interp_bad_phdrs(struct img *im)
{
	img_interp(im, "/ldbadph");
}

TEST(bad_headers_x86_64)
{
	CHECK_STR(mmk_errno_name(ENOEXEC), "ENOEXEC"); /* exec's answers have names */
	CHECK_STR(mmk_errno_name(ELIBBAD), "ELIBBAD");
	expect_early(MMK_ARCH_X86_64, bad_magic, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, short_file, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, type_rel, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, type_core, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, machine_other, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, phentsize, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, phnum0, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, phnum_big, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, phoff_eof, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, interp_short, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, interp_long, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, interp_unterminated, -ENOEXEC);
	expect_early(MMK_ARCH_X86_64, interp_missing, -ENOENT);
	expect_early(MMK_ARCH_X86_64, interp_beyond_eof, -EIO);
}

TEST(bad_headers_riscv64)
{
	expect_early(MMK_ARCH_RISCV64, bad_magic, -ENOEXEC);
	expect_early(MMK_ARCH_RISCV64, type_rel, -ENOEXEC);
	expect_early(MMK_ARCH_RISCV64, machine_other, -ENOEXEC);
	/* riscv's elf_check_arch also wants ELFCLASS64; x86-64's does not look */
	expect_early(MMK_ARCH_RISCV64, class32, -ENOEXEC);
	expect_early(MMK_ARCH_RISCV64, phentsize, -ENOEXEC);
	expect_early(MMK_ARCH_RISCV64, phnum_big, -ENOEXEC);
	expect_early(MMK_ARCH_RISCV64, interp_unterminated, -ENOEXEC);
	expect_early(MMK_ARCH_RISCV64, interp_missing, -ENOENT);
}

/* The interpreter's own checks: -ELIBBAD. */
static void interp_case(int arch, void (*fn)(struct img *), int err)
{
	struct fixture fx;
	struct img im, ld;
	uint16_t m = arch == MMK_ARCH_X86_64 ? EM_X86 : EM_RV;
	CHECK(init(&fx, arch) == 0);
	fx_file(&fx, "notelf", 4096, 'x');
	img_static(&ld, m);
	machine_other(&ld);
	put(&fx, "ldother", &ld, 0755);
	img_static(&ld, m);
	ld.eh->e_phentsize = 55;
	put(&fx, "ldbadph", &ld, 0755);
	char path[300];
	snprintf(path, sizeof(path), "%s/notelf", fx.dir);
	chmod(path, 0755);
	img_static(&im, m);
	fn(&im);
	put(&fx, "prog", &im, 0755);
	CHECK_EQ(mmk_execve(fx.p, "prog", ARGV, ENVP, NULL), err);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	CHECK(fx_done(&fx) == 0);
}

TEST(bad_interpreter_elibbad)
{
	for (int arch = 0; arch <= MMK_ARCH_RISCV64; arch++) {
		interp_case(arch, interp_not_elf, -ELIBBAD);
		interp_case(arch, interp_other_machine, -ELIBBAD);
		interp_case(arch, interp_bad_phdrs, -ELIBBAD);
	}
}

/* Failures of the file itself: missing, a directory, not executable. */
TEST(open_errors)
{
	struct fixture fx;
	struct img im;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	img_static(&im, EM_X86);
	put(&fx, "noexec", &im, 0644);
	mkdir(strcat(strcpy((char[300]){0}, fx.dir), "/dir"), 0755);
	CHECK_EQ(mmk_execve(fx.p, "missing", NULL, NULL, NULL), -ENOENT);
	CHECK_EQ(mmk_execve(fx.p, "dir", NULL, NULL, NULL), -EACCES);
	CHECK_EQ(mmk_execve(fx.p, "noexec", NULL, NULL, NULL), -EACCES);
	CHECK_EQ(mmk_execve(fx.p, "", NULL, NULL, NULL), -ENOENT);
	CHECK_EQ(mmk_execveat(fx.p, 0, "", NULL, NULL, 0x1, NULL), -EINVAL);
	CHECK_EQ(mmk_execveat(fx.p, 5, "rel", NULL, NULL, 0, NULL), -EOPNOTSUPP);
	CHECK_EQ(mmk_execveat(fx.p, 9, "", NULL, NULL, MMK_AT_EMPTY_PATH, NULL), -EBADF);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	CHECK(fx_done(&fx) == 0);
}

/* deny_write_access: the program or its interpreter open for writing. */
TEST(etxtbsy)
{
	struct fixture fx;
	struct img im, ld;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	img_static(&im, EM_X86);
	put(&fx, "prog", &im, 0755);
	int fd = mmk_open(fx.p, "prog", MMK_O_RDWR, 0);
	CHECK(fd >= 3);
	CHECK_EQ(mmk_execve(fx.p, "prog", NULL, NULL, NULL), -ETXTBSY);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	img_static(&ld, EM_X86);
	img_dyn(&ld);
	put(&fx, "ld.so", &ld, 0755);
	img_interp(&im, "/ld.so");
	put(&fx, "prog2", &im, 0755);
	fd = mmk_open(fx.p, "ld.so", MMK_O_WRONLY, 0);
	CHECK(fd >= 3);
	CHECK_EQ(mmk_execve(fx.p, "prog2", NULL, NULL, NULL), -ETXTBSY);
	CHECK_EQ(mmk_close(fx.p, fd), 0);
	fd = mmk_open(fx.p, "prog", MMK_O_RDONLY, 0); /* readers do not count */
	CHECK_EQ(mmk_execve(fx.p, "prog2", NULL, NULL, NULL), 0);
	CHECK(fx_done(&fx) == 0);
}

/* bprm_stack_limits and valid_arg_len. */
TEST(e2big)
{
	struct fixture fx;
	struct img im;
	struct mmk_config cfg = {.stack_rlimit = 256 << 10}; /* limit: max(64K, 128K) */
	CHECK(fx_init_cfg(&fx, &cfg) == 0);
	img_static(&im, EM_X86);
	put(&fx, "prog", &im, 0755);
	static char big[32 * 4096 + 1];
	memset(big, 'a', sizeof(big) - 1);
	const char *argv1[] = {"prog", big, NULL};
	CHECK_EQ(mmk_execve(fx.p, "prog", argv1, NULL, NULL), -E2BIG); /* one string > 32 pages */
	big[32 * 4096 - 1] = 0;
	const char *argv2[] = {"prog", big, NULL};
	CHECK_EQ(mmk_execve(fx.p, "prog", argv2, NULL, NULL), -E2BIG); /* 128K + pointers > limit */
	big[60000] = 0;
	const char *argv3[] = {"prog", big, big, NULL};
	CHECK_EQ(mmk_execve(fx.p, "prog", argv3, NULL, NULL), 0);
	/* the strings span 30 pages: the stack is them plus 128 KiB */
	CHECK_STR(status_line(fx.p, "VmStk"), "VmStk:\t     248 kB");
	CHECK(fx_done(&fx) == 0);
}

/* After the point of no return a failure kills the process. */
static void late_fail(void (*fn)(struct img *), int err)
{
	struct fixture fx;
	struct img im;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	img_static(&im, EM_X86);
	fn(&im);
	put(&fx, "prog", &im, 0755);
	CHECK_EQ(mmk_execve(fx.p, "prog", ARGV, ENVP, NULL), err);
	CHECK_EQ(mmk_proc_killed(fx.p), MMK_SIGSEGV);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, PA, -1, 0), -ESRCH);
	CHECK(fx_done(&fx) == 0);
}

static void seg_beyond_task_size(struct img *im)
{
	im->ph[0].p_vaddr = 0x7ffffffff000ULL;
}
static void seg_over_stack(struct img *im)
{
	im->ph[0].p_vaddr = 0x7ffffffe0000ULL; /* in the stack VMA: MAP_FIXED_NOREPLACE */
	im->ph[1].p_vaddr = 0x7ffffffe2800ULL;
}
static void filesz_over_memsz(struct img *im)
{
	im->ph[0].p_memsz = 0x800;
}

TEST(failure_after_point_of_no_return_kills)
{
	late_fail(seg_beyond_task_size, -ENOMEM);
	late_fail(seg_over_stack, -EEXIST);
	late_fail(filesz_over_memsz, -EINVAL);
}

/* load_elf_interp's own type check comes after the point of no return. */
TEST(interp_of_wrong_type_kills)
{
	struct fixture fx;
	struct img im, ld;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	img_static(&ld, EM_X86);
	ld.eh->e_type = ET_REL;
	put(&fx, "ld.so", &ld, 0755);
	img_static(&im, EM_X86);
	img_interp(&im, "/ld.so");
	put(&fx, "prog", &im, 0755);
	CHECK_EQ(mmk_execve(fx.p, "prog", NULL, NULL, NULL), -EPERM);
	CHECK_EQ(mmk_proc_killed(fx.p), MMK_SIGSEGV);
	CHECK(fx_done(&fx) == 0);
}

static void check_cloexec_execstack(int arch)
{
	struct fixture fx;
	struct img im;
	CHECK(init(&fx, arch) == 0);
	img_static(&im, arch == MMK_ARCH_X86_64 ? EM_X86 : EM_RV);
	im.ph[2].p_flags |= PF_X;
	put(&fx, "prog", &im, 0755);
	fx_file(&fx, "f", 4096, 1);
	int keep = mmk_open(fx.p, "f", MMK_O_RDONLY, 0);
	int gone = mmk_open(fx.p, "f", MMK_O_RDONLY | MMK_O_CLOEXEC, 0);
	CHECK(mmk_mmap(fx.p, 0x10000, 4096, RW, PA | MMK_MAP_FIXED, -1, 0) == 0x10000);
	CHECK_EQ(mmk_execve(fx.p, "prog", NULL, NULL, NULL), 0);
	CHECK_EQ(mmk_close(fx.p, gone), -EBADF);
	CHECK_EQ(mmk_close(fx.p, keep), 0);
	const char *m = fx_maps(fx.p);
	CHECK(!strstr(m, "00010000-"));
	CHECK(has_line(m,
		       arch == MMK_ARCH_X86_64 ? "7ffffffde000-7ffffffff000 rwxp "
					       : "7ffffffdf000-800000000000 rwxp ",
		       "[stack]"));
	CHECK(fx_done(&fx) == 0);
}

/* begin_new_exec closes the O_CLOEXEC fds, keeps the rest; the old
 * mappings go; PT_GNU_STACK PF_X makes the stack executable. */
TEST(cloexec_and_execstack_x86_64)
{
	check_cloexec_execstack(MMK_ARCH_X86_64);
}
TEST(cloexec_and_execstack_riscv64)
{
	check_cloexec_execstack(MMK_ARCH_RISCV64);
}

/* execveat(fd, "", AT_EMPTY_PATH) of a host file the embedder opened;
 * AT_EXECFN is /dev/fd/N. */
TEST(execveat_host_fd)
{
	struct fixture fx, other;
	struct img im;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	CHECK(init(&other, MMK_ARCH_X86_64) == 0);
	img_static(&im, EM_X86);
	put(&other, "prog", &im, 0755); /* outside fx's root */
	char path[300];
	snprintf(path, sizeof(path), "%s/prog", other.dir);
	int hfd = open(path, O_RDONLY);
	CHECK(hfd >= 0);
	int fd = mmk_fd_install_host(fx.p, hfd, 0);
	CHECK(fd >= 3);
	struct mmk_exec_info info;
	CHECK_EQ(mmk_execveat(fx.p, fd, "", ARGV, NULL, MMK_AT_EMPTY_PATH, &info), 0);
	char s[16];
	CHECK_EQ(mmk_load(fx.p, info.execfn, s, 10, NULL), 0);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	CHECK_STR(s, path);
	snprintf(path, sizeof(path), "%s/prog", other.dir);
	CHECK(has_line(fx_maps(fx.p), "00400000-00401000 r-xp 00000000 ", path));
	close(hfd);
	CHECK(fx_done(&fx) == 0);
	CHECK(fx_done(&other) == 0);
}

/* A file given by mmk_fd_install_host is never written, whatever mmkit
 * does to its pages: a shared writable mapping stored into, msync, fsync,
 * destroy. */
TEST(installed_host_file_never_written)
{
	struct fixture fx, other;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	CHECK(init(&other, MMK_ARCH_X86_64) == 0);
	fx_file(&other, "data", 8192, 7);
	char path[300];
	snprintf(path, sizeof(path), "%s/data", other.dir);
	int hfd = open(path, O_RDWR);
	CHECK(hfd >= 0);
	int fd = mmk_fd_install_host(fx.p, hfd, MMK_O_CLOEXEC);
	CHECK(fd >= 3);
	int64_t a = mmk_mmap(fx.p, 0, 8192, RW, MMK_MAP_SHARED, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)a, 0x55, 8192, NULL), 0);
	CHECK_EQ(mmk_msync(fx.p, (uint64_t)a, 8192, MMK_MS_SYNC), 0);
	CHECK_EQ(mmk_pwrite(fx.p, fd, "zz", 2, 0), 2);
	CHECK_EQ(mmk_fsync(fx.p, fd), 0);
	CHECK_EQ(mmk_ftruncate(fx.p, fd, 100), 0);
	CHECK_EQ(mmk_sync(fx.sys), 0);
	CHECK(fx_done(&fx) == 0);
	unsigned char b[8192];
	CHECK_EQ(pread(hfd, b, sizeof(b), 0), 8192);
	for (int i = 0; i < 8192; i++)
		if (b[i] != 7)
			T_FAIL("host byte %d is %d", i, b[i]);
	close(hfd);
	CHECK(fx_done(&other) == 0);
}

/* The access mode of the host description; a bad fd; not a file. */
TEST(install_host_modes)
{
	struct fixture fx;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	fx_file(&fx, "f", 100, 1);
	char path[300];
	snprintf(path, sizeof(path), "%s/f", fx.dir);
	int ro = open(path, O_RDONLY);
	int fd = mmk_fd_install_host(fx.p, ro, 0);
	CHECK(fd >= 3);
	CHECK_EQ(mmk_write(fx.p, fd, "x", 1), -EBADF);
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, MMK_MAP_SHARED, fd, 0), -EACCES);
	char c;
	CHECK_EQ(mmk_read(fx.p, fd, &c, 1), 1);
	CHECK_EQ(c, 1);
	CHECK_EQ(mmk_fd_install_host(fx.p, 1000, 0), -EBADF);
	CHECK_EQ(mmk_fd_install_host(fx.p, ro, 0x40), -EINVAL);
	int pfd[2];
	CHECK_EQ(pipe(pfd), 0);
	CHECK_EQ(mmk_fd_install_host(fx.p, pfd[0], 0), -EINVAL);
	close(pfd[0]);
	close(pfd[1]);
	close(ro);
	CHECK(fx_done(&fx) == 0);
}

/* mmk_set_vdso: the image's bytes at AT_SYSINFO_EHDR, its page-rounded
 * size; AT_RANDOM from the seed is the same in two systems. */
TEST(vdso_image_and_random_seed)
{
	struct fixture fx, fy;
	struct img im;
	struct mmk_config cfg = {.arch = MMK_ARCH_RISCV64, .at_random_seed = 99};
	CHECK(fx_init_cfg(&fx, &cfg) == 0);
	CHECK(fx_init_cfg(&fy, &cfg) == 0);
	static unsigned char vd[3 * 4096 + 10];
	for (size_t i = 0; i < sizeof(vd); i++)
		vd[i] = (unsigned char)(i * 7 + 1);
	CHECK_EQ(mmk_set_vdso(fx.sys, vd, sizeof(vd)), 0);
	CHECK_EQ(mmk_set_vdso(fx.sys, vd, 65537), -EINVAL);
	img_static(&im, EM_RV);
	put(&fx, "prog", &im, 0755);
	put(&fy, "prog", &im, 0755);
	struct mmk_exec_info a, b;
	CHECK_EQ(mmk_execve(fx.p, "prog", NULL, NULL, &a), 0);
	CHECK_EQ(mmk_execve(fy.p, "prog", NULL, NULL, &b), 0);
	CHECK_EQ(a.vdso_base, 0x7ffff8000000ULL - 4 * 4096);
	CHECK(has_line(fx_maps(fx.p), "7ffff7ff8000-7ffff7ffc000 r--p ", "[vvar]"));
	CHECK(has_line(fx_maps(fx.p), "7ffff7ffc000-7ffff8000000 r-xp ", "[vdso]"));
	static unsigned char got[sizeof(vd)];
	CHECK_EQ(mmk_load(fx.p, a.vdso_base, got, sizeof(got), NULL), 0);
	CHECK(!memcmp(got, vd, sizeof(vd)));
	struct mmk_siginfo si;
	CHECK_EQ(mmk_store(fx.p, a.vdso_base, "x", 1, &si), -EFAULT); /* r-x */
	unsigned char r1[16], r2[16];
	CHECK_EQ(mmk_load(fx.p, a.random, r1, 16, NULL), 0);
	CHECK_EQ(mmk_load(fy.p, b.random, r2, 16, NULL), 0);
	CHECK(!memcmp(r1, r2, 16));
	CHECK_STR(status_line(fx.p, "VmLib"), "VmLib:\t      16 kB"); /* the vDSO */
	CHECK(fx_done(&fx) == 0);
	CHECK(fx_done(&fy) == 0);
}

/* riscv64 (Sv48) placement: the mmap base 128 MiB below 2^47; a free hint
 * anywhere below TASK_SIZE is taken (Linux 6.11 stopped narrowing hinted
 * searches to the Sv39 space), a taken one falls back to the top-down
 * search below the mmap base; TASK_SIZE is 2^47. */
TEST(riscv64_placement)
{
	struct fixture fx;
	CHECK(init(&fx, MMK_ARCH_RISCV64) == 0);
	CHECK(mmk_mmap(fx.p, 0x10000, 4096, RW, PA | MMK_MAP_FIXED, -1, 0) == 0x10000);
	int64_t a = mmk_mmap(fx.p, 0, 4096, RW, PA, -1, 0);
	CHECK_EQ(a, 0x7ffff7fff000LL);
	a = mmk_mmap(fx.p, 0x10000, 4096, RW, PA, -1, 0); /* taken: top-down */
	CHECK_EQ(a, 0x7ffff7ffe000LL);
	a = mmk_mmap(fx.p, 0x5000000000LL, 4096, RW, PA, -1, 0); /* above Sv39's 2^38 */
	CHECK_EQ(a, 0x5000000000LL);
	a = mmk_mmap(fx.p, 0x7ffffff00000LL, 4096, RW, PA, -1, 0); /* above the mmap base */
	CHECK_EQ(a, 0x7ffffff00000LL);
	CHECK_EQ(mmk_mmap(fx.p, 0x7ffffffff000LL, 4096, RW, PA | MMK_MAP_FIXED, -1, 0),
		 0x7ffffffff000LL);
	CHECK_EQ(mmk_mmap(fx.p, 0x800000000000LL, 4096, RW, PA | MMK_MAP_FIXED, -1, 0), -ENOMEM);
	/* MAP_32BIT is x86's: riscv ignores the bit */
	CHECK_EQ(mmk_mmap(fx.p, 0, 4096, RW, PA | MMK_MAP_32BIT, -1, 0), 0x7ffff7ffd000LL);
	CHECK(fx_done(&fx) == 0);
}

/* Allocation failure at every point of an exec of a PIE with an
 * interpreter (SQLite's malloc tests): the Nth allocation fails, then every
 * one from the Nth on.  Each run returns 0, -ENOMEM before the point of no
 * return (the process untouched) or -ENOMEM after it (the process killed);
 * the invariants hold and destroy finds no leak. */
TEST(exec_survives_allocation_failure)
{
	for (int persist = 0; persist <= 1; persist++) {
		for (int64_t n = 0;; n++) {
			struct fixture fx;
			struct img im, ld;
			CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
			img_static(&ld, EM_X86);
			img_dyn(&ld);
			put(&fx, "ld.so", &ld, 0755);
			img_static(&im, EM_X86);
			img_dyn(&im);
			img_interp(&im, "/ld.so");
			put(&fx, "pie", &im, 0755);
			CHECK(mmk_mmap(fx.p, 0x10000, 4096, RW, PA | MMK_MAP_FIXED, -1, 0) ==
			      0x10000);
			mmk_system_fail_after(fx.sys, n, persist);
			int err = mmk_execve(fx.p, "pie", ARGV, ENVP, NULL);
			uint64_t injected = mmk_system_failures(fx.sys);
			mmk_system_fail_after(fx.sys, -1, 0);
			if (err == 0)
				CHECK_EQ(mmk_proc_killed(fx.p), 0);
			else if (mmk_proc_killed(fx.p))
				CHECK_EQ(mmk_proc_killed(fx.p), MMK_SIGSEGV);
			else
				CHECK_EQ(count_vmas(fx.p), 1); /* before the point of no return */
			/* load_elf_phdrs() failing to allocate is Linux's -ENOEXEC
			 * (-ELIBBAD for the interpreter's), as it has no errno */
			if (err && err != -ENOMEM && err != -ENOEXEC && err != -ELIBBAD)
				T_FAIL("n %lld persist %d: %s", (long long)n, persist,
				       mmk_errno_name(-err));
			if (err)
				CHECK(err == -ENOMEM || ((err == -ENOEXEC || err == -ELIBBAD) &&
							 !mmk_proc_killed(fx.p)));
			CHECK(fx_done(&fx) == 0);
			if (!injected) {
				CHECK_EQ(err, 0);
				break;
			}
			CHECK(n < 10000);
		}
	}
}

/* A #! line with its content, as a file named name, executable. */
static void put_script(struct fixture *fx, const char *name, const char *text)
{
	struct img im;
	memset(&im, 0, sizeof(im));
	im.len = strlen(text);
	memcpy(im.b, text, im.len);
	put(fx, name, &im, 0755);
}

/* binfmt_script: what the first line may be, the interpreter's argv, and
 * the depth limit. */
TEST(scripts)
{
	struct fixture fx;
	struct img im;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	img_static(&im, EM_X86);
	put(&fx, "prog", &im, 0755);
	put_script(&fx, "s1", "#!/prog  -x y \nrest\n");
	struct mmk_exec_info info;
	const char *argv[] = {"s1", "a", NULL};
	CHECK_EQ(mmk_execve(fx.p, "s1", argv, NULL, &info), 0);
	/* argv: "/prog" "-x y" "s1" "a" (the argument keeps its inner blank) */
	uint64_t w[5];
	CHECK_EQ(mmk_load(fx.p, info.sp, w, sizeof(w), NULL), 0);
	CHECK_EQ(w[0], 4);
	char s[8];
	const char *want[] = {"/prog", "-x y", "s1", "a"};
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(mmk_load(fx.p, w[1 + i], s, strlen(want[i]) + 1, NULL), 0);
		CHECK_STR(s, want[i]);
	}
	CHECK(has_line(fx_maps(fx.p), "00400000-00401000 r-xp ", "/prog"));
	CHECK_EQ(mmk_load(fx.p, info.execfn, s, 3, NULL), 0);
	CHECK_STR(s, "s1"); /* AT_EXECFN stays the script's name */
	/* a script naming a script: fine up to depth 5, then -ELOOP */
	put_script(&fx, "d1", "#!/s1\n");
	CHECK_EQ(mmk_execve(fx.p, "d1", NULL, NULL, NULL), 0);
	put_script(&fx, "d2", "#!/d1\n");
	put_script(&fx, "d3", "#!/d2\n");
	put_script(&fx, "d4", "#!/d3\n");
	CHECK_EQ(mmk_execve(fx.p, "d4", NULL, NULL, NULL), 0); /* d4 d3 d2 d1 s1 prog */
	put_script(&fx, "d5", "#!/d4\n");
	CHECK_EQ(mmk_execve(fx.p, "d5", NULL, NULL, NULL), -ELOOP);
	put_script(&fx, "e1", "#!\n");
	CHECK_EQ(mmk_execve(fx.p, "e1", NULL, NULL, NULL), -ENOEXEC);
	put_script(&fx, "e2", "#!  \t \nx");
	CHECK_EQ(mmk_execve(fx.p, "e2", NULL, NULL, NULL), -ENOEXEC);
	static char longname[400];
	memset(longname, 'a', sizeof(longname) - 1);
	memcpy(longname, "#!/", 3);
	put_script(&fx, "e3", longname); /* the name runs past 256 bytes */
	CHECK_EQ(mmk_execve(fx.p, "e3", NULL, NULL, NULL), -ENOEXEC);
	put_script(&fx, "e4", "#!/no/such\n");
	CHECK_EQ(mmk_execve(fx.p, "e4", NULL, NULL, NULL), -ENOENT);
	put_script(&fx, "e5", "#!/e5\n"); /* itself */
	CHECK_EQ(mmk_execve(fx.p, "e5", NULL, NULL, NULL), -ELOOP);
	CHECK_EQ(mmk_proc_killed(fx.p), 0);
	CHECK(fx_done(&fx) == 0);
}

/* Random damage to the headers of a PIE and its interpreter (a seeded
 * xorshift, 300 runs; MMK_EXEC_HIST=1 prints each result): exec never crashes, every answer is 0 or
 * an errno, a process it killed says SIGSEGV, and the invariants hold. */
TEST(random_headers_never_crash)
{
	uint64_t x = 88172645463325252ULL;
	struct fixture fxs[2];
	CHECK(init(&fxs[0], MMK_ARCH_X86_64) == 0);
	CHECK(init(&fxs[1], MMK_ARCH_RISCV64) == 0);
	for (int run = 0; run < 300; run++) {
		struct fixture *fx = &fxs[run % 3 == 0];
		struct img im, ld;
		uint16_t m = run % 3 ? EM_X86 : EM_RV;
		img_static(&ld, m);
		img_dyn(&ld);
		img_static(&im, m);
		img_dyn(&im);
		img_interp(&im, "/ld.so");
		for (int k = 0; k < 1 + run % 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			struct img *t = (x >> 40) & 1 ? &ld : &im;
			size_t at = (size_t)(x % (64 + 5 * 56));
			t->b[at] = (unsigned char)(x >> 24);
		}
		put(fx, "ld.so", &ld, 0755);
		put(fx, "pie", &im, 0755);
		mmk_proc *p;
		CHECK(mmk_spawn(fx->sys, &p) > 0);
		int err = mmk_execve(p, "pie", ARGV, ENVP, NULL);
		if (getenv("MMK_EXEC_HIST"))
			printf("# %s %d\n", err ? mmk_errno_name(-err) : "ok", mmk_proc_killed(p));
		CHECK(err <= 0 && err > -4096);
		int killed = mmk_proc_killed(p);
		CHECK(killed == 0 || killed == MMK_SIGSEGV);
		CHECK(err || !killed);
		CHECK(fx_check(fx) == 0);
		CHECK_EQ(mmk_exit(p), 0);
	}
	CHECK(fx_done(&fxs[0]) == 0);
	CHECK(fx_done(&fxs[1]) == 0);
}

/* The access mode of every descriptor the test process holds on path
 * (mmkit's own host descriptors), OR-ed: O_RDONLY (0) if all read-only. */
static int host_fds_access(const char *path)
{
	int acc = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char link[300], target[300], info[300], buf[256];
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (strcmp(target, path))
			continue;
		snprintf(info, sizeof(info), "/proc/self/fdinfo/%s", e->d_name);
		FILE *f = fopen(info, "r");
		while (f && fgets(buf, sizeof(buf), f))
			if (!strncmp(buf, "flags:", 6))
				acc |= (int)(strtol(buf + 6, NULL, 8) & 3);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return acc;
}

/* exec opens its files read-only, as open_exec does, and mmk_fd_install_host
 * never widens a host file's access: mmkit holds no writable descriptor of
 * a program it runs (a root of "/" would otherwise give it /usr/bin's). */
TEST(exec_holds_programs_read_only)
{
	struct fixture fx;
	struct img im, ld;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	img_static(&ld, EM_X86);
	img_dyn(&ld);
	put(&fx, "ld.so", &ld, 0755);
	img_static(&im, EM_X86);
	img_dyn(&im);
	img_interp(&im, "/ld.so");
	put(&fx, "pie", &im, 0755);
	CHECK_EQ(mmk_execve(fx.p, "pie", NULL, NULL, NULL), 0);
	char path[300], real[PATH_MAX];
	snprintf(path, sizeof(path), "%s/pie", fx.dir);
	CHECK(realpath(path, real) != NULL);
	CHECK_EQ(host_fds_access(real), O_RDONLY);
	snprintf(path, sizeof(path), "%s/ld.so", fx.dir);
	CHECK(realpath(path, real) != NULL);
	CHECK_EQ(host_fds_access(real), O_RDONLY);
	int hfd = open(real, O_RDWR);
	CHECK(mmk_fd_install_host(fx.p, hfd, 0) >= 3);
	close(hfd);
	CHECK_EQ(host_fds_access(real), O_RDONLY);
	CHECK(fx_done(&fx) == 0);
}

/* Special mappings cannot be split (special_mapping_split): part of
 * [vvar] or [vdso] munmapped, mprotected or mapped over is -EINVAL, the
 * whole is fine -- as measured on Linux 6.18. */
TEST(special_mappings_do_not_split)
{
	struct fixture fx;
	struct img im;
	CHECK(init(&fx, MMK_ARCH_X86_64) == 0);
	img_static(&im, EM_X86);
	put(&fx, "prog", &im, 0755);
	struct mmk_exec_info info;
	CHECK_EQ(mmk_execve(fx.p, "prog", NULL, NULL, &info), 0);
	uint64_t vvar = info.vdso_base - 6 * 4096, vdso = info.vdso_base;
	CHECK_EQ(mmk_munmap(fx.p, vvar, 4096), -EINVAL);
	CHECK_EQ(mmk_mprotect(fx.p, vvar + 4096, 4096, MMK_PROT_NONE), -EINVAL);
	CHECK_EQ(mmk_mprotect(fx.p, vdso, 4096, MMK_PROT_READ), -EINVAL);
	CHECK_EQ(mmk_mmap(fx.p, vdso + 4096, 4096, RW, PA | MMK_MAP_FIXED, -1, 0), -EINVAL);
	CHECK(has_line(fx_maps(fx.p), "7ffff7ffd000-7ffff7fff000 r-xp ", "[vdso]"));
	CHECK_EQ(mmk_mprotect(fx.p, vdso, 2 * 4096, MMK_PROT_READ), 0);
	CHECK(has_line(fx_maps(fx.p), "7ffff7ffd000-7ffff7fff000 r--p ", "[vdso]"));
	CHECK_EQ(mmk_munmap(fx.p, vvar, 4 * 4096), 0);
	CHECK(!strstr(fx_maps(fx.p), "[vvar]\n"));
	CHECK(fx_done(&fx) == 0);
}

T_MAIN
