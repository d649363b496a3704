/*
 * embed.c - an embedder's first twenty lines: create a system whose files
 * live in a directory, start a process, map a file, read it through the
 * mapping after closing the fd, and watch copy-on-write keep a private
 * store out of the file.  Build: cc embed.c $(pkg-config --cflags --libs mmkit)
 */
#include <mmkit.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	struct mmk_config cfg = {.root = argc > 1 ? argv[1] : ".", .ram_bytes = 64 << 20};
	mmk_system *sys;
	mmk_proc *p;
	if (mmk_system_create(&cfg, &sys) < 0 || mmk_spawn(sys, &p) < 0)
		return 1;
	mmk_sys_file_create(sys, "hello.txt", "hello, mmap\n", 12);

	int fd = mmk_open(p, "hello.txt", MMK_O_RDONLY, 0);
	int64_t addr = mmk_mmap(p, 0, 4096, MMK_PROT_READ | MMK_PROT_WRITE, MMK_MAP_PRIVATE, fd, 0);
	mmk_close(p, fd); /* the mapping keeps the file */
	char buf[13] = {0};
	struct mmk_siginfo si;
	mmk_load(p, (uint64_t)addr, buf, 12, &si);
	printf("mapped at %#llx: %s", (unsigned long long)addr, buf);
	mmk_store(p, (uint64_t)addr, "HELLO", 5, &si); /* copy-on-write: the file keeps "hello" */
	mmk_sys_file_read(sys, "hello.txt", 0, buf, 12);
	printf("file still says: %s", buf);

	mmk_exit(p);
	return mmk_system_destroy(sys) < 0;
}
