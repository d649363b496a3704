/*
 * binfmt.h - what exec's steps share (binfmt_elf.c, binfmt_script.c):
 * struct bprm, Linux's linux_binprm -- the file being loaded, the argv and
 * envp strings laid out as they will lie below STACK_TOP, and the ELF
 * headers read so far.  One exec owns its bprm; nothing here is shared
 * between threads.
 */
#ifndef MMK_BINFMT_H
#define MMK_BINFMT_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

#define BINPRM_BUF_SIZE 256 /* the bytes of a file every handler looks at */

enum exstack { EXSTACK_DEFAULT, EXSTACK_DISABLE_X, EXSTACK_ENABLE_X };

/* One ELF file being loaded: its open file, header and program headers. */
struct elf_image {
	struct mmk_file *file;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph; /* eh.e_phnum entries */
};

/* Everything exec carries from step to step (Linux's linux_binprm). */
struct bprm {
	struct mmk_proc *p;
	const struct arch_profile *arch;
	const char *filename; /* AT_EXECFN's string */
	char *interp_name;    /* bprm->interp: the name a #! script is known by
				 to its interpreter (the file name, then each
				 interpreter's); owned */
	uint64_t stack_top;
	uint64_t argc, envc;
	/* the strings, as they lie in [pos, stack_top) */
	char *strings;
	uint64_t pos;	 /* bprm->p: the lowest string */
	uint64_t argmin; /* pos may not go below it (bprm_stack_limits) */
	struct elf_image exe, interp;
	bool has_interp;
	enum exstack exstack;
};

/* The string area's byte at address a (in [argmin, stack_top)). */
char *bprm_string_at(struct bprm *b, uint64_t a);
/* copy_string_kernel(): puts s below b->pos; -E2BIG past the limits. */
int bprm_push_string(struct bprm *b, const char *s);

/* binfmt_script.c: script_match() says whether a file's first bytes (buf)
 * are "#!"; load_script() then rewrites argv and replaces b->exe.file by
 * the interpreter's.  0 or -errno.  binfmt_elf.c reaches both through its
 * formats table. */
bool script_match(const unsigned char *buf);
int load_script(struct bprm *b, unsigned char *buf);

#endif
