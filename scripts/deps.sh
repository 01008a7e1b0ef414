#!/bin/sh
# Installs the build and test dependencies that are missing (Debian/Ubuntu, apt-get).
# Usage: scripts/deps.sh [build|test|bench]   (test and bench include build)
set -eu
what=${1:-build}
pkgs="make gcc pkg-config liblzma-dev libzstd-dev libbz2-dev libisal-dev libsystemd-dev libinih-dev libnftables-dev libsqlite3-dev libmaxminddb-dev"
case "$what" in
test) pkgs="$pkgs clang tmux libclang-rt-dev gzip xz-utils zstd bzip2 python3 systemd systemd-journal-remote nftables iproute2 sqlite3 openssh-server openssh-client sshpass ipset iptables conntrack chromium libmaxmind-db-writer-perl mandoc" ;;
bench) pkgs="$pkgs gzip xz-utils zstd bzip2 python3 sshguard fail2ban grep coreutils time" ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing (no apt-get here: install them by hand)" >&2
	exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
