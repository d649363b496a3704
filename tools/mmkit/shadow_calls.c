/*
 * shadow_calls.c - the system calls `mmkit shadow` mirrors: one row per
 * x86-64 call number in calls[], one function per call, named after it
 * (as QEMU linux-user's and gVisor's syscall tables are organized).
 *
 * A row says how the call is handled once the host has made it:
 *   - mirror: the same call on the task's mmk_proc, with the same
 *     arguments; both results must agree;
 *   - refuse: the call changes the address space in a way mmkit does not
 *     model (System V shm, userfaultfd, mseal, mbind...).  When it
 *     succeeds on the host, the run stops: the program cannot be followed.
 *     A failed one changed nothing and is let through.
 * fork/vfork/clone and execve are mirrored at their ptrace events
 * (shadow.c); their rows keep them serialized per space.
 *
 * The fd behind a file mmap, and the fd-table calls, are shadow_fds.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shadow.h"

#define NR_MAX 470

enum row_kind { ROW_NONE, ROW_MIRROR, ROW_EVENT, ROW_REFUSE };

struct row {
	const char *name;
	enum row_kind kind;
	/* ROW_MIRROR: mirrors t's call into mmkit, returns mmkit's result;
	 * sets *stop after reporting when the run must stop. */
	int64_t (*mirror)(struct shadow *sh, struct sh_task *t, int64_t host, int *stop);
	const char *why; /* ROW_REFUSE: what mmkit does not model */
};

/* ---- Mirrors ------------------------------------------------------------------ */

#define A(i) (t->call.args[i])

static int64_t mirror_mmap(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	uint64_t flags = A(3); /* all 64 bits, as sys_mmap takes them */
	struct sh_mmap_fd m = {.mmfd = -1};
	if (!(flags & MMK_MAP_ANONYMOUS)) {
		sh_mmap_fd_resolve(sh, t, (int)A(4), &m);
		if (m.unfollowed) {
			if (host < 0) /* nothing happened on the host either */
				return host;
			sh_cannot_follow(sh, t, "mmap of a file mmkit cannot map: %s", m.why);
			*stop = 1;
			return host;
		}
		if (m.dev_zero) {
			/* mmap_zero(): shared is shmem_zero_setup()'s memory, as
			 * MAP_SHARED|MAP_ANONYMOUS; private is anonymous memory
			 * that keeps /dev/zero as its file (maps names it, and it
			 * merges with no anonymous neighbour), a device mapping
			 * mmkit does not model. */
			if ((flags & MMK_MAP_TYPE) == MMK_MAP_PRIVATE && host >= 0) {
				sh_cannot_follow(sh, t,
						 "mmap of /dev/zero with MAP_PRIVATE: "
						 "mmkit maps no device files");
				*stop = 1;
				return host;
			}
			flags |= MMK_MAP_ANONYMOUS;
			m.mmfd = -1;
		}
	}
	int64_t r = mmk_mmap(t->sp->p, A(0), A(1), A(2), flags, m.mmfd, (int64_t)A(5));
	if (m.opened)
		mmk_close(t->sp->p, m.mmfd);
	return r;
}

static int64_t mirror_munmap(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_munmap(t->sp->p, A(0), A(1));
}

static int64_t mirror_mprotect(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_mprotect(t->sp->p, A(0), A(1), A(2));
}

static int64_t mirror_pkey_mprotect(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	if ((int)A(3) != -1 && host >= 0) {
		sh_cannot_follow(sh, t, "pkey_mprotect with key %d: mmkit has no protection keys",
				 (int)A(3));
		*stop = 1;
		return host;
	}
	return mmk_mprotect(t->sp->p, A(0), A(1), A(2));
}

static int64_t mirror_brk(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return (int64_t)mmk_brk(t->sp->p, A(0));
}

static int64_t mirror_mremap(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_mremap(t->sp->p, A(0), A(1), A(2), A(3), A(4));
}

static int64_t mirror_msync(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_msync(t->sp->p, A(0), A(1), (int)A(2));
}

/* Whether [addr, addr+len) meets a shared file mapping in mmkit's maps. */
static bool range_has_shared_file(mmk_proc *p, uint64_t addr, uint64_t len)
{
	int64_t n = mmk_proc_maps(p, NULL, 0);
	if (n < 0)
		return false;
	char *buf = malloc((size_t)n + 1);
	if (!buf)
		return true;
	mmk_proc_maps(p, buf, (uint64_t)n + 1);
	bool hit = false;
	for (char *l = buf; *l && !hit;) {
		unsigned long lo, hi, ino;
		char perms[5];
		if (sscanf(l, "%lx-%lx %4s %*x %*x:%*x %lu", &lo, &hi, perms, &ino) == 4)
			hit = lo < addr + len && hi > addr && perms[3] == 's' && ino != 0 &&
			      !strstr(l, "/dev/zero (deleted)");
		char *e = strchr(l, '\n');
		if (!e)
			break;
		l = e + 1;
	}
	free(buf);
	return hit;
}

static int64_t mirror_madvise(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	int advice = (int)A(2);
	if ((advice == MMK_MADV_REMOVE || advice == MMK_MADV_POPULATE_WRITE) && host >= 0 &&
	    range_has_shared_file(t->sp->p, A(0), A(1))) {
		/* mmkit would punch or dirty the host file itself, and shadow
		 * never writes a host file. */
		sh_cannot_follow(sh, t,
				 "madvise(%s) of a shared file mapping would write the "
				 "host file through mmkit",
				 advice == MMK_MADV_REMOVE ? "MADV_REMOVE" : "MADV_POPULATE_WRITE");
		*stop = 1;
		return host;
	}
	return mmk_madvise(t->sp->p, A(0), A(1), advice);
}

static int64_t mirror_mlock(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_mlock(t->sp->p, A(0), A(1));
}

static int64_t mirror_munlock(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_munlock(t->sp->p, A(0), A(1));
}

static int64_t mirror_mlockall(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_mlockall(t->sp->p, (int)A(0));
}

static int64_t mirror_munlockall(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_munlockall(t->sp->p);
}

static int64_t mirror_mlock2(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	return mmk_mlock2(t->sp->p, A(0), A(1), (int)A(2));
}

#define PR_SET_MM_	      35
#define PR_SET_THP_DISABLE_   41
#define PR_SET_MDWE_	      65
#define PR_SET_MEMORY_MERGE_  67
#define PR_SET_VMA_	      0x53564d41
#define PR_SET_VMA_ANON_NAME_ 0

/* Only PR_SET_VMA is a memory call shadow mirrors; prctls that change
 * what later calls do are refused when they succeed; the rest are not
 * memory management (mirror_prctl reports them as not mirrored). */
static int64_t mirror_prctl(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	int opt = (int)A(0);
	if (opt == PR_SET_VMA_ && A(1) == PR_SET_VMA_ANON_NAME_) {
		char name[256];
		if (A(4) == 0)
			return mmk_set_anon_name(t->sp->p, A(2), A(3), NULL);
		int err = sh_peek_string(t->tid, A(4), name, sizeof(name));
		if (err == -ENAMETOOLONG || err == -EFAULT) {
			/* The host read the same bytes: as Linux, mmkit sees a name
			 * too long (> 80) or unreadable. */
			if (host >= 0) {
				sh_cannot_follow(sh, t,
						 "PR_SET_VMA_ANON_NAME with a name shadow "
						 "cannot read");
				*stop = 1;
			}
			return host;
		}
		return mmk_set_anon_name(t->sp->p, A(2), A(3), name);
	}
	if (host >= 0 && (opt == PR_SET_MM_ || opt == PR_SET_MDWE_ ||
			  (opt == PR_SET_MEMORY_MERGE_ && A(1) != 0) ||
			  (opt == PR_SET_THP_DISABLE_ && A(1) == 0))) {
		sh_cannot_follow(sh, t, "prctl(%s): mmkit cannot change this",
				 opt == PR_SET_MM_     ? "PR_SET_MM"
				 : opt == PR_SET_MDWE_ ? "PR_SET_MDWE"
				 : opt == PR_SET_MEMORY_MERGE_
				     ? "PR_SET_MEMORY_MERGE) marks every VMA mergeable (KSM"
				     : "PR_SET_THP_DISABLE, 0) turns THP back on (shadow runs "
				       "with THP off");
		*stop = 1;
		return host;
	}
	*stop = -1; /* not a memory call */
	return host;
}

#define PER_MEM_BITS	   (0x0400000 | 0x0200000 | 0x0800000 | 0x8000000 | 0x0100000)
#define ADDR_NO_RANDOMIZE_ 0x0040000

static int64_t mirror_personality(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	unsigned pers = (unsigned)A(0);
	*stop = -1;
	if (pers == 0xffffffffu || host < 0)
		return host;
	if ((pers & PER_MEM_BITS) || !(pers & ADDR_NO_RANDOMIZE_)) {
		sh_cannot_follow(sh, t,
				 "personality(%#x) changes the memory layout of the "
				 "next exec (READ_IMPLIES_EXEC, ADDR_COMPAT_LAYOUT, "
				 "ADDR_LIMIT_*, MMAP_PAGE_ZERO or ASLR back on)",
				 pers);
		*stop = 1;
	}
	return host;
}

#define RLIMIT_DATA_	2
#define RLIMIT_STACK_	3
#define RLIMIT_MEMLOCK_ 8
#define RLIMIT_AS_	9

/* A resource limit the program set: RLIMIT_STACK only matters to its next
 * exec (mmap_base, the stack's room), so it is remembered and checked
 * there; the others decide later calls' results, which mmkit takes from
 * its system-wide setting, so a change is refused. */
static void limit_set(struct shadow *sh, struct sh_task *t, int res, uint64_t soft, int *stop)
{
	uint64_t want;
	switch (res) {
	case RLIMIT_STACK_:
		for (size_t i = 0; i < sh->ntasks; i++)
			if (sh->tasks[i]->tgid == t->tgid)
				sh->tasks[i]->stack_rlimit = soft;
		return;
	case RLIMIT_DATA_:
		want = sh->cfg_data_rlimit;
		break;
	case RLIMIT_AS_:
		want = sh->cfg_as_rlimit;
		break;
	case RLIMIT_MEMLOCK_:
		want = sh->cfg_memlock_rlimit;
		break;
	default:
		return;
	}
	if (soft != want) {
		sh_cannot_follow(sh, t,
				 "setrlimit(%s) to %#" PRIx64 ": mmkit's limit is one "
				 "setting of the system (%#" PRIx64 ")",
				 res == RLIMIT_DATA_ ? "RLIMIT_DATA"
				 : res == RLIMIT_AS_ ? "RLIMIT_AS"
						     : "RLIMIT_MEMLOCK",
				 soft, want);
		*stop = 1;
	}
}

static int64_t mirror_setrlimit(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	uint64_t lim[2];
	*stop = -1;
	if (host < 0 || sh_peek(t->tid, A(1), lim, sizeof(lim)) != 0)
		return host;
	limit_set(sh, t, (int)A(0), lim[0], stop);
	return host;
}

static int64_t mirror_prlimit64(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	uint64_t lim[2];
	*stop = -1;
	if (host < 0 || A(2) == 0 || sh_peek(t->tid, A(2), lim, sizeof(lim)) != 0)
		return host;
	pid_t pid = (pid_t)A(0);
	struct sh_task *target = t;
	if (pid != 0 && pid != t->tgid) {
		target = NULL;
		for (size_t i = 0; i < sh->ntasks; i++)
			if (sh->tasks[i]->tgid == pid)
				target = sh->tasks[i];
		if (!target) /* a process shadow does not follow */
			return host;
	}
	limit_set(sh, target, (int)A(1), lim[0], stop);
	return host;
}

#define ARCH_MAP_VDSO_X32_ 0x2001
#define ARCH_MAP_VDSO_64_  0x2003
#define ARCH_SHSTK_ENABLE_ 0x5001

static int64_t mirror_arch_prctl(struct shadow *sh, struct sh_task *t, int64_t host, int *stop)
{
	int code = (int)A(0);
	*stop = -1;
	if (host >= 0 && ((code >= ARCH_MAP_VDSO_X32_ && code <= ARCH_MAP_VDSO_64_) ||
			  code == ARCH_SHSTK_ENABLE_)) {
		sh_cannot_follow(sh, t, "arch_prctl(%#x) maps %s", code,
				 code == ARCH_SHSTK_ENABLE_ ? "a shadow stack" : "a vdso");
		*stop = 1;
	}
	return host;
}

#undef A

/* ---- The table -------------------------------------------------------------- */

#define M(nr, n)    [nr] = {#n, ROW_MIRROR, mirror_##n, NULL}
#define E(nr, n)    [nr] = {#n, ROW_EVENT, NULL, NULL}
#define R(nr, n, w) [nr] = {#n, ROW_REFUSE, NULL, w}

static const struct row calls[NR_MAX] = {
    M(9, mmap),
    M(10, mprotect),
    M(11, munmap),
    M(12, brk),
    M(25, mremap),
    M(26, msync),
    M(28, madvise),
    R(30, shmat, "System V shared memory"),
    E(56, clone),
    E(57, fork),
    E(58, vfork),
    E(59, execve),
    R(67, shmdt, "System V shared memory"),
    M(135, personality),
    M(149, mlock),
    M(150, munlock),
    M(151, mlockall),
    M(152, munlockall),
    M(157, prctl),
    M(158, arch_prctl),
    M(160, setrlimit),
    R(216, remap_file_pages, "nonlinear file mappings"),
    R(237, mbind, "NUMA memory policies (they split VMAs)"),
    M(302, prlimit64),
    E(322, execveat),
    R(323, userfaultfd, "userfaultfd"),
    M(325, mlock2),
    M(329, pkey_mprotect),
    E(435, clone3),
    R(440, process_madvise, "madvise of another process"),
    R(447, memfd_secret, "secret memory"),
    R(450, set_mempolicy_home_node, "NUMA memory policies (they split VMAs)"),
    R(453, map_shadow_stack, "shadow stacks"),
    R(462, mseal, "sealed mappings (mseal)"),
};

static const struct row *row_of(int nr)
{
	return nr >= 0 && nr < NR_MAX && calls[nr].kind != ROW_NONE ? &calls[nr] : NULL;
}

const char *sh_call_name(int nr)
{
	const struct row *r = row_of(nr);
	return r ? r->name : NULL;
}

bool sh_call_mirrored(const struct sh_call *c)
{
	return row_of(c->nr) != NULL || sh_fd_call(c);
}

/* ---- execve ------------------------------------------------------------------- */

#define EXEC_STR_MAX  (128 * 1024) /* MAX_ARG_STRLEN */
#define EXEC_ARGS_MAX 100000

/* Reads a NULL-terminated array of strings from the tracee; NULL array
 * pointer is an empty array, as Linux takes it. */
static int read_strv(pid_t tid, uint64_t addr, char ***out)
{
	size_t n = 0, cap = 16;
	char **v = calloc(cap + 1, sizeof(*v));
	char *buf = malloc(EXEC_STR_MAX);
	int err = 0;
	if (!v || !buf) {
		err = -ENOMEM;
		goto out;
	}
	while (addr) {
		uint64_t sp;
		if ((err = sh_peek(tid, addr + 8 * n, &sp, sizeof(sp))) != 0)
			goto out;
		if (!sp)
			break;
		if (n >= EXEC_ARGS_MAX) {
			err = -E2BIG;
			goto out;
		}
		if ((err = sh_peek_string(tid, sp, buf, EXEC_STR_MAX)) != 0)
			goto out;
		if (n == cap) {
			char **nv = realloc(v, (2 * cap + 1) * sizeof(*v));
			if (!nv) {
				err = -ENOMEM;
				goto out;
			}
			v = nv;
			cap *= 2;
		}
		if (!(v[n++] = strdup(buf))) {
			err = -ENOMEM;
			goto out;
		}
		v[n] = NULL;
	}
out:
	free(buf);
	if (err && v) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		v = NULL;
	}
	*out = v;
	return err;
}

static void exec_args_clear(struct sh_task *t)
{
	free(t->exec_path);
	t->exec_path = NULL;
	for (int k = 0; k < 2; k++) {
		char **v = k ? t->exec_envp : t->exec_argv;
		if (v) {
			for (char **s = v; *s; s++)
				free(*s);
			free(v);
		}
	}
	t->exec_argv = t->exec_envp = NULL;
	t->exec_err = 0;
}

/* execve(path, argv, envp) / execveat(dirfd, path, argv, envp, flags):
 * the strings as the kernel is about to copy them. */
static void exec_enter(struct sh_task *t)
{
	bool at = t->call.nr == 322;
	uint64_t path = t->call.args[at ? 1 : 0], argv = t->call.args[at ? 2 : 1],
		 envp = t->call.args[at ? 3 : 2];
	char buf[4096];
	exec_args_clear(t);
	t->exec_err = sh_peek_string(t->tid, path, buf, sizeof(buf));
	if (t->exec_err)
		return;
	t->exec_path = strdup(buf);
	if (!t->exec_path) {
		t->exec_err = -ENOMEM;
		return;
	}
	t->exec_err = read_strv(t->tid, argv, &t->exec_argv);
	if (!t->exec_err)
		t->exec_err = read_strv(t->tid, envp, &t->exec_envp);
}

int sh_call_enter(struct shadow *sh, struct sh_task *t)
{
	if (t->call.nr == 59 || t->call.nr == 322)
		exec_enter(t);
	else if (!sh_fd_call(&t->call))
		sh_sync_faults(sh, t);
	return 0;
}

/* Whether two paths name one file. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Whether the file name execfn (as the program gave it to execve) names
 * the same file from mmkit's root "/" as from t's working directory. */
static bool same_as_host(pid_t tid, const char *execfn)
{
	char from_root[4200], from_cwd[4200];
	if (execfn[0] == '/')
		return true;
	snprintf(from_root, sizeof(from_root), "/%s", execfn);
	snprintf(from_cwd, sizeof(from_cwd), "/proc/%d/cwd/%s", (int)tid, execfn);
	return same_file(from_root, from_cwd);
}

/*
 * Whether mmk_execve(p, t->exec_path...) -- for a failed execve -- reaches
 * what the host tried, with the same file-name string on the stack: an
 * absolute path (mmkit's root is "/"), or a relative one that names the
 * same file from "/" as from the program's working directory.  Fills why
 * when not.
 */
static bool exec_path_followable(struct sh_task *t, char *why, size_t len)
{
	const char *path = t->exec_path;
	if (t->exec_err) {
		snprintf(why, len, "cannot read the arguments of %s: %s",
			 t->call.nr == 59 ? "execve" : "execveat", strerror(-t->exec_err));
		return false;
	}
	if (t->call.nr == 322) {
		int dirfd = (int)t->call.args[0], flags = (int)t->call.args[4];
		if ((flags & MMK_AT_EMPTY_PATH) && !path[0]) {
			snprintf(why, len,
				 "execveat(%d, \"\", AT_EMPTY_PATH): the file name on "
				 "the stack would be mmkit's /dev/fd/N",
				 dirfd);
			return false;
		}
		if (flags & ~MMK_AT_EMPTY_PATH) {
			snprintf(why, len, "execveat with flags %#x", flags);
			return false;
		}
		if (path[0] != '/' && dirfd != MMK_AT_FDCWD) {
			snprintf(why, len, "execveat(%d, \"%s\") relative to a directory fd", dirfd,
				 path);
			return false;
		}
	}
	if (path[0] != '/' && !same_as_host(t->tid, path)) {
		snprintf(why, len,
			 "exec of the relative path \"%s\" (mmkit resolves it from "
			 "the root, the host from the working directory)",
			 path);
		return false;
	}
	return true;
}

/* The argument vectors as mmk_execve takes them. */
#define ARGV(v) ((const char *const *)(v))

/* A failed execve: the same call on mmkit must fail the same way (before
 * the point of no return, changing nothing). */
static int exec_failed(struct shadow *sh, struct sh_task *t, int64_t rval)
{
	char why[512];
	if (!exec_path_followable(t, why, sizeof(why)))
		return 0; /* nothing changed on the host; nothing to mirror */
	int r = mmk_execve(t->sp->p, t->exec_path, ARGV(t->exec_argv), ARGV(t->exec_envp), NULL);
	sh->calls++;
	sh_history_add(sh, t, rval, r);
	if (r != rval) {
		sh_result_differs(sh, t, rval, r);
		return 1;
	}
	return 0;
}

/*
 * Whether an exec under RLIMIT_STACK a lays out the same as under b (mmkit
 * has one limit per system; gcc's driver raises its own to 64 MiB before
 * it runs cc1).  Linux reads the limit at exec in three places: mmap_base()
 * puts mmap_base max(limit + stack_guard_gap, 128 MiB) below the stack top,
 * mmap_is_legacy() lays out bottom-up for an infinite limit, and
 * setup_arg_pages() expands the stack by 128 KiB unless the limit is
 * smaller.  Two finite limits of 8 MiB or more whose gap clamps to 128 MiB
 * both ways give the same layout; exec's -E2BIG and the stack's later
 * growth still answer to mmkit's own limit, and a difference there shows.
 */
static bool stack_limits_alike(uint64_t a, uint64_t b)
{
	const uint64_t lo = 8ULL << 20, hi = (128ULL << 20) - (1ULL << 20);
	if (a == b)
		return true;
	return a >= lo && b >= lo && a <= hi && b <= hi;
}

/* e_ident[EI_CLASS] of an ELF file (1: 32-bit, 2: 64-bit), or -1. */
static int elf_class(const char *path)
{
	unsigned char id[5];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, id, sizeof(id));
	close(fd);
	if (n != 5 || memcmp(id, "\177ELF", 4) != 0)
		return -1;
	return id[4];
}

/* A NUL-separated /proc/TID file (cmdline, environ) as a NULL-terminated
 * vector (malloc'd, one block), or NULL. */
static char **proc_strv(pid_t tid, const char *what)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, what);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	for (size_t n; buf && (n = fread(buf + len, 1, cap - len, f)) > 0;) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		return NULL;
	size_t count = 0;
	for (size_t i = 0; i < len; i++)
		count += buf[i] == 0;
	/* The vector and the strings in one allocation. */
	char **v = malloc((count + 1) * sizeof(*v) + len + 1);
	if (!v) {
		free(buf);
		return NULL;
	}
	char *strs = (char *)(v + count + 1);
	memcpy(strs, buf, len);
	strs[len] = 0;
	free(buf);
	size_t k = 0;
	for (size_t i = 0; i < len && k < count; k++) {
		v[k] = strs + i;
		i += strlen(strs + i) + 1;
	}
	v[k] = NULL;
	return v;
}

#define AT_EXECFN_ 31

/* The file name the kernel copied onto t's new stack (AT_EXECFN): what
 * the program passed to execve, or "/dev/fd/N..." for an execveat. */
static int host_execfn(pid_t tid, char *buf, size_t cap)
{
	char path[64];
	uint64_t auxv[2 * 64];
	snprintf(path, sizeof(path), "/proc/%d/auxv", (int)tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	size_t n = fread(auxv, sizeof(auxv[0]), sizeof(auxv) / sizeof(auxv[0]), f);
	fclose(f);
	for (size_t i = 0; i + 1 < n && auxv[i]; i += 2)
		if (auxv[i] == AT_EXECFN_)
			return sh_peek_string(tid, auxv[i + 1], buf, cap);
	return -ENOENT;
}

/* Whether execfn, taken from mmkit's root, is the file the host loaded
 * (exe) or a "#!" script (whose interpreter the host loaded): not a
 * magic link such as /proc/self/exe, which names another file in shadow. */
static bool names_loaded_file(const char *execfn, const char *exe)
{
	char abs[4200], head[2];
	if (!strncmp(execfn, "/proc/", 6) || !strncmp(execfn, "proc/", 5) ||
	    !strncmp(execfn, "/dev/fd/", 8))
		return false;
	snprintf(abs, sizeof(abs), "%s%s", execfn[0] == '/' ? "" : "/", execfn);
	if (same_file(abs, exe))
		return true;
	int fd = open(abs, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	bool script = read(fd, head, 2) == 2 && head[0] == '#' && head[1] == '!';
	close(fd);
	return script;
}

/* The interpreter a "#!" line of the file execfn names (relative to t's
 * working directory), or "" -- the shortest name the script itself gives
 * to what the host ran, when it is not a nested script. */
static void shebang_interp(pid_t tid, const char *execfn, char *out, size_t cap)
{
	char path[4200], line[256];
	out[0] = 0;
	if (execfn[0] == '/')
		snprintf(path, sizeof(path), "%s", execfn);
	else
		snprintf(path, sizeof(path), "/proc/%d/cwd/%s", (int)tid, execfn);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && line[0] == '#' && line[1] == '!') {
		const char *s = line + 2;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = strcspn(s, " \t\n");
		if (n < cap) {
			memcpy(out, s, n);
			out[n] = 0;
		}
	}
	fclose(f);
}

/*
 * The path mmk_execve is given: it must reach the file the host runs
 * (exe, which for a #! script is the interpreter) from mmkit's root "/",
 * and be exactly as long as the file name the host copied onto the stack
 * (execfn), for that length, not its bytes, decides where the stack's
 * strings end and so the stack VMA's extent (docs/SHADOW.md).  The first
 * of these that reaches exe and is no longer than execfn, padded with
 * extra slashes before its last component: the name itself (relative
 * names are taken from the root), a script's "#!" interpreter, exe's own
 * path, those two relative to the root.  0, or -1 with why filled.
 */
static int exec_name(pid_t tid, const char *execfn, const char *exe, char *out, size_t cap,
		     char *why, size_t wlen)
{
	size_t want = strlen(execfn);
	char real[4096], interp[4096];
	ssize_t rn = readlink(exe, real, sizeof(real) - 1);
	real[rn > 0 ? rn : 0] = 0;
	shebang_interp(tid, execfn, interp, sizeof(interp));
	const char *cands[] = {execfn, interp[0] == '/' ? interp : NULL,
			       interp[0] == '/' ? interp + 1 : NULL, real[0] == '/' ? real : NULL,
			       real[0] == '/' ? real + 1 : NULL};
	for (size_t k = 0; k < sizeof(cands) / sizeof(cands[0]); k++) {
		const char *c = cands[k];
		size_t n = c ? strlen(c) : 0;
		if (!c || n > want || want >= cap)
			continue;
		char abs[4200];
		snprintf(abs, sizeof(abs), "%s%s", c[0] == '/' ? "" : "/", c);
		if (!same_file(abs, exe))
			continue;
		const char *last = strrchr(c, '/');
		size_t head = last ? (size_t)(last - c) + 1 : 0;
		memcpy(out, c, head);
		memset(out + head, '/', want - n);
		strcpy(out + head + (want - n), c + head);
		return 0;
	}
	snprintf(why, wlen,
		 "exec of \"%.200s\": no path to %.200s as short as that name "
		 "(mmkit resolves exec paths from its root, and the name's length "
		 "shapes the stack)",
		 execfn, real);
	return -1;
}

int sh_call_exec_event(struct shadow *sh, struct sh_task *t)
{
	char why[600], exe[64], execfn[4096], name[4096];
	if (!t->sp)
		return 0;
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)t->tid);
	if (elf_class(exe) == 1) {
		sh_cannot_follow(sh, t,
				 "exec of %s, a 32-bit program: only x86-64 programs "
				 "are followed",
				 t->exec_path ? t->exec_path : exe);
		return 1;
	}
	int err = host_execfn(t->tid, execfn, sizeof(execfn));
	char **argv = proc_strv(t->tid, "cmdline"), **envp = proc_strv(t->tid, "environ");
	if (err || !argv || !envp) {
		sh_cannot_follow(sh, t,
				 "cannot read the new image's file name, argv or envp "
				 "from /proc/%d",
				 (int)t->tid);
		free(argv), free(envp);
		return 1;
	}
	/* The program's own call when its name reaches, from mmkit's root,
	 * the file the host opened (mmkit's exec then runs a #! script as
	 * binfmt_script does); else the loaded file under a name as long. */
	bool own = !t->exec_err && t->exec_argv && t->exec_envp && t->exec_path &&
		   !strcmp(t->exec_path, execfn) && same_as_host(t->tid, execfn) &&
		   names_loaded_file(execfn, exe);
	if (own) {
		snprintf(name, sizeof(name), "%s", execfn);
		free(argv), free(envp);
		argv = t->exec_argv;
		envp = t->exec_envp;
	} else if (exec_name(t->tid, execfn, exe, name, sizeof(name), why, sizeof(why)) != 0) {
		sh_cannot_follow(sh, t, "%s", why);
		free(argv), free(envp);
		return 1;
	}
	if (!stack_limits_alike(t->stack_rlimit, sh->cfg_stack_rlimit)) {
		sh_cannot_follow(sh, t,
				 "exec after the program set RLIMIT_STACK to %#" PRIx64
				 " (mmkit's exec uses its system's %#" PRIx64 ")",
				 t->stack_rlimit, sh->cfg_stack_rlimit);
		if (!own)
			free(argv), free(envp);
		return 1;
	}
	if (!t->sp->foreign)
		sh_fds_exec(t->sp);
	if (sh->fail_after >= 0) {
		/* --fail-after: allocation failures injected from here on, so
		 * that a difference shows (tests of shadow's reporting). */
		mmk_system_fail_after(sh->sys, sh->fail_after, 1);
		sh->fail_after = -1;
	}
	t->sp->foreign = false;
	t->sp->files_tgid = t->tgid;
	int r = mmk_execve(t->sp->p, name, ARGV(argv), ARGV(envp), NULL);
	if (!own)
		free(argv), free(envp);
	sh->calls++;
	sh_history_add(sh, t, 0, r);
	if (r != 0) {
		sh_result_differs(sh, t, 0, r);
		return 1;
	}
	return 0;
}

/* ---- Results ---------------------------------------------------------------- */

int sh_call_exit(struct shadow *sh, struct sh_task *t, int64_t rval)
{
	if (sh_fd_call(&t->call)) {
		sh_fd_call_exit(t, rval);
		return 0;
	}
	const struct row *row = row_of(t->call.nr);
	if (!row || !t->sp)
		return 0;
	if (row->kind == ROW_REFUSE) {
		if (rval < 0)
			return 0;
		sh_cannot_follow(sh, t, "%s succeeded: mmkit does not model %s", row->name,
				 row->why);
		return 1;
	}
	if (row->kind == ROW_EVENT) {
		/* Mirrored at the event; an exec that failed is mirrored here,
		 * one that succeeded compared here, in both modes. */
		if (t->call.nr != 59 && t->call.nr != 322)
			return 0;
		if (rval < 0)
			return exec_failed(sh, t, rval);
		return t->sp->foreign ? 0 : sh_compare(sh, t, row->name);
	}
	if (t->sp->foreign)
		return 0;
	int stop = 0;
	int64_t mm = row->mirror(sh, t, rval, &stop);
	if (stop > 0)
		return 1;
	if (stop < 0) /* not a memory call after all */
		return 0;
	sh->calls++;
	sh_history_add(sh, t, rval, mm);
	if (mm != rval) {
		sh_result_differs(sh, t, rval, mm);
		return 1;
	}
	if (sh->mode == SH_EVERY_CALL)
		return sh_compare(sh, t, row->name);
	return 0;
}

/* ---- Formatting -------------------------------------------------------------- */

/* Names for the bits of an argument, Linux's x86-64 values. */
struct bitname {
	uint64_t bit;
	const char *name;
};

static const struct bitname prot_bits[] = {
    {MMK_PROT_READ, "PROT_READ"},	{MMK_PROT_WRITE, "PROT_WRITE"},
    {MMK_PROT_EXEC, "PROT_EXEC"},	{MMK_PROT_GROWSDOWN, "PROT_GROWSDOWN"},
    {MMK_PROT_GROWSUP, "PROT_GROWSUP"}, {0, NULL}};

static const struct bitname map_bits[] = {{MMK_MAP_FIXED, "MAP_FIXED"},
					  {MMK_MAP_ANONYMOUS, "MAP_ANONYMOUS"},
					  {MMK_MAP_32BIT, "MAP_32BIT"},
					  {MMK_MAP_GROWSDOWN, "MAP_GROWSDOWN"},
					  {MMK_MAP_DENYWRITE, "MAP_DENYWRITE"},
					  {MMK_MAP_EXECUTABLE, "MAP_EXECUTABLE"},
					  {MMK_MAP_LOCKED, "MAP_LOCKED"},
					  {MMK_MAP_NORESERVE, "MAP_NORESERVE"},
					  {MMK_MAP_POPULATE, "MAP_POPULATE"},
					  {MMK_MAP_NONBLOCK, "MAP_NONBLOCK"},
					  {MMK_MAP_STACK, "MAP_STACK"},
					  {MMK_MAP_HUGETLB, "MAP_HUGETLB"},
					  {MMK_MAP_SYNC, "MAP_SYNC"},
					  {MMK_MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
					  {MMK_MAP_UNINITIALIZED, "MAP_UNINITIALIZED"},
					  {0, NULL}};

static const struct bitname mremap_bits[] = {{MMK_MREMAP_MAYMOVE, "MREMAP_MAYMOVE"},
					     {MMK_MREMAP_FIXED, "MREMAP_FIXED"},
					     {MMK_MREMAP_DONTUNMAP, "MREMAP_DONTUNMAP"},
					     {0, NULL}};

static const struct bitname msync_bits[] = {{MMK_MS_ASYNC, "MS_ASYNC"},
					    {MMK_MS_INVALIDATE, "MS_INVALIDATE"},
					    {MMK_MS_SYNC, "MS_SYNC"},
					    {0, NULL}};

static const struct bitname mcl_bits[] = {{MMK_MCL_CURRENT, "MCL_CURRENT"},
					  {MMK_MCL_FUTURE, "MCL_FUTURE"},
					  {MMK_MCL_ONFAULT, "MCL_ONFAULT"},
					  {0, NULL}};

static const char *const advice_names[] = {
    [0] = "MADV_NORMAL",	   [1] = "MADV_RANDOM",		[2] = "MADV_SEQUENTIAL",
    [3] = "MADV_WILLNEED",	   [4] = "MADV_DONTNEED",	[8] = "MADV_FREE",
    [9] = "MADV_REMOVE",	   [10] = "MADV_DONTFORK",	[11] = "MADV_DOFORK",
    [12] = "MADV_MERGEABLE",	   [13] = "MADV_UNMERGEABLE",	[14] = "MADV_HUGEPAGE",
    [15] = "MADV_NOHUGEPAGE",	   [16] = "MADV_DONTDUMP",	[17] = "MADV_DODUMP",
    [18] = "MADV_WIPEONFORK",	   [19] = "MADV_KEEPONFORK",	[20] = "MADV_COLD",
    [21] = "MADV_PAGEOUT",	   [22] = "MADV_POPULATE_READ", [23] = "MADV_POPULATE_WRITE",
    [24] = "MADV_DONTNEED_LOCKED", [25] = "MADV_COLLAPSE",	[102] = "MADV_GUARD_INSTALL",
    [103] = "MADV_GUARD_REMOVE",
};

/* Appends "A|B|0x40" for the bits of v (zero: "0" or zname). */
static size_t put_bits(char *buf, size_t len, uint64_t v, const struct bitname *names,
		       const char *zname)
{
	size_t n = 0;
#define PUTB(...) (n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
	if (!v)
		PUTB("%s", zname ? zname : "0");
	for (const struct bitname *b = names; b->name && v; b++) {
		if (v & b->bit) {
			PUTB("%s%s", n ? "|" : "", b->name);
			v &= ~b->bit;
		}
	}
	if (v)
		PUTB("%s%#" PRIx64, n ? "|" : "", v);
#undef PUTB
	return n;
}

/* How many arguments each mirrored call has (6 when not listed). */
static int call_nargs(int nr)
{
	switch (nr) {
	case 12:
	case 151:
	case 135:
		return 1; /* brk, mlockall, personality */
	case 11:
	case 149:
	case 150:
	case 160:
		return 2;
	case 10:
	case 26:
	case 28:
	case 325:
	case 59:
		return 3;
	case 329:
	case 302:
		return 4;
	case 152:
		return 0; /* munlockall */
	case 25:
	case 157:
	case 322:
		return 5; /* mremap, prctl, execveat */
	default:
		return 6;
	}
}

/* Renders argument i of call nr (value v) symbolically where it has a
 * name: prot, flags, fds, advice; addresses and lengths in hex. */
static size_t put_arg(char *buf, size_t len, const struct sh_task *t, int i, uint64_t v)
{
	int nr = t->call.nr;
	if ((nr == 9 && i == 2) || (nr == 10 && i == 2) || (nr == 329 && i == 2))
		return put_bits(buf, len, v, prot_bits, "PROT_NONE");
	if (nr == 9 && i == 3) {
		static const char *const types[] = {"0", "MAP_SHARED", "MAP_PRIVATE",
						    "MAP_SHARED_VALIDATE"};
		size_t n =
		    (size_t)snprintf(buf, len, "%s", (v & 0xf) < 4 ? types[v & 0xf] : "MAP_TYPE?");
		if (v & ~0xfULL) {
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "|");
			n += put_bits(buf + n, n < len ? len - n : 0, v & ~0xfULL, map_bits, NULL);
		}
		return n;
	}
	if (nr == 9 && i == 4 && (int)v >= 0) { /* an mmap's fd: "3</path>" */
		char link[64], target[160];
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)t->tid, (int)v);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = 0;
			return (size_t)snprintf(buf, len, "%d<%s>", (int)v, target);
		}
	}
	if ((nr == 9 && i == 4) || (nr == 322 && i == 0) || nr == 3 || nr == 32 || nr == 33 ||
	    nr == 292 || (nr == 72 && i == 0))
		return (size_t)snprintf(buf, len, "%d", (int)v); /* an fd */
	if (nr == 28 && i == 2)
		return (size_t)snprintf(buf, len, "%s",
					v < sizeof(advice_names) / sizeof(advice_names[0]) &&
						advice_names[v]
					    ? advice_names[v]
					    : "MADV_?");
	if (nr == 25 && i == 3)
		return put_bits(buf, len, v, mremap_bits, NULL);
	if (nr == 26 && i == 2)
		return put_bits(buf, len, v, msync_bits, NULL);
	if (nr == 151 && i == 0)
		return put_bits(buf, len, v, mcl_bits, NULL);
	if ((nr == 59 && i == 0) || (nr == 322 && i == 1))
		return (size_t)snprintf(buf, len, "\"%s\"", t->exec_path ? t->exec_path : "?");
	return (size_t)snprintf(buf, len, "%#" PRIx64, v);
}

void sh_call_format(const struct sh_task *t, bool has_ret, int64_t ret, char *buf, size_t len)
{
	const struct sh_call *c = &t->call;
	const char *name = sh_call_name(c->nr);
	size_t n = 0;
	int nargs = call_nargs(c->nr);
	bool exec = c->nr == 59 || c->nr == 322;
#define PUT(...) (n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
	if (name)
		PUT("%s(", name);
	else
		PUT("syscall_%d(", c->nr);
	for (int i = 0; i < nargs && n < len; i++) {
		if (exec && i == (c->nr == 59 ? 1 : 2) && t->exec_argv) {
			PUT(", [");
			for (int k = 0; t->exec_argv[k] && n < len; k++)
				PUT("%s\"%.40s\"", k ? ", " : "", t->exec_argv[k]);
			PUT("]");
			continue;
		}
		if (i)
			PUT(", ");
		if (n < len)
			n += put_arg(buf + n, len - n, t, i, c->args[i]);
	}
	if (n < len)
		PUT(")");
	if (has_ret && n < len) {
		const char *e = ret < 0 && ret > -4096 ? mmk_errno_name((int)-ret) : NULL;
		if (e)
			PUT(" = -%s", e);
		else if (ret < 0)
			PUT(" = %" PRId64, ret);
		else
			PUT(" = %#" PRIx64, (uint64_t)ret);
	}
#undef PUT
}
