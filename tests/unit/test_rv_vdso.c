/*
 * test_rv_vdso.c - the riscv64 vDSO image of `mmkit exec` (tools/rv/vdso.c),
 * read back the way a dynamic loader reads it: from the ELF header to
 * PT_DYNAMIC, then every exported name looked up through DT_HASH's
 * buckets and chains, its version through DT_VERSYM and DT_VERDEF, its
 * code checked instruction by instruction.  The expected values are
 * Linux's and glibc's, not the builder's: the names and version of
 * arch/riscv/kernel/vdso/vdso.lds.S, glibc's hash of "LINUX_4.15"
 * (182943605, its VDSO_HASH for riscv), the riscv64 system call numbers.
 */
#include <elf.h>

#include "../../tools/rv/vdso.c"

#include "t.h"

static struct rv_vdso v;
static const Elf64_Sym *symtab;
static const char *strtab;
static const uint32_t *hash;
static const Elf64_Half *versym;
static const uint8_t *verdef;

static const void *at(uint64_t off)
{
	return v.image + off;
}

/* Reads the dynamic section of the image into the statics: 0 or -1. */
static int load_dynamic(void)
{
	const Elf64_Ehdr *eh = at(0);
	const Elf64_Phdr *ph = at(eh->e_phoff);
	const Elf64_Dyn *d = NULL;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			d = at(ph[i].p_offset);
	if (!d)
		return -1;
	for (; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_SYMTAB:
			symtab = at(d->d_un.d_ptr);
			break;
		case DT_STRTAB:
			strtab = at(d->d_un.d_ptr);
			break;
		case DT_HASH:
			hash = at(d->d_un.d_ptr);
			break;
		case DT_VERSYM:
			versym = at(d->d_un.d_ptr);
			break;
		case DT_VERDEF:
			verdef = at(d->d_un.d_ptr);
			break;
		}
	}
	return symtab && strtab && hash && versym && verdef ? 0 : -1;
}

static uint32_t sysv_hash(const char *s)
{
	uint32_t h = 0, g;
	for (; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		if ((g = h & 0xf0000000u))
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* name's symbol index through the hash table (0: none), as ld.so finds it. */
static uint32_t lookup(const char *name)
{
	uint32_t nbucket = hash[0];
	const uint32_t *bucket = hash + 2, *chain = bucket + nbucket;
	for (uint32_t i = bucket[sysv_hash(name) % nbucket]; i; i = chain[i])
		if (!strcmp(strtab + symtab[i].st_name, name))
			return i;
	return 0;
}

/* The name of version index ndx in DT_VERDEF (NULL: none); *h its hash. */
static const char *version_name(int ndx, uint32_t *h)
{
	for (const uint8_t *p = verdef;;) {
		const Elf64_Verdef *d = (const void *)p;
		if (d->vd_ndx == ndx) {
			const Elf64_Verdaux *a = (const void *)(p + d->vd_aux);
			*h = d->vd_hash;
			return strtab + a->vda_name;
		}
		if (!d->vd_next)
			return NULL;
		p += d->vd_next;
	}
}

TEST(elf_header_and_segments)
{
	CHECK(rv_vdso_build(&v) == 0);
	CHECK_EQ(v.len, 8192); /* two pages, as Linux's riscv64 [vdso] */
	const Elf64_Ehdr *eh = at(0);
	CHECK(!memcmp(eh->e_ident, ELFMAG, SELFMAG));
	CHECK_EQ(eh->e_ident[EI_CLASS], ELFCLASS64);
	CHECK_EQ(eh->e_ident[EI_DATA], ELFDATA2LSB);
	CHECK_EQ(eh->e_type, ET_DYN);
	CHECK_EQ(eh->e_machine, EM_RISCV);
	const Elf64_Phdr *ph = at(eh->e_phoff);
	int loads = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		loads++;
		CHECK_EQ(ph[i].p_offset, 0);
		CHECK_EQ(ph[i].p_vaddr, 0);
		CHECK(ph[i].p_flags == (PF_R | PF_X));
		CHECK(ph[i].p_filesz <= v.len);
		CHECK(eh->e_shoff + eh->e_shnum * sizeof(Elf64_Shdr) <= ph[i].p_filesz);
	}
	CHECK_EQ(loads, 1);
	CHECK(load_dynamic() == 0);
}

TEST(linux_symbols_found_through_the_hash_table_with_version_linux_4_15)
{
	static const char *const names[] = {"__vdso_rt_sigreturn",  "__vdso_gettimeofday",
					    "__vdso_clock_gettime", "__vdso_clock_getres",
					    "__vdso_getcpu",	    "__vdso_flush_icache",
					    "__vdso_riscv_hwprobe"};
	CHECK(rv_vdso_build(&v) == 0 && load_dynamic() == 0);
	const Elf64_Ehdr *eh = at(0);
	const Elf64_Shdr *sh = at(eh->e_shoff);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint32_t s = lookup(names[i]), h = 0;
		CHECK(s != 0);
		const Elf64_Sym *sym = &symtab[s];
		CHECK_EQ(ELF64_ST_BIND(sym->st_info), STB_GLOBAL);
		CHECK_EQ(ELF64_ST_TYPE(sym->st_info), STT_FUNC);
		CHECK(sym->st_shndx != SHN_UNDEF && sym->st_shndx < eh->e_shnum);
		CHECK(sh[sym->st_shndx].sh_flags & SHF_EXECINSTR);
		CHECK(sym->st_value >= sh[sym->st_shndx].sh_addr &&
		      sym->st_value + sym->st_size <=
			  sh[sym->st_shndx].sh_addr + sh[sym->st_shndx].sh_size);
		const char *ver = version_name(versym[s] & 0x7fff, &h);
		CHECK(ver && !strcmp(ver, "LINUX_4.15"));
		CHECK_EQ(h, 182943605u);
	}
	CHECK_EQ(lookup("__vdso_getrandom"), 0);
	CHECK_EQ(lookup("clock_gettime"), 0);
}

/* The code: each function makes its riscv64 system call. */
TEST(functions_make_their_system_calls)
{
	CHECK(rv_vdso_build(&v) == 0 && load_dynamic() == 0);
	static const struct {
		const char *name;
		uint32_t li; /* addi a7, zero, NR */
	} f[] = {{"__vdso_clock_gettime", 0x07100893}, {"__vdso_gettimeofday", 0x0a900893},
		 {"__vdso_clock_getres", 0x07200893},  {"__vdso_getcpu", 0x0a800893},
		 {"__vdso_riscv_hwprobe", 0x10200893}, {"__vdso_flush_icache", 0x10300893}};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const Elf64_Sym *sym = &symtab[lookup(f[i].name)];
		uint32_t code[3];
		memcpy(code, at(sym->st_value), 12);
		CHECK_EQ(code[0], f[i].li);
		CHECK_EQ(code[1], 0x00000073u); /* ecall */
		CHECK_EQ(code[2], 0x00008067u); /* ret */
	}
	/* rt_sigreturn: the two instructions libgcc's unwinder matches, and
	 * where signal.c points a handler's ra */
	const Elf64_Sym *sr = &symtab[lookup("__vdso_rt_sigreturn")];
	uint32_t code[2];
	memcpy(code, at(sr->st_value), 8);
	CHECK_EQ(code[0], 0x08b00893u);
	CHECK_EQ(code[1], 0x00000073u);
	CHECK_EQ(v.sigreturn, sr->st_value);
}

T_MAIN
