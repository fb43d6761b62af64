#!/bin/sh
# Install the Debian packages kguard needs to build and test, only those missing.
set -e
PKGS="make gcc clang pkg-config libyaml-dev libjsmn-dev libmicrohttpd-dev libgnutls28-dev libpcre2-dev
libclang-rt-14-dev curl openssl python3 wrk hyperfine time valgrind"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
