/*
 * policy_clock.c - a page-replacement policy written by a user of the
 * library (struct mmk_policy_ops, include/mmkit.h): the second-chance
 * clock.  The listed frames form a ring; an access sets a frame's
 * reference bit; to find a victim the hand sweeps the ring, clearing set
 * bits and taking the first frame whose bit was clear.  A new frame joins
 * the ring just behind the hand (where the victim was).
 *
 * The program replays a reference string through one process under it:
 *     policy_clock FRAMES < PAGES
 * PAGES is one page number per line (page N is address 0x10000000 + N *
 * 4096, written to).  It prints "faults F pages P": F the page faults of
 * the clock with FRAMES frames (first touches plus major faults), P the
 * distinct pages.  tests/replay.sh checks F against a textbook clock.
 * Build: cc policy_clock.c $(pkg-config --cflags --libs mmkit)
 */
#include <mmkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAXFRAMES 65536

/* The ring: a doubly linked circle of frame numbers; 0 ends nothing (the
 * zero page is frame 0 and never listed). */
struct clock {
	uint32_t next[MAXFRAMES], prev[MAXFRAMES];
	unsigned char referenced[MAXFRAMES], in_ring[MAXFRAMES];
	uint32_t hand; /* 0: the ring is empty */
};

static void clock_listed(void *arg, uint32_t f, int anon)
{
	struct clock *c = arg;
	(void)anon;
	if (f >= MAXFRAMES || c->in_ring[f])
		return;
	c->in_ring[f] = 1;
	c->referenced[f] = 0;
	if (!c->hand) {
		c->hand = c->next[f] = c->prev[f] = f;
		return;
	}
	/* just behind the hand: the last the hand reaches */
	uint32_t h = c->hand, p = c->prev[h];
	c->next[p] = f;
	c->prev[f] = p;
	c->next[f] = h;
	c->prev[h] = f;
}

static void clock_unlisted(void *arg, uint32_t f)
{
	struct clock *c = arg;
	if (f >= MAXFRAMES || !c->in_ring[f])
		return;
	c->in_ring[f] = 0;
	if (c->next[f] == f) {
		c->hand = 0;
		return;
	}
	c->next[c->prev[f]] = c->next[f];
	c->prev[c->next[f]] = c->prev[f];
	if (c->hand == f)
		c->hand = c->next[f];
}

static void clock_accessed(void *arg, uint32_t f)
{
	struct clock *c = arg;
	if (f < MAXFRAMES)
		c->referenced[f] = 1;
}

static uint32_t clock_victim(void *arg, int anon_ok)
{
	struct clock *c = arg;
	(void)anon_ok; /* every page here is anonymous; the caller checks */
	if (!c->hand)
		return 0;
	while (c->referenced[c->hand]) {
		c->referenced[c->hand] = 0;
		c->hand = c->next[c->hand];
	}
	uint32_t victim = c->hand;
	c->hand = c->next[victim];
	return victim;
}

static const struct mmk_policy_ops clock_ops = {
    .name = "second-chance",
    .listed = clock_listed,
    .unlisted = clock_unlisted,
    .accessed = clock_accessed,
    .victim = clock_victim,
};

int main(int argc, char **argv)
{
	long frames = argc > 1 ? atol(argv[1]) : 0;
	if (frames < 1 || frames >= MAXFRAMES - 1) {
		fprintf(stderr, "usage: policy_clock FRAMES < PAGES (FRAMES 1..%d)\n",
			MAXFRAMES - 2);
		return 2;
	}
	size_t n = 0, cap = 1024, npages = 0;
	uint64_t *refs = malloc(cap * sizeof(*refs)), maxpage = 0;
	unsigned long long v;
	while (refs && scanf("%llu", &v) == 1) {
		if (n == cap)
			refs = realloc(refs, (cap *= 2) * sizeof(*refs));
		if (refs)
			refs[n++] = v;
		maxpage = v > maxpage ? v : maxpage;
	}
	if (!refs || !n || maxpage >= 1 << 20) {
		fprintf(stderr, "policy_clock: want page numbers below 1048576 on stdin\n");
		return 2;
	}
	unsigned char *seen = calloc(maxpage + 1, 1);
	for (size_t i = 0; seen && i < n; i++) {
		npages += !seen[refs[i]];
		seen[refs[i]] = 1;
	}

	char root[] = "/tmp/policy-clock-XXXXXX";
	struct clock *c = calloc(1, sizeof(*c));
	if (!seen || !c || !mkdtemp(root))
		return 1;
	struct mmk_config cfg = {
	    .root = root,
	    .ram_bytes = (uint64_t)(frames + 1) * 4096, /* and frame 0, the zero page */
	    .swap_bytes = (uint64_t)(maxpage + 3) * 4096,
	    .overcommit_memory = MMK_OVERCOMMIT_ALWAYS,
	    .textbook_reclaim = 1, /* one page evicted per fault that finds no frame */
	    .policy_ops = &clock_ops,
	    .policy_arg = c,
	};
	mmk_system *sys;
	mmk_proc *p;
	int err = mmk_system_create(&cfg, &sys);
	if (err || mmk_spawn(sys, &p) < 0) {
		fprintf(stderr, "policy_clock: cannot create the system (%d)\n", err);
		return 1;
	}
	const uint64_t base = 0x10000000;
	if (mmk_mmap(p, base, (maxpage + 1) * 4096, MMK_PROT_READ | MMK_PROT_WRITE,
		     MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS | MMK_MAP_FIXED, -1, 0) < 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		struct mmk_siginfo si;
		if (mmk_touch(p, base + refs[i] * 4096, 1, 1, &si)) {
			fprintf(stderr, "policy_clock: reference %zu failed\n", i + 1);
			return 1;
		}
	}
	struct mmk_fault_counts fc;
	mmk_proc_faults(p, &fc);
	printf("faults %llu pages %zu\n", (unsigned long long)(npages + fc.major), npages);
	mmk_system_destroy(sys);
	rmdir(root);
	free(c);
	free(seen);
	free(refs);
	return 0;
}
