#!/bin/sh
# Runs each C unit-test binary and prints one summary line for them all.
pass=0; fail=0; bad=""
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	echo "$out" | tail -n 20
	p=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -n1)
	f=$(echo "$out" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -n1)
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
	[ $rc -ne 0 ] && { bad="$bad $t"; [ "${f:-0}" = 0 ] && fail=$((fail + 1)); }
done
echo "unit: $pass passed, $fail failed"
[ -z "$bad" ] || { echo "failing unit tests:$bad"; exit 1; }
