/* input.h: turns the FILE arguments into the list of inputs in reading order. */
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>

/* Invariant: paths[0..n) are owned strings, in the order they are to be read. */
struct input_list {
	char **paths;
	size_t n;
};

/*
 * Expands args: glob patterns are expanded (a pattern that matches nothing is
 * kept as it is, so that opening it reports the error); "-" stays "-". Then
 * rotated siblings are put oldest first: for a base name B, "B.N" and "B.N.gz"
 * (and .xz .zst .bz2) by N descending, then "B-YYYYMMDD[.gz]" by date, then B
 * itself; unrelated files keep the order they were given in, each group at the
 * place of its first member. Duplicates are dropped. Returns 0, or -1 on a
 * glob error (message printed).
 */
int input_expand(char *const *args, size_t nargs, struct input_list *out);

/* Frees the list's strings and array. */
void input_list_free(struct input_list *l);

#endif
