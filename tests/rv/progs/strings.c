/* strings.c - string functions of libc (vectorised-looking loops, memchr,
 * strstr, snprintf), each printing its result. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char buf[256];
	const char *s = "The quick brown fox jumps over the lazy dog";
	printf("len %zu\n", strlen(s));
	printf("strstr %s\n", strstr(s, "fox"));
	printf("strchr %s\n", strchr(s, 'j'));
	printf("strrchr %s\n", strrchr(s, 'o'));
	strcpy(buf, s);
	for (char *p = buf; *p; p++)
		*p = toupper((unsigned char)*p);
	printf("upper %s\n", buf);
	printf("cmp %d %d\n", strcmp("abc", "abd") < 0, strncmp("abcdef", "abcxyz", 3));
	memmove(buf + 4, buf, 20);
	buf[24] = 0;
	printf("memmove %s\n", buf);
	char *tok, *save, list[] = "a,bb,,ccc,dddd";
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		printf("tok %s\n", tok);
	printf("strtol %ld %lx\n", strtol("-12345", NULL, 10), strtoul("deadbeef", NULL, 16));
	snprintf(buf, sizeof(buf), "%5d|%-5s|%08.3f|%x|%c", 42, "ab", 3.14159, 255, 'z');
	printf("snprintf %s\n", buf);
	return 0;
}
