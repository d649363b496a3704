/* bigint.c - 128-bit products, 64-bit division and remainder of signed and
 * unsigned values, including the edge cases C defines. */
#include <stdint.h>
#include <stdio.h>
int main(void)
{
	unsigned __int128 p = (unsigned __int128)0xfedcba9876543210ull * 0x123456789abcdefull;
	printf("%016llx%016llx\n", (unsigned long long)(p >> 64), (unsigned long long)p);
	__int128 q = (__int128)-0x7edcba9876543210ll * 0x123456789abcdefll;
	printf("%lld %llu\n", (long long)(q >> 64), (unsigned long long)q);
	volatile int64_t x = -1000000007, y = 97;
	printf("%lld %lld %llu %llu\n", (long long)(x / y), (long long)(x % y),
	       (unsigned long long)((uint64_t)x / (uint64_t)y),
	       (unsigned long long)((uint64_t)x % 1000));
	volatile int32_t a = -7, b = 2;
	printf("%d %d %u\n", a / b, a % b, (uint32_t)a >> 3);
	uint64_t acc = 0;
	for (uint64_t i = 1; i < 100000; i++)
		acc += (acc ^ i) % i + i / 7;
	printf("acc %llu\n", (unsigned long long)acc);
	return 0;
}
