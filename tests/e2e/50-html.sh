#!/bin/sh
# 50-html: `authwatch report --format html`: a strict parse, then the page in headless Chromium.
set -u
. "$(dirname "$0")/lib.sh"
d=$(mktmp html)
export TZ=UTC
F="$TOP/tests/fixtures"
cp "$F/ec2-hour.log" "$F/ec2-fail2ban.log" "$d/"
# logins and sessions, and user names chosen to break a page: markup, quotes, an escape, bad UTF-8
cat >"$d/crafted.log" <<'LOG'
May 31 07:10:00 nimbus sshd[2001]: Accepted publickey for alice from 192.0.2.10 port 50000 ssh2: ED25519 SHA256:Q2hlY2sgdGhlIGZpbmdlcnByaW50IGJlZm9yZSB0cnVzdA
May 31 07:10:00 nimbus sshd[2001]: pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)
May 31 07:30:00 nimbus sshd[999]: Invalid user <script>alert(1)</script> from 192.0.2.66 port 4242
May 31 07:30:05 nimbus sshd[998]: Invalid user a"b'c&d from 192.0.2.67 port 4243
May 31 07:35:00 nimbus sshd[2002]: Accepted password for root from 203.0.113.50 port 50001 ssh2
May 31 07:35:00 nimbus sshd[2002]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)
May 31 07:40:00 nimbus sshd[2001]: Received disconnect from 192.0.2.10 port 50000:11: disconnected by user
May 31 07:40:00 nimbus sshd[2001]: pam_unix(sshd:session): session closed for user alice
LOG
printf 'May 31 07:31:00 nimbus sshd[997]: Invalid user x\033[31m\377\376y from 192.0.2.68 port 4244\n' >>"$d/crafted.log"
touch -d '2021-05-31 12:00:00 UTC' "$d/ec2-hour.log" "$d/ec2-fail2ban.log" "$d/crafted.log"
logs="$d/ec2-hour.log $d/ec2-fail2ban.log $d/crafted.log"

# shellcheck disable=SC2086
"$AUTHWATCH" report --format html --top 30 -o "$d/report.html" $logs || fail "report exit $?"
# shellcheck disable=SC2086
"$AUTHWATCH" report --format html --top 30 $logs >"$d/stdout.html" || fail "stdout exit $?"
cmp -s "$d/report.html" "$d/stdout.html" || fail "-o FILE and stdout differ"
"$AUTHWATCH" report --format htm "$d/crafted.log" >/dev/null 2>&1 && fail "--format htm accepted"

# --- the file itself: well formed, no URL, every section and figure, the script's hash in the CSP
python3 - "$d/report.html" <<'PY' || fail "static checks"
import base64, hashlib, re, sys
from html.parser import HTMLParser

raw = open(sys.argv[1], "rb").read()
doc = raw.decode("utf-8")  # strict: invalid UTF-8 raises
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}

class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.scripts, self.text = [], [], 0, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        for k, v in attrs:
            assert not k.startswith("on"), ("event handler attribute", k)
            if k in ("href", "src", "action", "xlink:href"):
                assert k == "href" and v.startswith("#"), (k, v)
        if tag == "script":
            self.scripts += 1
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        assert "svg" in self.stack, ("self-closed outside svg", tag)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, ("mismatched", tag, self.stack[-3:])
        self.stack.pop()
    def handle_data(self, data):
        if self.stack and self.stack[-1] not in ("script", "style"):
            self.text.append(data)

c = Check()
c.feed(doc)
c.close()
assert c.stack == [], c.stack
assert c.scripts == 1, c.scripts
for s in ["overview", "actions", "logins", "sessions", "attackers", "usernames", "timeline",
          "alerts", "sftp", "fail2ban", "fig-actions", "fig-timeline", "fig-heatmap",
          "fig-attackers", "fig-usernames", "fig-sessions"]:
    assert c.ids.count(s) == 1, s
assert len(set(c.ids)) == len(c.ids), "duplicate ids"
text = "".join(c.text)
assert "<script>alert(1)</script>" in text, "the crafted name is not shown as text"
assert "a\"b'c&d" in text
assert "x\\x1b[31m\ufffd\ufffdy" in text, "escape and invalid UTF-8"
for bad in ("http:", "https:", "url(", "@import", "//"):
    assert bad not in doc, bad
assert "\x1b" not in doc
m = re.search(r"<script>(.*?)</script>", doc, re.S)
want = base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode()
csp = re.search(r"script-src 'sha256-([A-Za-z0-9+/=]+)'", doc)
assert csp and csp.group(1) == want, "SCRIPT_SHA256 in render_html.c should be " + want
print("static checks ok, %d bytes" % len(raw))
PY

# --- headless Chromium: the DOM it builds, its console, its network
chrome=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chrome" ] || skip "chromium not installed (scripts/deps.sh test installs it)"
# resolve no host name at all; a private profile; no extensions, sync or updates
run_chrome() {
	timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--no-first-run --disable-extensions --disable-sync --disable-component-update \
		--host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$d/profile" "$@"
}
# Requests a page made (not the browser's own background ones, whose initiator is "not an
# origin"): one line each; exit 0 when there are none.
page_requests() {
	python3 - "$1" <<'PY'
import json, sys
try:
    log = json.load(open(sys.argv[1]))
except ValueError:  # cut short: close it as Chromium does at exit
    txt = open(sys.argv[1]).read().rstrip().rstrip(",")
    log = json.loads(txt + "]}")
types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
bad = []
for e in log["events"]:
    p = e.get("params") or {}
    if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p:
        if p.get("initiator") != "not an origin" or "file:" in p.get("network_isolation_key", ""):
            bad.append(p["url"])
for u in bad:
    print("request:", u)
sys.exit(1 if bad else 0)
PY
}

run_chrome --enable-logging=stderr --v=0 --log-net-log="$d/net.json" --dump-dom \
	"file://$d/report.html" >"$d/dom.html" 2>"$d/chrome.log"
rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$d/dom.html" ]; then
	skip "chromium did not run (exit $rc): $(grep -v dbus "$d/chrome.log" | tail -n 1)"
fi
if grep -E "Uncaught|Refused to|Content Security Policy|SyntaxError" "$d/chrome.log"; then
	fail "script error or blocked load in the console"
fi
page_requests "$d/net.json" || fail "the page made a network request"

# the check above must see a request when one is made: a page that loads an image
printf '<!DOCTYPE html><html><body><img src="http://canary.invalid/x.png"></body></html>\n' \
	>"$d/canary.html"
run_chrome --log-net-log="$d/canary-net.json" --dump-dom "file://$d/canary.html" \
	>/dev/null 2>&1
page_requests "$d/canary-net.json" >/dev/null && fail "the network check misses a page's request"

python3 - "$d/dom.html" <<'PY' || fail "DOM checks"
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.ids, self.html_class, self.text, self.in_td = {}, set(), "", [], 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.html_class = a.get("class") or ""
        if tag == "td":
            self.in_td += 1
        if tag == "script":
            assert not self.in_td, "a script element inside a table cell"
    def handle_endtag(self, tag):
        if tag == "td":
            self.in_td -= 1
    def handle_data(self, data):
        self.text.append(data)

p = Dom()
p.feed(open(sys.argv[1], encoding="utf-8").read())
assert p.tags.get("script") == 1, ("script elements", p.tags.get("script"))
assert "js" in p.html_class.split(), "the sorting script did not run (CSP hash?)"
for s in ["overview", "actions", "logins", "sessions", "attackers", "usernames", "timeline",
          "alerts", "sftp", "fail2ban"]:
    assert s in p.ids, s
for f in ["fig-actions", "fig-timeline", "fig-heatmap", "fig-attackers", "fig-usernames",
          "fig-sessions"]:
    assert f in p.ids, f
assert p.tags.get("svg", 0) == 6, p.tags.get("svg")
assert p.tags.get("rect", 0) > 7 * 24, p.tags.get("rect")
text = "".join(p.text)
assert "<script>alert(1)</script>" in text
assert "Repeat offenders" in text and "209.141.36.197" in text
print("DOM ok:", {k: p.tags[k] for k in ("svg", "rect", "table", "tr")})
PY

# --- screenshots, desktop and phone width (look at them: tests/e2e writes them here)
run_chrome --hide-scrollbars --window-size=1280,3000 --screenshot="$d/report.png" \
	"file://$d/report.html" >/dev/null 2>&1 || fail "screenshot"
run_chrome --hide-scrollbars --window-size=390,3000 --screenshot="$d/report-phone.png" \
	"file://$d/report.html" >/dev/null 2>&1 || fail "phone screenshot"
for f in report.png report-phone.png; do
	[ "$(wc -c <"$d/$f")" -gt 20000 ] || fail "$f is (nearly) empty"
done
echo "screenshots: $d/report.png $d/report-phone.png"
done_ok
