#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that building, testing, linting and the VM
# runner need, if they are missing: a fresh Debian 12 machine, as root.
# The 6.12 kernel is the newest linux-image-6.12.*+deb12-amd64 that the
# archive offers with its headers.
#
#   tools/deps.sh          what make check, demo and lint need (perf: the
#                          smoke run of the large tables' look-up share)
#   tools/deps.sh bench    and what make bench adds (gnuplot)
#   tools/deps.sh debug    and what building the debug kernel adds
set -euo pipefail

pkgs=(
	gcc make pkg-config libnl-3-dev libnl-genl-3-dev libsodium-dev
	linux-image-amd64 linux-headers-amd64 linux-source-6.1 sparse
	qemu-system-x86 busybox-static kmod cpio xz-utils zstd
	iproute2 iputils-ping nftables conntrack iperf3 tcpdump ethtool python3 procps util-linux
	wireguard-tools linux-perf dkms
)
[ "${1:-}" = bench ] && pkgs+=(gnuplot-nox)
# The debug kernel (tools/debug-kernel.sh) is built from linux-source-6.1.
[ "${1:-}" = debug ] && pkgs+=(bc bison flex libelf-dev libssl-dev ccache)

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

have_612() {
	local k
	for k in /boot/vmlinuz-6.12.*+deb12-amd64; do
		[ -e "$k" ] && [ -e "/lib/modules/${k#/boot/vmlinuz-}/build/Makefile" ] && return 0
	done
	return 1
}

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
have_612 || missing+=(linux-6.12)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}: run as root (or apt-get install them)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ! have_612; then
	# Newest 6.12 whose image and headers are both in the archive.
	v=$(comm -12 \
		<(apt-cache search --names-only '^linux-image-6\.12\..*\+deb12-amd64$' | cut -d' ' -f1 | sed 's/^linux-image-//' | sort) \
		<(apt-cache search --names-only '^linux-headers-6\.12\..*\+deb12-amd64$' | cut -d' ' -f1 | sed 's/^linux-headers-//' | sort) |
		sort -V | tail -n 1)
	[ -n "$v" ] || { echo "deps: no linux-image-6.12.*+deb12-amd64 in the archive" >&2; exit 1; }
	pkgs+=("linux-image-$v" "linux-headers-$v")
fi
apt-get install -y -q --no-install-recommends "${pkgs[@]}" >&2
