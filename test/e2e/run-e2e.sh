#!/bin/sh
# run-e2e.sh PROGRAM GOLDEN [STATUS]: run PROGRAM (through
# $E2E_EXE_WRAPPER, set for cross builds), compare its stdout with GOLDEN and its exit
# status with STATUS (default 0).
prog=$1 golden=$2 want=${3:-0}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
${E2E_EXE_WRAPPER:-} "$prog" >"$out"
st=$?
if [ "$st" -ne "$want" ]; then
	echo "exit status $st, want $want"; cat "$out"; exit 1
fi
diff -u "$golden" "$out"
