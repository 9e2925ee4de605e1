#!/bin/sh
# Make a fresh Debian 12 machine ready to build and test chartty: install
# the Debian packages it lacks (as root), the test portal's npm packages,
# then configure and build. Safe to run again; it skips what is done.
set -eu
cd "$(dirname "$0")/.."

need=
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
for pkg in build-essential binutils autoconf automake libtool pkg-config \
    libncurses-dev libcurl4-openssl-dev libcjson-dev libsecret-1-dev \
    libssl-dev libqrencode-dev gnome-keyring libsecret-tools dbus mandoc tmux curl \
    python3 ca-certificates faketime zbar-tools gdb clang \
    libclang-rt-14-dev valgrind time; do
	have "$pkg" || need="$need $pkg"
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	need="$need nodejs npm"
fi
if [ -n "$need" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "chartty: these packages are missing:$need" >&2
		echo "chartty: run this as root, or: sudo apt-get install$need" >&2
		exit 1
	fi
	echo "Installing:$need"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

if [ ! -f tests/portal/node_modules/.package-lock.json ] ||
    [ tests/portal/package-lock.json -nt tests/portal/node_modules/.package-lock.json ]; then
	echo "Installing the test portal (npm ci)"
	(cd tests/portal && npm ci --no-audit --no-fund --loglevel=error)
fi

[ -x configure ] || ./autogen.sh >/dev/null 2>&1
[ -f Makefile ] || ./configure --enable-werror >/dev/null
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
echo "Built ./chartty"
