#!/usr/bin/env bash
# Installs what a jkata host needs, idempotently: QEMU, static busybox, crun, e2fsprogs, kmod, cpio,
# util-linux (setpriv), and a JDK with jmods (jlink) and Maven for building; for the tests, a registry
# (docker-registry), skopeo, htpasswd and openssl.
# As root it runs apt-get; as anyone else it prints the exact apt-get line and exits non-zero.
# A second run finds everything present and returns in well under a second.
set -euo pipefail

# command → Debian package that provides it
declare -A NEEDS=(
  [qemu-system-x86_64]=qemu-system-x86
  [busybox]=busybox-static
  [crun]=crun
  [mkfs.ext4]=e2fsprogs
  [depmod]=kmod
  [cpio]=cpio
  [setpriv]=util-linux
  [dpkg-deb]=dpkg
  [mvn]=maven
)

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }

missing=()
for cmd in "${!NEEDS[@]}"; do
  have "$cmd" || missing+=("${NEEDS[$cmd]}")
done
# busybox must be the static build: the guest has no libc for a dynamic one.
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
# Tests only: a peer of another user speaks to a socket through Debian's python3 (any user can run it).
[ -x /usr/bin/python3 ] || missing+=(python3-minimal)
# Tests only: a real registry (started by the tests on loopback), skopeo to push the images they build, htpasswd
# for its Basic auth, openssl for its TLS certificates.
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
have skopeo || missing+=(skopeo)
have htpasswd || missing+=(apache2-utils)
have openssl || missing+=(openssl)
# Tests only: the container engines kata-runtime serves (started by the tests on private roots and sockets):
# podman with conmon, containerd with ctr and the runc shim (containerd-shim-runc-v2), and runc itself.
have podman || missing+=(podman)
have conmon || missing+=(conmon)
have containerd || missing+=(containerd)
have runc || missing+=(runc)
# The default guest kernel is fetched with apt-get download, which needs apt's package lists.
need_lists=0
apt-cache show --no-all-versions linux-image-amd64 >/dev/null 2>&1 || need_lists=1
# jlink and the jmods it links from (a JRE or a JDK without jmods cannot make the guest runtime).
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent/bin/javac)")")")
if [ ! -x "$java_home/bin/jlink" ] || [ ! -f "$java_home/jmods/java.base.jmod" ]; then
  missing+=(openjdk-17-jdk-headless openjdk-17-jmods)
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_lists -eq 0 ]; then
  echo "setup-host: everything is installed"
  exit 0
fi
if [ ${#missing[@]} -eq 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-host: apt's package lists are empty, so the guest kernel cannot be fetched; run: sudo apt-get update" >&2
    exit 1
  fi
  apt-get update -qq
  echo "setup-host: done (package lists updated)"
  exit 0
fi

# de-duplicate
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-host: missing packages: ${missing[*]}" >&2
  echo "setup-host: run this as root, then run me again:" >&2
  echo "    sudo apt-get update && sudo $line" >&2
  exit 1
fi

echo "setup-host: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
$line -qq
echo "setup-host: done"
