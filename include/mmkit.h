/*
 * mmkit.h - the public interface of mmkit, a userspace implementation of the
 * Linux memory-mapping subsystem.
 *
 * Every object hangs off an explicit handle: a system (the simulated machine:
 * its RAM, its root directory, its settings) owns processes; a process owns an
 * address space and a file-descriptor table.  There is no global state: any
 * number of systems may live in one host process.
 *
 * Every operation is shaped like the Linux system call it simulates.  It
 * returns a value >= 0 on success and -errno (Linux's errno values, in Linux's
 * order of checks) on failure.  Calls that return an address (mmap, mremap)
 * return it as a non-negative int64_t; user addresses are below 2^47 so they
 * never collide with -errno.
 *
 * NULL arguments, one rule for every function below:
 *   - a NULL system or process handle is -EINVAL (mmk_brk returns it cast
 *     to uint64_t, as every error; functions that cannot return -errno
 *     answer 0 -- mmk_frames_*, mmk_committed_as, mmk_commit_limit -- or
 *     do nothing -- mmk_system_set_trace);
 *     mmk_system_destroy(NULL) does nothing and returns 0, as free(NULL);
 *   - a NULL buffer with a nonzero length is -EFAULT, as the kernel answers
 *     a bad user pointer (a path is such a buffer: NULL is -EFAULT), found
 *     before any byte moves: only a handle error, or an error Linux finds
 *     before it touches the buffer (mincore's -EINVAL for an unaligned
 *     address), comes first; the access calls then report no signal
 *     (si->signo 0).  NULL with length 0 is valid (the views then return
 *     the length their text needs);
 *   - a NULL required out-parameter (the handle a create/spawn/fork
 *     returns, mmk_proc_faults' and mmk_vmstat's struct) is -EINVAL;
 *   - where a comment says NULL means something (a trace callback, an
 *     anonymous name, a siginfo, mmk_config.swap_path), it does.
 *
 * Constants use Linux's x86-64 numeric values, so an embedder may pass the
 * host's <sys/mman.h> constants unchanged when running on Linux.
 *
 * Thread safety: calls on different processes may run concurrently from any
 * number of host threads; calls on one process may also run concurrently
 * (they serialise on that process's mmap lock as Linux's do), as the
 * threads of one Linux process make system calls and memory accesses:
 *   - mmk_fork and the mapping calls (mmap, munmap, mprotect, mremap,
 *     madvise, mlock, brk...) each take effect at one instant with respect
 *     to every other call on the process; views (maps, smaps, status,
 *     pagemap, mincore) show the address space at one instant.
 *   - A load, store, fill, copy or touch of one page takes effect at one
 *     instant; a longer one goes page by page, so another thread's call may
 *     come between its pages, as between a CPU's accesses.
 *   - mmk_exec concurrent with other calls on the process: each call runs
 *     wholly before or wholly after the exec, except an access under way,
 *     which stops at its first page after the exec with -EFAULT and
 *     si->signo == MMK_SIGKILL (Linux's exec kills the other threads).
 *     The handle stays valid.
 *   - mmk_execve and mmk_execveat, which build the new image in many
 *     steps, must not run concurrently with other calls on the process
 *     (as Linux's de_thread leaves no other thread); an access already
 *     under way stops as for mmk_exec.
 *   - mmk_exit and mmk_system_destroy end the handle: no call on the
 *     process may run concurrently with its exit or begin after it.
 */
#ifndef MMKIT_H
#define MMKIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Everything declared here is the library's interface: exported from
 * libmmkit.so, whose other symbols stay hidden. */
#pragma GCC visibility push(default)

/* The library's version: "MAJOR.MINOR.PATCH" (the Makefile's VERSION),
 * followed by "+git.COMMIT" when it was built from a git checkout; the
 * same string `mmkit --version` prints.  A static string. */
const char *mmk_version(void);

#define MMK_PAGE_SIZE  4096ULL
#define MMK_PAGE_SHIFT 12

/* ---- Protection bits (mmap prot) ---------------------------------------- */
#define MMK_PROT_NONE	   0x0
#define MMK_PROT_READ	   0x1
#define MMK_PROT_WRITE	   0x2
#define MMK_PROT_EXEC	   0x4
#define MMK_PROT_GROWSDOWN 0x01000000
#define MMK_PROT_GROWSUP   0x02000000

/* ---- mmap flags ---------------------------------------------------------- */
#define MMK_MAP_SHARED		0x01
#define MMK_MAP_PRIVATE		0x02
#define MMK_MAP_SHARED_VALIDATE 0x03
#define MMK_MAP_DROPPABLE	0x08 /* a type: anonymous, dropped under pressure (Linux 6.11) */
#define MMK_MAP_TYPE		0x0f
#define MMK_MAP_FIXED		0x10
#define MMK_MAP_ANONYMOUS	0x20
#define MMK_MAP_32BIT		0x40
#define MMK_MAP_GROWSDOWN	0x0100
#define MMK_MAP_DENYWRITE	0x0800
#define MMK_MAP_EXECUTABLE	0x1000
#define MMK_MAP_LOCKED		0x2000
#define MMK_MAP_NORESERVE	0x4000
#define MMK_MAP_POPULATE	0x8000
#define MMK_MAP_NONBLOCK	0x10000
#define MMK_MAP_STACK		0x20000
#define MMK_MAP_HUGETLB		0x40000
#define MMK_MAP_SYNC		0x80000
#define MMK_MAP_FIXED_NOREPLACE 0x100000
#define MMK_MAP_UNINITIALIZED	0x4000000

/* ---- mremap flags -------------------------------------------------------- */
#define MMK_MREMAP_MAYMOVE   1
#define MMK_MREMAP_FIXED     2
#define MMK_MREMAP_DONTUNMAP 4

/* ---- msync flags --------------------------------------------------------- */
#define MMK_MS_ASYNC	  1
#define MMK_MS_INVALIDATE 2
#define MMK_MS_SYNC	  4

/* ---- madvise advice ------------------------------------------------------ */
#define MMK_MADV_NORMAL		 0
#define MMK_MADV_RANDOM		 1
#define MMK_MADV_SEQUENTIAL	 2
#define MMK_MADV_WILLNEED	 3
#define MMK_MADV_DONTNEED	 4
#define MMK_MADV_FREE		 8
#define MMK_MADV_REMOVE		 9
#define MMK_MADV_DONTFORK	 10
#define MMK_MADV_DOFORK		 11
#define MMK_MADV_MERGEABLE	 12
#define MMK_MADV_UNMERGEABLE	 13
#define MMK_MADV_HUGEPAGE	 14
#define MMK_MADV_NOHUGEPAGE	 15
#define MMK_MADV_DONTDUMP	 16
#define MMK_MADV_DODUMP		 17
#define MMK_MADV_WIPEONFORK	 18
#define MMK_MADV_KEEPONFORK	 19
#define MMK_MADV_COLD		 20
#define MMK_MADV_PAGEOUT	 21
#define MMK_MADV_POPULATE_READ	 22 /* fault the range in for reading (Linux 5.14) */
#define MMK_MADV_POPULATE_WRITE	 23 /* ... for writing: COW broken, pages dirty */
#define MMK_MADV_DONTNEED_LOCKED 24 /* DONTNEED that VM_LOCKED does not refuse */
/* MADV_COLLAPSE is always -EINVAL: THP is disabled (as PR_SET_THP_DISABLE
 * makes a process). */
#define MMK_MADV_COLLAPSE      25
#define MMK_MADV_HWPOISON      100 /* -EPERM: needs CAP_SYS_ADMIN (mmkit never has it) */
#define MMK_MADV_SOFT_OFFLINE  101 /* -EPERM likewise */
#define MMK_MADV_GUARD_INSTALL 102 /* guard markers: any access is SIGSEGV (Linux 6.13) */
#define MMK_MADV_GUARD_REMOVE  103 /* clears the guard markers of the range */

/* The name of @advice as scripts spell it: its MADV_ name in lower case
 * ("dontneed"); NULL for a number mmkit does not know (-EINVAL). */
const char *mmk_madvise_name(int advice);
/* The advice called @name, or -EINVAL. */
int mmk_madvise_parse(const char *name);
/* The i-th advice mmkit knows, in Linux's number order, for i = 0, 1, ...;
 * -1 past the last: how tools list every advice. */
int mmk_madvise_nth(unsigned i);

/* ---- mlock --------------------------------------------------------------- */
#define MMK_MLOCK_ONFAULT 0x01
#define MMK_MCL_CURRENT	  1
#define MMK_MCL_FUTURE	  2
#define MMK_MCL_ONFAULT	  4

/* ---- open flags (Linux x86-64 values) ------------------------------------ */
#define MMK_O_RDONLY	00
#define MMK_O_WRONLY	01
#define MMK_O_RDWR	02
#define MMK_O_ACCMODE	03
#define MMK_O_CREAT	0100
#define MMK_O_EXCL	0200
#define MMK_O_TRUNC	01000
#define MMK_O_APPEND	02000
#define MMK_O_DIRECTORY 0200000 /* asm-generic's too (riscv64, arm64) */
#define MMK_O_CLOEXEC	02000000

/* ---- Signals reported by a failed access --------------------------------- */
#define MMK_SIGBUS	7
#define MMK_SIGKILL	9
#define MMK_SIGSEGV	11
#define MMK_SEGV_MAPERR 1
#define MMK_SEGV_ACCERR 2
#define MMK_BUS_ADRERR	2
#define MMK_SI_KERNEL	0x80 /* a #GP fault: a non-canonical address */

typedef struct mmk_system mmk_system;
typedef struct mmk_proc mmk_proc;

/* Settings of a system.  Zero in a field means "Linux's default". */
struct mmk_config {
	const char *root;	    /* host directory holding the files (required) */
	uint64_t ram_bytes;	    /* size of the frame pool; default 256 MiB */
	uint64_t max_map_count;	    /* vm.max_map_count; default 65530 */
	uint64_t mmap_min_addr;	    /* vm.mmap_min_addr; default 4096: MAP_FIXED below it
				       is -EPERM (without cap_sys_rawio) */
	uint64_t lsm_mmap_min_addr; /* CONFIG_LSM_MMAP_MIN_ADDR; default 0 (none): Linux's
				       effective floor for hints and searches is
				       max(vm.mmap_min_addr, this) */
	uint64_t stack_guard_gap;   /* bytes; default 256 pages (1 MiB) */
	uint64_t stack_rlimit;	    /* RLIMIT_STACK soft limit; default 8 MiB */
	uint64_t memlock_rlimit;    /* RLIMIT_MEMLOCK; default 8 MiB; UINT64_MAX = unlimited */
	uint64_t as_rlimit;	    /* RLIMIT_AS; default unlimited (UINT64_MAX) */
	uint64_t data_rlimit;	    /* RLIMIT_DATA; default unlimited */
	int cap_ipc_lock;	    /* nonzero: processes have CAP_IPC_LOCK */
	int cap_sys_rawio;	    /* nonzero: may map below mmap_min_addr */
	int no_large_folios;	    /* nonzero: the page cache of every file is in 4 KiB
				       folios, as on a file system without large-folio
				       support; zero (default): files on ext4/xfs are
				       cached in folios of up to 2 MiB as Linux 6.18
				       does, and a fault maps a whole folio */
	int no_anon_vma_name;	    /* nonzero: as a kernel without CONFIG_ANON_VMA_NAME:
				       mmk_set_anon_name fails with -EINVAL */
	int no_zero_page;	    /* nonzero: a read fault on private anonymous memory
				       allocates a zeroed page (writable and dirty where
				       the VMA allows writes) instead of mapping the shared
				       zero page, as Linux does where mm_forbids_zeropage()
				       holds or the kernel was booted without it (PVM
				       guests' pvm_no_zero_page=1) */
	int no_eof_block_zeroing;   /* nonzero: as ext4 before Linux 6.12: a size change
				       leaves the page holding an unaligned EOF as it
				       was; zero (default): on ext4 it zeroes the rest
				       of that block through the page cache, dirtying
				       the page where the block is written */
	/* Memory pressure (docs/RECLAIM.md).  RAM is ram_bytes: a workload may map
	 * far more; pages are reclaimed, written back and swapped behind its back. */
	uint64_t swap_bytes;	  /* size of the swap area (whole pages); 0: no swap,
				     anonymous memory is then not reclaimable */
	const char *swap_path;	  /* NULL (default): the swap file is an unlinked
				     temporary file in root, which no path reaches.
				     Else a host path (relative to the working
				     directory) OUTSIDE root, created mode 0600 or
				     emptied: mmk_system_create fails with -ELOOP if any
				     component is a symlink, -EINVAL if it lies inside
				     root (a simulated process could open it) or is not
				     a regular file with one link */
	int reclaim_policy;	  /* MMK_RECLAIM_LRU (0, default), _CLOCK, _FIFO, _OPT */
	int record_refs;	  /* nonzero: record the page reference string (mmk_refs) */
	const uint64_t *opt_refs; /* MMK_RECLAIM_OPT: the reference string mmk_refs gave
				     for an earlier run of the same workload (copied) */
	uint64_t opt_nrefs;
	const struct mmk_policy_ops *policy_ops; /* non-NULL: the user's policy, instead
					of reclaim_policy (all four callbacks but
					accessed are required) */
	void *policy_arg;			 /* passed to every policy_ops call */
	int textbook_reclaim;			 /* nonzero: the textbook model of K page frames: no
						    kswapd, and an allocation that finds no free
						    frame evicts exactly one page, the one the
						    policy chooses (fifo and opt then give the
						    fault counts of textbook FIFO and OPT on the
						    page reference string; `mmkit replay`) */
	/* Overcommit accounting (docs/ARCHITECTURE.md, "Overcommit"): which
	 * mappings are refused -ENOMEM for want of memory to back them, and
	 * Committed_AS (mmk_committed_as).  Fields marked "MMK_CFG_ZERO" take
	 * that value for a real 0, since 0 means the default. */
	int overcommit_memory;	       /* vm.overcommit_memory: MMK_OVERCOMMIT_GUESS (0,
					  default), _ALWAYS or _NEVER */
	uint64_t overcommit_ratio;     /* vm.overcommit_ratio, percent of RAM in the
					  strict limit; default 50; MMK_CFG_ZERO */
	uint64_t overcommit_kbytes;    /* vm.overcommit_kbytes; 0 (default): the ratio
					  is used instead */
	uint64_t admin_reserve_kbytes; /* vm.admin_reserve_kbytes; default, as Linux at
					boot, min(commit RAM / 32, 8 MiB); MMK_CFG_ZERO */
	uint64_t user_reserve_kbytes;  /* vm.user_reserve_kbytes; default min(commit
					RAM / 32, 128 MiB); MMK_CFG_ZERO */
	uint64_t commit_ram_bytes;     /* totalram_pages as the accounting sees it;
					  default ram_bytes.  `mmkit check` sets the
					  host's MemTotal here, keeping the small pool */
	uint64_t commit_swap_bytes;    /* total_swap_pages as the accounting sees it;
					  default the swap area's SwapTotal (swap_bytes
					  less its header page); MMK_CFG_ZERO */
	int cap_sys_admin;	       /* nonzero: processes have CAP_SYS_ADMIN (strict
					  mode then keeps no admin reserve from them) */
	int no_memory_failure;	       /* nonzero: as a kernel without CONFIG_MEMORY_FAILURE:
					  MADV_HWPOISON and MADV_SOFT_OFFLINE are unknown
					  advice (-EINVAL); zero (default): they exist and
					  need CAP_SYS_ADMIN, which processes lack (-EPERM) */
	int no_gigantic_pages;	       /* nonzero: as a machine without 1 GiB pages (an x86
					  CPU without pdpe1gb): MAP_HUGETLB|MAP_HUGE_1GB
					  names no huge page size (-EINVAL); zero
					  (default): it is a size, with none reserved */
	/* Programs (mmk_execve). */
	int arch;		 /* the architecture whose address-space layout the
				    system has: MMK_ARCH_X86_64 (0, default) or
				    MMK_ARCH_RISCV64 (an Sv48 machine).  Every
				    layout number (TASK_SIZE, the stack top,
				    mmap_base, ELF_ET_DYN_BASE, the vDSO's size)
				    comes from it; pages are 4 KiB on both */
	uint64_t at_random_seed; /* nonzero: exec's 16 AT_RANDOM bytes are a
				    function of this seed and the number of execs
				    the system has made (reproducible runs); 0
				    (default): they come from the host's
				    getrandom(), as Linux's get_random_bytes() */
	/* Reproducible runs (docs/RECLAIM.md, "Reproducible runs"). */
	int no_background_threads; /* nonzero: no kswapd and no flusher thread, so a
				      single-threaded embedder gets the same result
				      every run: an allocation that leaves fewer than
				      the low watermark free reclaims in the calling
				      thread up to the high watermark (as Linux
				      does when kswapd cannot run), and dirty pages
				      reach their files only through reclaim, sync,
				      fsync, msync and the files' release (no
				      time-based or background-threshold writeback).
				      Zero (default): kswapd and the flusher run as
				      Linux's, in background threads, so the order
				      of their work against the embedder's differs
				      from run to run.  `mmkit run` sets it unless
				      given --kswapd */
	int fs_model;		   /* MMK_FS_HOST (0, default): each file behaves as
				      the host file system holding it (statfs:
				      ext4/xfs get 2 MiB-aligned mappings and large
				      folios, ext4 its s_maxbytes and EOF-block
				      zeroing, tmpfs/ramfs stay cached under
				      fadvise DONTNEED), and maps shows its host
				      device and inode numbers.  MMK_FS_EXT4, _XFS,
				      _TMPFS, _OTHER (a file system with none of
				      these, as btrfs): every file behaves as on
				      that file system with 4 KiB blocks, whatever
				      the host's, and maps shows device 00:00 and
				      inode numbers counted from 1 in the order the
				      system first met the files */
	int chroot_names;	   /* nonzero: maps shows the files under the root
				      as a process chrooted into it sees them
				      (d_path: the root is "/"), with device 00:00
				      and inode numbers counted from 1 in the order
				      the system first met the files, as any
				      fs_model but MMK_FS_HOST shows them -- for
				      output that does not name the host directory
				      (`mmkit run` sets it for its temporary
				      directory).  Zero (default): host paths and
				      numbers (under MMK_FS_HOST) */
};

/* mmk_config.fs_model */
#define MMK_FS_HOST  0
#define MMK_FS_EXT4  1
#define MMK_FS_XFS   2
#define MMK_FS_TMPFS 3
#define MMK_FS_OTHER 4

/* mmk_config.arch */
#define MMK_ARCH_X86_64	 0
#define MMK_ARCH_RISCV64 1

/* vm.overcommit_memory (mmk_config.overcommit_memory). */
#define MMK_OVERCOMMIT_GUESS  0 /* refuse a single charge beyond RAM + swap */
#define MMK_OVERCOMMIT_ALWAYS 1 /* refuse nothing */
#define MMK_OVERCOMMIT_NEVER  2 /* strict: Committed_AS stays below CommitLimit */
/* A real zero for a mmk_config field whose 0 means "the default". */
#define MMK_CFG_ZERO UINT64_MAX

/* ---- Tracing ------------------------------------------------------------- */
/* One event of the machinery, for people learning how mmap works. */
enum mmk_event_kind {
	MMK_EV_VMA_CREATE,   /* a VMA was created: start,end */
	MMK_EV_VMA_SPLIT,    /* a VMA was split at addr */
	MMK_EV_VMA_MERGE,    /* a VMA was merged into a neighbour: start,end = result */
	MMK_EV_VMA_REMOVE,   /* a VMA was removed: start,end */
	MMK_EV_VMA_CHANGE,   /* a VMA's flags or bounds changed: start,end */
	MMK_EV_FAULT,	     /* a page fault: addr, detail = "read"/"write"..., major */
	MMK_EV_PAGE_READ,    /* a page was read from the host file: pgoff */
	MMK_EV_ZERO_PAGE,    /* the shared zero page was mapped at addr */
	MMK_EV_ANON_PAGE,    /* a zeroed anonymous frame was mapped at addr */
	MMK_EV_COW,	     /* copy-on-write at addr */
	MMK_EV_REUSE,	     /* write fault reused the only reference in place */
	MMK_EV_FAULT_AROUND, /* fault-around mapped `count` extra pages near addr */
	MMK_EV_PTE_SET,	     /* a PTE was set: addr, pfn */
	MMK_EV_WRITEBACK,    /* a dirty page was written to the host file: pgoff */
	MMK_EV_TLB_FLUSH,    /* the software TLB was flushed for start,end */
	MMK_EV_ZAP,	     /* PTEs in start,end were cleared */
	MMK_EV_SIGNAL,	     /* an access raised a signal at addr */
	/* Memory pressure (docs/RECLAIM.md) */
	MMK_EV_RECLAIM,	     /* reclaim freed frame pfn: detail = "file", "dirty file",
				"anon", "shmem", "lazyfree"; pgoff = its index (in
				file, for a page-cache page); source = the
				replacement policy that chose it ("lru", ...),
				list = its LRU list; peer, addr = a process
				that mapped it and where */
	MMK_EV_SWAP_OUT,     /* frame pfn was written to swap slot `count` */
	MMK_EV_SWAP_IN,	     /* a fault at addr read swap slot `count` back (major) */
	MMK_EV_OOM_KILL,     /* the OOM killer killed pid; count = its badness in pages,
				detail = the kernel-log style report */
	MMK_EV_PAGE_EVICT,   /* fadvise(DONTNEED) or drop_caches took page pgoff of file
				detail out of the page cache (frame pfn freed) */
	MMK_EV_READAHEAD,    /* readahead reads the absent pages of the window of file
				pages [start, end) of file detail (its PAGE_READs follow) */
	MMK_EV_SHARED_DIRTY, /* a write fault on a shared file mapping made the PTE at
				addr writable and dirty and page pgoff of file detail
				(frame pfn) dirty (wp_page_shared, do_shared_fault) */
};

struct mmk_event {
	enum mmk_event_kind kind;
	int pid;
	uint64_t start, end; /* a range, where the event has one */
	uint64_t addr;	     /* an address, where the event has one */
	uint64_t pgoff;	     /* a file page index, where the event has one */
	uint64_t pfn;	     /* a frame number, where the event has one */
	uint64_t count;
	int major;	    /* faults: 1 if the page came from the host file */
	const char *detail; /* a short word: fault kind, file name... (may be NULL) */
	/* Why it happened (fields appended; 0 or NULL where the event has none): */
	uint64_t vm_start, vm_end; /* FAULT, COW: the VMA holding addr */
	const char *file;	   /* FAULT, COW of a file page, RECLAIM of a page-cache
				      page: the file's host path, pgoff its page index */
	int cached;		   /* FAULT on a file page: 1 = found in the page cache,
				      0 = read from disk; pfn = the frame now mapped */
	const char *source;	   /* COW: what was copied: "file page", "zero page" or
				      "anonymous page" (one shared since fork);
				      RECLAIM: the policy that chose the page */
	/* Who else (fields appended; looked up only while a trace callback is
	 * installed, by walking the page's reverse map): */
	int peer;	  /* COW of an anonymous page: the pid of a process that
			     still maps the page copied (0: none found);
			     RECLAIM of a mapped page: the pid of a process that
			     mapped it, addr = the address there (0: it was not
			     mapped) */
	const char *list; /* RECLAIM: the LRU list the page was on when reclaim
			     took it: "inactive file", "active file",
			     "inactive anon" or "active anon" (the lru policy
			     takes the tail of an inactive list; the others
			     pick by their own rule, named by source) */
};

typedef void (*mmk_trace_fn)(void *arg, const struct mmk_event *ev);

/*
 * A page-replacement policy of the user's (mmk_config.policy_ops;
 * docs/RECLAIM.md, "Writing a policy").  Pages are named by their frame
 * number (1..RAM/4096).  mmkit calls these one at a time, under its LRU
 * lock: they must be quick and must not call mmkit.
 *   listed    the frame became a candidate for eviction (a page was
 *             mapped or cached, or came back from a look by reclaim);
 *             anon: an anonymous or shmem page (needs swap to go)
 *   unlisted  it stopped being one (freed, or taken by reclaim)
 *   accessed  a load or store through the MMU touched it (optional:
 *             NULL spares every access the call)
 *   victim    reclaim needs a page: a listed frame to evict, or 0 for
 *             none; anon_ok is zero when swap is full (an anon pick is
 *             then passed over and victim asked again, a few times)
 * A picked page that cannot go now (busy, pinned, dirty under writeback)
 * is listed again.
 */
struct mmk_policy_ops {
	const char *name;
	void (*listed)(void *arg, uint32_t frame, int anon);
	void (*unlisted)(void *arg, uint32_t frame);
	void (*accessed)(void *arg, uint32_t frame);
	uint32_t (*victim)(void *arg, int anon_ok);
};

/* ---- Systems ------------------------------------------------------------- */

/* Creates a system.  Returns 0 and stores the handle in *out, or -errno
 * (-ENOENT/-ENOTDIR for a bad root, -ENOMEM, -EINVAL for a bad setting). */
int mmk_system_create(const struct mmk_config *cfg, mmk_system **out);

/* Destroys a system: kills every process still alive, writes every dirty
 * page back to its host file, and frees everything.  Returns 0, or the first
 * -errno of a failed writeback (the destruction still completes).  NULL: a
 * no-op returning 0. */
int mmk_system_destroy(mmk_system *sys);

/* Installs a trace callback (NULL to remove).  Called synchronously, possibly
 * with internal locks held: the callback must not call back into mmkit. */
void mmk_system_set_trace(mmk_system *sys, mmk_trace_fn fn, void *arg);

/* Writes every dirty page of every file back and fsyncs every file in use;
 * if a file nobody has open or mapped any more was written since its last
 * fsync (mmkit closed its host descriptor), syncs the root's host file
 * system too, as sync(2) syncs every file system.  Returns 0 or -errno. */
int mmk_sync(mmk_system *sys);

/* Checks every invariant of the system (address spaces, page tables,
 * refcounts, mapcounts, frame accounting).  Returns 0, or -EUCLEAN and writes
 * a description of the first broken invariant into buf (buf may be NULL
 * with len 0: no description). */
int mmk_system_check(mmk_system *sys, char *buf, size_t len);

/* Failure injection (SQLite's fault simulator, Linux's fail-nth; for
 * tests): after the next @n internal allocations of sys made by the calling
 * thread succeed (other threads -- kswapd, the flusher -- are not counted), the one after fails as
 * if the host were out of memory -- every allocation counts: VMA objects, frames, page-table pages,
 * page-cache index nodes, anon_vmas and their chains, inodes, open files, fd tables, names.  Then
 * the countdown disarms itself, or, with @persist, every later allocation fails too.  @n < 0
 * disarms it and clears the count of injected failures.  While a test uses the countdown (armed, or
 * a failure injected since it was armed), a failed frame allocation is not retried through reclaim
 * and does not call the OOM killer (as Linux's fail_page_alloc fails before the allocator's slow
 * path): the call, or the fault of mmk_access, returns -ENOMEM.  The
 * system's state stays consistent whichever allocation fails
 * (mmk_system_check passes, destroy finds no leak).  NULL: no-op. */
void mmk_system_fail_after(mmk_system *sys, int64_t n, int persist);
/* Allocation failures injected since the countdown was last armed (0 for
 * a NULL system): 0 after a call means the call never reached the Nth
 * allocation. */
uint64_t mmk_system_failures(mmk_system *sys);

/* Frames of the pool: total and currently free (0 for a NULL system). */
uint64_t mmk_frames_total(mmk_system *sys);
uint64_t mmk_frames_free(mmk_system *sys);

/* /proc/meminfo's Committed_AS and CommitLimit, in pages: what the system's
 * processes have been promised (private writable mappings and shared
 * anonymous memory, unless MAP_NORESERVE), and the limit strict overcommit
 * holds it under (vm_memory_committed(), vm_commit_limit()). */
uint64_t mmk_committed_as(mmk_system *sys);
uint64_t mmk_commit_limit(mmk_system *sys);

/* ---- Processes ----------------------------------------------------------- */

/* Creates a process with an empty address space and an fd table holding
 * fds 0, 1 and 2 open on a null device (as a process started with
 * </dev/null >/dev/null 2>&1 has; so its first open() returns 3).
 * Returns its pid (> 0) and stores the handle in *out, or -errno. */
int mmk_spawn(mmk_system *sys, mmk_proc **out);

/* fork(2): copies the address space as dup_mmap does and the fd table.
 * Returns the child's pid and stores its handle in *child, or -errno. */
int mmk_fork(mmk_proc *parent, mmk_proc **child);

/* execve(2) as far as memory goes, with no program (mmk_execve loads one):
 * the address space is emptied (every mapping removed, counters reset; the
 * fault counts stay, as the task's); fds marked close-on-exec are closed.  Returns 0, or -ESRCH
 * (killed). Other threads' calls on p may run meanwhile (see Thread safety above). */
int mmk_exec(mmk_proc *p);

/* ---- Programs: execve of an ELF file ---------------------------------------- */

/* The auxiliary vector's largest size in (type, value) pairs, AT_NULL
 * included (Linux's AT_VECTOR_SIZE is larger; exec fills at most this). */
#define MMK_AUXV_MAX 40

/* What a CPU needs to start the program mmk_execve loaded, and where it
 * lies.  Addresses are in the process's address space. */
struct mmk_exec_info {
	uint64_t entry;	      /* first instruction: the interpreter's entry point
				 when the program has PT_INTERP, else the program's
				 (e_entry + load_bias) */
	uint64_t sp;	      /* initial stack pointer: points at argc, then argv[],
				 NULL, envp[], NULL, the auxv pairs (16-byte aligned) */
	uint64_t load_bias;   /* what was added to the program's p_vaddr (0 for ET_EXEC) */
	uint64_t interp_base; /* AT_BASE: the interpreter's load address, or 0 */
	uint64_t phdr;	      /* AT_PHDR */
	uint64_t phnum;	      /* AT_PHNUM */
	uint64_t start_brk;   /* the program break after exec */
	uint64_t stack_end;   /* the stack VMA's end (STACK_TOP) */
	uint64_t vdso_base;   /* AT_SYSINFO_EHDR: the [vdso] text */
	uint64_t execfn;      /* AT_EXECFN: the file name string on the stack */
	uint64_t random;      /* AT_RANDOM: the 16 random bytes on the stack */
	uint64_t auxv_addr;   /* where auxv[0] lies on the stack (sp + 8 * (argc +
				 envc + 3)), for an embedder that patches a value */
	uint64_t argc, envc;
	uint64_t auxv[2 * MMK_AUXV_MAX]; /* (type, value) pairs as on the stack,
					    AT_NULL last */
	int auxc;			 /* pairs in auxv, AT_NULL included */
};

/* execve(2) of the ELF file at PATH, resolved in the system's root as
 * mmk_open resolves it, with the NULL-terminated argv and envp (either may
 * be NULL: empty; an empty argv gets argv[0] = "" as Linux 5.18+ does).
 * Follows Linux's do_execveat_common, bprm_stack_limits and
 * load_elf_binary step by step (src/sys/binfmt_elf.c):
 *   before the point of no return, the process is unchanged on failure:
 *     -EFAULT (NULL path), -ENOENT/-ENOTDIR/-ENAMETOOLONG/-ELOOP (lookup),
 *     -EACCES (not a regular file, no execute permission for the host
 *     user, or on a noexec mount), -ETXTBSY (some mmkit file description
 *     has the file open for writing), -E2BIG (an argument longer than 32
 *     pages, or argv + envp beyond RLIMIT_STACK / 4), -ENOEXEC (not ELF,
 *     wrong class/machine/type, bad program headers, PT_INTERP malformed),
 *     -ELIBBAD (the interpreter is not ELF of this machine), -EIO (a file
 *     shorter than its headers say), -ENOMEM;
 *   after it (the old image is gone: mmk_exec's teardown, O_CLOEXEC fds
 *     closed), a failure (-ENOMEM, -EINVAL for a segment beyond TASK_SIZE,
 *     -EEXIST for ET_EXEC segments that overlap, an interpreter that is no
 *     ET_EXEC/ET_DYN...) kills the process with SIGSEGV as Linux's
 *     force_fatal_sig does: mmk_proc_killed says MMK_SIGSEGV and its calls
 *     return -ESRCH; only mmk_exit is left to do.
 * On success fills *out (may be NULL) and returns 0.  The layout is Linux's
 * with ASLR off (personality ADDR_NO_RANDOMIZE): mmkit never randomizes.
 * Other calls on p must not run concurrently with mmk_execve (Linux's
 * de_thread kills the other threads first); an access under way stops as
 * for mmk_exec. */
int mmk_execve(mmk_proc *p, const char *path, const char *const argv[], const char *const envp[],
	       struct mmk_exec_info *out);

#define MMK_AT_FDCWD	  (-100)
#define MMK_AT_EMPTY_PATH 0x1000
/* execveat(2): as mmk_execve, with PATH relative to the root (dirfd
 * MMK_AT_FDCWD, or any dirfd with an absolute PATH), or, with
 * MMK_AT_EMPTY_PATH and PATH "", the file open on dirfd (which may be a
 * host file given by mmk_fd_install_host).  The file name on the stack
 * (AT_EXECFN) is then "/dev/fd/N" as on Linux.  A relative PATH with a
 * dirfd other than MMK_AT_FDCWD is -EOPNOTSUPP (mmkit opens only by paths
 * from the root).  Other flags: -EINVAL. */
int mmk_execveat(mmk_proc *p, int dirfd, const char *path, const char *const argv[],
		 const char *const envp[], int flags, struct mmk_exec_info *out);

/* Gives every later exec in sys a [vdso] holding these len bytes (copied;
 * len > 0, at most 64 KiB), page-rounded: the vDSO image an emulator's
 * programs will call (AT_SYSINFO_EHDR points at its first byte).  Without
 * one, [vdso] is the profile's size of zero-filled pages (x86-64: 2), which
 * shapes the address space exactly as the host's does but holds no code.
 * [vvar] (and on x86-64 [vvar_vclock]) below it are always the profile's
 * size and read as zeros.  NULL image with len 0 removes the image.
 * Not to be called while an mmk_execve runs in sys.  Returns 0, -EINVAL
 * or -ENOMEM. */
int mmk_set_vdso(mmk_system *sys, const void *image, uint64_t len);

/* Gives p a new fd (the lowest free one) on the host file open on hostfd,
 * which may lie outside the system's root (the embedder already opened it:
 * a shared library, the program itself).  The new open file description
 * has hostfd's access mode and O_APPEND (fcntl F_GETFL) and its own file
 * offset (0), and shares the page cache of any other open of the same file
 * (dev, ino).  hostfd stays the caller's: mmkit works on its own read-only
 * reopen of it.  flags:
 * MMK_O_CLOEXEC or 0.  Only a regular file or a directory is accepted
 * (-EINVAL otherwise; -EBADF for a bad hostfd).  Maps names the file by
 * its host path, with " (deleted)" when its name was already gone (a file
 * unlinked after its open, a memfd), as Linux's d_path does.
 * mmkit never writes to a file that came in this way (unless the system
 * also opened it by path beneath the root first: that inode's rules stay),
 * and never widens its access: its inode's host descriptor is read-only, every
 * page cache page of it stays the host's bytes unless a simulated write or
 * a store into a MAP_SHARED mapping changes it, and such a change stays in
 * mmkit's page cache: writeback (msync, fsync, sync, reclaim, destroy)
 * marks the page clean without writing it, so a page reclaimed afterwards
 * reads the host's bytes again.  (msync of clean pages writes nothing on
 * any file.)  Returns the fd or -errno. */
int mmk_fd_install_host(mmk_proc *p, int hostfd, int flags);

/* exit(2): releases everything; the handle is freed.  Returns 0. */
int mmk_exit(mmk_proc *p);

/* Whether the OOM killer (or anything else) killed the process: 0 or the
 * signal number (-EINVAL for NULL).  A killed process's calls return -ESRCH. */
int mmk_proc_killed(mmk_proc *p);

int mmk_getpid(mmk_proc *p);

/* ---- Files --------------------------------------------------------------- */

/* open(2) relative to the system's root.  A path never resolves outside the
 * root: ".." above it, absolute paths and symlinks leaving it fail with
 * -EACCES or -ENOENT.  A directory opens read-only (for mmk_getdents64;
 * with write access or O_CREAT: -EISDIR, as the host answers); with
 * MMK_O_DIRECTORY anything else is -ENOTDIR.  A created file gets mode &
 * 01777 less the host process's umask (bits above 07777 are ignored, as open(2) does; S_ISUID
 * and S_ISGID are dropped, see docs/DIFFERENCES.md).  A FIFO or device node
 * is the host's, opened with exactly the access asked for and never
 * blocking: where Linux would wait, mmkit answers as for O_NONBLOCK
 * (docs/DIFFERENCES.md).  Returns the new fd or -errno. */
int mmk_open(mmk_proc *p, const char *path, int flags, unsigned mode);
int mmk_close(mmk_proc *p, int fd);
int mmk_dup(mmk_proc *p, int fd);
int64_t mmk_read(mmk_proc *p, int fd, void *buf, uint64_t len);
int64_t mmk_write(mmk_proc *p, int fd, const void *buf, uint64_t len);
int64_t mmk_pread(mmk_proc *p, int fd, void *buf, uint64_t len, int64_t off);
int64_t mmk_pwrite(mmk_proc *p, int fd, const void *buf, uint64_t len, int64_t off);
int64_t mmk_lseek(mmk_proc *p, int fd, int64_t off, int whence);
int mmk_ftruncate(mmk_proc *p, int fd, int64_t len);
int mmk_fsync(mmk_proc *p, int fd);
/* unlink(2), unlinkat(AT_FDCWD, path, 0): a last component ".", ".." or
 * the root is -EISDIR; a trailing slash never removes a non-directory. */
int mmk_unlink(mmk_proc *p, const char *path);
/* Directories (the host's, beneath the root, confined as mmk_open: the
 * last component is never followed, and a path leaving the root is -EACCES
 * or -ENOENT).  mkdir(2), mkdirat(AT_FDCWD): mode & 01777 less the host
 * process's umask; -EEXIST (also for ".", ".." and the root), -ENOENT,
 * -ENOTDIR, -EACCES...  rmdir(2), unlinkat(AT_FDCWD, path, AT_REMOVEDIR):
 * -ENOTEMPTY, -ENOTDIR (a file, a symlink), -ENOENT, and for a last
 * component ".": -EINVAL, "..": -ENOTEMPTY, the root (a path of slashes
 * only): -EBUSY.  Both return 0 or -errno. */
int mmk_mkdir(mmk_proc *p, const char *path, unsigned mode);
int mmk_rmdir(mmk_proc *p, const char *path);
/* getdents64(2) on a directory opened with mmk_open: whole struct
 * linux_dirent64 records (u64 d_ino, s64 d_off, u16 d_reclen (a multiple
 * of 8), u8 d_type, the NUL-terminated name), "." and ".." among them, in
 * the host file system's order, from the open file's own position.  d_ino
 * and d_off are the host's; d_off is the position after the record, which
 * mmk_lseek(fd, d_off, SEEK_SET) returns to (0 rewinds).  Returns the
 * bytes written, 0 at the end, -EBADF, -ENOTDIR (fd is no directory),
 * -EINVAL (len too small for the next record), -EFAULT (buf NULL). */
int64_t mmk_getdents64(mmk_proc *p, int fd, void *buf, uint64_t len);
/* fstat(2) of an open file: the host file's facts (device, inode number,
 * mode, links, owner, times, blocks) with the size mmkit sees (its page
 * cache's) for a regular file; the null device behind fds 0-2 is the
 * character device 1:3.  0, -EBADF, -EFAULT (st NULL). */
struct mmk_stat {
	uint64_t dev, ino;
	uint32_t mode, nlink, uid, gid;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	int64_t atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};
int mmk_fstat(mmk_proc *p, int fd, struct mmk_stat *st);
/* Whole-file access from outside any process, through the page cache (what
 * the script's top-level `file` and `cat` statements do).  create: opens
 * PATH with O_CREAT|O_TRUNC|O_WRONLY and writes len bytes one page per
 * write(2), so the file is cached in 4 KiB folios however large it is (as
 * the Linux backend of `mmkit check` writes it), then fsyncs it: its pages
 * start cached and clean.  write: the same writes and fsync at off of the
 * existing file PATH (without O_CREAT or O_TRUNC), so a large file can be
 * created in pieces: create with the first, write the rest; 0 or -errno.
 * read: returns the number of bytes read at off (0 at or past EOF), or
 * -errno (-EINVAL for an off past INT64_MAX, as pread(2) answers a negative
 * offset). */
int mmk_sys_file_create(mmk_system *sys, const char *path, const void *data, uint64_t len);
int mmk_sys_file_write(mmk_system *sys, const char *path, uint64_t off, const void *data,
		       uint64_t len);
int64_t mmk_sys_file_read(mmk_system *sys, const char *path, uint64_t off, void *buf, uint64_t len);

/* posix_fadvise(2), as Linux's generic_fadvise (mm/fadvise.c): advice
 * MMK_POSIX_FADV_*.  DONTNEED evicts the clean page-cache pages lying
 * wholly in [off, off + len) (len 0: to the end of the file) that no
 * process maps and nothing else holds, and starts writeback of the dirty
 * ones, which stay cached (as on Linux, where they are still under
 * writeback when the invalidation runs).  WILLNEED reads up to 256 pages
 * of the range into the cache.  NORMAL, RANDOM, SEQUENTIAL and NOREUSE are
 * accepted without effect (mmkit does not model the file's readahead
 * mode).  On a file without a backing device (on tmpfs or ramfs, a
 * device node, shared anonymous memory) only the advice is checked.  Returns 0, -EBADF (fd not
 * open), -ESPIPE (a FIFO), -EINVAL (len < 0, unknown advice). */
#define MMK_POSIX_FADV_NORMAL	  0
#define MMK_POSIX_FADV_RANDOM	  1
#define MMK_POSIX_FADV_SEQUENTIAL 2
#define MMK_POSIX_FADV_WILLNEED	  3
#define MMK_POSIX_FADV_DONTNEED	  4
#define MMK_POSIX_FADV_NOREUSE	  5
int mmk_fadvise(mmk_proc *p, int fd, int64_t off, int64_t len, int advice);

/* echo WHAT > /proc/sys/vm/drop_caches (fs/drop_caches.c): WHAT 1 or 3
 * evicts every page-cache page of every host file that mmk_fadvise's DONTNEED
 * would evict (clean, unmapped, unpinned; not files on tmpfs/ramfs);
 * 2 (slab objects) and 4 (quiet) drop nothing here.  Returns the number of
 * pages evicted, or -EINVAL (NULL system, WHAT outside 1..4), -ENOMEM. */
int64_t mmk_drop_caches(mmk_system *sys, int what);

/* File size as this system sees it (page cache included), or -errno. */
int64_t mmk_fsize(mmk_proc *p, int fd);

/* ---- The mmap family ----------------------------------------------------- */
/* Arguments have the system calls' widths: mmap's prot and flags, mprotect's
 * prot and mremap's flags are unsigned long in Linux, so a bit above bit 31
 * counts (mprotect and mremap refuse unknown bits with -EINVAL,
 * MAP_SHARED_VALIDATE with -EOPNOTSUPP); msync's, madvise's and the mlock
 * calls' are int, as a guest's register cut to 32 bits. */
int64_t mmk_mmap(mmk_proc *p, uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int fd,
		 int64_t off);
int mmk_munmap(mmk_proc *p, uint64_t addr, uint64_t len);
int mmk_mprotect(mmk_proc *p, uint64_t addr, uint64_t len, uint64_t prot);
int64_t mmk_mremap(mmk_proc *p, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		   uint64_t flags, uint64_t new_addr);
int mmk_msync(mmk_proc *p, uint64_t addr, uint64_t len, int flags);
int mmk_madvise(mmk_proc *p, uint64_t addr, uint64_t len, int advice);
int mmk_mlock(mmk_proc *p, uint64_t addr, uint64_t len);
int mmk_mlock2(mmk_proc *p, uint64_t addr, uint64_t len, int flags);
int mmk_munlock(mmk_proc *p, uint64_t addr, uint64_t len);
int mmk_mlockall(mmk_proc *p, int flags);
int mmk_munlockall(mmk_proc *p);
/* mincore(2): one byte per page into vec (bit 0 = resident). */
int mmk_mincore(mmk_proc *p, uint64_t addr, uint64_t len, unsigned char *vec);
/* brk(2): returns the new break, or the old one when the change is refused
 * (exactly as the raw Linux system call does). brk(0) returns the break.
 * A killed process (or NULL) gets -ESRCH (-EINVAL), cast to uint64_t like
 * every -errno: no break lies in the top 4095 bytes. */
uint64_t mmk_brk(mmk_proc *p, uint64_t brk);
/* Sets the start of the heap (as exec of an ELF would).  Only on an address
 * space with no heap yet. Returns 0 or -EINVAL. */
int mmk_set_brk_base(mmk_proc *p, uint64_t start_brk);
/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME): names anonymous memory; NULL clears. */
int mmk_set_anon_name(mmk_proc *p, uint64_t addr, uint64_t len, const char *name);
/* Inserts a VMA that stands for memory the simulated process does not
 * manage (as the host's binary, libc, stack and vdso do for the Linux
 * backend of `mmkit check`): it takes part in placement but is hidden from
 * maps/smaps/status.  Returns 0 or -errno. */
int mmk_reserve(mmk_proc *p, uint64_t start, uint64_t end, int growsdown);

/* ---- Access: loads and stores through the simulated MMU ------------------- */
struct mmk_siginfo {
	int signo; /* MMK_SIGSEGV or MMK_SIGBUS; 0 if none */
	int code;  /* MMK_SEGV_MAPERR, MMK_SEGV_ACCERR, MMK_BUS_ADRERR */
	uint64_t addr;
};

/* Copies len bytes at addr into buf, faulting pages in as the CPU would.
 * Returns 0, or -EFAULT with *si (if non-NULL) describing the signal; bytes
 * on pages before the faulting page have been copied. */
int mmk_load(mmk_proc *p, uint64_t addr, void *buf, uint64_t len, struct mmk_siginfo *si);
/* Stores len bytes; same contract as mmk_load. */
int mmk_store(mmk_proc *p, uint64_t addr, const void *buf, uint64_t len, struct mmk_siginfo *si);
/* Stores len copies of byte c. */
int mmk_fill(mmk_proc *p, uint64_t addr, int c, uint64_t len, struct mmk_siginfo *si);
/* Copies within the process's address space (memmove semantics page by page). */
int mmk_copy(mmk_proc *p, uint64_t dst, uint64_t src, uint64_t len, struct mmk_siginfo *si);
/* One access (read or write) to each page in [addr, addr+len). */
int mmk_touch(mmk_proc *p, uint64_t addr, uint64_t len, int write, struct mmk_siginfo *si);

/* For CPU emulators (tools/rv/ is one).  mmk_fetch is mmk_load for an
 * instruction fetch: every page must also lie in a mapping with
 * PROT_EXEC, else it stops there with SIGSEGV/SEGV_ACCERR at that page's
 * first byte of the access (no mapping: SEGV_MAPERR, as a load).  The
 * check and the copy of each page see the same mappings. */
int mmk_fetch(mmk_proc *p, uint64_t addr, void *buf, uint64_t len, struct mmk_siginfo *si);
/* The mapping generation of p's address space: it changes whenever any
 * page's translation or protection may have changed (a mapping call, brk,
 * exec, fork's write-protection, a page zapped, reclaimed or copied on
 * write).  An emulator may keep anything derived from fetched bytes --
 * decoded instructions, translated blocks -- while it reads the same
 * value; a store of the program's own to its code still needs its
 * fence.i (or equivalent) to be seen.  0 for NULL. */
uint64_t mmk_map_gen(mmk_proc *p);

/* ---- Views --------------------------------------------------------------- */
/* Each renders into buf (NUL-terminated, truncated to len) and returns the
 * full length the text needs, or -errno.  buf NULL with len 0 only asks for
 * the length. */
int64_t mmk_proc_maps(mmk_proc *p, char *buf, uint64_t len);
int64_t mmk_proc_smaps(mmk_proc *p, char *buf, uint64_t len);
int64_t mmk_proc_status(mmk_proc *p, char *buf, uint64_t len);

struct mmk_fault_counts {
	uint64_t minor, major;
};
int mmk_proc_faults(mmk_proc *p, struct mmk_fault_counts *out);

/* One entry of the pagemap-like view of a virtual page. */
struct mmk_pageinfo {
	/* guard: not present, a guard marker (Linux's PM_GUARD_REGION) */
	unsigned present : 1, dirty : 1, anon : 1, file : 1, zero : 1, writable : 1, exclusive : 1,
	    guard : 1, swapped : 1; /* not present: the page is in swap (pagemap's PM_SWAP) */
	uint64_t pfn;
	uint32_t mapcount;
	uint32_t refcount;
};
/* Fills out[i] for each page of [addr, addr + npages pages). */
int mmk_proc_pagemap(mmk_proc *p, uint64_t addr, uint64_t npages, struct mmk_pageinfo *out);

/* The page cache, for tools that draw it (`mmkit run --html`).  A file is
 * named by its device and inode numbers, as maps shows them.  The calls
 * only look: they never read a file or change a page. */
struct mmk_cache_info {
	uint32_t dev_major, dev_minor;
	uint64_t ino;
	uint64_t size;	  /* i_size, bytes */
	uint64_t nrpages; /* pages in the page cache */
	uint64_t nrdirty; /* of which dirty */
	char path[256];	  /* the host path, as maps shows it (cut to fit) */
};
/* Fills out[0..n) with the host files the system has an inode for (open,
 * mapped or still cached), sorted by path, and returns how many there are
 * (more than n: call again with more room), or -errno. */
int64_t mmk_pagecache_files(mmk_system *sys, struct mmk_cache_info *out, uint64_t n);

#define MMK_CACHE_PRESENT   0x01 /* the page is in the page cache */
#define MMK_CACHE_DIRTY	    0x02 /* PG_dirty: newer than the file on disk */
#define MMK_CACHE_WRITEBACK 0x04 /* PG_writeback: being written */
#define MMK_CACHE_READAHEAD 0x08 /* PG_readahead: touching it reads the next window */
#define MMK_CACHE_ACTIVE    0x10 /* on the active LRU list */
struct mmk_cache_page {
	uint32_t flags;	      /* MMK_CACHE_*; 0: not cached */
	uint32_t mapcount;    /* page-table entries mapping it */
	uint64_t pfn;	      /* its frame, where cached */
	unsigned folio_order; /* the folio holding it has 2^order pages */
};
/* Fills out[i] for page first + i of file (found by its dev and ino), i <
 * n, under the file's lock (one instant).  Returns the file's size in
 * pages, or -ENOENT (no such inode any more), -EINVAL, -EFAULT. */
int64_t mmk_pagecache_pages(mmk_system *sys, const struct mmk_cache_info *file, uint64_t first,
			    uint64_t n, struct mmk_cache_page *out);

/* Names an errno value as "EINVAL"; NULL for an unknown one. */
const char *mmk_errno_name(int err);

/* ---- Memory pressure: reclaim, swap, OOM (docs/RECLAIM.md) ---------------- */

/* Page replacement policies (mmk_config.reclaim_policy). */
#define MMK_RECLAIM_LRU	  0 /* Linux's active/inactive lists aged by PTE accessed bits */
#define MMK_RECLAIM_CLOCK 1 /* one list per type, second chance on the accessed bit */
#define MMK_RECLAIM_FIFO  2 /* the oldest page goes first, used or not */
#define MMK_RECLAIM_OPT                                                                            \
	3 /* Belady's: the page used farthest in the future, known                                 \
	     from an earlier run's reference string (offline) */
#define MMK_RECLAIM_EXACT_LRU                                                                      \
	4 /* textbook LRU: every access moves its page to the                                      \
	     head of its list, the tail goes first (an                                             \
	     experimenter's reference, costly per access) */

/* "lru", "clock", "fifo", "opt"; NULL for an unknown value. */
const char *mmk_reclaim_policy_name(int policy);
/* The policy called name, or -EINVAL. */
int mmk_reclaim_policy_parse(const char *name);

/* Counters and page counts of a system, as Linux's /proc/vmstat names them
 * (swap_total/swap_free as /proc/meminfo's SwapTotal/SwapFree, in pages).
 * pgpgin/pgpgout are KiB, as Linux's; the rest are pages or events. */
struct mmk_vmstat {
	uint64_t nr_free_pages, nr_inactive_anon, nr_active_anon, nr_inactive_file, nr_active_file,
	    nr_file_pages, nr_dirty, nr_swapcached, swap_total, swap_free;
	uint64_t pgpgin, pgpgout, pswpin, pswpout, pgfault, pgmajfault, pgscan_kswapd,
	    pgscan_direct, pgsteal_kswapd, pgsteal_direct, pgactivate, pgdeactivate, pgrefill,
	    pgrotated, oom_kill;
};
/* Fills *out.  0 or -EINVAL. */
int mmk_vmstat(mmk_system *sys, struct mmk_vmstat *out);
/* The same as /proc/vmstat text ("name value" lines), rendered like the
 * views: into buf, returning the full length, or -errno. */
int64_t mmk_vmstat_text(mmk_system *sys, char *buf, uint64_t len);

/* The page reference string recorded so far (mmk_config.record_refs): one
 * key per page touched by a load, store, fill, copy or touch, in order.
 * Copies up to n keys into out and returns how many there are, or -EINVAL
 * when the system does not record.  Feed it to a later run's opt_refs. */
int64_t mmk_refs(mmk_system *sys, uint64_t *out, uint64_t n);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif /* MMKIT_H */
