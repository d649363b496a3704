/*
 * exec_gadget.h - where a process that `exec PATH` started makes its
 * system calls: the first `syscall` instruction (bytes 0f 05) in the code
 * that would run first -- the interpreter's executable segments for a
 * program with PT_INTERP, else the program's own.
 *
 * The Linux backend's server cannot run code of its own in a process it
 * exec'd (tools/linux/tracee.c): it makes that process's system calls by
 * pointing its instruction pointer at such an instruction and letting it
 * execute that one instruction.  Fetching it faults the page in (with
 * fault-around), so both backends fetch it at the end of a successful
 * `exec PATH` (docs/SCRIPTS.md): the mmkit backend (backend_mmkit.c) with
 * mmk_fetch at the same address, found here in the same way.
 *
 * Header-only, since the server and the mmkit command share no object
 * files; only pread(2) on a file the caller opened, into the caller's
 * buffer (the server never allocates), and openat2(RESOLVE_IN_ROOT): the
 * paths are resolved as exec resolves them beneath the run directory, as
 * a chroot would.
 */
#ifndef MMKIT_EXEC_GADGET_H
#define MMKIT_EXEC_GADGET_H

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend.h"

/*
 * The operations of a process that runs a program which the Linux backend
 * makes by executing the gadget (injected calls, and the accesses, which
 * the process's kernel makes in injected calls).  Each one first fetches
 * the gadget, as that CPU does: if the script unmapped it, made it
 * non-executable or a guard region, the operation's result is that fetch's
 * signal, on both backends, and the operation does not happen.
 */
static inline int gadget_op(int code)
{
	switch (code) {
	case BK_MMAP:
	case BK_MUNMAP:
	case BK_MPROTECT:
	case BK_MREMAP:
	case BK_MSYNC:
	case BK_MADVISE:
	case BK_MLOCK:
	case BK_MUNLOCK:
	case BK_MLOCKALL:
	case BK_MUNLOCKALL:
	case BK_BRK:
	case BK_LOAD:
	case BK_STORE:
	case BK_FILL:
	case BK_TOUCH:
	case BK_CLOSE:
	case BK_DUP:
		return 1;
	default:
		return 0;
	}
}

/* Where the gadget lies: at vaddr (a p_vaddr of its file) plus the load
 * bias of the interpreter (in_interp) or of the program. */
struct exec_gadget {
	int in_interp;
	uint64_t vaddr;
	uint64_t entry; /* the program's e_entry (its bias is AT_ENTRY - entry) */
};

/* Opens path beneath dirfd as a chroot there resolves it: fd or -errno. */
static inline int gadget_open(int dirfd, const char *path)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_CLOEXEC;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* Reads the ELF header and program header i of fd; 0, or -ENOEXEC for
 * anything exec would not take as an x86-64 ELF file. */
static inline int gadget_phdr(int fd, Elf64_Ehdr *eh, int i, Elf64_Phdr *ph)
{
	if (pread(fd, eh, sizeof(*eh), 0) != (ssize_t)sizeof(*eh) ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64 || eh->e_phentsize != sizeof(*ph))
		return -ENOEXEC;
	if (i < 0)
		return 0;
	if (pread(fd, ph, sizeof(*ph), (off_t)(eh->e_phoff + (uint64_t)i * sizeof(*ph))) !=
	    (ssize_t)sizeof(*ph))
		return -ENOEXEC;
	return 0;
}

/* The program's PT_INTERP path into buf (cap bytes): 1, 0 if it has none,
 * or -ENOEXEC. */
static inline int gadget_interp(int fd, char *buf, size_t cap, uint64_t *entry)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int err = gadget_phdr(fd, &eh, -1, &ph);

	if (err)
		return err;
	*entry = eh.e_entry;
	for (int i = 0; i < eh.e_phnum; i++) {
		if ((err = gadget_phdr(fd, &eh, i, &ph)) != 0)
			return err;
		if (ph.p_type != PT_INTERP)
			continue;
		if (ph.p_filesz < 2 || ph.p_filesz > cap ||
		    pread(fd, buf, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz ||
		    buf[ph.p_filesz - 1] != '\0')
			return -ENOEXEC;
		return 1;
	}
	return 0;
}

/* The first 0f 05 in fd's executable PT_LOAD bytes, scanned through buf
 * (cap >= 2 bytes): 0 with *vaddr, -ENOENT if there is none, -ENOEXEC. */
static inline int gadget_scan(int fd, unsigned char *buf, size_t cap, uint64_t *vaddr)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int err = gadget_phdr(fd, &eh, -1, &ph);

	for (int i = 0; !err && i < eh.e_phnum; i++) {
		if ((err = gadget_phdr(fd, &eh, i, &ph)) != 0)
			break;
		if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		for (uint64_t off = 0; off + 1 < ph.p_filesz;) {
			size_t n = ph.p_filesz - off < cap ? (size_t)(ph.p_filesz - off) : cap;
			ssize_t got = pread(fd, buf, n, (off_t)(ph.p_offset + off));

			if (got < 2)
				return -ENOEXEC;
			for (ssize_t k = 0; k + 1 < got; k++) {
				if (buf[k] == 0x0f && buf[k + 1] == 0x05) {
					*vaddr = ph.p_vaddr + off + (uint64_t)k;
					return 0;
				}
			}
			off += (uint64_t)got - 1; /* a pair may straddle two reads */
		}
	}
	return err ? err : -ENOENT;
}

/*
 * Finds the gadget of the program at path (beneath dirfd, as exec resolves
 * it), scanning through buf.  0 with *g; -ENOEXEC for an ELF program whose
 * code that runs first holds no `syscall` instruction (no backend can
 * make that process's calls: `exec PATH` refuses it before it changes
 * anything), and so is a `#!` script; 1 when the file is not one this can
 * judge (missing, unreadable, not ELF, a broken interpreter): exec itself
 * then says why, or the caller refuses it if exec succeeds after all.
 */
static inline int exec_gadget_find(int dirfd, const char *path, unsigned char *buf, size_t cap,
				   struct exec_gadget *g)
{
	char interp[256];
	int fd = gadget_open(dirfd, path), ifd, r;

	char magic[2];

	if (fd < 0)
		return 1;
	if (pread(fd, magic, 2, 0) == 2 && magic[0] == '#' && magic[1] == '!') {
		close(fd); /* its interpreter would be found only by running it */
		return -ENOEXEC;
	}
	memset(g, 0, sizeof(*g));
	r = gadget_interp(fd, interp, sizeof(interp), &g->entry);
	if (r == 0) {
		r = gadget_scan(fd, buf, cap, &g->vaddr);
	} else if (r == 1) {
		g->in_interp = 1;
		ifd = gadget_open(dirfd, interp);
		r = ifd < 0 ? -ENOEXEC : gadget_scan(ifd, buf, cap, &g->vaddr);
		if (ifd >= 0)
			close(ifd);
	}
	close(fd);
	if (r == -ENOENT)
		return -ENOEXEC;
	return r < 0 ? 1 : 0;
}

#endif
