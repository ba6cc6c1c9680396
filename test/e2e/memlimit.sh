#!/bin/sh
# memlimit.sh MEMHOG MODE: memhog under a 256 MB address-space limit keeps
# 100 MB live, and dies cleanly when it needs 400 MB more.  MODE is
# "prlimit" (the kernel's RLIMIT_AS) or "knob" (GORT_DEBUG=memlimit, the
# only limit under qemu-user, which ignores RLIMIT_AS).
prog=$1 mode=$2 limit=268435456
run() {
	if [ "$mode" = prlimit ]; then
		prlimit --as=$limit ${E2E_EXE_WRAPPER:-} "$prog" "$@"
	else
		GORT_DEBUG=memlimit=$limit ${E2E_EXE_WRAPPER:-} "$prog" "$@"
	fi
}
out=$(run 100 0 2>&1); st=$?
[ $st -eq 0 ] && [ "$out" = "kept 100 MB live
allocated 0 MB more" ] || { echo "100 MB live: status $st"; echo "$out"; exit 1; }
out=$(run 100 400 2>&1); st=$?
echo "$out" | grep -q "^kept 100 MB live$" &&
	echo "$out" | grep -q "^runtime: out of memory: cannot allocate 1048576-byte block" &&
	echo "$out" | grep -q "^fatal error: out of memory$" &&
	[ $st -eq 2 ] || { echo "400 MB more: status $st"; echo "$out"; exit 1; }
echo "ok: $mode"
