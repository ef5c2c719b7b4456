#!/bin/sh
# Installs the Debian packages that building, running and testing Atoll need
# (or those of the list file given as $1),
# and nothing when they are all there already. Needs root for apt-get.
set -e
here=$(dirname "$0")
list=${1:-$here/debian-packages.txt}
pkgs=$(grep -v '^#' "$list" | awk '{print $1}' | grep .)
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
