/*
 * fuzz.c - `mmkit fuzz`: random scripts, each checked on the host kernel and
 * on mmkit; every disagreement is shrunk and saved.
 *
 *   mmkit fuzz [--seed N] [--count N] [--out DIR] [--print] [--self]
 *
 * Script i of seed s comes from a generator seeded with (s, i) alone, so a
 * run is deterministic for a seed and any one script can be made again.  A
 * script has several processes (spawn, fork, exec, exit), a few files, and
 * every operation of the language with edge-case arguments (zero and huge
 * lengths, unaligned addresses, fixed addresses, bad fds, every flag).
 * Addresses are offsets from earlier mmap results or lie in a "playground"
 * far from the Linux server's own mappings; an operation that would still
 * touch those is refused by the server and the script counted invalid (a
 * limit of the Linux backend, not a difference).
 *
 * The distributions cover the whole argument space, weighted toward its
 * edges: lengths from 0 to 2^64-1 (page and 2 MiB multiples and their
 * neighbours, TASK_SIZE, 2^63, lengths that wrap addr + len), file offsets
 * up to and past 2^63-1, addresses at mmap_min_addr, 2^32 and TASK_SIZE,
 * every mmap type 0-15 and flag bit, every prot bit, madvise advice 0-127,
 * every open/msync/mremap/mlock/mlockall flag bit, and files that are
 * empty, unaligned, sparse or huge (by ftruncate: no data is written).
 * What would make the host allocate much memory is never generated: a
 * length over 16 MiB goes only to operations that do not populate (no
 * MAP_POPULATE/MAP_LOCKED, no MADV_POPULATE_*, no load/store/fill/touch),
 * and mlock and MCL_FUTURE are bounded by RLIMIT_MEMLOCK (8 MiB).
 *
 * A disagreeing script is shrunk by delta debugging over its statements
 * (remove chunks of lines, halving the chunk size, keeping every removal
 * after which the script still parses and still disagrees), then written to
 * DIR/fuzz-S-I.mm with its diff in DIR/fuzz-S-I.diff.
 *
 * Owns: the generator (struct gen) and the shrinker; checking is check.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checker.h"
#include "commands.h"
#include "driver.h"
#include "format.h"
#include "fuzz.h"
#include "mmkit.h"
#include "opts.h"
#include "script.h"

/* Where fixed addresses go: far above the server's binary and heap, far
 * below its mmap area (docs/CHECK.md). */
#define PLAYGROUND ((uint64_t)0x100000000)
#define MAX_PROCS  6
#define MAX_NAMES  48
/* At most this many check runs to shrink one script. */
#define SHRINK_BUDGET 400

/* ---- randomness ---------------------------------------------------------- */

struct rng {
	uint64_t s;
};

/* splitmix64: small, and the same numbers on every host. */
static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int below(struct rng *r, int n)
{
	return (int)(rnd(r) % (uint64_t)n);
}

static int chance(struct rng *r, int percent)
{
	return below(r, 100) < percent;
}

#define PICK(r, arr) ((arr)[below((r), (int)(sizeof(arr) / sizeof((arr)[0])))])

/* ---- the generator --------------------------------------------------------- */

/* What the generator knows of a name bound to an mmap/mremap result. */
struct mapinfo {
	uint64_t len; /* the length asked for */
	int known;    /* placed with MAP_FIXED in the playground: overflowing
			 its end is harmless */
};

/* What the generator knows of the script so far: names it may refer to. */
struct gen {
	struct rng r;
	struct strbuf sb;
	int alive[MAX_PROCS]; /* P0..P5: spawned or forked, not exited */
	int nprocs;	      /* names used so far */
	struct mapinfo map[MAX_NAMES];
	int nmaps;	/* m0.. */
	int nfds;	/* fd0.. bound to open/dup results */
	int nbrks;	/* h0.. bound to brk results */
	int nfiles;	/* f0.. made by `file` */
	int allow_name; /* the host can name anonymous memory */
};

/* Lengths, small to large; operations mostly use these. */
static const uint64_t lens[] = {1,     4095,  4096,  4096,  8192,   8192,   12288,
				16384, 16384, 32768, 65536, 262144, 1048576};

/* A random live process, or -1. */
static int live_proc(struct gen *g)
{
	int n = 0, pick;

	for (int i = 0; i < g->nprocs; i++)
		n += g->alive[i];
	if (!n)
		return -1;
	pick = below(&g->r, n);
	for (int i = 0; i < g->nprocs; i++)
		if (g->alive[i] && pick-- == 0)
			return i;
	return -1;
}

/* Writes a length the way a person would: 4K, 1M, 4095. */
static void put_num(struct gen *g, uint64_t v)
{
	if (v && v % (1 << 20) == 0)
		sb_printf(&g->sb, "%" PRIu64 "M", v >> 20);
	else if (v && v % 1024 == 0)
		sb_printf(&g->sb, "%" PRIu64 "K", v >> 10);
	else
		sb_printf(&g->sb, "%" PRIu64, v);
}

/* A length of at most max (max 0: no limit). */
static uint64_t pick_len(struct gen *g, uint64_t max)
{
	for (int tries = 0; tries < 8; tries++) {
		uint64_t l = PICK(&g->r, lens);

		if (!max || l <= max)
			return l;
	}
	return max;
}

/* A random bit of a 32-bit flags word, as a number the script takes. */
static void put_any_bit(struct gen *g)
{
	sb_printf(&g->sb, "0x%x", 1u << below(&g->r, 32));
}

/*
 * A length from the edges of the whole 64-bit space (an expression):
 * around 0, pages, 2 MiB, 2^32, TASK_SIZE, 2^47, 2^63 and 2^64.  With
 * base (a name, or NULL) also lengths that make base + len wrap or land
 * exactly on 2^64.  big: lengths over 16 MiB are allowed (the operation
 * does not populate); else the value is capped to 1 MiB.
 */
static void put_edge_len(struct gen *g, const char *base, int big)
{
	static const char *const small[] = {"0",     "1",  "4095",  "4096", "4097", "8K",   "12K",
					    "2M-4K", "2M", "2M+4K", "1M",   "64K",  "2M-1", "1M+1"};
	static const char *const large[] = {
	    "4M",
	    "4M+4K",
	    "1G",
	    "1G-4K",
	    "4G",
	    "0x7ffffffff000",
	    "0x7fffffffe000",
	    "0x7ffffffff001",
	    "0x800000000000",
	    "0x800000001000",
	    "0x7fffffffffffffff",
	    "0x8000000000000000",
	    "0x7ffffffffffff000",
	    "0xfffffffffffff000",
	    "-1",
	    "-4097",
	    "-2M",
	    "0xffffffff",
	    "0x100000000",
	    "0x100001000",
	};

	if (base && big && chance(&g->r, 25)) {
		sb_printf(&g->sb, "%s%s", PICK(&g->r, ((const char *const[]){"-", "-4K-", "-1-"})),
			  base);
		return;
	}
	if (big && chance(&g->r, 45))
		sb_puts(&g->sb, PICK(&g->r, large));
	else
		sb_puts(&g->sb, PICK(&g->r, small));
}

/* The next name for an mmap/mremap result (the last is rebound when all
 * are used). */
static int new_map(struct gen *g, uint64_t len, int known)
{
	int m = g->nmaps < MAX_NAMES ? g->nmaps++ : MAX_NAMES - 1;

	g->map[m].len = len;
	g->map[m].known = known;
	return m;
}

/* An edge-case address far from the server's own mappings. */
static const char *edge_addr(struct gen *g)
{
	static const char *const edges[] = {
	    "0",
	    "0x1000",
	    "0xfff",
	    "0x7fff00000000",
	    "0x800000000000",
	    "-4096",
	    "0x100000800",
	    "0x10000",
	    "0xf000",
	    "0x2000",
	    "0x7ffffffff000",
	    "0x800000001000",
	    "0x100000000",
	    "0xfffff000",
	    "0x8000000000000000",
	    "0x40000000",
	    "0x80000000",
	    "0x7ffffffff001",
	    "0xffff800000000000",
	};

	return PICK(&g->r, edges);
}

/* An address at or above an earlier break (hN), where [heap] is decided:
 * the break itself, a page or two above it, its unaligned neighbours. */
static void put_brk_addr(struct gen *g)
{
	sb_printf(&g->sb, "h%d%s", below(&g->r, g->nbrks),
		  PICK(&g->r, ((const char *const[]){"", "", "+4K", "+8K", "+1", "+4095", "+64K",
						     "+1M"})));
}

/*
 * "ADDR LEN" for an operation on a range.  Within an earlier mapping of
 * unknown place (it may sit right under the server's own mappings) the
 * range stays inside it; in the playground or at the edges anything goes.
 * huge: the operation refuses a range past the address space before it
 * acts (munmap, mincore), so such lengths may be tried.
 */
static void put_range(struct gen *g, int huge)
{
	int x = below(&g->r, 100);

	if (g->nmaps && x < 70) {
		int m = below(&g->r, g->nmaps);
		uint64_t len = g->map[m].len, off, room;

		switch (below(&g->r, 8)) {
		case 0:
		case 1:
		case 2:
			off = 0;
			break;
		case 3:
			off = len > 4096 ? 4096 : 0;
			break;
		case 4:
			off = len - 4096;
			break;
		case 5:
			off = (rnd(&g->r) % (len / 4096)) * 4096;
			break;
		case 6:
			off = g->map[m].known ? len : 0;
			break;
		default:
			off = 1 + (uint64_t)below(&g->r, 4000);
			break;
		}
		room = len - off;
		sb_printf(&g->sb, off ? "m%d+%" PRIu64 " " : "m%d ", m, off);
		if (chance(&g->r, 3))
			sb_puts(&g->sb, "0");
		else
			put_num(g, pick_len(g, g->map[m].known ? 0 : room));
		return;
	}
	if (g->nbrks && x < 76) {
		put_brk_addr(g);
		sb_puts(&g->sb, " ");
	} else if (x < 90)
		sb_printf(&g->sb, "0x%" PRIx64 " ", PLAYGROUND + 4096 * (uint64_t)below(&g->r, 64));
	else
		sb_printf(&g->sb, "%s ", edge_addr(g));
	if (huge && chance(&g->r, 15))
		sb_puts(&g->sb, PICK(&g->r, ((const char *const[]){"0x800000000000", "-1"})));
	else if (chance(&g->r, 3))
		sb_puts(&g->sb, "0");
	else if (huge && chance(&g->r, 20))
		put_edge_len(g, NULL, 1);
	else
		put_num(g, pick_len(g, 0));
}

/* "ADDR LEN" for an operation that does not populate (munmap, mprotect,
 * msync, mincore, mlock within its limit...): mostly put_range, sometimes
 * an edge length on an earlier mapping (wrapping past 2^64 too). */
static void put_any_range(struct gen *g)
{
	if (g->nmaps && chance(&g->r, 20)) {
		char base[8];
		int m = below(&g->r, g->nmaps);

		snprintf(base, sizeof(base), "m%d", m);
		sb_printf(&g->sb, "%s ", base);
		put_edge_len(g, base, 1);
		return;
	}
	put_range(g, 1);
}

static void put_prot(struct gen *g)
{
	static const char *const prots[] = {"none",
					    "read",
					    "read|write",
					    "read|write",
					    "read|exec",
					    "write",
					    "read|write|exec",
					    "exec",
					    "read|growsdown",
					    "read|growsup",
					    "0x10"};

	if (chance(&g->r, 8)) {
		/* any bit: PROT_SEM 0x8, 0x10, the growsdown/growsup bits... */
		sb_printf(&g->sb, "%s|", PICK(&g->r, prots));
		put_any_bit(g);
		return;
	}
	sb_puts(&g->sb, PICK(&g->r, prots));
}

static void put_fd(struct gen *g)
{
	int x = below(&g->r, 100);

	if (g->nfds && x < 85)
		sb_printf(&g->sb, "fd%d", below(&g->r, g->nfds));
	else
		sb_puts(&g->sb, x < 93 ? "-1" : "99");
}

static void put_file(struct gen *g)
{
	if (g->nfiles && !chance(&g->r, 8))
		sb_printf(&g->sb, "f%d", below(&g->r, g->nfiles));
	else
		sb_puts(&g->sb, PICK(&g->r, ((const char *const[]){"new", "."})));
}

static void put_string(struct gen *g)
{
	static const char *const strs[] = {"\"x\"", "\"hello\"", "\"ABCDEFGH\"", "\"\\0\"*5000",
					   "\"z\"*4097"};

	sb_puts(&g->sb, PICK(&g->r, strs));
}

/* mmap with its edge cases; binds the next mN. */
static void gen_mmap(struct gen *g)
{
	static const char *const types[] = {
	    "private|anonymous",
	    "private|anonymous",
	    "private|anonymous",
	    "shared|anonymous",
	    "shared|anonymous",
	    "private",
	    "private",
	    "shared",
	    "shared",
	    "shared_validate",
	    "anonymous",
	    "shared_validate|0x800000",
	    "droppable|anonymous",
	    "shared_validate|anonymous",
	};
	static const char *const mods[] = {
	    "|fixed_noreplace", "|populate",	  "|noreserve",	     "|locked",
	    "|growsdown",	"|stack",	  "|32bit",	     "|hassemaphore",
	    "|hugetlb",		"|sync",	  "|nonblock",	     "|denywrite",
	    "|executable",	"|uninitialized", "|populate|locked"};
	/* Edge lengths and what a success maps (4096: it cannot succeed). */
	static const struct {
		const char *text;
		uint64_t mapped;
	} edge[] = {{"2M", 2 << 20},
		    {"2M+4K", (2 << 20) + 4096},
		    {"2M-4K", (2 << 20) - 4096},
		    {"2M-1", 2 << 20},
		    {"4M", 4 << 20},
		    {"1G", 1 << 30},
		    {"4G", 4ULL << 30},
		    {"0x7ffffffff000", 4096},
		    {"0x7fffffffffff", 4096},
		    {"0x8000000000000000", 4096},
		    {"0xfffffffffffff000", 4096},
		    {"-4096", 4096},
		    {"-4097", 4096}};
	char type[40], mod[64];
	int fixed = chance(&g->r, 20), known = 0, big = 0, file;
	uint64_t len = 4096ULL << below(&g->r, 5);
	int e = -1;

	if (chance(&g->r, 10))
		/* any type 0-15, anonymous or not */
		snprintf(type, sizeof(type), "0x%x%s", below(&g->r, 16),
			 chance(&g->r, 60) ? "|anonymous" : "");
	else
		snprintf(type, sizeof(type), "%s", PICK(&g->r, types));
	file = !strstr(type, "anonymous");
	snprintf(mod, sizeof(mod), "%s", chance(&g->r, 30) ? PICK(&g->r, mods) : "");
	if (!fixed && chance(&g->r, 12)) {
		e = below(&g->r, (int)(sizeof(edge) / sizeof(edge[0])));
		big = edge[e].mapped > (16 << 20);
		if (big && (strstr(mod, "populate") || strstr(mod, "locked")))
			mod[0] = '\0'; /* the host would allocate it all */
	}
	if (chance(&g->r, 10)) {
		/* any flag bit; MAP_POPULATE and MAP_LOCKED not on large
		 * lengths, MAP_NORESERVE not with MAP_HUGETLB (mmkit refuses
		 * what Linux maps: docs/DIFFERENCES.md) */
		int bit = below(&g->r, 32);
		size_t n = strlen(mod);

		if (!(big && (bit == 13 || bit == 15)) && !(strstr(mod, "hugetlb") && bit == 14) &&
		    !(strstr(mod, "noreserve") && bit == 18))
			snprintf(mod + n, sizeof(mod) - n, "|0x%x", 1u << bit);
	}

	sb_printf(&g->sb, "m%d = mmap ", g->nmaps < MAX_NAMES ? g->nmaps : MAX_NAMES - 1);
	if (fixed && g->nbrks && chance(&g->r, 15)) {
		/* At the break: [heap] or not. */
		put_brk_addr(g);
	} else if (fixed && (!g->nmaps || chance(&g->r, 60))) {
		/* A new place in the playground. */
		sb_printf(&g->sb, "0x%" PRIx64, PLAYGROUND + 4096 * (uint64_t)below(&g->r, 64));
		known = 1;
	} else if (fixed) {
		/* Over part of an earlier mapping. */
		int m = below(&g->r, g->nmaps);
		uint64_t off = (rnd(&g->r) % (g->map[m].len / 4096)) * 4096;

		sb_printf(&g->sb, off ? "m%d+%" PRIu64 : "m%d", m, off);
		if (!g->map[m].known && len > g->map[m].len - off)
			len = g->map[m].len - off;
		known = g->map[m].known;
	} else if (g->nbrks && chance(&g->r, 15)) {
		put_brk_addr(g);
	} else if (g->nmaps && chance(&g->r, 25)) {
		sb_printf(&g->sb, "m%d", below(&g->r, g->nmaps));
	} else if (chance(&g->r, 30)) {
		sb_printf(&g->sb, "0x%" PRIx64, PLAYGROUND + 4096 * (uint64_t)below(&g->r, 64));
	} else {
		sb_puts(&g->sb, chance(&g->r, 80) ? "0" : edge_addr(g));
	}
	sb_puts(&g->sb, " ");
	if (e >= 0) {
		sb_puts(&g->sb, edge[e].text);
		len = edge[e].mapped;
	} else if (!fixed && chance(&g->r, 8)) {
		/* Odd lengths; the name then knows the length really mapped
		 * (a failed mmap binds -errno, an address nothing is near). */
		static const struct {
			const char *text;
			uint64_t mapped;
		} odd[] = {{"0", 4096},
			   {"1", 4096},
			   {"0x800000000000", 4096},
			   {"-1", 4096},
			   {"4097", 8192}};
		int o = below(&g->r, 5);

		sb_puts(&g->sb, odd[o].text);
		len = odd[o].mapped;
	} else {
		put_num(g, len);
	}
	sb_puts(&g->sb, " ");
	put_prot(g);
	sb_printf(&g->sb, " %s%s%s", type, fixed ? "|fixed" : "", mod);
	if (file || chance(&g->r, 5)) {
		sb_puts(&g->sb, " ");
		put_fd(g);
		if (chance(&g->r, 40))
			sb_puts(&g->sb,
				PICK(&g->r, ((const char *const[]){
						" 0", " 4K", " 8K", " 1", " 2M", " 1G",
						" 0x7ffffffffffff000", " -4096",
						" 0x7fffffffffe00000", " 0x8000000000000000",
						" 0xfffffffffffff000", " 0x7ffffffff000"})));
	}
	new_map(g, len, known);
}

static void gen_mremap(struct gen *g)
{
	static const char *const flags[] = {"",
					    "",
					    " maymove",
					    " maymove",
					    " maymove|fixed",
					    " maymove|dontunmap",
					    " fixed",
					    " dontunmap",
					    " maymove|fixed|dontunmap"};
	int m = below(&g->r, g->nmaps), known = 0;
	const char *f = PICK(&g->r, flags);
	uint64_t newlen = 4096ULL << below(&g->r, 5);
	char bits[16];

	if (chance(&g->r, 8)) {
		/* any flag bits: MREMAP_FIXED needs the address that follows */
		snprintf(bits, sizeof(bits), " 0x%x",
			 chance(&g->r, 50) ? (unsigned)below(&g->r, 8) : 1u << below(&g->r, 32));
		f = bits;
	}
	sb_printf(&g->sb, "m%d = mremap m%d ", g->nmaps < MAX_NAMES ? g->nmaps : MAX_NAMES - 1, m);
	if (chance(&g->r, 10))
		sb_puts(&g->sb, "0");
	else if (chance(&g->r, 8))
		put_edge_len(g, NULL, 1);
	else
		put_num(g, g->map[m].len);
	sb_puts(&g->sb, " ");
	if (!strstr(f, "fixed") && chance(&g->r, 5)) {
		sb_puts(&g->sb, "0x800000000000");
	} else if (chance(&g->r, 8)) {
		/* a new length at an edge: moving does not populate (unless
		 * locked, within RLIMIT_MEMLOCK) */
		put_edge_len(g, NULL, 1);
		newlen = 4096;
	} else {
		put_num(g, newlen);
	}
	sb_puts(&g->sb, f);
	if (f == bits && (strtoul(bits + 1, NULL, 16) & 2))
		sb_printf(&g->sb, " 0x%" PRIx64, PLAYGROUND + 4096 * (uint64_t)below(&g->r, 64));
	if (strstr(f, "fixed")) {
		sb_printf(&g->sb, " 0x%" PRIx64, PLAYGROUND + 4096 * (uint64_t)below(&g->r, 64));
		known = 1;
	}
	new_map(g, newlen, known);
}

/*
 * An advice word: every advice of the library's table (mmk_madvise_nth)
 * alike, plus dontneed once more and the unknown "99".
 */
static const char *pick_advice(struct gen *g)
{
	int n = 0;
	while (mmk_madvise_nth((unsigned)n) >= 0)
		n++;
	int i = below(&g->r, n + 2);
	if (i == n)
		return "dontneed";
	if (i == n + 1)
		return "99";
	return mmk_madvise_name(mmk_madvise_nth((unsigned)i));
}

/* A file offset from the edges: around pages and the files' sizes, 2 MiB,
 * ext4's 16 TiB limit, 2^63-1 and past it (negative as a loff_t).  Returns
 * whether it was 0. */
static int put_file_off(struct gen *g)
{
	static const char *const offs[] = {
	    "0",
	    "1",
	    "99",
	    "100",
	    "101",
	    "4095",
	    "4096",
	    "4097",
	    "8191",
	    "8192",
	    "8292",
	    "16K",
	    "2M",
	    "2M+4K",
	    "1G",
	    "16T-4K",
	    "16T-1",
	    "16T",
	    "0x7ffffffff000",
	    "0x7ffffffffffff000",
	    "0x7fffffffffffffff",
	    "0x7ffffffffffffffe",
	    "-1",
	    "-4096",
	    "0x8000000000000000",
	};
	const char *o = PICK(&g->r, offs);

	sb_puts(&g->sb, o);
	return !strcmp(o, "0");
}

/* A read length: small ones and around pages, at most 2 MiB (what the
 * Linux server replies at most; a file may be sparse and huge).  huge: a
 * length that takes a non-zero offset past 2^63-1 may be chosen too (the
 * read is refused before anything is read). */
static void put_read_len(struct gen *g, int huge)
{
	static const char *const lens_r[] = {"0",    "1",    "16",   "100", "4095", "4096",
					     "4097", "8192", "8193", "64K", "2M",   "12K"};

	if (huge && chance(&g->r, 6))
		sb_puts(&g->sb, PICK(&g->r, ((const char *const[]){"0x7fffffffffffffff", "-1",
								   "0x8000000000000000"})));
	else
		sb_puts(&g->sb, PICK(&g->r, lens_r));
}

/* The file and page-cache paths: read, write, pread, pwrite and ftruncate
 * at odd offsets and lengths (the "P: " is already written). */
static void gen_file_op(struct gen *g)
{
	int fd = g->nfds && !chance(&g->r, 5) ? below(&g->r, g->nfds) : -1, huge;
	char fds[16];

	if (fd >= 0)
		snprintf(fds, sizeof(fds), "fd%d", fd);
	else
		snprintf(fds, sizeof(fds), "%s", chance(&g->r, 50) ? "-1" : "99");
	switch (below(&g->r, 7)) {
	case 0:
		sb_printf(&g->sb, "read %s ", fds);
		put_read_len(g, 0);
		break;
	case 1:
		sb_printf(&g->sb, "write %s ", fds);
		put_string(g);
		break;
	case 2:
	case 3:
		sb_printf(&g->sb, "pread %s ", fds);
		huge = !put_file_off(g);
		sb_puts(&g->sb, " ");
		put_read_len(g, huge);
		break;
	case 4:
	case 5:
		sb_printf(&g->sb, "pwrite %s ", fds);
		put_file_off(g);
		sb_puts(&g->sb, " ");
		put_string(g);
		break;
	default:
		sb_printf(&g->sb, "ftruncate %s ", fds);
		put_file_off(g);
		break;
	}
}

/* A name for anonymous memory: plain, empty, at the 80-byte limit and past
 * it, and with the characters Linux refuses ([, ], \, $, `, control). */
static void put_anon_name(struct gen *g)
{
	static const char *const names[] = {
	    " \"fz\"",	 " \"fz\"",    " \"a b\"",	 " \"\"",     " \"[x]\"",  " \"$\"",
	    " \"\\\\\"", " \"`\"",     " \"\\t\"",	 " \"\\n\"",  " \"x\"*79", " \"x\"*80",
	    " \"x\"*81", " \"\\x7f\"", " \"(deleted)\"", " \"heap\"",
	};

	if (chance(&g->r, 15))
		return; /* no name: removes it */
	sb_puts(&g->sb, PICK(&g->r, names));
}

/* A top-level cat of a file at an edge offset and length (the harness's
 * read of a file by its path, through the page cache on mmkit); always with
 * a length: the file may be sparse and huge. */
static void gen_cat(struct gen *g)
{
	sb_printf(&g->sb, "cat f%d ", below(&g->r, g->nfiles));
	put_file_off(g);
	sb_puts(&g->sb, " ");
	put_read_len(g, 0);
}

/* One operation of a process (the "P: " is already written). */
static void gen_proc_op(struct gen *g)
{
	static const char *const msyncs[] = {"sync", "async", "invalidate", "sync|async",
					     "sync|invalidate"};
	static const char *const opens[] = {"rdwr",	      "rdwr",	       "rdonly",
					    "wronly",	      "rdwr|creat",    "rdwr|trunc",
					    "rdonly|cloexec", "wronly|append", "rdwr|creat|excl"};
	int x = below(&g->r, 100);

	if (x < 16 || !g->nmaps) {
		gen_mmap(g);
	} else if (x < 22) {
		sb_puts(&g->sb, "munmap ");
		if (chance(&g->r, 80))
			put_range(g, 1);
		else
			put_any_range(g);
	} else if (x < 28) {
		sb_puts(&g->sb, "mprotect ");
		if (chance(&g->r, 80))
			put_range(g, 0);
		else
			put_any_range(g);
		sb_puts(&g->sb, " ");
		put_prot(g);
	} else if (x < 32) {
		gen_mremap(g);
	} else if (x < 37) {
		int num = chance(&g->r, 30) ? below(&g->r, 128) : -1;
		/* guard regions (their markers meet every other operation)
		 * little more than half the time: installed twice as often
		 * as removed */
		const char *guard = NULL;
		if (num < 0 && chance(&g->r, 60))
			guard = chance(&g->r, 67) ? "guard_install" : "guard_remove";

		sb_puts(&g->sb, "madvise ");
		/* the populating advice only on small lengths */
		if (num >= 0 && num != 22 && num != 23 && num != 25 && chance(&g->r, 25))
			put_any_range(g);
		else
			put_range(g, 0);
		if (num >= 0)
			sb_printf(&g->sb, " %d", num);
		else
			sb_printf(&g->sb, " %s", guard ? guard : pick_advice(g));
	} else if (x < 39) {
		int lock = chance(&g->r, 60);

		sb_puts(&g->sb, lock ? "mlock " : "munlock ");
		/* mlock's RLIMIT_MEMLOCK check comes before it populates */
		if (chance(&g->r, 80))
			put_range(g, 0);
		else
			put_any_range(g);
		if (lock && chance(&g->r, 25))
			sb_puts(&g->sb, " onfault");
		else if (lock && chance(&g->r, 8))
			sb_printf(&g->sb, " 0x%x", 1u << below(&g->r, 32));
	} else if (x < 41) {
		sb_puts(&g->sb, "msync ");
		if (chance(&g->r, 80))
			put_range(g, 0);
		else
			put_any_range(g);
		if (chance(&g->r, 20))
			sb_printf(&g->sb, " 0x%x",
				  chance(&g->r, 50) ? (unsigned)below(&g->r, 8)
						    : 1u << below(&g->r, 32));
		else
			sb_printf(&g->sb, " %s", PICK(&g->r, msyncs));
	} else if (x < 43) {
		sb_puts(&g->sb, "mincore ");
		if (chance(&g->r, 80))
			put_range(g, 1);
		else
			put_any_range(g);
	} else if (x < 46) {
		if (g->nbrks && chance(&g->r, 70))
			sb_printf(&g->sb, "h%d = brk h%d%s", g->nbrks, below(&g->r, g->nbrks),
				  PICK(&g->r, ((const char *const[]){
						  "+4K", "+8K", "+64K", "-4K", "+1", "+0", "+4K",
						  "+8K", "+2M", "+16M", "+1G", "-1M"})));
		else if (chance(&g->r, 15))
			/* the break at the edges: growing without populating */
			sb_printf(&g->sb, "h%d = brk %s", g->nbrks,
				  PICK(&g->r,
				       ((const char *const[]){"0x7ffffffff000", "-1", "0x100000000",
							      "0x1000", "0x800000000000"})));
		else
			sb_printf(&g->sb, "h%d = brk 0", g->nbrks);
		if (g->nbrks < MAX_NAMES - 1)
			g->nbrks++;
	} else if (x < 60) {
		int kind = below(&g->r, 4);

		sb_puts(&g->sb, kind == 0   ? "load "
				: kind == 1 ? "store "
				: kind == 2 ? "fill "
					    : "touch ");
		if (kind == 1) {
			/* store writes its string's length: keep it inside. */
			if (g->nmaps && chance(&g->r, 80)) {
				int m = below(&g->r, g->nmaps);

				sb_printf(&g->sb, "m%d+%" PRIu64 " ", m,
					  (uint64_t)below(&g->r, 3) * 4096 % g->map[m].len);
				sb_puts(&g->sb, chance(&g->r, 85) ? "\"hello\"" : "\"x\"");
			} else {
				sb_printf(&g->sb, "0x%" PRIx64 " ",
					  PLAYGROUND + 4096 * (uint64_t)below(&g->r, 64));
				put_string(g);
			}
		} else {
			put_range(g, 0);
			if (kind == 2)
				sb_printf(&g->sb, " %d", below(&g->r, 256));
			else if (kind == 3)
				sb_puts(&g->sb, chance(&g->r, 50) ? " read" : " write");
		}
	} else if (x < 66) {
		sb_printf(&g->sb, "fd%d = open ", g->nfds);
		put_file(g);
		if (chance(&g->r, 25)) {
			/* every combination of the flags mmkit models: an
			 * access mode and any of creat, excl, trunc, append,
			 * cloexec (the others: docs/DIFFERENCES.md) */
			static const unsigned bits[] = {0100, 0200, 01000, 02000, 02000000};
			unsigned f = (unsigned)below(&g->r, 3);

			for (int k = 0; k < 5; k++)
				if (chance(&g->r, 50))
					f |= bits[k];
			sb_printf(&g->sb, " 0x%x", f);
		} else {
			sb_printf(&g->sb, " %s", PICK(&g->r, opens));
		}
		if (g->nfds < MAX_NAMES - 1)
			g->nfds++;
	} else if (x < 76 && g->nfds && chance(&g->r, 40)) {
		gen_file_op(g);
	} else if (x < 76 && g->nfds) {
		int fd = below(&g->r, g->nfds);

		switch (below(&g->r, 9)) {
		case 0:
			sb_printf(&g->sb, "close fd%d", fd);
			break;
		case 1:
			sb_printf(&g->sb, "fd%d = dup fd%d", g->nfds, fd);
			if (g->nfds < MAX_NAMES - 1)
				g->nfds++;
			break;
		case 2:
			sb_printf(&g->sb, "read fd%d 16", fd);
			break;
		case 3:
			sb_printf(&g->sb, "write fd%d ", fd);
			put_string(g);
			break;
		case 4:
			sb_printf(&g->sb, "pread fd%d 4090 16", fd);
			break;
		case 5:
			sb_printf(&g->sb, "pwrite fd%d %s ", fd,
				  PICK(&g->r, ((const char *const[]){
						  "0", "4K", "9000", "1", "0", "4K", "2M-1", "1G",
						  "0x7ffffffff000", "0x7fffffffffffffff", "-1",
						  "0xfffffffffff"})));
			put_string(g);
			break;
		case 6:
		case 7:
			/* sparse and huge sizes cost the host no data */
			sb_printf(&g->sb, "ftruncate fd%d %s", fd,
				  PICK(&g->r,
				       ((const char *const[]){
					   "0", "100", "4K", "8193", "64K", "0", "100", "4K",
					   "8193", "64K", "2M+1", "1G", "16T", "0x7fffffffffffffff",
					   "-1", "0x8000000000000000", "0xfffffffff000"})));
			break;
		default:
			sb_printf(&g->sb, "fsync fd%d", fd);
			break;
		}
	} else if (x < 78 && g->nfiles) {
		sb_printf(&g->sb, "unlink f%d", below(&g->r, g->nfiles));
	} else if (x < 80) {
		if (chance(&g->r, 15))
			/* MCL_CURRENT would lock the server's own memory: only
			 * where another bit makes the call -EINVAL first */
			sb_puts(&g->sb,
				PICK(&g->r, ((const char *const[]){
						"mlockall 0", "mlockall onfault", "mlockall 0x8",
						"mlockall future|onfault", "mlockall 0x10",
						"mlockall future|0x80000000", "mlockall 0x20"})));
		else
			sb_puts(&g->sb, chance(&g->r, 50) ? "mlockall future" : "munlockall");
	} else if (x < 82 && g->allow_name) {
		sb_puts(&g->sb, "name ");
		put_range(g, 0);
		put_anon_name(g);
	} else if (x < 90) {
		sb_puts(&g->sb, "maps");
	} else if (x < 92) {
		sb_puts(&g->sb, "smaps");
	} else if (x < 95) {
		sb_puts(&g->sb, "status");
	} else {
		sb_puts(&g->sb, "faults");
	}
}

/* One statement: mostly an operation of a live process, sometimes a
 * process's birth or death or a top-level statement. */
static void gen_statement(struct gen *g)
{
	int p = live_proc(g), x = below(&g->r, 100);

	if (p < 0 || (x < 4 && g->nprocs < MAX_PROCS)) {
		if (g->nprocs == MAX_PROCS)
			return;
		sb_printf(&g->sb, "spawn P%d\n", g->nprocs);
		g->alive[g->nprocs++] = 1;
	} else if (x < 10 && g->nprocs < MAX_PROCS) {
		sb_printf(&g->sb, "fork P%d P%d\n", p, g->nprocs);
		g->alive[g->nprocs++] = 1;
	} else if (x < 12) {
		sb_printf(&g->sb, "P%d: exec\n", p);
	} else if (x < 14) {
		sb_printf(&g->sb, "P%d: exit\n", p);
		g->alive[p] = 0;
	} else if (x < 16 && g->nfiles) {
		gen_cat(g);
		sb_puts(&g->sb, "\n");
	} else if (x < 17) {
		sb_puts(&g->sb, "sync\n");
	} else {
		sb_printf(&g->sb, "P%d: ", p);
		gen_proc_op(g);
		sb_puts(&g->sb, "\n");
	}
}

/* Script i of seed `seed`: files, a first process, then statements, then
 * a last look at every live process's maps. */
static void generate(uint64_t seed, int i, int allow_name, struct strbuf *out)
{
	static const char *const files[] = {"size=0",
					    "size=100 fill='a'",
					    "size=4K fill='b'",
					    "size=8292 fill='c'",
					    "size=16K text=\"head\"",
					    "size=1",
					    "size=2M+4K fill='d'",
					    "size=4095"};
	struct gen g;
	int n;

	memset(&g, 0, sizeof(g));
	g.r.s = seed * 0x100000001b3ULL + (uint64_t)i;
	g.allow_name = allow_name;
	sb_printf(&g.sb, "# mmkit fuzz --seed %" PRIu64 ": script %d\n", seed, i);
	g.nfiles = 1 + below(&g.r, 3);
	for (int f = 0; f < g.nfiles; f++)
		sb_printf(&g.sb, "file f%d %s\n", f, PICK(&g.r, files));
	sb_puts(&g.sb, "spawn P0\nP0: fd0 = open f0 rdwr\n");
	g.alive[0] = 1;
	g.nprocs = 1;
	g.nfds = 1;
	n = 8 + below(&g.r, 40);
	for (int k = 0; k < n; k++)
		gen_statement(&g);
	for (int p = 0; p < g.nprocs; p++)
		if (g.alive[p])
			sb_printf(&g.sb, "P%d: maps\n", p);
	sb_putn(out, g.sb.s, g.sb.len);
	sb_free(&g.sb);
}

/* ---- shrinking ---------------------------------------------------------------- */

/* A script as lines, some of them switched off. */
struct lineset {
	char **line;
	int n;
};

static void lines_from(struct lineset *ls, const struct strbuf *sb)
{
	const char *s = sb->s, *end = sb->s + sb->len;

	memset(ls, 0, sizeof(*ls));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		ls->line = realloc(ls->line, (size_t)(ls->n + 1) * sizeof(char *));
		if (!ls->line || !(ls->line[ls->n] = strndup(s, n))) {
			fputs("mmkit: out of memory\n", stderr);
			exit(1);
		}
		ls->n++;
		s = nl ? nl + 1 : end;
	}
}

static void lines_free(struct lineset *ls)
{
	for (int i = 0; i < ls->n; i++)
		free(ls->line[i]);
	free(ls->line);
}

/* The text of ls without lines [from, to). */
static void lines_text(const struct lineset *ls, int from, int to, struct strbuf *out)
{
	sb_reset(out);
	for (int i = 0; i < ls->n; i++) {
		if (i >= from && i < to)
			continue;
		sb_puts(out, ls->line[i]);
		sb_puts(out, "\n");
	}
}

/* Whether the text parses and still disagrees; the diff goes to report. */
static int still_differs(struct checker *c, const struct strbuf *text, const char *name,
			 struct strbuf *report)
{
	struct script_error err;
	struct script *s;
	int r;

	if (script_parse_string(name, text->s ? text->s : "", text->len, &s, &err) < 0)
		return 0;
	sb_reset(report);
	r = checker_run(c, s, name, report);
	script_free(s);
	return r == CHECK_DIFFER;
}

/* Delta debugging by statement deletion: removes chunks of lines, halving
 * the chunk size, keeping each removal after which the script still
 * disagrees; stops at chunk size 1 with nothing removable or when the
 * budget of runs is spent.  ls ends as the smallest script found, report
 * as its diff. */
static void shrink(struct checker *c, struct lineset *ls, const char *name, struct strbuf *report)
{
	struct strbuf text = {NULL, 0, 0};
	int chunk = ls->n / 2, runs = 0;

	while (chunk >= 1 && runs < SHRINK_BUDGET) {
		int removed = 0;

		for (int i = 1; i < ls->n && runs < SHRINK_BUDGET;) { /* line 0: the header */
			int to = i + chunk < ls->n ? i + chunk : ls->n;

			lines_text(ls, i, to, &text);
			runs++;
			if (still_differs(c, &text, name, report)) {
				for (int k = i; k < to; k++)
					free(ls->line[k]);
				memmove(ls->line + i, ls->line + to,
					(size_t)(ls->n - to) * sizeof(char *));
				ls->n -= to - i;
				removed = 1;
			} else {
				i = to;
			}
		}
		if (!removed)
			chunk /= 2;
		else if (chunk > ls->n / 2)
			chunk = ls->n / 2;
	}
	/* The report must be the diff of the final script. */
	lines_text(ls, 0, 0, &text);
	still_differs(c, &text, name, report);
	sb_free(&text);
}

/* ---- the command --------------------------------------------------------------- */

static void fuzz_usage(FILE *f)
{
	fputs("usage: mmkit fuzz [--seed N] [--count N] [--out DIR] [--print] [--self]\n"
	      "Checks random scripts on the host kernel and on mmkit (as mmkit check);\n"
	      "each disagreeing script is shrunk and written to DIR (default\n"
	      "tests/out/fuzz) with its diff.  Deterministic for a seed.\n"
	      "  --seed N    the seed (default 1)\n"
	      "  --count N   how many scripts (default 100)\n"
	      "  --print     print the scripts instead of checking them\n"
	      "  --self      the host kernel on both sides (is it deterministic?)\n",
	      f);
}

/* Writes text to DIR/NAME. */
static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "mmkit fuzz: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Makes DIR and its parents. */
static int make_dirs(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* Checks one script; on a disagreement shrinks and saves it.  Returns a
 * check_result, or -1 if it could not run. */
static int fuzz_one(struct checker *c, const struct strbuf *text, const char *name,
		    const char *outdir)
{
	struct strbuf report = {NULL, 0, 0}, out = {NULL, 0, 0};
	struct script_error err;
	struct lineset ls;
	struct script *s;
	char fname[300];
	int r, before;

	if (script_parse_string(name, text->s, text->len, &s, &err) < 0) {
		printf("invalid %s: the generator wrote a bad script:\n", name);
		script_error_print(stdout, name, &err);
		return CHECK_LINUX_FAILED;
	}
	r = checker_run(c, s, name, &report);
	script_free(s);
	if (r == CHECK_LINUX_FAILED)
		fwrite(report.s, 1, report.len, stdout);
	if (r != CHECK_DIFFER) {
		sb_free(&report);
		return r;
	}
	/* A disagreement must reproduce: mmkit's side is deterministic, so a
	 * script that agrees when run again met timing on the host (a loaded
	 * machine, another process still exiting).  It is kept for a look but
	 * not counted as a difference. */
	{
		struct strbuf again = {NULL, 0, 0};
		int agreed = 0;
		for (int i = 0; i < 2 && !agreed; i++)
			agreed = !still_differs(c, text, name, &again);
		sb_free(&again);
		if (agreed) {
			snprintf(fname, sizeof(fname), "%s.flaky.mm", name);
			write_file(outdir, fname, text->s, text->len);
			snprintf(fname, sizeof(fname), "%s.flaky.diff", name);
			write_file(outdir, fname, report.s ? report.s : "", report.len);
			printf("flaky %s: differed once, agreed when run again: %s/%s.flaky.mm\n",
			       name, outdir, name);
			sb_free(&report);
			return CHECK_FLAKY;
		}
	}
	lines_from(&ls, text);
	before = ls.n;
	shrink(c, &ls, name, &report);
	lines_text(&ls, 0, 0, &out);
	snprintf(fname, sizeof(fname), "%s.mm", name);
	write_file(outdir, fname, out.s, out.len);
	snprintf(fname, sizeof(fname), "%s.diff", name);
	write_file(outdir, fname, report.s ? report.s : "", report.len);
	printf("differ %s: shrunk from %d to %d lines: %s/%s.mm\n", name, before, ls.n, outdir,
	       name);
	lines_free(&ls);
	sb_free(&out);
	sb_free(&report);
	return CHECK_DIFFER;
}

/* ---- what fuzz_guided.c uses (fuzz.h) ---------------------------------------- */

void fuzz_generate(uint64_t seed, uint64_t i, int allow_name, struct strbuf *out)
{
	generate(seed, (int)i, allow_name, out);
}

/* The number after prefix p at the start of w ("m12 =" -> 12), or -1. */
static int name_number(const char *w, const char *p)
{
	size_t n = strlen(p);

	if (strncmp(w, p, n) || w[n] < '0' || w[n] > '9')
		return -1;
	return atoi(w + n);
}

/* The length an mmap/mremap line asked for, if a plain number of at most
 * 1 GiB; else a page (the generator then stays within one page). */
static uint64_t line_map_len(const char *line, int word)
{
	char buf[64];
	const char *w = line;
	uint64_t v;

	for (int k = 0; k < word && w; k++) {
		w = strchr(w, ' ');
		while (w && *w == ' ')
			w++;
	}
	if (!w || !*w)
		return 4096;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(w, " "), w);
	if (script_parse_number(buf, &v) < 0 || !v || v > (1ULL << 30))
		return 4096;
	return (v + 4095) & ~4095ULL;
}

/* Reads the generator's state back from one line of a script. */
static void gen_learn_line(struct gen *g, const char *line)
{
	int a, b;
	const char *op;

	if ((a = name_number(line, "file f")) >= 0) {
		if (a >= g->nfiles && a < MAX_NAMES)
			g->nfiles = a + 1;
	} else if ((a = name_number(line, "spawn P")) >= 0 && a < MAX_PROCS) {
		g->alive[a] = 1;
		if (a >= g->nprocs)
			g->nprocs = a + 1;
	} else if (sscanf(line, "fork P%d P%d", &a, &b) == 2 && b >= 0 && b < MAX_PROCS) {
		g->alive[b] = 1;
		if (b >= g->nprocs)
			g->nprocs = b + 1;
	} else if (sscanf(line, "P%d:", &a) == 1 && a >= 0 && a < MAX_PROCS &&
		   (op = strchr(line, ':'))) {
		op += 2;
		if (!strcmp(op, "exit"))
			g->alive[a] = 0;
		else if ((b = name_number(op, "m")) >= 0 && b < MAX_NAMES) {
			int mremap = strstr(op, "= mremap ") != NULL;

			/* names the prefix lost (a mutant deleted their
			 * line) stand for a page somewhere */
			for (; g->nmaps <= b; g->nmaps++)
				g->map[g->nmaps].len = 4096;
			g->map[b].len = line_map_len(op, mremap ? 5 : 4);
			g->map[b].known = 0;
		} else if ((b = name_number(op, "fd")) >= 0 && b < MAX_NAMES - 1) {
			if (b >= g->nfds)
				g->nfds = b + 1;
		} else if ((b = name_number(op, "h")) >= 0 && b < MAX_NAMES - 1) {
			if (b >= g->nbrks)
				g->nbrks = b + 1;
		}
	}
}

void fuzz_gen_statement(uint64_t rseed, const char *prefix, size_t len, int allow_name,
			struct strbuf *out)
{
	struct gen g;
	const char *s = prefix, *end = prefix + len;
	char line[512];

	memset(&g, 0, sizeof(g));
	g.r.s = rseed;
	g.allow_name = allow_name;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		snprintf(line, sizeof(line), "%.*s", (int)n, s);
		gen_learn_line(&g, line);
		s = nl ? nl + 1 : end;
	}
	gen_statement(&g);
	sb_putn(out, g.sb.s, g.sb.len);
	sb_free(&g.sb);
}

void fuzz_gen_value(uint64_t rseed, int big, struct strbuf *out)
{
	struct gen g;

	memset(&g, 0, sizeof(g));
	g.r.s = rseed;
	switch (below(&g.r, 4)) {
	case 0:
		/* an edge address is a large length too */
		if (big)
			sb_puts(&g.sb, edge_addr(&g));
		else
			sb_puts(&g.sb,
				PICK(&g.r, ((const char *const[]){"0", "0xfff", "0x1000", "0x2000",
								  "0xf000", "0x10000"})));
		break;
	case 1:
		/* a bit: not past 16 MiB where the operation may populate */
		sb_printf(&g.sb, "0x%x", 1u << below(&g.r, big ? 32 : 24));
		break;
	default:
		put_edge_len(&g, NULL, big);
		break;
	}
	sb_putn(out, g.sb.s, g.sb.len);
	sb_free(&g.sb);
}

int fuzz_check(struct checker *c, const struct strbuf *text, const char *name, const char *outdir)
{
	return fuzz_one(c, text, name, outdir);
}

int fuzz_write_file(const char *dir, const char *name, const char *text, size_t len)
{
	return write_file(dir, name, text, len);
}

int fuzz_make_dirs(const char *dir)
{
	return make_dirs(dir);
}

int cmd_fuzz(int argc, char **argv)
{
	uint64_t seed = 1, count = 100;
	const char *outdir = "tests/out/fuzz";
	int print = 0, passed = 0, failed = 0, invalid = 0, flaky = 0, allow_name,
	    flags = CHECKER_QUIET;
	struct checker *c = NULL;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--guided") || !strcmp(argv[i], "--unguided") ||
		    !strcmp(argv[i], "--coverage-report"))
			return cmd_fuzz_guided(argc, argv);
	enum { FUZZ_SEED, FUZZ_COUNT, FUZZ_OUT, FUZZ_PRINT, FUZZ_SELF };
	static const struct opt fuzz_opts[] = {
	    [FUZZ_SEED] = {"--seed", true},  [FUZZ_COUNT] = {"--count", true},
	    [FUZZ_OUT] = {"--out", true},    [FUZZ_PRINT] = {"--print", false},
	    [FUZZ_SELF] = {"--self", false}, {NULL, false},
	};
	struct opts o = OPTS_INIT(argc, argv);
	const char *v;
	int k;
	while ((k = opts_next(&o, fuzz_opts, &v)) != OPT_END) {
		if (k == FUZZ_SEED) {
			if (script_parse_number(v, &seed) < 0)
				goto bad;
		} else if (k == FUZZ_COUNT) {
			if (script_parse_number(v, &count) < 0)
				goto bad;
		} else if (k == FUZZ_OUT) {
			outdir = v;
		} else if (k == FUZZ_PRINT) {
			print = 1;
		} else if (k == FUZZ_SELF) {
			flags |= CHECKER_SELF;
		} else if (k == OPT_HELP) {
			fuzz_usage(stdout);
			return 0;
		} else {
			if (k == OPT_BAD)
				opts_complain("mmkit fuzz", v, fuzz_opts);
			goto bad;
		}
	}
	allow_name = checker_has_feature("anon_vma_name") == 1;
	if (!print) {
		int err = checker_open(&c, flags);

		if (err) {
			fprintf(stderr, "mmkit fuzz: cannot start the Linux backend: %s\n",
				strerror(-err));
			return 1;
		}
		if (make_dirs(outdir) < 0) {
			fprintf(stderr, "mmkit fuzz: cannot make %s: %s\n", outdir,
				strerror(errno));
			checker_close(c);
			return 1;
		}
	}
	for (uint64_t i = 0; i < count; i++) {
		struct strbuf text = {NULL, 0, 0};
		char name[64];
		int r;

		generate(seed, (int)i, allow_name, &text);
		snprintf(name, sizeof(name), "fuzz-%" PRIu64 "-%" PRIu64, seed, i);
		if (print) {
			fwrite(text.s, 1, text.len, stdout);
			sb_free(&text);
			continue;
		}
		r = fuzz_one(c, &text, name, outdir);
		sb_free(&text);
		if (r == CHECK_SAME) {
			printf("ok %s\n", name);
			passed++;
		} else if (r == CHECK_DIFFER) {
			failed++;
		} else if (r == CHECK_FLAKY) {
			flaky++;
		} else {
			if (r != CHECK_LINUX_FAILED)
				printf("error %s: %s\n", name, strerror(-r));
			invalid++;
		}
		fflush(stdout);
	}
	if (print)
		return 0;
	checker_close(c);
	printf("%d passed, %d failed", passed, failed);
	if (invalid)
		printf(", %d invalid", invalid);
	if (flaky)
		printf(", %d flaky", flaky);
	printf("\n");
	return failed ? 1 : 0;
bad:
	fuzz_usage(stderr);
	return 2;
}
