/* static_pie.c - a static PIE: ET_DYN without PT_INTERP, built with
 * -static-pie -nostdlib (Debian's cross libc has no rcrt1.o, and its
 * libc.a no _dl_relocate_static_pie), so its own startup code does what
 * glibc's would: find its load address (__ehdr_start) and apply its
 * R_*_RELATIVE relocations (_DYNAMIC's DT_RELA) before anything uses a
 * pointer from its data.  Then it checks what exec gave it (AT_ENTRY,
 * AT_PHDR, AT_PHNUM, AT_PAGESZ, AT_BASE 0: no interpreter), that tables of
 * data and function pointers work, and that brk grows a usable heap.
 * Prints only address-independent facts; builds for riscv64 and x86-64
 * (the host oracle) alike.  No libc: raw system calls. */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__riscv)
#define NR_write      64
#define NR_exit_group 94
#define NR_brk	      214
#define R_RELATIVE    3 /* R_RISCV_RELATIVE */
__asm__(".text\n.globl _start\n_start:\n"
	"  mv a0, sp\n"
	"  andi sp, sp, -16\n"
	"  call start_c\n"
	"  unimp\n");
static long sys3(long n, long a, long b, long c)
{
	register long a7 __asm__("a7") = n;
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
	return a0;
}
#elif defined(__x86_64__)
#define NR_write      1
#define NR_exit_group 231
#define NR_brk	      12
#define R_RELATIVE    8 /* R_X86_64_RELATIVE */
__asm__(".text\n.globl _start\n_start:\n"
	"  xor %rbp, %rbp\n"
	"  mov %rsp, %rdi\n"
	"  and $-16, %rsp\n"
	"  call start_c\n"
	"  hlt\n");
static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}
#else
#error "riscv64 or x86-64"
#endif

/* Hidden: reached PC-relative, so usable before relocation. */
extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
extern Elf64_Dyn _DYNAMIC[] __attribute__((visibility("hidden")));

/* Applies the relative relocations; the number applied, or -1 for a
 * relocation of another type (a static PIE has no other). */
static long relocate(uintptr_t base)
{
	const Elf64_Rela *rela = 0;
	uint64_t size = 0, ent = sizeof(Elf64_Rela);
	for (const Elf64_Dyn *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_RELA)
			rela = (const Elf64_Rela *)(base + d->d_un.d_ptr);
		else if (d->d_tag == DT_RELASZ)
			size = d->d_un.d_val;
		else if (d->d_tag == DT_RELAENT)
			ent = d->d_un.d_val;
	}
	long n = 0;
	for (uint64_t off = 0; rela && off < size; off += ent, n++) {
		const Elf64_Rela *r = (const Elf64_Rela *)((const char *)rela + off);
		if (ELF64_R_TYPE(r->r_info) != R_RELATIVE)
			return -1;
		*(uint64_t *)(base + r->r_offset) = base + r->r_addend;
	}
	return n;
}

static void put(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	sys3(NR_write, 1, (long)s, (long)n);
}

static void fact(const char *what, int ok)
{
	put(what);
	put(ok ? ": yes\n" : ": NO\n");
}

static const char *words[] = {"relocated", "pointers", "in", "data"};
static int twice(int x)
{
	return 2 * x;
}
static int square(int x)
{
	return x * x;
}
static int (*const ops[])(int) = {twice, square};

__attribute__((used, noreturn)) void start_c(long *sp)
{
	uintptr_t base = (uintptr_t)&__ehdr_start;
	long nrel = relocate(base);
	long argc = sp[0];
	char **envp = (char **)(sp + 1 + argc + 1);
	while (*envp)
		envp++;
	static uint64_t aux[64]; /* .bss: zero without a memset */
	for (Elf64_auxv_t *a = (Elf64_auxv_t *)(envp + 1); a->a_type != AT_NULL; a++)
		if (a->a_type < 64)
			aux[a->a_type] = a->a_un.a_val;
	const Elf64_Ehdr *eh = &__ehdr_start;

	fact("ET_DYN", eh->e_type == ET_DYN);
	fact("relative relocations applied", nrel > 0);
	for (int i = 0; i < 4; i++) {
		put(words[i]);
		put(i < 3 ? " " : "\n");
	}
	fact("function pointers", ops[0](21) == 42 && ops[1](7) == 49);
	fact("loaded at a page boundary, not at 0", base && base % 4096 == 0);
	fact("AT_ENTRY is the load address + e_entry", aux[AT_ENTRY] == base + eh->e_entry);
	fact("AT_PHDR is the load address + e_phoff", aux[AT_PHDR] == base + eh->e_phoff);
	fact("AT_PHNUM", aux[AT_PHNUM] == eh->e_phnum);
	fact("AT_PAGESZ 4096", aux[AT_PAGESZ] == 4096);
	fact("AT_BASE 0 (no interpreter)", aux[AT_BASE] == 0);

	long brk0 = sys3(NR_brk, 0, 0, 0);
	long brk1 = sys3(NR_brk, brk0 + 8192, 0, 0);
	int heap_ok = brk1 == brk0 + 8192;
	if (heap_ok) {
		volatile char *h = (char *)brk0;
		h[0] = 1;
		h[8191] = 2;
		heap_ok = h[0] + h[8191] == 3;
	}
	fact("brk grows a usable heap", heap_ok);
	sys3(NR_exit_group, 0, 0, 0);
	for (;;)
		;
}
