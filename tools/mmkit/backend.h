/*
 * backend.h - what the script driver needs from a backend.
 *
 * The driver (script.c, driver.c) parses a script, resolves every argument to
 * numbers and bytes, and hands one resolved operation at a time to a backend:
 * the mmkit backend (backend_mmkit.c, the library) or the Linux backend
 * (backend_linux.c + the static server program tools/linux/, real system
 * calls in real host processes).  A backend returns raw results only; all
 * formatting happens once, in the driver, so both backends' outputs are
 * formatted by the same code and compare byte for byte.
 *
 * Ownership: a backend owns its processes; bk_proc handles stay valid until
 * the backend's op EXIT on them or close().
 */
#ifndef MMKIT_BACKEND_H
#define MMKIT_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Every operation of the script language, top level and per process. */
enum bk_opcode {
	/* top level (proc == NULL) */
	BK_FILE, /* path; a[0]=size a[1]=fill byte (-1: none); data=text (may be empty) */
	BK_CAT,	 /* path; a[0]=off a[1]=len (len -1: to EOF) -> data */
	BK_SYNC, /* -> ret */
	/* files */
	BK_OPEN,      /* path; a[0]=flags (MMK_O_*) -> ret fd */
	BK_CLOSE,     /* a[0]=fd */
	BK_DUP,	      /* a[0]=fd -> ret fd */
	BK_READ,      /* a[0]=fd a[1]=len -> ret, data */
	BK_WRITE,     /* a[0]=fd, data -> ret */
	BK_PREAD,     /* a[0]=fd a[1]=off a[2]=len -> ret, data */
	BK_PWRITE,    /* a[0]=fd a[1]=off, data -> ret */
	BK_FTRUNCATE, /* a[0]=fd a[1]=len */
	BK_FSYNC,     /* a[0]=fd */
	BK_UNLINK,    /* path */
	BK_MKDIR,     /* path (mode 0755) */
	BK_RMDIR,     /* path */
	/* memory */
	BK_MMAP,     /* a[0]=addr a[1]=len a[2]=prot a[3]=flags a[4]=fd a[5]=off -> ret addr */
	BK_MUNMAP,   /* a[0]=addr a[1]=len */
	BK_MPROTECT, /* a[0]=addr a[1]=len a[2]=prot */
	BK_MREMAP,   /* a[0]=addr a[1]=oldlen a[2]=newlen a[3]=flags a[4]=newaddr -> ret addr */
	BK_MSYNC,    /* a[0]=addr a[1]=len a[2]=flags */
	BK_MADVISE,  /* a[0]=addr a[1]=len a[2]=advice */
	BK_MLOCK,    /* a[0]=addr a[1]=len a[2]=mlock2 flags */
	BK_MUNLOCK,  /* a[0]=addr a[1]=len */
	BK_MLOCKALL, /* a[0]=flags */
	BK_MUNLOCKALL,
	BK_MINCORE,   /* a[0]=addr a[1]=len -> ret, data (one byte per page) */
	BK_BRK,	      /* a[0]=addr -> ret new break */
	BK_ANON_NAME, /* a[0]=addr a[1]=len, path=name or NULL */
	/* access: a fault yields ret -EFAULT and si */
	BK_LOAD,  /* a[0]=addr a[1]=len -> data (bytes read before the fault) */
	BK_STORE, /* a[0]=addr, data */
	BK_FILL,  /* a[0]=addr a[1]=len a[2]=byte */
	BK_TOUCH, /* a[0]=addr a[1]=len a[2]=write(1)/read(0) */
	/* views -> text (already hidden/filtered by the backend, see below) */
	BK_MAPS,
	BK_SMAPS,
	BK_STATUS,
	BK_FAULTS,  /* -> a reply with data = struct bk_faults */
	BK_PAGEMAP, /* a[0]=addr a[1]=npages -> data = struct mmk_pageinfo[] (mmkit only) */
	/* lifecycle */
	BK_EXEC, /* path NULL: the address space emptied (mmk_exec); else the
		    program at path, data = its ARGS, each NUL-terminated
		    (argv[0] is path; the Linux backend cannot: -ENOSYS) */
	BK_EXIT,
	/* top level, mmkit only (the Linux backend answers -ENOSYS) */
	BK_VMSTAT, /* -> text: /proc/vmstat-like counters of the simulated machine */
	/* top level: make the page cache cold (Linux: writes 1 to
	 * /proc/sys/vm/drop_caches, -EACCES/-EROFS where not permitted) */
	BK_DROP_CACHES,
	/* files */
	BK_FADVISE, /* a[0]=fd a[1]=off a[2]=len a[3]=advice (MMK_POSIX_FADV_*) */
	BK_OPCODE_COUNT
};

struct bk_op {
	enum bk_opcode code;
	int64_t a[6];
	const char *path; /* NUL-terminated, or NULL */
	const unsigned char *data;
	size_t datalen;
};

struct bk_faults {
	uint64_t minor, major;
};

/* A result.  ret >= 0 or -errno.  On a faulting access: ret = -EFAULT and
 * signo/code/addr set.  data/text are malloc'd by the backend (or NULL) and
 * freed by the driver with bk_reply_free(). */
struct bk_reply {
	int64_t ret;
	int signo, code;
	uint64_t addr;
	unsigned char *data;
	size_t datalen;
	char *text;
};

/* Bytes [off, off + n) of the content a BK_FILE op asks for: a[1]'s fill
 * byte (0 without one) with data over the start, cut to a[0] bytes.  Both
 * backends write the file from this, a piece at a time, so neither holds
 * the whole file. */
static inline void bk_file_bytes(const struct bk_op *op, uint64_t off, unsigned char *buf, size_t n)
{
	uint64_t text = op->data ? op->datalen : 0;

	if (text > (uint64_t)op->a[0])
		text = (uint64_t)op->a[0];
	memset(buf, op->a[1] < 0 ? 0 : (int)op->a[1], n);
	if (off < text)
		memcpy(buf, op->data + off, text - off < n ? (size_t)(text - off) : n);
}

static inline void bk_reply_free(struct bk_reply *r)
{
	extern void free(void *);
	free(r->data);
	free(r->text);
	r->data = NULL;
	r->text = NULL;
}

/* The host's own mappings in a fresh Linux server process (binary, stack,
 * vdso...): `mmkit check` reads them from the Linux backend and has the mmkit
 * backend reserve the same ranges (mmk_reserve) and the same heap start
 * (mmk_set_brk_base + mmk_brk) at every spawn and exec, so that placement
 * compares byte for byte without rewriting any address. */
#define BK_LAYOUT_MAX 64
struct bk_layout {
	int n;
	struct {
		uint64_t start, end;
		int growsdown;
	} r[BK_LAYOUT_MAX];
	uint64_t start_brk, brk;
	/* Host kernel settings the mmkit side takes over (mmk_config):
	 * the effective mmap_min_addr (the sysctl, or a higher LSM floor such
	 * as CONFIG_LSM_MMAP_MIN_ADDR), whether PR_SET_VMA_ANON_NAME
	 * exists (CONFIG_ANON_VMA_NAME), whether a read fault on
	 * anonymous memory allocates instead of mapping the zero page, and
	 * whether growing a file from an unaligned size dirties the page of
	 * its old EOF (ext4 since Linux 6.12). */
	uint64_t mmap_min_addr; /* MAP_FIXED below it: EPERM */
	uint64_t hint_min_addr; /* hints are raised to it (max with the LSM floor) */
	int anon_vma_name;
	int no_zero_page;
	int eof_block_zeroing;
	/* The host's overcommit policy and the sizes it weighs charges
	 * against (vm.overcommit_*, vm.*_reserve_kbytes, MemTotal,
	 * SwapTotal), read from /proc by `mmkit check` itself, not by the
	 * server; have_commit is 0 where /proc could not be read. */
	int have_commit;
	int overcommit_memory;
	uint64_t overcommit_ratio, overcommit_kbytes;
	uint64_t admin_reserve_kbytes, user_reserve_kbytes;
	uint64_t mem_total_kb, swap_total_kb;
	/* Probed by `mmkit check` itself (check.c), not by the server:
	 * MADV_HWPOISON's -EINVAL without CONFIG_MEMORY_FAILURE, and
	 * MAP_HUGE_1GB's -EINVAL on a machine without 1 GiB pages. */
	int no_memory_failure;
	int no_gigantic_pages;
};

/* A page reference string (mmk_refs), for the OPT policy's two runs. */
struct bk_refs {
	uint64_t *keys; /* malloc'd */
	uint64_t n;
};

/* bk_options.trace: how trace events become lines (docs/SCRIPTS.md). */
enum {
	BK_TRACE_BRIEF = 1, /* runs of the same work collapsed into one line */
	BK_TRACE_FULL,	    /* one line per event */
	BK_TRACE_JSON,	    /* one JSON object per event (narrate_json) */
};

struct bk_options {
	const char *dir;	     /* the run's directory: files live here */
	uint64_t ram_bytes;	     /* mmkit: RAM size (0: default) */
	uint64_t swap_bytes;	     /* mmkit: swap area size (0: no swap) */
	int policy;		     /* mmkit: MMK_RECLAIM_* page replacement policy */
	int overcommit;		     /* mmkit: vm.overcommit_memory, MMK_OVERCOMMIT_* (0: guess) */
	int kswapd;		     /* mmkit: kswapd and the flusher run as threads (else the
					run is reproducible: mmk_config.no_background_threads) */
	int fs_model;		     /* mmkit: mmk_config.fs_model (MMK_FS_HOST: the host's) */
	struct bk_refs *record_refs; /* mmkit: filled with the run's references at close */
	const struct bk_refs *replay_refs; /* mmkit: OPT's future (policy MMK_RECLAIM_OPT) */
	int trace;			   /* mmkit: narrate events, BK_TRACE_* (0: off) */
	/* where trace lines go (mmkit); called with one line without '\n' */
	void (*trace_line)(void *arg, const char *line);
	void *trace_arg;
	/* mmkit: the script's name for the Nth process created (called with
	   trace_arg; NULL, or a NULL answer: the trace says "pid N") */
	const char *(*proc_name)(void *arg, int ordinal);
	const struct bk_layout *mirror; /* mmkit: reserve these (check mode), or NULL */
	struct mmk_vmstat *vmstat;	/* mmkit: filled with the counters at close, or NULL */
};

struct backend;
struct bk_proc;
struct mmk_vmstat;

struct backend_ops {
	const char *name; /* "mmkit" or "linux" */
	int (*open)(const struct bk_options *opt, struct backend **out);
	/* Ends every process still alive and frees everything; returns 0 or -errno. */
	int (*close)(struct backend *b);
	int (*spawn)(struct backend *b, struct bk_proc **out);
	/* fork: returns 0 and *child, or -errno in the reply sense. */
	int (*fork)(struct backend *b, struct bk_proc *parent, struct bk_proc **child);
	/* Runs one operation; proc is NULL for the top-level ops. Returns 0 when
	 * the operation ran (its own result, maybe an -errno, is in *r), or -errno
	 * when the backend itself failed (lost a server process...). */
	int (*call)(struct backend *b, struct bk_proc *p, const struct bk_op *op,
		    struct bk_reply *r);
};

extern const struct backend_ops backend_mmkit_ops;
extern const struct backend_ops backend_linux_ops;

/* The layout of a fresh Linux server process (see struct bk_layout). */
int backend_linux_layout(struct bk_layout *out);

#endif
