/* gort/abi.h: the contract between gort and code a compiler generates.
 *
 * Versioned: GORT_ABI_VERSION changes whenever anything below changes
 * meaning.  Until 1 it is a draft that may change in any release.
 *
 * Stack limit.  Goroutine code is compiled with split-stack prologues
 * (-fsplit-stack).  A prologue compares its stack pointer, less its frame,
 * with the current stack limit, which gort keeps where the compilers
 * expect it, in the thread control block:
 *     amd64   %fs:0x70
 *     386     %gs:0x30
 *     arm     [TPIDRURO + 4]   (A32 code only)
 * gort writes the limit on every goroutine switch, before it switches the
 * stack.  The morestack protocol that runs when the check fails is
 * documented in docs/stacks.md with the split-stack implementation.
 */
#ifndef GORT_ABI_H
#define GORT_ABI_H

#include <gort.h>

#define GORT_ABI_VERSION 0

#endif
