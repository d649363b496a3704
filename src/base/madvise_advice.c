/*
 * madvise_advice.c - the madvise advice table (madvise_advice.h) and the
 * public lookups on it (mmk_madvise_name, mmk_madvise_parse,
 * mmk_madvise_nth).  The rows mirror Linux's madvise_behavior_valid(),
 * madvise_need_mmap_write() and the per-advice VMA checks of
 * madvise_dontneed_free_valid_vma(), madvise_free_single_vma(),
 * madvise_remove(), can_madv_lru_vma(), madvise_collapse() and
 * is_valid_guard_vma().
 *
 * Depends on nothing but the VM_* values, so the script parser's fuzz
 * harness compiles it in on its own (tests/fuzz/fuzz_script.c).
 */
#include <errno.h>
#include <string.h>

#include "madvise_advice.h"
#include "mm_types.h"
#include "mmkit.h"

/* In Linux's number order. */
static const struct madv_desc advice_table[] = {
    {MMK_MADV_NORMAL, "normal", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_RANDOM, "random", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_SEQUENTIAL, "sequential", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_WILLNEED, "willneed", MADV_ACT_PAGES, 0, 0, 0},
    {MMK_MADV_DONTNEED, "dontneed", MADV_ACT_PAGES, 0, VM_PFNMAP | VM_LOCKED, 0},
    {MMK_MADV_FREE, "free", MADV_ACT_PAGES, MADV_NEEDS_ANON, VM_PFNMAP | VM_LOCKED, 0},
    {MMK_MADV_REMOVE, "remove", MADV_ACT_PAGES, MADV_NEEDS_FILE, VM_LOCKED, 0},
    {MMK_MADV_DONTFORK, "dontfork", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_DOFORK, "dofork", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_MERGEABLE, "mergeable", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_UNMERGEABLE, "unmergeable", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_HUGEPAGE, "hugepage", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_NOHUGEPAGE, "nohugepage", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_DONTDUMP, "dontdump", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_DODUMP, "dodump", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_WIPEONFORK, "wipeonfork", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_KEEPONFORK, "keeponfork", MADV_ACT_FLAGS, 0, 0, 0},
    {MMK_MADV_COLD, "cold", MADV_ACT_PAGES, 0, VM_LOCKED | VM_PFNMAP | VM_HUGETLB, 0},
    {MMK_MADV_PAGEOUT, "pageout", MADV_ACT_PAGES, 0, VM_LOCKED | VM_PFNMAP | VM_HUGETLB, 0},
    {MMK_MADV_POPULATE_READ, "populate_read", MADV_ACT_POPULATE, 0, 0, 0},
    {MMK_MADV_POPULATE_WRITE, "populate_write", MADV_ACT_POPULATE, 0, 0, 0},
    {MMK_MADV_DONTNEED_LOCKED, "dontneed_locked", MADV_ACT_PAGES, 0, VM_PFNMAP, 0},
    {MMK_MADV_COLLAPSE, "collapse", MADV_ACT_PAGES, MADV_NEVER, 0, 0},
    {MMK_MADV_HWPOISON, "hwpoison", MADV_ACT_INJECT,
     MADV_NEEDS_CAP_SYS_ADMIN | MADV_NEEDS_MEMORY_FAILURE, 0, 0},
    {MMK_MADV_SOFT_OFFLINE, "soft_offline", MADV_ACT_INJECT,
     MADV_NEEDS_CAP_SYS_ADMIN | MADV_NEEDS_MEMORY_FAILURE, 0, 0},
    /* is_valid_guard_vma(): removing is allowed on locked VMAs */
    {MMK_MADV_GUARD_INSTALL, "guard_install", MADV_ACT_PAGES,
     MADV_NEEDS_WRITE_LOCK | MADV_NEEDS_ANON_VMA, VM_LOCKED | VM_SPECIAL | VM_HUGETLB,
     VM_MAYBE_GUARD},
    {MMK_MADV_GUARD_REMOVE, "guard_remove", MADV_ACT_PAGES, 0, VM_SPECIAL | VM_HUGETLB, 0},
};

#define NR_ADVICE (sizeof(advice_table) / sizeof(advice_table[0]))

const struct madv_desc *madvise_desc(int advice)
{
	for (size_t i = 0; i < NR_ADVICE; i++)
		if (advice_table[i].advice == advice)
			return &advice_table[i];
	return NULL;
}

const char *mmk_madvise_name(int advice)
{
	const struct madv_desc *d = madvise_desc(advice);
	return d ? d->name : NULL;
}

int mmk_madvise_parse(const char *name)
{
	for (size_t i = 0; name && i < NR_ADVICE; i++)
		if (!strcmp(name, advice_table[i].name))
			return advice_table[i].advice;
	return -EINVAL;
}

int mmk_madvise_nth(unsigned i)
{
	return i < NR_ADVICE ? advice_table[i].advice : -1;
}
