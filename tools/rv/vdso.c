/*
 * vdso.c - the riscv64 vDSO image the runner gives every guest program: an
 * ELF shared object (ET_DYN, linked at 0) built byte by byte at start-up,
 * with the symbols and version Linux's arch/riscv/kernel/vdso/vdso.lds.S
 * exports (version LINUX_4.15):
 *
 *   __vdso_rt_sigreturn    li a7, 139; ecall   (signal.c's trampoline)
 *   __vdso_gettimeofday    li a7, 169; ecall; ret
 *   __vdso_clock_gettime   li a7, 113; ecall; ret
 *   __vdso_clock_getres    li a7, 114; ecall; ret
 *   __vdso_getcpu          li a7, 168; ecall; ret
 *   __vdso_flush_icache    li a7, 259; ecall; ret
 *   __vdso_riscv_hwprobe   li a7, 258; ecall; ret
 *
 * Each function makes the system call, which is what Linux's vDSO falls
 * back to when it cannot answer from its data pages; the answers are the
 * runner's (linux.c, timer.c).  __vdso_getrandom (Linux 6.16 with
 * CONFIG_VDSO_GETRANDOM) is not exported: its contract needs a random
 * state page, and without it glibc calls getrandom.  The sigreturn
 * trampoline is exactly the two instructions libgcc's unwinder recognises
 * as a signal frame (MD_FALLBACK_FRAME_STATE_FOR).
 *
 * The image, offsets from its first byte (= virtual addresses, as the
 * single PT_LOAD maps offset 0 at vaddr 0):
 *
 *   ELF header | program headers: PT_LOAD (r-x, the whole image),
 *   PT_DYNAMIC | .hash (SysV) | .dynsym | .dynstr | .gnu.version |
 *   .gnu.version_d (the base version "linux-vdso.so.1", then LINUX_4.15) |
 *   .dynamic | .text | .shstrtab | section headers | zeros to 2 pages
 *
 * The section headers are there because a symbol must name a section
 * (st_shndx != SHN_UNDEF, and not SHN_ABS, which a loader would not
 * relocate): the functions are in .text.  The image is padded to two pages,
 * the size of Linux's riscv64 [vdso] mapping.
 *
 * Endianness: written with the host's byte order, which the runner
 * requires to be little-endian like the guest's (signal.c copies registers
 * the same way).
 */
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "rv.h"

#define VDSO_SIZE 8192 /* two pages, as Linux's riscv64 [vdso] */

/* The exported functions: name, system call, whether it returns (rt_sigreturn
 * does not: it restores the interrupted registers). */
static const struct {
	const char *name;
	int nr;
	int returns;
} vdso_funcs[] = {
    {"__vdso_rt_sigreturn", 139, 0},  {"__vdso_gettimeofday", 169, 1},
    {"__vdso_clock_gettime", 113, 1}, {"__vdso_clock_getres", 114, 1},
    {"__vdso_getcpu", 168, 1},	      {"__vdso_flush_icache", 259, 1},
    {"__vdso_riscv_hwprobe", 258, 1},
};
#define NFUNCS (sizeof(vdso_funcs) / sizeof(vdso_funcs[0]))
#define NSYMS  (NFUNCS + 1) /* with the null symbol */

#define SONAME	"linux-vdso.so.1"
#define VERSION "LINUX_4.15"

/* Section indexes of the image. */
enum {
	SEC_NULL,
	SEC_HASH,
	SEC_DYNSYM,
	SEC_DYNSTR,
	SEC_VERSYM,
	SEC_VERDEF,
	SEC_DYNAMIC,
	SEC_TEXT,
	SEC_SHSTRTAB,
	NSECS
};

/* The image being written: bytes, their room, the write position, and
 * whether a write did not fit (then nothing past the room is written). */
struct img {
	uint8_t *buf;
	uint64_t cap, pos;
	bool overflow;
};

static uint64_t img_align(struct img *m, uint64_t a)
{
	m->pos = (m->pos + a - 1) & ~(a - 1);
	return m->pos;
}

/* Appends n bytes: their offset. */
static uint64_t img_put(struct img *m, const void *p, uint64_t n)
{
	uint64_t off = m->pos;
	if (off > m->cap || n > m->cap - off)
		m->overflow = true;
	else
		memcpy(m->buf + off, p, n);
	m->pos += n;
	return off;
}

/* A string table: strings appended NUL-terminated after a leading NUL. */
struct strtab {
	char s[512];
	uint32_t len;
};

static uint32_t strtab_add(struct strtab *t, const char *s)
{
	uint32_t off = t->len;
	if (!off)
		t->len = off = 1; /* offset 0 is the empty string */
	size_t n = strlen(s) + 1;
	memcpy(t->s + off, s, n);
	t->len += (uint32_t)n;
	return off;
}

/* The SysV ELF hash (the System V ABI's elf_hash): .hash buckets and the
 * verdef's vd_hash, which the loader compares with its own. */
static uint32_t elf_hash(const char *name)
{
	uint32_t h = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h = (h << 4) + *p;
		uint32_t g = h & 0xf0000000u;
		h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* addi a7, zero, nr */
static uint32_t insn_li_a7(int nr)
{
	return (uint32_t)nr << 20 | 17u << 7 | 0x13;
}
#define INSN_ECALL 0x00000073u
#define INSN_RET   0x00008067u /* jalr zero, 0(ra) */

/* .text: the functions one after another, 4-byte aligned; each one's
 * offset and size go to value[] and size[]. */
static void put_text(struct img *m, uint64_t value[], uint64_t size[])
{
	for (size_t i = 0; i < NFUNCS; i++) {
		uint32_t code[3] = {insn_li_a7(vdso_funcs[i].nr), INSN_ECALL, INSN_RET};
		size[i] = vdso_funcs[i].returns ? 12 : 8;
		value[i] = img_put(m, code, size[i]);
	}
}

/* .hash: one bucket per symbol (any count works; the chains link symbols
 * whose hashes share a bucket). */
static uint64_t put_hash(struct img *m)
{
	uint32_t h[2 + 2 * NSYMS] = {NSYMS, NSYMS};
	uint32_t *bucket = h + 2, *chain = h + 2 + NSYMS;
	for (uint32_t i = 1; i < NSYMS; i++) {
		uint32_t b = elf_hash(vdso_funcs[i - 1].name) % NSYMS;
		chain[i] = bucket[b];
		bucket[b] = i;
	}
	return img_put(m, h, sizeof(h));
}

/* .gnu.version_d: index 1 the base version (the soname), index 2
 * LINUX_4.15, which every exported symbol has. */
static uint64_t put_verdef(struct img *m, uint32_t soname, uint32_t version)
{
	struct {
		Elf64_Verdef d;
		Elf64_Verdaux a;
	} v[2] = {
	    {{VER_DEF_CURRENT, VER_FLG_BASE, 1, 1, elf_hash(SONAME), sizeof(Elf64_Verdef),
	      sizeof(v[0])},
	     {soname, 0}},
	    {{VER_DEF_CURRENT, 0, 2, 1, elf_hash(VERSION), sizeof(Elf64_Verdef), 0}, {version, 0}},
	};
	_Static_assert(sizeof(v[0]) == 28, "Verdef + Verdaux are 28 bytes");
	return img_put(m, v, sizeof(v));
}

static Elf64_Shdr section(uint32_t name, uint32_t type, uint64_t flags, uint64_t off, uint64_t size,
			  uint32_t link, uint32_t info, uint64_t align, uint64_t entsize)
{
	return (Elf64_Shdr){name, type, flags, off, off, size, link, info, align, entsize};
}

int rv_vdso_build(struct rv_vdso *v)
{
	static uint8_t buf[VDSO_SIZE];
	struct img m = {buf, sizeof(buf), 0, false};
	struct strtab dynstr = {{0}, 0}, shstr = {{0}, 0};
	memset(buf, 0, sizeof(buf));

	/* strings first: their offsets go into the tables below */
	uint32_t name[NFUNCS];
	for (size_t i = 0; i < NFUNCS; i++)
		name[i] = strtab_add(&dynstr, vdso_funcs[i].name);
	uint32_t soname = strtab_add(&dynstr, SONAME), version = strtab_add(&dynstr, VERSION);
	static const char *const secname[NSECS] = {"",	       ".hash",	       ".dynsym",
						   ".dynstr",  ".gnu.version", ".gnu.version_d",
						   ".dynamic", ".text",	       ".shstrtab"};
	uint32_t shname[NSECS] = {0};
	for (int s = 1; s < NSECS; s++)
		shname[s] = strtab_add(&shstr, secname[s]);

	/* headers are filled in at the end, when every offset is known */
	m.pos = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
	uint64_t off[NSECS] = {0}, len[NSECS] = {0};

	off[SEC_HASH] = put_hash(&m);
	len[SEC_HASH] = m.pos - off[SEC_HASH];

	/* .text's offsets are needed by .dynsym: lay .text out in a scratch
	 * image first, then place it after .dynamic */
	uint64_t value[NFUNCS], size[NFUNCS];
	uint8_t text[NFUNCS * 12];
	struct img tm = {text, sizeof(text), 0, false};
	put_text(&tm, value, size);
	len[SEC_TEXT] = tm.pos;

	off[SEC_DYNSYM] = img_align(&m, 8);
	len[SEC_DYNSYM] = NSYMS * sizeof(Elf64_Sym);
	m.pos += len[SEC_DYNSYM]; /* written once .text's place is known */

	off[SEC_DYNSTR] = img_put(&m, dynstr.s, dynstr.len);
	len[SEC_DYNSTR] = dynstr.len;

	off[SEC_VERSYM] = img_align(&m, 2);
	Elf64_Half versym[NSYMS] = {0}; /* the null symbol: VER_NDX_LOCAL */
	for (size_t i = 1; i < NSYMS; i++)
		versym[i] = 2;
	img_put(&m, versym, sizeof(versym));
	len[SEC_VERSYM] = sizeof(versym);

	off[SEC_VERDEF] = img_align(&m, 8);
	put_verdef(&m, soname, version);
	len[SEC_VERDEF] = m.pos - off[SEC_VERDEF];

	off[SEC_DYNAMIC] = img_align(&m, 8);
	Elf64_Dyn dyn[] = {
	    {DT_SONAME, {soname}},
	    {DT_HASH, {off[SEC_HASH]}},
	    {DT_STRTAB, {off[SEC_DYNSTR]}},
	    {DT_SYMTAB, {off[SEC_DYNSYM]}},
	    {DT_STRSZ, {dynstr.len}},
	    {DT_SYMENT, {sizeof(Elf64_Sym)}},
	    {DT_VERSYM, {off[SEC_VERSYM]}},
	    {DT_VERDEF, {off[SEC_VERDEF]}},
	    {DT_VERDEFNUM, {2}},
	    {DT_NULL, {0}},
	};
	img_put(&m, dyn, sizeof(dyn));
	len[SEC_DYNAMIC] = sizeof(dyn);

	off[SEC_TEXT] = img_align(&m, 16);
	img_put(&m, text, len[SEC_TEXT]);

	/* .dynsym: the null symbol, then the functions (global, in .text) */
	Elf64_Sym sym[NSYMS] = {{0}};
	for (size_t i = 0; i < NFUNCS; i++)
		sym[i + 1] = (Elf64_Sym){name[i],
					 ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
					 STV_DEFAULT,
					 SEC_TEXT,
					 off[SEC_TEXT] + value[i],
					 size[i]};
	uint64_t pos = m.pos;
	m.pos = off[SEC_DYNSYM];
	img_put(&m, sym, sizeof(sym));
	m.pos = pos;

	off[SEC_SHSTRTAB] = img_put(&m, shstr.s, shstr.len);
	len[SEC_SHSTRTAB] = shstr.len;

	uint64_t shoff = img_align(&m, 8);
	Elf64_Shdr sh[NSECS] = {{0}};
	uint64_t A = SHF_ALLOC;
	sh[SEC_HASH] = section(shname[SEC_HASH], SHT_HASH, A, off[SEC_HASH], len[SEC_HASH],
			       SEC_DYNSYM, 0, 8, 4);
	sh[SEC_DYNSYM] = section(shname[SEC_DYNSYM], SHT_DYNSYM, A, off[SEC_DYNSYM],
				 len[SEC_DYNSYM], SEC_DYNSTR, 1, 8, sizeof(Elf64_Sym));
	sh[SEC_DYNSTR] = section(shname[SEC_DYNSTR], SHT_STRTAB, A, off[SEC_DYNSTR],
				 len[SEC_DYNSTR], 0, 0, 1, 0);
	sh[SEC_VERSYM] = section(shname[SEC_VERSYM], SHT_GNU_versym, A, off[SEC_VERSYM],
				 len[SEC_VERSYM], SEC_DYNSYM, 0, 2, 2);
	sh[SEC_VERDEF] = section(shname[SEC_VERDEF], SHT_GNU_verdef, A, off[SEC_VERDEF],
				 len[SEC_VERDEF], SEC_DYNSTR, 2, 8, 0);
	sh[SEC_DYNAMIC] = section(shname[SEC_DYNAMIC], SHT_DYNAMIC, A, off[SEC_DYNAMIC],
				  len[SEC_DYNAMIC], SEC_DYNSTR, 0, 8, sizeof(Elf64_Dyn));
	sh[SEC_TEXT] = section(shname[SEC_TEXT], SHT_PROGBITS, A | SHF_EXECINSTR, off[SEC_TEXT],
			       len[SEC_TEXT], 0, 0, 16, 0);
	sh[SEC_SHSTRTAB] = section(shname[SEC_SHSTRTAB], SHT_STRTAB, 0, off[SEC_SHSTRTAB],
				   len[SEC_SHSTRTAB], 0, 0, 1, 0);
	sh[SEC_SHSTRTAB].sh_addr = 0; /* not loaded */
	img_put(&m, sh, sizeof(sh));
	uint64_t end = m.pos;
	if (m.overflow || tm.overflow)
		return -1; /* cannot happen: the tables are fixed and small */

	Elf64_Phdr ph[2] = {
	    {PT_LOAD, PF_R | PF_X, 0, 0, 0, end, end, 4096},
	    {PT_DYNAMIC, PF_R, off[SEC_DYNAMIC], off[SEC_DYNAMIC], off[SEC_DYNAMIC],
	     len[SEC_DYNAMIC], len[SEC_DYNAMIC], 8},
	};
	Elf64_Ehdr eh = {
	    .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT,
			ELFOSABI_NONE},
	    .e_type = ET_DYN,
	    .e_machine = EM_RISCV,
	    .e_version = EV_CURRENT,
	    .e_entry = off[SEC_TEXT],
	    .e_phoff = sizeof(Elf64_Ehdr),
	    .e_shoff = shoff,
	    .e_flags = 0x5, /* EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE: lp64d */
	    .e_ehsize = sizeof(Elf64_Ehdr),
	    .e_phentsize = sizeof(Elf64_Phdr),
	    .e_phnum = 2,
	    .e_shentsize = sizeof(Elf64_Shdr),
	    .e_shnum = NSECS,
	    .e_shstrndx = SEC_SHSTRTAB,
	};
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), ph, sizeof(ph));

	v->image = buf;
	v->len = VDSO_SIZE;
	v->sigreturn = off[SEC_TEXT] + value[0];
	return 0;
}
