#!/bin/sh
# mkroot.sh FIXTURE DEST: copy the fixture root tests/node/FIXTURE to DEST and give its files the
# modes and owners git cannot keep: directories 755, files 600, owner 0:0, then the overrides in
# FIXTURE.modes ("MODE UID:GID PATH" lines, PATH relative to the root). Owners need root (or
# fakeroot). Symlinks are copied as they are and never chmod'ed (they may point outside DEST).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
name=$1
dest=$2
src="$here/$name"
[ -d "$src" ] || { echo "mkroot: no fixture '$name' in $here" >&2; exit 2; }
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$src/." "$dest/"
find "$dest" -type d -exec chmod 755 {} +
find "$dest" -type f -exec chmod 600 {} +
if ! chown -R -h 0:0 "$dest" 2>/dev/null; then
	echo "mkroot: setting file owners needs root (run the tests as root or under fakeroot)" >&2
	exit 2
fi
if [ -f "$here/$name.modes" ]; then
	grep -v '^#' "$here/$name.modes" | while read -r mode owner path; do
		[ -n "$mode" ] || continue
		if [ -L "$dest/$path" ] || [ ! -e "$dest/$path" ]; then
			echo "mkroot: $name.modes: '$path' is missing or a symlink" >&2
			exit 2
		fi
		chmod "$mode" "$dest/$path"
		chown "$owner" "$dest/$path"
	done
fi
