/*
 * access.c - loads and stores of a simulated process, done the way the CPU
 * does them: page by page, through a TLB, walking the page tables on a
 * miss and taking a page fault when the PTE does not allow the access.
 *
 * The software TLB (mm->tlb): TLB_ENTRIES direct-mapped entries indexed by
 * vpn % TLB_ENTRIES, each caching one PTE as a single word (tag, frame,
 * writable; tlb.h, filled and flushed by tlb.c).  A fill sets the PTE's accessed bit, and for a
 * store its dirty bit (as x86's page walker does); an entry is writable
 * only if the PTE was writable and is now dirty, so the first store to a
 * clean page always reaches the PTE.  Hits never touch the PTE again.
 *
 * Concurrency design (the question is: can a TLB hit read or write a frame
 * that was freed and reused?).  Entries are filled and invalidated only
 * under mm->ptl, the lock under which every PTE of the mm is cleared,
 * downgraded or replaced.  A frame mapped by a PTE holds a reference for
 * that PTE, and that reference is dropped only after the PTE is gone and
 * its TLB entry invalidated (tlb_flush_locked, which then bumps
 * mm->tlb_gen with release order).  An entry can also go without a flush:
 * a fill for another page of the same slot replaces it, and the flush of
 * the old page then finds nothing to clear.  So a walk whose fills replace
 * entries bumps the generation too (tlb_lookup_locked): whichever way an
 * entry a reader may hold goes, the generation moves before its frame can
 * be freed.
 *
 * - Stores, fills and page walks run under mm->ptl: while a store holds
 *   the lock and finds an entry, the frame is referenced by a live PTE of
 *   this mm and cannot be freed.  A store cannot be undone once it has
 *   landed, so it must never go through a stale entry.
 * - A load that hits is lock-free, a seqcount read (Linux's TLB is read by
 *   hardware with no lock either): read mm->tlb_gen (acquire), the entry
 *   word, copy the bytes out of the frame, then read mm->tlb_gen again
 *   after an acquire fence.  If the entry was invalidated while the copy
 *   ran, the generation moved before the frame could be freed, let alone
 *   reused and written, so a copy that saw bytes of a reused frame always
 *   sees a new generation; it is then thrown away and the load redone
 *   under mm->ptl.  Only the caller's buffer ever holds such bytes, and
 *   they are overwritten before the call returns.  The copy itself races
 *   with stores of other threads to the same bytes exactly as loads and
 *   stores of two CPUs do; it is the one access ThreadSanitizer is told
 *   not to watch (tlb_copy_racy).
 * A hit costs two loads of the generation, one of the entry and the copy;
 * threads of one process only serialise on stores and misses.
 *
 * Signals: an access that cannot be completed stops at the failing page
 * with SIGSEGV/SEGV_MAPERR (no VMA), SIGSEGV/SEGV_ACCERR (protection) or
 * SIGBUS/BUS_ADRERR (file page beyond EOF, read error); the reported
 * address is the first byte of the access on that page.  Bytes on earlier
 * pages are done.
 *
 * Out of memory: when no frame can be found for a fault even after
 * reclaim, the OOM killer (oom.c) kills the process with the largest
 * badness: if that is this one, the access stops with SIGKILL (si->signo
 * == MMK_SIGKILL, -EFAULT), else it retries with the memory freed.  Only
 * when nothing can be killed (or under failure injection) does it return
 * -ENOMEM without a signal, with nothing changed on the failing page and
 * nothing leaked.
 *
 * References: with a reference string being recorded or replayed (OPT,
 * refs.c), every page an access touches is noted, under mm->ptl.
 */
#include <errno.h>
#include <string.h>

#include "compiler.h"
#include "pages.h"
#include "reclaim.h"
#include "refs.h"
#include "vma.h"

enum acc_op { ACC_LOAD, ACC_STORE, ACC_FILL, ACC_TOUCH };

struct acc {
	enum acc_op op;
	uint8_t *dst;	    /* ACC_LOAD */
	const uint8_t *src; /* ACC_STORE */
	int c;		    /* ACC_FILL */
};

/*
 * memcpy of up to a page between a frame and the caller's buffer.  glibc
 * copies from 2 KiB up with `rep movsb`, which on some CPUs (AMD EPYC here)
 * runs at a sixth of its speed when the destination is less than 64 bytes
 * ahead of the source modulo 4 KiB, as with malloc's blocks 16 bytes past a
 * page boundary (docs/PERFORMANCE.md, bulk_copy_dst16).  Such copies go in
 * pieces below glibc's threshold, which use its vector loop.
 */
#define COPY_PIECE 2048

/* MMK_NO_COVERAGE: which way it goes follows where host buffers lie. */
MMK_NO_COVERAGE static void copy_page_bytes(uint8_t *dst, const uint8_t *src, uint64_t n)
{
	if (n <= COPY_PIECE || (uint64_t)(dst - src) % PAGE_SIZE >= 64) {
		memcpy(dst, src, n);
		return;
	}
	for (uint64_t done = 0; done < n; done += COPY_PIECE)
		memcpy(dst + done, src + done, n - done < COPY_PIECE ? n - done : COPY_PIECE);
}

#if defined(__SANITIZE_THREAD__)
#define MMK_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MMK_TSAN 1
#endif
#endif

/*
 * The copy of a lock-free load: it may race with a store by another thread
 * or process to the same bytes, as two CPUs' accesses do, and may even read
 * a frame being reused (then the generation check discards it).  Under
 * ThreadSanitizer the bytes are copied by uninstrumented code (no memcpy,
 * which the runtime intercepts); the generation and entry reads around it
 * stay atomic and checked.
 */
#ifdef MMK_TSAN
__attribute__((no_sanitize("thread"))) static void tlb_copy_racy(uint8_t *dst, const uint8_t *src,
								 uint64_t n)
{
	/* An aligned word is read in one access, as the CPU (and memcpy of a
	 * constant word size, the other builds) does: never torn. */
	if (n == 8 && !((uintptr_t)src & 7)) {
		uint64_t v = *(const volatile uint64_t *)src;
		memcpy(dst, &v, 8);
		return;
	}
	if (n == 4 && !((uintptr_t)src & 3)) {
		uint32_t v = *(const volatile uint32_t *)src;
		memcpy(dst, &v, 4);
		return;
	}
	const volatile uint8_t *s = src;
	for (uint64_t i = 0; i < n; i++)
		dst[i] = s[i];
}
#else
static inline void tlb_copy_racy(uint8_t *dst, const uint8_t *src, uint64_t n)
{
	if (__builtin_constant_p(n) && n <= 8)
		memcpy(dst, src, n); /* a word: one move */
	else
		copy_page_bytes(dst, src, n);
}
#endif

/*
 * A lock-free load (see the header for why it is safe) in two halves: the
 * host address of va when the TLB has it, with the generation read before
 * the entry; and, after the caller's copy, whether that generation still
 * holds (else the copy is discarded and the load goes the locked way).
 */
static inline const uint8_t *tlb_peek(struct mm *mm, uint64_t va, uint64_t *gen)
{
	uint64_t vpn = va >> PAGE_SHIFT;
	*gen = atomic_load_explicit(&mm->tlb_gen, memory_order_acquire);
	uint64_t w = atomic_load_explicit(&mm->tlb[vpn % TLB_ENTRIES].word, memory_order_relaxed);
	if (!tlb_word_hits(w, vpn, false))
		return NULL;
	return tlb_word_host(w) + (va & (PAGE_SIZE - 1));
}

static inline bool tlb_peek_valid(struct mm *mm, uint64_t gen)
{
#ifdef MMK_TSAN
	/* ThreadSanitizer has no fences: a read-don't-modify-write orders the
	 * copy before the second read just as well. */
	return atomic_fetch_add_explicit(&mm->tlb_gen, 0, memory_order_acq_rel) == gen;
#else
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&mm->tlb_gen, memory_order_relaxed) == gen;
#endif
}

/* A load of n bytes at va, all on one page, through a TLB hit without a
 * lock: true when done, false on a miss or an invalidation meanwhile.
 * (A load of one page needs no exec check: it happens at one instant.) */
static inline bool load_lockless(struct mm *mm, uint64_t va, uint8_t *dst, uint64_t n)
{
	uint64_t gen;
	const uint8_t *h = tlb_peek(mm, va, &gen);
	if (!h)
		return false;
	tlb_copy_racy(dst, h, n);
	return tlb_peek_valid(mm, gen);
}

/* The same for one page of a longer access started in the image exec_gen:
 * false too when an exec came since (mm_tlb_exec bumps exec_gen before
 * tlb_gen, so a generation read after it shows the new exec_gen). */
static bool load_lockless_since(struct mm *mm, uint64_t va, uint8_t *dst, uint64_t n,
				uint64_t exec_gen)
{
	uint64_t gen;
	const uint8_t *h = tlb_peek(mm, va, &gen);
	if (!h || atomic_load_explicit(&mm->exec_gen, memory_order_relaxed) != exec_gen)
		return false;
	tlb_copy_racy(dst, h, n);
	return tlb_peek_valid(mm, gen);
}

/* The image an access starts in: its pages must all be of that image. */
static inline uint64_t access_image(struct mm *mm)
{
	return atomic_load_explicit(&mm->exec_gen, memory_order_acquire);
}

/* An access cut by an exec of its process stops with SIGKILL, as the
 * thread making it would have been killed by exec's de_thread(). */
static int access_cut_by_exec(struct mm *mm, struct mmk_siginfo *si)
{
	si->signo = MMK_SIGKILL;
	si->code = 0;
	si->addr = 0;
	TRACE(mm->sys, .kind = MMK_EV_SIGNAL, .pid = mm->pid, .detail = "SIGKILL");
	return -EFAULT;
}

static bool acc_is_write(const struct acc *a)
{
	return a->op == ACC_STORE || a->op == ACC_FILL;
}

/* Does the operation on n bytes at host address h; off is the offset of
 * these bytes in the caller's buffer. */
static void acc_do(const struct acc *a, uint8_t *h, uint64_t n, uint64_t off)
{
	switch (a->op) {
	case ACC_LOAD:
		copy_page_bytes(a->dst + off, h, n);
		break;
	case ACC_STORE:
		copy_page_bytes(h, a->src + off, n);
		break;
	case ACC_FILL:
		memset(h, a->c, n);
		break;
	case ACC_TOUCH:
		break;
	}
}

/*
 * One access of n bytes at va, all on one page, of an access started in
 * image exec_gen (access_image): TLB hit or walk, else a page fault and
 * again.  0, -EFAULT with *si, or -ENOMEM.
 */
static int access_page(struct mm *mm, uint64_t va, uint64_t n, bool write, const struct acc *a,
		       uint64_t off, struct mmk_siginfo *si, uint64_t exec_gen)
{
	for (unsigned tries = 0;; tries++) {
		if (va >= mm->task_size) {
			/* x86-64: an address outside both canonical halves
			 * raises #GP, which Linux reports as SIGSEGV with
			 * SI_KERNEL and no address; the top half page-faults. */
			bool canonical = va < (1ULL << 47) || va >= 0xffff800000000000ULL;
			si->signo = MMK_SIGSEGV;
			si->code = canonical ? MMK_SEGV_MAPERR : MMK_SI_KERNEL;
			si->addr = canonical ? va : 0;
			TRACE(mm->sys, .kind = MMK_EV_SIGNAL, .pid = mm->pid, .addr = va,
			      .detail = "SIGSEGV");
			return -EFAULT;
		}
		if (a->op == ACC_LOAD && mm->tlb_lockless &&
		    load_lockless_since(mm, va, a->dst + off, n, exec_gen))
			return 0;
		mmk_mutex_lock(&mm->ptl);
		if (atomic_load_explicit(&mm->exec_gen, memory_order_relaxed) != exec_gen) {
			mmk_mutex_unlock(&mm->ptl);
			return access_cut_by_exec(mm, si);
		}
		uint8_t *host = tlb_lookup_locked(mm, va, write);
		if (host) {
			acc_do(a, host + (va & (PAGE_SIZE - 1)), n, off);
			if (mm->sys->refs)
				refs_note(mm, va, host);
			if (reclaim_ops(mm->sys)->accessed)
				reclaim_ops(mm->sys)->accessed(
				    mm->sys, (pfn_t)((host - mm_pool(mm)->mem) / FRAME_SIZE));
		}
		mmk_mutex_unlock(&mm->ptl);
		if (host)
			return 0;
		int err = handle_user_fault(mm, va, write, si);
		if (err)
			return err;
		if (tries == 1000000)
			MMK_BUG("pid %d: access at %#llx keeps faulting", mm->pid,
				(unsigned long long)va);
	}
}

/* proc_enter() inlined for the hot path: -EINVAL, -ESRCH or 0. */
static inline int access_enter(struct mmk_proc *p, struct mmk_siginfo *si)
{
	if (si)
		si->signo = 0;
	if (!p)
		return -EINVAL;
	return atomic_load_explicit(&p->killed, memory_order_relaxed) ? -ESRCH : 0;
}

/* The answer to a NULL buffer with a nonzero length: access_enter's
 * -EINVAL or -ESRCH, else -EFAULT (no signal: no access was made). */
static int access_enter_buf(struct mmk_proc *p, struct mmk_siginfo *si)
{
	int err = access_enter(p, si);
	return err ? err : -EFAULT;
}

/* Runs a over [addr, addr + len) page by page; stops at the first failure.
 * access_page looks at the TLB first: lock-free for a load, under the one
 * lock a miss then walks with for everything else. */
static inline int access_range(struct mmk_proc *p, uint64_t addr, uint64_t len, const struct acc *a,
			       struct mmk_siginfo *si)
{
	int err = access_enter(p, si);
	if (err || !len)
		return err;
	struct mm *mm = p->mm;
	uint64_t image = access_image(mm);
	bool write = acc_is_write(a);
	struct mmk_siginfo dummy;
	if (!si)
		si = &dummy;
	memset(si, 0, sizeof(*si));
	for (uint64_t done = 0; done < len;) {
		uint64_t va = addr + done;
		uint64_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (n > len - done)
			n = len - done;
		err = access_page(mm, va, n, write, a, done, si, image);
		if (err)
			return err;
		done += n;
	}
	return 0;
}

/* A CPU-sized load the inline path tried and could not finish (a TLB miss,
 * a copy a TLB change raced, a killed process): straight to the walk,
 * without load_slow's second look at the TLB entry just missed. */
static __attribute__((noinline)) int load_walk(mmk_proc *p, uint64_t addr, void *buf, uint64_t len,
					       struct mmk_siginfo *si)
{
	struct acc a = {.op = ACC_LOAD, .dst = buf};
	return access_range(p, addr, len, &a, si);
}

/* Every other load: odd sizes, page crossings, bad arguments. */
static __attribute__((noinline)) int load_slow(mmk_proc *p, uint64_t addr, void *buf, uint64_t len,
					       struct mmk_siginfo *si)
{
	if (!buf && len)
		return access_enter_buf(p, si);
	/* A load within one page that hits the TLB still needs no lock and
	 * none of access_range()'s set-up (a 1-byte load, say). */
	if (p && len && len <= PAGE_SIZE - (addr & (PAGE_SIZE - 1)) &&
	    !atomic_load_explicit(&p->killed, memory_order_relaxed) && p->mm->tlb_lockless &&
	    load_lockless(p->mm, addr, buf, len)) {
		if (si)
			si->signo = 0;
		return 0;
	}
	struct acc a = {.op = ACC_LOAD, .dst = buf};
	return access_range(p, addr, len, &a, si);
}

int mmk_load(mmk_proc *p, uint64_t addr, void *buf, uint64_t len, struct mmk_siginfo *si)
{
	/*
	 * The hot case inline: an 8-byte load within one page of a live
	 * process, hitting the TLB: one move, no call, no stack frame.  One
	 * that misses goes to load_walk (the entry was just looked at); every
	 * other load goes to load_slow, which still finishes a TLB hit of any
	 * size within a page lock-free.  (An inline path for 1, 2 and 4 bytes
	 * too made both the 8-byte hit and a byte load per fresh page slower:
	 * bench's load_tlb_hit and read_pass.)  No TASK_SIZE check: no entry's
	 * tag matches an address above it (mm_types.h), so such a load misses
	 * and load_walk signals.
	 */
	if (__builtin_expect(p && buf && len == 8 && (addr & (PAGE_SIZE - 1)) <= PAGE_SIZE - 8,
			     1)) {
		struct mm *mm = p->mm;
		uint64_t vpn = addr >> PAGE_SHIFT;
		uint64_t gen = atomic_load_explicit(&mm->tlb_gen, memory_order_acquire);
		uint64_t w =
		    atomic_load_explicit(&mm->tlb[vpn % TLB_ENTRIES].word, memory_order_relaxed);
		if (!atomic_load_explicit(&p->killed, memory_order_relaxed) && mm->tlb_lockless &&
		    tlb_word_hits(w, vpn, false)) {
			tlb_copy_racy(buf, tlb_word_host(w) + (addr & (PAGE_SIZE - 1)), 8);
			if (tlb_peek_valid(mm, gen)) {
				if (si)
					si->signo = 0;
				return 0;
			}
		}
		return load_walk(p, addr, buf, len, si);
	}
	return load_slow(p, addr, buf, len, si);
}

/*
 * A CPU-sized store (1, 2, 4 or 8 bytes within one page) that hits a
 * writable TLB entry: done under mm->ptl as every store is (the header's
 * rule: a store never goes through a stale entry), without access_range's
 * set-up.  false: not done (a miss, a reference string being recorded, an
 * exec since the image was read); the caller takes the full path.
 */
static inline bool store_small_hit(struct mm *mm, uint64_t addr, const void *buf, uint64_t len)
{
	uint64_t vpn = addr >> PAGE_SHIFT;
	uint64_t image = access_image(mm);
	bool done = false;
	if (mm->sys->refs)
		return false;
	mmk_mutex_lock(&mm->ptl);
	uint64_t w = atomic_load_explicit(&mm->tlb[vpn % TLB_ENTRIES].word, memory_order_relaxed);
	if (tlb_word_hits(w, vpn, true) &&
	    atomic_load_explicit(&mm->exec_gen, memory_order_relaxed) == image) {
		uint8_t *h = tlb_word_host(w) + (addr & (PAGE_SIZE - 1));
		switch (len) { /* constant sizes: each copy is one move */
		case 8:
			memcpy(h, buf, 8);
			break;
		case 4:
			memcpy(h, buf, 4);
			break;
		case 2:
			memcpy(h, buf, 2);
			break;
		default:
			memcpy(h, buf, 1);
			break;
		}
		done = true;
	}
	mmk_mutex_unlock(&mm->ptl);
	return done;
}

int mmk_store(mmk_proc *p, uint64_t addr, const void *buf, uint64_t len, struct mmk_siginfo *si)
{
	if (!buf && len)
		return access_enter_buf(p, si);
	if (__builtin_expect(p && len && len <= 8 && !(len & (len - 1)) &&
				 (addr & (PAGE_SIZE - 1)) <= PAGE_SIZE - len &&
				 !atomic_load_explicit(&p->killed, memory_order_relaxed),
			     1) &&
	    store_small_hit(p->mm, addr, buf, len)) {
		if (si)
			si->signo = 0;
		return 0;
	}
	struct acc a = {.op = ACC_STORE, .src = buf};
	return access_range(p, addr, len, &a, si);
}

int mmk_fill(mmk_proc *p, uint64_t addr, int c, uint64_t len, struct mmk_siginfo *si)
{
	struct acc a = {.op = ACC_FILL, .c = c};
	return access_range(p, addr, len, &a, si);
}

/*
 * A write touch has every effect of a store (fault, COW, dirty bits)
 * except changing a byte: rewriting the byte it read could undo another
 * process's store to a shared page in between.
 */
int mmk_touch(mmk_proc *p, uint64_t addr, uint64_t len, int write, struct mmk_siginfo *si)
{
	struct mmk_siginfo dummy;
	if (!si)
		si = &dummy;
	memset(si, 0, sizeof(*si));
	int err = proc_enter(p);
	if (err)
		return err;
	struct acc a = {.op = ACC_TOUCH};
	uint64_t image = access_image(p->mm);
	for (uint64_t done = 0; done < len;) {
		uint64_t va = addr + done;
		err = access_page(p->mm, va, 1, write, &a, 0, si, image);
		if (err)
			return err;
		done += PAGE_SIZE - (va & (PAGE_SIZE - 1));
	}
	return 0;
}

/*
 * memmove through the MMU, one chunk at a time, each chunk inside one page
 * of the source and one of the destination: loaded into a bounce buffer,
 * then stored.  Overlapping with dst above src, the chunks go from the end
 * so no source byte is overwritten before it is read.
 */
int mmk_copy(mmk_proc *p, uint64_t dst, uint64_t src, uint64_t len, struct mmk_siginfo *si)
{
	struct mmk_siginfo dummy;
	if (!si)
		si = &dummy;
	memset(si, 0, sizeof(*si));
	int err = proc_enter(p);
	if (err)
		return err;
	uint8_t tmp[PAGE_SIZE];
	struct acc ld = {.op = ACC_LOAD, .dst = tmp}, st = {.op = ACC_STORE, .src = tmp};
	bool backward = dst > src && dst - src < len;
	uint64_t image = access_image(p->mm);
	for (uint64_t done = 0; done < len;) {
		uint64_t rem = len - done, s, d, n;
		if (!backward) {
			s = src + done;
			d = dst + done;
			n = PAGE_SIZE - (s & (PAGE_SIZE - 1));
			uint64_t dn = PAGE_SIZE - (d & (PAGE_SIZE - 1));
			n = n < dn ? n : dn;
			n = n < rem ? n : rem;
		} else {
			uint64_t se = src + rem, de = dst + rem;
			n = (se & (PAGE_SIZE - 1)) ? (se & (PAGE_SIZE - 1)) : PAGE_SIZE;
			uint64_t dn = (de & (PAGE_SIZE - 1)) ? (de & (PAGE_SIZE - 1)) : PAGE_SIZE;
			n = n < dn ? n : dn;
			n = n < rem ? n : rem;
			s = se - n;
			d = de - n;
		}
		err = access_page(p->mm, s, n, false, &ld, 0, si, image);
		if (!err)
			err = access_page(p->mm, d, n, true, &st, 0, si, image);
		if (err)
			return err;
		done += n;
	}
	return 0;
}

/* ---- For CPU emulators: instruction fetch and the mapping generation ---- */

/*
 * Whether the page of va lies in a VMA that allows execution: 0, or -EFAULT
 * with SIGSEGV/SEGV_ACCERR at va in *si (a fetch from a mapping without
 * PROT_EXEC, as Linux's access_error() for an instruction fetch).  A page
 * without a VMA is left to the load, which reports SEGV_MAPERR.
 */
static int fetch_check_exec(struct mm *mm, uint64_t va, struct mmk_siginfo *si)
{
	mmap_read_lock(mm);
	struct vma *v = va < mm->task_size ? vma_lookup(mm, va) : NULL;
	bool denied = v && !(v->flags & VM_EXEC);
	mmap_read_unlock(mm);
	if (!denied)
		return 0;
	si->signo = MMK_SIGSEGV;
	si->code = MMK_SEGV_ACCERR;
	si->addr = va;
	TRACE(mm->sys, .kind = MMK_EV_SIGNAL, .pid = mm->pid, .addr = va, .detail = "SIGSEGV");
	return -EFAULT;
}

int mmk_fetch(mmk_proc *p, uint64_t addr, void *buf, uint64_t len, struct mmk_siginfo *si)
{
	struct mmk_siginfo dummy;
	if (!si)
		si = &dummy;
	memset(si, 0, sizeof(*si));
	int err = proc_enter_buf(p, buf, len);
	if (err)
		return err;
	struct mm *mm = p->mm;
	for (uint64_t done = 0; done < len;) {
		uint64_t va = addr + done;
		uint64_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (n > len - done)
			n = len - done;
		/* The check and the load see the same VMAs: a change of the
		 * mappings between them (map_gen moved) checks again. */
		for (;;) {
			uint64_t gen = atomic_load_explicit(&mm->map_gen, memory_order_acquire);
			err = fetch_check_exec(mm, va, si);
			if (!err)
				err = mmk_load(p, va, (uint8_t *)buf + done, n, si);
			if (err)
				return err;
			if (atomic_load_explicit(&mm->map_gen, memory_order_acquire) == gen)
				break;
		}
		done += n;
	}
	return 0;
}

uint64_t mmk_map_gen(mmk_proc *p)
{
	if (!p)
		return 0;
	struct mm *mm = p->mm;
	return atomic_load_explicit(&mm->map_gen, memory_order_acquire) +
	       atomic_load_explicit(&mm->tlb_gen, memory_order_acquire) +
	       atomic_load_explicit(&mm->exec_gen, memory_order_acquire);
}
