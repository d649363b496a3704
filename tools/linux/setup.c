/*
 * setup.c - turns a fresh host process into a faithful script process.
 *
 * A script process on the Linux backend must behave as a plain unprivileged
 * process on every host, whatever its own start-up left behind:
 *
 *   - ASLR off (personality ADDR_NO_RANDOMIZE), so that placement is the
 *     same on every run and comparable with mmkit's;
 *   - transparent huge pages off (PR_SET_THP_DISABLE, kept across fork and
 *     exec), as mmkit has none;
 *   - no capabilities, not even after an exec as root: the bounding set is
 *     emptied, so mmap_min_addr and RLIMIT_MEMLOCK apply;
 *   - fixed resource limits (docs/CHECK.md): RLIMIT_STACK 8 MiB (it decides
 *     mmap_base at exec), RLIMIT_MEMLOCK 8 MiB, RLIMIT_AS and RLIMIT_DATA
 *     unlimited, RLIMIT_NOFILE 1024, no core files;
 *   - no heap: libc's start-up would put its TLS block and first malloc
 *     arena on the brk heap, where the script's brk would then find them.
 *     The program is therefore always executed with a soft RLIMIT_DATA of 0,
 *     which makes brk fail (libc falls back to mmap; mmap is allowed by the
 *     kernel's "RLIMIT_DATA 0" exception), and the limit is lifted once
 *     libc is up.  The script starts with brk == start_brk and no [heap].
 *
 * ASLR, RLIMIT_STACK and RLIMIT_DATA are read by execve, so if any of them
 * is not already as wanted the program sets it and executes itself again.
 *
 * The mappings present once this is done are the hidden ones (server.h).
 * Each is prefaulted; the anonymous ones are also sealed (mseal), which
 * keeps a script mapping placed right next to one from merging into it, as
 * nothing merges into an mmkit reservation.
 */
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server.h"

#define MIB	      (1024ULL * 1024)
#define LIMIT_STACK   (8 * MIB)
#define LIMIT_MEMLOCK (8 * MIB)
#define LIMIT_NOFILE  1024

#ifndef SYS_mseal
#define SYS_mseal 462
#endif

/* Records the first message in msg (a HELLO field); later ones add
 * nothing. */
static void record(char *msg, size_t cap, const char *what, int err)
{
	struct obuf ob;

	if (msg[0])
		return;
	ob_init(&ob, msg, cap - 1);
	ob_puts(&ob, what);
	if (err) {
		ob_puts(&ob, ": ");
		ob_puts(&ob, strerror(err));
	}
	msg[ob.len] = '\0';
}

/* A setting without which the server cannot run scripts faithfully. */
static void problem(struct server *srv, const char *what, int err)
{
	record(srv->hello.problem, sizeof(srv->hello.problem), what, err);
}

/* A setting only some scripts depend on. */
static void warning(struct server *srv, const char *what, int err)
{
	record(srv->hello.warning, sizeof(srv->hello.warning), what, err);
}

/* Sets one limit.  Returns 0, or -1 if the hard limit does not allow it. */
static int set_limit(int res, rlim_t soft, rlim_t hard)
{
	struct rlimit r = {soft, hard};

	if (setrlimit(res, &r) == 0)
		return 0;
	if (getrlimit(res, &r) == 0 && r.rlim_max >= soft) {
		r.rlim_cur = soft;
		if (setrlimit(res, &r) == 0)
			return 0;
	}
	return -1;
}

/* Empties the bounding set and every capability set: an exec as root then
 * grants nothing either.  Without CAP_SETPCAP (not root) the bounding set
 * cannot change, but then there is nothing to drop. */
static void drop_capabilities(struct server *srv)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	int cap;

	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) != 0)
		problem(srv, "capset", errno);
}

/* Whether the limits that execve reads are already as wanted. */
static int exec_limits_ok(void)
{
	struct rlimit st, da;

	if (getrlimit(RLIMIT_STACK, &st) || getrlimit(RLIMIT_DATA, &da))
		return 0;
	return st.rlim_cur == LIMIT_STACK && da.rlim_cur == 0;
}

void setup_process(struct server *srv, char **argv)
{
	static char *const empty_env[] = {NULL};
	int pers = personality(0xffffffff);
	int again = 0;
	struct rlimit da;

	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0)
		problem(srv, "PR_SET_THP_DISABLE", errno);
	if (set_limit(RLIMIT_MEMLOCK, LIMIT_MEMLOCK, LIMIT_MEMLOCK))
		warning(srv, "the hard RLIMIT_MEMLOCK is below 8 MiB: mlock results will differ",
			0);
	if (set_limit(RLIMIT_AS, RLIM_INFINITY, RLIM_INFINITY))
		warning(srv, "RLIMIT_AS cannot be unlimited: large mappings will differ", 0);
	if (getrlimit(RLIMIT_DATA, &da) == 0 && da.rlim_max != RLIM_INFINITY)
		warning(srv, "RLIMIT_DATA cannot be unlimited: large mappings will differ", 0);
	if (set_limit(RLIMIT_NOFILE, LIMIT_NOFILE, LIMIT_NOFILE))
		problem(srv, "the hard RLIMIT_NOFILE is below 1024", 0);
	set_limit(RLIMIT_CORE, 0, 0);
	/* Last: the limits above may need CAP_SYS_RESOURCE to be raised. */
	drop_capabilities(srv);
	for (int i = 1; argv[i]; i++)
		if (strcmp(argv[i], "--again") == 0)
			again = 1;
	if (pers != -1 && (pers & ADDR_NO_RANDOMIZE) && exec_limits_ok())
		return;
	if (again) {
		problem(srv, "cannot start with ASLR off, RLIMIT_STACK 8 MiB and RLIMIT_DATA 0", 0);
		return;
	}
	if (pers == -1 || personality((unsigned long)pers | ADDR_NO_RANDOMIZE) == -1) {
		problem(srv, "personality", errno);
		return;
	}
	if (set_limit(RLIMIT_STACK, LIMIT_STACK, RLIM_INFINITY))
		problem(srv, "the hard RLIMIT_STACK is below 8 MiB", 0);
	if (set_limit(RLIMIT_DATA, 0, RLIM_INFINITY))
		problem(srv, "cannot set RLIMIT_DATA", errno);
	/* argv has room: main() passes a copy with a free slot at the end. */
	{
		int n = 0;

		while (argv[n])
			n++;
		argv[n] = "--again";
		argv[n + 1] = NULL;
	}
	execve("/proc/self/exe", argv, empty_env);
	problem(srv, "re-exec", errno);
}

/* Whether a mapping's name says it is kernel-provided data that must not be
 * touched (the vvar pages may even SIGBUS) or is not part of the mm. */
static int special_untouchable(const struct maps_line *ml)
{
	size_t n = (size_t)(ml->name_end - ml->name);

	return (n >= 5 && memcmp(ml->name, "[vvar", 5) == 0) ||
	       (n >= 10 && memcmp(ml->name, "[vsyscall]", 10) == 0);
}

/* Records every current mapping as hidden, with how to prefault it. */
static int record_hidden(struct server *srv)
{
	int64_t n = read_file("/proc/self/maps", srv->raw, sizeof(srv->raw));
	const char *s = srv->raw;

	if (n < 0)
		return (int)n;
	srv->nhidden = 0;
	while (*s) {
		const char *e = line_end(s);
		struct maps_line ml;

		if (maps_parse(s, e, &ml)) {
			struct range *r = &srv->hidden[srv->nhidden];

			if (srv->nhidden == SRV_HIDDEN_MAX)
				return -E2BIG;
			r->start = ml.start;
			r->end = ml.end;
			r->touch = 0;
			if (ml.name_end - ml.name == 7 && !memcmp(ml.name, "[stack]", 7)) {
				srv->stack_growth.start =
				    ml.end > LIMIT_STACK ? ml.end - LIMIT_STACK : 0;
				srv->stack_growth.end = ml.start;
			}
			if (ml.perms[0] == 'r' && !special_untouchable(&ml))
				r->touch = ml.perms[1] == 'w' ? 2 : 1;
			srv->nhidden++;
		}
		s = *e ? e + 1 : e;
	}
	return 0;
}

void prefault_hidden(const struct server *srv)
{
	for (int i = 0; i < srv->nhidden; i++) {
		const struct range *r = &srv->hidden[i];

		for (uint64_t a = r->start; r->touch && a < r->end; a += SRV_PAGE) {
			volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)a;

			if (r->touch == 2)
				__atomic_fetch_or(p, 0, __ATOMIC_RELAXED);
			else
				(void)*p;
		}
	}
}

/* Seals the anonymous writable hidden ranges so that nothing merges into
 * them (a sealed VMA's flags differ from any the script can make).  Older
 * kernels lack mseal: MADV_DONTDUMP then plays the same part, less surely
 * (a script could set it too); docs/CHECK.md says so. */
static void seal_anonymous(struct server *srv)
{
	int64_t n = read_file("/proc/self/maps", srv->raw, sizeof(srv->raw));
	const char *s = srv->raw;

	if (n < 0)
		return;
	while (*s) {
		const char *e = line_end(s);
		struct maps_line ml;

		if (maps_parse(s, e, &ml) && ml.perms[1] == 'w' && ml.name == ml.name_end &&
		    syscall(SYS_mseal, ml.start, ml.end - ml.start, 0) != 0)
			madvise((void *)(uintptr_t)ml.start, ml.end - ml.start, MADV_DONTDUMP);
		s = *e ? e + 1 : e;
	}
}

/* Field 47 of /proc/self/stat: the start of the brk heap. */
static uint64_t read_start_brk(struct server *srv)
{
	const char *s;
	int field = 2;

	if (read_file("/proc/self/stat", srv->raw, sizeof(srv->raw)) < 0)
		return 0;
	s = strrchr(srv->raw, ')'); /* the command name may hold blanks */
	if (!s)
		return 0;
	s++;
	while (*s && field < 47) {
		if (*s++ == ' ')
			field++;
	}
	return parse_dec(&s);
}

/*
 * The effective mmap_min_addr: the lowest page a MAP_FIXED_NOREPLACE
 * mapping is allowed at (EPERM below it).  The sysctl alone does not tell:
 * an LSM may enforce a higher floor (CONFIG_LSM_MMAP_MIN_ADDR).
 */
static uint64_t probe_mmap_min_addr(void)
{
	for (uint64_t a = 4096; a < (128ULL << 12); a += 4096) {
		void *p = mmap((void *)(uintptr_t)a, 4096, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != MAP_FAILED) {
			munmap(p, 4096);
			return a;
		}
		if (errno != EPERM)
			return a;
	}
	return 4096;
}

/*
 * Where the kernel raises a low hint to: its mmap_min_addr variable, the
 * larger of the sysctl and CONFIG_LSM_MMAP_MIN_ADDR (round_hint_to_min).
 */
static uint64_t probe_hint_min_addr(void)
{
	void *p = mmap((void *)4096, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 4096;
	munmap(p, 4096);
	uint64_t a = (uint64_t)(uintptr_t)p;
	return a < (128ULL << 12) ? a : 4096;
}

/* Whether the kernel has CONFIG_ANON_VMA_NAME (prctl PR_SET_VMA works). */
static int probe_anon_vma_name(void)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	int ok = prctl(0x53564d41 /* PR_SET_VMA */, 0 /* ANON_NAME */, (unsigned long)p, 4096UL,
		       (unsigned long)"probe") == 0;
	munmap(p, 4096);
	return ok;
}

/*
 * Whether a read fault on private anonymous memory maps the shared zero
 * page (then a store to the page takes a second fault, the copy) or
 * allocates a page of its own, writable at once: Linux where
 * mm_forbids_zeropage() holds, or a PVM guest kernel booted with
 * pvm_no_zero_page=1.  Counted with getrusage over 16 pages: 32 minor
 * faults with the zero page, 16 without.
 */
static int probe_no_zero_page(void)
{
	enum { N = 16 };
	volatile uint8_t *p =
	    mmap(NULL, N * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	struct rusage before, after;
	getrusage(RUSAGE_SELF, &before);
	for (int i = 0; i < N; i++)
		(void)p[i * 4096];
	for (int i = 0; i < N; i++)
		p[i * 4096] = 1;
	getrusage(RUSAGE_SELF, &after);
	munmap((void *)p, N * 4096);
	return after.ru_minflt - before.ru_minflt < 2 * N;
}

/* Private_Dirty of the mapping at addr in /proc/self/smaps, in kB; -1 if
 * not found. */
static long smaps_private_dirty_kb(uintptr_t addr)
{
	char want[32], line[512];
	int n = snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	FILE *f = fopen("/proc/self/smaps", "r");
	long kb = -1;
	bool in_vma = false;
	if (!f)
		return -1;
	while (kb < 0 && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, want, (size_t)n))
			in_vma = true;
		else if (in_vma && sscanf(line, "Private_Dirty: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/*
 * Whether growing a file from an unaligned size dirties the cached page of
 * its old EOF, as ext4 does since Linux 6.12 (it zeroes the rest of that
 * block through the page cache): a 100-byte file in the run directory,
 * written back, mapped and read, then grown to 8 KiB; the mapping's
 * Private_Dirty says.  mmkit models it on ext4 only.
 */
static int probe_eof_block_zeroing(void)
{
	char name[] = ".mmkit-probe-XXXXXX", buf[100];
	int fd = mkstemp(name), dirty = 0;
	if (fd < 0)
		return 0;
	unlink(name);
	memset(buf, 'a', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf) && fsync(fd) == 0) {
		volatile uint8_t *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			(void)p[0];
			dirty =
			    ftruncate(fd, 8192) == 0 && smaps_private_dirty_kb((uintptr_t)p) > 0;
			munmap((void *)p, 4096);
		}
	}
	close(fd);
	return dirty;
}

/*
 * Runs the probes in a throwaway child: their mappings would otherwise
 * raise this process's VmPeak, which must read 0 kB when the script starts.
 * The children answer through their exit status: the min address in pages
 * (at most 127) and bit 7 for anon names; the hint floor in pages and bit 7
 * for a kernel without the zero page; 1 for the EOF block zeroing.
 */
static void probe_host(struct bk_layout *l)
{
	l->mmap_min_addr = 4096;
	l->hint_min_addr = 4096;
	l->anon_vma_name = 0;
	l->no_zero_page = 0;
	l->eof_block_zeroing = 0;
	/* SIGCHLD is ignored (auto-reaping); the wait needs it back for now. */
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
	sigaction(SIGCHLD, &dfl, &old);
	pid_t pid = fork();
	if (pid == 0)
		_exit((int)(probe_mmap_min_addr() >> 12 & 0x7f) | (probe_anon_vma_name() << 7));
	pid_t pid2 = pid > 0 ? fork() : -1;
	if (pid2 == 0)
		_exit((int)(probe_hint_min_addr() >> 12 & 0x7f) | (probe_no_zero_page() << 7));
	pid_t pid3 = pid2 > 0 ? fork() : -1;
	if (pid3 == 0)
		_exit(probe_eof_block_zeroing());
	int status, status2, status3;
	bool ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status);
	bool ok2 = pid2 > 0 && waitpid(pid2, &status2, 0) == pid2 && WIFEXITED(status2);
	bool ok3 = pid3 > 0 && waitpid(pid3, &status3, 0) == pid3 && WIFEXITED(status3);
	sigaction(SIGCHLD, &old, NULL);
	if (ok3)
		l->eof_block_zeroing = WEXITSTATUS(status3) == 1;
	if (ok2) {
		int v = WEXITSTATUS(status2);
		if (v & 0x7f)
			l->hint_min_addr = (uint64_t)(v & 0x7f) << 12;
		l->no_zero_page = (v >> 7) & 1;
	}
	if (!ok)
		return;
	int v = WEXITSTATUS(status);
	if (v & 0x7f)
		l->mmap_min_addr = (uint64_t)(v & 0x7f) << 12;
	l->anon_vma_name = (v >> 7) & 1;
}

/* Fills the layout of the HELLO from the hidden ranges. */
static void fill_layout(struct server *srv)
{
	struct bk_layout *l = &srv->hello.layout;
	uint64_t sp = (uint64_t)(uintptr_t)&l;

	l->n = 0;
	for (int i = 0; i < srv->nhidden; i++) {
		const struct range *r = &srv->hidden[i];

		if (r->start >= SRV_TASK_SIZE)
			continue;
		l->r[l->n].start = r->start;
		l->r[l->n].end = r->end;
		l->r[l->n].growsdown = sp >= r->start && sp < r->end;
		l->n++;
	}
	l->start_brk = read_start_brk(srv);
	l->brk = (uint64_t)syscall(SYS_brk, 0);
	if (l->start_brk != l->brk)
		problem(srv, "the brk heap is not empty at start", 0);
}

/* Grows the stack VMA 256 KiB below here, deeper than the server ever
 * goes (a fork's child, the tracee's set-up, a view), so that no later
 * growth makes a stack page record_hidden did not see: such a page would
 * show in maps and be touchable by a script.  From the top down, as a
 * growing stack is touched. */
static __attribute__((noinline)) void grow_stack(void)
{
	volatile unsigned char pad[256 * 1024];

	for (size_t i = sizeof(pad); i > 0; i -= SRV_PAGE < i ? SRV_PAGE : i)
		pad[i - 1] = 0;
	pad[0] = 0;
}

int setup_address_space(struct server *srv)
{
	struct rlimit da;
	struct sigaction sa;
	int err;

	if (getrlimit(RLIMIT_DATA, &da) == 0) {
		da.rlim_cur = da.rlim_max;
		setrlimit(RLIMIT_DATA, &da);
	}
	umask(022);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL); /* forked script processes reap themselves */
	err = access_install();
	if (err)
		return err;
	if (!getcwd(srv->rundir, sizeof(srv->rundir)))
		return -errno;
	srv->rundirlen = strlen(srv->rundir);
	if (srv->rundirlen == 1) /* "/": nothing to strip */
		srv->rundirlen = 0;
	/* Probe first: the probe's fork leaves our pages copy-on-write, and
	 * the prefault passes below take them back before the script runs. */
	probe_host(&srv->hello.layout);
	grow_stack();
	err = record_hidden(srv);
	if (err)
		return err;
	prefault_hidden(srv);
	seal_anonymous(srv);
	err = record_hidden(srv);
	if (err)
		return err;
	prefault_hidden(srv);
	fill_layout(srv);
	srv->hello.version = LX_VERSION;
	srv->hello.pid = getpid();
	return 0;
}

int range_hidden(const struct server *srv, uint64_t start, uint64_t end)
{
	for (int i = 0; i < srv->nhidden; i++)
		if (start >= srv->hidden[i].start && end <= srv->hidden[i].end)
			return 1;
	return 0;
}

void put_path(const struct server *srv, struct obuf *ob, const char *s, const char *e)
{
	size_t n = srv->rundirlen;

	if (n && (size_t)(e - s) > n && memcmp(s, srv->rundir, n) == 0 && s[n] == '/')
		s += n;
	ob_putn(ob, s, (size_t)(e - s));
}
