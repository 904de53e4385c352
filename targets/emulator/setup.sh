#!/usr/bin/env bash
# Installs what wasp-emu needs on a fresh Debian/Ubuntu machine: libavcodec and its
# development files (found with pkg-config when ffmpeg-sys-next is built, loaded as
# shared libraries when the binary runs), libclang (for bindgen at build time) and
# ALSA's (the sound card of real-time runs).
# `ffmpeg` itself is only needed to regenerate the samples (samples/make.sh).
#
# Idempotent: packages already installed are left alone and nothing is fetched.
# Runs apt-get as root, or through sudo otherwise. Headless runs need no display
# and no X11 package; `--window` loads libX11 and libxkbcommon at run time and needs
# nothing at build time (pass --window to install those run-time libraries too).
set -euo pipefail

PACKAGES=(libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libclang-dev pkg-config libasound2-dev)
if [ "${1:-}" = "--window" ]; then
  PACKAGES+=(libx11-6 libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "wasp-emu setup: everything is installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null; then
  SUDO=(sudo)
else
  echo "wasp-emu setup: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "wasp-emu setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
