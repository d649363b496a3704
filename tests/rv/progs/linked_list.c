/* linked_list.c - build, reverse and free a 100000-node list. */
#include <stdio.h>
#include <stdlib.h>
struct n {
	long v;
	struct n *next;
};
int main(void)
{
	struct n *h = NULL;
	for (long i = 0; i < 100000; i++) {
		struct n *x = malloc(sizeof(*x));
		x->v = i * i % 1009;
		x->next = h;
		h = x;
	}
	struct n *r = NULL;
	while (h) {
		struct n *nx = h->next;
		h->next = r;
		r = h;
		h = nx;
	}
	long s = 0, i = 0;
	while (r) {
		struct n *nx = r->next;
		s += r->v * (i++ % 7);
		free(r);
		r = nx;
	}
	printf("sum %ld\n", s);
	return 0;
}
