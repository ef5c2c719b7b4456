#!/bin/sh
# `make up`: run a server with its embedded store in the foreground.
set -e
dir=${ATOLL_DATA_DIR:-/var/lib/atoll}
# All addresses, as kube-apiserver: pods reach it through the kubernetes Service (10.96.0.1), other
# hosts' agents join through it. ATOLL_LISTEN=127.0.0.1:6443 keeps it on this machine.
listen=${ATOLL_LISTEN:-0.0.0.0:6443}
# The local node gets the pod network (bridge atoll0, routes, nftables); ATOLL_POD_NETWORK=0 turns it off.
net=--pod-network
[ "${ATOLL_POD_NETWORK:-1}" = 0 ] && net=
exec "$(dirname "$0")/../build/atoll" server --data-dir "$dir" --listen "$listen" $net
