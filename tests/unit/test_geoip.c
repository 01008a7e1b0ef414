/* test_geoip.c: geoip.c over small .mmdb files written by MaxMind::DB::Writer (Perl). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "geoip.h"
#include "t.h"

/* Writes dir/GeoLite2-Country.mmdb and dir/GeoLite2-ASN.mmdb (ARGV[0] is dir). */
static const char mkdb_pl[] =
    "use strict; use warnings;\n"
    "use MaxMind::DB::Writer::Tree;\n"
    "my $dir = shift;\n"
    "my %types = (country => 'map', iso_code => 'utf8_string',\n"
    "  autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string');\n"
    "sub tree { MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 24,\n"
    "  database_type => $_[0], languages => ['en'], description => { en => $_[0] },\n"
    "  map_key_type_callback => sub { $types{ $_[0] } }, alias_ipv6_to_ipv4 => 1,\n"
    "  remove_reserved_networks => 0) }\n"
    "sub out { open my $f, '>:raw', \"$dir/$_[1]\" or die \"$_[1]: $!\";\n"
    "  $_[0]->write_tree($f); close $f or die }\n"
    "my $c = tree('GeoLite2-Country');\n"
    "$c->insert_network('203.0.113.0/24', { country => { iso_code => 'NL' } });\n"
    "$c->insert_network('2001:db8::/32', { country => { iso_code => 'DE' } });\n"
    "out($c, 'GeoLite2-Country.mmdb');\n"
    "my $a = tree('GeoLite2-ASN');\n"
    "$a->insert_network('203.0.113.0/24', { autonomous_system_number => 64500,\n"
    "  autonomous_system_organization => 'Example Hosting' });\n"
    "$a->insert_network('2001:db8::/32', { autonomous_system_number => 64501,\n"
    "  autonomous_system_organization => \"Evil \\x01\\x1b[31m \\\"Org\\\" \" . ('x' x 300) "
    "});\n"
    "$a->insert_network('192.0.2.0/24', { autonomous_system_number => 64502,\n"
    "  autonomous_system_organization => \"\\x{e9}\" x 100 });\n"
    "out($a, 'GeoLite2-ASN.mmdb');\n";

static char top[256]; /* the scratch directory: top/db holds the databases */

static void
path(char *buf, size_t len, const char *sub)
{
	snprintf(buf, len, "%s/%s", top, sub);
}

/* Copies file from to to; returns 0 or -1. */
static int
copy(const char *from, const char *to)
{
	char buf[4096];
	size_t n;
	FILE *in = fopen(from, "rb"), *out;
	int ret = 0;

	if (in == NULL)
		return -1;
	if ((out = fopen(to, "wb")) == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ret = -1;
	if (ferror(in))
		ret = -1;
	fclose(in);
	if (fclose(out) != 0)
		ret = -1;
	return ret;
}

/* Writes n bytes of a fixed pseudo-random sequence to file; returns 0 or -1. */
static int
garbage(const char *file, size_t n)
{
	FILE *f = fopen(file, "wb");
	uint32_t x = 0x9e3779b9u;
	size_t i;

	if (f == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		if (fputc((int)(x >> 24), f) == EOF)
			break;
	}
	return fclose(f) == 0 && i == n ? 0 : -1;
}

/* Makes top/sub (a directory); returns 0 or -1. */
static int
subdir(const char *sub)
{
	char p[512];

	path(p, sizeof(p), sub);
	return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static struct geoip *
open_sub(const char *sub, char *warn, size_t len)
{
	char p[512];

	path(p, sizeof(p), sub);
	return geoip_open(p, warn, len);
}

static int
look(const struct geoip *g, const char *ip, struct geoip_info *gi)
{
	struct addr a;

	if (addr_parse(ip, strlen(ip), &a) != 0) {
		memset(gi, 0, sizeof(*gi));
		return -2;
	}
	return geoip_lookup(g, &a, gi);
}

T(open_both)
{
	char warn[512];
	struct geoip *g = open_sub("db", warn, sizeof(warn));

	CHECK(g != NULL);
	CHECK_STR(warn, "");
	CHECK(geoip_has_country(g));
	CHECK(geoip_has_asn(g));
	geoip_close(g);
}

T(ipv4)
{
	char warn[512];
	struct geoip *g = open_sub("db", warn, sizeof(warn));
	struct geoip_info gi;

	CHECK_INT(look(g, "203.0.113.7", &gi), 1);
	CHECK_STR(gi.country, "NL");
	CHECK_INT(gi.asn, 64500);
	CHECK_STR(gi.org, "Example Hosting");
	/* a miss: everything empty */
	CHECK_INT(look(g, "198.51.100.9", &gi), 0);
	CHECK_STR(gi.country, "");
	CHECK_INT(gi.asn, 0);
	CHECK_STR(gi.org, "");
	/* in the ASN database only */
	CHECK_INT(look(g, "192.0.2.1", &gi), 1);
	CHECK_STR(gi.country, "");
	CHECK_INT(gi.asn, 64502);
	geoip_close(g);
}

T(ipv6)
{
	char warn[512];
	struct geoip *g = open_sub("db", warn, sizeof(warn));
	struct geoip_info gi;

	CHECK_INT(look(g, "2001:db8::5", &gi), 1);
	CHECK_STR(gi.country, "DE");
	CHECK_INT(gi.asn, 64501);
	CHECK_INT(look(g, "2001:db9::1", &gi), 0);
	CHECK_STR(gi.country, "");
	CHECK_INT(gi.asn, 0);
	geoip_close(g);
}

T(ipv4_mapped)
{
	char warn[512];
	struct geoip *g = open_sub("db", warn, sizeof(warn));
	struct geoip_info gi;
	struct addr a;

	/* as parsed (stored as IPv4) */
	CHECK_INT(look(g, "::ffff:203.0.113.7", &gi), 1);
	CHECK_STR(gi.country, "NL");
	CHECK_INT(gi.asn, 64500);
	/* built by hand as IPv6 ::ffff:203.0.113.7: looked up as IPv4 */
	memset(&a, 0, sizeof(a));
	a.af = 6;
	a.a[10] = a.a[11] = 0xff;
	a.a[12] = 203;
	a.a[13] = 0;
	a.a[14] = 113;
	a.a[15] = 7;
	CHECK_INT(geoip_lookup(g, &a, &gi), 1);
	CHECK_STR(gi.country, "NL");
	a.a[12] = 198;
	a.a[13] = 51;
	a.a[14] = 100;
	CHECK_INT(geoip_lookup(g, &a, &gi), 0);
	/* no address, no handle */
	memset(&a, 0, sizeof(a));
	CHECK_INT(geoip_lookup(g, &a, &gi), 0);
	CHECK_INT(look(NULL, "203.0.113.7", &gi), 0);
	CHECK_STR(gi.country, "");
	geoip_close(g);
}

T(org_bounded)
{
	char warn[512];
	struct geoip *g = open_sub("db", warn, sizeof(warn));
	struct geoip_info gi;
	size_t i, n;

	CHECK_INT(look(g, "2001:db8::1", &gi), 1);
	n = strnlen(gi.org, sizeof(gi.org));
	CHECK(n == GEOIP_ORG_MAX - 1);
	for (i = 0; i < n; i++)
		if ((unsigned char)gi.org[i] < 0x20 || gi.org[i] == 0x7f)
			T_FAIL("control byte 0x%02x at %zu", (unsigned char)gi.org[i], i);
	CHECK(strncmp(gi.org, "Evil ??[31m \"Org\" xxx", 21) == 0);
	/* two-byte characters: cut on a character boundary */
	CHECK_INT(look(g, "192.0.2.9", &gi), 1);
	n = strlen(gi.org);
	CHECK(n < GEOIP_ORG_MAX && n % 2 == 0 && n >= GEOIP_ORG_MAX - 2);
	for (i = 0; i + 1 < n; i += 2)
		if ((unsigned char)gi.org[i] != 0xc3 || (unsigned char)gi.org[i + 1] != 0xa9)
			T_FAIL("org byte %zu is not U+00E9", i);
	geoip_close(g);
}

T(corrupt)
{
	char warn[512], p[512], q[512];
	struct geoip *g;

	/* nothing usable: NULL and the file named */
	CHECK_INT(subdir("bad"), 0);
	path(p, sizeof(p), "bad/GeoLite2-Country.mmdb");
	CHECK_INT(garbage(p, 8192), 0);
	g = open_sub("bad", warn, sizeof(warn));
	CHECK(g == NULL);
	CHECK(strstr(warn, "GeoLite2-Country.mmdb: ") != NULL);
	CHECK(strstr(warn, "no usable ASN database") != NULL);
	/* a corrupt country database, a good ASN one: that part only */
	path(p, sizeof(p), "db/GeoLite2-ASN.mmdb");
	path(q, sizeof(q), "bad/GeoLite2-ASN.mmdb");
	CHECK_INT(copy(p, q), 0);
	g = open_sub("bad", warn, sizeof(warn));
	CHECK(g != NULL);
	CHECK(!geoip_has_country(g));
	CHECK(geoip_has_asn(g));
	CHECK(strstr(warn, "GeoLite2-Country.mmdb: ") != NULL);
	CHECK(strstr(warn, "no usable country database") != NULL);
	geoip_close(g);
	/* an empty file too */
	path(p, sizeof(p), "bad/GeoLite2-Country.mmdb");
	CHECK_INT(garbage(p, 0), 0);
	g = open_sub("bad", warn, sizeof(warn));
	CHECK(g != NULL && !geoip_has_country(g));
	geoip_close(g);
	/* a short warn buffer stays terminated */
	g = open_sub("bad", warn, 8);
	CHECK(strlen(warn) == 7);
	geoip_close(g);
}

T(missing)
{
	char warn[512];
	struct geoip *g = open_sub("no-such-dir", warn, sizeof(warn));

	CHECK(g == NULL);
	CHECK(strstr(warn, "no-such-dir: No such file or directory") != NULL);
	CHECK_INT(subdir("empty"), 0);
	g = open_sub("empty", warn, sizeof(warn));
	CHECK(g == NULL);
	CHECK(strstr(warn, "no usable country database") != NULL);
	CHECK(strstr(warn, "no usable ASN database") != NULL);
	geoip_close(NULL);
}

T(dbip_names)
{
	char warn[512], p[512], q[512];
	struct geoip *g;
	struct geoip_info gi;

	CHECK_INT(subdir("dbip"), 0);
	path(p, sizeof(p), "db/GeoLite2-Country.mmdb");
	path(q, sizeof(q), "dbip/dbip-country-lite-2024-05.mmdb");
	CHECK_INT(copy(p, q), 0);
	path(p, sizeof(p), "db/GeoLite2-ASN.mmdb");
	path(q, sizeof(q), "dbip/dbip-asn-lite-2024-05.mmdb");
	CHECK_INT(copy(p, q), 0);
	g = open_sub("dbip", warn, sizeof(warn));
	CHECK(g != NULL);
	CHECK_STR(warn, "");
	CHECK_INT(look(g, "203.0.113.1", &gi), 1);
	CHECK_STR(gi.country, "NL");
	CHECK_INT(gi.asn, 64500);
	geoip_close(g);
}

int
main(void)
{
	char script[512], cmd[2048], log[512], line[256] = "";
	const char *out = getenv("OUT");
	FILE *f;
	int rc;

	snprintf(top, sizeof(top), "%s/test_geoip.XXXXXX", out && *out ? out : "/tmp");
	if (mkdtemp(top) == NULL) {
		perror(top);
		return 1;
	}
	path(script, sizeof(script), "mkdb.pl");
	path(log, sizeof(log), "mkdb.log");
	if ((f = fopen(script, "w")) == NULL || fputs(mkdb_pl, f) == EOF || fclose(f) != 0) {
		perror(script);
		return 1;
	}
	if (subdir("db") != 0) {
		perror("mkdir");
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "perl '%s' '%s/db' >'%s' 2>&1", script, top, log);
	rc = system(cmd);
	if (rc != 0) {
		if ((f = fopen(log, "r")) != NULL) {
			if (fgets(line, sizeof(line), f) == NULL)
				line[0] = '\0';
			fclose(f);
		}
		line[strcspn(line, "\n")] = '\0';
		printf("skip: cannot write .mmdb files with MaxMind::DB::Writer::Tree "
		       "(Debian: libmaxmind-db-writer-perl): %s\n",
		       line);
		return 77;
	}
	T_RUN(open_both);
	T_RUN(ipv4);
	T_RUN(ipv6);
	T_RUN(ipv4_mapped);
	T_RUN(org_bounded);
	T_RUN(corrupt);
	T_RUN(missing);
	T_RUN(dbip_names);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		printf("note: could not remove %s\n", top);
	return T_END();
}
