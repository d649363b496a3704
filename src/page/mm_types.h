/*
 * mm_types.h - the kernel-side structures of mmkit and how they relate.
 *
 *   mmk_system (the machine)          Linux: the kernel's globals
 *     |- frame_pool (RAM)             struct page array, buddy allocator
 *     |- inode table                  icache; each mmk_inode has its
 *     |    mmk_inode                  address_space: page cache + i_mmap
 *     `- processes
 *          mmk_proc                   task_struct
 *            |- fdtable -> mmk_file   files_struct -> struct file
 *            `- mm                    mm_struct
 *                 |- vma_tree of vma  maple tree of vm_area_struct
 *                 |     vma -> anon_vma (via avc)   anon_vma / anon_vma_chain
 *                 `- pgtable          pgd/pud/pmd/pte
 *
 * Lock order (outermost first; never take an earlier lock while holding a
 * later one):
 *   0. oom->lock, reclaim->run_lock (the OOM killer; a kswapd pass or an
 *                           invariant check), taken with no other lock held
 *   1. mm->mmap_lock        (rwlock; write for VMA changes, read for faults)
 *   2. inode->lock          (one file's page cache, size, i_mmap list, host fd)
 *   3. anon_vma root lock   (anon_vma->root->lock)
 *   4. mm->ptl              (page tables, RSS counters, TLB of that mm)
 *   5. sys->lock            (process list, inode table, pids)
 *   6. lru->lock            (the LRU lists, lru.c)
 *   7. swap->lock           (swap slots and the swap cache, swap.c)
 *   8. frame_pool->lock     (free list), pt_pool->lock (empty page-table slabs;
 *                           taken inside a pgtable's internal alloc_lock)
 * Reclaim finds a page on the LRU and must then lock its owner (inode or
 * anon_vma root), an earlier lock: it only ever trylocks those while
 * holding lru->lock, which cannot deadlock (see lru.c, reclaim.c).
 * file->pos_lock and proc->fd_lock sit between 1 and 2 (neither under the
 * other); slab->lock, refs->lock and the flusher's and kswapd's wakeup
 * locks are leaves.  src/base/lock.h turns this list into ranks that debug
 * builds check on every acquisition, and every "caller holds X" below
 * into an assertion.
 * The trace callback may be called with any of them held.
 */
#ifndef MMK_MM_TYPES_H
#define MMK_MM_TYPES_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch.h"
#include "blockmap.h"
#include "bug.h"
#include "failinj.h"
#include "frame.h"
#include "lock.h"
#include "mmkit.h"
#include "pcache_index.h"
#include "pgtable.h"
#include "slab.h"
#include "tlb.h"
#include "vma_tree.h"

#define PAGE_SIZE 4096ULL
/* The largest file size the VFS allows on a 64-bit kernel (linux/fs.h). */
#define MAX_LFS_FILESIZE ((uint64_t)INT64_MAX)
#define PAGE_SHIFT	 12
#define PAGE_MASK	 (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	 (((x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGE_ALIGNED(x)	 (((x) & (PAGE_SIZE - 1)) == 0)

/* TASK_SIZE and the rest of the layout come from the system's architecture
 * profile (arch.h): mm->task_size, sys->arch.  As Linux's TASK_SIZE reads
 * `current`, this one reads the `mm` in scope. */
#define TASK_SIZE	   (mm->task_size)
#define TASK_UNMAPPED_BASE (mm->sys->arch->unmapped_base)
#define SIZE_128M	   (128ULL << 20)

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* vm_flags: Linux's bit values (include/linux/mm.h). */
#define VM_NONE	     0x0ULL
#define VM_READ	     0x1ULL
#define VM_WRITE     0x2ULL
#define VM_EXEC	     0x4ULL
#define VM_SHARED    0x8ULL
#define VM_MAYREAD   0x10ULL
#define VM_MAYWRITE  0x20ULL
#define VM_MAYEXEC   0x40ULL
#define VM_MAYSHARE  0x80ULL
#define VM_GROWSDOWN 0x100ULL
#define VM_PFNMAP    0x400ULL
/* MADV_GUARD_INSTALL ran here: its page tables may hold guard markers ("gu"
 * in smaps). */
#define VM_MAYBE_GUARD 0x800ULL
#define VM_LOCKED      0x2000ULL
#define VM_IO	       0x4000ULL
#define VM_SEQ_READ    0x8000ULL
#define VM_RAND_READ   0x10000ULL
#define VM_DONTCOPY    0x20000ULL
#define VM_DONTEXPAND  0x40000ULL
#define VM_LOCKONFAULT 0x80000ULL
#define VM_ACCOUNT     0x100000ULL
#define VM_NORESERVE   0x200000ULL
#define VM_HUGETLB     0x400000ULL
#define VM_SYNC	       0x800000ULL
#define VM_WIPEONFORK  0x2000000ULL
#define VM_DONTDUMP    0x4000000ULL
#define VM_SOFTDIRTY   0x8000000ULL
#define VM_MIXEDMAP    0x10000000ULL
#define VM_HUGEPAGE    0x20000000ULL
#define VM_NOHUGEPAGE  0x40000000ULL
#define VM_MERGEABLE   0x80000000ULL
#define VM_DROPPABLE   (1ULL << 40) /* VM_HIGH_ARCH_8 on 64-bit */

#define VM_SPECIAL		  (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)
#define VM_LOCKED_MASK		  (VM_LOCKED | VM_LOCKONFAULT)
#define VM_ACCESS_FLAGS		  (VM_READ | VM_WRITE | VM_EXEC)
#define VM_STACK_INCOMPLETE_SETUP 0
/* Flags a merged VMA keeps if any of the merged VMAs had them (mm.h
 * VM_STICKY): guard markers may lie anywhere in it. */
#define VM_STICKY VM_MAYBE_GUARD
/* Flags that do not stop two VMAs merging (mm.h VM_IGNORE_MERGE). */
#define VM_IGNORE_MERGE (VM_SOFTDIRTY | VM_STICKY)
/* Flags whose VMAs fork copies the page tables of, anon_vma or not (mm.h
 * VM_COPY_ON_FORK, without the userfaultfd flag mmkit lacks). */
#define VM_COPY_ON_FORK (VM_PFNMAP | VM_MIXEDMAP | VM_MAYBE_GUARD)
/* x86-64 VM_DATA_DEFAULT_FLAGS (no READ_IMPLIES_EXEC). */
#define VM_DATA_DEFAULT_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

struct mm;
struct vma;
struct mmk_inode;

/* ---- Files ---------------------------------------------------------------- */

enum inode_kind {
	INODE_FILE,    /* a host file under the root */
	INODE_SHMEM,   /* shared anonymous memory / /dev/zero: pages only in RAM */
	INODE_NULL,    /* the null device behind fds 0-2 of a new process */
	INODE_SPECIAL, /* a FIFO or device node under the root, one per open:
			  no page cache, I/O passed to the host (fs.c; inode.c makes it) */
};

/* Per open file readahead state (Linux's struct file_ra_state). */
struct ra_state {
	uint64_t start;	     /* first page of the current window */
	uint32_t size;	     /* pages in the window */
	uint32_t async_size; /* pages before the window end that trigger the next */
	uint64_t prev_pos;   /* last byte read + 1, for sequential detection;
				UINT64_MAX (Linux: -1) before the first read */
};

/*
 * mmk_inode - a file as the whole system sees it (Linux: inode +
 * address_space).  One per host file (dev, ino), shared by every open of it
 * in every process, so there is exactly one page cache per file.
 */
#define MAX_PAGECACHE_ORDER 9 /* x86-64: HPAGE_PMD_ORDER, a 2 MiB folio (pages.h) */

struct mmk_inode {
	struct mmk_system *sys; /* immutable */
	enum inode_kind kind;	/* immutable */
	int hostfd;		/* under lock: the host descriptor (hostfd.c): -1 but
				   for an INODE_FILE in use (never O_APPEND) or an
				   INODE_SPECIAL (immutable, the open's own); closed
				   only when idle, else replaced by dup3 onto the
				   same number, so valid while a reference is held */
	int hostfd_acc;		/* under lock: hostfd's O_ACCMODE */
	bool host_unsynced;	/* under lock: the host file was written through
				   hostfd (pwrite, ftruncate) since its last fsync */
	int hostfd_rd;		/* under lock, used only under it: a read-only
				   descriptor kept beside a write-only hostfd (an
				   earlier or later open could read, none could
				   open O_RDWR), else -1 (hostfd.c) */
	bool idle_stamped;	/* under lock: hostfd was closed idle, with */
	int64_t idle_mtime_ns;	/*   the host file's mtime and size then */
	uint64_t idle_size;
	dev_t dev;		   /* immutable: host device (maps MAJ:MIN) */
	ino_t ino;		   /* immutable: host inode number */
	char *path;		   /* immutable: absolute host path, for maps */
	uint64_t seq;		   /* immutable: a host file's place in the order the
				      system met its files (1, 2...; 0 for the others):
				      the order of inodes_snapshot, and its inode
				      number in maps under cfg.fs_model */
	bool nommap;		   /* immutable: no mmap (directories, FIFOs, devices,
				      the null device): ENODEV */
	bool thp_get_area;	   /* immutable: a regular file on a host file system that
				      places mappings 2 MiB aligned and has FOP_MMAP_SYNC
				      (ext4, xfs) */
	uint8_t max_folio_order;   /* immutable: mapping_max_folio_order(): 0, or
				      MAX_PAGECACHE_ORDER for a host file on ext4/xfs
				      (unless the system has no_large_folios) */
	bool zero_eof_block;	   /* immutable: a regular file on ext4 with 4 KiB
				      blocks, whose size changes zero the block at an
				      unaligned EOF through the page cache
				      (zero_eof_block_locked in pagecache.c) */
	bool ram_backed;	   /* immutable: a host file on tmpfs or ramfs, whose page
				      cache is the file (noop_backing_dev_info): fadvise
				      and drop_caches never evict its pages (fadvise.c) */
	uint64_t max_bytes;	   /* immutable: the file system's s_maxbytes, the largest
				      size a write or truncate may give the file
				      (fs_max_bytes in inode.c) */
	atomic_uint refcount;	   /* open files + mappings + the inode table's 0 */
	struct mmk_mutex lock;	   /* protects all fields below */
	uint64_t size;		   /* i_size: authoritative while the inode lives */
	atomic_bool unlinked;	   /* last name removed: maps says " (deleted)";
				      set once, read without a lock */
	struct pcache_index pages; /* the page cache: pgoff -> pfn */
	struct blockmap blocks;	   /* zero_eof_block files: the pages with a block */
	uint64_t nrpages, nrdirty;
	struct pcache_index swapped; /* shmem: pgoff -> swap slot of pages swapped out (swap.c) */
	struct vma *i_mmap;	     /* every VMA mapping this inode (rmap) */
	uint64_t i_mmap_writable;    /* shared writable mappings (mapping_writably_mapped) */
	uint64_t commit_pages;	     /* shmem: pages charged to Committed_AS at creation,
					uncharged when the inode is freed; immutable */
	bool host_nowrite;	     /* immutable: came from mmk_fd_install_host: hostfd is
					read-only and writeback discards (hostfd.c,
					pagecache.c) */
	atomic_int writers;	     /* open file descriptions with write access
					(i_writecount): exec refuses -ETXTBSY */
	struct mmk_inode *hash_next; /* sys->inodes chain; under sys->lock */
};

/* mmk_file - an open file description (Linux: struct file). */
struct mmk_file {
	atomic_uint refcount;	   /* fds + VMAs referring to it */
	struct mmk_inode *inode;   /* immutable, holds a reference */
	int flags;		   /* immutable: O_ACCMODE | O_APPEND bits (MMK_O_*) */
	struct mmk_mutex pos_lock; /* protects pos */
	uint64_t pos;
	struct ra_state ra; /* under inode->lock: readahead runs from faults and pread too */
};

struct fd_entry {
	struct mmk_file *file;
	bool cloexec;
};

/* A process's descriptor table (Linux: files_struct).  Protected by proc->fd_lock. */
struct fdtable {
	struct fd_entry *fds;
	int nfds; /* capacity */
};

/* ---- Anonymous memory reverse map ------------------------------------------ */

/*
 * anon_vma and anon_vma_chain, as Linux's mm/rmap.c: every VMA that has
 * anonymous pages owns an anon_vma; fork gives the child VMA a new anon_vma
 * whose parent is the parent VMA's, and chains the child VMA to every
 * anon_vma of the parent's chain, so a COW-shared page (whose mapping is the
 * parent's anon_vma) finds every VMA that might map it.
 */
struct anon_vma {
	struct anon_vma *root;	  /* immutable: the oldest ancestor; its lock guards the tree */
	struct anon_vma *parent;  /* immutable */
	atomic_uint refcount;	  /* avcs pointing here + children + pages (+ vmas' anon_vma) */
	struct mmk_mutex lock;	  /* used on the root only */
	unsigned num_children;	  /* under root lock */
	unsigned num_active_vmas; /* VMAs whose ->anon_vma is this; under root lock */
	struct avc *vmas;	  /* list of chains through this anon_vma; under root lock */
};

/* One link of a VMA's anon_vma chain. */
struct avc {
	struct vma *vma;
	struct anon_vma *anon_vma;
	struct avc *same_vma_next;		 /* the VMA's chain list */
	struct avc *same_av_next, *same_av_prev; /* the anon_vma's list */
};

/* ---- VMAs ------------------------------------------------------------------ */

/* The special mappings exec installs (vm_special_mapping), by name. */
enum vma_special { VMA_NOT_SPECIAL, VMA_VDSO, VMA_VVAR, VMA_VVAR_VCLOCK };

/* The name maps shows for a special mapping; "" for VMA_NOT_SPECIAL. */
static inline const char *vma_special_name(unsigned kind)
{
	static const char *const names[] = {"", "[vdso]", "[vvar]", "[vvar_vclock]"};
	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "";
}

/*
 * vma - one mapping (Linux: vm_area_struct).  Bounds live in node.start /
 * node.end and only change through the vma tree.  Protected by the owning
 * mm's mmap_lock (write to change; read to look).
 */
struct vma {
	struct vma_node node; /* [start, end) in mm->vmas */
	struct mm *mm;
	uint64_t flags;		   /* VM_* */
	uint64_t pgoff;		   /* file offset in pages; for private anon, start >> PAGE_SHIFT */
	struct mmk_file *file;	   /* NULL for private anonymous; holds a reference */
	struct anon_vma *anon_vma; /* holds a reference; NULL until the first anon page */
	struct avc *anon_vma_chain;
	char *anon_name; /* [anon:NAME]; owned copy, or NULL */
	bool reserved;	 /* mmk_reserve()d: placement only, hidden from views */
	bool is_heap;	 /* the brk area */
	uint8_t special; /* enum vma_special: which special mapping ([vdso]...:
			    the vm_special_mapping), VMA_NOT_SPECIAL for others
			    (a byte, not a name pointer: struct vma stays in
			    its slab size class) */
	struct vma *i_mmap_next, *i_mmap_prev; /* inode->i_mmap list; under inode->lock */
};

/* bench's bytes_per_vma counts it: a field that grows struct vma past 144
 * bytes moves it to the slab's next size class (160) */
_Static_assert(sizeof(struct vma) <= 144, "struct vma outgrew 144 bytes");

static inline uint64_t vma_start(const struct vma *v)
{
	return v->node.start;
}
static inline uint64_t vma_end(const struct vma *v)
{
	return v->node.end;
}
static inline uint64_t vma_pages(const struct vma *v)
{
	return (v->node.end - v->node.start) >> PAGE_SHIFT;
}
static inline struct vma *node_vma(struct vma_node *n)
{
	return n ? container_of(n, struct vma, node) : NULL;
}
static inline struct vma *vma_next(struct vma *v)
{
	return node_vma(vma_tree_next(&v->node));
}
static inline struct vma *vma_prev(struct vma *v)
{
	return node_vma(vma_tree_prev(&v->node));
}
static inline bool vma_is_anonymous(const struct vma *v)
{
	return v->file == NULL;
}
static inline bool vma_is_shmem(const struct vma *v)
{
	return v->file && v->file->inode->kind == INODE_SHMEM;
}

/* ---- Address space ------------------------------------------------------------ */

/* mm - an address space (Linux: mm_struct). */
struct mm {
	struct mmk_system *sys;
	struct mmk_rwlock mmap_lock; /* protects vmas, every vma, brk fields, def_flags, *_vm */
	struct vma_tree vmas;	     /* vmas.count is map_count */
	uint64_t mmap_base;	     /* set by create and exec (arch_pick_mmap_layout) */
	uint64_t task_size;	     /* immutable: the profile's TASK_SIZE */
	/* The image exec loaded (mm_struct's start_code...); under mmap_lock.
	 * All 0 in an mm that never exec'd a program. */
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_stack, arg_start, arg_end, env_start, env_end;
	bool gate;		 /* maps shows the profile's gate page (x86-64's
				    [vsyscall]): set by mmk_execve */
	uint64_t start_brk, brk; /* heap [start_brk, brk) */
	bool brk_set;		 /* start_brk fixed (set_brk_base or first brk) */
	uint64_t def_flags;	 /* VM_LOCKED|VM_LOCKONFAULT after mlockall(MCL_FUTURE) */
	uint64_t total_vm, locked_vm, data_vm, exec_vm, stack_vm; /* pages */
	uint64_t locked_vm_extra; /* pages Linux leaves in locked_vm without a
				     VM_LOCKED VMA (mremap DONTUNMAP); VmLck shows
				     locked_vm + this */
	uint64_t hiwater_vm;
	uint64_t commit_vm;		   /* pages of the VM_ACCOUNT VMAs: this mm's part of
					      Committed_AS (commit.c) */
	struct slab_magazine vma_magazine; /* freed VMAs for reuse (vma_alloc, vma_free) */

	struct mmk_mutex ptl; /* page_table_lock: protects pt, tlb, rss_* */
	struct pgtable pt;
	uint64_t rss_file, rss_anon, rss_shmem; /* pages mapped, MM_*PAGES */
	uint64_t hiwater_rss;
	uint64_t swap_ents;
	uint64_t min_flt, maj_flt;
	/* The load hit path (access.c) reads only these and the frame. */
	bool tlb_lockless;	  /* immutable: loads may hit without ptl (no
				     reference string is recorded, refs.c) */
	_Atomic uint64_t tlb_gen; /* bumped (under ptl, release) after every
				     invalidation of a valid entry, by a
				     clear or by a fill that replaces it;
				     lock-free loads validate against it
				     (access.c) */
	struct tlb_entry tlb[TLB_ENTRIES];
	_Atomic uint64_t exec_gen; /* execs of the image so far: bumped under
				      mmap_lock (write) and ptl, before tlb_gen,
				      by mm_exec_reset; an access started
				      before an exec stops at it (access.c) */
	_Atomic uint64_t map_gen;  /* bumped (release) by every release of mmap_lock
				      held for writing (vma.h): mmk_map_gen */
	int pid;		   /* for trace events */
	atomic_int oom_state;	   /* OOM_* (oom.c): chosen by the OOM killer, then reaped */
};

/* mmap_assert_locked() / mmap_assert_write_locked(): the calling thread holds
 * mm->mmap_lock (in either mode / for writing); checked in debug builds. */
#define mmap_assert_locked(mm)	     lock_assert_held(&(mm)->mmap_lock)
#define mmap_assert_write_locked(mm) lock_assert_write_held(&(mm)->mmap_lock)

/* mmk_proc - a simulated process (Linux: task_struct). */
struct mmk_proc {
	struct mmk_system *sys;	  /* immutable */
	int pid;		  /* immutable */
	struct mm *mm;		  /* immutable: exec empties it in place (task.c) */
	struct mmk_mutex fd_lock; /* protects fdt */
	struct fdtable fdt;
	atomic_int killed;	      /* signal that killed it, or 0 */
	struct mmk_proc *next, *prev; /* sys->procs; under sys->lock */
};

#define INODE_HASH_SIZE 1024

/* mmk_system - the machine. */
struct mmk_system {
	struct mmk_config cfg; /* immutable after create (defaults filled in) */
	int rootfd;	       /* immutable: O_PATH|O_DIRECTORY fd of the root */
	char *rootpath;	       /* immutable: realpath of the root */
	struct frame_pool pool;
	struct pt_pool pt_pool; /* empty page-table slabs for the next mm (pgtable.h) */
	struct mmk_mutex lock;	/* protects procs, next_pid, inodes, next_shmem_ino,
				   next_file_seq */
	struct mmk_proc *procs;
	int next_pid;
	struct mmk_inode *inodes[INODE_HASH_SIZE];
	uint64_t next_shmem_ino;
	uint64_t next_file_seq;		 /* the last host file inode's seq */
	struct mmk_inode *null_inode;	 /* immutable */
	const struct arch_profile *arch; /* immutable: cfg.arch's profile (arch.c) */
	void *vdso_image;		 /* mmk_set_vdso's copy, or NULL; set with no exec */
	uint64_t vdso_len;		 /*   running (mmkit.h) */
	_Atomic uint64_t execs;		 /* mmk_execve calls that reached AT_RANDOM */
	mmk_trace_fn trace;		 /* set before use; read racily by design */
	void *trace_arg;
	atomic_uint_fast64_t tick;   /* logical clock: flusher ages */
	atomic_bool closed_unsynced; /* an inode closed its host descriptor idle
					with writes not fsync'ed since the last
					mmk_sync, which syncs the fs (hostfd.c) */
	struct flusher *flusher;     /* background writeback (writeback.c); may be NULL */
	struct slab vma_slab;	     /* struct vma objects */
	/* Memory pressure (docs/RECLAIM.md); each pointer immutable after create. */
	struct vmstat *vmstat;	       /* event counters (vmstat.c) */
	struct lruvec *lru;	       /* the LRU lists (lru.c) */
	struct swap_area *swap;	       /* the swap area (swap.c), or NULL: no swap */
	struct reclaim *reclaim;       /* policy, watermarks, kswapd (reclaim.c) */
	struct oom_control *oom;       /* the OOM killer (oom.c) */
	struct refstring *refs;	       /* OPT's reference string (refs.c), or NULL */
	bool sees_every_access;	       /* immutable after reclaim_init: the policy has an
					  accessed hook, so every access takes ptl */
	_Atomic uint64_t committed_as; /* vm_committed_as, pages (commit.c) */
	struct failinj failinj;	       /* the allocation-failure countdown (failinj.h) */
};

/* Emits a trace event if tracing is on. */
static inline void trace_event(struct mmk_system *sys, const struct mmk_event *ev)
{
	if (sys->trace)
		sys->trace(sys->trace_arg, ev);
}
#define TRACE(sys_, ...)                                                                           \
	do {                                                                                       \
		if ((sys_)->trace) {                                                               \
			struct mmk_event ev_ = {__VA_ARGS__};                                      \
			(sys_)->trace((sys_)->trace_arg, &ev_);                                    \
		}                                                                                  \
	} while (0)

#endif
