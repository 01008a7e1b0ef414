/* render_html.c: the report as an HTML page: kit, head, overview to sessions, SFTP, entry point. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "obuf.h"
#include "render.h"
#include "render_html.h"
#include "render_html_threats.h"
#include "render_svg.h"
#include "render_util.h"

#define PATH_COLS 60
#define LIT(w, s) OBUF_LIT((w)->o, "" s) /* literals only: sizeof is their length */
#define STR(w, s) render_html_str((w)->o, (s))

/*
 * The page's only script: tables sort by a click (or Enter) on a header. The
 * page reads the same without it. The Content-Security-Policy admits this
 * script by its hash and nothing else, so changing one byte of it means
 * updating SCRIPT_SHA256 (tests/e2e/50-html.sh checks the pair and prints the
 * right hash: base64 of the SHA-256 of the bytes between the script tags).
 */
static const char script[] =
    "(function(){var d=document;d.documentElement.classList.add(\"js\");"
    "function key(r,i){var c=r.cells[i];if(!c)return\"\";var v=c.getAttribute(\"data-v\");"
    "return v!==null?v:c.textContent}"
    "function num(s){s=s.replace(/,/g,\"\");return/^-?\\d+(\\.\\d+)?$/.test(s)?parseFloat(s):NaN}"
    "d.querySelectorAll(\"table.s th\").forEach(function(th){th.tabIndex=0;"
    "function go(){var t=th.closest(\"table\"),b=t.tBodies[0],i=th.cellIndex,"
    "up=th.getAttribute(\"aria-sort\")===\"descending\";"
    "t.querySelectorAll(\"th\").forEach(function(h){h.removeAttribute(\"aria-sort\")});"
    "th.setAttribute(\"aria-sort\",up?\"ascending\":\"descending\");"
    "var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){var a=key(x,i),"
    "c=key(y,i),p=num(a),q=num(c),r=!isNaN(p)&&!isNaN(q)?p-q:a.localeCompare(c);"
    "return up?r:-r});rows.forEach(function(r){b.appendChild(r)})}"
    "th.addEventListener(\"click\",go);th.addEventListener(\"keydown\",function(e){"
    "if(e.key===\"Enter\"||e.key===\" \"){e.preventDefault();go()}})})})();";
#define SCRIPT_SHA256 "+do+Z40OmDvyANgZoIKEetct3c8SOugrXxxFVFMH6+s="

/* Light and dark colours, phones (tables scroll inside their box), print. */
static const char css[] =
    ":root{--bg:#fff;--fg:#1d2330;--mut:#5d6677;--line:#dde1e8;--card:#f4f5f8;"
    "--bad:#c62828;--badbg:#fdecea;--good:#2e7d32;--goodbg:#e6f4e7;--warn:#a15c00;"
    "--warnbg:#fff2dc;--acc:#2f56c6;--f:#d9463e;--p:#f2a33a;--l:#2f9e55;--x:#8a93a3;--hm:#c0262d}"
    "@media (prefers-color-scheme:dark){:root{--bg:#14171d;--fg:#e3e6eb;--mut:#9aa3b2;"
    "--line:#2c323c;--card:#1c2028;--bad:#ff6b6b;--badbg:#3b1d1f;--good:#62d27e;"
    "--goodbg:#16301c;--warn:#f2b352;--warnbg:#3a2b12;--acc:#86a4ff;--x:#6c7585;--hm:#ff5c5c}}"
    "*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}"
    "body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"
    "\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}"
    "header,main,footer{max-width:1120px;margin:0 auto;padding:0 16px}header{padding-top:18px}"
    "h1{font-size:1.5em;margin:0 0 2px}h2{font-size:1.2em;margin:0 0 10px;padding-bottom:4px;"
    "border-bottom:2px solid var(--line)}h3{font-size:1em;margin:18px 0 6px}"
    "nav{display:flex;flex-wrap:wrap;gap:2px 14px;margin:10px 0;font-size:.92em}"
    "nav a,summary{color:var(--acc);text-decoration:none;cursor:pointer}"
    "section{margin:28px 0}.sub,.note,figcaption,.none{color:var(--mut);font-size:.9em}"
    ".note,.none{margin:6px 0}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;"
    "margin:10px 0 16px}.card{background:var(--card);border-radius:8px;padding:8px 12px}"
    ".card b{display:block;font-size:1.4em;font-variant-numeric:tabular-nums}"
    ".card span{color:var(--mut);font-size:.85em}.card.bad b{color:var(--bad)}"
    ".card.good b{color:var(--good)}"
    ".tw{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:6px 0;"
    "border:1px solid var(--line);border-radius:6px}"
    "table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{padding:5px 10px;text-align:left;white-space:nowrap;border-bottom:1px solid var(--line);"
    "vertical-align:top}th{background:var(--card);font-weight:600}tbody "
    "tr:last-child>*{border-bottom:0}"
    ".n{text-align:right;font-variant-numeric:tabular-nums}"
    "td.u{white-space:normal;overflow-wrap:anywhere;min-width:9em}td.pa{min-width:14em}"
    "td.k{white-space:normal;word-break:break-all;min-width:14em}"
    ".m{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"DejaVu Sans Mono\",monospace;"
    "font-size:.93em}.kv th{width:12em}"
    "td.bad,.chip.bad{color:var(--bad)}td.good{color:var(--good)}td.warn,.chip.warn{color:var(--"
    "warn)}"
    ".chip{display:inline-block;padding:0 8px;border-radius:9px;font-size:.85em;font-weight:600}"
    ".chip.bad{background:var(--badbg)}.chip.good{background:var(--goodbg);color:var(--good)}"
    ".chip.warn{background:var(--warnbg)}.chip.neutral{background:var(--card);color:var(--mut)}"
    "tr.bad>td:first-child{box-shadow:inset 3px 0 var(--bad)}"
    "tr.good>td:first-child{box-shadow:inset 3px 0 var(--good)}"
    ".sp{display:inline-block;min-width:3.6em;text-align:right;margin-right:8px;"
    "font-variant-numeric:tabular-nums}"
    ".sb{display:inline-block;height:9px;border-radius:2px;vertical-align:0;"
    "background:var(--x)}.sb.bad{background:var(--f)}.sb.good{background:var(--l)}"
    "figure{margin:12px 0;padding:10px 12px 8px;border:1px solid var(--line);border-radius:8px}"
    "figure svg{display:block;width:100%;overflow:visible}figcaption{margin-top:4px}"
    "svg text{fill:var(--fg);font-size:12px}svg .ax{fill:var(--mut);font-size:11px}"
    "svg .hl{paint-order:stroke;stroke:var(--bg);stroke-width:3px}"
    "svg .gl{stroke:var(--line)}svg .tk{stroke:var(--mut)}svg .bt{fill:var(--bad);font-weight:600}"
    ".f{fill:var(--f)}.p{fill:var(--p)}.l{fill:var(--l)}.x{fill:var(--x)}.w{fill:var(--warn)}"
    ".a{fill:var(--acc)}.hz{fill:var(--card)}.hm{fill:var(--hm)}.op{fill-opacity:.35;"
    "stroke-width:1.5;stroke-dasharray:4 2}.l.op{stroke:var(--l)}.w.op{stroke:var(--warn)}"
    ".a.op{stroke:var(--acc)}"
    ".key{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 12px}"
    ".key:first-child{margin-left:0}.key.f{background:var(--f)}.key.p{background:var(--p)}"
    ".key.l{background:var(--l)}.key.x{background:var(--x)}.key.w{background:var(--warn)}"
    ".key.a{background:var(--acc)}.key.hm{background:var(--hm)}"
    "html.js .s th{cursor:pointer;user-select:none}html.js .s th:after{content:\" \\2195\";"
    "color:var(--mut);font-size:.8em}html.js .s th[aria-sort=ascending]:after{content:\" \\2191\"}"
    "html.js .s th[aria-sort=descending]:after{content:\" \\2193\"}"
    "footer{padding-bottom:24px}"
    "@media (max-width:600px){body{font-size:14px}header,main,footer{padding:0 10px}"
    "th,td{padding:4px 7px}figure{padding:8px 8px 6px}}"
    "@media print{:root{--bg:#fff;--fg:#000;--mut:#444;--line:#ccc;--card:#f2f2f2}"
    "body{font-size:10pt}nav{display:none}th:after{content:none!important}"
    "header,main,footer{max-width:none;padding:0}"
    ".tw{overflow:visible;border:0}th,td{white-space:normal}"
    "figure,tr,.card,.kv{break-inside:avoid}h2,h3{break-after:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static const struct {
	const char *id, *title;
} sections[] = {
    [RENDER_HTML_SEC_OVERVIEW] = {"overview", "Overview"},
    [RENDER_HTML_SEC_ACTIONS] = {"actions", "Actions"},
    [RENDER_HTML_SEC_LOGINS] = {"logins", "Logins"},
    [RENDER_HTML_SEC_SESSIONS] = {"sessions", "Sessions"},
    [RENDER_HTML_SEC_ATTACKERS] = {"attackers", "Attackers"},
    [RENDER_HTML_SEC_USERNAMES] = {"usernames", "Usernames"},
    [RENDER_HTML_SEC_TIMELINE] = {"timeline", "Timeline"},
    [RENDER_HTML_SEC_ALERTS] = {"alerts", "Alerts"},
    [RENDER_HTML_SEC_SFTP] = {"sftp", "SFTP"},
    [RENDER_HTML_SEC_FAIL2BAN] = {"fail2ban", "Fail2Ban"},
};

/* Kit. */

/* Trusted text (a name of the program's own, chosen at run time). */
void
render_html_str(struct obuf *o, const char *s)
{
	obuf_put(o, s, strlen(s));
}

/* One unit of render_tunit's output, with HTML's specials as character references. */
static void
put_unit(struct obuf *o, const char *u, size_t len)
{
	if (len == 1)
		switch (u[0]) {
		case '&':
			OBUF_LIT(o, "&amp;");
			return;
		case '<':
			OBUF_LIT(o, "&lt;");
			return;
		case '>':
			OBUF_LIT(o, "&gt;");
			return;
		case '"':
			OBUF_LIT(o, "&quot;");
			return;
		case '\'':
			OBUF_LIT(o, "&#39;");
			return;
		default:
			break;
		}
	obuf_put(o, u, len);
}

/* Whether s[0..n) shows in at most max characters (max 0: no limit). */
static int
fits(const unsigned char *s, size_t n, unsigned max)
{
	char u[8];
	size_t i, olen;
	unsigned w, total = 0;

	if (max == 0)
		return 1;
	for (i = 0; i < n && total <= max;) {
		i += render_tunit(s + i, n - i, u, &olen, &w);
		total += w;
	}
	return total <= max;
}

int
render_html_esc(struct obuf *o, const char *str, size_t n, unsigned max)
{
	const unsigned char *s = (const unsigned char *)str;
	int cut = !fits(s, n, max);
	unsigned room = cut ? max - 1 : 0, w, total = 0;
	char u[8];
	size_t i, k, olen;

	for (i = 0; i < n; i += k) {
		k = render_tunit(s + i, n - i, u, &olen, &w);
		if (cut && total + w > room)
			break;
		total += w;
		put_unit(o, u, olen);
	}
	if (cut)
		OBUF_LIT(o, "\xe2\x80\xa6"); /* U+2026 */
	return cut;
}

void
render_html_name(struct obuf *o, const char *s, size_t n, unsigned max)
{
	if (fits((const unsigned char *)s, n, max)) {
		render_html_esc(o, s, n, 0);
		return;
	}
	OBUF_LIT(o, "<span title=\"");
	render_html_esc(o, s, n, 4 * max);
	OBUF_LIT(o, "\">");
	render_html_esc(o, s, n, max);
	OBUF_LIT(o, "</span>");
}

void
render_html_id(struct render_html_out *w, uint32_t id, unsigned max)
{
	size_t n;
	const char *s = render_str(w->v, id, &n);

	if (s == NULL)
		LIT(w, "-");
	else
		render_html_name(w->o, s, n, max);
}

void
render_html_count(struct obuf *o, uint64_t x)
{
	char buf[40];

	render_count(buf, x);
	obuf_put(o, buf, strlen(buf));
}

void
render_html_time(struct obuf *o, int64_t us, enum render_tfmt f)
{
	char buf[64];

	render_time(buf, sizeof(buf), us, f);
	obuf_put(o, buf, strlen(buf));
}

void
render_html_addr(struct obuf *o, const struct addr *a)
{
	char buf[ADDR_STRLEN];
	size_t n = addr_format(a, buf);

	if (n == 0)
		OBUF_LIT(o, "-");
	else
		obuf_put(o, buf, n); /* digits, hex, '.' and ':' only */
}

/* Tables: a header of trusted names; 'r' in align makes a column numeric (right-aligned). */

void
render_html_tab_open(struct render_html_out *w, const char *const *head, unsigned ncols,
                     const char *align)
{
	unsigned i;

	LIT(w, "<div class=\"tw\"><table class=\"s\"><thead><tr>");
	for (i = 0; i < ncols; i++) {
		STR(w, align[i] == 'r' ? "<th class=\"n\">" : "<th>");
		obuf_put(w->o, head[i], strlen(head[i]));
		LIT(w, "</th>");
	}
	LIT(w, "</tr></thead><tbody>\n");
}

void
render_html_tab_close(struct render_html_out *w)
{
	LIT(w, "</tbody></table></div>\n");
}

void
render_html_row_end(struct render_html_out *w)
{
	LIT(w, "</tr>\n");
	obuf_maybe_flush(w->o);
}

/* <td> with an optional class (trusted). */
static void
td_open(struct render_html_out *w, const char *cls)
{
	if (cls == NULL) {
		LIT(w, "<td>");
		return;
	}
	LIT(w, "<td class=\"");
	obuf_put(w->o, cls, strlen(cls));
	LIT(w, "\">");
}

void
render_html_td_lit(struct render_html_out *w, const char *s, const char *cls)
{
	td_open(w, cls);
	obuf_put(w->o, s, strlen(s));
	LIT(w, "</td>");
}

void
render_html_td_count(struct render_html_out *w, uint64_t x, const char *cls)
{
	LIT(w, "<td class=\"n");
	if (cls != NULL) {
		obuf_putc(w->o, ' ');
		obuf_put(w->o, cls, strlen(cls));
	}
	LIT(w, "\">");
	render_html_count(w->o, x);
	LIT(w, "</td>");
}

void
render_html_td_time(struct render_html_out *w, int64_t us)
{
	LIT(w, "<td>");
	render_html_time(w->o, us, RT_MIN);
	LIT(w, "</td>");
}

void
render_html_td_addr(struct render_html_out *w, const struct addr *a)
{
	LIT(w, "<td class=\"m\">");
	render_html_addr(w->o, a);
	LIT(w, "</td>");
}

/* A string of the table (a name chosen by whoever connects). */
void
render_html_td_id(struct render_html_out *w, uint32_t id, const char *cls)
{
	LIT(w, "<td class=\"u");
	if (cls != NULL) {
		obuf_putc(w->o, ' ');
		obuf_put(w->o, cls, strlen(cls));
	}
	LIT(w, "\">");
	render_html_id(w, id, RENDER_HTML_NAME_COLS);
	LIT(w, "</td>");
}

/* A duration, sorted by its seconds; "open" (or text) when us < 0. */
static void
td_dur(struct render_html_out *w, int64_t us, const char *none)
{
	char buf[40];

	LIT(w, "<td class=\"n\" data-v=\"");
	if (us < 0) {
		LIT(w, "-1\">");
		obuf_put(w->o, none, strlen(none));
	} else {
		obuf_u64(w->o, render_secs(us));
		LIT(w, "\">");
		render_dur(buf, sizeof(buf), us);
		obuf_put(w->o, buf, strlen(buf));
	}
	LIT(w, "</td>");
}

static void
td_bytes(struct render_html_out *w, uint64_t b)
{
	char buf[40];

	LIT(w, "<td class=\"n\" data-v=\"");
	obuf_u64(w->o, b);
	LIT(w, "\">");
	render_bytes(buf, sizeof(buf), b);
	obuf_put(w->o, buf, strlen(buf));
	LIT(w, "</td>");
}

/* Lines. */

void
render_html_sec_open(struct render_html_out *w, enum render_html_sec sec, const char *title)
{
	LIT(w, "<section id=\"");
	obuf_put(w->o, sections[sec].id, strlen(sections[sec].id));
	LIT(w, "\"><h2>");
	title = title ? title : sections[sec].title;
	obuf_put(w->o, title, strlen(title));
	LIT(w, "</h2>\n");
}

void
render_html_sec_close(struct render_html_out *w)
{
	LIT(w, "</section>\n");
	obuf_maybe_flush(w->o);
}

void
render_html_none(struct render_html_out *w)
{
	LIT(w, "<p class=\"none\">none</p>\n");
}

/* "15 attacking addresses, showing 10 NOTE" (what: singular and plural). */
void
render_html_total_line(struct render_html_out *w, uint64_t total, size_t shown, const char *one,
                       const char *many, const char *note)
{
	LIT(w, "<p class=\"note\">");
	render_html_count(w->o, total);
	obuf_putc(w->o, ' ');
	obuf_put(w->o, total == 1 ? one : many, strlen(total == 1 ? one : many));
	if (shown < total) {
		LIT(w, ", showing ");
		render_html_count(w->o, shown);
	}
	if (note != NULL) {
		obuf_putc(w->o, ' ');
		obuf_put(w->o, note, strlen(note));
	}
	LIT(w, "</p>\n");
}

/* The page. */

static void
range_text(struct render_html_out *w)
{
	const struct agg_view *v = w->v;
	char d[40];

	if (v->first == INT64_MIN) {
		LIT(w, "no dated events");
		return;
	}
	render_html_time(w->o, v->first, RT_MIN);
	LIT(w, " to ");
	render_html_time(w->o, v->last, RT_MIN);
	LIT(w, " UTC (");
	render_dur(d, sizeof(d), v->last - v->first);
	obuf_put(w->o, d, strlen(d));
	obuf_putc(w->o, ')');
}

static void
head(struct render_html_out *w)
{
	const struct agg_view *v = w->v;
	const struct agg_opts *op = v->opts;
	size_t i;

	LIT(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "style-src 'unsafe-inline'; script-src 'sha256-" SCRIPT_SHA256 "'; "
	       "base-uri 'none'; form-action 'none'\">\n"
	       "<meta name=\"referrer\" content=\"no-referrer\">\n"
	       "<meta name=\"generator\" content=\"authwatch\">\n<title>authwatch report: ");
	range_text(w);
	LIT(w, "</title>\n<style>");
	obuf_put(w->o, css, sizeof(css) - 1);
	LIT(w, "</style>\n</head>\n<body>\n<header>\n<h1>authwatch report</h1>\n<p class=\"sub\">");
	range_text(w);
	LIT(w, " &middot; ");
	render_html_count(w->o, v->nfiles);
	if (v->nfiles == 1)
		LIT(w, " file");
	else
		LIT(w, " files");
	if (op != NULL && (op->since != INT64_MIN || op->until != INT64_MAX || op->host != NULL ||
	                   op->user != NULL || op->have_ip)) {
		LIT(w, " &middot; filters:");
		if (op->since != INT64_MIN) {
			LIT(w, " since ");
			render_html_time(w->o, op->since, RT_SEC);
			LIT(w, " UTC");
		}
		if (op->until != INT64_MAX) {
			LIT(w, " until ");
			render_html_time(w->o, op->until, RT_SEC);
			LIT(w, " UTC");
		}
		if (op->host != NULL) {
			LIT(w, " host ");
			render_html_name(w->o, op->host, strlen(op->host), RENDER_HTML_NAME_COLS);
		}
		if (op->user != NULL) {
			LIT(w, " user ");
			render_html_name(w->o, op->user, strlen(op->user), RENDER_HTML_NAME_COLS);
		}
		if (op->have_ip) {
			char cb[RENDER_CIDRLEN];

			LIT(w, " ip ");
			obuf_put(w->o, cb, render_cidr(&op->ip, cb));
		}
	}
	LIT(w, "</p>\n<nav>");
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		LIT(w, "<a href=\"#");
		obuf_put(w->o, sections[i].id, strlen(sections[i].id));
		LIT(w, "\">");
		obuf_put(w->o, sections[i].title, strlen(sections[i].title));
		LIT(w, "</a>");
	}
	LIT(w, "</nav>\n</header>\n<main>\n");
}

static void
card(struct render_html_out *w, uint64_t x, const char *label, const char *cls)
{
	LIT(w, "<div class=\"card");
	if (cls != NULL && x > 0) {
		obuf_putc(w->o, ' ');
		obuf_put(w->o, cls, strlen(cls));
	}
	LIT(w, "\"><b>");
	render_html_count(w->o, x);
	LIT(w, "</b><span>");
	obuf_put(w->o, label, strlen(label));
	LIT(w, "</span></div>");
}

/* One row of the totals: name, count, a note of trusted text (NULL: none). */
static void
kv(struct render_html_out *w, const char *key, uint64_t x, const char *note)
{
	LIT(w, "<tr><th scope=\"row\">");
	obuf_put(w->o, key, strlen(key));
	LIT(w, "</th>");
	render_html_td_count(w, x, NULL);
	render_html_td_lit(w, note ? note : "", "u");
	render_html_row_end(w);
}

static void
overview(struct render_html_out *w)
{
	static const char *const fhead[] = {"file",  "lines", "events", "unknown",
	                                    "first", "last",  "error"};
	const struct agg_view *v = w->v;
	char note[256], n1[40], n2[40], n3[40];
	size_t i;

	render_html_sec_open(w, RENDER_HTML_SEC_OVERVIEW, NULL);
	LIT(w, "<div class=\"cards\">");
	card(w, v->attempts, "failed attempts", "bad");
	card(w, v->attackers_total, "attacking addresses", "bad");
	card(w, v->probes, "probes", "bad");
	card(w, v->logins, "accepted logins", "good");
	card(w, v->nalerts + v->alerts_dropped, "alerts", "bad");
	card(w, v->connections, "connections", NULL);
	card(w, v->sources, "remote addresses", NULL);
	card(w, v->lines, "lines read", NULL);
	LIT(w, "</div>\n");
	if (v->nfiles > 0) {
		render_html_tab_open(w, fhead, 7, "lrrrlll");
		for (i = 0; i < v->nfiles; i++) {
			const struct agg_file *f = &v->files[i];

			STR(w, f->error ? "<tr class=\"bad\"><td class=\"u m pa\">"
			                : "<tr><td class=\"u m pa\">");
			if (f->path != NULL)
				render_html_esc(w->o, f->path, strlen(f->path), PATH_COLS);
			else
				LIT(w, "-");
			LIT(w, "</td>");
			render_html_td_count(w, f->lines, NULL);
			render_html_td_count(w, f->events, NULL);
			render_html_td_count(w, f->unknown, NULL);
			render_html_td_time(w, f->first);
			render_html_td_time(w, f->last);
			LIT(w, "<td class=\"u bad\">");
			if (f->error != NULL)
				render_html_esc(w->o, f->error, strlen(f->error), PATH_COLS);
			LIT(w, "</td>");
			render_html_row_end(w);
		}
		render_html_tab_close(w);
	}
	LIT(w, "<div class=\"tw\"><table class=\"kv\"><tbody>\n<tr><th scope=\"row\">hosts</th>");
	render_html_td_count(w, v->nhosts, NULL);
	LIT(w, "<td class=\"u\">");
	for (i = 0; i < v->nhosts && i < 16; i++) {
		if (i > 0)
			LIT(w, ", ");
		render_html_id(w, v->hosts[i], RENDER_HTML_NAME_COLS);
	}
	if (v->nhosts > 16) {
		LIT(w, ", +");
		render_html_count(w->o, v->nhosts - 16);
	}
	if (v->hosts_approx)
		LIT(w, " (estimate)");
	LIT(w, "</td>");
	render_html_row_end(w);
	render_count(n1, v->unknown);
	render_count(n2, v->truncated);
	render_count(n3, v->filtered);
	snprintf(note, sizeof(note), "%s not recognised, %s cut (too long), %s filtered out", n1,
	         n2, n3);
	kv(w, "lines read", v->lines, note);
	snprintf(note, sizeof(note), "%s without a date", (render_count(n1, v->undated), n1));
	kv(w, "events", v->events, v->undated ? note : NULL);
	kv(w, "remote addresses", v->sources, NULL);
	snprintf(note, sizeof(note), "%s still open at the end of the input",
	         (render_count(n1, v->open_conns), n1));
	kv(w, "connections", v->connections, v->open_conns ? note : NULL);
	render_attempts_note(v, note, sizeof(note));
	kv(w, "failed attempts", v->attempts, note);
	kv(w, "probes", v->probes, "connections that never tried to authenticate");
	kv(w, "negotiation errors", v->negotiations, "no common key exchange, cipher or key");
	kv(w, "accepted logins", v->logins, NULL);
	LIT(w, "</tbody></table></div>\n");
	render_html_sec_close(w);
}

static void
actions(struct render_html_out *w)
{
	static const char *const head[] = {"event", "count", "share", "class"};
	const struct agg_view *v = w->v;
	unsigned order[EV__COUNT], n, i;
	uint64_t sum;
	char buf[64];

	render_html_sec_open(w, RENDER_HTML_SEC_ACTIONS, NULL);
	n = render_actions(v, order, &sum); /* the text report's order */
	if (n == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		return;
	}
	render_svg_actions(w);
	render_html_tab_open(w, head, 4, "lrll");
	for (i = 0; i < n; i++) {
		const char *cls = agg_action_class(order[i]);
		double share = 100.0 * (double)v->actions[order[i]] / (double)sum;
		double bar = 120.0 * (double)v->actions[order[i]] / (double)v->actions[order[0]];

		LIT(w, "<tr class=\"");
		obuf_put(w->o, cls, strlen(cls));
		LIT(w, "\"><td class=\"m\">");
		obuf_put(w->o, event_type_name(order[i]), strlen(event_type_name(order[i])));
		LIT(w, "</td>");
		render_html_td_count(w, v->actions[order[i]], NULL);
		snprintf(buf, sizeof(buf), "%.1f", share);
		LIT(w, "<td data-v=\"");
		obuf_put(w->o, buf, strlen(buf));
		LIT(w, "\"><span class=\"sp\">");
		obuf_put(w->o, buf, strlen(buf));
		LIT(w, "%</span><span class=\"sb ");
		obuf_put(w->o, cls, strlen(cls));
		/* the bar's length is relative to the commonest event: the share is the number */
		snprintf(buf, sizeof(buf), "\" style=\"width:%.0fpx\"></span></td>",
		         bar < 1 ? 1 : bar);
		obuf_put(w->o, buf, strlen(buf));
		LIT(w, "<td><span class=\"chip ");
		obuf_put(w->o, cls, strlen(cls));
		LIT(w, "\">");
		obuf_put(w->o, cls, strlen(cls));
		LIT(w, "</span></td>");
		render_html_row_end(w);
	}
	render_html_tab_close(w);
	LIT(w, "<p class=\"note\">");
	render_html_count(w->o, n);
	STR(w, n == 1 ? " event type, " : " event types, ");
	render_html_count(w->o, sum);
	STR(w, sum == 1 ? " event (lines, not connections)</p>\n"
	                : " events (lines, not connections)</p>\n");
	render_html_sec_close(w);
}

/* One login as a table row: when, [host], user, from, then (full) method, key; session; notes. */
static void
login_row(struct render_html_out *w, const struct agg_login *l, int full)
{
	int root = (l->flags & CF_ROOT) != 0;

	STR(w, root ? "<tr class=\"bad\">" : "<tr>");
	render_html_td_time(w, l->ts);
	if (w->multihost)
		render_html_td_id(w, l->host, NULL);
	render_html_td_id(w, l->user, root ? "warn" : NULL);
	render_html_td_addr(w, &l->src);
	if (full) {
		const char *m = event_method_name(l->method);

		render_html_td_lit(w, *m ? m : "-", l->method == M_PASSWORD ? "warn" : NULL);
		LIT(w, "<td class=\"m k\">");
		if (l->key_type != 0) {
			render_html_id(w, l->key_type, 16);
			obuf_putc(w->o, ' ');
		}
		if (l->key_fp != 0)
			render_html_id(w, l->key_fp, RENDER_HTML_FP_COLS);
		LIT(w, "</td>");
	}
	td_dur(w, l->open ? -1 : l->duration, "open");
	if (full) {
		int sep = 0;

		LIT(w, "<td>");
		if (root) {
			LIT(w, "<span class=\"chip bad\">root</span>");
			sep = 1;
		}
		if (l->flags & CF_CERT) {
			STR(w, sep ? " certificate" : "certificate");
			sep = 1;
		}
		if (l->sudo_cmds) {
			if (sep)
				LIT(w, ", ");
			render_html_count(w->o, l->sudo_cmds);
			STR(w, l->sudo_cmds == 1 ? " sudo command" : " sudo commands");
		}
		LIT(w, "</td>");
	}
	render_html_row_end(w);
}

static void
logins(struct render_html_out *w)
{
	static const char *const head[] = {"when", "user",    "from", "method",
	                                   "key",  "session", "notes"};
	static const char *const headh[] = {"when",   "host", "user",    "from",
	                                    "method", "key",  "session", "notes"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nlogins_recent);

	render_html_sec_open(w, RENDER_HTML_SEC_LOGINS, "Successful logins");
	if (n == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		return;
	}
	if (w->multihost)
		render_html_tab_open(w, headh, 8, "llllllrl");
	else
		render_html_tab_open(w, head, 7, "lllllrl");
	for (i = 0; i < n; i++)
		login_row(w, v->logins_recent[i], 1);
	render_html_tab_close(w);
	render_html_total_line(w, v->logins, n, "accepted login", "accepted logins",
	                       n < v->logins ? "(the most recent)" : NULL);
	render_html_sec_close(w);
}

static void
methods_cell(struct render_html_out *w, const struct agg_session_user *su)
{
	int sep = 0;

	td_open(w, su->password ? "warn" : NULL);
	if (su->publickey) {
		LIT(w, "publickey ");
		render_html_count(w->o, su->publickey);
		sep = 1;
	}
	if (su->password) {
		STR(w, sep ? ", password " : "password ");
		render_html_count(w->o, su->password);
		sep = 1;
	}
	if (su->other) {
		STR(w, sep ? ", other " : "other ");
		render_html_count(w->o, su->other);
	}
	LIT(w, "</td>");
}

static void
sessions(struct render_html_out *w)
{
	static const char *const lhead[] = {"when", "user", "from", "duration"};
	static const char *const lheadh[] = {"when", "host", "user", "from", "duration"};
	static const char *const uhead[] = {"user",       "logins",  "open",
	                                    "total time", "longest", "methods"};
	const struct agg_view *v = w->v;
	size_t i, n;

	render_html_sec_open(w, RENDER_HTML_SEC_SESSIONS, NULL);
	if (v->sessions_opened == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		return;
	}
	LIT(w, "<p>");
	render_html_count(w->o, v->sessions_opened);
	LIT(w, " opened, ");
	render_html_count(w->o, v->sessions_closed);
	LIT(w, " closed, ");
	render_html_count(w->o, v->sessions_open);
	LIT(w, " still open at the end of the input</p>\n");
	render_svg_sessions(w);
	if ((n = render_rows(v, v->nlongest)) > 0) {
		LIT(w, "<h3>Longest sessions</h3>\n");
		if (w->multihost)
			render_html_tab_open(w, lheadh, 5, "llllr");
		else
			render_html_tab_open(w, lhead, 4, "lllr");
		for (i = 0; i < n; i++)
			login_row(w, v->longest[i], 0);
		render_html_tab_close(w);
	}
	if ((n = render_rows(v, v->nsession_users)) > 0) {
		LIT(w, "<h3>Per user</h3>\n");
		render_html_tab_open(w, uhead, 6, "lrrrrl");
		for (i = 0; i < n; i++) {
			const struct agg_session_user *su = v->session_users[i];
			int closed = su->logins > su->open;

			LIT(w, "<tr>");
			render_html_td_id(w, su->user, NULL);
			render_html_td_count(w, su->logins, NULL);
			render_html_td_count(w, su->open, NULL);
			td_dur(w, closed ? su->total : -1, "-");
			td_dur(w, closed ? su->longest : -1, "-");
			methods_cell(w, su);
			render_html_row_end(w);
		}
		render_html_tab_close(w);
		render_html_total_line(w, v->nsession_users, n, "user logged in", "users logged in",
		                       NULL);
	}
	render_html_sec_close(w);
}

static void
sftp(struct render_html_out *w)
{
	static const char *const head[] = {"user", "files", "read", "written", "other ops"};
	const struct agg_view *v = w->v;
	size_t i, n = render_rows(v, v->nsftp_users);

	render_html_sec_open(w, RENDER_HTML_SEC_SFTP, NULL);
	if (n == 0) {
		render_html_none(w);
		render_html_sec_close(w);
		return;
	}
	render_html_tab_open(w, head, 5, "lrrrr");
	for (i = 0; i < n; i++) {
		const struct agg_session_user *su = v->sftp_users[i];

		LIT(w, "<tr>");
		render_html_td_id(w, su->user, NULL);
		render_html_td_count(w, su->sftp_files, NULL);
		td_bytes(w, su->sftp_read);
		td_bytes(w, su->sftp_written);
		render_html_td_count(w, su->sftp_ops, NULL);
		render_html_row_end(w);
	}
	render_html_tab_close(w);
	render_html_total_line(w, v->nsftp_users, n, "user", "users", NULL);
	render_html_sec_close(w);
}

int
render_html(const struct agg_view *v, int fd)
{
	struct obuf o;
	struct render_html_out w;

	obuf_init(&o, fd);
	w.o = &o;
	w.v = v;
	w.multihost = v->nhosts > 1;
	head(&w);
	overview(&w);
	actions(&w);
	logins(&w);
	sessions(&w);
	render_html_threats_attackers(&w);
	render_html_threats_usernames(&w);
	render_html_threats_timeline(&w);
	render_html_threats_alerts(&w);
	sftp(&w);
	render_html_threats_fail2ban(&w);
	LIT(&w, "</main>\n<footer><p class=\"note\">Written by authwatch. Times are UTC. This page "
	        "is one file: it loads nothing from the network.</p></footer>\n<script>");
	obuf_put(&o, script, sizeof(script) - 1);
	LIT(&w, "</script>\n</body>\n</html>\n");
	if (obuf_close(&o) != 0) {
		errno = o.err;
		return -1;
	}
	return 0;
}
