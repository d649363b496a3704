/*
 * main.c - the `mmkit` command: dispatches subcommands and implements `run`.
 *
 * Owns: command-line parsing for `run`, the choice of backend, the run's
 * directory (without --dir a fresh temporary one, removed at the end unless
 * --keep), `mmkit --version` and `help`, and the exit statuses shared by the
 * subcommands:
 *     0  the script ran (its statements may well have returned errors)
 *     1  the run failed: the backend could not start or failed mid-run
 *     2  usage error, or a malformed script (nothing was run)
 * A script is parsed completely before its first statement runs, so a bad
 * script never leaves a half-run trace behind.  Output is written statement
 * by statement, so a long script shows progress and a crash shows where.
 *
 * --policy opt (Belady's OPT, which must know the future) runs the script
 * twice on the mmkit backend: once silently, recording the page reference
 * string, then for real with that string as the future (docs/RECLAIM.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "mmkit.h"
#include "opts.h"
#include "shadow.h"
#include "view.h"

/* tools/rv/run.c: `mmkit exec` */
int rv_exec_command(int argc, char **argv);
/* replay.c: `mmkit replay` */
int cmd_replay(int argc, char **argv);

static void usage(FILE *f)
{
	fputs("usage: mmkit run [--trace[=full|json]] [--dir DIR] [--ram SIZE] [--swap SIZE]\n"
	      "                 [--policy NAME] [--overcommit 0|1|2] [--kswapd] [--fs NAME]\n"
	      "                 [--html FILE] [--keep]\n"
	      "                 [--backend mmkit|linux] [SCRIPT|-]\n"
	      "       mmkit check [ARGS...]   run scenarios on mmkit and on Linux, compare\n"
	      "       mmkit fuzz [ARGS...]    compare the backends on random scripts\n"
	      "       mmkit replay [--ram SIZE] [--swap SIZE] [--policy NAME|all] TRACE\n"
	      "                               play a reference trace (valgrind lackey's)\n"
	      "       mmkit bench [ARGS...]   time workloads on Linux and on mmkit\n"
	      "       mmkit shadow [ARGS...] -- PROG [ARGS...]\n"
	      "                               run a real program, mirror it into mmkit, compare\n"
	      "       mmkit exec [ARGS...]    run a riscv64 Linux program on mmkit\n"
	      "       mmkit help [statements|STATEMENT]\n"
	      "       mmkit version           the command's and the library's version\n"
	      "\n"
	      "run: runs a script (docs/SCRIPTS.md) and prints one result per statement.\n"
	      "  --trace          narrate what the machinery does and why (mmkit backend),\n"
	      "                   runs of the same work in one line; --trace=full: every\n"
	      "                   event; --trace=json: every event as a JSON object\n"
	      "  --dir DIR        directory holding the script's files (default: a new\n"
	      "                   temporary directory, removed at the end)\n"
	      "  --keep           keep that temporary directory and say where it is\n"
	      "  --ram SIZE       simulated RAM, e.g. 64M (mmkit backend)\n"
	      "  --swap SIZE      swap area, e.g. 2G (mmkit backend; default none): an unlinked\n"
	      "                   file in DIR that no script path can reach\n"
	      "  --policy NAME    page replacement: lru (default), clock, fifo, opt\n"
	      "                   (offline: runs the script twice, see docs/RECLAIM.md),\n"
	      "                   exact-lru; all: the script once per policy, one table of\n"
	      "                   faults, pages read and written, hit ratio, pages scanned\n"
	      "  --overcommit N   vm.overcommit_memory: 0 heuristic (default), 1 always,\n"
	      "                   2 strict (mmkit backend)\n"
	      "  --kswapd         run kswapd and the flusher as background threads, as\n"
	      "                   Linux (mmkit backend); without it, a run under --ram\n"
	      "                   reclaims in the allocating thread and prints the same\n"
	      "                   every time\n"
	      "  --fs NAME        files behave as on ext4, xfs, tmpfs or other (none of\n"
	      "                   their features) whatever --dir's file system is, and\n"
	      "                   maps shows --dir as / (mmkit backend; default: the host's)\n"
	      "  --backend NAME   mmkit (default) or linux (real system calls)\n"
	      "  --html FILE      also write FILE: one self-contained page that steps\n"
	      "                   through the run, drawing address spaces, pages, page\n"
	      "                   caches, counters and trace (mmkit backend; #step=N\n"
	      "                   in its URL opens statement N)\n"
	      "  With no SCRIPT and a terminal on stdin, starts an interactive prompt.\n",
	      f);
}

struct run_args {
	const char *script;
	char *tmpdir;	  /* the default --dir, made here; NULL with --dir */
	bool keep;	  /* --keep */
	unsigned given;	  /* the options given, 1 << RUN_* */
	const char *html; /* --html FILE, or NULL */
	int trace;	  /* --trace itself (--html turns the backend's on) */
	int all;	  /* --policy all */
	const struct backend_ops *ops;
	struct bk_options opt;
};

enum {
	RUN_TRACE,
	RUN_TRACE_STYLE,
	RUN_HTML,
	RUN_DIR,
	RUN_RAM,
	RUN_SWAP,
	RUN_POLICY,
	RUN_OVERCOMMIT,
	RUN_KSWAPD,
	RUN_FS,
	RUN_BACKEND,
	RUN_KEEP
};
static const struct opt run_opts[] = {
    [RUN_TRACE] = {"--trace", false},
    [RUN_TRACE_STYLE] = {"--trace", true}, /* --trace=STYLE: bare --trace is the row above */
    [RUN_HTML] = {"--html", true},
    [RUN_DIR] = {"--dir", true},
    [RUN_RAM] = {"--ram", true},
    [RUN_SWAP] = {"--swap", true},
    [RUN_POLICY] = {"--policy", true},
    [RUN_OVERCOMMIT] = {"--overcommit", true},
    [RUN_KSWAPD] = {"--kswapd", false},
    [RUN_FS] = {"--fs", true},
    [RUN_BACKEND] = {"--backend", true},
    [RUN_KEEP] = {"--keep", false},
    {NULL, false},
};

/* Ends an "unknown WORD" message: "; did you mean 'W'?" when one of words
 * (NULL-ended; NULL entries of a sparse table end it too) is near typed. */
static void print_nearest(const char *typed, const char *const *words)
{
	const char *near = opts_nearest(typed, words);
	if (near)
		fprintf(stderr, "; did you mean '%s'?", near);
	fputc('\n', stderr);
}

static const char *const trace_styles[] = {"brief", "full", "json", NULL};
static const char *const policy_names[] = {"lru", "clock", "fifo", "opt", "exact-lru", "all", NULL};

/* Parses run's arguments.  Returns 0, or 2 after printing what is wrong. */
static int parse_run_args(int argc, char **argv, struct run_args *ra)
{
	struct opts o = OPTS_INIT(argc, argv);
	const char *v;
	int k;

	memset(ra, 0, sizeof(*ra));
	ra->ops = &backend_mmkit_ops;
	while ((k = opts_next(&o, run_opts, &v)) != OPT_END) {
		const char *a = v;
		if (k >= 0)
			ra->given |= 1u << k;
		if (k == RUN_TRACE) {
			ra->opt.trace = BK_TRACE_BRIEF;
			ra->trace = 1;
		} else if (k == RUN_TRACE_STYLE) {
			if (strcmp(v, "brief") == 0) {
				ra->opt.trace = BK_TRACE_BRIEF;
			} else if (strcmp(v, "full") == 0) {
				ra->opt.trace = BK_TRACE_FULL;
			} else if (strcmp(v, "json") == 0) {
				ra->opt.trace = BK_TRACE_JSON;
			} else {
				fprintf(stderr,
					"mmkit run: unknown trace style '%s' (brief, full or json)",
					v);
				print_nearest(v, trace_styles);
				return 2;
			}
			ra->trace = 1;
		} else if (k == RUN_HTML) {
			ra->html = v;
		} else if (k == RUN_DIR) {
			ra->opt.dir = v;
		} else if (k == RUN_RAM) {
			if (script_parse_number(v, &ra->opt.ram_bytes) < 0 || !ra->opt.ram_bytes) {
				fprintf(stderr, "mmkit run: bad --ram size '%s' (e.g. 64M)\n", v);
				return 2;
			}
		} else if (k == RUN_SWAP) {
			if (script_parse_number(v, &ra->opt.swap_bytes) < 0) {
				fprintf(stderr, "mmkit run: bad --swap size '%s' (e.g. 2G)\n", v);
				return 2;
			}
		} else if (k == RUN_POLICY) {
			int pol = mmk_reclaim_policy_parse(v);
			ra->all = !strcmp(v, "all");
			if (ra->all)
				pol = MMK_RECLAIM_LRU;
			if (pol < 0) {
				fprintf(stderr,
					"mmkit run: unknown policy '%s' (lru, clock, fifo, opt, "
					"exact-lru, all)",
					v);
				print_nearest(v, policy_names);
				return 2;
			}
			ra->opt.policy = pol;
		} else if (k == RUN_OVERCOMMIT) {
			if (strcmp(v, "0") && strcmp(v, "1") && strcmp(v, "2")) {
				fprintf(stderr,
					"mmkit run: bad --overcommit mode '%s' (0, 1 or 2)\n", v);
				return 2;
			}
			ra->opt.overcommit = v[0] - '0';
		} else if (k == RUN_KSWAPD) {
			ra->opt.kswapd = 1;
		} else if (k == RUN_FS) {
			static const char *const fs[] = {[MMK_FS_EXT4] = "ext4",
							 [MMK_FS_XFS] = "xfs",
							 [MMK_FS_TMPFS] = "tmpfs",
							 [MMK_FS_OTHER] = "other",
							 NULL};
			ra->opt.fs_model = -1;
			for (int m = MMK_FS_EXT4; m <= MMK_FS_OTHER; m++)
				if (strcmp(v, fs[m]) == 0)
					ra->opt.fs_model = m;
			if (ra->opt.fs_model < 0) {
				fprintf(stderr,
					"mmkit run: unknown file system '%s' (ext4, xfs, tmpfs or "
					"other)",
					v);
				print_nearest(v, fs + MMK_FS_EXT4);
				return 2;
			}
		} else if (k == RUN_BACKEND) {
			if (strcmp(v, "mmkit") == 0) {
				ra->ops = &backend_mmkit_ops;
			} else if (strcmp(v, "linux") == 0) {
				ra->ops = &backend_linux_ops;
			} else {
				static const char *const names[] = {"mmkit", "linux", NULL};
				fprintf(stderr, "mmkit run: unknown backend '%s' (mmkit or linux)",
					v);
				print_nearest(v, names);
				return 2;
			}
		} else if (k == RUN_KEEP) {
			ra->keep = true;
		} else if (k == OPT_HELP) {
			usage(stdout);
			exit(0);
		} else if (k == OPT_BAD) {
			opts_complain("mmkit run", a, run_opts);
			fprintf(stderr, "(mmkit run --help lists the options)\n");
			return 2;
		} else if (ra->script) {
			fprintf(stderr, "mmkit run: more than one script given\n");
			return 2;
		} else {
			ra->script = a;
		}
	}
	return 0;
}

/* Drops the trace lines ("  | ...") from out: --html asked the backend
 * for them, --trace did not. */
static void drop_trace_lines(struct strbuf *out)
{
	size_t w = 0;
	for (size_t i = 0; i < out->len;) {
		const char *nl = memchr(out->s + i, '\n', out->len - i);
		size_t n = nl ? (size_t)(nl - (out->s + i)) + 1 : out->len - i;
		if (!(n >= 4 && memcmp(out->s + i, "  | ", 4) == 0)) {
			memmove(out->s + w, out->s + i, n);
			w += n;
		}
		i += n;
	}
	out->len = w;
	if (out->s)
		out->s[w] = 0;
}

/* Checks --html against the rest.  0, or 2 after a message. */
static int html_usable(const struct run_args *ra)
{
	if (!ra->html)
		return 0;
	if (ra->ops != &backend_mmkit_ops) {
		fprintf(stderr,
			"mmkit run: --html draws the simulated machine: it needs the mmkit "
			"backend, not --backend %s\n",
			ra->ops->name);
		return 2;
	}
	if (!ra->script && isatty(STDIN_FILENO)) {
		fprintf(stderr, "mmkit run: --html needs a script (not the interactive prompt)\n");
		return 2;
	}
	return 0;
}

/* Writes and empties the buffer. */
static void flush_out(struct strbuf *out)
{
	if (out->len)
		fwrite(out->s, 1, out->len, stdout);
	fflush(stdout);
	sb_reset(out);
}

static int open_driver(const struct run_args *ra, struct driver **d)
{
	int r = driver_open(ra->ops, &ra->opt, d);
	if (r < 0) {
		fprintf(stderr, "mmkit run: cannot start the %s backend (dir %s): %s\n",
			ra->ops->name, ra->opt.dir, strerror(-r));
		return 1;
	}
	return 0;
}

/*
 * OPT's first run: the script, silently, on the mmkit backend with the
 * default policy, recording the page reference string into *refs.
 * Returns 0, or 1 after a message.
 */
static int record_references(const struct run_args *ra, const struct script *s,
			     struct bk_refs *refs)
{
	struct bk_options o = ra->opt;
	struct strbuf junk = {NULL, 0, 0};
	o.policy = MMK_RECLAIM_LRU;
	o.trace = 0;
	o.record_refs = refs;
	o.replay_refs = NULL;
	int r = driver_run(s, ra->ops, &o, &junk);
	sb_free(&junk);
	if (r < 0) {
		fprintf(stderr, "mmkit run: the recording run for --policy opt failed: %s\n",
			strerror(-r));
		return 1;
	}
	return 0;
}

/* The options of run that the Linux backend ignores, and why. */
static const struct {
	int opt;
	const char *why;
} linux_ignores[] = {
    {RUN_TRACE, "the host kernel does not narrate its work"},
    {RUN_TRACE_STYLE, "the host kernel does not narrate its work"},
    {RUN_RAM, "the script runs in the host's own memory"},
    {RUN_SWAP, "the host's swap, if any, is the one in use"},
    {RUN_POLICY, "the host kernel's page replacement runs"},
    {RUN_OVERCOMMIT, "the host's vm.overcommit_memory applies"},
    {RUN_KSWAPD, "the host runs its own kswapd"},
    {RUN_FS, "files behave as DIR's real file system makes them"},
};

/* Warns, one line each, of options given that change nothing here. */
static void warn_idle_options(const struct run_args *ra)
{
	if (ra->ops == &backend_linux_ops)
		for (size_t i = 0; i < sizeof(linux_ignores) / sizeof(linux_ignores[0]); i++)
			if (ra->given & (1u << linux_ignores[i].opt))
				fprintf(stderr,
					"mmkit run: warning: %s does nothing with --backend linux "
					"(%s)\n",
					run_opts[linux_ignores[i].opt].name, linux_ignores[i].why);
	if (ra->keep && (ra->given & (1u << RUN_DIR)))
		fprintf(stderr,
			"mmkit run: warning: --keep does nothing with --dir (%s is never "
			"removed)\n",
			ra->opt.dir);
}

/* nftw's callback: removes one entry of the run's directory. */
static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (remove(path) < 0)
		fprintf(stderr, "mmkit run: cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

/* The default directory, for the signal handler below. */
static int run_dir_fd = -1;
static const char *run_dir_path;

/* One entry of getdents64(2). */
struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Empties the directory open as dirfd, subdirectories first (at most depth
 * levels down), with async-signal-safe calls only. */
static void remove_below(int dirfd, int depth)
{
	char buf[2048];
	long n;
	int removed = 1;
	for (int pass = 0; removed && pass < 64; pass++) { /* removing moves entries */
		removed = 0;
		lseek(dirfd, 0, SEEK_SET);
		while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				struct dirent64_raw *de = (struct dirent64_raw *)(buf + off);
				off += de->d_reclen;
				if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
					continue;
				if (de->d_type == DT_DIR && depth > 0) {
					int sub =
					    openat(dirfd, de->d_name,
						   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
					if (sub >= 0) {
						remove_below(sub, depth - 1);
						close(sub);
					}
				}
				if (unlinkat(dirfd, de->d_name,
					     de->d_type == DT_DIR ? AT_REMOVEDIR : 0) == 0)
					removed = 1;
			}
		}
	}
}

/* SIGINT, SIGTERM, SIGHUP while the default directory exists: removes what
 * the script made in it and the directory, then dies of the signal.  Only
 * async-signal-safe calls. */
static void run_dir_on_signal(int sig)
{
	remove_below(run_dir_fd, 16);
	rmdir(run_dir_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Without --dir, the script's files live in a new temporary directory
 * ($TMPDIR or /tmp), so a run leaves nothing in the user's directory; it
 * goes at the end, or on SIGINT, SIGTERM or SIGHUP, unless --keep.
 * Returns 0, or 1 after a message. */
static int make_run_dir(struct run_args *ra)
{
	const char *tmp = getenv("TMPDIR");
	if (ra->opt.dir)
		return 0;
	if (asprintf(&ra->tmpdir, "%s/mmkit-run.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) {
		fputs("mmkit: out of memory\n", stderr);
		exit(1);
	}
	if (!mkdtemp(ra->tmpdir)) {
		fprintf(stderr,
			"mmkit run: cannot make a directory for the script's files (%s): %s\n",
			ra->tmpdir, strerror(errno));
		free(ra->tmpdir);
		ra->tmpdir = NULL;
		return 1;
	}
	ra->opt.dir = ra->tmpdir;
	if (!ra->keep) {
		run_dir_path = ra->tmpdir;
		run_dir_fd = open(ra->tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (run_dir_fd >= 0) {
			signal(SIGINT, run_dir_on_signal);
			signal(SIGTERM, run_dir_on_signal);
			signal(SIGHUP, run_dir_on_signal);
		}
	}
	return 0;
}

/* Removes the temporary directory, or with --keep says where it is. */
static void end_run_dir(struct run_args *ra)
{
	if (!ra->tmpdir)
		return;
	if (run_dir_fd >= 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		close(run_dir_fd);
		run_dir_fd = -1;
	}
	if (ra->keep)
		fprintf(stderr, "mmkit run: the script's files are kept in %s\n", ra->tmpdir);
	else
		nftw(ra->tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(ra->tmpdir);
	ra->tmpdir = NULL;
}

static int run_script(struct run_args *ra);

int cmd_run(int argc, char **argv)
{
	struct run_args ra;
	int rc;

	if ((rc = parse_run_args(argc, argv, &ra)) != 0 || (rc = html_usable(&ra)) != 0)
		return rc;
	warn_idle_options(&ra);
	if (make_run_dir(&ra))
		return 1;
	rc = run_script(&ra);
	end_run_dir(&ra);
	return rc;
}

/* Runs the script (or the prompt) ra describes; the exit status. */
static int run_script(struct run_args *rap)
{
	struct run_args ra = *rap;
	struct script_error err;
	struct script *s;
	struct driver *d;
	struct strbuf out = {NULL, 0, 0};
	int rc = 0;

	bool opt = ra.opt.policy == MMK_RECLAIM_OPT;
	if (ra.all && (ra.ops != &backend_mmkit_ops || !ra.script || !strcmp(ra.script, "-") ||
		       ra.html || ra.trace)) {
		fprintf(stderr,
			"mmkit run: --policy all needs a script file and the mmkit backend, "
			"without --html or --trace (it runs the script once per policy)\n");
		return 2;
	}
	if (opt && (ra.ops != &backend_mmkit_ops || !ra.script || !strcmp(ra.script, "-"))) {
		fprintf(stderr, "mmkit run: --policy opt needs a script file and the mmkit backend "
				"(it runs the script twice)\n");
		return 2;
	}
	if (!ra.script && isatty(STDIN_FILENO)) {
		if (open_driver(&ra, &d))
			return 1;
		return repl_run(d);
	}
	if (script_parse_file(ra.script ? ra.script : "-", &s, &err) < 0) {
		const char *name = !ra.script || !strcmp(ra.script, "-") ? "<stdin>" : ra.script;
		script_error_print(stderr, name, &err);
		return 2;
	}
	if (ra.all) {
		rc = run_compare(s, &ra.opt);
		script_free(s);
		return rc;
	}
	struct bk_refs refs = {NULL, 0};
	if (opt) {
		if (record_references(&ra, s, &refs)) {
			script_free(s);
			return 1;
		}
		ra.opt.replay_refs = &refs;
	}
	struct view *v = NULL;
	if (ra.html) {
		if (!ra.opt.trace) /* the page shows each statement's trace */
			ra.opt.trace = BK_TRACE_BRIEF;
		if (view_open(s, ra.opt.dir, &v) < 0) {
			fputs("mmkit: out of memory\n", stderr);
			exit(1);
		}
	}
	if (open_driver(&ra, &d)) {
		free(refs.keys);
		script_free(s);
		if (v)
			view_close(v, NULL);
		return 1;
	}
	for (size_t i = 0; i < s->n && rc == 0; i++) {
		rc = driver_step(d, s, i, &out);
		if (v) {
			view_step(v, d, s, i, out.s ? out.s : "", out.len);
			if (!ra.trace)
				drop_trace_lines(&out);
		}
		flush_out(&out);
	}
	if (driver_close(d, &out) < 0 && rc == 0)
		rc = -EIO;
	if (v && !ra.trace) {
		drop_trace_lines(&out);
		if (out.len == 4 && memcmp(out.s, "end\n", 4) == 0)
			sb_reset(&out); /* the teardown's header, whose trace went */
	}
	flush_out(&out);
	if (v && view_close(v, ra.html) < 0 && rc == 0)
		rc = -EIO;
	sb_free(&out);
	free(refs.keys);
	script_free(s);
	return rc ? 1 : 0;
}

/* `mmkit --version`: the command's version (the Makefile's VERSION, and
 * the commit when built from git) and the library's, which differ only
 * when the command runs against another libmmkit. */
static int print_version(void)
{
	printf("mmkit %s (libmmkit %s)\n", MMK_VERSION, mmk_version());
	return 0;
}

/* `mmkit help [statements|STATEMENT]`. */
static int print_help(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[2], "statements") == 0) {
		script_print_usage(stdout);
	} else if (argc > 2) {
		return script_print_help(stdout, argv[2]) < 0 ? 2 : 0;
	} else {
		usage(stdout);
		fputs("\nStatements (details in docs/SCRIPTS.md; mmkit help STATEMENT):\n", stdout);
		script_print_usage(stdout);
	}
	return 0;
}

static const char *const commands[] = {"run",  "check",	 "fuzz",    "bench", "shadow",
				       "exec", "replay", "version", "help",  NULL};

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		usage(stderr);
		return 2;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
		return print_version();
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "fuzz") == 0)
		return cmd_fuzz(argc - 1, argv + 1);
	if (strcmp(cmd, "bench") == 0)
		return cmd_bench(argc - 1, argv + 1);
	if (strcmp(cmd, "shadow") == 0)
		return cmd_shadow(argc - 1, argv + 1);
	if (strcmp(cmd, "exec") == 0)
		return rv_exec_command(argc - 1, argv + 1);
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
		return print_help(argc, argv);
	const char *near = opts_nearest(cmd + strspn(cmd, "-"), commands);
	fprintf(stderr, "mmkit: unknown command '%s'", cmd);
	if (near)
		fprintf(stderr, "; did you mean '%s'?", near);
	fputs(" (mmkit help lists them)\n", stderr);
	return 2;
}
