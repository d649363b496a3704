/*
 * narrate.c - one English sentence per trace event of the library (struct
 * mmk_event), for a person learning how mmap works.  Shared by the script
 * backend (`mmkit run --trace`) and the RISC-V runner (`mmkit exec
 * --trace`), so both tell the same story in the same words.  Also owns the
 * brief trace's collapsing (a run of the same work as one sentence) and
 * the JSON form of an event (`--trace=json`, docs/SCRIPTS.md "Tracing").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "narrate.h"

/* "0x1000-0x3000 (8K)" */
static int put_range(char *buf, size_t len, uint64_t start, uint64_t end)
{
	uint64_t n = end - start;
	const char *unit = "";
	uint64_t v = n;

	if (n && n % (1ULL << 30) == 0) {
		v = n >> 30;
		unit = "G";
	} else if (n && n % (1ULL << 20) == 0) {
		v = n >> 20;
		unit = "M";
	} else if (n && n % (1ULL << 10) == 0) {
		v = n >> 10;
		unit = "K";
	}
	return snprintf(buf, len, "0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 "%s)", start, end, v,
			unit);
}

/* A host path as the script names it: relative to the run's directory. */
static const char *script_path(const char *root, const char *path)
{
	size_t n = root ? strlen(root) : 0;
	if (path && n && strncmp(path, root, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* The name of process pid in buf: the caller's (nc->proc_name) or "pid N". */
static const char *proc_name(const struct narrate_ctx *nc, int pid, char *buf, size_t len)
{
	const char *name = nc->proc_name ? nc->proc_name(nc->arg, pid) : NULL;
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "pid %d", pid);
	return buf;
}

/* "page fault: read at X in VMA A-B (...): page 2 of f found in the page
 * cache (frame N)" -- where the page came from. */
static void narrate_fault(const struct narrate_ctx *nc, const struct mmk_event *ev,
			  const char *range, char *buf, size_t len)
{
	const char *kind = ev->detail ? ev->detail : "access";
	char vma[128] = "";
	if (ev->vm_end > ev->vm_start) {
		char r[96];
		put_range(r, sizeof(r), ev->vm_start, ev->vm_end);
		snprintf(vma, sizeof(vma), " in VMA %s", r);
	}
	(void)range;
	if (ev->file && ev->cached && ev->pfn)
		snprintf(buf, len,
			 "page fault: %s at 0x%" PRIx64 "%s (minor): page %" PRIu64
			 " of %s found in the page cache (frame %" PRIu64 ")",
			 kind, ev->addr, vma, ev->pgoff, script_path(nc->root, ev->file), ev->pfn);
	else if (ev->file && ev->cached)
		snprintf(buf, len,
			 "page fault: %s at 0x%" PRIx64 "%s (minor): page %" PRIu64
			 " of %s found in the page cache",
			 kind, ev->addr, vma, ev->pgoff, script_path(nc->root, ev->file));
	else if (ev->file)
		snprintf(buf, len,
			 "page fault: %s at 0x%" PRIx64 "%s (major): page %" PRIu64
			 " of %s not in the page cache, read from disk",
			 kind, ev->addr, vma, ev->pgoff, script_path(nc->root, ev->file));
	else
		snprintf(buf, len, "page fault: %s at 0x%" PRIx64 "%s (%s)", kind, ev->addr, vma,
			 ev->major ? "major: the page had to be read from disk" : "minor");
}

/* "copy-on-write at X: copied the zero page into a private page (frame N)" */
static void narrate_cow(const struct narrate_ctx *nc, const struct mmk_event *ev, char *buf,
			size_t len)
{
	char src[320], name[64];
	const char *s = ev->source;
	if (s && strcmp(s, "file page") == 0 && ev->file)
		snprintf(src, sizeof(src), "page %" PRIu64 " of %s", ev->pgoff,
			 script_path(nc->root, ev->file));
	else if (s && strcmp(s, "file page") == 0)
		snprintf(src, sizeof(src), "the file page it mapped");
	else if (s && strcmp(s, "zero page") == 0)
		snprintf(src, sizeof(src), "the shared zero page");
	else if (s && strcmp(s, "anonymous page") == 0 && ev->peer)
		snprintf(src, sizeof(src), "an anonymous page shared with %s",
			 proc_name(nc, ev->peer, name, sizeof(name)));
	else if (s && strcmp(s, "anonymous page") == 0)
		snprintf(src, sizeof(src), "the anonymous page it shared since fork");
	else
		snprintf(src, sizeof(src), "the shared page");
	snprintf(buf, len,
		 "copy-on-write at 0x%" PRIx64 ": copied %s into a private page (frame %" PRIu64
		 ")",
		 ev->addr, src, ev->pfn);
}

static void put_pages(const struct mmk_event *ev, size_t n, char *buf, size_t len);

/* Why reclaim took the pages: ", taken from the tail of the inactive file
 * list (lru)" -- the lru policy evicts the oldest unreferenced pages of
 * its inactive lists -- or ", the clock policy's choice". */
static void put_reclaim_rule(const struct mmk_event *ev, char *buf, size_t len)
{
	const char *pol = ev->source ? ev->source : "reclaim";
	if (ev->list && strcmp(pol, "lru") == 0)
		snprintf(buf, len, ", taken from the tail of the %s list (lru)", ev->list);
	else
		snprintf(buf, len, ", the %s policy's choice", pol);
}

/* Who mapped the reclaimed pages ev[0], ev[step], ... (n of them): " mapped
 * by Q at 0x..." (a run: "at 0xA-0xB" when they were consecutive, else
 * "within"; "K of them mapped by" when not all were); "" when none was. */
static void put_reclaim_mapper(const struct narrate_ctx *nc, const struct mmk_event *ev, size_t n,
			       size_t step, char *buf, size_t len)
{
	char name[64];
	size_t mapped = 0;
	int peer = 0, same = 1;
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < n; i++) {
		const struct mmk_event *e = &ev[i * step];
		if (!e->peer)
			continue;
		same &= !peer || e->peer == peer;
		peer = e->peer;
		mapped++;
		lo = e->addr < lo ? e->addr : lo;
		hi = e->addr > hi ? e->addr : hi;
	}
	buf[0] = '\0';
	if (!mapped)
		return;
	char who[96];
	if (same)
		snprintf(who, sizeof(who), "mapped by %s", proc_name(nc, peer, name, sizeof(name)));
	else
		snprintf(who, sizeof(who), "mapped by several processes");
	if (n == 1)
		snprintf(buf, len, ", %s at 0x%" PRIx64, who, lo);
	else if (mapped == n && same)
		snprintf(buf, len, ", %s %s 0x%" PRIx64 "-0x%" PRIx64, who,
			 (hi - lo) / 4096 + 1 == n ? "at" : "within", lo, hi + 4096);
	else
		snprintf(buf, len, ", %zu of them %s", mapped, who);
}

/* "reclaim: freed frame 12 (page 3 of big, a file page, mapped by Hog at
 * 0x...), taken from the tail of the inactive file list (lru)", or for the
 * run ev[0..n) "reclaim: freed 8 frames (pages 0-7 of big, file pages,
 * ...), ..." */
static void narrate_reclaim(const struct narrate_ctx *nc, const struct mmk_event *ev, size_t n,
			    char *buf, size_t len)
{
	char what[256], who[160], rule[96], pages[96];
	const char *d = ev->detail ? ev->detail : "cached";
	put_reclaim_mapper(nc, ev, n, 1, who, sizeof(who));
	put_reclaim_rule(ev, rule, sizeof(rule));
	if (n == 1 && ev->file)
		snprintf(what, sizeof(what), "frame %" PRIu64 " (page %" PRIu64 " of %s, a %s page",
			 ev->pfn, ev->pgoff, script_path(nc->root, ev->file), d);
	else if (n == 1)
		snprintf(what, sizeof(what), "frame %" PRIu64 " (%s %s page", ev->pfn,
			 strchr("aeiou", d[0]) ? "an" : "a", d);
	else if (ev->file) {
		put_pages(ev, n, pages, sizeof(pages));
		snprintf(what, sizeof(what), "%zu frames (%s of %s, %s pages", n, pages,
			 script_path(nc->root, ev->file), d);
	} else
		snprintf(what, sizeof(what), "%zu frames (%s pages", n, d);
	snprintf(buf, len, "reclaim: freed %s%s)%s", what, who, rule);
}

/* The OOM kill, without the pid (the caller names the process): "out of
 * memory: killed, the process using most memory (badness N pages):
 * anon-rss:...". */
static void narrate_oom(const struct mmk_event *ev, char *buf, size_t len)
{
	const char *rss = ev->detail ? strstr(ev->detail, "anon-rss:") : NULL;
	snprintf(buf, len,
		 "out of memory: the OOM killer chose this process (badness %" PRIu64
		 " pages, the highest) and killed it%s%s",
		 ev->count, rss ? ": " : "", rss ? rss : "");
}

/* One English sentence per event; buf gets no trailing newline. */
void narrate_event(const struct narrate_ctx *nc, const struct mmk_event *ev, char *buf, size_t len)
{
	char range[96];
	const char *d = ev->detail;

	put_range(range, sizeof(range), ev->start, ev->end);
	switch (ev->kind) {
	case MMK_EV_VMA_CREATE:
		if (d && strcmp(d, "mremap") == 0)
			snprintf(buf, len, "new VMA %s for the mapping mremap moves", range);
		else
			snprintf(buf, len, "new %s%sVMA %s", d ? d : "", d ? " " : "", range);
		break;
	case MMK_EV_VMA_SPLIT:
		snprintf(buf, len, "VMA %s split in two at 0x%" PRIx64, range, ev->addr);
		break;
	case MMK_EV_VMA_MERGE:
		snprintf(buf, len, "VMA merged with its neighbour into %s", range);
		break;
	case MMK_EV_VMA_REMOVE:
		snprintf(buf, len, "VMA %s removed", range);
		break;
	case MMK_EV_VMA_CHANGE:
		snprintf(buf, len, "VMA %s changed%s%s", range, d ? ": " : "", d ? d : "");
		break;
	case MMK_EV_FAULT:
		narrate_fault(nc, ev, range, buf, len);
		break;
	case MMK_EV_PAGE_READ:
		snprintf(buf, len, "read page %" PRIu64 " of %s from disk into the page cache",
			 ev->pgoff, d ? script_path(nc->root, d) : "the file");
		break;
	case MMK_EV_ZERO_PAGE:
		snprintf(buf, len,
			 "mapped the shared zero page read-only at 0x%" PRIx64
			 " (a later write gets a page of its own)",
			 ev->addr);
		break;
	case MMK_EV_ANON_PAGE:
		snprintf(buf, len, "allocated a zero-filled page for 0x%" PRIx64, ev->addr);
		break;
	case MMK_EV_COW:
		narrate_cow(nc, ev, buf, len);
		break;
	case MMK_EV_REUSE:
		snprintf(buf, len,
			 "write at 0x%" PRIx64 ": nobody else maps the page, so it "
			 "is made writable in place (no copy)",
			 ev->addr);
		break;
	case MMK_EV_FAULT_AROUND:
		snprintf(buf, len,
			 "fault-around: mapped %" PRIu64 " page(s) already in the "
			 "page cache around 0x%" PRIx64 " in one go",
			 ev->count, ev->addr);
		break;
	case MMK_EV_PTE_SET:
		snprintf(buf, len, "page table entry for 0x%" PRIx64 " now maps frame %" PRIu64,
			 ev->addr, ev->pfn);
		break;
	case MMK_EV_WRITEBACK:
		snprintf(buf, len,
			 "writeback: dirty page %" PRIu64 " of %s written to disk (its mappings "
			 "write-protected, the page now clean)",
			 ev->pgoff, d ? script_path(nc->root, d) : "its file");
		break;
	case MMK_EV_TLB_FLUSH:
		snprintf(buf, len, "TLB flushed for %s", range);
		break;
	case MMK_EV_ZAP:
		snprintf(buf, len, "page table entries cleared for %s", range);
		break;
	case MMK_EV_SIGNAL:
		if (d && strcmp(d, "SIGKILL") == 0)
			snprintf(buf, len,
				 "the access was stopped: the process was killed (SIGKILL)");
		else
			snprintf(buf, len, "the access at 0x%" PRIx64 " raised %s", ev->addr,
				 d ? d : "a signal");
		break;
	case MMK_EV_RECLAIM:
		narrate_reclaim(nc, ev, 1, buf, len);
		break;
	case MMK_EV_SWAP_OUT:
		snprintf(buf, len, "swap-out: frame %" PRIu64 " written to swap slot %" PRIu64,
			 ev->pfn, ev->count);
		break;
	case MMK_EV_SWAP_IN:
		snprintf(buf, len, "swap-in: read swap slot %" PRIu64 " back for 0x%" PRIx64,
			 ev->count, ev->addr);
		break;
	case MMK_EV_OOM_KILL:
		narrate_oom(ev, buf, len);
		break;
	case MMK_EV_PAGE_EVICT:
		snprintf(buf, len,
			 "evicted page %" PRIu64 " of %s from the page cache (frame %" PRIu64
			 " freed)",
			 ev->pgoff, d ? script_path(nc->root, d) : "the file", ev->pfn);
		break;
	case MMK_EV_READAHEAD:
		snprintf(buf, len,
			 "readahead: the window is pages %" PRIu64 "-%" PRIu64
			 " of %s; its absent pages are read in the same I/O",
			 ev->start, ev->end - 1, d ? script_path(nc->root, d) : "the file");
		break;
	case MMK_EV_SHARED_DIRTY:
		snprintf(buf, len,
			 "write to shared page %" PRIu64 " of %s at 0x%" PRIx64
			 ": its PTE made writable and dirty, the page marked dirty (writeback "
			 "will save it)",
			 ev->pgoff, d ? script_path(nc->root, d) : "the file", ev->addr);
		break;
	default:
		snprintf(buf, len, "event %d", (int)ev->kind);
	}
}

/* ---- Brief traces: runs of the same work as one line ---------------------- */

/* The class of an event for collapsing: events of one class on the same
 * process (and file) in a row are one run; 0: never collapsed. */
static int run_class(enum mmk_event_kind k)
{
	switch (k) {
	case MMK_EV_PTE_SET:
	case MMK_EV_PAGE_READ:
	case MMK_EV_WRITEBACK:
	case MMK_EV_PAGE_EVICT:
	case MMK_EV_RECLAIM:
	case MMK_EV_SWAP_OUT:
		return (int)k + 1;
	case MMK_EV_ZAP:
	case MMK_EV_TLB_FLUSH:
	case MMK_EV_VMA_REMOVE:
		return -1; /* unmapping: PTEs cleared, TLB flushed, VMAs removed */
	default:
		return 0;
	}
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

int narrate_same_run(const struct mmk_event *a, const struct mmk_event *b)
{
	if (a->kind == MMK_EV_FAULT_AROUND) /* and the PTEs it set */
		return b->kind == MMK_EV_PTE_SET && a->pid == b->pid;
	int c = run_class(a->kind);
	return c && c == run_class(b->kind) && a->pid == b->pid && same_str(a->detail, b->detail) &&
	       same_str(a->file, b->file) && same_str(a->list, b->list) &&
	       same_str(a->source, b->source);
}

/* "pages 3-9" when ev[0..n)'s pgoffs are consecutive, else "7 pages (3..20)" */
static void put_pages(const struct mmk_event *ev, size_t n, char *buf, size_t len)
{
	uint64_t lo = ev[0].pgoff, hi = ev[0].pgoff;
	int run = 1;
	for (size_t i = 1; i < n; i++) {
		run &= ev[i].pgoff == ev[i - 1].pgoff + 1;
		lo = ev[i].pgoff < lo ? ev[i].pgoff : lo;
		hi = ev[i].pgoff > hi ? ev[i].pgoff : hi;
	}
	if (run)
		snprintf(buf, len, "pages %" PRIu64 "-%" PRIu64, lo, hi);
	else
		snprintf(buf, len, "%zu pages (%" PRIu64 "..%" PRIu64 ")", n, lo, hi);
}

/* The unmapping run ev[0..n): what was removed and cleared. */
static void narrate_unmap_run(const struct mmk_event *ev, size_t n, char *buf, size_t len)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t removed = 0, zaps = 0, flushes = 0;
	char range[96];
	for (size_t i = 0; i < n; i++) {
		removed += ev[i].kind == MMK_EV_VMA_REMOVE;
		zaps += ev[i].kind == MMK_EV_ZAP;
		flushes += ev[i].kind == MMK_EV_TLB_FLUSH;
		lo = ev[i].start < lo ? ev[i].start : lo;
		hi = ev[i].end > hi ? ev[i].end : hi;
	}
	if (removed > 1)
		snprintf(range, sizeof(range), "0x%" PRIx64 "-0x%" PRIx64, lo, hi);
	else
		put_range(range, sizeof(range), lo, hi);
	const char *what = zaps && flushes ? "page table entries cleared, TLB flushed"
			   : zaps	   ? "page table entries cleared"
					   : "TLB flushed";
	if (removed == 1)
		snprintf(buf, len, "VMA %s removed (%s)", range, what);
	else if (removed)
		snprintf(buf, len, "%zu VMAs removed within %s (%s)", removed, range, what);
	else
		snprintf(buf, len, "%s for %s", what, range);
}

void narrate_run(const struct narrate_ctx *nc, const struct mmk_event *ev, size_t n, char *buf,
		 size_t len)
{
	char pages[96];
	const char *f = ev[0].detail ? script_path(nc->root, ev[0].detail) : "the file";
	uint64_t lo = ev[n > 1 && ev[0].kind == MMK_EV_FAULT_AROUND].addr, hi = lo;

	if (n == 1) {
		narrate_event(nc, ev, buf, len);
		return;
	}
	put_pages(ev, n, pages, sizeof(pages));
	switch (ev[0].kind) {
	case MMK_EV_FAULT_AROUND:
		if (n == 2) {
			snprintf(buf, len,
				 "fault-around: mapped %" PRIu64
				 " page(s) already in the page cache "
				 "around 0x%" PRIx64 ": page table entry for 0x%" PRIx64
				 " now maps frame %" PRIu64,
				 ev[0].count, ev[0].addr, ev[1].addr, ev[1].pfn);
			break;
		}
		for (size_t i = 1; i < n; i++) {
			lo = ev[i].addr < lo ? ev[i].addr : lo;
			hi = ev[i].addr > hi ? ev[i].addr : hi;
		}
		snprintf(buf, len,
			 "fault-around: mapped %" PRIu64 " page(s) already in the page cache "
			 "around 0x%" PRIx64
			 " in one go: %zu page table entries set, for 0x%" PRIx64 "-0x%" PRIx64
			 " (frames %" PRIu64 "..%" PRIu64 ")",
			 ev[0].count, ev[0].addr, n - 1, lo, hi + 4096, ev[1].pfn, ev[n - 1].pfn);
		break;
	case MMK_EV_PTE_SET:
		for (size_t i = 1; i < n; i++) {
			lo = ev[i].addr < lo ? ev[i].addr : lo;
			hi = ev[i].addr > hi ? ev[i].addr : hi;
		}
		snprintf(buf, len,
			 "%zu page table entries set, for 0x%" PRIx64 "-0x%" PRIx64
			 " (frames %" PRIu64 "..%" PRIu64 ")",
			 n, lo, hi + 4096, ev[0].pfn, ev[n - 1].pfn);
		break;
	case MMK_EV_PAGE_READ:
		snprintf(buf, len, "read %s of %s from disk into the page cache", pages, f);
		break;
	case MMK_EV_WRITEBACK:
		snprintf(buf, len,
			 "writeback: dirty %s of %s written to disk (their mappings "
			 "write-protected, the pages now clean)",
			 pages, f);
		break;
	case MMK_EV_PAGE_EVICT:
		snprintf(buf, len, "evicted %s of %s from the page cache (%zu frames freed)", pages,
			 f, n);
		break;
	case MMK_EV_RECLAIM:
		narrate_reclaim(nc, ev, n, buf, len);
		break;
	case MMK_EV_SWAP_OUT:
		snprintf(buf, len,
			 "swap-out: %zu frames written to swap (slots %" PRIu64 "..%" PRIu64 ")", n,
			 ev[0].count, ev[n - 1].count);
		break;
	default:
		narrate_unmap_run(ev, n, buf, len);
	}
}

int narrate_same_anon_fault(const struct mmk_event *first, const struct mmk_event *ev)
{
	const struct mmk_event *f = &ev[0], *a = &ev[1], *p = &ev[2];
	return f->kind == MMK_EV_FAULT && !f->file && !f->major && a->kind == MMK_EV_ANON_PAGE &&
	       p->kind == MMK_EV_PTE_SET && a->addr == f->addr && p->addr == f->addr &&
	       f->pid == first->pid && f->vm_start == first->vm_start &&
	       f->vm_end == first->vm_end && same_str(f->detail, first->detail) &&
	       a->pid == f->pid && p->pid == f->pid;
}

void narrate_anon_faults(const struct mmk_event *first, const struct mmk_event *last, size_t n,
			 char *buf, size_t len)
{
	char vma[96];
	put_range(vma, sizeof(vma), first->vm_start, first->vm_end);
	snprintf(buf, len,
		 "%zu page faults (%s, minor) in VMA %s, from 0x%" PRIx64 " to 0x%" PRIx64
		 ": each allocated a zero-filled page and mapped it (frames %" PRIu64 "..%" PRIu64
		 ")",
		 n, first->detail ? first->detail : "access", vma, first->addr, last->addr,
		 first[2].pfn, last[2].pfn);
}

int narrate_same_swap_out(const struct mmk_event *first, const struct mmk_event *ev)
{
	const struct mmk_event *s = &ev[0], *r = &ev[1];
	return s->kind == MMK_EV_SWAP_OUT && r->kind == MMK_EV_RECLAIM && r->pfn == s->pfn &&
	       !r->file && s->pid == first[0].pid && r->pid == first[1].pid &&
	       same_str(r->detail, first[1].detail) && same_str(r->list, first[1].list) &&
	       same_str(r->source, first[1].source);
}

int narrate_anon_fault_run(const void *q, int i, int n, narrate_event_at at)
{
	struct mmk_event ev[3], first[3];
	int k = 0;
	while (i + 3 * k + 3 <= n) {
		for (int j = 0; j < 3; j++)
			ev[j] = *at(q, i + 3 * k + j);
		if (!narrate_same_anon_fault(k ? first : ev, ev))
			break;
		if (!k)
			memcpy(first, ev, sizeof(ev));
		k++;
	}
	return k >= 2 ? 3 * k : 0;
}

int narrate_swap_out_run(const void *q, int i, int n, narrate_event_at at)
{
	struct mmk_event first[2], pair[2];
	int k = 0;
	while (i + 2 * k + 2 <= n) {
		pair[0] = *at(q, i + 2 * k);
		pair[1] = *at(q, i + 2 * k + 1);
		if (!k)
			memcpy(first, pair, sizeof(pair));
		if (!narrate_same_swap_out(first, pair))
			break;
		k++;
	}
	return k >= 2 ? 2 * k : 0;
}

void narrate_swap_outs(const struct narrate_ctx *nc, const struct mmk_event *ev, size_t n,
		       char *buf, size_t len)
{
	char who[160], rule[96];
	put_reclaim_mapper(nc, &ev[1], n, 2, who, sizeof(who));
	put_reclaim_rule(&ev[1], rule, sizeof(rule));
	snprintf(buf, len,
		 "swap-out and reclaim: %zu frames written to swap (slots %" PRIu64 "..%" PRIu64
		 ") and freed (%s pages%s)%s",
		 n, ev[0].count, ev[2 * n - 2].count, ev[1].detail ? ev[1].detail : "anon", who,
		 rule);
}

/* ---- JSON lines ------------------------------------------------------------ */

static const char *const kind_names[] = {
    [MMK_EV_VMA_CREATE] = "vma_create", [MMK_EV_VMA_SPLIT] = "vma_split",
    [MMK_EV_VMA_MERGE] = "vma_merge",	[MMK_EV_VMA_REMOVE] = "vma_remove",
    [MMK_EV_VMA_CHANGE] = "vma_change", [MMK_EV_FAULT] = "fault",
    [MMK_EV_PAGE_READ] = "page_read",	[MMK_EV_ZERO_PAGE] = "zero_page",
    [MMK_EV_ANON_PAGE] = "anon_page",	[MMK_EV_COW] = "cow",
    [MMK_EV_REUSE] = "reuse",		[MMK_EV_FAULT_AROUND] = "fault_around",
    [MMK_EV_PTE_SET] = "pte_set",	[MMK_EV_WRITEBACK] = "writeback",
    [MMK_EV_TLB_FLUSH] = "tlb_flush",	[MMK_EV_ZAP] = "zap",
    [MMK_EV_SIGNAL] = "signal",		[MMK_EV_RECLAIM] = "reclaim",
    [MMK_EV_SWAP_OUT] = "swap_out",	[MMK_EV_SWAP_IN] = "swap_in",
    [MMK_EV_OOM_KILL] = "oom_kill",	[MMK_EV_PAGE_EVICT] = "page_evict",
    [MMK_EV_READAHEAD] = "readahead",	[MMK_EV_SHARED_DIRTY] = "shared_dirty",
};

/* Appends s as a JSON string (or null) to buf at *at. */
static void put_json_str(char *buf, size_t len, size_t *at, const char *s)
{
	if (!s) {
		*at += (size_t)snprintf(buf + *at, *at < len ? len - *at : 0, "null");
		return;
	}
	*at += (size_t)snprintf(buf + *at, *at < len ? len - *at : 0, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			*at += (size_t)snprintf(buf + *at, *at < len ? len - *at : 0, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			*at += (size_t)snprintf(buf + *at, *at < len ? len - *at : 0, "\\u%04x", c);
		else
			*at += (size_t)snprintf(buf + *at, *at < len ? len - *at : 0, "%c", c);
	}
	*at += (size_t)snprintf(buf + *at, *at < len ? len - *at : 0, "\"");
}

int narrate_json(const struct narrate_ctx *nc, const char *proc, const struct mmk_event *ev,
		 char *buf, size_t len)
{
	char text[400];
	size_t at = 0;
	unsigned k = (unsigned)ev->kind;
	const char *name = k < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[k]
			       ? kind_names[k]
			       : "event";

	narrate_event(nc, ev, text, sizeof(text));
	at += (size_t)snprintf(buf, len, "{\"proc\":");
	put_json_str(buf, len, &at, proc);
	at += (size_t)snprintf(buf + at, at < len ? len - at : 0,
			       ",\"event\":\"%s\",\"text\":", name);
	put_json_str(buf, len, &at, text);
	at += (size_t)snprintf(
	    buf + at, at < len ? len - at : 0,
	    ",\"start\":%" PRIu64 ",\"end\":%" PRIu64 ",\"addr\":%" PRIu64 ",\"pgoff\":%" PRIu64
	    ",\"pfn\":%" PRIu64 ",\"count\":%" PRIu64 ",\"major\":%d,\"detail\":",
	    ev->start, ev->end, ev->addr, ev->pgoff, ev->pfn, ev->count, ev->major);
	put_json_str(buf, len, &at, ev->detail ? script_path(nc->root, ev->detail) : NULL);
	at += (size_t)snprintf(
	    buf + at, at < len ? len - at : 0,
	    ",\"vm_start\":%" PRIu64 ",\"vm_end\":%" PRIu64 ",\"file\":", ev->vm_start, ev->vm_end);
	put_json_str(buf, len, &at, ev->file ? script_path(nc->root, ev->file) : NULL);
	at += (size_t)snprintf(buf + at, at < len ? len - at : 0,
			       ",\"cached\":%d,\"source\":", ev->cached);
	put_json_str(buf, len, &at, ev->source);
	char peer[64];
	at += (size_t)snprintf(buf + at, at < len ? len - at : 0, ",\"peer\":");
	put_json_str(buf, len, &at, ev->peer ? proc_name(nc, ev->peer, peer, sizeof(peer)) : NULL);
	at += (size_t)snprintf(buf + at, at < len ? len - at : 0, ",\"list\":");
	put_json_str(buf, len, &at, ev->list);
	at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "}");
	return at < len ? 0 : -ENOSPC;
}
