#!/usr/bin/env bash
# Builds the JRE base image as a tar for Jib's offline build (tar://), where no image registry is reachable:
# a minimal Debian bookworm root file system with openjdk-17-jre-headless, made by debootstrap from the Debian
# package mirror and imported into podman. In the real world the base is eclipse-temurin:17-jre from a registry.
# Needs root, debootstrap and podman (apt-get install debootstrap podman runc). Usage: build-base.sh OUTPUT.tar
set -euo pipefail
out=${1:?usage: build-base.sh OUTPUT.tar}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
image=localhost/dataflux-base-jre17:bookworm

rootfs=$(mktemp -d /tmp/dataflux-base-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$rootfs" "$mirror"
# the apt lists and caches are not needed at run time
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
# the JRE's directory inside the image (the alternatives links are absolute, so not resolved on this host)
java_home=$(cd "$rootfs" && ls -d usr/lib/jvm/java-17-openjdk-* | head -1)
java_home=/$java_home
tar -C "$rootfs" -c . | podman import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV JAVA_HOME=$java_home" \
  --change "ENV LANG=C.UTF-8" \
  - "$image"
mkdir -p "$(dirname "$out")"
rm -f "$out"
podman save --format docker-archive -o "$out" "$image"
echo "base image $image saved to $out ($(du -h "$out" | cut -f1))"
