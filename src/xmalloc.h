/* xmalloc.h: allocation that aborts on out-of-memory (callers never check for NULL). */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

/* Each returns a valid pointer or aborts the program with a message; the caller owns it. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Frees a NULL-terminated array of strings and the array itself; NULL is fine. */
void xfree_strv(char **v);

#endif
