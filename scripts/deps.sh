#!/bin/sh
# Install the Debian packages kguard needs to build and test, only those missing.
set -e
PKGS="make gcc clang pkg-config libyaml-dev libjansson-dev libmicrohttpd-dev libgnutls28-dev
libpcre2-dev libclang-rt-14-dev curl openssl python3 python3-yaml jq wrk hyperfine time valgrind"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# Node.js and npm (SARIF schema validation, peer comparisons) may come from outside Debian's
# archive on some machines: install Debian's only when the commands are missing.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
