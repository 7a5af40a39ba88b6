#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/debug-kernel.sh - the debug kernel of make check-debug: Debian's
# linux-source-6.1 configured from `make allnoconfig` and
# tools/vm/debug.config (KASAN, kmemleak, lockdep, UBSAN, debug objects,
# everything built in), built once and cached outside the checkout.
# Prints the directory that holds it:
#
#   DIR/kernelrelease        its `uname -r`
#   DIR/bzImage              booted by tools/vm/run --kernel-dir (not PVH:
#                            KASAN's early shadow set-up dies there)
#   DIR/build/               the build tree: make -C DIR/build M=... modules
#   DIR/lib/modules/KVER/    modules.builtin and friends (modprobe in guests)
#
# The cache is $VINE_CACHE (default /var/cache/vine, or ~/.cache/vine when
# that is not writable), one directory per source version and fragment:
# a changed fragment or a new linux-source-6.1 builds afresh. ccache keeps
# the objects of earlier builds.
set -euo pipefail
cd "$(dirname "$0")/.."

frag=$PWD/tools/vm/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
[ -r "$tarball" ] || { echo "debug-kernel: no $tarball (tools/deps.sh debug)" >&2; exit 1; }

cache=${VINE_CACHE:-/var/cache/vine}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	cache=$HOME/.cache/vine
	mkdir -p "$cache"
fi
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$srcver-$(sha256sum "$frag" | cut -c1-12)
dir=$cache/debug-kernel/$key
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

log=$cache/debug-kernel/$key.log
echo "debug-kernel: building $key (log: $log)" >&2
rm -rf "$dir"
mkdir -p "$dir/build"
exec 3>&2 4>&1 2>"$log" >&2
start=$(date +%s)

src=$cache/src/$srcver
if [ ! -e "$src/.extracted" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.extracted"
fi

export CCACHE_DIR=$cache/ccache CCACHE_MAXSIZE=4G CCACHE_BASEDIR=$cache
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
kmake() {
	make -C "$src" O="$dir/build" CC="$cc" LOCALVERSION=-vine-debug \
		KBUILD_BUILD_TIMESTAMP="Debian $srcver" -j"$(nproc)" "$@"
}

kmake allnoconfig
(cd "$dir/build" && "$src/scripts/kconfig/merge_config.sh" -m .config "$frag")
kmake olddefconfig
# Every line of the fragment must have held: an option that changed name
# or lost a dependency would otherwise vanish without a word.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=n) opt=${line%%=*}
		grep -q "^$opt=" "$dir/build/.config" && { echo "debug-kernel: $line not held" >&3; bad=1; } ;;
	CONFIG_*=*) grep -qxF "$line" "$dir/build/.config" ||
		{ echo "debug-kernel: $line not held: $(grep "^${line%%=*}=\|^# ${line%%=*} " "$dir/build/.config")" >&3; bad=1; } ;;
	esac
done <"$frag"
[ "$bad" -eq 0 ] || { echo "debug-kernel: the fragment does not hold (see above)" >&3; exit 1; }

kmake all
kmake INSTALL_MOD_PATH="$dir" modules_install
kver=$(kmake -s kernelrelease)
echo "$kver" >"$dir/kernelrelease"
ln -sf build/arch/x86/boot/bzImage "$dir/bzImage"
echo "debug-kernel: $kver built in $(( $(date +%s) - start )) s" >&3
touch "$dir/done"
# Earlier keys' builds and other sources' trees are of no more use.
find "$cache/debug-kernel" -mindepth 1 -maxdepth 1 ! -name "$key" ! -name "$key.log" \
	-exec rm -rf {} +
find "$cache/src" -mindepth 1 -maxdepth 1 ! -name "$srcver" -exec rm -rf {} +
echo "$dir" >&4
