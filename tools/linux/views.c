/*
 * views.c - /proc/self/{maps,smaps,status} as the script process sees its
 * own memory: the server's hidden mappings left out (docs/CHECK.md).
 *
 *   maps   the host's lines, minus every line whose range lies inside one
 *          hidden range; a path under the run directory is shown relative
 *          to it ("/run/dir/a" -> "/a"), as mmkit, whose root is that
 *          directory, shows it.
 *   smaps  the same for whole entries (header line and its fields).
 *   status the memory lines, each the host's value minus what the hidden
 *          mappings contribute to it, that contribution being read from
 *          their smaps entries at the same moment (table in view_status).
 *
 * A line that only partly overlaps a hidden range (something merged into
 * one) is shown as it is: the difference then shows instead of hiding.
 */
#include <errno.h>
#include <string.h>

#include "server.h"

/* srv->procdir's file name, e.g. "/proc/self/maps", in srv's buffer. */
static const char *proc_file(struct server *srv, const char *name)
{
	static char path[64];
	struct obuf ob;

	ob_init(&ob, path, sizeof(path) - 1);
	ob_puts(&ob, srv->procdir);
	ob_puts(&ob, "/");
	ob_puts(&ob, name);
	path[ob.len] = '\0';
	return path;
}

/* Copies a maps line (or smaps header), rewriting its path. */
static void put_maps_line(struct server *srv, struct obuf *ob, const char *s,
			  const struct maps_line *ml)
{
	ob_putn(ob, s, (size_t)(ml->name - s));
	put_path(srv, ob, ml->name, ml->name_end);
	ob_putn(ob, "\n", 1);
}

/* The next line of text at *s: [*s, returned end); *s moves past it. */
static const char *next_line(const char **s, const char **start)
{
	const char *e = line_end(*s);

	*start = *s;
	*s = *e ? e + 1 : e;
	return e;
}

int view_maps(struct server *srv, struct obuf *ob)
{
	int64_t n = read_file(proc_file(srv, "maps"), srv->raw, sizeof(srv->raw));
	const char *s = srv->raw, *l, *e;

	if (n < 0)
		return (int)n;
	while (*s) {
		struct maps_line ml;

		e = next_line(&s, &l);
		if (!maps_parse(l, e, &ml))
			continue;
		if (!range_hidden(srv, ml.start, ml.end))
			put_maps_line(srv, ob, l, &ml);
	}
	return ob->overflow ? -EMSGSIZE : 0;
}

int view_smaps(struct server *srv, struct obuf *ob)
{
	int64_t n = read_file(proc_file(srv, "smaps"), srv->raw, sizeof(srv->raw));
	const char *s = srv->raw, *l, *e;
	int hide = 0;

	if (n < 0)
		return (int)n;
	while (*s) {
		struct maps_line ml;

		e = next_line(&s, &l);
		if (maps_parse(l, e, &ml)) {
			hide = range_hidden(srv, ml.start, ml.end);
			if (!hide)
				put_maps_line(srv, ob, l, &ml);
		} else if (!hide) {
			ob_putn(ob, l, (size_t)(e - l));
			ob_putn(ob, "\n", 1);
		}
	}
	return ob->overflow ? -EMSGSIZE : 0;
}

/* What the hidden mappings add to the status lines, in kB. */
struct hidden_sums {
	uint64_t size, rss, anon, shmem, swap, lck, data, stk, exec;
};

/* Whether a VmFlags line [s, e) holds the two-letter flag f. */
static int has_flag(const char *s, const char *e, const char *f)
{
	for (s += strlen("VmFlags:"); s + 2 <= e; s++)
		if (s[0] == f[0] && s[1] == f[1] && (s[-1] == ' ') && (s + 2 == e || s[2] == ' '))
			return 1;
	return 0;
}

/* The kB value of a smaps field line "Name:   123 kB". */
static uint64_t field_kb(const char *s, const char *e)
{
	const char *p = memchr(s, ':', (size_t)(e - s));

	if (!p)
		return 0;
	p++;
	return parse_dec(&p);
}

/* Adds one hidden smaps entry's contribution; called at its VmFlags line,
 * the last of an entry, with the entry's fields gathered so far. */
static void add_hidden(struct hidden_sums *h, const struct hidden_sums *e, const char *fl,
		       const char *fe)
{
	int wr = has_flag(fl, fe, "wr"), sh = has_flag(fl, fe, "sh");
	int gd = has_flag(fl, fe, "gd"), ex = has_flag(fl, fe, "ex");

	h->size += e->size;
	h->rss += e->rss;
	h->anon += e->anon;
	h->swap += e->swap;
	if (sh)
		h->shmem += e->rss - e->anon;
	if (has_flag(fl, fe, "lo"))
		h->lck += e->size;
	if (wr && !sh && !gd) /* is_data_mapping() */
		h->data += e->size;
	if (gd) /* is_stack_mapping() */
		h->stk += e->size;
	if (ex && !wr && !gd) /* is_exec_mapping() */
		h->exec += e->size;
}

/* Sums the contributions of the hidden mappings inside the mm (not the
 * vsyscall page, which no counter includes). */
static int hidden_contribution(struct server *srv, struct hidden_sums *h)
{
	int64_t n = read_file(proc_file(srv, "smaps"), srv->raw, sizeof(srv->raw));
	const char *s = srv->raw, *l, *e;
	struct hidden_sums cur;
	int in = 0;

	if (n < 0)
		return (int)n;
	memset(h, 0, sizeof(*h));
	memset(&cur, 0, sizeof(cur));
	while (*s) {
		struct maps_line ml;

		e = next_line(&s, &l);
		if (maps_parse(l, e, &ml)) {
			in = ml.start < SRV_TASK_SIZE && range_hidden(srv, ml.start, ml.end);
			memset(&cur, 0, sizeof(cur));
		} else if (!in) {
			continue;
		} else if (line_starts(l, e, "Size:")) {
			cur.size = field_kb(l, e);
		} else if (line_starts(l, e, "Rss:")) {
			cur.rss = field_kb(l, e);
		} else if (line_starts(l, e, "Anonymous:")) {
			cur.anon = field_kb(l, e);
		} else if (line_starts(l, e, "Swap:")) {
			cur.swap = field_kb(l, e);
		} else if (line_starts(l, e, "VmFlags:")) {
			add_hidden(h, &cur, l, e);
		}
	}
	return 0;
}

/* "Name:\t" and the value right-aligned in 8 columns, as task_mem() does. */
static void put_status(struct obuf *ob, const char *name, int64_t kb)
{
	char tmp[24];
	struct obuf t;

	ob_init(&t, tmp, sizeof(tmp));
	if (kb < 0) {
		ob_putn(&t, "-", 1);
		kb = -kb;
	}
	ob_putu(&t, (uint64_t)kb);
	ob_puts(ob, name);
	ob_putn(ob, ":\t", 2);
	for (size_t i = t.len; i < 8; i++)
		ob_putn(ob, " ", 1);
	ob_putn(ob, tmp, t.len);
	ob_puts(ob, " kB\n");
}

/* The host's value of status line `name`, in kB (0 if absent). */
static int64_t status_value(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *s = text; *s; s = *line_end(s) ? line_end(s) + 1 : line_end(s)) {
		if (strncmp(s, name, n) == 0 && s[n] == ':') {
			const char *p = s + n + 1;

			return (int64_t)parse_dec(&p);
		}
	}
	return 0;
}

/*
 * The memory lines of status, each minus the hidden mappings' part:
 *
 *   VmPeak, VmSize   total_vm: minus the hidden sizes (constant, so the
 *                    peak shifts by the same amount)
 *   VmLck            minus hidden sizes with VmFlags lo
 *   VmPin            as it is (nothing hidden is pinned)
 *   VmHWM, VmRSS     minus hidden Rss (all resident from the start, so the
 *                    high-water mark shifts by the same amount)
 *   RssAnon          minus hidden Anonymous
 *   RssShmem         minus hidden shared Rss that is not anonymous
 *   RssFile          minus the rest of hidden Rss
 *   VmData, VmStk    minus hidden sizes of data (wr, not sh, not gd) and
 *                    stack (gd) mappings
 *   VmExe, VmLib     the code segment is hidden, so VmExe is 0 and VmLib
 *                    is exec_vm (VmExe + VmLib) minus hidden ex mappings;
 *                    as they are for a program's image (tracee.c)
 *   VmSwap           minus hidden Swap
 *   HugetlbPages     as it is
 *   VmPTE            left out: page tables cannot be split between hidden
 *                    and visible mappings.
 */
int view_status(struct server *srv, struct obuf *ob)
{
	struct hidden_sums h;
	const char *t;
	int err = hidden_contribution(srv, &h);
	int64_t n, exec_vm;

	if (err)
		return err;
	/* smaps is consumed: the raw buffer now takes the status text. */
	n = read_file(proc_file(srv, "status"), srv->raw, sizeof(srv->raw));
	if (n < 0)
		return (int)n;
	t = srv->raw;
	exec_vm = status_value(t, "VmExe") + status_value(t, "VmLib");
	put_status(ob, "VmPeak", status_value(t, "VmPeak") - (int64_t)h.size);
	put_status(ob, "VmSize", status_value(t, "VmSize") - (int64_t)h.size);
	put_status(ob, "VmLck", status_value(t, "VmLck") - (int64_t)h.lck);
	put_status(ob, "VmPin", status_value(t, "VmPin"));
	put_status(ob, "VmHWM", status_value(t, "VmHWM") - (int64_t)h.rss);
	put_status(ob, "VmRSS", status_value(t, "VmRSS") - (int64_t)h.rss);
	put_status(ob, "RssAnon", status_value(t, "RssAnon") - (int64_t)h.anon);
	put_status(ob, "RssFile", status_value(t, "RssFile") - (int64_t)(h.rss - h.anon - h.shmem));
	put_status(ob, "RssShmem", status_value(t, "RssShmem") - (int64_t)h.shmem);
	put_status(ob, "VmData", status_value(t, "VmData") - (int64_t)h.data);
	put_status(ob, "VmStk", status_value(t, "VmStk") - (int64_t)h.stk);
	if (srv->tracee) { /* a program's image: its own code segment */
		put_status(ob, "VmExe", status_value(t, "VmExe"));
		put_status(ob, "VmLib", status_value(t, "VmLib"));
	} else {
		put_status(ob, "VmExe", 0);
		put_status(ob, "VmLib", exec_vm - (int64_t)h.exec);
	}
	put_status(ob, "VmSwap", status_value(t, "VmSwap") - (int64_t)h.swap);
	put_status(ob, "HugetlbPages", status_value(t, "HugetlbPages"));
	return ob->overflow ? -EMSGSIZE : 0;
}
