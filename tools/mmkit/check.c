/*
 * check.c - `mmkit check SCRIPT...`: runs each script on the host kernel
 * (the Linux backend) and on mmkit, and compares the two transcripts.
 *
 *   mmkit check [--keep] [--self] SCRIPT...
 *
 * Prints `ok NAME` or a unified diff (--- linux, +++ mmkit) per script,
 * then `N passed, N failed` (and `, N skipped` when a script needs a host
 * feature this kernel lacks); exits 1 if any script failed.
 *
 * How the two runs are made comparable (docs/CHECK.md has the why):
 *   - the mmkit run mirrors the Linux server's own layout (bk_options
 *     .mirror), so addresses compare as they are, never rewritten, and
 *     the host's settings, among them its overcommit accounting
 *     (probe_commit: the policy, and MemTotal and SwapTotal as the sizes
 *     a charge is weighed against);
 *   - each run has a fresh directory of its own, siblings under one base
 *     directory (same filesystem, so device numbers agree);
 *   - the transcripts then go through normalize(), the same on both sides;
 *     it touches only what cannot be equal between two directories or two
 *     hosts, and it keeps every distinction (same file / another file).
 *
 * Each run happens in a child process, so a crash or a hang of either
 * backend becomes a difference in the transcript ("... died of signal 11")
 * rather than the end of the check; fuzz.c relies on this to shrink
 * crashing scripts too.
 *
 * Owns: the base directory (removed at the end unless --keep), the mirrored
 * layout, and the text tools it needs (normalization, unified diff).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checker.h"
#include "commands.h"
#include "driver.h"
#include "opts.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA	     0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

/* A run that takes longer than this is stopped and reported as hung. */
#define RUN_TIMEOUT_SEC 120
/* Lines of context around each change in a diff. */
#define DIFF_CONTEXT 3

struct checker {
	char *base;		 /* the base directory */
	char *dir[2];		 /* base/linux, base/mmkit */
	struct bk_layout layout; /* the Linux server's own mappings */
	int flags;		 /* CHECKER_* */
};

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

/* ---- directories -------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Removes a directory tree (what we created; symlinks are not followed). */
static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes dir an empty directory. */
static int fresh_dir(const char *dir)
{
	remove_tree(dir);
	return mkdir(dir, 0755) < 0 ? -errno : 0;
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = xrealloc(NULL, n);

	snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* The run directories must be on a plain disk filesystem: on tmpfs Linux
 * counts file pages as shmem, on overlayfs maps shows another device and
 * inode than stat() (docs/CHECK.md, "Host assumptions"). */
static void warn_filesystem(const char *dir)
{
	struct statfs st;

	if (statfs(dir, &st) < 0)
		return;
	if (st.f_type == 0x01021994 /* TMPFS_MAGIC */ ||
	    st.f_type == 0x794c7630 /* OVERLAYFS_SUPER_MAGIC */)
		fprintf(stderr,
			"mmkit check: warning: %s is on tmpfs or overlayfs; file "
			"mappings will not compare (set TMPDIR to a disk directory)\n",
			dir);
}

/* One number from a /proc file: the first one after `key` (NULL: the
 * first in the file).  0 or -1. */
static int read_proc_number(const char *path, const char *key, uint64_t *out)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	const char *p = buf;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (key) {
		p = strstr(buf, key);
		if (!p)
			return -1;
		p += strlen(key);
	}
	return sscanf(p, " %" SCNu64, out) == 1 ? 0 : -1;
}

/*
 * The host's overcommit accounting, for the mmkit side to take over as it
 * takes over mmap_min_addr: the policy and its knobs, and the RAM and swap
 * sizes it weighs a charge against (docs/CHECK.md).  Read here rather than
 * by the server, whose setup is about its own process.
 */
static void probe_commit(struct bk_layout *l)
{
	const struct {
		const char *path, *key;
		uint64_t *out;
	} src[] = {
	    {"/proc/sys/vm/overcommit_ratio", NULL, &l->overcommit_ratio},
	    {"/proc/sys/vm/overcommit_kbytes", NULL, &l->overcommit_kbytes},
	    {"/proc/sys/vm/admin_reserve_kbytes", NULL, &l->admin_reserve_kbytes},
	    {"/proc/sys/vm/user_reserve_kbytes", NULL, &l->user_reserve_kbytes},
	    {"/proc/meminfo", "MemTotal:", &l->mem_total_kb},
	    {"/proc/meminfo", "SwapTotal:", &l->swap_total_kb},
	};
	uint64_t mode;
	int ok = read_proc_number("/proc/sys/vm/overcommit_memory", NULL, &mode) == 0 && mode <= 2;

	for (size_t i = 0; ok && i < sizeof(src) / sizeof(src[0]); i++)
		ok = read_proc_number(src[i].path, src[i].key, src[i].out) == 0;
	l->have_commit = ok;
	l->overcommit_memory = ok ? (int)mode : 0;
}

/*
 * Whether MADV_HWPOISON is advice the host knows (CONFIG_MEMORY_FAILURE):
 * unknown advice is -EINVAL before anything else, known advice reaches
 * madvise_inject_error(), which says -EPERM without CAP_SYS_ADMIN, and
 * with it -EFAULT for a PROT_NONE page it cannot pin -- nothing is ever
 * poisoned.
 */
static int host_has_memory_failure(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r;

	if (p == MAP_FAILED)
		return 1;
	r = madvise(p, 4096, 100 /* MADV_HWPOISON */);
	r = r < 0 && errno == EINVAL ? 0 : 1;
	munmap(p, 4096);
	return r;
}

/* Whether the host has 1 GiB huge pages: without that hstate an anonymous
 * MAP_HUGE_1GB mapping is -EINVAL, with it -ENOMEM when none is free. */
static int host_has_gigantic_pages(void)
{
	const size_t len = 1UL << 30;
	void *p =
	    mmap(NULL, len, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | (30 << 26) | MAP_NORESERVE, -1, 0);

	if (p != MAP_FAILED) {
		munmap(p, len);
		return 1;
	}
	return errno != EINVAL;
}

int checker_open(struct checker **out, int flags)
{
	struct checker *c = calloc(1, sizeof(*c));
	const char *tmp = getenv("TMPDIR");
	char *templ;
	int err;

	if (!c)
		return -ENOMEM;
	c->flags = flags;
	err = backend_linux_layout(&c->layout);
	if (err) {
		free(c);
		return err;
	}
	probe_commit(&c->layout);
	c->layout.no_memory_failure = !host_has_memory_failure();
	c->layout.no_gigantic_pages = !host_has_gigantic_pages();
	templ = path_join(tmp && *tmp ? tmp : "/tmp", "mmkit-check.XXXXXX");
	if (!mkdtemp(templ)) {
		err = -errno;
		free(templ);
		free(c);
		return err;
	}
	c->base = templ;
	warn_filesystem(c->base);
	c->dir[0] = path_join(c->base, "linux");
	c->dir[1] = path_join(c->base, "mmkit");
	*out = c;
	return 0;
}

void checker_close(struct checker *c)
{
	if (!c)
		return;
	if (c->flags & CHECKER_KEEP)
		fprintf(stderr, "mmkit check: the last runs' files are in %s\n", c->base);
	else
		remove_tree(c->base);
	free(c->dir[0]);
	free(c->dir[1]);
	free(c->base);
	free(c);
}

/* ---- running a script in a child process --------------------------------- */

/* Reads everything from fd into out, for at most RUN_TIMEOUT_SEC.
 * Returns 0, or -ETIMEDOUT. */
static int read_child(int fd, struct strbuf *out)
{
	time_t end = time(NULL) + RUN_TIMEOUT_SEC;
	char buf[65536];

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		time_t left = end - time(NULL);
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)left * 1000) < 0 && errno != EINTR)
			return -errno;
		if (!p.revents)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		sb_putn(out, buf, (size_t)n);
	}
}

/* Writes and empties sb; 0 or -1. */
static int flush_to(int fd, struct strbuf *sb)
{
	for (size_t done = 0; done < sb->len;) {
		ssize_t n = write(fd, sb->s + done, sb->len - done);

		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	sb_reset(sb);
	return 0;
}

/* The child of run_isolated(): runs the script, writing the transcript to
 * fd statement by statement (so a crash shows where).  Returns its exit
 * status: 0, or 1 if the backend failed. */
static int run_child(const struct script *s, const struct backend_ops *ops,
		     const struct bk_options *opt, int quiet, int fd)
{
	struct strbuf out = {NULL, 0, 0};
	struct driver *d;
	int rc = 0, r;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (quiet) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, 2);
	}
	r = driver_open(ops, opt, &d);
	if (r < 0) {
		sb_printf(&out, "backend %s failed to open: %s\n", ops->name, strerror(-r));
		flush_to(fd, &out);
		return 1;
	}
	for (size_t i = 0; i < s->n && rc == 0; i++) {
		rc = driver_step(d, s, i, &out);
		if (flush_to(fd, &out) < 0)
			return 3;
	}
	r = driver_close(d, &out);
	flush_to(fd, &out);
	return rc || r ? 1 : 0;
}

/* Runs s on one backend in a child process; its transcript goes to out.
 * Returns 0, 1 if the backend failed or the child died (a line says so),
 * or -errno if the child could not be started. */
static int run_isolated(const struct checker *c, const struct script *s,
			const struct backend_ops *ops, const struct bk_options *opt,
			struct strbuf *out)
{
	int pfd[2], status, err;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return err;
	}
	if (pid == 0)
		_exit(run_child(s, ops, opt, c->flags & CHECKER_QUIET, pfd[1]));
	close(pfd[1]);
	err = read_child(pfd[0], out);
	close(pfd[0]);
	if (err == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		sb_printf(out, "%s backend: no answer after %d s, stopped\n", ops->name,
			  RUN_TIMEOUT_SEC);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status) && err != -ETIMEDOUT) {
		sb_printf(out, "%s backend died of signal %d (%s)\n", ops->name, WTERMSIG(status),
			  strsignal(WTERMSIG(status)));
		return 1;
	}
	return err || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* ---- normalization ------------------------------------------------------- */

/*
 * The fields of a maps line (or smaps header) that normalize() needs:
 * [line, ino) is everything before the inode number, the inode number is
 * the digits [ino, ino_end), the name starts at `name` (empty if none).
 */
struct maps_fields {
	const char *ino, *ino_end, *name;
	const char *dev, *dev_end;
};

static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Skips a run of characters accepted by ok; at least one.  NULL if none. */
static const char *skip_run(const char *p, const char *e, int (*ok)(int))
{
	const char *s = p;

	while (p < e && ok((unsigned char)*p))
		p++;
	return p > s ? p : NULL;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_perm(int c)
{
	return c == 'r' || c == 'w' || c == 'x' || c == 's' || c == 'p' || c == '-';
}

/* Parses "START-END PERM OFFSET MAJ:MIN INODE [NAME]" in [p, e). */
static int parse_maps_fields(const char *p, const char *e, struct maps_fields *f)
{
	if (!(p = skip_run(p, e, is_hex)) || p >= e || *p++ != '-')
		return 0;
	if (!(p = skip_run(p, e, is_hex)) || p >= e || *p++ != ' ')
		return 0;
	if (!(p = skip_run(p, e, is_perm)) || p >= e || *p++ != ' ')
		return 0;
	if (!(p = skip_run(p, e, is_hex)) || p >= e || *p++ != ' ')
		return 0;
	f->dev = p;
	if (!(p = skip_run(p, e, is_hex)) || p >= e || *p++ != ':')
		return 0;
	if (!(p = skip_run(p, e, is_hex)) || p >= e || *p != ' ')
		return 0;
	f->dev_end = p++;
	f->ino = p;
	if (!(p = skip_run(p, e, is_digit)) || (p < e && *p != ' '))
		return 0;
	f->ino_end = p;
	while (p < e && *p == ' ')
		p++;
	f->name = p;
	return 1;
}

/* Column where Linux starts the name of a maps line (show_map_vma pads the
 * header to 72 columns, then writes one blank). */
#define MAPS_NAME_COL 73

/* Renders a maps line as Linux would from its prefix (ending in the inode
 * number and a blank) and its name. */
static void put_canonical(struct strbuf *sb, const char *prefix, size_t plen, const char *name,
			  size_t nlen)
{
	sb_putn(sb, prefix, plen);
	if (!nlen)
		return;
	for (size_t col = plen; col < MAPS_NAME_COL - 1; col++)
		sb_puts(sb, " ");
	sb_puts(sb, " ");
	sb_putn(sb, name, nlen);
}

/* What normalize() carries from line to line of one transcript. */
struct norm {
	char **idents; /* "dev ino" of each file met, in order of appearance */
	int nidents;
	const char *dir; /* the run's directory (real path), or NULL */
	size_t dirlen;
};

/* The ordinal (1, 2, ...) of a file identity "dev ino" in order of first
 * appearance. */
static int ident_ordinal(struct norm *n, const char *key)
{
	for (int i = 0; i < n->nidents; i++)
		if (strcmp(n->idents[i], key) == 0)
			return i + 1;
	n->idents = xrealloc(n->idents, (size_t)(n->nidents + 1) * sizeof(char *));
	n->idents[n->nidents++] = xstrdup(key);
	return n->nidents;
}

/* Rewrites one view line: its inode number as its ordinal, a path under
 * the run directory relative to it.  Returns 0 (line appended to out) or -1
 * (not a maps line, or not in Linux's own layout: left for the caller to
 * copy unchanged, so a layout difference shows). */
static int normalize_maps_line(const char *l, const char *e, struct strbuf *out, struct norm *n)
{
	struct maps_fields f;
	struct strbuf canon = {NULL, 0, 0}, key = {NULL, 0, 0};
	const char *name;
	char num[24];
	int same;

	if (!parse_maps_fields(l, e, &f))
		return -1;
	/* Only a line laid out exactly as Linux lays it out is rewritten. */
	put_canonical(&canon, l, (size_t)(f.ino_end - l) + 1, f.name, (size_t)(e - f.name));
	same = canon.len == (size_t)(e - l) && memcmp(canon.s, l, canon.len) == 0;
	sb_reset(&canon);
	if (!same) {
		sb_free(&canon);
		return -1;
	}
	name = f.name;
	if (n->dir && (size_t)(e - name) > n->dirlen && memcmp(name, n->dir, n->dirlen) == 0 &&
	    name[n->dirlen] == '/')
		name += n->dirlen;
	sb_putn(&canon, l, (size_t)(f.ino - l));
	if (f.ino_end - f.ino == 1 && *f.ino == '0') {
		sb_puts(&canon, "0 ");
	} else {
		sb_putn(&key, f.dev, (size_t)(f.dev_end - f.dev));
		sb_puts(&key, " ");
		sb_putn(&key, f.ino, (size_t)(f.ino_end - f.ino));
		snprintf(num, sizeof(num), "#%d ", ident_ordinal(n, key.s));
		sb_free(&key);
		sb_puts(&canon, num);
	}
	put_canonical(out, canon.s, canon.len, name, (size_t)(e - name));
	sb_free(&canon);
	return 0;
}

/* Whether the view line [l, e) (indentation removed) starts with word. */
static int starts(const char *l, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - l) >= n && memcmp(l, word, n) == 0;
}

/* A VmFlags line without the host-dependent soft-dirty flag "sd". */
static void put_vmflags(struct strbuf *out, const char *l, const char *e)
{
	const char *p = l;

	while (p < e) {
		const char *w = p;

		while (p < e && *p != ' ')
			p++;
		if (!(p - w == 2 && w[0] == 's' && w[1] == 'd'))
			sb_putn(out, w, (size_t)(p - w));
		while (p < e && *p == ' ') {
			if (!(p - w == 2 && w[0] == 's' && w[1] == 'd'))
				sb_puts(out, " ");
			p++;
			w = p; /* only the blanks after a kept word are kept */
		}
	}
}

/*
 * The normalization of docs/CHECK.md, applied alike to both transcripts.
 * Only lines of views (indented by four blanks) change:
 *   - a maps/smaps header's inode number becomes "#N", N the order of first
 *     appearance of its device+inode in this transcript (the two runs map
 *     different host files: the numbers cannot agree, the identities do);
 *   - a maps/smaps path under the run directory `dir` is shown relative to
 *     it, as the Linux server shows it (the two runs have two directories);
 *   - smaps "ProtectionKey:" lines go (present only on CPUs with pkeys);
 *   - the VmFlags word "sd" goes (present only with CONFIG_MEM_SOFT_DIRTY);
 *   - status "VmPTE:" lines go (the Linux side cannot separate its own
 *     page tables from the script's);
 *   - status "VmHWM:" lines go (Linux samples its high-water mark from
 *     per-CPU batched counters: approximate, host- and run-dependent).
 */
static void normalize(const struct strbuf *in, const char *dir, struct strbuf *out)
{
	const char *s = in->s ? in->s : "", *end = s + in->len;
	struct norm n = {NULL, 0, dir, dir ? strlen(dir) : 0};

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end, *l = s + 4;

		s = nl ? nl + 1 : end;
		if (e - (l - 4) < 4 || memcmp(l - 4, "    ", 4) != 0) {
			sb_putn(out, l - 4, (size_t)(e - (l - 4)));
			sb_puts(out, "\n");
			continue;
		}
		if (starts(l, e, "ProtectionKey:") || starts(l, e, "VmPTE:") ||
		    starts(l, e, "VmHWM:"))
			continue;
		sb_puts(out, "    ");
		if (starts(l, e, "VmFlags:"))
			put_vmflags(out, l, e);
		else if (normalize_maps_line(l, e, out, &n) < 0)
			sb_putn(out, l, (size_t)(e - l));
		sb_puts(out, "\n");
	}
	for (int i = 0; i < n.nidents; i++)
		free(n.idents[i]);
	free(n.idents);
}

/* ---- unified diff --------------------------------------------------------- */

struct lines {
	const char **p;
	size_t *len;
	int n;
};

static void split_lines(const struct strbuf *sb, struct lines *ls)
{
	const char *s = sb->s ? sb->s : "", *end = s + sb->len;
	int cap = 0;

	memset(ls, 0, sizeof(*ls));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		if (ls->n == cap) {
			cap = cap ? cap * 2 : 64;
			ls->p = xrealloc(ls->p, (size_t)cap * sizeof(*ls->p));
			ls->len = xrealloc(ls->len, (size_t)cap * sizeof(*ls->len));
		}
		ls->p[ls->n] = s;
		ls->len[ls->n++] = (size_t)(e - s);
		s = nl ? nl + 1 : end;
	}
}

static int line_eq(const struct lines *a, int i, const struct lines *b, int j)
{
	return a->len[i] == b->len[j] && memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

/* Past this many differing lines the diff stops looking for the shortest
 * edit (its memory grows with the square) and shows all of a replaced. */
#define DIFF_MAX_D 3000

/*
 * Myers' O(ND) shortest edit script between a and b.  Returns the ops in
 * order, *nops of them: ' ' (a line of both), '-' (of a only), '+' (of b
 * only).  trace[d] keeps the band -d-1..d+1 of V as it was before step d,
 * which is all the walk back from (n, m) needs.
 */
static char *edit_script(const struct lines *a, const struct lines *b, int *nops)
{
	int n = a->n, m = b->n, max = n + m, off = max + 1, d, k, x, y, found = -1, len = 0;
	int *v = xrealloc(NULL, (size_t)(2 * max + 3) * sizeof(int));
	int **trace = xrealloc(NULL, (size_t)(max + 1) * sizeof(int *));
	char *ops = xrealloc(NULL, (size_t)(n + m + 1));

	memset(v, 0, (size_t)(2 * max + 3) * sizeof(int));
	for (d = 0; d <= max && d <= DIFF_MAX_D && found < 0; d++) {
		trace[d] = xrealloc(NULL, (size_t)(2 * d + 3) * sizeof(int));
		memcpy(trace[d], v + off - d - 1, (size_t)(2 * d + 3) * sizeof(int));
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1]; /* down: a line of b */
			else
				x = v[off + k - 1] + 1; /* right: a line of a */
			y = x - k;
			while (x < n && y < m && line_eq(a, x, b, y)) {
				x++;
				y++;
			}
			v[off + k] = x;
			if (x >= n && y >= m) {
				found = d;
				break;
			}
		}
	}
	if (found < 0) {
		/* Too different: every line of a out, every line of b in. */
		for (x = 0; x < n; x++)
			ops[len++] = '-';
		for (y = 0; y < m; y++)
			ops[len++] = '+';
	}
	x = n;
	y = m;
	for (d = found; d >= 0; d--) {
		int *t = trace[d] + d + 1; /* t[k] for k in -d-1..d+1 */
		int prev_k, prev_x, prev_y;

		k = x - y;
		if (k == -d || (k != d && t[k - 1] < t[k + 1]))
			prev_k = k + 1;
		else
			prev_k = k - 1;
		prev_x = t[prev_k];
		prev_y = prev_x - prev_k;
		while (x > prev_x && y > prev_y) {
			ops[len++] = ' ';
			x--;
			y--;
		}
		if (d > 0)
			ops[len++] = x == prev_x ? '+' : '-';
		x = prev_x;
		y = prev_y;
	}
	for (d = 0; d <= max && d <= DIFF_MAX_D && (found < 0 || d <= found); d++)
		free(trace[d]);
	free(trace);
	free(v);
	for (int i = 0; found >= 0 && i < len / 2; i++) {
		char c = ops[i];

		ops[i] = ops[len - 1 - i];
		ops[len - 1 - i] = c;
	}
	*nops = len;
	return ops;
}

/* Appends a unified diff of a (linux) and b (mmkit) to out. */
static void unified_diff(const struct strbuf *sa, const struct strbuf *sb, const char *name,
			 struct strbuf *out)
{
	struct lines a, b;
	int nops, i = 0;
	char *ops;
	/* ai[i], bi[i]: the line numbers (0-based) before op i. */
	int *ai, *bi;

	split_lines(sa, &a);
	split_lines(sb, &b);
	ops = edit_script(&a, &b, &nops);
	ai = xrealloc(NULL, (size_t)(nops + 1) * sizeof(int));
	bi = xrealloc(NULL, (size_t)(nops + 1) * sizeof(int));
	ai[0] = bi[0] = 0;
	for (int j = 0; j < nops; j++) {
		ai[j + 1] = ai[j] + (ops[j] != '+');
		bi[j + 1] = bi[j] + (ops[j] != '-');
	}
	sb_printf(out, "--- %s (linux)\n+++ %s (mmkit)\n", name, name);
	while (i < nops) {
		int start, stop, j;

		while (i < nops && ops[i] == ' ')
			i++;
		if (i == nops)
			break;
		/* A hunk: from DIFF_CONTEXT before this change to DIFF_CONTEXT
		 * after the last change closer than 2*DIFF_CONTEXT. */
		start = i > DIFF_CONTEXT ? i - DIFF_CONTEXT : 0;
		stop = i;
		for (j = i; j < nops; j++) {
			if (ops[j] != ' ')
				stop = j + 1;
			else if (j - stop >= 2 * DIFF_CONTEXT)
				break;
		}
		stop = stop + DIFF_CONTEXT < nops ? stop + DIFF_CONTEXT : nops;
		sb_printf(out, "@@ -%d,%d +%d,%d @@\n", ai[start] + (ai[stop] > ai[start]),
			  ai[stop] - ai[start], bi[start] + (bi[stop] > bi[start]),
			  bi[stop] - bi[start]);
		for (j = start; j < stop; j++) {
			int li = ops[j] == '+' ? bi[j] : ai[j];
			const struct lines *src = ops[j] == '+' ? &b : &a;

			sb_putn(out, &ops[j], 1);
			sb_putn(out, src->p[li], src->len[li]);
			sb_puts(out, "\n");
		}
		i = stop;
	}
	free(ai);
	free(bi);
	free(ops);
	free(a.p);
	free(a.len);
	free(b.p);
	free(b.len);
}

/* ---- checking one script ----------------------------------------------------- */

/* Appends the last n lines of sb, indented. */
static void put_tail(struct strbuf *out, const struct strbuf *sb, int n)
{
	const char *s = sb->s ? sb->s : "", *p = s + sb->len;

	while (p > s && p[-1] == '\n')
		p--;
	while (p > s && n > 0) {
		p--;
		if (*p == '\n')
			n--;
	}
	if (*p == '\n')
		p++;
	for (const char *l = p; l < s + sb->len;) {
		const char *nl = memchr(l, '\n', (size_t)(s + sb->len - l));
		const char *e = nl ? nl : s + sb->len;

		sb_puts(out, "    ");
		sb_putn(out, l, (size_t)(e - l));
		sb_puts(out, "\n");
		l = nl ? nl + 1 : e;
	}
}

int checker_run(struct checker *c, const struct script *s, const char *name, struct strbuf *report)
{
	struct strbuf raw[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
	struct strbuf norm[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
	const struct backend_ops *ops[2] = {&backend_linux_ops, &backend_mmkit_ops};
	int failed[2], res, err = 0;

	if (c->flags & CHECKER_SELF)
		ops[1] = &backend_linux_ops;

	for (int i = 0; i < 2 && !err; i++) {
		struct bk_options opt;
		char *real;

		memset(&opt, 0, sizeof(opt));
		opt.dir = c->dir[i];
		opt.mirror = ops[i] == &backend_mmkit_ops ? &c->layout : NULL;
		err = fresh_dir(c->dir[i]);
		if (!err)
			failed[i] = run_isolated(c, s, ops[i], &opt, &raw[i]);
		if (!err && failed[i] < 0)
			err = failed[i];
		real = realpath(c->dir[i], NULL);
		normalize(&raw[i], real ? real : c->dir[i], &norm[i]);
		free(real);
	}
	if (err) {
		res = err;
	} else if (failed[0]) {
		/* Not a difference: the host side could not run the script. */
		sb_printf(report, "invalid %s: the Linux backend could not run it:\n", name);
		put_tail(report, &raw[0], 3);
		res = CHECK_LINUX_FAILED;
	} else if (norm[0].len == norm[1].len &&
		   (norm[0].len == 0 || memcmp(norm[0].s, norm[1].s, norm[0].len) == 0)) {
		res = CHECK_SAME;
	} else {
		unified_diff(&norm[0], &norm[1], name, report);
		res = CHECK_DIFFER;
	}
	for (int i = 0; i < 2; i++) {
		sb_free(&raw[i]);
		sb_free(&norm[i]);
	}
	return res;
}

/* Runs s on mmkit alone, as checker_run() runs its mmkit side (the same
 * mirrored layout, a fresh directory, a child process); the transcript,
 * not normalized, goes to out.  For `fuzz --guided`, which measures the
 * coverage of a script before deciding to ask the host.  Returns 0, 1 if
 * the backend failed or the child died (a line in out says so), or -errno
 * if it could not run. */
int checker_run_mmkit(struct checker *c, const struct script *s, struct strbuf *out)
{
	struct bk_options opt;
	int err;

	memset(&opt, 0, sizeof(opt));
	opt.dir = c->dir[1];
	opt.mirror = &c->layout;
	err = fresh_dir(c->dir[1]);
	return err ? err : run_isolated(c, s, &backend_mmkit_ops, &opt, out);
}

/* ---- host features a script may require ----------------------------------------- */

/* Whether the host kernel names anonymous memory (CONFIG_ANON_VMA_NAME). */
static int host_has_anon_vma_name(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok;

	if (p == MAP_FAILED)
		return 0;
	ok = prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, 4096, "x") == 0;
	munmap(p, 4096);
	return ok;
}

/* Whether this process may write /proc/sys/vm/drop_caches (root, and a
 * /proc/sys not mounted read-only), which the `drop_caches` statement
 * needs on the Linux backend.  Opening it for writing drops nothing. */
static int host_can_drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static const struct {
	const char *name;
	int (*probe)(void);
	const char *why;
} features[] = {
    {"anon_vma_name", host_has_anon_vma_name, "the host kernel lacks CONFIG_ANON_VMA_NAME"},
    {"drop_caches", host_can_drop_caches,
     "/proc/sys/vm/drop_caches is not writable here (needs root)"},
};
#define NFEATURES (sizeof(features) / sizeof(features[0]))

int checker_has_feature(const char *name)
{
	for (size_t i = 0; i < NFEATURES; i++)
		if (strcmp(name, features[i].name) == 0)
			return features[i].probe();
	return -1;
}

/*
 * A script may say, in a comment line of its own, `# requires: FEATURE`
 * for a behaviour that depends on how the host kernel was built.  Returns
 * NULL if the host has everything the script requires, else why not.
 */
static const char *missing_feature(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	const char *why = NULL;

	if (!f)
		return NULL; /* the parser reports it */
	while (!why && fgets(line, sizeof(line), f)) {
		char *p = line, *w, *save;

		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "# requires:", 11) != 0)
			continue;
		for (w = strtok_r(p + 11, " \t\n,", &save); w && !why;
		     w = strtok_r(NULL, " \t\n,", &save)) {
			size_t i;

			for (i = 0; i < NFEATURES && strcmp(w, features[i].name) != 0; i++)
				;
			if (i == NFEATURES)
				why = "it requires a feature mmkit check does not know";
			else if (!features[i].probe())
				why = features[i].why;
		}
	}
	fclose(f);
	return why;
}

/* ---- the command ------------------------------------------------------------------- */

static void check_usage(FILE *f)
{
	fputs("usage: mmkit check [--keep] [--self] SCRIPT...\n"
	      "Runs each script on the host kernel and on mmkit and compares the two\n"
	      "transcripts (docs/CHECK.md): prints `ok SCRIPT` or a unified diff\n"
	      "(--- linux, +++ mmkit), then `N passed, N failed`; exits 1 on any\n"
	      "difference.\n"
	      "  --keep   keep the runs' directories (the last script's files)\n"
	      "  --self   run the host kernel on both sides: shows whether the\n"
	      "           Linux side is deterministic on this host\n",
	      f);
}

int cmd_check(int argc, char **argv)
{
	struct checker *c;
	int flags = 0, passed = 0, failed = 0, skipped = 0, nscripts = 0, err;

	static const struct opt check_opts[] = {
	    {"--keep", false}, {"--self", false}, {NULL, false}};
	struct opts o = OPTS_INIT(argc, argv);
	const char *v;
	int k;
	while ((k = opts_next(&o, check_opts, &v)) != OPT_END) {
		if (k == 0) {
			flags |= CHECKER_KEEP;
		} else if (k == 1) {
			flags |= CHECKER_SELF;
		} else if (k == OPT_HELP) {
			check_usage(stdout);
			return 0;
		} else if (k == OPT_BAD) {
			opts_complain("mmkit check", v, check_opts);
			check_usage(stderr);
			return 2;
		} else {
			nscripts++;
		}
	}
	if (!nscripts) {
		check_usage(stderr);
		return 2;
	}
	err = checker_open(&c, flags);
	if (err) {
		fprintf(stderr, "mmkit check: cannot start the Linux backend: %s\n",
			strerror(-err));
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct strbuf report = {NULL, 0, 0};
		struct script_error perr;
		struct script *s;
		const char *why;
		int r;

		if (argv[i][0] == '-' && argv[i][1])
			continue;
		if ((why = missing_feature(argv[i])) != NULL) {
			printf("skip %s: %s\n", argv[i], why);
			skipped++;
			continue;
		}
		if (script_parse_file(argv[i], &s, &perr) < 0) {
			script_error_print(stdout, argv[i], &perr);
			failed++;
			continue;
		}
		r = checker_run(c, s, argv[i], &report);
		script_free(s);
		if (r == CHECK_SAME) {
			printf("ok %s\n", argv[i]);
			passed++;
		} else if (r < 0) {
			printf("error %s: %s\n", argv[i], strerror(-r));
			failed++;
		} else {
			/* A diff, or why the host could not run it. */
			fwrite(report.s, 1, report.len, stdout);
			failed++;
		}
		sb_free(&report);
		fflush(stdout);
	}
	checker_close(c);
	printf("%d passed, %d failed", passed, failed);
	if (skipped)
		printf(", %d skipped", skipped);
	printf("\n");
	return failed ? 1 : 0;
}
