/* hash_table.c - a chained hash table of 20000 malloc'ed string keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct node {
	char *key;
	int val;
	struct node *next;
};
static struct node *tab[1024];
static unsigned hash(const char *s)
{
	unsigned h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}
int main(void)
{
	char k[32];
	for (int i = 0; i < 20000; i++) {
		snprintf(k, sizeof(k), "key-%d", i * 7);
		struct node *n = malloc(sizeof(*n));
		n->key = strdup(k);
		n->val = i;
		n->next = tab[hash(k) % 1024];
		tab[hash(k) % 1024] = n;
	}
	long found = 0, sum = 0;
	for (int i = 0; i < 40000; i++) {
		snprintf(k, sizeof(k), "key-%d", i);
		for (struct node *n = tab[hash(k) % 1024]; n; n = n->next)
			if (!strcmp(n->key, k)) {
				found++;
				sum += n->val;
			}
	}
	printf("found %ld sum %ld\n", found, sum);
	return 0;
}
