#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER OUTFILE [MODDIR] - build the tiny initramfs used by tools/vm/run:
# busybox-static, tools/vm/init and the (decompressed) modules needed to mount
# the host's root over 9p with an overlay on top, in dependency order.
set -euo pipefail

kver=$1 out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
moddir=${3:-/lib/modules/$kver}
want=(virtio_pci 9pnet 9pnet_virtio 9p overlay)

[[ -r $moddir/modules.dep ]] || { echo "vm: no $moddir/modules.dep" >&2; exit 1; }
busybox=$(command -v busybox.static || echo /bin/busybox)
ldd "$busybox" >/dev/null 2>&1 &&	# ldd fails on static binaries
	{ echo "vm: $busybox is not static (install busybox-static)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,lib/modules,lower,rw,newroot}
cp "$busybox" "$tmp/bin/busybox"
cp "$here/init" "$tmp/init"
chmod 755 "$tmp/init"

# "kernel/fs/9p/9p.ko.xz: dep1 dep2": path -> deps, and module name -> path
# (dashes and underscores in names are equivalent).
declare -A deps=() byname=() seen=()
while IFS=: read -r path rest; do
	deps[$path]=${rest# }
	name=${path##*/}; name=${name%%.ko*}
	byname[${name//-/_}]=$path
done <"$moddir/modules.dep"

order=()
visit() {	# depth-first: dependencies first
	local path=$1 d
	[[ -n ${seen[$path]:-} ]] && return
	seen[$path]=1
	for d in ${deps[$path]}; do visit "$d"; done
	order+=("$path")
}

for m in "${want[@]}"; do
	path=${byname[${m//-/_}]:-}
	if [[ -n $path ]]; then
		visit "$path"
	elif ! grep -qE "/${m}\.ko\$" "$moddir/modules.builtin"; then
		echo "vm: module $m neither in modules.dep nor built in ($kver)" >&2
		exit 1
	fi
done

for path in "${order[@]}"; do
	base=${path##*/}; dst=$tmp/lib/modules/${base%%.ko*}.ko
	case $path in
	*.ko.xz)  xz -dc "$moddir/$path" >"$dst" ;;
	*.ko.zst) zstd -qdc "$moddir/$path" >"$dst" ;;
	*.ko.gz)  gzip -dc "$moddir/$path" >"$dst" ;;
	*)        cp "$moddir/$path" "$dst" ;;
	esac
	echo "${dst##*/}" >>"$tmp/modules.order"
done
touch "$tmp/modules.order"

mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) \
	| gzip -1 >"$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"	# atomic: concurrent runs may race here
