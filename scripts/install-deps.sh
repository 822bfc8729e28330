#!/usr/bin/env bash
# Installs what upcheck needs to build and test, from Debian 12's own packages, and only what is
# missing (so it is quick, and offline, when everything is there). Run as root, or with sudo.
set -euo pipefail

packages=(
  g++ clang-14 libclang-rt-14-dev meson ninja-build pkg-config ccache
  libyaml-dev libyaml-cpp-dev nlohmann-json3-dev libfmt-dev libcxxopts-dev doctest-dev
  libsimdjson-dev zlib1g-dev
  python3 python3-jsonschema python3-yaml time
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "upcheck: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "upcheck: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
