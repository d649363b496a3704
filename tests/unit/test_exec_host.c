/*
 * test_exec_host.c - mmk_execve against the host kernel, the oracle.
 *
 * Each test compiles a small C program with the host's gcc (static,
 * static-pie, dynamic PIE, dynamic non-PIE, -z execstack, a bss spanning
 * pages), then execs it twice with the same file name, argv and envp:
 *   - natively, in a child with ASLR off (personality ADDR_NO_RANDOMIZE)
 *     stopped by ptrace at the exec itself, before any instruction of the
 *     program ran: its /proc/PID/maps, smaps, the VM lines of /proc/PID/status,
 *     /proc/PID/auxv and its stack pointer are the kernel's exec result;
 *   - in mmkit (root "/", so file names agree), with mmk_execve.
 * The maps and smaps must agree byte for byte, the status lines, the auxv (types
 * and values, but for the CPU's AT_HWCAP/AT_HWCAP2/AT_MINSIGSTKSZ and the
 * AT_RANDOM bytes themselves), the stack pointer, and the stack's bytes
 * from sp up to the end (argc, argv, envp, auxv, strings) but for the 16
 * random bytes and those CPU-dependent values.
 * Skipped (reported, not failed) where the host has no gcc, no static
 * libc, or forbids ptrace, or is not x86-64.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmkit.h"
#include "t.h"

#define AT_HWCAP_	16
#define AT_RANDOM_	25
#define AT_HWCAP2_	26
#define AT_MINSIGSTKSZ_ 51

static char tmpdir[256];

static const char *prog_src = "#include <stdio.h>\n"
			      "char big_bss[3 * 4096 + 123];\n"
			      "int data_word = 42;\n"
			      "int main(int argc, char **argv) { big_bss[5000] = (char)argc; "
			      "return data_word + big_bss[1]; }\n";

/* Builds tmpdir/NAME from prog_src with the gcc flags; 0 or -1. */
static int build(const char *name, const char *flags)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/mmk_exec_host_XXXXXX");
		if (!mkdtemp(tmpdir))
			return -1;
		char src[300];
		snprintf(src, sizeof(src), "%s/p.c", tmpdir);
		FILE *f = fopen(src, "w");
		if (!f)
			return -1;
		fputs(prog_src, f);
		fclose(f);
	}
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "gcc -O1 %s -o %s/%s %s/p.c >/dev/null 2>&1", flags, tmpdir,
		 name, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The host's exec result. */
struct native {
	char maps[16384];
	char smaps[65536];
	char status[4096];
	uint64_t auxv[128];
	int auxn; /* words */
	uint64_t sp;
	unsigned char stack[65536]; /* [sp, stack end) */
	uint64_t stack_len;
};

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t n;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	close(fd);
	return (int)got;
}

/* Runs path natively up to its exec; 0, or -1 when the host cannot. */
static int run_native(const char *path, char *const argv[], char *const envp[], struct native *n)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		personality(ADDR_NO_RANDOMIZE);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(127);
		raise(SIGSTOP);
		execve(path, argv, envp);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st)) {
		waitpid(pid, &st, 0);
		return -1;
	}
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXEC);
	ptrace(PTRACE_CONT, pid, 0, 0);
	if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st) ||
	    (st >> 8) != (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return -1;
	}
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/maps", pid);
	read_file(p, n->maps, sizeof(n->maps));
	snprintf(p, sizeof(p), "/proc/%d/smaps", pid);
	read_file(p, n->smaps, sizeof(n->smaps));
	snprintf(p, sizeof(p), "/proc/%d/status", pid);
	read_file(p, n->status, sizeof(n->status));
	snprintf(p, sizeof(p), "/proc/%d/auxv", pid);
	int fd = open(p, O_RDONLY);
	ssize_t r = fd >= 0 ? read(fd, n->auxv, sizeof(n->auxv)) : -1;
	if (fd >= 0)
		close(fd);
	n->auxn = r > 0 ? (int)(r / 8) : 0;
	struct user_regs_struct regs;
	ptrace(PTRACE_GETREGS, pid, 0, &regs);
	n->sp = regs.rsp;
	n->stack_len = 0x7ffffffff000ULL - n->sp;
	if (n->stack_len > sizeof(n->stack))
		n->stack_len = sizeof(n->stack);
	snprintf(p, sizeof(p), "/proc/%d/mem", pid);
	fd = open(p, O_RDONLY);
	if (fd >= 0) {
		if (pread(fd, n->stack, n->stack_len, (off_t)n->sp) != (ssize_t)n->stack_len)
			n->stack_len = 0;
		close(fd);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 0;
}

/* The status lines of the address space, VmPeak to VmSwap: sizes, resident
 * pages (the stack's, padzero's copy) and page-table bytes alike. */
static void vm_lines(const char *status, char *out, size_t len)
{
	static const char *const keys[] = {
	    "VmPeak:",	 "VmSize:", "VmLck:", "VmPin:", "VmHWM:", "VmRSS:", "RssAnon:", "RssFile:",
	    "RssShmem:", "VmData:", "VmStk:", "VmExe:", "VmLib:", "VmPTE:", "VmSwap:"};
	out[0] = 0;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *l = strstr(status, keys[k]);
		if (!l)
			continue;
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l + 1) : strlen(l);
		strncat(out, l, n < len - strlen(out) - 1 ? n : len - strlen(out) - 1);
	}
}

static bool cpu_dependent(uint64_t type)
{
	return type == AT_HWCAP_ || type == AT_HWCAP2_ || type == AT_MINSIGSTKSZ_;
}

/* An x86-64 host with gcc whose kernel lays the vDSO out as the x86_64
 * profile (Linux 6.18: [vvar], [vvar_vclock], [vdso]); another kernel's
 * layout is not the profile's to match. */
static bool host_ok(void)
{
#if defined(__x86_64__)
	static char self[16384];
	read_file("/proc/self/maps", self, sizeof(self));
	if (!strstr(self, "[vvar_vclock]")) {
		printf("skip: the host kernel's vDSO layout is not Linux 6.18's\n");
		return false;
	}
	return system("gcc --version >/dev/null 2>&1") == 0;
#else
	return false;
#endif
}

static void compare_file(const char *path);
static const char *extra_env; /* an environment string added to the next comparison */

/* Compiles NAME with FLAGS, runs it both ways, compares. */
static void compare(const char *name, const char *flags)
{
	if (!host_ok()) {
		printf("skip %s: no x86-64 gcc\n", name);
		return;
	}
	if (build(name, flags)) {
		printf("skip %s: gcc %s failed (no static libc?)\n", name, flags);
		return;
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	compare_file(path);
}

/* Runs the file at path both ways (argv: path and two words), compares. */
static void compare_file(const char *path)
{
	const char *name = path;
	char *argv[] = {(char *)path, "one", "two words", NULL};
	char *envp[] = {"HOME=/nowhere", "LANG=C", "X=1", (char *)extra_env, NULL};
	static struct native nat;
	memset(&nat, 0, sizeof(nat));
	if (run_native(path, argv, envp, &nat)) {
		printf("skip %s: ptrace not allowed\n", name);
		return;
	}
	mmk_system *sys;
	struct mmk_config cfg = {.root = "/", .ram_bytes = 64ULL << 20};
	CHECK_EQ(mmk_system_create(&cfg, &sys), 0);
	mmk_proc *p;
	CHECK(mmk_spawn(sys, &p) > 0);
	struct mmk_exec_info info;
	int err = mmk_execve(p, path, (const char *const *)argv, (const char *const *)envp, &info);
	CHECK_EQ(err, 0);
	static char maps[16384], st[4096], a[1024], b[1024];
	CHECK(mmk_proc_maps(p, maps, sizeof(maps)) > 0);
	if (strcmp(maps, nat.maps)) {
		printf("host:\n%s\nmmkit:\n%s\n", nat.maps, maps);
		CHECK(!"maps differ");
	}
	static char smaps[65536];
	CHECK(mmk_proc_smaps(p, smaps, sizeof(smaps)) > 0);
	if (strcmp(smaps, nat.smaps)) {
		printf("host:\n%s\nmmkit:\n%s\n", nat.smaps, smaps);
		CHECK(!"smaps differ");
	}
	CHECK(mmk_proc_status(p, st, sizeof(st)) > 0);
	vm_lines(nat.status, a, sizeof(a));
	vm_lines(st, b, sizeof(b));
	if (strcmp(a, b)) {
		printf("host:\n%s\nmmkit:\n%s\n", a, b);
		CHECK(!"status differs");
	}
	CHECK_EQ(info.sp, nat.sp);
	CHECK_EQ(info.auxc * 2, nat.auxn);
	for (int i = 0; i < nat.auxn; i += 2) {
		CHECK_EQ(info.auxv[i], nat.auxv[i]);
		if (!cpu_dependent(nat.auxv[i]))
			CHECK_EQ(info.auxv[i + 1], nat.auxv[i + 1]);
	}
	/* The stack's bytes, the random ones and CPU-dependent values aside. */
	CHECK(nat.stack_len > 0);
	static unsigned char mine[65536];
	CHECK_EQ(mmk_load(p, nat.sp, mine, nat.stack_len, NULL), 0);
	uint64_t rnd = 0;
	for (int i = 0; i < nat.auxn; i += 2) {
		uint64_t off = info.auxv_addr - info.sp + (uint64_t)i * 8 + 8;
		if (nat.auxv[i] == AT_RANDOM_)
			rnd = nat.auxv[i + 1];
		if (cpu_dependent(nat.auxv[i]))
			memcpy(mine + off, nat.stack + off, 8);
	}
	CHECK(rnd > nat.sp);
	memcpy(mine + (rnd - nat.sp), nat.stack + (rnd - nat.sp), 16);
	for (uint64_t i = 0; i < nat.stack_len; i++)
		if (mine[i] != nat.stack[i])
			T_FAIL("stack byte at sp+%#llx: mmkit %#x, host %#x", (unsigned long long)i,
			       mine[i], nat.stack[i]);
	char cerr[256];
	CHECK_EQ(mmk_system_check(sys, cerr, sizeof(cerr)), 0);
	mmk_exit(p);
	CHECK_EQ(mmk_system_destroy(sys), 0);
}

TEST(exec_static_like_host)
{
	compare("static", "-static");
}
TEST(exec_static_pie_like_host)
{
	compare("static-pie", "-static-pie");
}
TEST(exec_dynamic_pie_like_host)
{
	compare("dyn-pie", "-pie -fPIE");
}
TEST(exec_dynamic_nopie_like_host)
{
	compare("dyn-nopie", "-no-pie");
}
TEST(exec_execstack_like_host)
{
	compare("execstack", "-z execstack");
}
TEST(exec_static_execstack_like_host)
{
	compare("static-execstack", "-static -z execstack");
}
/* PT_LOAD alignment of 2 MiB: a PIE's ELF_ET_DYN_BASE is rounded down to
 * it; a static PIE is placed by mmap alone. */
TEST(exec_pie_2m_align_like_host)
{
	compare("pie-2m", "-pie -fPIE -Wl,-z,max-page-size=0x200000");
}
TEST(exec_static_pie_2m_align_like_host)
{
	compare("static-pie-2m", "-static-pie -Wl,-z,max-page-size=0x200000");
}

/* Strings spanning pages: a 9000-byte environment string makes the
 * stack's first part 3 pages, then 128 KiB more. */
TEST(exec_big_environment_like_host)
{
	static char big[9001];
	memset(big, 'v', sizeof(big) - 1);
	memcpy(big, "BIG=", 4);
	extra_env = big;
	compare("big-env", "-static");
	extra_env = NULL;
}

/* A #! script: the kernel runs its interpreter (here the shell, itself a
 * dynamic program) with argv "interpreter arg script one two words". */
TEST(exec_script_like_host)
{
	if (!host_ok() || access("/bin/sh", X_OK) || build("dummy", ""))
		return;
	char path[512];
	snprintf(path, sizeof(path), "%s/script", tmpdir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("#!  /bin/sh   -e  \necho hi\n", f);
	fclose(f);
	chmod(path, 0755);
	compare_file(path);
}

/* ld.so run directly, as `ld.so PROG` would: an ET_DYN without PT_INTERP
 * loaded where mmap puts it, its break at ELF_ET_DYN_BASE. */
TEST(exec_ldso_directly_like_host)
{
	if (!host_ok() || access("/lib64/ld-linux-x86-64.so.2", X_OK))
		return;
	char *argv[] = {"/lib64/ld-linux-x86-64.so.2", NULL};
	char *envp[] = {NULL};
	static struct native nat;
	memset(&nat, 0, sizeof(nat));
	if (run_native(argv[0], argv, envp, &nat))
		return;
	mmk_system *sys;
	struct mmk_config cfg = {.root = "/", .ram_bytes = 64ULL << 20};
	CHECK_EQ(mmk_system_create(&cfg, &sys), 0);
	mmk_proc *p;
	CHECK(mmk_spawn(sys, &p) > 0);
	struct mmk_exec_info info;
	CHECK_EQ(mmk_execve(p, argv[0], (const char *const *)argv, NULL, &info), 0);
	static char maps[16384];
	CHECK(mmk_proc_maps(p, maps, sizeof(maps)) > 0);
	if (strcmp(maps, nat.maps)) {
		printf("host:\n%s\nmmkit:\n%s\n", nat.maps, maps);
		CHECK(!"maps differ");
	}
	CHECK_EQ(info.sp, nat.sp);
	mmk_exit(p);
	CHECK_EQ(mmk_system_destroy(sys), 0);
}

/* ---- riscv64: real programs from the cross compiler, no oracle ------------ */

/* Checks that maps holds every PT_LOAD of the ELF file at path where
 * elf_load puts it (file part, then bss), moved by bias. */
static void check_segments(const char *maps, const char *path, uint64_t bias)
{
	unsigned char buf[4096];
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, sizeof(buf)) > 64);
	close(fd);
	uint64_t phoff, phnum = 0;
	memcpy(&phoff, buf + 32, 8);
	memcpy(&phnum, buf + 56, 2);
	for (uint64_t i = 0; i < phnum; i++) {
		const unsigned char *ph = buf + phoff + i * 56;
		uint32_t type, flags;
		uint64_t off, va, filesz, memsz;
		memcpy(&type, ph, 4);
		memcpy(&flags, ph + 4, 4);
		memcpy(&off, ph + 8, 8);
		memcpy(&va, ph + 16, 8);
		memcpy(&filesz, ph + 32, 8);
		memcpy(&memsz, ph + 40, 8);
		if (type != 1)
			continue;
		uint64_t start = (va & ~4095ULL) + bias,
			 fend = ((va + filesz + 4095) & ~4095ULL) + bias;
		uint64_t mend = ((va + memsz + 4095) & ~4095ULL) + bias;
		char line[128];
		snprintf(line, sizeof(line), "%08llx-%08llx %c%c%cp %08llx ",
			 (unsigned long long)start, (unsigned long long)fend, flags & 4 ? 'r' : '-',
			 flags & 2 ? 'w' : '-', flags & 1 ? 'x' : '-',
			 (unsigned long long)(off & ~4095ULL));
		if (!strstr(maps, line))
			T_FAIL("no line \"%s\" in\n%s", line, maps);
		if (mend > fend) {
			snprintf(line, sizeof(line), "%08llx-%08llx rw-p 00000000 00:00 0 ",
				 (unsigned long long)fend, (unsigned long long)mend);
			if (!strstr(maps, line))
				T_FAIL("no bss line \"%s\" in\n%s", line, maps);
		}
	}
}

static bool riscv_gcc_ok(void)
{
	return system("riscv64-linux-gnu-gcc --version >/dev/null 2>&1") == 0;
}

TEST(exec_riscv64_static_cross_compiled)
{
	if (!riscv_gcc_ok() || build("rv-static", "-static") /* host gcc first: tmpdir */)
		return;
	char cmd[1024], path[512];
	snprintf(path, sizeof(path), "%s/rv-static", tmpdir);
	snprintf(cmd, sizeof(cmd), "riscv64-linux-gnu-gcc -O1 -static -o %s %s/p.c >/dev/null 2>&1",
		 path, tmpdir);
	if (system(cmd)) {
		printf("skip: no riscv64 static libc\n");
		return;
	}
	mmk_system *sys;
	struct mmk_config cfg = {.root = "/", .ram_bytes = 64ULL << 20, .arch = MMK_ARCH_RISCV64};
	CHECK_EQ(mmk_system_create(&cfg, &sys), 0);
	mmk_proc *p;
	CHECK(mmk_spawn(sys, &p) > 0);
	struct mmk_exec_info info;
	const char *argv[] = {path, NULL};
	CHECK_EQ(mmk_execve(p, path, argv, NULL, &info), 0);
	static char maps[16384];
	CHECK(mmk_proc_maps(p, maps, sizeof(maps)) > 0);
	check_segments(maps, path, 0);
	CHECK(strstr(maps, "-800000000000 rw-p 00000000 00:00 0") != NULL);
	CHECK(strstr(maps, "[stack]") && strstr(maps, "[vdso]") && !strstr(maps, "[vsyscall]"));
	CHECK_EQ(info.interp_base, 0);
	mmk_exit(p);
	CHECK_EQ(mmk_system_destroy(sys), 0);
}

/* A dynamic riscv64 PIE, exec'd from a host fd (mmk_fd_install_host +
 * AT_EMPTY_PATH) in a system whose root is the cross toolchain's sysroot,
 * where its interpreter /lib/ld-linux-riscv64-lp64d.so.1 lies. */
TEST(exec_riscv64_dynamic_cross_compiled)
{
	const char *sysroot = "/usr/riscv64-linux-gnu";
	if (!riscv_gcc_ok() || build("rv-dummy", "") || access("/usr/riscv64-linux-gnu/lib", X_OK))
		return;
	char cmd[1024], path[512];
	snprintf(path, sizeof(path), "%s/rv-dyn", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "riscv64-linux-gnu-gcc -O1 -pie -fPIE -o %s %s/p.c >/dev/null 2>&1", path, tmpdir);
	if (system(cmd)) {
		printf("skip: no riscv64 libc\n");
		return;
	}
	mmk_system *sys;
	struct mmk_config cfg = {
	    .root = sysroot, .ram_bytes = 64ULL << 20, .arch = MMK_ARCH_RISCV64};
	CHECK_EQ(mmk_system_create(&cfg, &sys), 0);
	mmk_proc *p;
	CHECK(mmk_spawn(sys, &p) > 0);
	int hfd = open(path, O_RDONLY);
	int fd = mmk_fd_install_host(p, hfd, MMK_O_CLOEXEC);
	CHECK(fd >= 3);
	struct mmk_exec_info info;
	CHECK_EQ(mmk_execveat(p, fd, "", NULL, NULL, MMK_AT_EMPTY_PATH, &info), 0);
	close(hfd);
	static char maps[16384];
	CHECK(mmk_proc_maps(p, maps, sizeof(maps)) > 0);
	CHECK_EQ(info.load_bias, 0x555555555000ULL); /* ELF_ET_DYN_BASE, page-aligned */
	check_segments(maps, path, info.load_bias);
	CHECK(strstr(maps, "ld-linux-riscv64-lp64d.so.1") != NULL);
	CHECK(info.interp_base > info.vdso_base); /* the interpreter first, then the vDSO below */
	CHECK(info.entry > info.interp_base && info.entry < 0x7ffff8000000ULL);
	CHECK_EQ(mmk_close(p, fd), -EBADF); /* it was O_CLOEXEC */
	mmk_exit(p);
	CHECK_EQ(mmk_system_destroy(sys), 0);
}

int main(int argc, char **argv)
{
	int r = t_main(argc, argv);
	if (tmpdir[0]) {
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		(void)!system(cmd);
	}
	return r;
}
