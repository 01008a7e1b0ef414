#!/bin/bash
# daemon.sh: reaction time, throughput and memory of the ban daemons, side by side:
# authwatch daemon, Fail2Ban and SSHGuard, each with its nftables action, each in a private
# network namespace of its own (the host's firewall is never touched), fed the same lines.
#
#   B=build bench/daemon.sh                     (as root; `make bench` runs it after run.sh)
#   BENCH_BANS=100          attackers banned one after another for the reaction time
#   BENCH_TP_LINES=2000000  lines appended at full speed for the throughput
#   BENCH_MEM_ADDRS=1000000 distinct addresses for authwatch's memory per tracked address
#   BENCH_TP_TIMEOUT=600    seconds a daemon may take to get through the flood
#   BENCH_PEERS="fail2ban sshguard"  the peers to run (empty: authwatch only)
#   BENCH_KEEP=1            keep the temporary directory (configs, daemon logs) for a look
#
# Reports, does not gate: exit 0 even when a target is missed, a peer cannot run or this is
# not root; non-zero only when authwatch itself fails (not built, does not start, bans nothing).
set -u

B=${B:-build}
here=$(cd "$(dirname "$0")" && pwd)
AW=$B/authwatch
GEN=$B/bench/gen
DIR=$B/bench
BANS=${BENCH_BANS:-100}
TP_LINES=${BENCH_TP_LINES:-2000000}
MEM_ADDRS=${BENCH_MEM_ADDRS:-1000000}
TP_TIMEOUT=${BENCH_TP_TIMEOUT:-600}
PEERS=${BENCH_PEERS-fail2ban sshguard}
MAXRETRY=5
SSHG=/usr/libexec/sshguard
# Targets (DESIGN): p99 reaction (ms), lines/s followed on one core, bytes per tracked address.
T_P99=1
T_LPS=1000000
T_BPA=200

say() { printf 'daemon-bench: %s\n' "$*" >&2; }

[ -x "$AW" ] || { say "$AW is not built (make B=$B)"; exit 1; }
# Without these nothing can be measured; that is no failure of authwatch's.
[ "$(id -u)" -eq 0 ] || { say "skipped: needs root (network namespaces, nftables)"; exit 0; }
for t in ip nft python3 ps; do
	command -v $t >/dev/null 2>&1 || { say "skipped: no $t (scripts/deps.sh test)"; exit 0; }
done
[ "$BANS" -ge 1 ] && [ "$BANS" -le 500 ] || { say "BENCH_BANS must be 1..500"; exit 1; }
mkdir -p "$DIR" || exit 1
if [ ! -x "$GEN" ]; then
	say "$GEN missing, compiling $here/gen.c and its modules"
	${CC:-cc} -std=c11 -O2 -o "$GEN" "$here/gen.c" "$here/gen_script.c" "$here/gen_sshd.c" || exit 1
fi
AW=$(cd "$(dirname "$AW")" && pwd)/authwatch # absolute: the daemons run from elsewhere
PY=/usr/bin/python3                           # Debian's, as Fail2Ban's
[ -x $PY ] || PY=$(command -v python3)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/awdaemon.XXXXXX") || exit 1
ns=       # the namespace of the tool being measured
tool_pid= # its top process (ip netns exec execs it)
cleanup() {
	stop_tool
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the probe: writes log lines, times bans with `nft monitor` (no polling) -------------------
cat >"$tmp/probe.py" <<'EOF'
import atexit, json, os, random, re, select, statistics, subprocess, sys, time
IPV4 = re.compile(rb'\b(\d{1,3}(?:\.\d{1,3}){3})\b')
NS, LOG, MAXRETRY = sys.argv[2], sys.argv[3], int(sys.argv[4])
SENTINEL = '192.0.2.250'
now = time.monotonic_ns
pid = [20000]

class Monitor:
    """nft monitor in the namespace; nft flushes every event, each line is stamped on arrival."""
    def __init__(self):
        self.p = subprocess.Popen(['ip', 'netns', 'exec', NS, 'nft', 'monitor', 'new', 'elements'],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        atexit.register(self.p.kill)
        self.fd, self.buf, self.seen = self.p.stdout.fileno(), b'', {}
        time.sleep(0.3)  # let it subscribe
    def pump(self, timeout):
        if not select.select([self.fd], [], [], max(timeout, 0))[0]:
            return
        t = now()
        data = os.read(self.fd, 1 << 16)
        if not data:
            sys.exit('nft monitor stopped')
        *lines, self.buf = (self.buf + data).split(b'\n')
        for l in lines:
            if l.startswith(b'add element'):
                for a in IPV4.findall(l):
                    self.seen.setdefault(a.decode(), t)
    def wait(self, ip, deadline):  # -> when ip's element appeared, or None at the deadline
        while (ip is None or ip not in self.seen) and now() < deadline:
            self.pump((deadline - now()) / 1e9)
        return self.seen.get(ip)

def failures(ip, n):  # n failed passwords from ip, one connection (pid) each, stamped now
    out = b''
    for _ in range(n):
        pid[0] += 1
        out += b'%s web-1 sshd[%d]: Failed password for invalid user x from %s port %d ssh2\n' % (
            time.strftime('%b %e %H:%M:%S').encode(), pid[0], ip.encode(), 30000 + pid[0] % 30000)
    return out

def append(fd, data):
    while data:
        data = data[os.write(fd, data):]

def react(n, out):
    mon, fd = Monitor(), os.open(LOG, os.O_WRONLY | os.O_APPEND)
    for k in range(8):  # the daemon follows the file once a warm-up attacker is banned
        append(fd, failures('192.0.2.%d' % (200 + k), MAXRETRY))
        if mon.wait('192.0.2.%d' % (200 + k), now() + 5 * 10**9):
            break
    else:
        sys.exit('no ban within 40 s of warm-up attacks')
    lat, missed, early, rnd = [], 0, 0, random.Random(1)
    for i in range(n):
        ip = '%s.%d' % (('198.51.100', '203.0.113')[i // 250], 1 + i % 250)
        append(fd, failures(ip, MAXRETRY - 1))
        # let the daemon take those; a random pause, so that the last line does not come in
        # step with a daemon's own polling period
        mon.wait(None, now() + int((0.05 + rnd.random() * 0.25) * 1e9))
        append(fd, failures(ip, 1))
        t0 = now()  # write(2) of the line that completes maxretry has returned
        t1 = mon.wait(ip, t0 + 10 * 10**9)
        if t1 is None:
            missed += 1
        elif t1 < t0:
            early += 1
        else:
            lat.append(t1 - t0)
    if not lat:
        sys.exit('no ban timed (%d missed, %d early)' % (missed, early))
    with open(out, 'w') as f:
        f.write(''.join('%d\n' % (x // 1000) for x in lat))
    lat.sort()
    ms = lambda x: '%.3f' % (x / 1e6)
    p99 = lat[-(-len(lat) * 99 // 100) - 1]  # nearest rank
    print(len(lat), missed, early, ms(statistics.median(lat)), ms(p99), ms(lat[-1]))

def jail_lines(aw, sock):
    r = subprocess.run([aw, 'status', '-s', sock, '--format', 'json'], capture_output=True)
    return sum(j['lines'] for j in json.loads(r.stdout)['jails']) if r.returncode == 0 else -1

def flood(src, timeout, aw=None, sock=None):
    mon, fd = Monitor(), os.open(LOG, os.O_WRONLY | os.O_APPEND)
    want = jail_lines(aw, sock) + sum(1 for _ in open(src, 'rb')) + MAXRETRY if aw else 0
    t0, sfd = now(), os.open(src, os.O_RDONLY)
    while chunk := os.read(sfd, 1 << 20):
        append(fd, chunk)
    append(fd, failures(SENTINEL, MAXRETRY))  # the sentinel: banned once all is read
    written, read_all, deadline = now(), None, t0 + int(timeout * 1e9)
    while now() < deadline and ((aw and read_all is None) or SENTINEL not in mon.seen):
        mon.pump(0.02)
        if aw and read_all is None and jail_lines(aw, sock) >= want:
            read_all = now()
    s = lambda t: '%.3f' % ((t - t0) / 1e9) if t else '-'
    print(s(written), s(read_all), s(mon.seen.get(SENTINEL)))

if sys.argv[1] == 'react':
    react(int(sys.argv[5]), sys.argv[6])
elif sys.argv[1] == 'flood':
    flood(sys.argv[5], float(sys.argv[6]), *sys.argv[7:9])
else:  # lines: what authwatch has read
    print(jail_lines(sys.argv[5], sys.argv[6]))
EOF

# --- processes ---------------------------------------------------------------------------------

# tree PID: PID and its descendants (SSHGuard is a pipeline of four, Fail2Ban forks nft).
tree() {
	ps -e -o pid=,ppid= | awk -v root="$1" '{ kids[$2] = kids[$2] " " $1 }
		END { q = root; while (q != "") { split(q, a, " "); q = ""; for (i in a) {
			print a[i]; q = q kids[a[i]] } } }'
}
# cpu_s PID: CPU seconds of the tree, children waited for included (utime+stime+cutime+cstime)
cpu_s() {
	local p
	for p in $(tree "$1"); do cat "/proc/$p/stat"; done 2>/dev/null | sed 's/.*) //' |
		awk -v hz="$(getconf CLK_TCK)" '{ t += $12 + $13 + $14 + $15 } END { printf "%.2f", t / hz }'
}
# tree_kib PID FIELD: FIELD (VmHWM, VmRSS) of /proc/PID/status summed over the tree, KiB
tree_kib() {
	local p
	for p in $(tree "$1"); do cat "/proc/$p/status"; done 2>/dev/null |
		awk -v f="$2:" '$1 == f { k += $2 } END { print k + 0 }'
}
# read_pos PID FILE: the furthest offset at which the tree has FILE open (what it has read)
read_pos() {
	local p fd best=0 pos
	for p in $(tree "$1"); do
		for fd in /proc/"$p"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "$2" ] || continue
			pos=$(awk '/^pos:/ { print $2 }' "/proc/$p/fdinfo/${fd##*/}" 2>/dev/null)
			[ "${pos:-0}" -gt "$best" ] && best=$pos
		done
	done
	echo "$best"
}
aw_read() { [ "$($PY "$tmp/probe.py" lines - - 0 "$AW" "$1")" -ge "$2" ]; } # SOCK N
# wait_for SECONDS CMD...: CMD every 0.1 s until it succeeds or the time is up
wait_for() {
	local end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
# wait_idle PID: until the tree used no CPU for a second (at most 60 s)
wait_idle() {
	local a b i
	a=$(cpu_s "$1")
	for i in $(seq 60); do
		sleep 1
		b=$(cpu_s "$1")
		[ "$a" = "$b" ] && return 0
		a=$b
	done
}
stop_tool() {
	[ -n "$tool_pid" ] || return 0
	local pids
	pids=$(tree "$tool_pid")
	kill -TERM $pids 2>/dev/null
	wait_for 15 sh -c "! kill -0 $tool_pid" || kill -KILL $pids 2>/dev/null
	wait "$tool_pid" 2>/dev/null
	tool_pid=
}
new_ns() {
	ns=awbench$$-$1
	ip netns add "$ns" 2>"$tmp/ns.err" || return 1
	ip -n "$ns" link set lo up
	ip netns exec "$ns" nft list tables >/dev/null 2>>"$tmp/ns.err"
}
del_ns() { ip netns del "$ns" 2>/dev/null; ns=; }

# --- the daemons, each started in $ns following $tmp/TOOL/auth.log -------------------------------

start_authwatch() {
	local d=$tmp/authwatch
	printf '%s\n' "[daemon]" "socket = $d/ctl.sock" "database = $d/state.db" "firewall = nftables" \
		"[sshd]" "source = $d/auth.log" "maxretry = $MAXRETRY" "findtime = 10m" "bantime = 10m" \
		>"$d/aw.conf"
	ip netns exec "$ns" "$AW" daemon -c "$d/aw.conf" >"$d/daemon.log" 2>&1 &
	tool_pid=$!
	wait_for 10 test -S "$d/ctl.sock" || { why="did not start: $(tail -n 2 "$d/daemon.log")"; return 1; }
	note="inotify"
}

start_fail2ban() {
	local d=$tmp/fail2ban backend=polling
	command -v fail2ban-server >/dev/null || { why="not installed (Debian package fail2ban)"; return 1; }
	# A copy of its configuration without Debian's jail.d defaults; nothing in /etc is changed.
	cp -r /etc/fail2ban "$d/conf" && rm -f "$d"/conf/jail.d/* "$d"/conf/*.local || return 1
	$PY -c 'import pyinotify' 2>/dev/null && backend=pyinotify
	printf '%s\n' "[Definition]" "logtarget = $d/fail2ban.log" "dbfile = $d/fail2ban.sqlite3" \
		>"$d/conf/fail2ban.local"
	printf '%s\n' "[DEFAULT]" "backend = $backend" "banaction = nftables-multiport" "[sshd]" \
		"enabled = true" "port = ssh" "logpath = $d/auth.log" "maxretry = $MAXRETRY" \
		"findtime = 10m" "bantime = 10m" >"$d/conf/jail.local"
	ip netns exec "$ns" fail2ban-server -f -x -c "$d/conf" -s "$d/f2b.sock" -p "$d/f2b.pid" \
		>"$d/server.out" 2>&1 &
	tool_pid=$!
	wait_for 20 test -S "$d/f2b.sock" || { why="did not start: $(tail -n 2 "$d/server.out")"; return 1; }
	note="Fail2Ban $(fail2ban-server -V 2>/dev/null | head -n 1), backend $backend"
}

start_sshguard() {
	local d=$tmp/sshguard
	[ -x $SSHG/sshg-blocker ] || { why="not installed (Debian package sshguard)"; return 1; }
	# /usr/sbin/sshguard reads only /etc/sshguard/sshguard.conf, so run what it runs, by hand:
	# tail -F | parser | blocker (10 per failure, block at 50) | the nftables sets backend.
	ip netns exec "$ns" sh -c "$SSHG/sshg-logtail '$d/auth.log' | $SSHG/sshg-parser |
		$SSHG/sshg-blocker -a $((MAXRETRY * 10)) -p 600 -s 1800 -w 127.0.0.1 |
		$SSHG/sshg-fw-nft-sets" >"$d/sshguard.out" 2>&1 &
	tool_pid=$!
	note="SSHGuard $(dpkg-query -W -f '${Version}' sshguard 2>/dev/null), tail -F, sshg-fw-nft-sets"
}

# --- measuring one tool ------------------------------------------------------------------------

rows=$tmp/rows
: >"$rows"
row() { printf '  %-10s %9s %9s %11s %7s %9s  %s\n' "$@" >>"$rows"; } # tool med p99 lps cpu rss note

# measure TOOL: starts it in a fresh namespace, bans $BANS attackers, floods it, stops it.
measure() {
	local t=$1 d=$tmp/$1 r n missed early med p99 max cpu0 cpu lps pos0 res written read_all sentinel
	why= note=
	mkdir -p "$d" && : >"$d/auth.log"
	new_ns "$t" || { row "$t" - - - - - "no network namespace: $(head -n 1 "$tmp/ns.err")"; return 1; }
	say "$t: starting in namespace $ns"
	if ! "start_$t"; then
		row "$t" - - - - - "$why"
		stop_tool; del_ns
		return 1
	fi

	say "$t: reaction time, $BANS attackers x $MAXRETRY failures"
	if ! r=$($PY "$tmp/probe.py" react "$ns" "$d/auth.log" "$MAXRETRY" "$BANS" \
		"$d/latency-us.txt" 2>"$d/probe.err"); then
		row "$t" - - - - - "$(tail -n 1 "$d/probe.err"); $note"
		stop_tool; del_ns
		return 1
	fi
	read -r n missed early med p99 max <<<"$r"
	cp "$d/latency-us.txt" "$DIR/daemon-latency-$t.txt" # one line per ban, microseconds
	say "$t: $n bans timed, $missed missed, $early early; median $med ms, p99 $p99 ms, max $max ms"
	[ "$missed" -gt 0 ] && note="$note; $missed of $BANS not banned within 10 s"
	[ "$early" -gt 0 ] && note="$note; $early banned before failure $MAXRETRY"

	say "$t: throughput, $TP_LINES lines appended at full speed"
	# gen's lines re-dated to now: Fail2Ban skips lines older than findtime ("timing issue")
	"$GEN" -n "$TP_LINES" -s 1 -f bsd |
		LC_ALL=C sed "s/^.\{15\}/$(LC_ALL=C date '+%b %e %H:%M:%S')/" >"$tmp/flood.log"
	cpu0=$(cpu_s "$tool_pid")
	pos0=$(stat -c %s "$d/auth.log")
	set -- # the probe asks authwatch's status; the peers have none
	[ "$t" = authwatch ] && set -- "$AW" "$d/ctl.sock"
	res=$($PY "$tmp/probe.py" flood "$ns" "$d/auth.log" "$MAXRETRY" "$tmp/flood.log" \
		"$TP_TIMEOUT" "$@" 2>>"$d/probe.err")
	read -r written read_all sentinel <<<"$res"
	[ "$t" = authwatch ] || read_all=$sentinel # the peers: read all once the sentinel is banned
	if [ "${read_all:--}" = - ]; then
		# not through in time: how far its descriptor on the log got (lines ~ bytes)
		lps=$(awk -v p="$(read_pos "$tool_pid" "$d/auth.log")" -v p0="$pos0" -v n="$TP_LINES" \
			-v b="$(stat -c %s "$tmp/flood.log")" -v s="$TP_TIMEOUT" \
			'BEGIN { printf "~%d", (p > p0 ? (p - p0) / b * n : 0) / s }')
		note="$note; read ~$(awk -v l="${lps#\~}" -v s="$TP_TIMEOUT" -v n="$TP_LINES" \
			'BEGIN { printf "%d%%", l * s * 100 / n }') of the flood in ${TP_TIMEOUT}s (timeout)"
	else
		wait_idle "$tool_pid" # CPU until idle: work that trails the last line counts
		lps=$(awk -v n="$TP_LINES" -v s="$read_all" 'BEGIN { printf "%d", n / s }')
	fi
	cpu=$(awk -v a="$cpu0" -v b="$(cpu_s "$tool_pid")" 'BEGIN { printf "%.2f", b - a }')
	say "$t: appended in ${written}s, read ${read_all}s, sentinel banned at ${sentinel}s, CPU ${cpu}s"
	[ "$t" = authwatch ] && note="$note; sentinel banned at ${sentinel}s"
	row "$t" "$med" "$p99" "$lps" "$cpu" "$(awk -v k="$(tree_kib "$tool_pid" VmHWM)" \
		'BEGIN { printf "%.1f", k / 1024 }')" "$note"
	[ "$t" = authwatch ] && aw_res="$p99 $lps"
	stop_tool
	del_ns
	rm -f "$tmp/flood.log" "$d/auth.log"
}

# memory: a fresh authwatch, $MEM_ADDRS failures from as many addresses; VmRSS after - before.
measure_memory() {
	local d=$tmp/authwatch rss0 rss1 tracked
	rm -rf "$d" && mkdir -p "$d" && : >"$d/auth.log"
	new_ns mem || return 1
	start_authwatch || { say "authwatch (memory): $why"; del_ns; return 1; }
	# 100.64.0.0/10 holds 4M addresses: one failure each, each its own connection
	awk -v n="$MEM_ADDRS" -v ts="$(LC_ALL=C date '+%b %e %H:%M:%S')" 'BEGIN { for (i = 0; i < n; i++)
		printf "%s web-1 sshd[%d]: Failed password for invalid user x from 100.%d.%d.%d port %d ssh2\n",
			ts, 100000 + i, 64 + int(i / 65536), int(i / 256) % 256, i % 256, 1024 + i % 60000 }' \
		>"$tmp/mem.log"
	sleep 0.5
	rss0=$(tree_kib "$tool_pid" VmRSS)
	cat "$tmp/mem.log" >>"$d/auth.log"
	wait_for 120 aw_read "$d/ctl.sock" "$MEM_ADDRS" ||
		say "authwatch (memory): not all $MEM_ADDRS lines read within 120 s"
	sleep 0.5
	rss1=$(tree_kib "$tool_pid" VmRSS)
	tracked=$("$AW" status -s "$d/ctl.sock" --format json | sed -n 's/.*"tracked":\([0-9]*\).*/\1/p')
	mem_res=$(awk -v a="$rss0" -v b="$rss1" -v n="${tracked:-0}" 'BEGIN {
		printf "%d %.1f %.1f %.0f", n, a / 1024, b / 1024, (n > 0 ? (b - a) * 1024 / n : -1) }')
	stop_tool
	del_ns
	rm -f "$tmp/mem.log"
}

# --- run -------------------------------------------------------------------------------------

aw_res= mem_res=
measure authwatch
for p in $PEERS; do
	pgrep -x "$([ "$p" = fail2ban ] && echo fail2ban-server || echo sshg-blocker)" >/dev/null &&
		say "note: a $p already runs on this host (not ours; left alone)"
	measure "$p"
done
say "memory: $MEM_ADDRS addresses with one failure each"
measure_memory

out=$tmp/table
{
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
	echo "authwatch daemon benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr)"
	echo "cpu: ${cpu:-unknown}, $(nproc) online; nftables $(nft --version | awk '{ print $2 }')"
	echo "reaction: $BANS attackers x $MAXRETRY failed passwords, from the write(2) of the last" \
		"line to its 'add element' in nft monitor"
	echo "lines/s: $TP_LINES lines of gen -s 1 (re-dated to now) appended at once, until read" \
		"(authwatch: its status; peers: a sentinel attacker appended last is banned)"
	echo "CPU s: utime+stime (+ waited-for children) over the flood; RSS: peak VmHWM, summed"
	echo
	printf '  %-10s %9s %9s %11s %7s %9s  %s\n' tool "median ms" "p99 ms" "lines/s" "CPU s" \
		"RSS MiB" "notes"
	cat "$rows"
	echo
	if [ -n "$aw_res" ]; then
		awk -v m="${aw_res% *}" -v l="${aw_res#* }" -v tp="$T_P99" -v tl="$T_LPS" 'BEGIN {
			printf "  target p99 <= %s ms: %s (%s ms)\n", tp, (m <= tp ? "PASS" : "MISS"), m
			printf "  target >= %d lines/s: %s (%s)\n", tl, (l + 0 >= tl ? "PASS" : "MISS"), l }'
	fi
	if [ -n "$mem_res" ]; then
		read -r n r0 r1 bpa <<<"$mem_res"
		awk -v n="$n" -v a="$r0" -v b="$r1" -v x="$bpa" -v t="$T_BPA" -v want="$MEM_ADDRS" 'BEGIN {
			printf "  target <= %d bytes per tracked address: %s (%s B: %d tracked of %d, ", t,
				(x >= 0 && x <= t ? "PASS" : "MISS"), x, n, want
			printf "VmRSS %.1f -> %.1f MiB)\n", a, b }'
	else
		echo "  memory per tracked address: not measured (see above)"
	fi
} >"$out"
cat "$out"
cp "$out" "$DIR/daemon-results.txt"
echo "(also in $DIR/daemon-results.txt)"
[ -n "$aw_res" ] && [ -n "$mem_res" ] # authwatch failed otherwise
