/* fuzz_conf.c: libFuzzer target over the configuration parser and its writer (a round trip). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* c written as INI text into a malloc'ed string (*n bytes); aborts when the writer fails. */
static char *
written(const struct conf *c, size_t *n)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, n);

	if (f == NULL || conf_write(c, f) != 0 || fclose(f) != 0)
		abort();
	return text;
}

/*
 * Any text either loads or is refused with a message; a configuration that
 * loads is written out, and that text must load again and write out the
 * same (conf_write.h: "loading the output gives the same configuration").
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c, again;
	char err[512], *text, *w1, *w2;
	size_t n1, n2;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (conf_load_string(text, "fuzz.conf", &c, err, sizeof(err)) != 0) {
		if (err[0] == '\0') /* a refusal always says why */
			abort();
		free(text);
		return 0;
	}
	w1 = written(&c, &n1);
	if (conf_load_string(w1, "written.conf", &again, err, sizeof(err)) != 0) {
		fprintf(stderr, "the written configuration does not load: %s\n%s", err, w1);
		abort();
	}
	w2 = written(&again, &n2);
	if (n1 != n2 || memcmp(w1, w2, n1) != 0) {
		fprintf(stderr, "written twice, differs:\n%s\n----\n%s", w1, w2);
		abort();
	}
	free(w1);
	free(w2);
	conf_free(&again);
	conf_free(&c);
	free(text);
	return 0;
}
