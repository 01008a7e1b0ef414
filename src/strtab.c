/* strtab.c: interned strings (user names, hosts, key fingerprints) as small integer ids. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memeq.h"
#include "siphash.h"
#include "strtab.h"
#include "xmalloc.h"

#define BLOCK_SIZE (64 * 1024) /* arena block; a record above BIG gets a block of its own */
#define BIG (BLOCK_SIZE / 4)
#define MIN_SLOTS 64 /* power of two */
#define SHORT 32     /* strings up to this long get the multilinear hash */

/*
 * A string lives in an arena block as a record: a header, then its bytes and
 * a NUL. The record is 8-byte aligned and never moves.
 */
struct rec {
	size_t n;    /* length of the bytes */
	uint32_t id; /* 1.. */
	uint32_t spare;
	/* followed by n bytes and a NUL */
};

struct block {
	struct block *next;
	size_t size; /* bytes allocated, this header included */
};

/* An index slot: the full hash (compared first) and the bytes of a record; p NULL is empty. */
struct slot {
	uint64_t h;
	const char *p;
};

/*
 * Invariant: slots is an open-addressing table (linear probing) of nslots, a
 * power of two, holding count records at most 3/4 full; str[id] (id 1..count)
 * points at the bytes of record id and str[0] at "".
 */
struct strtab {
	uint64_t k0, k1; /* SipHash key (strings longer than SHORT) */
	uint64_t m[10];  /* multilinear multipliers (short strings), from the same seed */
	struct slot *slots;
	size_t nslots;
	const char **str;
	size_t nstr; /* entries allocated in str */
	uint32_t count;
	struct block *blocks; /* newest first; the first is the one being filled */
	char *fill, *end;     /* the free part of the current block */
	size_t mem;
};

static const char empty[1] = "";

static const struct rec *
rec_of(const char *p)
{
	return (const struct rec *)(const void *)(p - sizeof(struct rec));
}

struct strtab *
strtab_new(uint64_t seed)
{
	struct strtab *t = xcalloc(1, sizeof(*t));
	uint64_t k[2 + sizeof(t->m) / sizeof(t->m[0])];

	siphash_seed_words(seed, k, sizeof(k) / sizeof(k[0]));
	t->k0 = k[0];
	t->k1 = k[1];
	memcpy(t->m, k + 2, sizeof(t->m));
	t->nslots = MIN_SLOTS;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	t->nstr = MIN_SLOTS;
	t->str = xreallocarray(NULL, t->nstr, sizeof(*t->str));
	t->str[0] = empty;
	t->mem = sizeof(*t) + t->nslots * sizeof(*t->slots) + t->nstr * sizeof(*t->str);
	return t;
}

void
strtab_free(struct strtab *t)
{
	struct block *b, *next;

	if (t == NULL)
		return;
	for (b = t->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(t->slots);
	free(t->str);
	free(t);
}

/*
 * The hash of s[0..n), n > 0. Most strings are user and host names of a few
 * bytes, interned for many lines: up to SHORT bytes they are read as up to
 * eight 32-bit words (loads that overlap when n is not a multiple, which
 * still covers every byte, so for one n distinct strings give distinct
 * words) and hashed multilinearly with n as one more word (Lemire and Kaser
 * 2014: strongly universal in the top 32 bits, so names an attacker picks
 * without the seed collide with probability 2^-32 per pair); longer ones go
 * through SipHash-1-3. The top half is rotated to the low bits that index
 * the table.
 */
static uint64_t
strhash(const struct strtab *t, const char *s, size_t n)
{
	uint64_t a, b, c = 0, d = 0, h;

	if (n > SHORT)
		return siphash13(t->k0, t->k1, s, n);
	if (n < 4) {
		a = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
		    (uint64_t)(unsigned char)s[n - 1] << 16;
		b = 0;
	} else if (n <= 8) {
		a = mem_ld32(s);
		b = mem_ld32(s + n - 4);
	} else if (n <= 16) {
		a = mem_ld64(s);
		b = mem_ld64(s + n - 8);
	} else {
		a = mem_ld64(s);
		b = mem_ld64(s + 8);
		c = mem_ld64(s + n - 16);
		d = mem_ld64(s + n - 8);
	}
	h = t->m[0] + t->m[1] * n + t->m[2] * (uint32_t)a + t->m[3] * (a >> 32) +
	    t->m[4] * (uint32_t)b + t->m[5] * (b >> 32) + t->m[6] * (uint32_t)c +
	    t->m[7] * (c >> 32) + t->m[8] * (uint32_t)d + t->m[9] * (d >> 32);
	return h >> 32 | h << 32;
}

/* The slot of s[0..n) with hash h: its record, or the empty slot where it would go. */
static struct slot *
lookup(const struct strtab *t, uint64_t h, const char *s, size_t n)
{
	size_t mask = t->nslots - 1, i = (size_t)h & mask;
	struct slot *sl;

	for (;; i = (i + 1) & mask) {
		sl = &t->slots[i];
		if (sl->p == NULL)
			return sl;
		if (sl->h == h && rec_of(sl->p)->n == n && memcmp(sl->p, s, n) == 0)
			return sl;
	}
}

/* Doubles the index, moving every slot by its stored hash. */
static void
grow(struct strtab *t)
{
	struct slot *old = t->slots;
	size_t i, nold = t->nslots, mask;

	if (nold > SIZE_MAX / 2 / sizeof(*old)) {
		fprintf(stderr, "authwatch: out of memory (string index)\n");
		abort();
	}
	t->nslots = nold * 2;
	mask = t->nslots - 1;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	t->mem += nold * sizeof(*old); /* the new index is twice the old one */
	for (i = 0; i < nold; i++) {
		size_t j;

		if (old[i].p == NULL)
			continue;
		for (j = (size_t)old[i].h & mask; t->slots[j].p != NULL; j = (j + 1) & mask)
			;
		t->slots[j] = old[i];
	}
	free(old);
}

/* Room for a record of need bytes (8-byte aligned) in the arena. */
static char *
arena_alloc(struct strtab *t, size_t need)
{
	struct block *b;
	char *p;

	if (t->fill != NULL && (size_t)(t->end - t->fill) >= need) {
		p = t->fill;
		t->fill += need;
		return p;
	}
	if (need > SIZE_MAX - sizeof(*b)) {
		fprintf(stderr, "authwatch: out of memory (string of %zu bytes)\n", need);
		abort();
	}
	if (need > BIG) {
		/* a block of its own, behind the current one, which stays open */
		b = xmalloc(sizeof(*b) + need);
		b->size = sizeof(*b) + need;
		if (t->blocks != NULL) {
			b->next = t->blocks->next;
			t->blocks->next = b;
		} else {
			b->next = NULL;
			t->blocks = b;
		}
		t->mem += b->size;
		return (char *)(b + 1);
	}
	b = xmalloc(BLOCK_SIZE);
	b->size = BLOCK_SIZE;
	b->next = t->blocks;
	t->blocks = b;
	t->mem += BLOCK_SIZE;
	t->fill = (char *)(b + 1);
	t->end = (char *)b + BLOCK_SIZE;
	p = t->fill;
	t->fill += need;
	return p;
}

/* Copies s[0..n) into the arena as string id; returns its bytes. */
static const char *
store(struct strtab *t, const char *s, size_t n, uint32_t id)
{
	struct rec *r;
	size_t need;
	char *p;

	if (n > SIZE_MAX - sizeof(*r) - 8) {
		fprintf(stderr, "authwatch: out of memory (string of %zu bytes)\n", n);
		abort();
	}
	need = (sizeof(*r) + n + 1 + 7) & ~(size_t)7;
	r = (struct rec *)(void *)arena_alloc(t, need);
	r->n = n;
	r->id = id;
	r->spare = 0;
	p = (char *)(r + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

uint32_t
strtab_intern(struct strtab *t, const char *s, size_t n)
{
	struct slot *sl;
	uint64_t h;
	uint32_t id;

	if (n == 0)
		return 0;
	h = strhash(t, s, n);
	sl = lookup(t, h, s, n);
	if (sl->p != NULL)
		return rec_of(sl->p)->id;
	if (t->count == UINT32_MAX - 1) {
		fprintf(stderr, "authwatch: string table full\n");
		abort();
	}
	if (((size_t)t->count + 1) * 4 > t->nslots * 3) {
		grow(t);
		sl = lookup(t, h, s, n);
	}
	id = ++t->count;
	if (id >= t->nstr) {
		t->str = xreallocarray(t->str, t->nstr, 2 * sizeof(*t->str));
		t->mem += t->nstr * sizeof(*t->str);
		t->nstr *= 2;
	}
	sl->h = h;
	sl->p = t->str[id] = store(t, s, n, id);
	return id;
}

uint32_t
strtab_find(const struct strtab *t, const char *s, size_t n)
{
	const struct slot *sl;

	if (n == 0)
		return 0;
	sl = lookup(t, strhash(t, s, n), s, n);
	return sl->p != NULL ? rec_of(sl->p)->id : 0;
}

const char *
strtab_get(const struct strtab *t, uint32_t id, size_t *n)
{
	const char *p;

	if (id == 0 || id > t->count) {
		if (n != NULL)
			*n = 0;
		return empty;
	}
	p = t->str[id];
	if (n != NULL)
		*n = rec_of(p)->n;
	return p;
}

uint32_t
strtab_count(const struct strtab *t)
{
	return t->count;
}

size_t
strtab_mem(const struct strtab *t)
{
	return t->mem;
}
