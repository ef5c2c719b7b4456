#!/bin/sh
# Installs the Debian packages that building, running and testing Atoll need,
# and nothing when they are all there already. Needs root for apt-get.
set -e
here=$(dirname "$0")
pkgs=$(grep -v '^#' "$here/debian-packages.txt" | awk '{print $1}' | grep .)
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
