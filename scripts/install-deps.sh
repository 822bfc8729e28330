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

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done

# kubectl for the collect tests: Debian's kubernetes-client (kubectl 1.20). Where another package
# already owns /usr/bin/kubectl (some images carry Google's `kubectl` package), dpkg refuses to
# install it over that one; there the same Debian package is unpacked under $debian_kubectl_root
# instead (tests/collect/collect_test.py looks there first), and the machine's kubectl is left
# alone.
debian_kubectl_root=/opt/upcheck/kubernetes-client
unpack_kubectl=false
if ! installed kubernetes-client && [ ! -x "$debian_kubectl_root/usr/bin/kubectl" ]; then
  kubectl_owner=$(dpkg-query -S /usr/bin/kubectl 2>/dev/null | cut -d: -f1 || true)
  if [ -n "$kubectl_owner" ]; then
    unpack_kubectl=true
  else
    missing+=(kubernetes-client)
  fi
fi

if ((${#missing[@]} == 0)) && ! $unpack_kubectl; then
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "upcheck: run as root to install: ${missing[*]} kubernetes-client" >&2; exit 1; }
  sudo=sudo
fi
$sudo apt-get update -qq
if ((${#missing[@]} > 0)); then
  echo "upcheck: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if $unpack_kubectl; then
  echo "upcheck: unpacking Debian's kubernetes-client into $debian_kubectl_root ($kubectl_owner owns /usr/bin/kubectl)" >&2
  download=$(mktemp -d)
  # A fresh mktemp directory is not writable by apt's sandbox user: download as the caller.
  (cd "$download" && $sudo apt-get download -qq -o APT::Sandbox::User=root kubernetes-client)
  $sudo mkdir -p "$debian_kubectl_root"
  $sudo dpkg-deb -x "$download"/kubernetes-client_*.deb "$debian_kubectl_root"
  rm -rf "$download"
fi
