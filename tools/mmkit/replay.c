/*
 * replay.c - `mmkit replay`: plays a memory reference trace through one
 * simulated process under a page-replacement policy and prints what the
 * policy cost (docs/RECLAIM.md, "Replaying a trace").
 *
 * Owns: reading the trace, laying out its mappings, and the table.
 *
 * A trace is one of:
 *   - valgrind lackey's (`valgrind --tool=lackey --trace-mem=yes`): lines
 *     "I  ADDR,SIZE" (fetch), " L ADDR,SIZE" (load), " S ADDR,SIZE"
 *     (store), " M ADDR,SIZE" (modify: a load and a store), hex without
 *     0x; valgrind's own "==PID==" lines are skipped;
 *   - plain: one address per line (hex with 0x, else decimal), optionally
 *     after "r " or "w " (a bare address is a read).
 * Either may begin with a header of "# map START LEN anon" lines stating
 * the mappings (private anonymous, read-write); without one, the pages the
 * trace touches are mapped, in address order, as one private anonymous
 * mapping per run of adjacent pages.  Other "#" lines are comments.
 *
 * The run is the textbook one: mmk_config.textbook_reclaim (no kswapd; a
 * fault that finds no free frame evicts exactly the one page the policy
 * chooses) and no_zero_page (a first read allocates a page as a first
 * write does), so every page of the trace costs a frame from its first
 * touch on and RAM holds exactly --ram / 4096 of them (the system gets one
 * frame more: pfn 0 is the zero page).  Evicted pages go
 * to swap (default: room for every page of the trace) and come back as
 * major faults.  Each reference is one mmk_touch of its page(s).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmkit.h"
#include "opts.h"
#include "script.h"

#define PAGE ((uint64_t)4096)

struct ref {
	uint64_t page; /* page address */
	int write;
};

struct trace {
	struct ref *refs;
	size_t n, cap;
	uint64_t *maps; /* START, LEN pairs from the header */
	size_t nmaps, mapcap;
};

static int push_ref(struct trace *t, uint64_t page, int write)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 4096;
		struct ref *r = realloc(t->refs, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		t->refs = r;
		t->cap = cap;
	}
	t->refs[t->n].page = page;
	t->refs[t->n++].write = write;
	return 0;
}

/* One access of size bytes at addr: a reference to each page it covers. */
static int push_access(struct trace *t, uint64_t addr, uint64_t size, int write)
{
	uint64_t last = addr + (size ? size - 1 : 0);
	if (last < addr || size > (1 << 20)) /* lackey's are at most a vector register */
		return -EINVAL;
	for (uint64_t p = addr & ~(PAGE - 1); p <= (last & ~(PAGE - 1)); p += PAGE)
		if (push_ref(t, p, write))
			return -ENOMEM;
	return 0;
}

static int parse_header(struct trace *t, const char *s)
{
	uint64_t start, len;
	char kind[16];
	if (sscanf(s, "# map %" SCNi64 " %" SCNi64 " %15s", &start, &len, kind) != 3)
		return 0; /* a comment */
	if (strcmp(kind, "anon") || !len || (start | len) & (PAGE - 1) || start + len < start)
		return -EINVAL;
	if (t->nmaps == t->mapcap) {
		size_t cap = t->mapcap ? 2 * t->mapcap : 16;
		uint64_t *m = realloc(t->maps, 2 * cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		t->maps = m;
		t->mapcap = cap;
	}
	t->maps[2 * t->nmaps] = start;
	t->maps[2 * t->nmaps++ + 1] = len;
	return 0;
}

/* One line of either format; -EINVAL for a line that is neither. */
static int parse_line(struct trace *t, char *s)
{
	uint64_t addr, size;
	char op, *end;
	size_t len = strlen(s);
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = 0;
	if (!len || !strncmp(s, "==", 2) || !strncmp(s, "--", 2))
		return 0;
	if (s[0] == '#')
		return parse_header(t, s);
	if (sscanf(s, " %c %" SCNx64 ",%" SCNu64, &op, &addr, &size) == 3 && strchr("ILSM", op) &&
	    (op != 'I' || s[0] == 'I')) {
		if (op == 'M') {
			int err = push_access(t, addr, size, 0);
			return err ? err : push_access(t, addr, size, 1);
		}
		return push_access(t, addr, size, op == 'S');
	}
	int write = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if ((s[0] == 'r' || s[0] == 'w' || s[0] == 'R' || s[0] == 'W') &&
	    (s[1] == ' ' || s[1] == '\t')) {
		write = s[0] == 'w' || s[0] == 'W';
		s += 2;
	}
	errno = 0;
	addr = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return -EINVAL;
	return push_access(t, addr, 1, write);
}

static int read_trace(const char *path, struct trace *t)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "mmkit replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	int rc = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		int err = parse_line(t, line);
		if (err) {
			fprintf(stderr, "mmkit replay: %s:%lu: %s\n", path, lineno,
				err == -ENOMEM ? "out of memory"
					       : "not a lackey line, an address or a '# map START "
						 "LEN anon' header");
			rc = err == -ENOMEM ? 1 : 2;
			break;
		}
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "mmkit replay: %s: read error\n", path);
		rc = 1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (!rc && !t->n) {
		fprintf(stderr, "mmkit replay: %s: no references\n", path);
		rc = 2;
	}
	return rc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The distinct pages of the trace, sorted, into *out; their count. */
static size_t distinct_pages(const struct trace *t, uint64_t **out)
{
	uint64_t *p = malloc(t->n * sizeof(*p));
	if (!p)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		p[i] = t->refs[i].page;
	qsort(p, t->n, sizeof(*p), cmp_u64);
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		if (!n || p[n - 1] != p[i])
			p[n++] = p[i];
	*out = p;
	return n;
}

struct result {
	struct mmk_fault_counts faults;
	struct mmk_vmstat vm;
};

static int map_all(mmk_proc *p, const struct trace *t, const uint64_t *pages, size_t npages)
{
	const int prot = MMK_PROT_READ | MMK_PROT_WRITE;
	const int flags = MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED_NOREPLACE;
	for (size_t i = 0; i < t->nmaps; i++) {
		int64_t r = mmk_mmap(p, t->maps[2 * i], t->maps[2 * i + 1], prot, flags, -1, 0);
		if (r < 0) {
			fprintf(stderr, "mmkit replay: cannot map %#" PRIx64 "+%#" PRIx64 ": %s\n",
				t->maps[2 * i], t->maps[2 * i + 1], strerror((int)-r));
			return 1;
		}
	}
	if (t->nmaps)
		return 0;
	for (size_t i = 0, j; i < npages; i = j) {
		for (j = i + 1; j < npages && pages[j] == pages[j - 1] + PAGE; j++)
			;
		int64_t r = mmk_mmap(p, pages[i], (j - i) * PAGE, prot, flags, -1, 0);
		if (r < 0) {
			fprintf(stderr, "mmkit replay: cannot map %#" PRIx64 "+%#" PRIx64 ": %s\n",
				pages[i], (uint64_t)(j - i) * PAGE, strerror((int)-r));
			return 1;
		}
	}
	return 0;
}

/* One run of the whole trace under cfg; 0, or 1 after a message. */
static int run_once(struct mmk_config *cfg, const struct trace *t, const uint64_t *pages,
		    size_t npages, struct result *res)
{
	mmk_system *sys;
	mmk_proc *p;
	int err = mmk_system_create(cfg, &sys);
	if (err) {
		fprintf(stderr, "mmkit replay: cannot create the system: %s\n", strerror(-err));
		return 1;
	}
	int rc = 0;
	if ((err = mmk_spawn(sys, &p)) < 0) {
		fprintf(stderr, "mmkit replay: cannot create the process: %s\n", strerror(-err));
		rc = 1;
	}
	if (!rc)
		rc = map_all(p, t, pages, npages);
	for (size_t i = 0; !rc && i < t->n; i++) {
		struct mmk_siginfo si = {0};
		err = mmk_touch(p, t->refs[i].page, 1, t->refs[i].write, &si);
		if (err) {
			fprintf(
			    stderr, "mmkit replay: reference %zu (%s %#" PRIx64 ") failed: %s\n",
			    i + 1, t->refs[i].write ? "write" : "read", t->refs[i].page,
			    si.signo ? (si.signo == MMK_SIGBUS ? "SIGBUS"
							       : "SIGSEGV (outside the mappings)")
				     : strerror(-err));
			rc = 1;
		}
	}
	if (!rc && (mmk_proc_faults(p, &res->faults) || mmk_vmstat(sys, &res->vm)))
		rc = 1;
	if (!rc && cfg->record_refs) {
		int64_t n = mmk_refs(sys, NULL, 0);
		uint64_t *keys = n > 0 ? malloc(n * sizeof(*keys)) : NULL;
		if (!keys || mmk_refs(sys, keys, n) != n) {
			free(keys);
			rc = 1;
		} else {
			cfg->opt_refs = keys;
			cfg->opt_nrefs = n;
		}
	}
	mmk_system_destroy(sys);
	return rc;
}

static void usage(FILE *f)
{
	fputs("usage: mmkit replay [--ram SIZE] [--swap SIZE] [--policy NAME|all] TRACE\n"
	      "  plays a reference trace (valgrind lackey's, or one address per line,\n"
	      "  optionally 'r'/'w' first; '-' is stdin) through one process, each page\n"
	      "  costing a frame; with --ram SIZE (default 256M) holding SIZE/4096 frames\n"
	      "  and evicting one page at a time.  --swap defaults to room for every page.\n"
	      "  --policy: lru (default), clock, fifo, opt, exact-lru, or all (a row each).\n",
	      f);
}

enum { R_RAM, R_SWAP, R_POLICY };
static const struct opt replay_opts[] = {
    [R_RAM] = {"--ram", true},
    [R_SWAP] = {"--swap", true},
    [R_POLICY] = {"--policy", true},
    {NULL, false},
};

int cmd_replay(int argc, char **argv)
{
	uint64_t ram = 256 << 20, swap = 0;
	int policy = MMK_RECLAIM_LRU, all = 0, k;
	const char *path = NULL, *v;
	struct opts o = OPTS_INIT(argc, argv);
	while ((k = opts_next(&o, replay_opts, &v)) != OPT_END) {
		if (k == R_RAM) {
			if (script_parse_number(v, &ram) < 0 || ram < PAGE) {
				fprintf(stderr, "mmkit replay: bad --ram size '%s' (e.g. 64K)\n",
					v);
				return 2;
			}
		} else if (k == R_SWAP) {
			if (script_parse_number(v, &swap) < 0) {
				fprintf(stderr, "mmkit replay: bad --swap size '%s' (e.g. 2G)\n",
					v);
				return 2;
			}
		} else if (k == R_POLICY) {
			all = !strcmp(v, "all");
			if (!all && (policy = mmk_reclaim_policy_parse(v)) < 0) {
				fprintf(stderr,
					"mmkit replay: unknown policy '%s' (lru, clock, fifo, opt, "
					"exact-lru, all)\n",
					v);
				return 2;
			}
		} else if (k == OPT_HELP) {
			usage(stdout);
			return 0;
		} else if (k == OPT_BAD) {
			opts_complain("mmkit replay", v, replay_opts);
			usage(stderr);
			return 2;
		} else if (path) {
			fprintf(stderr, "mmkit replay: one trace only ('%s')\n", v);
			return 2;
		} else {
			path = v;
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}
	struct trace t = {0};
	int rc = read_trace(path, &t);
	uint64_t *pages = NULL;
	size_t npages = rc ? 0 : distinct_pages(&t, &pages);
	if (!rc && !npages) {
		fputs("mmkit replay: out of memory\n", stderr);
		rc = 1;
	}
	char root[] = "/tmp/mmkit-replay-XXXXXX";
	if (!rc && !mkdtemp(root)) {
		fprintf(stderr, "mmkit replay: cannot make a directory: %s\n", strerror(errno));
		rc = 1;
	}
	if (rc) {
		free(t.refs);
		free(t.maps);
		free(pages);
		return rc;
	}
	printf("%zu references to %zu pages, %" PRIu64 " frames\n", t.n, npages, ram / PAGE);
	printf("%-10s %10s %10s %10s %10s %8s %10s\n", "policy", "minor", "major", "read",
	       "written", "hit%", "scans");
	int first = all ? 0 : policy, last = all ? MMK_RECLAIM_EXACT_LRU : policy;
	for (int pol = first; pol <= last && !rc; pol++) {
		struct mmk_config cfg = {
		    .root = root,
		    .ram_bytes = ram + PAGE, /* and pfn 0, the zero page */
		    .swap_bytes = swap ? swap : (npages + 2) * PAGE,
		    .textbook_reclaim = 1,
		    .no_zero_page = 1,
		    .overcommit_memory = MMK_OVERCOMMIT_ALWAYS,
		    .reclaim_policy = pol,
		};
		struct result res;
		if (pol == MMK_RECLAIM_OPT) { /* OPT knows the future: record it first */
			struct mmk_config rec = cfg;
			rec.reclaim_policy = MMK_RECLAIM_FIFO;
			rec.record_refs = 1;
			rc = run_once(&rec, &t, pages, npages, &res);
			cfg.opt_refs = rec.opt_refs;
			cfg.opt_nrefs = rec.opt_nrefs;
		}
		if (!rc)
			rc = run_once(&cfg, &t, pages, npages, &res);
		free((void *)cfg.opt_refs);
		if (rc)
			break;
		/* A hit: a reference that found its page resident. */
		uint64_t misses = npages + res.faults.major;
		printf("%-10s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
		       " %7.2f%% %10" PRIu64 "\n",
		       mmk_reclaim_policy_name(pol), res.faults.minor, res.faults.major,
		       res.vm.pgpgin / 4, res.vm.pgpgout / 4,
		       100.0 * (double)(t.n - misses) / (double)t.n,
		       res.vm.pgscan_direct + res.vm.pgscan_kswapd);
		fflush(stdout);
	}
	rmdir(root);
	free(t.refs);
	free(t.maps);
	free(pages);
	return rc;
}
