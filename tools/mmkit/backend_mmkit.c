/*
 * backend_mmkit.c - the script backend that runs on the mmkit library.
 *
 * Owns: one mmk_system per run (root = the run's directory) and a handle per
 * script process; the mapping of each BK_ operation to its mmk_* call; and
 * the narration of trace events (struct mmk_event) as English lines for a
 * person learning how mmap works -- one per event (--trace=full), one per
 * run of the same work (brief, narrate_same_run), or JSON (--trace=json).
 *
 * Invariants:
 *   - every live struct bk_proc is on the backend's list with the pid and the
 *     creation ordinal of its mmk_proc; BK_EXIT unlinks and frees it;
 *   - in debug builds (MMK_DEBUG) every call ends with mmk_system_check, and a
 *     broken invariant aborts the run at once with the library's message;
 *   - with opt->mirror set, every fresh address space (spawn, exec) holds the
 *     mirrored host layout before the script sees it (see bk_layout);
 *   - with opt->record_refs set, the system records its page references and
 *     close() hands them over (the first of OPT's two runs, main.c).
 *
 * Trace lines about a process other than the one the current call runs on
 * start with "[#N] ", N its creation ordinal (the driver turns it into the
 * script's name for the process; driver.c counts ordinals the same way).
 * The lines of a call are held until it returns and then passed on in
 * cause-and-effect order: the library reports a page fault when it is
 * resolved (only then is it known to be major or minor), after what the
 * fault did; the narration puts the fault first (see trace_add).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend.h"
#include "exec_gadget.h"
#include "mmkit.h"
#include "narrate.h"

struct bk_proc {
	mmk_proc *p;
	uint64_t gadget; /* after exec PATH: where its calls are made from
			    (exec_gadget.h), else 0 */
	int pid;
	int ordinal;	      /* 1 for the first process created, and so on */
	struct bk_proc *next; /* the backend's list of live processes */
};

/* An event waiting for the end of its call, its strings copied (a file's
 * path may be freed before the call ends). */
struct trace_line {
	enum mmk_event_kind kind;
	struct mmk_event ev; /* detail and file point at the copies below */
	char *detail, *file;
	int ord; /* the process's creation ordinal; 0: the call's own */
};

struct backend {
	mmk_system *sys;
	struct bk_options opt;
	char root[4096];       /* the run's directory, resolved; "" if unknown */
	struct trace_line *tl; /* lines of the running call */
	int ntl, captl;
	int tl_done; /* tl[0, tl_done) are settled: a fault ends there */
	struct bk_proc *procs;
	int nprocs_created;
	/* ord_pid[N - 1]: the pid of the Nth process created, kept after it
	 * exits (the trace names sharers and mappers by it) */
	int *ord_pid;
	int cur_pid;		    /* pid the running call acts on (0: none, top level) */
	int forking;		    /* a fork is running: an unknown pid is the new child */
	pthread_mutex_t trace_lock; /* tl, ntl, captl, tl_done and the procs list
				       against on_event: with --kswapd, kswapd and
				       the flusher narrate from their threads */
};

/* Host buffers for loads and reads are filled this many bytes at a time. */
#define CHUNK (16ULL << 20)
/* `file` writes its content this many bytes at a time (a multiple of the
 * page size, so the writes are those of one whole-file create). */
#define FILE_CHUNK (4ULL << 20)
/* mincore and pagemap answer for at most this many pages in one call. */
#define MINCORE_MAX_PAGES (1ULL << 24)
#define PAGEMAP_MAX_PAGES (1ULL << 20)

/* ---- Narration ---------------------------------------------------------- */

static struct bk_proc *proc_by_pid(struct backend *b, int pid)
{
	for (struct bk_proc *p = b->procs; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

/* Whether an event is part of resolving a page fault (what the fault did). */
static int is_fault_work(enum mmk_event_kind k)
{
	return k == MMK_EV_PAGE_READ || k == MMK_EV_ZERO_PAGE || k == MMK_EV_ANON_PAGE ||
	       k == MMK_EV_COW || k == MMK_EV_REUSE || k == MMK_EV_FAULT_AROUND ||
	       k == MMK_EV_PTE_SET || k == MMK_EV_TLB_FLUSH || k == MMK_EV_SWAP_IN ||
	       k == MMK_EV_READAHEAD || k == MMK_EV_SHARED_DIRTY;
}

/* Orders the work of one fault, tl[from, to), as it reads best: what the
 * fault did with pages first, then the TLB flush and PTE updates that make
 * it visible (a stable partition). */
static void order_fault_work(struct trace_line *tl, int from, int to)
{
	for (int pass = 0, n = 0; pass < 2; pass++)
		for (int i = from + n; i < to; i++) {
			int late = tl[i].kind == MMK_EV_PTE_SET || tl[i].kind == MMK_EV_TLB_FLUSH;
			if (late == pass) {
				struct trace_line t = tl[i];
				memmove(&tl[from + n + 1], &tl[from + n],
					(size_t)(i - from - n) * sizeof(*tl));
				tl[from + n++] = t;
			}
		}
}

static void trace_line_free(struct trace_line *t)
{
	free(t->detail);
	free(t->file);
}

/* The script's name for the process pid (a narrate_ctx's proc_name), or
 * NULL.  Caller holds trace_lock. */
static const char *proc_name_of(void *arg, int pid)
{
	struct backend *b = arg;
	int ord = b->forking ? b->nprocs_created + 1 : 0; /* an unknown pid: the child */
	for (int i = 0; i < b->nprocs_created; i++)
		if (b->ord_pid[i] == pid)
			ord = i + 1;
	return ord && b->opt.proc_name ? b->opt.proc_name(b->opt.trace_arg, ord) : NULL;
}

/* Formats one line (or, brief, one run tl[0..n)) as the trace mode asks. */
static void trace_emit(struct backend *b, const struct trace_line *tl, size_t n)
{
	char text[400], line[560], proc[16];
	struct mmk_event *evs = n > 1 ? malloc(n * sizeof(*evs)) : NULL;
	struct narrate_ctx nc = {b->root, proc_name_of, b};

	if (b->opt.trace == BK_TRACE_JSON) {
		snprintf(proc, sizeof(proc), "#%d", tl->ord);
		narrate_json(&nc, tl->ord ? proc : NULL, &tl->ev, line, sizeof(line));
		b->opt.trace_line(b->opt.trace_arg, line);
		free(evs);
		return;
	}
	if (n > 1 && !evs) { /* out of memory: one line per event */
		for (size_t i = 0; i < n; i++)
			trace_emit(b, &tl[i], 1);
		return;
	}
	for (size_t i = 0; i < n && evs; i++)
		evs[i] = tl[i].ev;
	narrate_run(&nc, evs ? evs : &tl->ev, n, text, sizeof(text));
	free(evs);
	if (tl->ord)
		snprintf(line, sizeof(line), "[#%d] %s", tl->ord, text);
	else
		snprintf(line, sizeof(line), "%s", text);
	b->opt.trace_line(b->opt.trace_arg, line);
}

/* Queues an event.  A fault goes before the run of fault work queued since
 * the previous fault, which is the work it did.  On OOM the event goes out
 * at once, unordered. */
static void trace_add(struct backend *b, const struct mmk_event *ev, int ord)
{
	struct trace_line t = {ev->kind, *ev, NULL, NULL, ord};
	int at = b->ntl;

	t.detail = ev->detail ? strdup(ev->detail) : NULL;
	t.file = ev->file ? strdup(ev->file) : NULL;
	t.ev.detail = t.detail;
	t.ev.file = t.file;
	if (b->ntl == b->captl) {
		int cap = b->captl ? b->captl * 2 : 32;
		struct trace_line *tl = realloc(b->tl, (size_t)cap * sizeof(*tl));
		if (tl) {
			b->tl = tl;
			b->captl = cap;
		}
	}
	if ((ev->detail && !t.detail) || (ev->file && !t.file) || b->ntl == b->captl) {
		trace_line_free(&t);
		t.ev = *ev;
		trace_emit(b, &t, 1);
		return;
	}
	if (t.kind == MMK_EV_FAULT)
		while (at > b->tl_done && is_fault_work(b->tl[at - 1].kind))
			at--;
	memmove(&b->tl[at + 1], &b->tl[at], (size_t)(b->ntl - at) * sizeof(*b->tl));
	b->tl[at] = t;
	b->ntl++;
	if (t.kind == MMK_EV_FAULT) {
		order_fault_work(b->tl, at + 1, b->ntl);
		b->tl_done = b->ntl;
	}
}

/* Line i of the queue, for narrate's run finders.  Caller holds
 * trace_lock. */
static const struct mmk_event *queued_event(const void *q, int i)
{
	return &((const struct backend *)q)->tl[i].ev;
}

/* Tells text, the line for the run at tl[i], with its statement's number. */
static void tell_run(struct backend *b, int i, const char *text)
{
	char line[480];
	if (b->tl[i].ord)
		snprintf(line, sizeof(line), "[#%d] %s", b->tl[i].ord, text);
	else
		snprintf(line, sizeof(line), "%s", text);
	b->opt.trace_line(b->opt.trace_arg, line);
}

/* Brief: tells the run of two or more fresh anonymous faults at tl[i]
 * (narrate_anon_fault_run) in one line, storing its length in events in
 * *n.  Returns whether there was such a run.  Caller holds trace_lock. */
static int anon_fault_run(struct backend *b, int i, int *n)
{
	int len = narrate_anon_fault_run(b, i, b->ntl, queued_event);
	struct mmk_event first[3], last[3];
	char text[400];
	if (!len)
		return 0;
	for (int j = 0; j < 3; j++) {
		first[j] = b->tl[i + j].ev;
		last[j] = b->tl[i + len - 3 + j].ev;
	}
	narrate_anon_faults(first, last, (size_t)len / 3, text, sizeof(text));
	tell_run(b, i, text);
	*n = len;
	return 1;
}

/* Brief: tells the run of two or more pages swapped out and freed at
 * tl[i] (narrate_swap_out_run) in one line, storing its length in events
 * in *n.  Returns whether there was such a run.  Caller holds trace_lock. */
static int swap_out_run(struct backend *b, int i, int *n)
{
	int len = narrate_swap_out_run(b, i, b->ntl, queued_event);
	if (!len)
		return 0;
	struct mmk_event *ev = malloc((size_t)len * sizeof(*ev));
	if (!ev)
		return 0;
	for (int j = 0; j < len; j++)
		ev[j] = b->tl[i + j].ev;
	struct narrate_ctx nc = {b->root, proc_name_of, b};
	char text[400];
	narrate_swap_outs(&nc, ev, (size_t)len / 2, text, sizeof(text));
	free(ev);
	tell_run(b, i, text);
	*n = len;
	return 1;
}

/* Passes the queued events on, in order: one line each, or, in a brief
 * trace, one line per run of the same work (narrate_same_run). */
static void trace_flush(struct backend *b)
{
	pthread_mutex_lock(&b->trace_lock);
	for (int i = 0, n; i < b->ntl; i += n) {
		n = 1;
		if (b->opt.trace == BK_TRACE_BRIEF &&
		    (anon_fault_run(b, i, &n) || swap_out_run(b, i, &n)))
			continue;
		if (b->opt.trace == BK_TRACE_BRIEF)
			while (i + n < b->ntl && narrate_same_run(&b->tl[i].ev, &b->tl[i + n].ev))
				n++;
		trace_emit(b, &b->tl[i], (size_t)n);
	}
	for (int i = 0; i < b->ntl; i++)
		trace_line_free(&b->tl[i]);
	b->ntl = b->tl_done = 0;
	pthread_mutex_unlock(&b->trace_lock);
}

/* The library's trace callback: queues the event with its process. */
static void on_event(void *arg, const struct mmk_event *ev)
{
	struct backend *b = arg;
	int ord = 0;

	pthread_mutex_lock(&b->trace_lock);
	/* An OOM victim is always named, even the statement's own process. */
	if (ev->pid > 0 && (ev->pid != b->cur_pid || ev->kind == MMK_EV_OOM_KILL)) {
		struct bk_proc *p = proc_by_pid(b, ev->pid);
		ord = p ? p->ordinal : b->forking ? b->nprocs_created + 1 : 0;
	}
	trace_add(b, ev, ord);
	pthread_mutex_unlock(&b->trace_lock);
}

/* ---- Life of the backend ------------------------------------------------ */

/* In debug builds: stop at once if the library broke an invariant. */
static void check_invariants(struct backend *b, const char *after)
{
#ifdef MMK_DEBUG
	char msg[512];
	if (mmk_system_check(b->sys, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "mmkit: invariant broken after %s: %s\n", after, msg);
		abort();
	}
#else
	(void)b;
	(void)after;
#endif
}

/* A host value for a mmk_config field whose 0 means "the default". */
static uint64_t cfg_value(uint64_t v)
{
	return v ? v : MMK_CFG_ZERO;
}

/* The host's overcommit accounting (check mode): its policy, its reserves,
 * and its RAM and swap sizes as the accounting sees them; the frame pool
 * and the swap area keep their own sizes (docs/CHECK.md). */
static void mirror_commit(struct mmk_config *cfg, const struct bk_layout *m)
{
	if (!m->have_commit)
		return;
	cfg->overcommit_memory = m->overcommit_memory;
	cfg->overcommit_ratio = cfg_value(m->overcommit_ratio);
	cfg->overcommit_kbytes = m->overcommit_kbytes;
	cfg->admin_reserve_kbytes = cfg_value(m->admin_reserve_kbytes);
	cfg->user_reserve_kbytes = cfg_value(m->user_reserve_kbytes);
	cfg->commit_ram_bytes = cfg_value(m->mem_total_kb << 10);
	cfg->commit_swap_bytes = cfg_value(m->swap_total_kb << 10);
}

static int mk_open(const struct bk_options *opt, struct backend **out)
{
	struct backend *b = calloc(1, sizeof(*b));
	struct mmk_config cfg;
	int r;

	if (!b)
		return -ENOMEM;
	b->opt = *opt;
	pthread_mutex_init(&b->trace_lock, NULL);
	memset(&cfg, 0, sizeof(cfg));
	cfg.root = opt->dir ? opt->dir : ".";
	cfg.ram_bytes = opt->ram_bytes;
	cfg.swap_bytes = opt->swap_bytes;
	cfg.reclaim_policy = opt->policy;
	cfg.overcommit_memory = opt->overcommit;
	cfg.no_background_threads = !opt->kswapd;
	cfg.fs_model = opt->fs_model;
	cfg.chroot_names = opt->chroot_names;
	/* exec's AT_RANDOM bytes the same every run (loads of the stack show
	 * them); check mode's are the host's business */
	if (!opt->mirror)
		cfg.at_random_seed = 0x6d6d6b6974; /* "mmkit" */
	cfg.record_refs = opt->record_refs != NULL;
	if (opt->replay_refs) {
		static const uint64_t none[1];
		cfg.opt_refs = opt->replay_refs->keys ? opt->replay_refs->keys : none;
		cfg.opt_nrefs = opt->replay_refs->n;
	}
	if (opt->mirror) {
		/* check mode: the host kernel's settings, so both sides agree */
		cfg.mmap_min_addr = opt->mirror->mmap_min_addr;
		if (opt->mirror->hint_min_addr > opt->mirror->mmap_min_addr)
			cfg.lsm_mmap_min_addr = opt->mirror->hint_min_addr;
		cfg.no_anon_vma_name = !opt->mirror->anon_vma_name;
		cfg.no_zero_page = opt->mirror->no_zero_page;
		cfg.no_eof_block_zeroing = !opt->mirror->eof_block_zeroing;
		mirror_commit(&cfg, opt->mirror);
		cfg.no_memory_failure = opt->mirror->no_memory_failure;
		cfg.no_gigantic_pages = opt->mirror->no_gigantic_pages;
	}
	r = mmk_system_create(&cfg, &b->sys);
	if (r < 0) {
		free(b);
		return r;
	}
	if (!realpath(cfg.root, b->root))
		b->root[0] = '\0';
	if (opt->trace && opt->trace_line)
		mmk_system_set_trace(b->sys, on_event, b);
	*out = b;
	return 0;
}

static int mk_close(struct backend *b)
{
	int r;

	b->cur_pid = 0;
	if (b->opt.record_refs) {
		struct bk_refs *out = b->opt.record_refs;
		int64_t n = mmk_refs(b->sys, NULL, 0);
		out->n = 0;
		out->keys = n > 0 ? malloc((size_t)n * sizeof(uint64_t)) : NULL;
		if (out->keys)
			out->n = (uint64_t)mmk_refs(b->sys, out->keys, (uint64_t)n);
	}
	if (b->opt.vmstat)
		mmk_vmstat(b->sys, b->opt.vmstat);
	r = mmk_system_destroy(b->sys);
	trace_flush(b);
	free(b->tl);
	free(b->ord_pid);
	pthread_mutex_destroy(&b->trace_lock);
	while (b->procs) {
		struct bk_proc *p = b->procs;
		b->procs = p->next;
		free(p);
	}
	free(b);
	return r;
}

/* Gives a fresh address space the mirrored host layout (check mode). */
static int mirror_layout(struct backend *b, mmk_proc *p)
{
	const struct bk_layout *m = b->opt.mirror;
	int r;

	if (!m)
		return 0;
	for (int i = 0; i < m->n && i < BK_LAYOUT_MAX; i++) {
		r = mmk_reserve(p, m->r[i].start, m->r[i].end, m->r[i].growsdown);
		if (r < 0)
			return r;
	}
	if (m->start_brk) {
		r = mmk_set_brk_base(p, m->start_brk);
		if (r < 0)
			return r;
		mmk_brk(p, m->brk);
	}
	return 0;
}

/* Wraps a new mmk_proc in a handle on the list (or exits it on failure). */
static int proc_adopt(struct backend *b, mmk_proc *mp, int pid, struct bk_proc **out)
{
	struct bk_proc *p = calloc(1, sizeof(*p));

	if (!p) {
		mmk_exit(mp);
		return -ENOMEM;
	}
	p->p = mp;
	p->pid = pid;
	int *op = realloc(b->ord_pid, (size_t)(b->nprocs_created + 1) * sizeof(*op));
	if (!op) {
		free(p);
		mmk_exit(mp);
		return -ENOMEM;
	}
	pthread_mutex_lock(&b->trace_lock); /* on_event reads the list */
	b->ord_pid = op;
	b->ord_pid[b->nprocs_created] = pid;
	p->ordinal = ++b->nprocs_created;
	p->next = b->procs;
	b->procs = p;
	pthread_mutex_unlock(&b->trace_lock);
	*out = p;
	return 0;
}

static void proc_drop(struct backend *b, struct bk_proc *p)
{
	pthread_mutex_lock(&b->trace_lock); /* on_event reads the list */
	for (struct bk_proc **pp = &b->procs; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	pthread_mutex_unlock(&b->trace_lock);
	free(p);
}

static int mk_spawn(struct backend *b, struct bk_proc **out)
{
	mmk_proc *mp;
	int pid, r;

	b->cur_pid = 0;
	pid = mmk_spawn(b->sys, &mp);
	if (pid < 0) {
		trace_flush(b);
		return pid;
	}
	b->cur_pid = pid;
	r = mirror_layout(b, mp);
	if (r < 0) {
		mmk_exit(mp);
		trace_flush(b);
		return r;
	}
	r = proc_adopt(b, mp, pid, out);
	trace_flush(b);
	check_invariants(b, "spawn");
	return r;
}

static int mk_fork(struct backend *b, struct bk_proc *parent, struct bk_proc **child)
{
	mmk_proc *mp;
	int pid, r;

	b->cur_pid = parent->pid;
	b->forking = 1;
	pid = mmk_fork(parent->p, &mp);
	if (pid < 0) {
		b->forking = 0;
		trace_flush(b);
		return pid;
	}
	r = proc_adopt(b, mp, pid, child);
	b->forking = 0;
	trace_flush(b);
	check_invariants(b, "fork");
	return r;
}

/* ---- Operations --------------------------------------------------------- */

/* The reply of a faulting access. */
static void reply_fault(struct bk_reply *r, int64_t ret, const struct mmk_siginfo *si)
{
	r->ret = ret;
	if (ret < 0 && si->signo) {
		r->signo = si->signo;
		r->code = si->code;
		r->addr = si->addr;
	}
}

/* Appends n bytes to the reply's data buffer; -ENOMEM if it cannot grow. */
static int reply_grow(struct bk_reply *r, size_t n, unsigned char **at)
{
	unsigned char *p = realloc(r->data, r->datalen + n + 1);
	if (!p)
		return -ENOMEM;
	r->data = p;
	*at = p + r->datalen;
	return 0;
}

/* `program`'s file is executable (mode 0755), as the Linux backend makes
 * it: the host file beneath the root, resolved as mmkit resolves paths
 * there (RESOLVE_IN_ROOT).  0 or -errno. */
static int make_executable(struct backend *b, const char *path)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
	int dfd = open(b->opt.dir ? b->opt.dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd,
	    err = 0;

	if (dfd < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	if (fd < 0 || fchmod(fd, 0755) < 0)
		err = -errno;
	if (fd >= 0)
		close(fd);
	close(dfd);
	return err;
}

/* file: created with its first FILE_CHUNK bytes, the rest written after
 * them a chunk at a time, so host memory holds one chunk whatever the size. */
static void do_file(struct backend *b, const struct bk_op *op, struct bk_reply *r)
{
	uint64_t size = (uint64_t)op->a[0], off = 0;
	unsigned char *buf = malloc(size < FILE_CHUNK ? (size ? size : 1) : FILE_CHUNK);

	if (!buf) {
		r->ret = -ENOMEM;
		return;
	}
	do {
		size_t n = size - off < FILE_CHUNK ? (size_t)(size - off) : FILE_CHUNK;
		bk_file_bytes(op, off, buf, n);
		r->ret = off == 0 ? mmk_sys_file_create(b->sys, op->path, buf, n)
				  : mmk_sys_file_write(b->sys, op->path, off, buf, n);
		off += n;
	} while (r->ret == 0 && off < size);
	free(buf);
	if (r->ret == 0 && op->a[2] == 1)
		r->ret = make_executable(b, op->path);
}

/* cat: whole reads through the page cache from a[0], a[1] bytes (-1: to EOF). */
static void do_cat(struct backend *b, const struct bk_op *op, struct bk_reply *r)
{
	uint64_t off = (uint64_t)op->a[0], left = (uint64_t)op->a[1];
	unsigned char *at;

	if (left == 0) {
		/* LEN 0 reads nothing, but the file is opened (a missing one
		 * is -ENOENT), as the Linux backend's cat opens it */
		int64_t n = mmk_sys_file_read(b->sys, op->path, 0, NULL, 0);

		r->ret = n < 0 ? n : 0;
		return;
	}
	for (;;) {
		uint64_t want = left < CHUNK ? left : CHUNK;
		if (want == 0)
			break;
		if (reply_grow(r, want, &at) < 0) {
			r->ret = -ENOMEM;
			return;
		}
		int64_t n = mmk_sys_file_read(b->sys, op->path, off, at, want);
		if (n < 0) {
			r->ret = n;
			return;
		}
		r->datalen += (size_t)n;
		off += (uint64_t)n;
		left -= (uint64_t)n;
		if ((uint64_t)n < want)
			break;
	}
	r->ret = (int64_t)r->datalen;
}

/* read/pread: a[1] or a[2] bytes, filled in chunks so a huge LEN does not
 * need a huge buffer (a regular file's read is short only at EOF). */
static void do_read(mmk_proc *p, const struct bk_op *op, struct bk_reply *r)
{
	int pread = op->code == BK_PREAD;
	uint64_t left = (uint64_t)(pread ? op->a[2] : op->a[1]);
	int64_t off = op->a[1];
	unsigned char *at;

	do {
		uint64_t want = left < CHUNK ? left : CHUNK;
		if (reply_grow(r, want, &at) < 0) {
			r->ret = r->datalen ? (int64_t)r->datalen : -ENOMEM;
			return;
		}
		int64_t n = pread ? mmk_pread(p, (int)op->a[0], at, want, off)
				  : mmk_read(p, (int)op->a[0], at, want);
		if (n < 0) {
			r->ret = r->datalen ? (int64_t)r->datalen : n;
			return;
		}
		r->datalen += (size_t)n;
		off += n;
		left -= (uint64_t)n;
		if ((uint64_t)n < want)
			break;
	} while (left);
	r->ret = (int64_t)r->datalen;
}

/* load: copies in chunks until LEN or the first fault. */
static void do_load(mmk_proc *p, const struct bk_op *op, struct bk_reply *r)
{
	uint64_t addr = (uint64_t)op->a[0], left = (uint64_t)op->a[1];
	struct mmk_siginfo si;
	unsigned char *at;

	r->ret = 0;
	while (left) {
		uint64_t want = left < CHUNK ? left : CHUNK;
		if (reply_grow(r, want, &at) < 0) {
			r->ret = -ENOMEM;
			return;
		}
		memset(&si, 0, sizeof(si));
		int ret = mmk_load(p, addr, at, want, &si);
		if (ret < 0) {
			/* Pages before the faulting page were copied. */
			uint64_t page = si.addr & ~(MMK_PAGE_SIZE - 1);
			if (si.signo && page > addr && page - addr <= want)
				r->datalen += (size_t)(page - addr);
			reply_fault(r, ret, &si);
			return;
		}
		r->datalen += (size_t)want;
		addr += want;
		left -= want;
	}
}

static void do_mincore(mmk_proc *p, const struct bk_op *op, struct bk_reply *r)
{
	uint64_t len = (uint64_t)op->a[1];
	uint64_t npages = len / MMK_PAGE_SIZE + (len % MMK_PAGE_SIZE != 0);

	if (npages > MINCORE_MAX_PAGES) {
		/* Linux checks alignment, then refuses a range past the user
		 * address space with -ENOMEM; mmkit stops at 64 GiB. */
		r->ret = op->a[0] & (int64_t)(MMK_PAGE_SIZE - 1) ? -EINVAL : -ENOMEM;
		return;
	}
	if (!(r->data = calloc(npages ? npages : 1, 1))) {
		r->ret = -ENOMEM;
		return;
	}
	r->ret = mmk_mincore(p, (uint64_t)op->a[0], len, r->data);
	r->datalen = r->ret < 0 ? 0 : (size_t)npages;
}

/* vmstat: the system's counters, rendered like a view. */
static void do_vmstat(struct backend *b, struct bk_reply *r)
{
	uint64_t len = 4096;
	for (;;) {
		char *buf = realloc(r->text, len);
		if (!buf) {
			r->ret = -ENOMEM;
			return;
		}
		r->text = buf;
		int64_t n = mmk_vmstat_text(b->sys, buf, len);
		if (n < 0 || (uint64_t)n < len) {
			r->ret = n < 0 ? n : 0;
			return;
		}
		len = (uint64_t)n + 1;
	}
}

/* maps/smaps/status: render, growing the buffer until the text fits. */
static void do_view(mmk_proc *p, const struct bk_op *op, struct bk_reply *r)
{
	uint64_t len = 4096;

	for (;;) {
		char *buf = realloc(r->text, len);
		int64_t n;
		if (!buf) {
			r->ret = -ENOMEM;
			return;
		}
		r->text = buf;
		n = op->code == BK_MAPS	   ? mmk_proc_maps(p, buf, len)
		    : op->code == BK_SMAPS ? mmk_proc_smaps(p, buf, len)
					   : mmk_proc_status(p, buf, len);
		if (n < 0) {
			r->ret = n;
			return;
		}
		if ((uint64_t)n < len) {
			r->ret = 0;
			return;
		}
		len = (uint64_t)n + 1;
	}
}

static void do_faults(mmk_proc *p, struct bk_reply *r)
{
	struct mmk_fault_counts fc;
	struct bk_faults *f;

	r->ret = mmk_proc_faults(p, &fc);
	if (r->ret < 0)
		return;
	if (!(f = malloc(sizeof(*f)))) {
		r->ret = -ENOMEM;
		return;
	}
	f->minor = fc.minor;
	f->major = fc.major;
	r->data = (unsigned char *)f;
	r->datalen = sizeof(*f);
}

/* mmk_execve, then the fetch of the page holding the first `syscall`
 * instruction of the code that runs first, as the Linux backend's server
 * fetches it to make the process's calls (exec_gadget.h): both backends
 * show that page faulted in.  A program without one: -ENOEXEC first. */
static int exec_with_gadget(struct backend *b, struct bk_proc *bp, const char *path,
			    const char *const *argv)
{
	static unsigned char buf[4096];
	struct mmk_exec_info info;
	struct exec_gadget g;
	unsigned char insn[2];
	int dfd = open(b->opt.dir ? b->opt.dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int found = dfd < 0 ? 1 : exec_gadget_find(dfd, path, buf, sizeof(buf), &g), r;

	if (dfd >= 0)
		close(dfd);
	if (found < 0)
		return found;
	r = mmk_execve(bp->p, path, argv, NULL, &info);
	if (r == 0 && found == 0) {
		bp->gadget = g.vaddr + (g.in_interp ? info.interp_base : info.load_bias);
		mmk_fetch(bp->p, bp->gadget, insn, sizeof(insn), NULL);
	}
	return r;
}

/* `exec PATH ARGS...`: execve of the program at PATH (in the root) with
 * argv PATH ARGS... and an empty environment. */
static void do_exec_program(struct backend *b, struct bk_proc *bp, const struct bk_op *op,
			    struct bk_reply *r)
{
	size_t n = 1;
	for (size_t i = 0; i < op->datalen; i++)
		n += op->data[i] == 0;
	const char **argv = calloc(n + 1, sizeof(*argv));
	if (!argv) {
		r->ret = -ENOMEM;
		return;
	}
	argv[0] = op->path;
	for (size_t i = 0, k = 1; i < op->datalen; i += strlen((const char *)op->data + i) + 1)
		argv[k++] = (const char *)op->data + i;
	r->ret = exec_with_gadget(b, bp, op->path, argv);
	free(argv);
}

static void do_pagemap(mmk_proc *p, const struct bk_op *op, struct bk_reply *r)
{
	uint64_t n = (uint64_t)op->a[1];
	struct mmk_pageinfo *pi;

	if (n > PAGEMAP_MAX_PAGES) {
		r->ret = -EINVAL;
		return;
	}
	if (!(pi = calloc(n ? n : 1, sizeof(*pi)))) {
		r->ret = -ENOMEM;
		return;
	}
	r->ret = mmk_proc_pagemap(p, (uint64_t)op->a[0], n, pi);
	r->data = (unsigned char *)pi;
	r->datalen = r->ret < 0 ? 0 : (size_t)n * sizeof(*pi);
}

/* The operations on a process's memory and files. */
static void call_proc(struct backend *b, struct bk_proc *bp, const struct bk_op *op,
		      struct bk_reply *r)
{
	mmk_proc *p = bp->p;
	const int64_t *a = op->a;
	struct mmk_siginfo si;
	unsigned char insn[2];

	memset(&si, 0, sizeof(si));
	/* a program's process makes the call from its gadget: fetched first,
	 * and a fetch that faults is the result (exec_gadget.h) */
	if (bp->gadget && gadget_op(op->code) &&
	    mmk_fetch(p, bp->gadget, insn, sizeof(insn), &si) == -EFAULT) {
		r->ret = -EFAULT;
		r->signo = si.signo;
		r->code = si.code;
		r->addr = si.addr;
		return;
	}
	switch (op->code) {
	case BK_OPEN:
		r->ret = mmk_open(p, op->path, (int)a[0], 0644);
		break;
	case BK_CLOSE:
		r->ret = mmk_close(p, (int)a[0]);
		break;
	case BK_DUP:
		r->ret = mmk_dup(p, (int)a[0]);
		break;
	case BK_READ:
	case BK_PREAD:
		do_read(p, op, r);
		break;
	case BK_WRITE:
		r->ret = mmk_write(p, (int)a[0], op->data, op->datalen);
		break;
	case BK_PWRITE:
		r->ret = mmk_pwrite(p, (int)a[0], op->data, op->datalen, a[1]);
		break;
	case BK_FTRUNCATE:
		r->ret = mmk_ftruncate(p, (int)a[0], a[1]);
		break;
	case BK_FSYNC:
		r->ret = mmk_fsync(p, (int)a[0]);
		break;
	case BK_UNLINK:
		r->ret = mmk_unlink(p, op->path);
		break;
	case BK_MKDIR:
		r->ret = mmk_mkdir(p, op->path, 0755);
		break;
	case BK_RMDIR:
		r->ret = mmk_rmdir(p, op->path);
		break;
	case BK_FADVISE:
		r->ret = mmk_fadvise(p, (int)a[0], a[1], a[2], (int)a[3]);
		break;
	case BK_MMAP:
		r->ret = mmk_mmap(p, (uint64_t)a[0], (uint64_t)a[1], (uint64_t)a[2], (uint64_t)a[3],
				  (int)a[4], a[5]);
		break;
	case BK_MUNMAP:
		r->ret = mmk_munmap(p, (uint64_t)a[0], (uint64_t)a[1]);
		break;
	case BK_MPROTECT:
		r->ret = mmk_mprotect(p, (uint64_t)a[0], (uint64_t)a[1], (uint64_t)a[2]);
		break;
	case BK_MREMAP:
		r->ret = mmk_mremap(p, (uint64_t)a[0], (uint64_t)a[1], (uint64_t)a[2],
				    (uint64_t)a[3], (uint64_t)a[4]);
		break;
	case BK_MSYNC:
		r->ret = mmk_msync(p, (uint64_t)a[0], (uint64_t)a[1], (int)a[2]);
		break;
	case BK_MADVISE:
		r->ret = mmk_madvise(p, (uint64_t)a[0], (uint64_t)a[1], (int)a[2]);
		break;
	case BK_MLOCK:
		r->ret = a[2] ? mmk_mlock2(p, (uint64_t)a[0], (uint64_t)a[1], (int)a[2])
			      : mmk_mlock(p, (uint64_t)a[0], (uint64_t)a[1]);
		break;
	case BK_MUNLOCK:
		r->ret = mmk_munlock(p, (uint64_t)a[0], (uint64_t)a[1]);
		break;
	case BK_MLOCKALL:
		r->ret = mmk_mlockall(p, (int)a[0]);
		break;
	case BK_MUNLOCKALL:
		r->ret = mmk_munlockall(p);
		break;
	case BK_MINCORE:
		do_mincore(p, op, r);
		break;
	case BK_BRK:
		r->ret = (int64_t)mmk_brk(p, (uint64_t)a[0]);
		break;
	case BK_ANON_NAME:
		r->ret = mmk_set_anon_name(p, (uint64_t)a[0], (uint64_t)a[1], op->path);
		break;
	case BK_LOAD:
		do_load(p, op, r);
		break;
	case BK_STORE:
		reply_fault(r, mmk_store(p, (uint64_t)a[0], op->data, op->datalen, &si), &si);
		break;
	case BK_FILL:
		reply_fault(r, mmk_fill(p, (uint64_t)a[0], (int)a[2], (uint64_t)a[1], &si), &si);
		break;
	case BK_TOUCH:
		reply_fault(r, mmk_touch(p, (uint64_t)a[0], (uint64_t)a[1], (int)a[2], &si), &si);
		break;
	case BK_MAPS:
	case BK_SMAPS:
	case BK_STATUS:
		do_view(p, op, r);
		break;
	case BK_FAULTS:
		do_faults(p, r);
		break;
	case BK_PAGEMAP:
		do_pagemap(p, op, r);
		break;
	case BK_EXEC:
		if (op->path) {
			do_exec_program(b, bp, op, r);
			break;
		}
		r->ret = mmk_exec(p);
		if (r->ret >= 0)
			r->ret = mirror_layout(b, p);
		break;
	case BK_EXIT:
		r->ret = mmk_exit(p);
		proc_drop(b, bp);
		break;
	default:
		r->ret = -ENOSYS;
	}
}

static int mk_call(struct backend *b, struct bk_proc *p, const struct bk_op *op, struct bk_reply *r)
{
	memset(r, 0, sizeof(*r));
	b->cur_pid = p ? p->pid : 0;
	if (!p) {
		switch (op->code) {
		case BK_FILE:
			do_file(b, op, r);
			break;
		case BK_CAT:
			do_cat(b, op, r);
			break;
		case BK_SYNC:
			r->ret = mmk_sync(b->sys);
			break;
		case BK_VMSTAT:
			do_vmstat(b, r);
			break;
		case BK_DROP_CACHES: {
			/* `sync; echo 1 > /proc/sys/vm/drop_caches`, as the Linux
			 * backend does it: the result is 0, not a count. */
			int64_t n = mmk_sync(b->sys);
			if (n == 0)
				n = mmk_drop_caches(b->sys, 1);
			r->ret = n < 0 ? n : 0;
			break;
		}
		default:
			r->ret = -EINVAL;
		}
	} else {
		call_proc(b, p, op, r);
	}
	if (r->ret < 0 && !r->signo) {
		free(r->data);
		r->data = NULL;
		r->datalen = 0;
	}
	trace_flush(b);
	check_invariants(b, "a call");
	return 0;
}

/* For view.c (declared in view.h): the library handles behind ours. */
mmk_system *backend_mmkit_system(struct backend *b);
mmk_proc *backend_mmkit_proc(struct bk_proc *p);

mmk_system *backend_mmkit_system(struct backend *b)
{
	return b->sys;
}

mmk_proc *backend_mmkit_proc(struct bk_proc *p)
{
	return p->p;
}

const struct backend_ops backend_mmkit_ops = {
    .name = "mmkit",
    .open = mk_open,
    .close = mk_close,
    .spawn = mk_spawn,
    .fork = mk_fork,
    .call = mk_call,
};
