/*
 * arch.c - the architecture profiles (mmk_config.arch): the numbers of the
 * user address-space layout and of exec's auxiliary vector, as Linux 6.18
 * has them with ASLR off.  One entry per architecture; arch.h says what
 * each field means and where it is used.
 *
 * x86_64 (4-level paging; arch/x86/include/asm/{page_64_types.h,
 * processor.h,elf.h}, arch/x86/entry/vdso/vma.c):
 *   TASK_SIZE = STACK_TOP = DEFAULT_MAP_WINDOW = 2^47 - 4096
 *   TASK_UNMAPPED_BASE = PAGE_ALIGN(TASK_SIZE / 3)
 *   ELF_ET_DYN_BASE = DEFAULT_MAP_WINDOW / 3 * 2
 *   vDSO: [vvar] 4 pages (the generic data store: time, time namespace,
 *   random, arch data), [vvar_vclock] 2 pages, [vdso] 2 pages, in that
 *   order upwards, placed top-down as one area; the [vsyscall] gate page
 *   at 0xffffffffff600000.  AT_HWCAP and AT_MINSIGSTKSZ are the host's
 *   where this was measured (a CPU-dependent value in Linux).
 *
 * riscv64 (a machine with Sv48, so VA_BITS = 48; arch/riscv/include/asm/
 * {pgtable.h,processor.h,elf.h}, Documentation/arch/riscv/vm-layout.rst):
 *   TASK_SIZE = PGDIR_SIZE * PTRS_PER_PGD / 2 = 2^47 = STACK_TOP_MAX
 *   DEFAULT_MAP_WINDOW = 2^(MMAP_VA_BITS - 1) = 2^47 = STACK_TOP
 *   TASK_UNMAPPED_BASE = PAGE_ALIGN(TASK_SIZE / 3)
 *   ELF_ET_DYN_BASE = (DEFAULT_MAP_WINDOW / 3) * 2
 *   arch_get_mmap_end/arch_get_mmap_base: STACK_TOP_MAX and the mmap base,
 *   whatever the hint (Linux 6.11's "riscv: mm: Do not restrict mmap
 *   address based on hint" removed the Sv39/Sv48 narrowing a hint used to
 *   cause), so on Sv48 a hinted mmap is placed as on x86-64.
 *   vDSO: [vvar] 4 pages (the generic data store with riscv's hwprobe
 *   arch page) then [vdso] (2 pages without an image); no gate area; no
 *   ELF_PLATFORM; AT_HWCAP rv64imafdc; ARCH_DLINFO adds the cache
 *   geometry entries, 0 on a machine (as QEMU's virt) that reports none.
 */
#include <stddef.h>

#include "arch.h"
#include "mmkit.h"

#define AT_SYSINFO_EHDR	 33
#define AT_L1I_CACHESIZE 40
#define AT_MINSIGSTKSZ	 51

/* x86-64's ARCH_DLINFO: the vDSO, then the signal frame size. */
static int x86_64_dlinfo(const struct arch_profile *a, uint64_t vdso_base, uint64_t *aux)
{
	int n = 0;
	aux[n++] = AT_SYSINFO_EHDR;
	aux[n++] = vdso_base;
	aux[n++] = AT_MINSIGSTKSZ;
	aux[n++] = a->minsigstksz;
	return n;
}

/* riscv's ARCH_DLINFO: the vDSO, the L1I..L3 cache size and geometry
 * entries (AT_L1I_CACHESIZE .. AT_L3_CACHEGEOMETRY, 40..47), then the
 * signal frame size. */
static int riscv64_dlinfo(const struct arch_profile *a, uint64_t vdso_base, uint64_t *aux)
{
	int n = 0;
	aux[n++] = AT_SYSINFO_EHDR;
	aux[n++] = vdso_base;
	for (uint64_t t = AT_L1I_CACHESIZE; t < AT_L1I_CACHESIZE + 8; t++) {
		aux[n++] = t;
		aux[n++] = 0;
	}
	aux[n++] = AT_MINSIGSTKSZ;
	aux[n++] = a->minsigstksz;
	return n;
}

static const struct arch_profile profiles[] = {
    [MMK_ARCH_X86_64] =
	{
	    .name = "x86_64",
	    .e_machine = 62, /* EM_X86_64 */
	    .check_class = false,
	    .task_size = 0x7ffffffff000ULL,
	    .stack_top = 0x7ffffffff000ULL,
	    .map_window = 0x7ffffffff000ULL,
	    .unmapped_base = 0x2aaaaaaab000ULL,
	    .et_dyn_base = 0x7ffffffff000ULL / 3 * 2,
	    .map_32bit = true,
	    .vvar_pages = 4,
	    .vvar_vclock_pages = 2,
	    .vdso_pages = 2,
	    .gate_area = true,
	    .platform = "x86_64",
	    .hwcap = 0x178bebff,
	    .has_hwcap2 = true,
	    .minsigstksz = 3376,
	    .dlinfo = x86_64_dlinfo,
	},
    [MMK_ARCH_RISCV64] =
	{
	    .name = "riscv64",
	    .e_machine = 243, /* EM_RISCV */
	    .check_class = true,
	    .task_size = 1ULL << 47,
	    .stack_top = 1ULL << 47,
	    .map_window = 1ULL << 47,
	    .unmapped_base = 0x2aaaaaaab000ULL,
	    .et_dyn_base = (1ULL << 47) / 3 * 2,
	    .map_32bit = false,
	    .vvar_pages = 4,
	    .vvar_vclock_pages = 0,
	    .vdso_pages = 2,
	    .gate_area = false,
	    .platform = NULL,
	    .hwcap = 0x112d, /* COMPAT_HWCAP_ISA_{I,M,A,F,D,C} */
	    .has_hwcap2 = false,
	    .minsigstksz = 1536,
	    .dlinfo = riscv64_dlinfo,
	},
};

const struct arch_profile *arch_profile_get(int arch)
{
	if (arch < 0 || (size_t)arch >= sizeof(profiles) / sizeof(profiles[0]))
		return NULL;
	return &profiles[arch];
}

/* Both profiles: a search may reach TASK_SIZE (x86-64 with 4-level paging
 * has no wider window; riscv's STACK_TOP_MAX is TASK_SIZE). */
uint64_t arch_mmap_end(const struct arch_profile *a, uint64_t addr, uint64_t len)
{
	(void)addr;
	(void)len;
	return a->task_size;
}

/* Both profiles: the top-down search starts at the mmap base. */
uint64_t arch_mmap_base(const struct arch_profile *a, uint64_t addr, uint64_t len, uint64_t base)
{
	(void)a;
	(void)addr;
	(void)len;
	return base;
}
