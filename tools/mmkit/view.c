/*
 * view.c - `mmkit run --html FILE`: snapshots of the simulated machine after
 * every statement, written as one self-contained HTML page (view.html);
 * `mmkit exec --html FILE` builds its steps with the same calls
 * (view_open_run, view_put_state, view_add_step; tools/rv/html.c).
 *
 * Owns: the JSON text of the snapshots, built in memory and written once at
 * the end, and its encoding.  The page's script reads it with JSON.parse
 * from <script type="application/json" id="mmkit-data">; the JSON is kept
 * inert inside that element by escaping every '<', '>' and '&' as \u003c,
 * \u003e, \u0026 (so no file name can close the element), and is valid
 * UTF-8 (a byte that is not part of a valid sequence becomes U+FFFD).
 *
 * The page's data: {"title", "unit" (what a step is: "statement", or
 * "system call" for `mmkit exec --html`), "steps": [snapshot, ...]}.
 * A snapshot (one per statement, or per system call or group of them):
 *   {"line": L (the script line, or the system call's number),
 *    "out": [result and view lines], "trace": [trace lines],
 *    "procs": [{"name", "pid", "faults": [minor, major], "rss": {VmRSS...},
 *               "vmas": [{"start": first page number, "pages", "perms",
 *                         "object": "MAJ:MIN INODE", "label", "maps",
 *                         "locked", "runs": [[state, n, pfn, mapcount,
 *                         flags], ...]}]}],
 *    "files": [{"path", "object", "pages", "nrpages", "nrdirty",
 *               "runs": [[cache state, n, pfn, mapcount], ...]}],
 *    "vm": {vmstat counters}}
 * Pages are stored as runs: consecutive pages with the same state, mapcount
 * and flags whose frames are consecutive (or that have none) are one run,
 * so a 100,000-page address space costs a few runs where it is uniform.
 * Page states (one letter): n not present, w swapped, z zero page, l
 * present in a VM_LOCKED VMA, s a private page mapped >= 2 times (shared
 * copy-on-write), h a page of a shared mapping mapped >= 2 times, d dirty,
 * c clean.  Flags: 1 dirty, 2 anonymous, 4 writable.  Cache states: 0 not
 * cached, 1 cached, 2 dirty, 3 under writeback, 4 cached with the
 * readahead mark.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view.h"

/* Pages of one VMA or file looked at; the rest of a huge one is left out
 * (and the page says how many pages it has). */
#define VIEW_MAX_PAGES (1ULL << 22)
/* pagemap is asked for this many pages at a time. */
#define CHUNK_PAGES 65536

struct view {
	struct strbuf json; /* "{"title":...,"steps":[" then the snapshots */
	int nsteps;
	char root[PATH_MAX]; /* the run's directory, resolved; "" if unknown */
};

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* ---- JSON encoding ------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (!len || len > n || p[0] >= 0xf8)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))
		return 0; /* overlong, surrogate, beyond U+10FFFF */
	return len;
}

/* Appends n bytes of s as a JSON string that stays inert in HTML. */
static void json_strn(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	sb_puts(sb, "\"");
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			sb_printf(sb, "\\%c", c);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
			sb_printf(sb, "\\u%04x", c);
		} else if (c >= 0x80) {
			size_t l = utf8_len(p + i, n - i);
			if (!l) {
				sb_puts(sb, "\\ufffd");
				i++;
				continue;
			}
			sb_putn(sb, s + i, l);
			i += l;
			continue;
		} else {
			sb_putn(sb, s + i, 1);
		}
		i++;
	}
	sb_puts(sb, "\"");
}

static void json_str(struct strbuf *sb, const char *s)
{
	json_strn(sb, s, strlen(s));
}

/* ---- Paths ---------------------------------------------------------------- */

/* A host path as the script names it: relative to the run's directory. */
static const char *script_path(const struct view *v, const char *path)
{
	size_t n = strlen(v->root);
	if (n && strncmp(path, v->root, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* ---- Address spaces -------------------------------------------------------- */

struct page_run {
	char st;
	uint64_t n, pfn;
	uint32_t map;
	unsigned fl;
	int open;
};

static void run_flush(struct strbuf *sb, struct page_run *r, int *first)
{
	if (!r->open)
		return;
	sb_printf(sb, "%s[\"%c\",%" PRIu64 ",%" PRIu64 ",%u,%u]", *first ? "" : ",", r->st, r->n,
		  r->pfn, r->map, r->fl);
	*first = 0;
	r->open = 0;
}

/* The state letter of a page of a VMA (see the header). */
static char page_state(const struct mmk_pageinfo *pi, int shared_vma, int locked)
{
	if (!pi->present)
		return pi->swapped ? 'w' : 'n';
	if (pi->zero)
		return 'z';
	if (locked)
		return 'l';
	if (pi->mapcount >= 2)
		return shared_vma ? 'h' : 's';
	return pi->dirty ? 'd' : 'c';
}

/* Appends the runs of npages pages from page number start. */
static void put_page_runs(struct strbuf *sb, mmk_proc *p, uint64_t start, uint64_t npages,
			  int shared_vma, int locked)
{
	struct mmk_pageinfo *pi = xmalloc(CHUNK_PAGES * sizeof(*pi));
	struct page_run r = {0};
	int first = 1;
	sb_puts(sb, "[");
	for (uint64_t done = 0; done < npages;) {
		uint64_t n = npages - done < CHUNK_PAGES ? npages - done : CHUNK_PAGES;
		if (mmk_proc_pagemap(p, (start + done) << MMK_PAGE_SHIFT, n, pi) < 0)
			memset(pi, 0, n * sizeof(*pi));
		for (uint64_t i = 0; i < n; i++) {
			char st = page_state(&pi[i], shared_vma, locked);
			uint64_t pfn = pi[i].present ? pi[i].pfn : 0;
			unsigned fl = (pi[i].dirty ? 1u : 0) | (pi[i].anon ? 2u : 0) |
				      (pi[i].writable ? 4u : 0);
			uint32_t map = pi[i].present ? pi[i].mapcount : 0;
			if (r.open && r.st == st && r.map == map && r.fl == fl &&
			    (pfn ? r.pfn && r.pfn + r.n == pfn : !r.pfn)) {
				r.n++;
				continue;
			}
			run_flush(sb, &r, &first);
			r = (struct page_run){st, 1, pfn, map, fl, 1};
		}
		done += n;
	}
	run_flush(sb, &r, &first);
	sb_puts(sb, "]");
	free(pi);
}

/* One VMA from its smaps header line; *locked from its VmFlags line. */
static void put_vma(struct view *v, struct strbuf *sb, mmk_proc *p, const char *hdr, size_t hlen,
		    int locked)
{
	uint64_t start, end, off;
	unsigned maj, mnr;
	unsigned long long ino;
	char perms[8];
	int pos = 0;
	char *line = xmalloc(hlen + 1);
	memcpy(line, hdr, hlen);
	line[hlen] = 0;
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %llu %n", &start, &end,
		   perms, &off, &maj, &mnr, &ino, &pos) < 7) {
		free(line);
		return;
	}
	const char *path = line + pos;
	uint64_t pages = (end - start) >> MMK_PAGE_SHIFT;
	uint64_t shown = pages < VIEW_MAX_PAGES ? pages : VIEW_MAX_PAGES;
	sb_printf(sb,
		  "{\"start\":%" PRIu64 ",\"pages\":%" PRIu64 ",\"total\":%" PRIu64 ",\"perms\":",
		  start >> MMK_PAGE_SHIFT, shown, pages);
	json_str(sb, perms);
	sb_printf(sb, ",\"object\":\"%02x:%02x %llu\",\"label\":", maj, mnr, ino);
	json_str(sb, *path == '/' ? script_path(v, path) : path);
	/* The maps line, with the file named as the script names it. */
	sb_puts(sb, ",\"maps\":");
	struct strbuf m = {NULL, 0, 0};
	sb_putn(&m, line, (size_t)pos);
	sb_puts(&m, *path == '/' ? script_path(v, path) : path);
	json_str(sb, m.s);
	sb_free(&m);
	sb_printf(sb, ",\"locked\":%d,\"runs\":", locked);
	put_page_runs(sb, p, start >> MMK_PAGE_SHIFT, shown, perms[3] == 's', locked);
	sb_puts(sb, "}");
	free(line);
}

/* Text of a view call into a malloc'd string ("" on error). */
static char *view_text(int64_t (*fn)(mmk_proc *, char *, uint64_t), mmk_proc *p)
{
	int64_t n = fn(p, NULL, 0);
	if (n < 0)
		n = 0;
	char *buf = xmalloc((size_t)n + 1);
	buf[0] = 0;
	if (n && fn(p, buf, (uint64_t)n + 1) < 0)
		buf[0] = 0;
	return buf;
}

/* Whether the smaps line at p (n bytes) is a VMA's header line. */
static int is_vma_header(const char *p, size_t n)
{
	return n && ((p[0] >= '0' && p[0] <= '9') || (p[0] >= 'a' && p[0] <= 'f'));
}

static void put_vmas(struct view *v, struct strbuf *sb, mmk_proc *p)
{
	char *sm = view_text(mmk_proc_smaps, p);
	const char *hdr = NULL;
	size_t hlen = 0;
	int locked = 0, first = 1;
	sb_puts(sb, "[");
	for (const char *q = sm; *q;) {
		const char *nl = strchr(q, '\n');
		size_t n = nl ? (size_t)(nl - q) : strlen(q);
		if (is_vma_header(q, n)) {
			hdr = q;
			hlen = n;
			locked = 0;
		} else if (hdr && n > 8 && strncmp(q, "VmFlags:", 8) == 0) {
			/* The last line of a VMA's block. */
			char flags[256];
			snprintf(flags, sizeof(flags), " %.*s ", (int)(n - 8), q + 8);
			locked = strstr(flags, " lo ") != NULL;
			if (!first)
				sb_puts(sb, ",");
			first = 0;
			put_vma(v, sb, p, hdr, hlen, locked);
			hdr = NULL;
		}
		q += n + (nl ? 1 : 0);
	}
	sb_puts(sb, "]");
	free(sm);
}

/* The kB value of status line NAME, or 0. */
static uint64_t status_kb(const char *status, const char *name)
{
	size_t n = strlen(name);
	for (const char *q = status; q && *q; q = strchr(q, '\n'), q = q ? q + 1 : NULL) {
		if (strncmp(q, name, n) == 0 && q[n] == ':')
			return strtoull(q + n + 1, NULL, 10);
	}
	return 0;
}

static void put_proc(struct view *v, struct strbuf *sb, const char *name, mmk_proc *p)
{
	struct mmk_fault_counts fc = {0, 0};
	(void)mmk_proc_faults(p, &fc);
	char *status = view_text(mmk_proc_status, p);
	sb_puts(sb, "{\"name\":");
	json_str(sb, name);
	sb_printf(sb, ",\"pid\":%d,\"faults\":[%" PRIu64 ",%" PRIu64 "],\"rss\":{", mmk_getpid(p),
		  fc.minor, fc.major);
	static const char *const rss[] = {"VmRSS",    "RssAnon", "RssFile",
					  "RssShmem", "VmSwap",	 "VmLck"};
	for (size_t i = 0; i < sizeof(rss) / sizeof(rss[0]); i++)
		sb_printf(sb, "%s\"%s\":%" PRIu64, i ? "," : "", rss[i], status_kb(status, rss[i]));
	sb_puts(sb, "},\"vmas\":");
	put_vmas(v, sb, p);
	sb_puts(sb, "}");
	free(status);
}

/* ---- Page caches and counters ---------------------------------------------- */

static int cache_state(const struct mmk_cache_page *cp)
{
	if (!(cp->flags & MMK_CACHE_PRESENT))
		return 0;
	if (cp->flags & MMK_CACHE_WRITEBACK)
		return 3;
	if (cp->flags & MMK_CACHE_DIRTY)
		return 2;
	return cp->flags & MMK_CACHE_READAHEAD ? 4 : 1;
}

static void put_file(struct view *v, struct strbuf *sb, mmk_system *sys,
		     const struct mmk_cache_info *f)
{
	uint64_t pages = (f->size + MMK_PAGE_SIZE - 1) >> MMK_PAGE_SHIFT;
	uint64_t shown = pages < VIEW_MAX_PAGES ? pages : VIEW_MAX_PAGES;
	sb_puts(sb, "{\"path\":");
	json_str(sb, script_path(v, f->path));
	sb_printf(sb,
		  ",\"object\":\"%02x:%02x %" PRIu64 "\",\"pages\":%" PRIu64 ",\"nrpages\":%" PRIu64
		  ",\"nrdirty\":%" PRIu64 ",\"runs\":[",
		  f->dev_major, f->dev_minor, f->ino, shown, f->nrpages, f->nrdirty);
	struct mmk_cache_page *cp = xmalloc(CHUNK_PAGES * sizeof(*cp));
	int first = 1, open = 0, st = 0;
	uint64_t n = 0, pfn = 0;
	uint32_t map = 0;
	for (uint64_t done = 0; done < shown;) {
		uint64_t k = shown - done < CHUNK_PAGES ? shown - done : CHUNK_PAGES;
		if (mmk_pagecache_pages(sys, f, done, k, cp) < 0)
			memset(cp, 0, k * sizeof(*cp));
		for (uint64_t i = 0; i < k; i++) {
			int s = cache_state(&cp[i]);
			uint64_t pf = s ? cp[i].pfn : 0;
			uint32_t m = s ? cp[i].mapcount : 0;
			if (open && s == st && m == map && (pf ? pfn && pfn + n == pf : !pfn)) {
				n++;
				continue;
			}
			if (open)
				sb_printf(sb, "%s[%d,%" PRIu64 ",%" PRIu64 ",%u]", first ? "" : ",",
					  st, n, pfn, map);
			first = first && !open;
			open = 1, st = s, n = 1, pfn = pf, map = m;
		}
		done += k;
	}
	if (open)
		sb_printf(sb, "%s[%d,%" PRIu64 ",%" PRIu64 ",%u]", first ? "" : ",", st, n, pfn,
			  map);
	sb_puts(sb, "]}");
	free(cp);
}

static void put_files(struct view *v, struct strbuf *sb, mmk_system *sys)
{
	int64_t n = mmk_pagecache_files(sys, NULL, 0);
	struct mmk_cache_info *fi = n > 0 ? xmalloc((size_t)n * sizeof(*fi)) : NULL;
	if (n > 0)
		n = mmk_pagecache_files(sys, fi, (uint64_t)n);
	sb_puts(sb, "[");
	for (int64_t i = 0; i < n; i++) {
		if (i)
			sb_puts(sb, ",");
		put_file(v, sb, sys, &fi[i]);
	}
	sb_puts(sb, "]");
	free(fi);
}

static void put_vmstat(struct strbuf *sb, mmk_system *sys)
{
	struct mmk_vmstat vs;
	if (mmk_vmstat(sys, &vs) < 0) {
		sb_puts(sb, "{}");
		return;
	}
	int k = 0;
#define VS(f) sb_printf(sb, "%s\"" #f "\":%" PRIu64, k++ ? "," : "", vs.f)
	sb_puts(sb, "{");
	VS(nr_free_pages);
	VS(nr_file_pages);
	VS(nr_dirty);
	VS(nr_active_anon);
	VS(nr_inactive_anon);
	VS(nr_active_file);
	VS(nr_inactive_file);
	VS(nr_swapcached);
	VS(swap_free);
	VS(pgfault);
	VS(pgmajfault);
	VS(pgpgin);
	VS(pgpgout);
	VS(pswpin);
	VS(pswpout);
	VS(pgscan_kswapd);
	VS(pgscan_direct);
	VS(pgsteal_kswapd);
	VS(pgsteal_direct);
	VS(oom_kill);
#undef VS
	sb_puts(sb, "}");
}

/* ---- Steps ------------------------------------------------------------------ */

/* The output lines of a statement, split into "out" and "trace"; past
 * TEXT_MAX_LINES of either, one line says how many more there were (the
 * printed output has them all). */
#define TEXT_MAX_LINES 400
static void put_text(struct strbuf *sb, const char *text, size_t len)
{
	for (int pass = 0; pass < 2; pass++) {
		int first = 1;
		uint64_t lines = 0;
		sb_puts(sb, pass ? ",\"trace\":[" : ",\"out\":[");
		for (size_t i = 0; i < len;) {
			const char *p = text + i, *nl = memchr(p, '\n', len - i);
			size_t n = nl ? (size_t)(nl - p) : len - i;
			int trace = n >= 4 && memcmp(p, "  | ", 4) == 0;
			if (trace == pass && ++lines <= TEXT_MAX_LINES) {
				if (!first)
					sb_puts(sb, ",");
				first = 0;
				json_strn(sb, p + (trace ? 4 : 0), n - (trace ? 4 : 0));
			}
			i += n + 1;
		}
		if (lines > TEXT_MAX_LINES)
			sb_printf(sb, ",\"... %" PRIu64 " more lines (in the printed output)\"",
				  lines - TEXT_MAX_LINES);
		sb_puts(sb, "]");
	}
}

int view_open_run(const char *title, const char *unit, const char *dir, struct view **out)
{
	struct view *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (!dir || !realpath(dir, v->root))
		v->root[0] = 0;
	sb_puts(&v->json, "{\"title\":");
	json_str(&v->json, title);
	sb_puts(&v->json, ",\"unit\":");
	json_str(&v->json, unit);
	sb_puts(&v->json, ",\"steps\":[");
	*out = v;
	return 0;
}

int view_open(const struct script *s, const char *dir, struct view **out)
{
	return view_open_run(s->filename ? s->filename : "script", "statement", dir, out);
}

void view_put_state(struct view *v, struct strbuf *sb, mmk_system *sys,
		    const struct view_proc *procs, int n)
{
	sb_puts(sb, ",\"procs\":[");
	int first = 1;
	for (int i = 0; i < n; i++) {
		if (!procs[i].p || mmk_proc_killed(procs[i].p))
			continue;
		if (!first)
			sb_puts(sb, ",");
		first = 0;
		put_proc(v, sb, procs[i].name, procs[i].p);
	}
	sb_puts(sb, "],\"files\":");
	put_files(v, sb, sys);
	sb_puts(sb, ",\"vm\":");
	put_vmstat(sb, sys);
}

void view_add_step(struct view *v, int line, const char *text, size_t len, const char *state,
		   size_t slen)
{
	struct strbuf *sb = &v->json;
	sb_printf(sb, "%s{\"line\":%d", v->nsteps ? ",\n" : "\n", line);
	put_text(sb, text, len);
	sb_putn(sb, state, slen);
	sb_puts(sb, "}");
	v->nsteps++;
}

void view_step(struct view *v, struct driver *d, const struct script *s, size_t i, const char *text,
	       size_t len)
{
	struct view_proc *procs = xmalloc((size_t)(s->nprocs ? s->nprocs : 1) * sizeof(*procs));
	for (int slot = 0; slot < s->nprocs; slot++) {
		struct bk_proc *bp = driver_proc(d, slot);
		procs[slot].name = s->procs[slot].name;
		procs[slot].p = bp ? backend_mmkit_proc(bp) : NULL;
	}
	struct strbuf state = {0};
	view_put_state(v, &state, backend_mmkit_system(driver_backend(d)), procs, s->nprocs);
	view_add_step(v, s->stmt[i].line, text, len, state.s ? state.s : "", state.len);
	sb_free(&state);
	free(procs);
}

/* Writes the template with the data element at its marker. */
static int write_page(FILE *f, const struct strbuf *json)
{
	static const char marker[] = "<!--MMKIT-DATA-->";
	const char *at = strstr(view_html, marker);
	if (!at)
		return -EINVAL;
	fwrite(view_html, 1, (size_t)(at - view_html), f);
	fputs("<script type=\"application/json\" id=\"mmkit-data\">", f);
	fwrite(json->s, 1, json->len, f);
	fputs("]}\n</script>", f);
	fputs(at + sizeof(marker) - 1, f);
	return ferror(f) ? -EIO : 0;
}

int view_close(struct view *v, const char *path)
{
	if (!path) { /* the run never started: nothing to write */
		sb_free(&v->json);
		free(v);
		return 0;
	}
	size_t n = strlen(path);
	char *tmp = xmalloc(n + 16);
	snprintf(tmp, n + 16, "%s.tmp%d", path, (int)getpid() % 100000);
	FILE *f = fopen(tmp, "w");
	int err = f ? write_page(f, &v->json) : -errno;
	if (f && fclose(f) != 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) != 0)
		err = -errno;
	if (err) {
		fprintf(stderr, "mmkit: cannot write the view %s: %s\n", path, strerror(-err));
		if (f)
			unlink(tmp);
	}
	free(tmp);
	sb_free(&v->json);
	free(v);
	return err;
}
