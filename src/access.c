/*
 * access.c - loads and stores of a simulated process, done the way the CPU
 * does them: page by page, through a TLB, walking the page tables on a
 * miss and taking a page fault when the PTE does not allow the access.
 *
 * The software TLB (mm->tlb): TLB_ENTRIES direct-mapped entries indexed by
 * vpn % TLB_ENTRIES, each caching one PTE as (vpn + 1, host address of the
 * frame, writable).  A fill sets the PTE's accessed bit, and for a store
 * its dirty bit (as x86's page walker does); an entry is writable only if
 * the PTE was writable and is now dirty, so the first store to a clean
 * page always reaches the PTE.  Read-only hits never touch the PTE again.
 *
 * Concurrency design (the question is: can a TLB hit read or write a frame
 * that was freed and reused?).  Every TLB lookup, fill, and the memcpy
 * through a hit happen under mm->ptl, the same lock under which every PTE
 * of the mm is cleared, downgraded or replaced and the matching TLB
 * entries are dropped (tlb_flush_locked).  A frame mapped by a PTE holds a
 * reference for that PTE, and that reference is dropped only after the PTE
 * and its TLB entry are gone, inside the same critical section or after
 * it.  So while an access holds mm->ptl and finds an entry, the frame is
 * referenced by a live PTE of this mm and cannot be freed; once the PTE
 * goes, no later access can find the entry.  Other mms sharing the frame
 * have their own PTEs and references.  The cost of a hit is one
 * uncontended mutex lock/unlock and the memcpy; threads of one process
 * serialise per page access on mm->ptl (as they would on a shared TLB
 * shootdown in Linux, only more often).  Chosen over a seqcount because a
 * store cannot be retried after it has landed in a reused frame.
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

#include "pages.h"
#include "refs.h"

enum acc_op { ACC_LOAD, ACC_STORE, ACC_FILL, ACC_TOUCH };

struct acc {
	enum acc_op op;
	uint8_t *dst;       /* ACC_LOAD */
	const uint8_t *src; /* ACC_STORE */
	int c;              /* ACC_FILL */
};

/*
 * The TLB entry for va allowing the access, filled from the PTE on a miss
 * (the page walk), or NULL when the PTE does not allow it (a fault).
 * Caller holds mm->ptl; va < TASK_SIZE.
 */
static struct tlb_entry *tlb_lookup_locked(struct mm *mm, uint64_t va, bool write)
{
	uint64_t vpn = va >> PAGE_SHIFT;
	struct tlb_entry *te = &mm->tlb[vpn % TLB_ENTRIES];
	if (te->vpn == vpn + 1 && (!write || te->writable))
		return te;
	pte_t *ptep = pgtable_walk(&mm->pt, va, 0);
	if (!ptep)
		return NULL;
	pte_t pte = *ptep;
	if (!pte_present(pte) || !(pte & PTE_USER) || (write && !(pte & PTE_WRITE)))
		return NULL;
	pte_t npte = pte | PTE_ACCESSED | (write ? PTE_DIRTY : 0);
	if (npte != pte)
		*ptep = npte;
	te->vpn = vpn + 1;
	te->host = pfn_to_virt(mm_pool(mm), pte_pfn(npte));
	te->writable = (npte & (PTE_WRITE | PTE_DIRTY)) == (PTE_WRITE | PTE_DIRTY);
	return te;
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
		memcpy(a->dst + off, h, n);
		break;
	case ACC_STORE:
		memcpy(h, a->src + off, n);
		break;
	case ACC_FILL:
		memset(h, a->c, n);
		break;
	case ACC_TOUCH:
		break;
	}
}

/*
 * One access of n bytes at va, all on one page: TLB hit or walk, else a
 * page fault and again.  0, -EFAULT with *si, or -ENOMEM.
 */
static int access_page(struct mm *mm, uint64_t va, uint64_t n, bool write, const struct acc *a,
		       uint64_t off, struct mmk_siginfo *si)
{
	for (unsigned tries = 0;; tries++) {
		if (va >= TASK_SIZE) {
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
		pthread_mutex_lock(&mm->ptl);
		struct tlb_entry *te = tlb_lookup_locked(mm, va, write);
		if (te) {
			acc_do(a, te->host + (va & (PAGE_SIZE - 1)), n, off);
			if (mm->sys->refs)
				refs_note(mm, va, te->host);
		}
		pthread_mutex_unlock(&mm->ptl);
		if (te)
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

/* A whole access within one page that hits the TLB: done, or false. */
static inline bool access_fast(struct mm *mm, uint64_t va, uint64_t n, bool write,
			       const struct acc *a)
{
	uint64_t vpn = va >> PAGE_SHIFT;
	struct tlb_entry *te = &mm->tlb[vpn % TLB_ENTRIES];
	pthread_mutex_lock(&mm->ptl);
	bool hit = te->vpn == vpn + 1 && (!write || te->writable);
	if (hit) {
		acc_do(a, te->host + (va & (PAGE_SIZE - 1)), n, 0);
		if (mm->sys->refs)
			refs_note(mm, va, te->host);
	}
	pthread_mutex_unlock(&mm->ptl);
	return hit;
}

/* Runs a over [addr, addr + len) page by page; stops at the first failure. */
static inline int access_range(struct mmk_proc *p, uint64_t addr, uint64_t len,
			       const struct acc *a, struct mmk_siginfo *si)
{
	int err = access_enter(p, si);
	if (err || !len)
		return err;
	struct mm *mm = p->mm;
	bool write = acc_is_write(a);
	uint64_t first = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
	if (len <= first && addr < TASK_SIZE && access_fast(mm, addr, len, write, a))
		return 0;
	struct mmk_siginfo dummy;
	if (!si)
		si = &dummy;
	memset(si, 0, sizeof(*si));
	for (uint64_t done = 0; done < len;) {
		uint64_t va = addr + done;
		uint64_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		if (n > len - done)
			n = len - done;
		err = access_page(mm, va, n, write, a, done, si);
		if (err)
			return err;
		done += n;
	}
	return 0;
}

int mmk_load(mmk_proc *p, uint64_t addr, void *buf, uint64_t len, struct mmk_siginfo *si)
{
	struct acc a = {.op = ACC_LOAD, .dst = buf};
	return access_range(p, addr, len, &a, si);
}

int mmk_store(mmk_proc *p, uint64_t addr, const void *buf, uint64_t len,
	      struct mmk_siginfo *si)
{
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
	for (uint64_t done = 0; done < len;) {
		uint64_t va = addr + done;
		err = access_page(p->mm, va, 1, write, &a, 0, si);
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
		err = access_page(p->mm, s, n, false, &ld, 0, si);
		if (!err)
			err = access_page(p->mm, d, n, true, &st, 0, si);
		if (err)
			return err;
		done += n;
	}
	return 0;
}
