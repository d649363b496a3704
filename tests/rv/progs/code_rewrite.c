/* code_rewrite.c - a function written into a RWX page is called, then
 * rewritten in place and called again after fence.i (riscv64; the host
 * build needs no fence): the new code runs.  Then the page is unmapped and
 * new code mapped at the same address runs too. */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__riscv)
#define LI_RET(v)                                                                                  \
	{                                                                                          \
		0x13, 0x05, (unsigned char)((v) << 4), (unsigned char)((v) >> 4), 0x67, 0x80,      \
		    0x00, 0x00                                                                     \
	}
#define SYNC() __asm__ volatile("fence.i" ::: "memory")
#else
#define LI_RET(v)                                                                                  \
	{                                                                                          \
		0xb8, (unsigned char)(v), 0, 0, 0, 0xc3                                            \
	}
#define SYNC() __asm__ volatile("" ::: "memory")
#endif

static int call(unsigned char *p)
{
	return ((int (*)(void))p)();
}

int main(void)
{
	int prot = PROT_READ | PROT_WRITE | PROT_EXEC;
	unsigned char *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char a[] = LI_RET(1), b[] = LI_RET(2), c[] = LI_RET(3);
	memcpy(p + 64, a, sizeof(a));
	SYNC();
	int first = call(p + 64);
	memcpy(p + 64, b, sizeof(b));
	SYNC();
	int second = call(p + 64);
	munmap(p, 4096);
	unsigned char *q = mmap(p, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	memcpy(q + 64, c, sizeof(c));
	SYNC();
	printf("first %d, rewritten %d, remapped %d (same address %d)\n", first, second,
	       call(q + 64), p == q);
	return 0;
}
