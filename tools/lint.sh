#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: checkpatch --strict (from Debian's linux-source-6.1) on the
# kernel code, then sparse (C=2) and W=1 builds for every test kernel, a
# DKMS build for each (as make dkms does it, in private trees under build/)
# and vinectl with -Werror. Any warning fails.
set -uo pipefail
cd "$(dirname "$0")/.."

tools/deps.sh || exit 1
status=0

cp=build/checkpatch/scripts/checkpatch.pl
if [ ! -x "$cp" ]; then
	mkdir -p build/checkpatch
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C build/checkpatch \
		--strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' || exit 1
fi
echo "lint: checkpatch --strict"
if ! "$cp" --strict --no-tree --quiet --show-types \
	-f kmod/*.c kmod/*.h kmod/selftest/*.c kmod/selftest/*.h \
	include/uapi/linux/*.h; then
	status=1
fi

for k in $(tools/kernels.sh); do
	echo "lint: sparse (C=2) and W=1 against $k"
	rm -rf "build/lint/$k"
	mkdir -p "build/lint/$k"
	cp -a Kbuild dkms.conf kmod include "build/lint/$k/"
	log=build/lint/$k.log
	# With the selftests (VINE_SELFTEST=y): the production code and theirs.
	make -C "/lib/modules/$k/build" M="$PWD/build/lint/$k" C=2 W=1 \
		VINE_SELFTEST=y modules > "$log" 2>&1 || status=1
	if grep -E 'warning:|error:|note:' "$log"; then
		status=1
	fi
	grep -q 'CHECK.*main.c' "$log" || { echo "lint: sparse did not run for $k"; status=1; }
done

# make dkms's path, without touching the system's DKMS tree: the package
# as make dkms copies it, added and built in private trees per kernel
# (vine.ko, or vine.ko.xz where the kernel compresses its modules). DKMS
# signs what it builds, with the key it makes once in /var/lib/dkms.
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
d=$PWD/build/dkms
rm -rf "$d"
mkdir -p "$d/src/vine-$ver" "$d/tree"
cp -a Kbuild dkms.conf kmod include "$d/src/vine-$ver/"
if ! dkms add --sourcetree "$d/src" --dkmstree "$d/tree" -m vine -v "$ver" \
	>"$d.log" 2>&1; then
	cat "$d.log"
	status=1
fi
for k in $(tools/kernels.sh); do
	echo "lint: dkms build against $k"
	if ! dkms build --sourcetree "$d/src" --dkmstree "$d/tree" -m vine \
		-v "$ver" -k "$k" >>"$d.log" 2>&1 ||
	   ! compgen -G "$d/tree/vine/$ver/$k/x86_64/module/vine.ko*" >/dev/null; then
		tail -n 20 "$d.log"
		status=1
	fi
done

echo "lint: vinectl -Werror"
make -s -C vinectl clean
make -s -C vinectl CFLAGS="-O2 -g -Werror" || status=1

[ "$status" -eq 0 ] && echo "lint: clean"
exit $status
