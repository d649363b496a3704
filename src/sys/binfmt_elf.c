/*
 * binfmt_elf.c - execve(2) of an ELF program: mmk_execve, mmk_execveat.
 * Mirrors Linux 6.18's fs/exec.c (do_execveat_common, bprm_stack_limits,
 * copy_strings, begin_new_exec, setup_arg_pages) and fs/binfmt_elf.c
 * (load_elf_binary, elf_load, load_elf_interp, create_elf_tables), with
 * ASLR off (mmkit never randomizes), in Linux's order:
 *
 *   1. open the file in the root (exec_open: -ENOENT, -EACCES for a file
 *      that is not regular, not executable or on a noexec mount) and refuse
 *      one open for writing (-ETXTBSY);
 *   2. count argv and envp, bprm_stack_limits (-E2BIG), and lay the
 *      strings out below STACK_TOP as copy_strings does: an 8-byte zero at
 *      the top, the file name (AT_EXECFN), envp[] then argv[] (the last
 *      string highest), "" for an empty argv;
 *   3. a file starting with "#!" hands over to the interpreter its first
 *      line names (binfmt_script.c: argv becomes "interpreter [arg] script
 *      args...", at most 5 deep, -ELOOP); then load_elf_binary's checks: ELF magic, e_type ET_EXEC
 * or ET_DYN, elf_check_arch (machine; class on riscv), the program headers (e_phentsize, at most 4
 * KiB of them, all readable), PT_INTERP (2 to PATH_MAX bytes, NUL-terminated, an openable file),
 * PT_GNU_STACK; then the interpreter's magic, machine and headers (-ELIBBAD).  All -ENOEXEC but
 * where said; the process is untouched so far;
 *   4. the point of no return, begin_new_exec: the old image goes in place
 *      (mm_exec_reset, see task.c) and O_CLOEXEC fds close.  A failure
 *      from here on kills the process (SIGSEGV);
 *   5. setup_arg_pages: the stack VMA [vm_start - 128 KiB, STACK_TOP),
 *      vm_start being the page of the lowest string, executable if
 *      PT_GNU_STACK says PF_X; the strings are stored into it;
 *   6. each PT_LOAD by elf_load: a private file mapping of the page-rounded
 *      file part (the first of an ET_DYN reserving the image's total size
 *      at ELF_ET_DYN_BASE with an interpreter, or wherever mmap puts it
 *      without one, the rest of the reservation unmapped again; the others
 *      MAP_FIXED; an ET_EXEC's first MAP_FIXED_NOREPLACE), the rest of the
 *      last file page zeroed (padzero: a COW store, skipped where the
 *      segment is not writable), the bss beyond it anonymous (vm_brk_flags);
 *   7. PT_INTERP: load_elf_interp, the same steps for the interpreter at
 *      an address mmap chooses; the entry point is then the interpreter's;
 *   8. ARCH_SETUP_ADDITIONAL_PAGES: [vvar] (x86-64: and [vvar_vclock]) and
 *      [vdso] in one area placed as a hint-less mmap; x86-64's gate page;
 *   9. create_elf_tables: the platform string, the 16 AT_RANDOM bytes,
 *      argc, argv[], envp[] and the auxiliary vector, 16-byte aligned;
 *  10. the break: page-rounded end of the highest segment, or, for an
 *      ET_DYN without interpreter (a static PIE, ld.so run directly),
 *      ELF_ET_DYN_BASE (Linux moves it out of the mmap area).
 *
 * Memory: the strings and tables are built in a host buffer first and
 * stored into the stack in one access (the pages are the process's, as
 * copy_strings' are).  Every mapping goes through the same mmap, munmap
 * and brk paths a program's own calls take (mmap.c), so placement and
 * merging are theirs.  Locking: each step takes the mm's mmap_lock itself;
 * the caller holds none (mmk_execve must not race other calls on p).
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "alloc.h"
#include "binfmt.h"
#include "internal.h"
#include "memory.h"
#include "vma.h"

#define STACK_EXPAND	  (128ULL << 10) /* setup_arg_pages' stack_expand */
#define MAX_ARG_STRLEN	  (32 * PAGE_SIZE)
#define ARG_MAX_BYTES	  (32 * PAGE_SIZE) /* ARG_MAX, the floor of the limit */
#define STK_LIM		  (8ULL << 20)	   /* _STK_LIM */
#define EXEC_PATH_MAX	  4096
#define ELF_PAGESTART(v)  ((v) & ~(PAGE_SIZE - 1))
#define ELF_PAGEOFFSET(v) ((v) & (PAGE_SIZE - 1))
#define ELF_PAGEALIGN(v)  PAGE_ALIGN(v)

#define AT_RSEQ_FEATURE_SIZE 27
#define AT_RSEQ_ALIGN	     28

/* ---- Reading the file ---------------------------------------------------------------- */

/* elf_read(): all len bytes at off, else -EIO. */
static int elf_read(struct mmk_file *f, void *buf, uint64_t len, uint64_t off)
{
	int64_t n = pagecache_read(f, buf, len, off);
	if (n < 0)
		return (int)n;
	return (uint64_t)n == len ? 0 : -EIO;
}

/* The first BINPRM_BUF_SIZE bytes as prepare_binprm reads them into
 * bprm->buf (zero beyond the end of a short file): an ELF header or a #!
 * line.  0 or -errno. */
static int read_header(struct mmk_file *f, unsigned char buf[BINPRM_BUF_SIZE])
{
	memset(buf, 0, BINPRM_BUF_SIZE);
	int64_t n = pagecache_read(f, buf, BINPRM_BUF_SIZE, 0);
	return n < 0 ? (int)n : 0;
}

/* elf_check_arch(). */
static bool elf_arch_ok(const struct arch_profile *a, const Elf64_Ehdr *eh)
{
	if (eh->e_machine != a->e_machine)
		return false;
	return !a->check_class || eh->e_ident[EI_CLASS] == ELFCLASS64;
}

/* load_elf_phdrs(): the program headers, or NULL (the caller's errno). */
static Elf64_Phdr *load_elf_phdrs(struct mmk_system *sys, const Elf64_Ehdr *eh, struct mmk_file *f)
{
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return NULL;
	uint64_t size = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (size == 0 || size > 65536 || size > PAGE_SIZE)
		return NULL;
	Elf64_Phdr *ph = mmk_malloc(sys, size);
	if (ph && elf_read(f, ph, size, eh->e_phoff)) {
		free(ph);
		ph = NULL;
	}
	return ph;
}

static void elf_image_release(struct elf_image *im)
{
	free(im->ph);
	im->ph = NULL;
	if (im->file)
		file_put(im->file);
	im->file = NULL;
}

/* ---- Step 2: argv and envp -------------------------------------------------------------- */

static uint64_t count_strings(const char *const v[])
{
	uint64_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* Where the string area's byte at address a is in b->strings, which
 * mirrors [argmin, stack_top). */
char *bprm_string_at(struct bprm *b, uint64_t a)
{
	return b->strings + (a - b->argmin);
}

/* copy_string_kernel()/copy_strings(): puts s below bprm->pos
 * (valid_arg_len, then the bprm_stack_limits floor: -E2BIG). */
int bprm_push_string(struct bprm *b, const char *s)
{
	uint64_t len = strnlen(s, MAX_ARG_STRLEN) + 1;
	if (len > MAX_ARG_STRLEN)
		return -E2BIG;
	if (b->pos - b->argmin < len)
		return -E2BIG;
	b->pos -= len;
	memcpy(bprm_string_at(b, b->pos), s, len);
	return 0;
}

/*
 * bprm_stack_limits(), then the strings as do_execveat_common copies them:
 * the file name, envp (last first), argv (last first), and "" for an empty
 * argv.  The buffer b->strings mirrors [argmin, stack_top).
 */
static int copy_args(struct bprm *b, const char *const argv[], const char *const envp[])
{
	uint64_t rlim = b->p->sys->cfg.stack_rlimit;
	uint64_t limit = STK_LIM / 4 * 3;
	if (limit > rlim / 4)
		limit = rlim / 4;
	if (limit < ARG_MAX_BYTES)
		limit = ARG_MAX_BYTES;
	uint64_t ptr_size = ((b->argc ? b->argc : 1) + b->envc) * sizeof(uint64_t);
	if (limit <= ptr_size)
		return -E2BIG;
	limit -= ptr_size;
	b->pos = b->stack_top - sizeof(uint64_t);
	b->argmin = b->pos - limit;
	b->strings = mmk_zalloc(b->p->sys, b->stack_top - b->argmin);
	if (!b->strings)
		return -ENOMEM;
	int err = bprm_push_string(b, b->filename);
	for (uint64_t i = b->envc; !err && i-- > 0;)
		err = bprm_push_string(b, envp[i]);
	for (uint64_t i = b->argc; !err && i-- > 0;)
		err = bprm_push_string(b, argv[i]);
	if (!err && b->argc == 0) {
		err = bprm_push_string(b, "");
		b->argc = 1;
	}
	return err;
}

static int check_exe(struct bprm *b);

/* The handlers tried before ELF's own checks, as Linux's formats list
 * (register_binfmt): reached through a pointer, so a handler, which calls
 * exec's steps here, sits above them (scripts/callgraph.py). */
static const struct binfmt_handler {
	bool (*match)(const unsigned char *buf);
	int (*load)(struct bprm *b, unsigned char *buf);
} formats[] = {
    {script_match, load_script},
};

/*
 * exec_binprm(): the handlers in turn, a #! script handing over to its
 * interpreter at most 5 deep (-ELOOP), until an ELF file passes
 * load_elf_binary's checks.
 */
static int search_binary_handler(struct bprm *b)
{
	unsigned char buf[BINPRM_BUF_SIZE];
	for (int depth = 0;; depth++) {
		if (depth > 5)
			return -ELOOP;
		int err = read_header(b->exe.file, buf);
		if (err)
			return err;
		const struct binfmt_handler *h = NULL;
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]) && !h; i++)
			if (formats[i].match(buf))
				h = &formats[i];
		if (h) {
			err = h->load(b, buf);
			if (err)
				return err;
			continue;
		}
		memcpy(&b->exe.eh, buf, sizeof(b->exe.eh));
		return check_exe(b);
	}
}

/* ---- Step 3: the checks before the point of no return ------------------------------------ */

/* The PT_INTERP loop of load_elf_binary: opens the interpreter. */
static int open_interp(struct bprm *b, const Elf64_Phdr *ph)
{
	if (ph->p_filesz > EXEC_PATH_MAX || ph->p_filesz < 2)
		return -ENOEXEC;
	char *name = mmk_malloc(b->p->sys, ph->p_filesz);
	if (!name)
		return -ENOMEM;
	int err = elf_read(b->exe.file, name, ph->p_filesz, ph->p_offset);
	if (!err && name[ph->p_filesz - 1] != '\0')
		err = -ENOEXEC;
	if (!err)
		err = exec_open(b->p->sys, name, &b->interp.file);
	free(name);
	if (err)
		return err;
	if (atomic_load(&b->interp.file->inode->writers) > 0)
		return -ETXTBSY; /* open_exec's deny_write_access */
	b->has_interp = true;
	unsigned char buf[sizeof(Elf64_Ehdr)];
	err = elf_read(b->interp.file, buf, sizeof(buf), 0);
	if (!err)
		memcpy(&b->interp.eh, buf, sizeof(buf));
	return err;
}

static int check_exe(struct bprm *b)
{
	const Elf64_Ehdr *eh = &b->exe.eh;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (!elf_arch_ok(b->arch, eh))
		return -ENOEXEC;
	b->exe.ph = load_elf_phdrs(b->p->sys, eh, b->exe.file);
	if (!b->exe.ph)
		return -ENOEXEC;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (b->exe.ph[i].p_type != PT_INTERP)
			continue;
		int err = open_interp(b, &b->exe.ph[i]);
		if (err)
			return err;
		break;
	}
	b->exstack = EXSTACK_DEFAULT;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (b->exe.ph[i].p_type == PT_GNU_STACK) {
			b->exstack =
			    (b->exe.ph[i].p_flags & PF_X) ? EXSTACK_ENABLE_X : EXSTACK_DISABLE_X;
			break;
		}
	}
	if (b->has_interp) {
		const Elf64_Ehdr *ih = &b->interp.eh;
		if (memcmp(ih->e_ident, ELFMAG, SELFMAG) != 0 || !elf_arch_ok(b->arch, ih))
			return -ELIBBAD;
		b->interp.ph = load_elf_phdrs(b->p->sys, ih, b->interp.file);
		if (!b->interp.ph)
			return -ELIBBAD;
	}
	return 0;
}

/* ---- Steps 5-7: the new image ------------------------------------------------------------- */

/* Kills p after the point of no return (force_fatal_sig(SIGSEGV)). */
static int exec_fail(struct bprm *b, int err)
{
	atomic_store(&b->p->killed, MMK_SIGSEGV);
	return err;
}

/* setup_arg_pages(): the stack VMA, then the strings into it. */
static int setup_arg_pages(struct bprm *b)
{
	uint64_t vm_start = ELF_PAGESTART(b->pos);
	uint64_t size = b->stack_top - vm_start;
	uint64_t rlim = b->p->sys->cfg.stack_rlimit & PAGE_MASK;
	uint64_t expand = size + STACK_EXPAND < rlim ? size + STACK_EXPAND : rlim;
	if (expand < size)
		expand = size; /* the strings are there already */
	uint64_t base = b->stack_top - expand;
	int prot = MMK_PROT_READ | MMK_PROT_WRITE;
	if (b->exstack == EXSTACK_ENABLE_X)
		prot |= MMK_PROT_EXEC;
	int64_t a =
	    vm_mmap(b->p, NULL, base, expand, prot,
		    MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED | MMK_MAP_GROWSDOWN, 0);
	if (a < 0)
		return (int)a;
	return mmk_store(b->p, b->pos, bprm_string_at(b, b->pos), b->stack_top - b->pos, NULL);
}

static int make_prot(uint32_t p_flags)
{
	return ((p_flags & PF_R) ? MMK_PROT_READ : 0) | ((p_flags & PF_W) ? MMK_PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? MMK_PROT_EXEC : 0);
}

/* Whether x is an error or an address at or above TASK_SIZE (BAD_ADDR). */
static bool bad_addr(struct mm *mm, int64_t x)
{
	return x < 0 || (uint64_t)x >= mm->task_size;
}

/* total_mapping_size(): from the first PT_LOAD's page to the end of the highest. */
static uint64_t total_mapping_size(const Elf64_Phdr *ph, unsigned n)
{
	uint64_t min_addr = UINT64_MAX, max_addr = 0;
	bool any = false;
	for (unsigned i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		any = true;
		if (ph[i].p_vaddr < min_addr)
			min_addr = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > max_addr)
			max_addr = ph[i].p_vaddr + ph[i].p_memsz;
	}
	return any ? max_addr - ELF_PAGESTART(min_addr) : 0;
}

/* maximum_alignment(): the largest power-of-two p_align of the PT_LOADs. */
static uint64_t maximum_alignment(const Elf64_Phdr *ph, unsigned n)
{
	uint64_t align = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t a = ph[i].p_align;
		if (ph[i].p_type != PT_LOAD || !a || (a & (a - 1)))
			continue;
		if (a > align)
			align = a;
	}
	return ELF_PAGEALIGN(align);
}

/* elf_map(): the file part of one segment (the whole image's size first
 * when total_size is given, the excess unmapped again).  The address or
 * -errno. */
static int64_t elf_map(struct bprm *b, struct mmk_file *f, uint64_t addr, const Elf64_Phdr *ph,
		       int prot, int type, uint64_t total_size)
{
	uint64_t size = ELF_PAGEALIGN(ph->p_filesz + ELF_PAGEOFFSET(ph->p_vaddr));
	uint64_t off = ph->p_offset - ELF_PAGEOFFSET(ph->p_vaddr);
	addr = ELF_PAGESTART(addr);
	if (!size)
		return (int64_t)addr;
	if (!total_size)
		return vm_mmap(b->p, f, addr, size, prot, type, off);
	total_size = ELF_PAGEALIGN(total_size);
	int64_t map = vm_mmap(b->p, f, addr, total_size, prot, type, off);
	if (!bad_addr(b->p->mm, map) && total_size > size)
		(void)vm_munmap(b->p->mm, (uint64_t)map + size, total_size - size);
	return map;
}

/* padzero(): zeroes from a to the end of its page: 0, or the store's
 * -EFAULT (not writable) or -ENOMEM. */
static int padzero(struct bprm *b, uint64_t a)
{
	uint64_t n = ELF_PAGEOFFSET(a) ? PAGE_SIZE - ELF_PAGEOFFSET(a) : 0;
	return n ? mmk_fill(b->p, a, 0, n, NULL) : 0;
}

/* elf_load(): one PT_LOAD: its file part, the rest of its last page
 * zeroed, its bss.  The mapping's address or -errno. */
static int64_t elf_load(struct bprm *b, struct mmk_file *f, uint64_t addr, const Elf64_Phdr *ph,
			int prot, int type, uint64_t total_size)
{
	uint64_t zero_start, zero_end;
	int64_t map;
	if (ph->p_filesz) {
		map = elf_map(b, f, addr, ph, prot, type, total_size);
		if (bad_addr(b->p->mm, map))
			return map < 0 ? map : -EINVAL;
		zero_start = (uint64_t)map + ELF_PAGEOFFSET(ph->p_vaddr) + ph->p_filesz;
		zero_end = (uint64_t)map + ELF_PAGEOFFSET(ph->p_vaddr) + ph->p_memsz;
		/* errors ignored where the segment is not writable; no
		 * memory for the page is -ENOMEM (Linux's fault would have
		 * called the OOM killer), any other failure -EFAULT */
		int err = ph->p_memsz > ph->p_filesz ? padzero(b, zero_start) : 0;
		if (err && (prot & MMK_PROT_WRITE))
			return err == -ENOMEM ? err : -EFAULT;
	} else {
		map = (int64_t)ELF_PAGESTART(addr);
		zero_start = ELF_PAGESTART(addr);
		zero_end = zero_start + ELF_PAGEOFFSET(ph->p_vaddr) + ph->p_memsz;
	}
	if (ph->p_memsz > ph->p_filesz) {
		zero_start = ELF_PAGEALIGN(zero_start);
		zero_end = ELF_PAGEALIGN(zero_end);
		int err =
		    vm_brk_flags(b->p->mm, zero_start, zero_end - zero_start, prot & MMK_PROT_EXEC);
		if (err)
			return err;
	}
	return map;
}

/* The segment's bounds are usable (load_elf_binary's and load_elf_interp's
 * check after mapping it). */
static bool segment_fits(struct mm *mm, uint64_t k, const Elf64_Phdr *ph)
{
	return k < mm->task_size && ph->p_filesz <= ph->p_memsz && ph->p_memsz <= mm->task_size &&
	       mm->task_size - ph->p_memsz >= k;
}

/* What loading the program found (load_elf_binary's locals). */
struct loaded {
	uint64_t load_bias, entry, phdr, elf_brk;
	uint64_t start_code, end_code, start_data, end_data;
};

/* load_elf_binary's PT_LOAD loop. */
static int load_program(struct bprm *b, struct loaded *l)
{
	const Elf64_Ehdr *eh = &b->exe.eh;
	struct mm *mm = b->p->mm;
	bool first = true;
	uint64_t load_bias = 0, phdr_addr = 0, elf_brk = 0;
	uint64_t start_code = UINT64_MAX, end_code = 0, start_data = 0, end_data = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &b->exe.ph[i];
		if (ph->p_type != PT_LOAD)
			continue;
		int prot = make_prot(ph->p_flags);
		int flags = MMK_MAP_PRIVATE;
		uint64_t vaddr = ph->p_vaddr, total_size = 0;
		if (!first) {
			flags |= MMK_MAP_FIXED;
		} else if (eh->e_type == ET_EXEC) {
			flags |= MMK_MAP_FIXED_NOREPLACE;
		} else {
			/* ET_DYN: a program with an interpreter goes at
			 * ELF_ET_DYN_BASE, a loader where mmap puts it. */
			uint64_t alignment = maximum_alignment(b->exe.ph, eh->e_phnum);
			load_bias = 0;
			if (b->has_interp) {
				load_bias = b->arch->et_dyn_base;
				if (alignment)
					load_bias &= ~(alignment - 1);
				flags |= MMK_MAP_FIXED_NOREPLACE;
			}
			load_bias = ELF_PAGESTART(load_bias - vaddr);
			total_size = total_mapping_size(b->exe.ph, eh->e_phnum);
			if (!total_size)
				return -EINVAL;
		}
		int64_t map =
		    elf_load(b, b->exe.file, load_bias + vaddr, ph, prot, flags, total_size);
		if (bad_addr(mm, map))
			return map < 0 ? (int)map : -EINVAL;
		if (first) {
			first = false;
			if (eh->e_type == ET_DYN)
				load_bias += (uint64_t)map - ELF_PAGESTART(load_bias + vaddr);
		}
		if (ph->p_offset <= eh->e_phoff && eh->e_phoff < ph->p_offset + ph->p_filesz)
			phdr_addr = eh->e_phoff - ph->p_offset + ph->p_vaddr;
		uint64_t k = ph->p_vaddr;
		if ((ph->p_flags & PF_X) && k < start_code)
			start_code = k;
		if (start_data < k)
			start_data = k;
		if (!segment_fits(mm, k, ph))
			return -EINVAL;
		k = ph->p_vaddr + ph->p_filesz;
		if ((ph->p_flags & PF_X) && end_code < k)
			end_code = k;
		if (end_data < k)
			end_data = k;
		k = ph->p_vaddr + ph->p_memsz;
		if (k > elf_brk)
			elf_brk = k;
	}
	l->load_bias = load_bias;
	l->entry = eh->e_entry + load_bias;
	l->phdr = phdr_addr + load_bias;
	l->elf_brk = elf_brk + load_bias;
	l->start_code = start_code + load_bias;
	l->end_code = end_code + load_bias;
	l->start_data = start_data + load_bias;
	l->end_data = end_data + load_bias;
	return 0;
}

/* load_elf_interp(): the interpreter's segments; its load address or -errno. */
static int64_t load_interp(struct bprm *b, uint64_t no_base)
{
	const Elf64_Ehdr *ih = &b->interp.eh;
	struct mm *mm = b->p->mm;
	if (ih->e_type != ET_EXEC && ih->e_type != ET_DYN)
		return -EPERM; /* Linux's error = ~0UL, read as an errno */
	uint64_t total_size = total_mapping_size(b->interp.ph, ih->e_phnum);
	if (!total_size)
		return -EINVAL;
	uint64_t load_addr = 0;
	bool load_addr_set = false;
	for (unsigned i = 0; i < ih->e_phnum; i++) {
		const Elf64_Phdr *ph = &b->interp.ph[i];
		if (ph->p_type != PT_LOAD)
			continue;
		int flags = MMK_MAP_PRIVATE;
		uint64_t vaddr = ph->p_vaddr;
		if (ih->e_type == ET_EXEC || load_addr_set)
			flags |= MMK_MAP_FIXED;
		else if (no_base && ih->e_type == ET_DYN)
			load_addr = -vaddr;
		int64_t map = elf_load(b, b->interp.file, load_addr + vaddr, ph,
				       make_prot(ph->p_flags), flags, total_size);
		total_size = 0;
		if (bad_addr(mm, map))
			return map < 0 ? map : -EINVAL;
		if (!load_addr_set && ih->e_type == ET_DYN) {
			load_addr = (uint64_t)map - ELF_PAGESTART(vaddr);
			load_addr_set = true;
		}
		if (!segment_fits(mm, load_addr + ph->p_vaddr, ph))
			return -ENOMEM;
	}
	return (int64_t)load_addr;
}

/* ---- Step 8: the vDSO ----------------------------------------------------------------------- */

#define VVAR_FLAGS (VM_READ | VM_MAYREAD | VM_IO | VM_DONTDUMP | VM_PFNMAP)
#define VDSO_FLAGS (VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/* map_vdso() / __setup_additional_pages(): [vvar], [vvar_vclock] and
 * [vdso] in one hint-less area; the vdso text's address or -errno. */
static int64_t setup_vdso(struct bprm *b)
{
	const struct arch_profile *a = b->arch;
	struct mmk_system *sys = b->p->sys;
	struct mm *mm = b->p->mm;
	uint64_t vvar = a->vvar_pages * PAGE_SIZE, vclock = a->vvar_vclock_pages * PAGE_SIZE;
	uint64_t text = sys->vdso_image ? PAGE_ALIGN(sys->vdso_len) : a->vdso_pages * PAGE_SIZE;
	mmap_write_lock(mm);
	int64_t addr = get_unmapped_area(mm, NULL, 0, vvar + vclock + text, 0, 0);
	mmap_write_unlock(mm);
	if (addr < 0)
		return addr;
	uint64_t base = (uint64_t)addr, text_start = base + vvar + vclock;
	int err = install_special_mapping(mm, text_start, text, VDSO_FLAGS, VMA_VDSO);
	if (!err)
		err = install_special_mapping(mm, base, vvar, VVAR_FLAGS, VMA_VVAR);
	if (!err && vclock)
		err = install_special_mapping(mm, base + vvar, vclock, VVAR_FLAGS, VMA_VVAR_VCLOCK);
	if (!err && sys->vdso_image)
		err = special_mapping_fill(b->p, text_start, sys->vdso_image, sys->vdso_len);
	return err ? err : (int64_t)text_start;
}

int mmk_set_vdso(mmk_system *sys, const void *image, uint64_t len)
{
	if (!sys)
		return -EINVAL;
	if (!image && len)
		return -EFAULT;
	if (len > (64 << 10) || (image && !len))
		return -EINVAL;
	void *copy = NULL;
	if (len) {
		copy = mmk_malloc(sys, len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, image, len);
	}
	free(sys->vdso_image);
	sys->vdso_image = copy;
	sys->vdso_len = len;
	return 0;
}

/* ---- Step 9: create_elf_tables ----------------------------------------------------------------
 */

/* AT_RANDOM's bytes: from the seed (splitmix64 of seed and exec number) or
 * the host's getrandom. */
static void random_bytes(struct mmk_system *sys, unsigned char out[16])
{
	uint64_t seed = sys->cfg.at_random_seed;
	if (!seed) {
		size_t got = 0;
		while (got < 16) {
			ssize_t n = getrandom(out + got, 16 - got, 0);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got == 16)
			return;
		seed = (uint64_t)getpid(); /* no entropy: still 16 bytes */
	}
	uint64_t x = seed + atomic_fetch_add(&sys->execs, 1) * 0x9e3779b97f4a7c15ULL;
	for (int i = 0; i < 2; i++) {
		uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		memcpy(out + 8 * i, &z, 8);
	}
}

/* The auxiliary vector create_elf_tables builds, in its order. */
static int build_auxv(struct bprm *b, const struct loaded *l, uint64_t interp_base, uint64_t vdso,
		      uint64_t u_rand, uint64_t u_platform, uint64_t execfn, uint64_t *aux)
{
	const struct arch_profile *a = b->arch;
	int n = a->dlinfo(a, vdso, aux);
#define AUX(t, v)                                                                                  \
	do {                                                                                       \
		aux[n++] = (t);                                                                    \
		aux[n++] = (v);                                                                    \
	} while (0)
	AUX(AT_HWCAP, a->hwcap);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100);
	AUX(AT_PHDR, l->phdr);
	AUX(AT_PHENT, sizeof(Elf64_Phdr));
	AUX(AT_PHNUM, b->exe.eh.e_phnum);
	AUX(AT_BASE, interp_base);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, l->entry);
	AUX(AT_UID, getuid());
	AUX(AT_EUID, geteuid());
	AUX(AT_GID, getgid());
	AUX(AT_EGID, getegid());
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, u_rand);
	if (a->has_hwcap2)
		AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, execfn);
	if (a->platform)
		AUX(AT_PLATFORM, u_platform);
	AUX(AT_RSEQ_FEATURE_SIZE, 28); /* offsetof(struct rseq, end) */
	AUX(AT_RSEQ_ALIGN, 32);
	AUX(AT_NULL, 0);
#undef AUX
	return n / 2;
}

/*
 * create_elf_tables(): below the strings (16-byte aligned, arch_align_stack
 * without randomization) the platform string, the random bytes, then from
 * the new stack pointer up: argc, argv[], NULL, envp[], NULL, auxv.
 */
static int create_elf_tables(struct bprm *b, const struct loaded *l, uint64_t interp_base,
			     uint64_t vdso, struct mmk_exec_info *info)
{
	uint64_t p = b->pos & ~15ULL;
	uint64_t u_platform = 0;
	const char *plat = b->arch->platform;
	if (plat) {
		p -= strlen(plat) + 1;
		u_platform = p;
	}
	p -= 16;
	uint64_t u_rand = p;
	uint64_t execfn = b->stack_top - sizeof(uint64_t) - (strlen(b->filename) + 1);
	int auxc = build_auxv(b, l, interp_base, vdso, u_rand, u_platform, execfn, info->auxv);
	uint64_t items = (b->argc + 1) + (b->envc + 1) + 1;
	uint64_t sp = ((p - (uint64_t)auxc * 16) - items * 8) & ~15ULL;
	uint64_t len = b->stack_top - sp;
	unsigned char *img = mmk_zalloc(b->p->sys, len);
	if (!img)
		return -ENOMEM;
	memcpy(img + (b->pos - sp), bprm_string_at(b, b->pos), b->stack_top - b->pos);
	if (plat)
		memcpy(img + (u_platform - sp), plat, strlen(plat) + 1);
	random_bytes(b->p->sys, img + (u_rand - sp));
	uint64_t *w = (uint64_t *)img, s = b->pos;
	*w++ = b->argc;
	struct mm *mm = b->p->mm;
	mmap_write_lock(mm);
	mm->arg_start = s;
	for (uint64_t i = 0; i < b->argc; i++) {
		*w++ = s;
		s += strlen(bprm_string_at(b, s)) + 1;
	}
	*w++ = 0;
	mm->arg_end = mm->env_start = s;
	for (uint64_t i = 0; i < b->envc; i++) {
		*w++ = s;
		s += strlen(bprm_string_at(b, s)) + 1;
	}
	*w++ = 0;
	mm->env_end = s;
	mmap_write_unlock(mm);
	info->auxv_addr = sp + (uint64_t)((unsigned char *)w - img);
	memcpy(w, info->auxv, (size_t)auxc * 16);
	int err = mmk_store(b->p, sp, img, len, NULL);
	free(img);
	info->sp = sp;
	info->auxc = auxc;
	info->random = u_rand;
	info->execfn = execfn;
	return err;
}

/* ---- The whole exec ---------------------------------------------------------------------------
 */

/* Steps 4-10 (after the checks): the new image.  0 or -errno. */
static int load_new_image(struct bprm *b, struct mmk_exec_info *info)
{
	struct mmk_proc *p = b->p;
	struct mm *mm = p->mm;
	mm_exec_reset(mm); /* begin_new_exec: exec_mmap */
	fdtable_close_on_exec(p);
	int err = setup_arg_pages(b);
	struct loaded l = {0};
	if (!err)
		err = load_program(b, &l);
	uint64_t entry = l.entry, interp_base = 0;
	if (!err && b->has_interp) {
		int64_t base = load_interp(b, l.load_bias);
		if (bad_addr(mm, base))
			err = base < 0 ? (int)base : -EINVAL;
		else
			interp_base = (uint64_t)base, entry = interp_base + b->interp.eh.e_entry;
	}
	if (!err && (entry >= mm->task_size))
		err = -EINVAL;
	int64_t vdso = err ? 0 : setup_vdso(b);
	if (vdso < 0)
		err = (int)vdso;
	if (!err)
		err = create_elf_tables(b, &l, interp_base, (uint64_t)vdso, info);
	if (err)
		return err;
	mmap_write_lock(mm);
	mm->start_code = l.start_code;
	mm->end_code = l.end_code;
	mm->start_data = l.start_data;
	mm->end_data = l.end_data;
	mm->start_stack = info->sp;
	/* the break: after the highest segment, or for a loader run
	 * directly at ELF_ET_DYN_BASE, out of the mmap area */
	uint64_t brk = l.elf_brk;
	if (b->exe.eh.e_type == ET_DYN && !b->has_interp)
		brk = b->arch->et_dyn_base;
	mm->start_brk = mm->brk = ELF_PAGEALIGN(brk);
	mm->brk_set = true;
	mm->gate = b->arch->gate_area;
	mm_debug_check(mm, "execve");
	mmap_write_unlock(mm);
	info->entry = entry;
	info->load_bias = l.load_bias;
	info->interp_base = interp_base;
	info->phdr = l.phdr;
	info->phnum = b->exe.eh.e_phnum;
	info->start_brk = mm->start_brk;
	info->stack_end = b->stack_top;
	info->vdso_base = (uint64_t)vdso;
	info->argc = b->argc;
	info->envc = b->envc;
	return 0;
}

/* Opens what mmk_execveat names, and the name AT_EXECFN gets. */
static int open_exe(struct mmk_proc *p, int dirfd, const char *path, int flags, struct mmk_file **f,
		    char **filename)
{
	if (path[0] == '\0') {
		if (!(flags & MMK_AT_EMPTY_PATH))
			return -ENOENT;
		*f = fd_file(p, dirfd);
		if (!*f)
			return -EBADF;
		int err = file_exec_check(*f);
		if (err) {
			file_put(*f);
			*f = NULL;
			return err;
		}
		char name[32];
		snprintf(name, sizeof(name), "/dev/fd/%d", dirfd);
		*filename = mmk_strdup(p->sys, name);
		return *filename ? 0 : -ENOMEM;
	}
	if (path[0] != '/' && dirfd != MMK_AT_FDCWD)
		return -EOPNOTSUPP;
	int err = exec_open(p->sys, path, f);
	if (err)
		return err;
	*filename = mmk_strdup(p->sys, path);
	return *filename ? 0 : -ENOMEM;
}

int mmk_execveat(mmk_proc *p, int dirfd, const char *path, const char *const argv[],
		 const char *const envp[], int flags, struct mmk_exec_info *out)
{
	int err = proc_enter(p);
	if (err)
		return err;
	if (!path)
		return -EFAULT;
	if (flags & ~MMK_AT_EMPTY_PATH)
		return -EINVAL;
	struct bprm b = {.p = p, .arch = p->sys->arch, .stack_top = p->sys->arch->stack_top};
	char *filename = NULL;
	err = open_exe(p, dirfd, path, flags, &b.exe.file, &filename);
	b.filename = filename;
	if (!err && atomic_load(&b.exe.file->inode->writers) > 0)
		err = -ETXTBSY; /* deny_write_access() */
	if (!err) {
		b.argc = count_strings(argv);
		b.envc = count_strings(envp);
		err = copy_args(&b, argv, envp);
	}
	if (!err && !(b.interp_name = mmk_strdup(p->sys, filename)))
		err = -ENOMEM;
	if (!err)
		err = search_binary_handler(&b);
	struct mmk_exec_info info;
	memset(&info, 0, sizeof(info));
	if (!err) {
		err = load_new_image(&b, &info);
		if (err)
			exec_fail(&b, err);
		else if (out)
			*out = info;
	}
	elf_image_release(&b.exe);
	elf_image_release(&b.interp);
	free(b.strings);
	free(b.interp_name);
	free(filename);
	return err;
}

int mmk_execve(mmk_proc *p, const char *path, const char *const argv[], const char *const envp[],
	       struct mmk_exec_info *out)
{
	return mmk_execveat(p, MMK_AT_FDCWD, path, argv, envp, 0, out);
}
