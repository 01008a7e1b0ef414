/* strtab.h: interned strings (user names, hosts, key fingerprints) as small integer ids. */
#ifndef STRTAB_H
#define STRTAB_H

#include <stddef.h>
#include <stdint.h>

/*
 * A string table. Invariant: id 0 is the empty/absent string; ids 1..n are
 * distinct byte strings (any bytes, NUL included) stored in arena blocks that
 * never move, so strtab_get pointers stay valid until strtab_free. The hash
 * is seeded (keys are chosen by attackers): no input can force collisions
 * on a table built with an unknown seed. (SipHash-1-3 keyed by the seed; the
 * ids themselves depend only on the order strings are first interned.)
 */
struct strtab;

/* A new table; seed mixes into the hash (random in use, tests pass a fixed one). Aborts on OOM. */
struct strtab *strtab_new(uint64_t seed);
/* Frees the table and every string in it (NULL is fine). */
void strtab_free(struct strtab *t);
/* The id of s[0..n), adding it if new. n == 0 gives 0. */
uint32_t strtab_intern(struct strtab *t, const char *s, size_t n);
/* The id of s[0..n) if present, else 0 (does not add). */
uint32_t strtab_find(const struct strtab *t, const char *s, size_t n);
/*
 * The bytes of id (NUL-terminated for convenience; *n gets the length unless n
 * is NULL); "" and length 0 for 0 or unknown ids.
 */
const char *strtab_get(const struct strtab *t, uint32_t id, size_t *n);
/* Number of strings (ids 1..count). */
uint32_t strtab_count(const struct strtab *t);
/* Bytes of memory held. */
size_t strtab_mem(const struct strtab *t);

#endif
