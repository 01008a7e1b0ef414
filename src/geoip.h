/* geoip.h: offline country and AS lookups in the user's MaxMind DB (.mmdb) files (libmaxminddb). */
#ifndef GEOIP_H
#define GEOIP_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define GEOIP_ORG_MAX 64 /* bytes of an AS organisation kept, with its NUL */

/* The databases of one directory: a country one, an ASN one, or both. */
struct geoip;

/* What is known of one address; empty fields when a database or the network is missing. */
struct geoip_info {
	char country[3];         /* ISO 3166 alpha-2 ("NL"), or "" */
	uint32_t asn;            /* autonomous system number, or 0 */
	char org[GEOIP_ORG_MAX]; /* AS organisation, or "" (see geoip_lookup) */
};

/*
 * Opens the databases found in directory dir. The country database is the
 * first that opens of GeoLite2-Country.mmdb, GeoLite2-City.mmdb, then
 * dbip-country*.mmdb and dbip-city*.mmdb (in name order); the ASN database the
 * first of GeoLite2-ASN.mmdb, then dbip-asn*.mmdb. A missing, unreadable or
 * corrupt file leaves that part absent and is said in warn (warn[0] is '\0'
 * when there is nothing to say; messages are joined by "; " and cut to
 * warnlen). Returns the handle, or NULL (with the reason in warn) when
 * neither database is usable. The handle is read-only once open.
 */
struct geoip *geoip_open(const char *dir, char *warn, size_t warnlen);

/* Closes every database of g and frees it; NULL is accepted. */
void geoip_close(struct geoip *g);

/* 1 when g has a country database, 0 when not (or g is NULL). */
int geoip_has_country(const struct geoip *g);
/* 1 when g has an ASN database, 0 when not (or g is NULL). */
int geoip_has_asn(const struct geoip *g);

/*
 * Looks address a up (IPv4, IPv6, and IPv4-mapped IPv6 as IPv4). Fills *out
 * (always: empty fields for what is not known). The country is two ASCII
 * capitals or ""; org is the database's text cut at a UTF-8 character
 * boundary to fit GEOIP_ORG_MAX, NUL-terminated, with every control byte
 * (0x00-0x1f, 0x7f) replaced by '?': still data from a file, which the
 * renderers escape like log text. Returns 1 when something was found, 0 when
 * the address is in no network of the databases (or g is NULL, or a has no
 * address), -1 on a lookup error (a corrupt search tree).
 */
int geoip_lookup(const struct geoip *g, const struct addr *a, struct geoip_info *out);

#endif
