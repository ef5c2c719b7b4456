#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`: run every bench/*/run.sh in turn; fail if any fails.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
rc=0
for b in bench/*/run.sh; do
	[ -x "$b" ] || continue
	echo "######## $b"
	"$b" || { echo "######## $b failed" >&2; rc=1; }
done
exit $rc
