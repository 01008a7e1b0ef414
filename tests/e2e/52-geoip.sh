#!/bin/sh
# 52-geoip: `authwatch report --geoip DIR`: country and AS columns in text, JSON, CSV and HTML;
# the daemon's `geoip =`: the same for the top offenders of `status` and in `bans`.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp geoip)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
trap cleanup EXIT INT TERM
export TZ=UTC
command -v perl >/dev/null 2>&1 || skip "no perl (the test writes its .mmdb files with it)"

# two small databases: 203.0.113.0/24 NL AS64500, 2001:db8::/32 DE AS64501 (a hostile name)
mkdir -p "$d/db"
cat >"$d/mkdb.pl" <<'PL'
use strict; use warnings;
use MaxMind::DB::Writer::Tree;
my $dir = shift;
my %types = (country => 'map', iso_code => 'utf8_string',
  autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string');
sub tree { MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 24,
  database_type => $_[0], languages => ['en'], description => { en => $_[0] },
  map_key_type_callback => sub { $types{ $_[0] } }, alias_ipv6_to_ipv4 => 1,
  remove_reserved_networks => 0) }
sub out { open my $f, '>:raw', "$dir/$_[1]" or die "$_[1]: $!"; $_[0]->write_tree($f); close $f or die }
my $c = tree('GeoLite2-Country');
$c->insert_network('203.0.113.0/24', { country => { iso_code => 'NL' } });
$c->insert_network('2001:db8::/32', { country => { iso_code => 'DE' } });
out($c, 'GeoLite2-Country.mmdb');
my $a = tree('GeoLite2-ASN');
$a->insert_network('203.0.113.0/24', { autonomous_system_number => 64500,
  autonomous_system_organization => 'Example Hosting' });
$a->insert_network('2001:db8::/32', { autonomous_system_number => 64501,
  autonomous_system_organization => "Bad, \"<b>Org</b>\"\x1b[31m\nnext" });
out($a, 'GeoLite2-ASN.mmdb');
PL
perl "$d/mkdb.pl" "$d/db" >"$d/mkdb.log" 2>&1 ||
	skip "cannot write .mmdb files with MaxMind::DB::Writer::Tree (libmaxmind-db-writer-perl): $(head -n 1 "$d/mkdb.log")"

cat >"$d/auth.log" <<'LOG'
May 31 07:30:00 nimbus sshd[901]: Invalid user admin from 203.0.113.7 port 4242
May 31 07:30:01 nimbus sshd[901]: Failed password for invalid user admin from 203.0.113.7 port 4242 ssh2
May 31 07:30:03 nimbus sshd[901]: Failed password for invalid user admin from 203.0.113.7 port 4242 ssh2
May 31 07:31:00 nimbus sshd[902]: Invalid user test from 203.0.113.8 port 4243
May 31 07:31:01 nimbus sshd[902]: Failed password for invalid user test from 203.0.113.8 port 4243 ssh2
May 31 07:32:00 nimbus sshd[903]: Invalid user oracle from 2001:db8::5 port 4244
May 31 07:32:01 nimbus sshd[903]: Failed password for invalid user oracle from 2001:db8::5 port 4244 ssh2
May 31 07:33:00 nimbus sshd[904]: Invalid user pi from 198.51.100.9 port 4245
May 31 07:33:01 nimbus sshd[904]: Failed password for invalid user pi from 198.51.100.9 port 4245 ssh2
LOG
L="$d/auth.log"
A="$AUTHWATCH"

# --- text
"$A" report --color never --geoip "$d/db" "$L" >"$d/out.txt" 2>"$d/err.txt" || fail "text exit $?"
[ -s "$d/err.txt" ] && fail "warnings with good databases: $(cat "$d/err.txt")"
grep -q '^  address  *country  *asn  *attempts' "$d/out.txt" || fail "text: no country/asn header"
grep -q '^  203\.0\.113\.7  *NL  *AS64500 Example Hosting  *2 ' "$d/out.txt" || fail "text: 203.0.113.7 row"
grep -q '^  2001:db8::5  *DE  *AS64501 ' "$d/out.txt" || fail "text: 2001:db8::5 row"
grep -q '^  198\.51\.100\.9  *-  *-  *1 ' "$d/out.txt" || fail "text: the unknown address"
LC_ALL=C grep -q "$(printf '\033')" "$d/out.txt" && fail "text: an escape byte from the database reached the terminal"

# --- JSON: the fields with --geoip, absent without
"$A" report --format json --geoip "$d/db" "$L" >"$d/out.json" || fail "json exit $?"
"$A" report --format json "$L" >"$d/plain.json" || fail "json (no geoip) exit $?"
python3 - "$d/out.json" "$d/plain.json" <<'PY' || fail "json checks"
import json, sys
items = {i["src_ip"]: i for i in json.load(open(sys.argv[1]))["attackers"]["items"]}
a = items["203.0.113.7"]
assert (a["country"], a["asn"], a["as_org"]) == ("NL", 64500, "Example Hosting"), a
b = items["2001:db8::5"]
assert (b["country"], b["asn"]) == ("DE", 64501), b
assert b["as_org"].startswith('Bad, "<b>Org</b>"') and "\x1b" not in b["as_org"] and "\n" not in b["as_org"], b
c = items["198.51.100.9"]
assert c["country"] is None and c["asn"] is None and c["as_org"] is None, c
for i in json.load(open(sys.argv[2]))["attackers"]["items"]:
    assert not ({"country", "asn", "as_org"} & set(i)), i
PY

# --- CSV: three more columns, rectangular; unchanged without --geoip
"$A" report --format csv --section attackers --geoip "$d/db" "$L" >"$d/att.csv" || fail "csv exit $?"
"$A" report --format csv --section attackers "$L" >"$d/plain.csv" || fail "csv (no geoip) exit $?"
python3 - "$d/att.csv" "$d/plain.csv" <<'PY' || fail "csv checks"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
h = rows[0]
assert h[:4] == ["src_ip", "country", "asn", "as_org"], h
assert all(len(r) == len(h) for r in rows), [len(r) for r in rows]
by = {r[0]: r for r in rows[1:]}
assert by["203.0.113.7"][1:4] == ["NL", "64500", "Example Hosting"], by["203.0.113.7"]
assert by["2001:db8::5"][1:3] == ["DE", "64501"] and by["2001:db8::5"][3].startswith('Bad, "<b>Org')
assert by["198.51.100.9"][1:4] == ["", "", ""]
plain = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
assert plain[0] == ["src_ip", "attempts", "connections", "logins", "users", "users_more",
                    "first", "last", "f2b_bans"], plain[0]
assert [[r[0]] + r[4:] for r in rows[1:]] == plain[1:], "the other columns changed"
PY
"$A" report --format csv -o "$d/csvdir" --geoip "$d/db" "$L" || fail "csv dir exit $?"
cmp -s "$d/att.csv" "$d/csvdir/attackers.csv" || fail "csv: -o DIR and --section differ"

# --- HTML: the columns (the organisation escaped) and the per-country figure
"$A" report --format html --geoip "$d/db" "$L" >"$d/out.html" || fail "html exit $?"
python3 - "$d/out.html" <<'PY' || fail "html checks"
import sys
doc = open(sys.argv[1], encoding="utf-8").read()
assert "<th>country</th><th>asn</th><th>organisation</th>" in doc, "columns"
assert "<td>NL</td><td>AS64500</td><td class=\"u\">Example Hosting</td>" in doc, "NL row"
assert "<b>Org" not in doc and "&lt;b&gt;Org" in doc, "organisation not escaped"
assert "\x1b" not in doc
assert 'id="fig-countries"' in doc, "country figure"
PY
"$A" report --format html "$L" >"$d/plain.html" || fail "html (no geoip) exit $?"
grep -q 'fig-countries\|<th>country</th>' "$d/plain.html" && fail "html: geoip parts without --geoip"

# --- a corrupt database: a warning, the report without those columns, exit 0
mkdir -p "$d/bad"
head -c 4096 /dev/urandom >"$d/bad/GeoLite2-Country.mmdb"
"$A" report --color never --geoip "$d/bad" "$L" >"$d/bad.txt" 2>"$d/bad.err" || fail "corrupt: exit $?"
grep -q 'GeoLite2-Country.mmdb' "$d/bad.err" || fail "corrupt: no warning: $(cat "$d/bad.err")"
"$A" report --color never "$L" >"$d/plain.txt" || fail "plain text exit $?"
cmp -s "$d/bad.txt" "$d/plain.txt" || fail "corrupt: the report is not the plain one"
# a corrupt country database next to a good ASN one: the asn column only
cp "$d/db/GeoLite2-ASN.mmdb" "$d/bad/"
"$A" report --color never --geoip "$d/bad" "$L" >"$d/half.txt" 2>"$d/half.err" || fail "half: exit $?"
grep -q 'GeoLite2-Country.mmdb' "$d/half.err" || fail "half: no warning"
grep -q '^  address  *asn  *attempts' "$d/half.txt" || fail "half: not the asn column alone"
# a missing directory: a warning, exit 0
"$A" report --geoip "$d/nowhere" "$L" >/dev/null 2>"$d/none.err" || fail "missing dir: exit $?"
grep -q 'nowhere' "$d/none.err" || fail "missing dir: no warning"

# geoip = DIR in the daemon's configuration: the same columns without --geoip
printf '[daemon]\ngeoip = %s\n[sshd]\nsource = /var/log/auth.log\n' "$d/db" >"$d/aw.conf"
"$A" report --color never --config "$d/aw.conf" "$L" >"$d/conf.txt" || fail "--config exit $?"
cmp -s "$d/conf.txt" "$d/out.txt" || fail "geoip = in the config differs from --geoip"
"$A" report --config "$d/missing.conf" "$L" >/dev/null 2>&1
[ $? -eq 78 ] || fail "a missing --config is not a configuration error"

# --- the daemon (dry-run firewall): countries and AS of its top offenders and bans
now_line() { printf '%s h sshd[%s]: Invalid user u from %s port %s\n' "$(date '+%b %e %H:%M:%S')" "$2" "$1" "$2"; }
: >"$d/live.log"
cat >"$d/daemon.conf" <<EOF2
[daemon]
socket   = $d/ctl.sock
database = $d/state.db
firewall = dryrun:$d/decisions.log
geoip    = $d/db
[sshd]
source   = $d/live.log
maxretry = 2
EOF2
"$A" daemon -c "$d/daemon.conf" >"$d/daemon.log" 2>&1 &
pid=$!
wait_for 10 test -S "$d/ctl.sock" || fail "daemon: no start: $(cat "$d/daemon.log")"
grep -q "geoip: " "$d/daemon.log" && fail "daemon: a warning with good databases: $(cat "$d/daemon.log")"
{
	now_line 203.0.113.7 11
	now_line 203.0.113.7 12
	now_line 2001:db8::5 13
	now_line 2001:db8::5 14
	now_line 198.51.100.9 15
	now_line 198.51.100.9 16
} >>"$d/live.log"
wait_for 5 sh -c "[ \$(grep -c ' ban ' '$d/decisions.log' 2>/dev/null) -ge 3 ]" ||
	fail "daemon: not 3 bans: $(cat "$d/decisions.log" "$d/daemon.log" 2>/dev/null)"
"$A" status -s "$d/ctl.sock" --format json >"$d/status.json" || fail "daemon: status json"
"$A" bans -s "$d/ctl.sock" --format json >"$d/bans.json" || fail "daemon: bans json"
python3 - "$d/status.json" "$d/bans.json" <<'PY' || fail "daemon: json checks: $(cat "$d/status.json" "$d/bans.json")"
import json, sys
top = {o["address"]: o for o in json.load(open(sys.argv[1]))["jails"][0]["top_offenders"]}
assert (top["203.0.113.7"]["country"], top["203.0.113.7"]["asn"], top["203.0.113.7"]["as_org"]) == ("NL", 64500, "Example Hosting"), top
v6 = [o for a, o in top.items() if a.startswith("2001:db8")][0]
assert v6["country"] == "DE" and v6["asn"] == 64501, v6
assert v6["as_org"].startswith('Bad, "<b>Org</b>"') and "\x1b" not in v6["as_org"], v6
assert top["198.51.100.9"]["country"] is None and top["198.51.100.9"]["asn"] is None, top
bans = {b["address"]: b for b in json.load(open(sys.argv[2]))}
assert bans["203.0.113.7"]["country"] == "NL" and bans["203.0.113.7"]["asn"] == 64500, bans
PY
"$A" status -s "$d/ctl.sock" >"$d/status.txt" || fail "daemon: status text"
grep -q '^  jail  *address  *country  *asn  *bans$' "$d/status.txt" || fail "daemon: status: no country/asn columns: $(cat "$d/status.txt")"
grep -q '^  sshd  *203\.0\.113\.7/32  *NL  *AS64500 Example Hosting  *1$' "$d/status.txt" || fail "daemon: status: 203.0.113.7 row: $(cat "$d/status.txt")"
"$A" bans -s "$d/ctl.sock" >"$d/bans.txt" || fail "daemon: bans text"
grep -q '^  203\.0\.113\.7/32  *NL  *AS64500 Example Hosting  *sshd ' "$d/bans.txt" || fail "daemon: bans: $(cat "$d/bans.txt")"
LC_ALL=C grep -q "$(printf '\033')" "$d/status.txt" "$d/bans.txt" && fail "daemon: an escape byte from the database reached the terminal"
# a reload to a broken directory: a warning, no countries, still answering
sed -i "s|^geoip .*|geoip    = $d/nowhere|" "$d/daemon.conf"
kill -HUP "$pid"
wait_for 5 grep -q "nowhere" "$d/daemon.log" || fail "daemon: no warning for a missing geoip directory: $(cat "$d/daemon.log")"
wait_for 5 sh -c "! '$A' status -s '$d/ctl.sock' | grep -q country" || fail "daemon: countries after a broken reload"
kill -0 "$pid" || fail "daemon: died on a broken geoip reload"
done_ok
