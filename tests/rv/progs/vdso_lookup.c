/* vdso_lookup: the vDSO is an ELF shared object at getauxval(AT_SYSINFO_EHDR)
 * whose dynamic symbol table (found through PT_DYNAMIC, DT_SYMTAB, DT_STRTAB
 * and DT_HASH or DT_GNU_HASH) exports a versioned __vdso_clock_gettime and
 * __vdso_gettimeofday that work, and libc's clock_gettime and gettimeofday
 * agree with them.  Prints only facts that hold on every Linux (x86-64's
 * vDSO exports the same two names, in version LINUX_2.6; riscv64's in
 * LINUX_4.15). */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

static uintptr_t bias;
static const Elf64_Sym *symtab;
static const char *strtab;
static const Elf64_Half *versym;
static const Elf64_Verdef *verdef;
static uint32_t nsyms;

/* How many symbols a DT_GNU_HASH table covers: past the highest bucket's
 * chain end. */
static uint32_t gnu_hash_count(const uint32_t *h)
{
	uint32_t nbuckets = h[0], symoffset = h[1], bloom = h[2];
	const uint32_t *buckets = h + 4 + bloom * 2, *chain = buckets + nbuckets;
	uint32_t last = 0;
	for (uint32_t i = 0; i < nbuckets; i++)
		if (buckets[i] > last)
			last = buckets[i];
	if (last < symoffset)
		return symoffset;
	while (!(chain[last - symoffset] & 1))
		last++;
	return last + 1;
}

/* The name of the version of symbol i (NULL if none). */
static const char *version_of(uint32_t i)
{
	if (!versym || !verdef)
		return NULL;
	int ndx = versym[i] & 0x7fff;
	for (const Elf64_Verdef *d = verdef;; d = (const void *)((const char *)d + d->vd_next)) {
		if (d->vd_ndx == ndx) {
			const Elf64_Verdaux *a = (const void *)((const char *)d + d->vd_aux);
			return strtab + a->vda_name;
		}
		if (!d->vd_next)
			return NULL;
	}
}

static void *lookup(const char *name, const char **version)
{
	for (uint32_t i = 1; i < nsyms; i++) {
		const Elf64_Sym *s = &symtab[i];
		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
			continue;
		if (strcmp(strtab + s->st_name, name))
			continue;
		*version = version_of(i);
		return (void *)(bias + s->st_value);
	}
	return NULL;
}

int main(void)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	printf("AT_SYSINFO_EHDR present: %s\n", base ? "yes" : "no");
	if (!base)
		return 1;
	const Elf64_Ehdr *eh = (const void *)base;
	printf("ELF magic: %s\n", memcmp(eh->e_ident, ELFMAG, SELFMAG) ? "no" : "yes");
	printf("class 64, little-endian: %s\n",
	       eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_ident[EI_DATA] == ELFDATA2LSB ? "yes"
											  : "no");
	printf("type ET_DYN: %s\n", eh->e_type == ET_DYN ? "yes" : "no");
	const Elf64_Phdr *ph = (const void *)(base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	int loads = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && loads++ == 0)
			bias = base + ph[i].p_offset - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)(base + ph[i].p_offset);
	}
	printf("one PT_LOAD: %s\n", loads == 1 ? "yes" : "no");
	printf("PT_DYNAMIC: %s\n", dyn ? "yes" : "no");
	if (!dyn || !loads)
		return 1;
	const uint32_t *hash = NULL, *gnu_hash = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		void *p = (void *)(bias + dyn->d_un.d_ptr);
		switch (dyn->d_tag) {
		case DT_SYMTAB:
			symtab = p;
			break;
		case DT_STRTAB:
			strtab = p;
			break;
		case DT_HASH:
			hash = p;
			break;
		case DT_GNU_HASH:
			gnu_hash = p;
			break;
		case DT_VERSYM:
			versym = p;
			break;
		case DT_VERDEF:
			verdef = p;
			break;
		}
	}
	printf("DT_SYMTAB, DT_STRTAB and a hash table: %s\n",
	       symtab && strtab && (hash || gnu_hash) ? "yes" : "no");
	if (!symtab || !strtab || !(hash || gnu_hash))
		return 1;
	nsyms = hash ? hash[1] : gnu_hash_count(gnu_hash);
	const char *v1 = NULL, *v2 = NULL;
	int (*vgettime)(clockid_t, struct timespec *) = lookup("__vdso_clock_gettime", &v1);
	int (*vgettod)(struct timeval *, void *) = lookup("__vdso_gettimeofday", &v2);
	printf("__vdso_clock_gettime: %s, version LINUX_*: %s\n", vgettime ? "found" : "missing",
	       v1 && !strncmp(v1, "LINUX_", 6) ? "yes" : "no");
	printf("__vdso_gettimeofday: %s, version LINUX_*: %s\n", vgettod ? "found" : "missing",
	       v2 && !strncmp(v2, "LINUX_", 6) ? "yes" : "no");
	if (!vgettime || !vgettod)
		return 1;

	struct timespec a, b, c;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int r = vgettime(CLOCK_MONOTONIC, &b);
	clock_gettime(CLOCK_MONOTONIC, &c);
	printf("__vdso_clock_gettime(CLOCK_MONOTONIC): %d, between two clock_gettime: %s\n", r,
	       (b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)) &&
		       (c.tv_sec > b.tv_sec || (c.tv_sec == b.tv_sec && c.tv_nsec >= b.tv_nsec))
		   ? "yes"
		   : "no");
	r = vgettime(12345, &b);
	printf("__vdso_clock_gettime(bad clock) fails: %s\n", r != 0 ? "yes" : "no");

	struct timeval tv;
	struct timespec rt;
	r = vgettod(&tv, NULL);
	clock_gettime(CLOCK_REALTIME, &rt);
	long long d = (long long)rt.tv_sec - tv.tv_sec;
	printf("__vdso_gettimeofday: %d, within a second of CLOCK_REALTIME: %s\n", r,
	       d >= 0 && d <= 1 ? "yes" : "no");
	gettimeofday(&tv, NULL);
	printf("gettimeofday after 2020: %s\n", tv.tv_sec > 1577836800 ? "yes" : "no");
	return 0;
}
