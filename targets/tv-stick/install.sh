#!/bin/sh
# Installs the wasp TV-stick package this script sits in (POSIX sh: busybox ash,
# dash). Every file is checked against SHA256SUMS first; on a mismatch nothing is
# installed and the script exits with 1.
#
#   install.sh [--root DIR] [--init systemd|sysv|none]
#
#   DIR/usr/bin/tv-stick                 the firmware (finds its libraries in ../lib/wasp)
#   DIR/usr/lib/wasp/*.so*               the libraries it needs besides glibc
#   DIR/usr/share/wasp/wasp-tv.wasm      the TV player module
#   DIR/etc/wasp/tv-stick.conf           the configuration (an existing one is kept)
#   DIR/etc/init.d/wasp-tv-stick         --init sysv (with the S90wasp-tv-stick link
#                                        busybox's rcS starts)
#   DIR/lib/systemd/system/wasp-tv-stick.service   --init systemd
#   DIR/var/lib/wasp                     state: the key-value file, local media
#
# Without --init: systemd when DIR has systemd, else sysv when DIR has
# /etc/init.d, else none. glibc is not in the package: the device provides it
# (MANIFEST's requires_glibc is the oldest that works).
set -eu

usage() {
  echo "usage: install.sh [--root DIR] [--init systemd|sysv|none]" >&2
  exit 2
}

root=
init=
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || usage; root=$2; shift 2 ;;
    --root=*) root=${1#--root=}; shift ;;
    --init) [ $# -ge 2 ] || usage; init=$2; shift 2 ;;
    --init=*) init=${1#--init=}; shift ;;
    -h|--help) usage ;;
    *) echo "install.sh: unknown argument: $1" >&2; usage ;;
  esac
done
case "$init" in
  ''|systemd|sysv|none) ;;
  *) echo "install.sh: --init must be systemd, sysv or none, not $init" >&2; usage ;;
esac
root=${root%/}

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
if ! command -v sha256sum >/dev/null 2>&1; then
  echo "install.sh: sha256sum is missing: cannot verify the package, nothing installed" >&2
  exit 1
fi
if ! checked=$(sha256sum -c SHA256SUMS 2>&1); then
  echo "$checked" | grep -v ': OK$' >&2 || true
  echo "install.sh: the package does not match SHA256SUMS (damaged or altered): nothing installed" >&2
  exit 1
fi

if [ -z "$init" ]; then
  if [ -d "$root/run/systemd/system" ] || [ -x "$root/lib/systemd/systemd" ] || [ -x "$root/usr/lib/systemd/systemd" ]; then
    init=systemd
  elif [ -d "$root/etc/init.d" ]; then
    init=sysv
  else
    init=none
  fi
fi

# install_file SOURCE DEST MODE: copied beside DEST, then renamed over it (a
# running binary is replaced, not overwritten).
install_file() {
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2.new.$$"
  chmod "$3" "$2.new.$$"
  mv -f "$2.new.$$" "$2"
}

install_file bin/tv-stick "$root/usr/bin/tv-stick" 755
mkdir -p "$root/usr/lib/wasp"
for lib in lib/*.so*; do
  [ -e "$lib" ] || continue
  install_file "$lib" "$root/usr/lib/wasp/${lib#lib/}" 644
done
install_file share/wasp/wasp-tv.wasm "$root/usr/share/wasp/wasp-tv.wasm" 644
if [ -e "$root/etc/wasp/tv-stick.conf" ]; then
  echo "install.sh: kept the existing $root/etc/wasp/tv-stick.conf"
else
  install_file etc/wasp/tv-stick.conf "$root/etc/wasp/tv-stick.conf" 644
fi
case "$init" in
  sysv)
    install_file etc/init.d/wasp-tv-stick "$root/etc/init.d/wasp-tv-stick" 755
    ln -sf wasp-tv-stick "$root/etc/init.d/S90wasp-tv-stick"
    ;;
  systemd)
    install_file lib/systemd/system/wasp-tv-stick.service \
      "$root/lib/systemd/system/wasp-tv-stick.service" 644
    ;;
esac
mkdir -p "$root/var/lib/wasp/media"
echo "install.sh: installed $(sed -n 's/^name=//p' MANIFEST) $(sed -n 's/^version=//p' MANIFEST) ($(sed -n 's/^arch=//p' MANIFEST)) into ${root:-/} (init: $init)"
