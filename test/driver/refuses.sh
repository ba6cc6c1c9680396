#!/bin/sh
# refuses.sh GORTCC SOURCE: gortcc must fail on SOURCE and say why.
out=$(sh "$1" -c "$2" -o /dev/null 2>&1) && { echo "gortcc accepted $2"; exit 1; }
echo "$out"
echo "$out" | grep -q "variadic function format (.* bytes): split-stack code cannot check a variadic frame"
