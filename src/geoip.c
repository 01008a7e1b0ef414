/* geoip.c: offline country and AS lookups in the user's MaxMind DB (.mmdb) files (libmaxminddb). */
#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <maxminddb.h>

#include "geoip.h"
#include "xmalloc.h"

struct geoip {
	MMDB_s country, asn;
	int have_country, have_asn;
};

/* Appends one message to warn[0..len), after "; " when it already holds one. */
__attribute__((format(printf, 3, 4))) static void
warn_add(char *warn, size_t len, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (warn == NULL || len == 0)
		return;
	used = strnlen(warn, len);
	if (used >= len - 1)
		return;
	if (used > 0) {
		snprintf(warn + used, len - used, "; ");
		used = strnlen(warn, len);
		if (used >= len - 1)
			return;
	}
	va_start(ap, fmt);
	vsnprintf(warn + used, len - used, fmt, ap);
	va_end(ap);
}

/* 1 when name is PREFIX*.mmdb. */
static int
matches(const char *name, const char *prefix)
{
	size_t n = strlen(name), p = strlen(prefix);

	return n >= p + 5 && strncmp(name, prefix, p) == 0 && strcmp(name + n - 5, ".mmdb") == 0;
}

/* Opens dir/name into db; returns 0, or -1 with the reason added to warn. */
static int
try_open(MMDB_s *db, const char *dir, const char *name, char *warn, size_t warnlen)
{
	char path[PATH_MAX];
	int status;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		warn_add(warn, warnlen, "%s/%s: path too long", dir, name);
		return -1;
	}
	errno = 0;
	status = MMDB_open(path, MMDB_MODE_MMAP, db);
	if (status == MMDB_SUCCESS)
		return 0;
	warn_add(warn, warnlen, "%s: %s", path,
	         status == MMDB_IO_ERROR && errno != 0 ? strerror(errno) : MMDB_strerror(status));
	return -1;
}

/*
 * Opens into db the first of the files names[0..n) (in name order) that is
 * one of exact[] (in that order), else that matches one of prefixes[] (in
 * that order). A file that fails to open is said in warn and the next one is
 * tried. Returns 0 when one opened, -1 when none did.
 */
static int
open_first(MMDB_s *db, const char *dir, struct dirent **names, int n, const char *const *exact,
           const char *const *prefixes, char *warn, size_t warnlen)
{
	size_t k;
	int i;

	for (k = 0; exact[k] != NULL; k++)
		for (i = 0; i < n; i++)
			if (strcmp(names[i]->d_name, exact[k]) == 0 &&
			    try_open(db, dir, names[i]->d_name, warn, warnlen) == 0)
				return 0;
	for (k = 0; prefixes[k] != NULL; k++)
		for (i = 0; i < n; i++)
			if (matches(names[i]->d_name, prefixes[k]) &&
			    try_open(db, dir, names[i]->d_name, warn, warnlen) == 0)
				return 0;
	return -1;
}

struct geoip *
geoip_open(const char *dir, char *warn, size_t warnlen)
{
	static const char *const cexact[] = {"GeoLite2-Country.mmdb", "GeoLite2-City.mmdb", NULL};
	static const char *const cpre[] = {"dbip-country", "dbip-city", NULL};
	static const char *const aexact[] = {"GeoLite2-ASN.mmdb", NULL};
	static const char *const apre[] = {"dbip-asn", NULL};
	struct dirent **names = NULL;
	struct geoip *g;
	int n, i;

	if (warn != NULL && warnlen > 0)
		warn[0] = '\0';
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		warn_add(warn, warnlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	g = xcalloc(1, sizeof(*g));
	g->have_country = open_first(&g->country, dir, names, n, cexact, cpre, warn, warnlen) == 0;
	if (!g->have_country)
		warn_add(warn, warnlen,
		         "%s: no usable country database (GeoLite2-Country.mmdb, "
		         "GeoLite2-City.mmdb or dbip-country*.mmdb)",
		         dir);
	g->have_asn = open_first(&g->asn, dir, names, n, aexact, apre, warn, warnlen) == 0;
	if (!g->have_asn)
		warn_add(warn, warnlen,
		         "%s: no usable ASN database (GeoLite2-ASN.mmdb or dbip-asn*.mmdb)", dir);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!g->have_country && !g->have_asn) {
		free(g);
		return NULL;
	}
	return g;
}

void
geoip_close(struct geoip *g)
{
	if (g == NULL)
		return;
	if (g->have_country)
		MMDB_close(&g->country);
	if (g->have_asn)
		MMDB_close(&g->asn);
	free(g);
}

int
geoip_has_country(const struct geoip *g)
{
	return g != NULL && g->have_country;
}

int
geoip_has_asn(const struct geoip *g)
{
	return g != NULL && g->have_asn;
}

/*
 * Looks the address of sa up in db into *res. Returns 1 found, 0 not found
 * (also an IPv6 address in an IPv4-only database), -1 on an error.
 */
static int
find(const MMDB_s *db, const struct sockaddr *sa, MMDB_lookup_result_s *res)
{
	int err = MMDB_SUCCESS;

	*res = MMDB_lookup_sockaddr(db, sa, &err);
	if (err == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
		return 0;
	if (err != MMDB_SUCCESS)
		return -1;
	return res->found_entry ? 1 : 0;
}

/* Two ASCII capitals of the entry's country (or registered country), else "". */
static void
get_country(MMDB_entry_s *e, char out[3])
{
	static const char *const maps[] = {"country", "registered_country"};
	MMDB_entry_data_s d;
	size_t i;

	out[0] = '\0';
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		if (MMDB_get_value(e, &d, maps[i], "iso_code", NULL) != MMDB_SUCCESS ||
		    !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2)
			continue;
		if (d.utf8_string[0] < 'A' || d.utf8_string[0] > 'Z' || d.utf8_string[1] < 'A' ||
		    d.utf8_string[1] > 'Z')
			continue;
		out[0] = d.utf8_string[0];
		out[1] = d.utf8_string[1];
		out[2] = '\0';
		return;
	}
}

/* Copies s[0..n) into out[GEOIP_ORG_MAX]: cut at a character boundary, controls as '?'. */
static void
copy_org(char *out, const char *s, size_t n)
{
	size_t i;

	if (n > GEOIP_ORG_MAX - 1) {
		n = GEOIP_ORG_MAX - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
}

static void
get_asn(MMDB_entry_s *e, struct geoip_info *out)
{
	MMDB_entry_data_s d;

	if (MMDB_get_value(e, &d, "autonomous_system_number", NULL) == MMDB_SUCCESS && d.has_data) {
		if (d.type == MMDB_DATA_TYPE_UINT32)
			out->asn = d.uint32;
		else if (d.type == MMDB_DATA_TYPE_UINT16)
			out->asn = d.uint16;
		else if (d.type == MMDB_DATA_TYPE_UINT64 && d.uint64 <= UINT32_MAX)
			out->asn = (uint32_t)d.uint64;
		else if (d.type == MMDB_DATA_TYPE_INT32 && d.int32 > 0)
			out->asn = (uint32_t)d.int32;
	}
	if (MMDB_get_value(e, &d, "autonomous_system_organization", NULL) == MMDB_SUCCESS &&
	    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING)
		copy_org(out->org, d.utf8_string, d.data_size);
}

int
geoip_lookup(const struct geoip *g, const struct addr *a, struct geoip_info *out)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	struct sockaddr_storage ss;
	MMDB_lookup_result_s res;
	int found = 0, r;

	memset(out, 0, sizeof(*out));
	if (g == NULL || a == NULL || (a->af != 4 && a->af != 6))
		return 0;
	memset(&ss, 0, sizeof(ss));
	if (a->af == 4 || memcmp(a->a, mapped, sizeof(mapped)) == 0) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->af == 4 ? a->a : a->a + 12, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->a, 16);
	}
	if (g->have_country) {
		if ((r = find(&g->country, (const struct sockaddr *)&ss, &res)) < 0)
			return -1;
		if (r == 1) {
			get_country(&res.entry, out->country);
			found |= out->country[0] != '\0';
		}
	}
	if (g->have_asn) {
		if ((r = find(&g->asn, (const struct sockaddr *)&ss, &res)) < 0) {
			memset(out, 0, sizeof(*out));
			return -1;
		}
		if (r == 1) {
			get_asn(&res.entry, out);
			found |= out->asn != 0 || out->org[0] != '\0';
		}
	}
	return found;
}
