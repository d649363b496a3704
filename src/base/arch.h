/*
 * arch.h - the architecture profile of a system: every number of the user
 * address-space layout that differs between the architectures mmkit models
 * (mmk_config.arch).  The table itself, with the Linux header each value
 * comes from, is in arch.c; nothing else in mmkit hard-codes a layout
 * address.  The page size is 4 KiB and the page tables have 4 levels of
 * 512 entries on every profile, so every user address is below 2^47.
 */
#ifndef MMK_ARCH_H
#define MMK_ARCH_H

#include <stdbool.h>
#include <stdint.h>

/* The largest TASK_SIZE of any profile: the page tables and the software
 * TLB cover [0, TASK_SIZE_MAX). */
#define TASK_SIZE_MAX (1ULL << 47)

struct arch_profile {
	const char *name;	    /* "x86_64", "riscv64" */
	uint16_t e_machine;	    /* elf_check_arch(): EM_X86_64, EM_RISCV */
	bool check_class;	    /* elf_check_arch() also wants ELFCLASS64 (riscv) */
	uint64_t task_size;	    /* TASK_SIZE: user addresses are below it */
	uint64_t stack_top;	    /* STACK_TOP: the stack's end; mmap_base's reference */
	uint64_t map_window;	    /* DEFAULT_MAP_WINDOW: where hint-less mmaps end */
	uint64_t unmapped_base;	    /* TASK_UNMAPPED_BASE: the bottom-up search's start */
	uint64_t et_dyn_base;	    /* ELF_ET_DYN_BASE: a PIE's load address */
	bool map_32bit;		    /* MAP_32BIT is a flag (x86-64 only) */
	uint64_t vvar_pages;	    /* [vvar]: the vDSO data store */
	uint64_t vvar_vclock_pages; /* [vvar_vclock] (x86-64's pvclock/hvclock pages) */
	uint64_t vdso_pages;	    /* [vdso] when the embedder gave no image */
	bool gate_area;		    /* x86-64's [vsyscall] page at GATE_ADDR */
	const char *platform;	    /* ELF_PLATFORM, copied onto the stack, or NULL */
	uint64_t hwcap;		    /* AT_HWCAP */
	bool has_hwcap2;	    /* ELF_HWCAP2 is defined: AT_HWCAP2 is in the auxv */
	uint64_t minsigstksz;	    /* AT_MINSIGSTKSZ */
	/* ARCH_DLINFO: the auxv entries the architecture puts first.  Writes
	 * (type, value) pairs into aux and returns how many words it wrote. */
	int (*dlinfo)(const struct arch_profile *a, uint64_t vdso_base, uint64_t *aux);
};

/* x86-64's vsyscall page, shown by maps after every VMA (gate_vma). */
#define GATE_ADDR 0xffffffffff600000ULL

/* The profile for mmk_config.arch, or NULL for an unknown value. */
const struct arch_profile *arch_profile_get(int arch);

/* Where a top-down search for a mapping hinted at addr (0: none) of len
 * bytes may end and start (arch_get_mmap_end(), arch_get_mmap_base()). */
uint64_t arch_mmap_end(const struct arch_profile *a, uint64_t addr, uint64_t len);
uint64_t arch_mmap_base(const struct arch_profile *a, uint64_t addr, uint64_t len, uint64_t base);

#endif
