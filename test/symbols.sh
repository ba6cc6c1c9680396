#!/bin/sh
# symbols.sh LIB: fail if LIB exports a name outside gort's namespace
# (besides the compiler ABI's __morestack family and, on arm, the EABI's
# division-by-zero hooks, which gort provides as panics).
lib=$1
nm=$(command -v llvm-nm-14 || command -v nm)
syms=$("$nm" -D --defined-only "$lib" | awk '{print $NF}') || exit 1
[ -n "$syms" ] || { echo "no exported symbols read from $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -Ev '^(gort_|__morestack|__aeabi_[il]div0$)' \
	| grep -Ev '^(_init|_fini|_edata|_end|__bss_start|__end__|__bss_end__|_bss_end__|__bss_start__)$')
if [ -n "$bad" ]; then
	echo "exported outside the gort_ namespace:"; printf '  %s\n' $bad
	exit 1
fi
echo "$(printf '%s\n' "$syms" | grep -c '^gort_') gort_ symbols exported, nothing else"
