#!/bin/sh
# with-root.sh FIXTURE... -- COMMAND...: build each fixture root (mkroot.sh) under its own name
# in a fresh temporary directory, run COMMAND there (so reports show paths like cp-bad/etc/...),
# remove the directory and exit with COMMAND's status. Outside root it re-runs itself under
# fakeroot when that is installed, since file owners are part of what the tests check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ]; then
	if [ -z "${FAKEROOTKEY:-}" ] && command -v fakeroot >/dev/null 2>&1; then
		exec fakeroot sh "$0" "$@"
	fi
	echo "with-root: file owners can only be set as root or under fakeroot" >&2
	exit 99
fi
tmp=$(mktemp -d)
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	if ! sh "$here/mkroot.sh" "$1" "$tmp/$1"; then
		rm -rf "$tmp"
		exit 99
	fi
	shift
done
[ $# -gt 0 ] && shift
(cd "$tmp" && "$@")
rc=$?
rm -rf "$tmp"
exit $rc
