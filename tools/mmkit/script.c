/*
 * script.c - the parser of the script language (docs/SCRIPTS.md).
 *
 * Owns: turning script text into struct script (script.h), and every error a
 * script can have before it runs.  A script is line-oriented, so the parser
 * works one line at a time over a cursor (struct cur) and parses each
 * argument with a small function that knows what the operation expects at
 * that place: an expression, a set of flag words, a string, a path.
 *
 * Invariants:
 *   - the parser only reads inside [line, line + len) and never trusts the
 *     input to be terminated, well formed or small (the fuzz harness in
 *     tests/fuzz/ holds it to this);
 *   - a line is parsed completely into a local statement before anything is
 *     committed to the script; commit_stmt() is the only function that changes
 *     the script's statements, names or processes, and it reserves all the
 *     memory it needs before it changes anything;
 *   - an error sets the error struct once, at the first problem found, and
 *     every parse function returns -1 straight up after it;
 *   - names and process names are found through their hash indexes
 *     (struct name_index), which hold exactly names[] and procs[];
 *   - no string is longer than STRING_MAX and the strings of all
 *     statements hold s->datatotal <= SCRIPT_DATA_MAX bytes: what a script
 *     makes the tool hold in memory is bounded by its caps, not by its
 *     numbers.
 *
 * This file depends on nothing but libc, the two contract headers and the
 * library's advice table (mmk_madvise_nth/_name, src/base/madvise_advice.c), so
 * the unit test and the fuzz harness compile it on its own.
 */
#include "script.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mmkit.h"
#include "suggest.h"

/* ---- Flag words --------------------------------------------------------- */

struct word {
	const char *name;
	uint64_t value;
};

/* A set of words one argument may use: `what` names it in messages; a word
 * may also be written as its C name, cprefix + NAME (PROT_READ); orable sets
 * accept `a|b|0x10`, the others exactly one word or number. */
struct wordset {
	const char *what;
	const char *cprefix;
	const struct word *w;
	int n;
	int orable;
};

#define WORDSET(what, prefix, arr, orable)                                                         \
	{                                                                                          \
		what, prefix, arr, (int)(sizeof(arr) / sizeof(arr[0])), orable                     \
	}

static const struct word prot_words[] = {
    {"none", MMK_PROT_NONE}, {"read", MMK_PROT_READ},		{"write", MMK_PROT_WRITE},
    {"exec", MMK_PROT_EXEC}, {"growsdown", MMK_PROT_GROWSDOWN}, {"growsup", MMK_PROT_GROWSUP},
};
static const struct word map_words[] = {
    {"shared", MMK_MAP_SHARED},
    {"private", MMK_MAP_PRIVATE},
    {"shared_validate", MMK_MAP_SHARED_VALIDATE},
    {"droppable", MMK_MAP_DROPPABLE},
    {"anonymous", MMK_MAP_ANONYMOUS},
    {"anon", MMK_MAP_ANONYMOUS},
    {"fixed", MMK_MAP_FIXED},
    {"fixed_noreplace", MMK_MAP_FIXED_NOREPLACE},
    {"populate", MMK_MAP_POPULATE},
    {"noreserve", MMK_MAP_NORESERVE},
    {"growsdown", MMK_MAP_GROWSDOWN},
    {"stack", MMK_MAP_STACK},
    {"locked", MMK_MAP_LOCKED},
    {"32bit", MMK_MAP_32BIT},
    {"denywrite", MMK_MAP_DENYWRITE},
    {"executable", MMK_MAP_EXECUTABLE},
    {"nonblock", MMK_MAP_NONBLOCK},
    {"hugetlb", MMK_MAP_HUGETLB},
    {"sync", MMK_MAP_SYNC},
    {"uninitialized", MMK_MAP_UNINITIALIZED},
    /* BSD's MAP_HASSEMAPHORE has no bit on Linux x86-64: accepted as 0. */
    {"hassemaphore", 0},
};
static const struct word mremap_words[] = {
    {"maymove", MMK_MREMAP_MAYMOVE},
    {"fixed", MMK_MREMAP_FIXED},
    {"dontunmap", MMK_MREMAP_DONTUNMAP},
};
static const struct word msync_words[] = {
    {"async", MMK_MS_ASYNC},
    {"invalidate", MMK_MS_INVALIDATE},
    {"sync", MMK_MS_SYNC},
};
static const struct word open_words[] = {
    {"rdonly", MMK_O_RDONLY}, {"wronly", MMK_O_WRONLY},	  {"rdwr", MMK_O_RDWR},
    {"creat", MMK_O_CREAT},   {"excl", MMK_O_EXCL},	  {"trunc", MMK_O_TRUNC},
    {"append", MMK_O_APPEND}, {"cloexec", MMK_O_CLOEXEC}, {"directory", MMK_O_DIRECTORY},
};
static const struct word mcl_words[] = {
    {"current", MMK_MCL_CURRENT},
    {"future", MMK_MCL_FUTURE},
    {"onfault", MMK_MCL_ONFAULT},
};
static const struct word mlock_words[] = {
    {"onfault", MMK_MLOCK_ONFAULT},
};
static const struct word fadvise_words[] = {
    {"normal", MMK_POSIX_FADV_NORMAL},	       {"random", MMK_POSIX_FADV_RANDOM},
    {"sequential", MMK_POSIX_FADV_SEQUENTIAL}, {"willneed", MMK_POSIX_FADV_WILLNEED},
    {"dontneed", MMK_POSIX_FADV_DONTNEED},     {"noreuse", MMK_POSIX_FADV_NOREUSE},
};
static const struct word access_words[] = {
    {"read", 0},
    {"write", 1},
};

static const struct wordset ws_prot = WORDSET("prot flag", "PROT_", prot_words, 1);
static const struct wordset ws_map = WORDSET("mmap flag", "MAP_", map_words, 1);
static const struct wordset ws_mremap = WORDSET("mremap flag", "MREMAP_", mremap_words, 1);
static const struct wordset ws_msync = WORDSET("msync flag", "MS_", msync_words, 1);
static const struct wordset ws_open = WORDSET("open flag", "O_", open_words, 1);
static const struct wordset ws_mcl = WORDSET("mlockall flag", "MCL_", mcl_words, 1);
static const struct wordset ws_mlock = WORDSET("mlock flag", "MLOCK_", mlock_words, 1);

/* The advice words are the library's advice table (mmk_madvise_nth and
 * mmk_madvise_name), so a new advice needs no change here.  They are copied
 * into the parse of each advice argument (advice_wordset), so the parser
 * keeps no state between calls. */
#define ADVICE_WORDS_MAX 64
struct advice_words {
	struct word w[ADVICE_WORDS_MAX];
	struct wordset ws;
};

/* Fills aw from the library's table and returns its wordset. */
static const struct wordset *advice_wordset(struct advice_words *aw)
{
	int n = 0, a;
	while (n < ADVICE_WORDS_MAX && (a = mmk_madvise_nth((unsigned)n)) >= 0) {
		aw->w[n].name = mmk_madvise_name(a);
		aw->w[n].value = (uint64_t)a;
		n++;
	}
	aw->ws = (struct wordset){"madvise advice", "MADV_", aw->w, n, 0};
	return &aw->ws;
}
static const struct wordset ws_fadvise = WORDSET("fadvise advice", "POSIX_FADV_", fadvise_words, 0);
static const struct wordset ws_access = WORDSET("access", "", access_words, 0);

/* ---- Operations --------------------------------------------------------- */

/*
 * An operation's arguments, as a signature string, one character each:
 *   e  expression (number, name, a+4K ...)   -> next a[i]
 *   b  byte: a constant 0..255 or 'c'        -> next a[i]
 *   p m r s o l k   flags of a wordset (prot, mmap, mremap, msync, open,
 *                   mlockall, mlock)          -> next a[i]
 *   a  madvise advice, f  fadvise advice,
 *   t  read|write                            -> next a[i]
 *   S  string                                -> data
 *   P  path: "quoted" or a bare word         -> path
 *   N  string without NULs                   -> path
 *   A  the rest of the line: paths           -> data, each NUL-terminated
 *   [  the arguments after this are optional (each may stop the list)
 * Omitted optional a[i] take dflt[i].
 */
enum { OPF_TOP = 1, OPF_BIND = 2 };

struct op_spec {
	const char *name;
	enum bk_opcode code;
	const char *sig;
	const char *usage;
	int flags;
	int64_t dflt[6];
};

static const struct op_spec op_specs[] = {
    /* top level */
    {"cat", BK_CAT, "P[ee", "cat PATH [OFF [LEN]]", OPF_TOP, {0, -1}},
    {"sync", BK_SYNC, "", "sync", OPF_TOP, {0}},
    {"vmstat", BK_VMSTAT, "", "vmstat", OPF_TOP, {0}},
    {"drop_caches", BK_DROP_CACHES, "", "drop_caches", OPF_TOP, {0}},
    /* files */
    {"open", BK_OPEN, "Po", "open PATH FLAGS", OPF_BIND, {0}},
    {"close", BK_CLOSE, "e", "close FD", OPF_BIND, {0}},
    {"dup", BK_DUP, "e", "dup FD", OPF_BIND, {0}},
    {"read", BK_READ, "ee", "read FD LEN", OPF_BIND, {0}},
    {"write", BK_WRITE, "eS", "write FD STRING", OPF_BIND, {0}},
    {"pread", BK_PREAD, "eee", "pread FD OFF LEN", OPF_BIND, {0}},
    {"pwrite", BK_PWRITE, "eeS", "pwrite FD OFF STRING", OPF_BIND, {0}},
    {"ftruncate", BK_FTRUNCATE, "ee", "ftruncate FD LEN", OPF_BIND, {0}},
    {"fsync", BK_FSYNC, "e", "fsync FD", OPF_BIND, {0}},
    {"unlink", BK_UNLINK, "P", "unlink PATH", OPF_BIND, {0}},
    {"mkdir", BK_MKDIR, "P", "mkdir PATH", OPF_BIND, {0}},
    {"rmdir", BK_RMDIR, "P", "rmdir PATH", OPF_BIND, {0}},
    {"fadvise", BK_FADVISE, "eeef", "fadvise FD OFF LEN ADVICE", OPF_BIND, {0}},
    /* memory */
    {"mmap",
     BK_MMAP,
     "eepm[ee",
     "mmap ADDR LEN PROT FLAGS [FD [OFF]]",
     OPF_BIND,
     {0, 0, 0, 0, -1, 0}},
    {"munmap", BK_MUNMAP, "ee", "munmap ADDR LEN", OPF_BIND, {0}},
    {"mprotect", BK_MPROTECT, "eep", "mprotect ADDR LEN PROT", OPF_BIND, {0}},
    {"mremap", BK_MREMAP, "eee[re", "mremap ADDR OLDLEN NEWLEN [FLAGS [NEWADDR]]", OPF_BIND, {0}},
    {"msync", BK_MSYNC, "ees", "msync ADDR LEN FLAGS", OPF_BIND, {0}},
    {"madvise", BK_MADVISE, "eea", "madvise ADDR LEN ADVICE", OPF_BIND, {0}},
    {"mlock", BK_MLOCK, "ee[k", "mlock ADDR LEN [onfault]", OPF_BIND, {0}},
    {"munlock", BK_MUNLOCK, "ee", "munlock ADDR LEN", OPF_BIND, {0}},
    {"mlockall", BK_MLOCKALL, "l", "mlockall FLAGS", OPF_BIND, {0}},
    {"munlockall", BK_MUNLOCKALL, "", "munlockall", OPF_BIND, {0}},
    {"mincore", BK_MINCORE, "ee", "mincore ADDR LEN", OPF_BIND, {0}},
    {"brk", BK_BRK, "e", "brk ADDR", OPF_BIND, {0}},
    {"name", BK_ANON_NAME, "ee[N", "name ADDR LEN [\"NAME\"]", OPF_BIND, {0}},
    /* access */
    {"load", BK_LOAD, "ee", "load ADDR LEN", 0, {0}},
    {"store", BK_STORE, "eS", "store ADDR STRING", 0, {0}},
    {"fill", BK_FILL, "eeb", "fill ADDR LEN BYTE", 0, {0}},
    {"touch", BK_TOUCH, "eet", "touch ADDR LEN read|write", 0, {0}},
    /* views */
    {"maps", BK_MAPS, "", "maps", 0, {0}},
    {"smaps", BK_SMAPS, "", "smaps", 0, {0}},
    {"status", BK_STATUS, "", "status", 0, {0}},
    {"faults", BK_FAULTS, "", "faults", 0, {0}},
    {"pagemap", BK_PAGEMAP, "ee", "pagemap ADDR NPAGES", 0, {0}},
    /* lifecycle */
    {"exec", BK_EXEC, "[PA", "exec [PATH [ARGS...]]", 0, {0}},
    {"exit", BK_EXIT, "", "exit", 0, {0}},
};
#define N_OPS ((int)(sizeof(op_specs) / sizeof(op_specs[0])))

/* The statements that are not operations, for lookups and `help`. */
static const char *const top_usage[] = {
    "file PATH [size=N] [fill=BYTE] [text=\"...\"]",
    "program NAME [PATH]",
    "cat PATH [OFF [LEN]]",
    "sync",
    "vmstat",
    "drop_caches",
    "spawn P",
    "fork P Q",
    "NAME = EXPR",
};

/* What each statement does, for `help STATEMENT` (script_print_help); the
 * syntax is its usage above.  docs/SCRIPTS.md says the same at length, and
 * tests/cli.sh checks that it shows every statement's usage. */
static const struct {
	const char *name, *meaning;
} stmt_help[] = {
    {"file",
     "creates or truncates PATH in the run's directory and writes it: size bytes "
     "(default: the text's length) of the fill byte (default 0), the text over their start"},
    {"program", "puts the small test program NAME (make progs) into the run's directory at PATH "
		"(default: NAME), mode 0755, for P: exec PATH"},
    {"cat", "reads PATH as any reader sees it now, through the page cache, from OFF "
	    "(default 0), LEN bytes (default: to the end)"},
    {"sync", "writes every dirty page of every file back (sync(2))"},
    {"vmstat", "the machine's memory counters as /proc/vmstat names them (mmkit backend)"},
    {"drop_caches", "sync, then drops every cached page no process maps "
		    "(echo 1 > /proc/sys/vm/drop_caches): the next access reads from disk"},
    {"spawn", "creates process P with an empty address space; fds 0, 1, 2 on a null device"},
    {"fork", "forks P into a new process Q: private pages shared copy-on-write, fds copied"},
    {"NAME", "binds NAME to the value of EXPR"},
    {"open", "open(2), mode 0644; binds the fd"},
    {"close", "close(2)"},
    {"dup", "dup(2): the new fd"},
    {"read", "read(2) at the file position: the count and the bytes"},
    {"write", "write(2): the bytes written"},
    {"pread", "pread(2): the count and the bytes"},
    {"pwrite", "pwrite(2): the bytes written"},
    {"ftruncate", "ftruncate(2)"},
    {"fsync", "fsync(2)"},
    {"unlink", "unlink(2)"},
    {"mkdir", "mkdir(2), mode 0755"},
    {"rmdir", "rmdir(2)"},
    {"fadvise", "posix_fadvise(2); dontneed evicts the clean cached pages no one maps"},
    {"mmap", "mmap(2); FD defaults to -1, OFF to 0: the address"},
    {"munmap", "munmap(2)"},
    {"mprotect", "mprotect(2)"},
    {"mremap", "mremap(2): the new address"},
    {"msync", "msync(2)"},
    {"madvise", "madvise(2) with one ADVICE word or a number"},
    {"mlock", "mlock(2), or mlock2(2) with MLOCK_ONFAULT"},
    {"munlock", "munlock(2)"},
    {"mlockall", "mlockall(2)"},
    {"munlockall", "munlockall(2)"},
    {"mincore", "mincore(2): one digit per page, 1 resident"},
    {"brk", "the raw brk system call (brk 0 asks for the break): the break"},
    {"name", "prctl(PR_SET_VMA_ANON_NAME): names anonymous memory, [anon:NAME] in maps"},
    {"load", "reads LEN bytes through the process's page tables: the bytes"},
    {"store", "writes the string's bytes through the process's page tables"},
    {"fill", "writes LEN copies of BYTE"},
    {"touch", "one read or write access to each page of the range"},
    {"maps", "/proc/PID/maps"},
    {"smaps", "/proc/PID/smaps"},
    {"status", "the memory lines of /proc/PID/status"},
    {"faults", "the process's minor and major fault counts"},
    {"pagemap", "one line per page: what its page table entry holds (mmkit backend)"},
    {"exec", "execve(2): without PATH an empty address space; with PATH the ELF program"},
    {"exit", "exit(2): the process releases everything and its name ends"},
};

static const struct op_spec *op_find(const char *name, size_t n, int top)
{
	for (int i = 0; i < N_OPS; i++) {
		const struct op_spec *o = &op_specs[i];
		if (!!(o->flags & OPF_TOP) == !!top && strlen(o->name) == n &&
		    memcmp(o->name, name, n) == 0)
			return o;
	}
	return NULL;
}

/* ---- The cursor and errors ---------------------------------------------- */

struct cur {
	const char *p; /* the line, not NUL-terminated */
	size_t len;
	size_t pos;
	int line;
	struct script *s;
	struct script_error *err;
};

/* Records the error at byte pos of the line.  Always returns -1. */
__attribute__((format(printf, 3, 4))) static int fail(struct cur *c, size_t pos, const char *fmt,
						      ...)
{
	struct script_error *e = c->err;
	va_list ap;

	e->line = c->line;
	e->col = (int)(pos > c->len ? c->len : pos) + 1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	size_t n = c->len < sizeof(e->src) - 1 ? c->len : sizeof(e->src) - 1;
	memcpy(e->src, c->p, n);
	e->src[n] = '\0';
	return -1;
}

/* The statement names, for "did you mean" and `help`. */
static void offer_statements(struct suggest *sg)
{
	for (size_t i = 0; i < sizeof(stmt_help) / sizeof(stmt_help[0]); i++)
		if (strcmp(stmt_help[i].name, "NAME"))
			suggest_offer(sg, stmt_help[i].name);
}

/* "; did you mean 'W'?" for a search that found W, else "" (into buf). */
static const char *did_you_mean(const struct suggest *sg, char *buf, size_t len)
{
	buf[0] = '\0';
	if (sg->best)
		snprintf(buf, len, "; did you mean '%s'?", sg->best);
	return buf;
}

static int ch(const struct cur *c)
{
	return c->pos < c->len ? (unsigned char)c->p[c->pos] : -1;
}

static int is_blank(int x)
{
	return x == ' ' || x == '\t';
}

static int is_ident_start(int x)
{
	return x == '_' || (x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z');
}

static int is_ident_char(int x)
{
	return is_ident_start(x) || (x >= '0' && x <= '9');
}

static void skip_blank(struct cur *c)
{
	while (is_blank(ch(c)))
		c->pos++;
}

/* Whether nothing but blanks and a comment is left (skips the blanks). */
static int at_end(struct cur *c)
{
	skip_blank(c);
	return ch(c) == -1 || ch(c) == '#';
}

/* An argument must end at a blank, a comment or the end of the line. */
static int expect_boundary(struct cur *c, const char *what)
{
	int x = ch(c);
	if (x == -1 || x == '#' || is_blank(x))
		return 0;
	if (x >= 0x21 && x < 0x7f)
		return fail(c, c->pos, "unexpected '%c' after %s", x, what);
	return fail(c, c->pos, "unexpected byte 0x%02x after %s", x, what);
}

/* Scans an identifier at the cursor: its length (0 if none there). */
static size_t ident_len(const struct cur *c)
{
	size_t n = 0;
	if (c->pos < c->len && is_ident_start((unsigned char)c->p[c->pos]))
		while (c->pos + n < c->len && is_ident_char((unsigned char)c->p[c->pos + n]))
			n++;
	return n;
}

/* Shortens long names in messages. */
#define NAMEFMT	      "%.*s"
#define NAMEARG(n, p) (int)((n) > 40 ? 40 : (n)), (p)

/* ---- Names -------------------------------------------------------------- */

/* FNV-1a of the name p[0, n). */
static size_t name_hash(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return (size_t)h;
}

static const char *name_key(const struct script *s, const struct name_index *ix, int slot)
{
	return ix->of_procs ? s->procs[slot].name : s->names[slot];
}

/* Where p[0, n) is in ix, or the empty entry where it would go (ix->cap > 0).
 * Counts each name compared in s->name_cmps. */
static size_t index_probe(struct script *s, const struct name_index *ix, const char *p, size_t n)
{
	size_t mask = ix->cap - 1, i = name_hash(p, n) & mask;
	for (; ix->ent[i]; i = (i + 1) & mask) {
		const char *k = name_key(s, ix, ix->ent[i] - 1);
		s->name_cmps++;
		if (strncmp(k, p, n) == 0 && k[n] == '\0')
			return i;
	}
	return i;
}

/* The slot named p[0, n) in ix, or -1. */
static int index_find(struct script *s, const struct name_index *ix, const char *p, size_t n)
{
	if (!ix->cap)
		return -1;
	return ix->ent[index_probe(s, ix, p, n)] - 1;
}

/* Makes room in ix for one more of `have` names, rehashing into a larger
 * array when it would be more than half full.  -1 on OOM (ix unchanged). */
static int index_reserve(struct script *s, struct name_index *ix, int have)
{
	if (((size_t)have + 1) * 2 <= ix->cap)
		return 0;
	struct name_index big = {NULL, ix->cap ? ix->cap * 2 : 16, ix->of_procs};
	if (!(big.ent = calloc(big.cap, sizeof(*big.ent))))
		return -1;
	for (size_t i = 0; i < ix->cap; i++) {
		if (!ix->ent[i])
			continue;
		const char *k = name_key(s, ix, ix->ent[i] - 1);
		big.ent[index_probe(s, &big, k, strlen(k))] = ix->ent[i];
	}
	free(ix->ent);
	*ix = big;
	return 0;
}

/* Enters slot (whose key is already in names[]/procs[]); room reserved. */
static void index_add(struct script *s, struct name_index *ix, int slot)
{
	const char *k = name_key(s, ix, slot);
	ix->ent[index_probe(s, ix, k, strlen(k))] = slot + 1;
}

static int name_find(struct script *s, const char *p, size_t n)
{
	return index_find(s, &s->name_idx, p, n);
}

static int proc_find(struct script *s, const char *p, size_t n)
{
	return index_find(s, &s->proc_idx, p, n);
}

int script_name_slot(struct script *s, const char *name)
{
	return name_find(s, name, strlen(name));
}

/* ---- Numbers ------------------------------------------------------------ */

/* Parses the number token tok[0..n): decimal or 0x hex, then an optional
 * K/M/G/T suffix (either case).  Returns 0, -1 for a malformed number, -2 for
 * one that does not fit in 64 bits. */
static int number_value(const char *tok, size_t n, uint64_t *out)
{
	size_t i = 0;
	unsigned base = 10;
	uint64_t v = 0;
	int digits = 0;

	if (n >= 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < n; i++, digits++) {
		int x = (unsigned char)tok[i];
		unsigned d;
		if (x >= '0' && x <= '9')
			d = (unsigned)(x - '0');
		else if (base == 16 && x >= 'a' && x <= 'f')
			d = (unsigned)(x - 'a' + 10);
		else if (base == 16 && x >= 'A' && x <= 'F')
			d = (unsigned)(x - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -2;
		v = v * base + d;
	}
	if (!digits)
		return -1;
	if (i < n) {
		unsigned shift;
		switch (tok[i]) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		case 't':
		case 'T':
			shift = 40;
			break;
		default:
			return -1;
		}
		if (i + 1 != n)
			return -1;
		if (v > (UINT64_MAX >> shift))
			return -2;
		v <<= shift;
	}
	*out = v;
	return 0;
}

/* Lexes a number token at the cursor (which is at a digit). */
static int lex_number(struct cur *c, uint64_t *out)
{
	size_t start = c->pos, n = 0;
	while (start + n < c->len && is_ident_char((unsigned char)c->p[start + n]))
		n++;
	int r = number_value(c->p + start, n, out);
	if (r == -2)
		return fail(c, start, "number '" NAMEFMT "' does not fit in 64 bits",
			    NAMEARG(n, c->p + start));
	if (r < 0)
		return fail(c, start,
			    "bad number '" NAMEFMT "' (numbers are decimal or 0x hex, "
			    "with an optional K, M, G or T suffix)",
			    NAMEARG(n, c->p + start));
	c->pos = start + n;
	return 0;
}

int script_parse_number(const char *str, uint64_t *out)
{
	return number_value(str, strlen(str), out) == 0 ? 0 : -1;
}

/* ---- Strings ------------------------------------------------------------ */

static int hexval(int x)
{
	if (x >= '0' && x <= '9')
		return x - '0';
	if (x >= 'a' && x <= 'f')
		return x - 'a' + 10;
	if (x >= 'A' && x <= 'F')
		return x - 'A' + 10;
	return -1;
}

/* Decodes one escape sequence; the cursor is at the backslash.  Stores the
 * byte and moves past the sequence. */
static int lex_escape(struct cur *c, unsigned char *out)
{
	size_t bs = c->pos;
	c->pos++;
	int x = ch(c);
	static const char simple[] = "n\n"
				     "t\t"
				     "r\r"
				     "a\a"
				     "b\b"
				     "f\f"
				     "v\v"
				     "e\033"
				     "\\\\"
				     "\"\""
				     "''"
				     "??";

	if (x == -1)
		return fail(c, bs, "unfinished escape at the end of the line");
	for (const char *q = simple; *q; q += 2) {
		if (x == q[0]) {
			*out = (unsigned char)q[1];
			c->pos++;
			return 0;
		}
	}
	if (x == 'x') {
		int v = 0, nd = 0;
		c->pos++;
		while (nd < 2 && hexval(ch(c)) >= 0) {
			v = v * 16 + hexval(ch(c));
			c->pos++;
			nd++;
		}
		if (!nd)
			return fail(c, bs, "'\\x' needs one or two hex digits");
		*out = (unsigned char)v;
		return 0;
	}
	if (x >= '0' && x <= '7') {
		int v = 0, nd = 0;
		while (nd < 3 && ch(c) >= '0' && ch(c) <= '7') {
			v = v * 8 + (ch(c) - '0');
			c->pos++;
			nd++;
		}
		if (v > 255)
			return fail(c, bs, "octal escape '\\%o' is larger than a byte",
				    (unsigned)v);
		*out = (unsigned char)v;
		return 0;
	}
	if (x >= 0x21 && x < 0x7f)
		return fail(c, bs, "unknown escape '\\%c'", x);
	return fail(c, bs, "unknown escape '\\' followed by byte 0x%02x", x);
}

/* A growing byte buffer for a string being lexed. */
struct bytes {
	unsigned char *p;
	size_t n, cap;
};

/* Makes room for `more` bytes and a final NUL; -1 on OOM. */
static int bytes_reserve(struct bytes *b, size_t more)
{
	if (b->n + more + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->n + more + 1)
		cap *= 2;
	unsigned char *q = realloc(b->p, cap);
	if (!q)
		return -1;
	b->p = q;
	b->cap = cap;
	return 0;
}

/* Lexes one "quoted piece" at the cursor, appending its bytes to b. */
static int lex_quoted(struct cur *c, struct bytes *b)
{
	size_t open = c->pos;

	/* A piece is never longer than the rest of the line. */
	if (bytes_reserve(b, c->len - c->pos) < 0)
		return fail(c, open, "out of memory");
	c->pos++;
	for (;;) {
		int x = ch(c);
		if (x == -1)
			return fail(c, open, "unterminated string");
		if (x == '"')
			break;
		if (x == '\\') {
			if (lex_escape(c, &b->p[b->n]) < 0)
				return -1;
			b->n++;
			continue;
		}
		b->p[b->n++] = (unsigned char)x;
		c->pos++;
	}
	c->pos++;
	return 0;
}

/* Whether a string of n bytes may be held: at most STRING_MAX, and for a
 * statement's data (`data`) at most what the script may still hold of
 * SCRIPT_DATA_MAX.  Checked as the string grows, so a string past either
 * cap is refused before it is built.  0, or -1 with the error at `at`. */
static int string_fits(struct cur *c, size_t at, uint64_t n, int data)
{
	if (n > STRING_MAX)
		return fail(c, at, "string longer than %llu bytes", (unsigned long long)STRING_MAX);
	if (data && n > SCRIPT_DATA_MAX - c->s->datatotal)
		return fail(c, at,
			    "the strings of one script may hold %llu bytes in all; "
			    "this one would make %llu",
			    (unsigned long long)SCRIPT_DATA_MAX,
			    (unsigned long long)(c->s->datatotal + n));
	return 0;
}

/* Repeats the last `piece` bytes of b so that they appear `times` times
 * in all (the `"ab"*3` form); `data` as for string_fits. */
static int repeat_piece(struct cur *c, size_t at, struct bytes *b, size_t piece, uint64_t times,
			int data)
{
	if (times == 0 || piece == 0) {
		b->n -= piece;
		return 0;
	}
	uint64_t total =
	    times > (STRING_MAX + 1) / piece ? STRING_MAX + 1 : b->n - piece + piece * times;
	if (string_fits(c, at, total, data) < 0)
		return -1;
	if (bytes_reserve(b, piece * (times - 1)) < 0)
		return fail(c, at, "out of memory");
	unsigned char *src = b->p + b->n - piece;
	for (uint64_t i = 1; i < times; i++, b->n += piece)
		memcpy(b->p + b->n, src, piece);
	return 0;
}

/*
 * Lexes a string at the cursor into a malloc'd buffer (with a NUL after the
 * last byte, not counted in *len):
 *     string := piece (blank+ piece)*      piece := "quoted" ['*' COUNT]
 * Pieces are concatenated; "ab"*3 is "ababab" (COUNT is a plain number).
 * `data`: the string is a statement's data (see string_fits).
 */
static int lex_string(struct cur *c, unsigned char **out, size_t *len, int data)
{
	struct bytes b = {NULL, 0, 0};

	for (;;) {
		size_t before = b.n, open = c->pos;
		if (lex_quoted(c, &b) < 0)
			goto fail;
		if (string_fits(c, open, b.n, data) < 0)
			goto fail;
		if (ch(c) == '*') {
			size_t at = ++c->pos;
			uint64_t times;
			if (!(ch(c) >= '0' && ch(c) <= '9')) {
				fail(c, at, "expected a repeat count after '*'");
				goto fail;
			}
			if (lex_number(c, &times) < 0 ||
			    repeat_piece(c, at, &b, b.n - before, times, data) < 0)
				goto fail;
		}
		if (expect_boundary(c, "a string") < 0)
			goto fail;
		size_t save = c->pos;
		skip_blank(c);
		if (ch(c) != '"') {
			c->pos = save;
			break;
		}
	}
	if (bytes_reserve(&b, 0) < 0) {
		fail(c, c->pos, "out of memory");
		goto fail;
	}
	b.p[b.n] = '\0';
	*out = b.p;
	*len = b.n;
	return 0;
fail:
	free(b.p);
	return -1;
}

/* A string with no NUL inside (a path or a VMA name); `what` for messages. */
static int lex_cstring(struct cur *c, const char *what, char **out)
{
	size_t start = c->pos, n;
	unsigned char *buf;

	if (lex_string(c, &buf, &n, 0) < 0)
		return -1;
	if (memchr(buf, '\0', n)) {
		free(buf);
		return fail(c, start, "a %s cannot contain a NUL byte", what);
	}
	*out = (char *)buf;
	return 0;
}

/* A path: a quoted string, or a bare word running up to a blank or '#'. */
static int lex_path(struct cur *c, char **out)
{
	size_t start = c->pos, n = 0;

	if (ch(c) == '"')
		return lex_cstring(c, "path", out);
	while (start + n < c->len && !is_blank((unsigned char)c->p[start + n]) &&
	       c->p[start + n] != '#' && c->p[start + n] != '"')
		n++;
	if (!n)
		return fail(c, start, "expected a path");
	if (!(*out = strndup(c->p + start, n)))
		return fail(c, start, "out of memory");
	c->pos += n;
	if (expect_boundary(c, "a path") < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The paths up to the end of the line, each NUL-terminated, one after the
 * other in *out (exec's ARGS); none is an empty list. */
static int lex_path_list(struct cur *c, unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	while (!at_end(c)) {
		char *one;
		if (lex_path(c, &one) < 0) {
			free(buf);
			return -1;
		}
		size_t n = strlen(one) + 1;
		unsigned char *nb = realloc(buf, len + n);
		if (!nb) {
			free(one);
			free(buf);
			return fail(c, c->pos, "out of memory");
		}
		memcpy(nb + len, one, n);
		free(one);
		buf = nb;
		len += n;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* ---- Expressions -------------------------------------------------------- */

/* A character constant 'c' (with the string escapes) as a number. */
static int lex_char(struct cur *c, uint64_t *out)
{
	size_t open = c->pos;
	unsigned char b;

	c->pos++;
	if (ch(c) == -1 || ch(c) == '\'')
		return fail(c, open,
			    ch(c) == -1 ? "unterminated character constant"
					: "empty character constant");
	if (ch(c) == '\\') {
		if (lex_escape(c, &b) < 0)
			return -1;
	} else {
		b = (unsigned char)ch(c);
		c->pos++;
	}
	if (ch(c) != '\'')
		return fail(c, open, "unterminated character constant");
	c->pos++;
	*out = b;
	return 0;
}

/* One term of an expression, added to e with the given sign. */
static int parse_term(struct cur *c, struct sexpr *e, int neg)
{
	size_t start = c->pos, n;
	uint64_t v = 0;
	int x = ch(c);

	if (x >= '0' && x <= '9') {
		if (lex_number(c, &v) < 0)
			return -1;
	} else if (x == '\'') {
		if (lex_char(c, &v) < 0)
			return -1;
	} else if ((n = ident_len(c)) > 0) {
		int slot = name_find(c->s, c->p + start, n);
		if (slot < 0) {
			if (proc_find(c->s, c->p + start, n) >= 0)
				return fail(c, start, "'" NAMEFMT "' is a process, not a value",
					    NAMEARG(n, c->p + start));
			struct suggest sg = suggest_begin(c->p + start, n);
			char mean[SUGGEST_LEN_MAX + 32];
			for (int i = 0; i < c->s->nnames; i++)
				suggest_offer(&sg, c->s->names[i]);
			return fail(c, start, "unbound name '" NAMEFMT "'%s",
				    NAMEARG(n, c->p + start),
				    did_you_mean(&sg, mean, sizeof(mean)));
		}
		if (e->nref == SEXPR_MAX_REFS)
			return fail(c, start, "more than %d names in one expression",
				    SEXPR_MAX_REFS);
		e->ref[e->nref].slot = slot;
		e->ref[e->nref].neg = neg;
		e->nref++;
		c->pos += n;
		return 0;
	} else {
		return fail(c, start, "expected a number or a name");
	}
	e->k = neg ? e->k - v : e->k + v;
	return 0;
}

/* expr := ['+'|'-'] term (('+'|'-') term)*, with no blanks inside. */
static int parse_expr(struct cur *c, struct sexpr *e)
{
	int neg = 0;

	memset(e, 0, sizeof(*e));
	if (ch(c) == '-' || ch(c) == '+')
		neg = c->p[c->pos++] == '-';
	for (;;) {
		if (parse_term(c, e, neg) < 0)
			return -1;
		if (ch(c) != '-' && ch(c) != '+')
			break;
		neg = c->p[c->pos++] == '-';
	}
	return expect_boundary(c, "an expression");
}

static void sexpr_const(struct sexpr *e, int64_t v)
{
	memset(e, 0, sizeof(*e));
	e->k = (uint64_t)v;
}

/* A byte: a constant expression 0..255 (a number or 'c'). */
static int parse_byte(struct cur *c, struct sexpr *e)
{
	size_t start = c->pos;
	if (parse_expr(c, e) < 0)
		return -1;
	if (e->nref)
		return fail(c, start, "a byte must be a constant, not a name");
	if (e->k > 255)
		return fail(c, start, "a byte must be 0..255");
	return 0;
}

/* ---- Flag words --------------------------------------------------------- */

static int word_match(const struct wordset *ws, const struct word *w, const char *p, size_t n)
{
	size_t pl = strlen(ws->cprefix), wl = strlen(w->name);
	if (n == wl && strncasecmp(p, w->name, n) == 0)
		return 1;
	return pl && n == pl + wl && strncasecmp(p, ws->cprefix, pl) == 0 &&
	       strncasecmp(p + pl, w->name, wl) == 0;
}

/* Lists a wordset's words into buf for an error message. */
static void word_list(const struct wordset *ws, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < ws->n && used + 1 < len; i++) {
		int r = snprintf(buf + used, len - used, "%s%s", i ? " " : "", ws->w[i].name);
		if (r < 0)
			break;
		used += (size_t)r;
	}
}

/* One piece of a flags argument: a word of ws or a number. */
static int parse_flag_piece(struct cur *c, const struct wordset *ws, uint64_t *out)
{
	size_t start = c->pos, n = 0;
	char list[sizeof(c->err->msg) / 2], mean[SUGGEST_LEN_MAX + 32];

	while (start + n < c->len && is_ident_char((unsigned char)c->p[start + n]))
		n++;
	for (int i = 0; i < ws->n; i++) {
		if (word_match(ws, &ws->w[i], c->p + start, n)) {
			*out = ws->w[i].value;
			c->pos += n;
			return 0;
		}
	}
	if (n && c->p[start] >= '0' && c->p[start] <= '9')
		return lex_number(c, out);
	word_list(ws, list, sizeof(list));
	if (!n)
		return fail(c, start, "expected %s (one of: %s)", ws->what, list);
	struct suggest sg = suggest_begin(c->p + start, n);
	for (int i = 0; i < ws->n; i++)
		suggest_offer(&sg, ws->w[i].name);
	return fail(c, start, "unknown %s '" NAMEFMT "' (one of: %s)%s", ws->what,
		    NAMEARG(n, c->p + start), list, did_you_mean(&sg, mean, sizeof(mean)));
}

/* flags := piece ('|' piece)*, for orable sets; else exactly one piece. */
static int parse_flags(struct cur *c, const struct wordset *ws, struct sexpr *e)
{
	uint64_t v;

	memset(e, 0, sizeof(*e));
	for (;;) {
		if (parse_flag_piece(c, ws, &v) < 0)
			return -1;
		e->k |= v;
		if (ch(c) != '|')
			break;
		if (!ws->orable)
			return fail(c, c->pos, "only one %s can be given", ws->what);
		c->pos++;
	}
	return expect_boundary(c, ws->what);
}

/* The wordset of signature character k, or NULL; aw is the room for the
 * advice words ('a'). */
static const struct wordset *sig_wordset(char k, struct advice_words *aw)
{
	switch (k) {
	case 'p':
		return &ws_prot;
	case 'm':
		return &ws_map;
	case 'r':
		return &ws_mremap;
	case 's':
		return &ws_msync;
	case 'o':
		return &ws_open;
	case 'l':
		return &ws_mcl;
	case 'k':
		return &ws_mlock;
	case 'a':
		return advice_wordset(aw);
	case 'f':
		return &ws_fadvise;
	case 't':
		return &ws_access;
	default:
		return NULL;
	}
}

/* ---- Statements --------------------------------------------------------- */

/* What a line does to the script's names and processes, applied on commit. */
struct effects {
	const char *bind; /* name bound to the result (not NUL-terminated) */
	size_t bindlen;
	const char *spawn; /* process created by spawn, or fork's child */
	size_t spawnlen;
	int exit_proc; /* process ended by exit, or -1 */
};

static void stmt_release(struct stmt *st)
{
	free(st->text);
	free(st->path);
	free(st->data);
}

/* Copies word i of an op's usage (arguments only, brackets dropped). */
static void usage_arg(const struct op_spec *o, int i, char *buf, size_t len)
{
	const char *u = strchr(o->usage, ' ');
	int k = 0;

	snprintf(buf, len, "an argument");
	while (u && *u) {
		while (*u == ' ' || *u == '[' || *u == ']')
			u++;
		size_t n = strcspn(u, " []");
		if (!n)
			break;
		if (k++ == i) {
			snprintf(buf, len, "%.*s", (int)n, u);
			return;
		}
		u += n;
	}
}

/* Parses the arguments of operation o into st, per o->sig. */
static int parse_args(struct cur *c, const struct op_spec *o, struct stmt *st)
{
	int ai = 0, optional = 0, argno = 0;
	char what[40];

	for (int i = 0; i < 6; i++)
		sexpr_const(&st->arg[i], o->dflt[i]);
	for (const char *k = o->sig; *k; k++) {
		if (*k == '[') {
			optional = 1;
			continue;
		}
		if (at_end(c)) {
			if (optional)
				break;
			usage_arg(o, argno, what, sizeof(what));
			return fail(c, c->pos, "missing %s (usage: %s)", what, o->usage);
		}
		struct advice_words aw;
		const struct wordset *ws = sig_wordset(*k, &aw);
		int r;
		if (ws)
			r = parse_flags(c, ws, &st->arg[ai++]);
		else if (*k == 'e')
			r = parse_expr(c, &st->arg[ai++]);
		else if (*k == 'b')
			r = parse_byte(c, &st->arg[ai++]);
		else if (*k == 'P')
			r = lex_path(c, &st->path);
		else if (*k == 'A')
			r = lex_path_list(c, &st->data, &st->datalen);
		else if (*k == 'N')
			r = ch(c) == '"' ? lex_cstring(c, "VMA name", &st->path)
					 : fail(c, c->pos, "expected a \"quoted\" name");
		else if (ch(c) != '"')
			r = fail(c, c->pos, "expected a \"quoted string\"");
		else
			r = lex_string(c, &st->data, &st->datalen, 1);
		if (r < 0)
			return -1;
		argno++;
	}
	for (const char *k = o->sig; *k; k++)
		if (*k != '[' && *k != 'S' && *k != 'P' && *k != 'N' && *k != 'A')
			st->nargs++;
	if (!at_end(c))
		return fail(c, c->pos, "too many arguments (usage: %s)", o->usage);
	return 0;
}

/* `file PATH [size=N] [fill=BYTE] [text="..."]`: a[0]=size (default: the
 * text's length), a[1]=fill byte or -1, data=text. */
static int parse_file(struct cur *c, struct stmt *st)
{
	int have_size = 0, have_fill = 0, have_text = 0;

	st->op = BK_FILE;
	st->nargs = 2;
	sexpr_const(&st->arg[1], -1);
	if (at_end(c))
		return fail(c, c->pos, "missing PATH (usage: %s)", top_usage[0]);
	if (lex_path(c, &st->path) < 0)
		return -1;
	while (!at_end(c)) {
		size_t start = c->pos, n = ident_len(c);
		int *seen;
		if (n == 4 && !memcmp(c->p + start, "size", 4))
			seen = &have_size;
		else if (n == 4 && !memcmp(c->p + start, "fill", 4))
			seen = &have_fill;
		else if (n == 4 && !memcmp(c->p + start, "text", 4))
			seen = &have_text;
		else
			return fail(c, start, "expected size=, fill= or text= (usage: %s)",
				    top_usage[0]);
		if (*seen)
			return fail(c, start, "'" NAMEFMT "' given twice",
				    NAMEARG(n, c->p + start));
		*seen = 1;
		c->pos += n;
		if (ch(c) != '=')
			return fail(c, c->pos, "expected '=' after '" NAMEFMT "'",
				    NAMEARG(n, c->p + start));
		c->pos++;
		int r;
		if (seen == &have_size)
			r = parse_expr(c, &st->arg[0]);
		else if (seen == &have_fill)
			r = parse_byte(c, &st->arg[1]);
		else if (ch(c) != '"')
			r = fail(c, c->pos, "expected a \"quoted string\" after text=");
		else
			r = lex_string(c, &st->data, &st->datalen, 1);
		if (r < 0)
			return -1;
	}
	if (!have_size)
		sexpr_const(&st->arg[0], (int64_t)st->datalen);
	return 0;
}

/* `program NAME [PATH]`: a `file` statement whose bytes are the test
 * program NAME's (tests/progs), read by the driver when it runs:
 * a[2] = 1 says so, data = NAME, path = PATH (default NAME). */
static int parse_program(struct cur *c, struct stmt *st)
{
	char *name = NULL;

	st->op = BK_FILE;
	st->nargs = 3;
	sexpr_const(&st->arg[1], -1);
	sexpr_const(&st->arg[2], 1);
	if (at_end(c))
		return fail(c, c->pos, "missing NAME (usage: %s)", top_usage[1]);
	size_t start = c->pos;
	if (lex_path(c, &name) < 0)
		return -1;
	if (!*name || strchr(name, '/')) {
		free(name);
		return fail(c, start, "a program NAME has no '/' (usage: %s)", top_usage[1]);
	}
	st->data = (unsigned char *)name;
	st->datalen = strlen(name);
	if (!at_end(c))
		return lex_path(c, &st->path);
	st->path = strdup(name);
	if (!st->path) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	return 0;
}

/* The process named by line[start, start+n) must exist and be alive. */
static int lookup_live_proc(struct cur *c, size_t start, size_t n, int *slot)
{
	*slot = proc_find(c->s, c->p + start, n);
	if (*slot < 0) {
		if (name_find(c->s, c->p + start, n) >= 0)
			return fail(c, start, "'" NAMEFMT "' is a value, not a process",
				    NAMEARG(n, c->p + start));
		struct suggest sg = suggest_begin(c->p + start, n);
		char mean[SUGGEST_LEN_MAX + 32];
		for (int i = 0; i < c->s->nprocs; i++)
			suggest_offer(&sg, c->s->procs[i].name);
		return fail(c, start,
			    "unknown process '" NAMEFMT "' (create it with spawn or fork)%s",
			    NAMEARG(n, c->p + start), did_you_mean(&sg, mean, sizeof(mean)));
	}
	if (!c->s->procs[*slot].alive)
		return fail(c, start, "process '" NAMEFMT "' has exited (line %d)",
			    NAMEARG(n, c->p + start), c->s->procs[*slot].exit_line);
	return 0;
}

/* A process name at the cursor that must be alive. */
static int parse_live_proc(struct cur *c, int *slot)
{
	size_t start = c->pos, n = ident_len(c);

	if (!n)
		return fail(c, start, "expected a process name");
	if (lookup_live_proc(c, start, n, slot) < 0)
		return -1;
	c->pos += n;
	return expect_boundary(c, "a process name");
}

/* A process name at the cursor that spawn or fork is about to create. */
static int parse_new_proc(struct cur *c, struct effects *fx)
{
	size_t start = c->pos, n = ident_len(c);
	int slot;

	if (!n)
		return fail(c, start, "expected a process name");
	if (name_find(c->s, c->p + start, n) >= 0)
		return fail(c, start, "'" NAMEFMT "' is already a value name",
			    NAMEARG(n, c->p + start));
	slot = proc_find(c->s, c->p + start, n);
	if (slot >= 0 && c->s->procs[slot].alive)
		return fail(c, start, "process '" NAMEFMT "' already exists",
			    NAMEARG(n, c->p + start));
	fx->spawn = c->p + start;
	fx->spawnlen = n;
	c->pos += n;
	return expect_boundary(c, "a process name");
}

/* A name about to be bound (`NAME =`): must not be a process name. */
static int check_bind_name(struct cur *c, size_t start, size_t n, struct effects *fx)
{
	if (proc_find(c->s, c->p + start, n) >= 0)
		return fail(c, start, "'" NAMEFMT "' is a process name", NAMEARG(n, c->p + start));
	fx->bind = c->p + start;
	fx->bindlen = n;
	return 0;
}

/* `P: [NAME =] OP ARGS...`; the cursor is just after the colon. */
static int parse_proc_stmt(struct cur *c, int proc, struct stmt *st, struct effects *fx)
{
	size_t start, n;
	const struct op_spec *o;

	st->proc = proc;
	skip_blank(c);
	start = c->pos;
	n = ident_len(c);
	if (!n)
		return fail(c, start, "expected an operation after ':'");
	c->pos += n;
	skip_blank(c);
	if (ch(c) != '=') {
		c->pos = start + n;
	} else {
		if (check_bind_name(c, start, n, fx) < 0)
			return -1;
		c->pos++;
		skip_blank(c);
		start = c->pos;
		n = ident_len(c);
		if (!n)
			return fail(c, start, "expected an operation after '='");
		c->pos += n;
	}
	o = op_find(c->p + start, n, 0);
	if (!o) {
		if (op_find(c->p + start, n, 1) || (n == 4 && !memcmp(c->p + start, "file", 4)) ||
		    (n == 7 && !memcmp(c->p + start, "program", 7)) ||
		    (n == 5 && !memcmp(c->p + start, "spawn", 5)) ||
		    (n == 4 && !memcmp(c->p + start, "fork", 4)))
			return fail(c, start,
				    "'" NAMEFMT "' is a top-level statement: write it "
				    "without 'P:'",
				    NAMEARG(n, c->p + start));
		struct suggest sg = suggest_begin(c->p + start, n);
		char mean[SUGGEST_LEN_MAX + 32];
		for (int i = 0; i < N_OPS; i++)
			if (!(op_specs[i].flags & OPF_TOP))
				suggest_offer(&sg, op_specs[i].name);
		return fail(c, start, "unknown operation '" NAMEFMT "'%s", NAMEARG(n, c->p + start),
			    did_you_mean(&sg, mean, sizeof(mean)));
	}
	if (fx->bind && !(o->flags & OPF_BIND))
		return fail(c, start, "'%s' has no value to bind to a name", o->name);
	if (expect_boundary(c, "the operation") < 0)
		return -1;
	st->op = o->code;
	if (parse_args(c, o, st) < 0)
		return -1;
	if (o->code == BK_EXIT)
		fx->exit_proc = proc;
	return 0;
}

/* A statement that starts with the word w (already consumed) at top level. */
static int parse_top_stmt(struct cur *c, size_t start, size_t n, struct stmt *st,
			  struct effects *fx)
{
	const char *w = c->p + start;
	const struct op_spec *o;

	if (expect_boundary(c, "the statement") < 0)
		return -1;
	if (n == 5 && !memcmp(w, "spawn", 5)) {
		st->kind = STMT_SPAWN;
		if (at_end(c))
			return fail(c, c->pos, "missing P (usage: spawn P)");
		if (parse_new_proc(c, fx) < 0)
			return -1;
	} else if (n == 4 && !memcmp(w, "fork", 4)) {
		st->kind = STMT_FORK;
		if (at_end(c))
			return fail(c, c->pos, "missing P (usage: fork P Q)");
		if (parse_live_proc(c, &st->proc) < 0)
			return -1;
		if (at_end(c))
			return fail(c, c->pos, "missing Q (usage: fork P Q)");
		if (parse_new_proc(c, fx) < 0)
			return -1;
	} else if (n == 4 && !memcmp(w, "file", 4)) {
		return parse_file(c, st);
	} else if (n == 7 && !memcmp(w, "program", 7)) {
		if (parse_program(c, st) < 0)
			return -1;
	} else if ((o = op_find(w, n, 1)) != NULL) {
		st->op = o->code;
		return parse_args(c, o, st);
	} else if (op_find(w, n, 0)) {
		return fail(c, start, "'" NAMEFMT "' runs in a process: write 'P: " NAMEFMT " ...'",
			    NAMEARG(n, w), NAMEARG(n, w));
	} else if (proc_find(c->s, w, n) >= 0) {
		return fail(c, c->pos, "expected ':' after process name '" NAMEFMT "'",
			    NAMEARG(n, w));
	} else {
		struct suggest sg = suggest_begin(w, n);
		char mean[SUGGEST_LEN_MAX + 32];
		offer_statements(&sg);
		return fail(c, start, "unknown statement '" NAMEFMT "'%s", NAMEARG(n, w),
			    did_you_mean(&sg, mean, sizeof(mean)));
	}
	if (!at_end(c))
		return fail(c, c->pos, "too many arguments");
	return 0;
}

/* `NAME = EXPR` at top level; the cursor is at the '='. */
static int parse_let(struct cur *c, size_t start, size_t n, struct stmt *st, struct effects *fx)
{
	if (check_bind_name(c, start, n, fx) < 0)
		return -1;
	st->kind = STMT_LET;
	st->nargs = 1;
	c->pos++;
	skip_blank(c);
	if (at_end(c))
		return fail(c, c->pos, "missing EXPR (usage: NAME = EXPR)");
	if (parse_expr(c, &st->arg[0]) < 0)
		return -1;
	if (!at_end(c))
		return fail(c, c->pos, "unexpected text after the expression");
	return 0;
}

/* Rejects bytes that have no place in a script: control characters other
 * than tab anywhere, and non-ASCII bytes outside strings and paths are left
 * to the token rules. */
static int check_line_bytes(struct cur *c)
{
	for (size_t i = 0; i < c->len; i++) {
		unsigned char x = (unsigned char)c->p[i];
		if ((x < 0x20 && x != '\t') || x == 0x7f)
			return fail(c, i, "control character 0x%02x in the script", x);
	}
	return 0;
}

/* Parses the line into st and fx.  Returns 1 for a statement, 0 for none. */
static int parse_stmt(struct cur *c, struct stmt *st, struct effects *fx)
{
	size_t start, n;
	int proc;

	if (check_line_bytes(c) < 0)
		return -1;
	if (at_end(c))
		return 0;
	start = c->pos;
	n = ident_len(c);
	if (!n)
		return fail(c, start, "expected a statement");
	c->pos += n;
	skip_blank(c);
	if (ch(c) == ':') {
		if (lookup_live_proc(c, start, n, &proc) < 0)
			return -1;
		c->pos++;
		return parse_proc_stmt(c, proc, st, fx) < 0 ? -1 : 1;
	}
	if (ch(c) == '=')
		return parse_let(c, start, n, st, fx) < 0 ? -1 : 1;
	c->pos = start + n;
	return parse_top_stmt(c, start, n, st, fx) < 0 ? -1 : 1;
}

/* ---- Committing a line -------------------------------------------------- */

static int grow(void **arr, int *cap, int need, size_t elem)
{
	if (need <= *cap)
		return 0;
	int ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*arr, (size_t)ncap * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Applies a parsed line to s: binds its name, creates or ends its process,
 * appends st (taking its memory).  All memory is reserved first, so on
 * failure (-1) s is unchanged and st is still the caller's. */
static int commit_stmt(struct script *s, struct stmt *st, const struct effects *fx)
{
	int bslot = -1, pslot = -1;
	char *bname = NULL, *pname = NULL;

	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		struct stmt *p = realloc(s->stmt, ncap * sizeof(*p));
		if (!p)
			return -1;
		s->stmt = p;
		s->cap = ncap;
	}
	if (fx->bind && (bslot = name_find(s, fx->bind, fx->bindlen)) < 0) {
		if (grow((void **)&s->names, &s->capnames, s->nnames + 1, sizeof(char *)) < 0 ||
		    index_reserve(s, &s->name_idx, s->nnames) < 0 ||
		    !(bname = strndup(fx->bind, fx->bindlen)))
			return -1;
	}
	if (fx->spawn && (pslot = proc_find(s, fx->spawn, fx->spawnlen)) < 0) {
		if (grow((void **)&s->procs, &s->capprocs, s->nprocs + 1, sizeof(*s->procs)) < 0 ||
		    index_reserve(s, &s->proc_idx, s->nprocs) < 0 ||
		    !(pname = strndup(fx->spawn, fx->spawnlen))) {
			free(bname);
			return -1;
		}
	}
	/* Nothing can fail from here on. */
	if (bname) {
		bslot = s->nnames;
		s->names[s->nnames++] = bname;
		index_add(s, &s->name_idx, bslot);
	}
	if (pname) {
		pslot = s->nprocs;
		s->procs[s->nprocs++] = (struct script_proc){pname, 0, 0};
		index_add(s, &s->proc_idx, pslot);
	}
	s->datatotal += st->datalen;
	st->bind = bslot;
	if (fx->spawn) {
		s->procs[pslot].alive = 1;
		if (st->kind == STMT_SPAWN)
			st->proc = pslot;
		else
			st->proc2 = pslot;
	}
	if (fx->exit_proc >= 0) {
		s->procs[fx->exit_proc].alive = 0;
		s->procs[fx->exit_proc].exit_line = st->line;
	}
	s->stmt[s->n++] = *st;
	return 0;
}

/* ---- Entry points ------------------------------------------------------- */

struct script *script_new(const char *filename)
{
	struct script *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->filename = strdup(filename ? filename : "<script>");
	if (!s->filename) {
		free(s);
		return NULL;
	}
	s->proc_idx.of_procs = 1;
	return s;
}

void script_free(struct script *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		stmt_release(&s->stmt[i]);
	for (int i = 0; i < s->nnames; i++)
		free(s->names[i]);
	for (int i = 0; i < s->nprocs; i++)
		free(s->procs[i].name);
	free(s->stmt);
	free(s->names);
	free(s->procs);
	free(s->name_idx.ent);
	free(s->proc_idx.ent);
	free(s->filename);
	free(s);
}

/* The statement's text: line[0, end) without the blanks around.  (A parsed
 * statement ends with the cursor at its comment or the end of the line.) */
static char *stmt_text(const char *line, size_t end)
{
	size_t a = 0, b = end;

	while (a < b && is_blank((unsigned char)line[a]))
		a++;
	while (b > a && is_blank((unsigned char)line[b - 1]))
		b--;
	return strndup(line + a, b - a);
}

int script_parse_line(struct script *s, const char *line, size_t len, int lineno,
		      struct script_error *err)
{
	struct cur c = {line, len, 0, lineno, s, err};
	struct stmt st;
	struct effects fx = {NULL, 0, NULL, 0, -1};
	int r;

	memset(&st, 0, sizeof(st));
	st.line = lineno;
	st.kind = STMT_OP;
	st.proc = st.proc2 = st.bind = -1;
	r = parse_stmt(&c, &st, &fx);
	if (r <= 0) {
		stmt_release(&st);
		return r;
	}
	st.text = stmt_text(line, c.pos);
	if (!st.text || commit_stmt(s, &st, &fx) < 0) {
		stmt_release(&st);
		return fail(&c, 0, "out of memory");
	}
	return 1;
}

int script_parse_string(const char *filename, const char *text, size_t len, struct script **out,
			struct script_error *err)
{
	struct script *s = script_new(filename);
	size_t pos = 0;
	int lineno = 0;

	*out = NULL;
	if (!s) {
		*err = (struct script_error){0, 0, "out of memory", ""};
		return -1;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		size_t linelen = n;
		if (linelen && text[pos + linelen - 1] == '\r')
			linelen--;
		if (lineno == INT32_MAX - 1 ||
		    script_parse_line(s, text + pos, linelen, ++lineno, err) < 0) {
			script_free(s);
			return -1;
		}
		pos += n + (nl != NULL);
	}
	*out = s;
	return 0;
}

/* Reads all of f into a malloc'd buffer; NULL with errno on failure. */
static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	errno = 0;

	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *p = realloc(buf, cap * 2);
		if (!p) {
			free(buf);
			errno = ENOMEM;
			return NULL;
		}
		buf = p;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		int e = errno;
		free(buf);
		errno = e ? e : EIO;
		return NULL;
	}
	*len = n;
	return buf;
}

int script_parse_file(const char *path, struct script **out, struct script_error *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	size_t len = 0;
	char *text;
	int r;

	*out = NULL;
	if (!f) {
		*err = (struct script_error){0, 0, "", ""};
		snprintf(err->msg, sizeof(err->msg), "cannot open: %s", strerror(errno));
		return -1;
	}
	text = read_all(f, &len);
	if (!text) {
		*err = (struct script_error){0, 0, "", ""};
		snprintf(err->msg, sizeof(err->msg), "cannot read: %s", strerror(errno));
	}
	if (!is_stdin)
		fclose(f);
	if (!text)
		return -1;
	r = script_parse_string(is_stdin ? "<stdin>" : path, text, len, out, err);
	free(text);
	return r;
}

void script_error_print(FILE *f, const char *filename, const struct script_error *err)
{
	if (err->line <= 0) {
		fprintf(f, "%s: error: %s\n", filename, err->msg);
		return;
	}
	fprintf(f, "%s:%d:%d: error: %s\n", filename, err->line, err->col, err->msg);
	fprintf(f, "%5d | %s\n      | ", err->line, err->src);
	for (int i = 0; i + 1 < err->col && err->src[i]; i++)
		fputc(err->src[i] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

/* The usage line of the statement called name: its top-level form first. */
static const char *stmt_usage(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(top_usage) / sizeof(top_usage[0]); i++)
		if (!strncmp(top_usage[i], name, n) && top_usage[i][n] == ' ')
			return top_usage[i];
	for (int i = 0; i < N_OPS; i++)
		if (!strcmp(op_specs[i].name, name))
			return op_specs[i].usage;
	return !strcmp(name, "NAME") ? top_usage[sizeof(top_usage) / sizeof(top_usage[0]) - 1]
				     : NULL;
}

int script_print_help(FILE *f, const char *name)
{
	for (size_t i = 0; i < sizeof(stmt_help) / sizeof(stmt_help[0]); i++) {
		if (strcmp(stmt_help[i].name, name))
			continue;
		const char *in_proc = op_find(name, strlen(name), 0) ? "P: " : "";
		fprintf(f, "%s%s\n  %s\n", in_proc, stmt_usage(name), stmt_help[i].meaning);
		return 0;
	}
	struct suggest sg = suggest_begin(name, strlen(name));
	offer_statements(&sg);
	fprintf(f, "no statement '%s'", name);
	if (sg.best)
		fprintf(f, "; did you mean '%s'?", sg.best);
	fputs(" (help lists them all)\n", f);
	return -1;
}

void script_print_usage(FILE *f)
{
	fprintf(f, "Top level:\n");
	for (size_t i = 0; i < sizeof(top_usage) / sizeof(top_usage[0]); i++)
		fprintf(f, "  %s\n", top_usage[i]);
	fprintf(f, "In a process (P: [NAME =] OP ARGS...):\n");
	for (int i = 0; i < N_OPS; i++)
		if (!(op_specs[i].flags & OPF_TOP))
			fprintf(f, "  %s\n", op_specs[i].usage);
}
