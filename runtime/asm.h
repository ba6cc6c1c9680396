// asm.h: what the assembly files share with C.
//
// Offsets of struct fields the assembly reads, in bytes; runtime.c ties
// each to offsetof() on the real struct with _Static_assert, so a change to
// a struct that the assembly does not know about fails the build.  Also the
// macros that open and close an assembly routine.
#ifndef GORT_ASM_H
#define GORT_ASM_H

#include "arch.h"

#define GOBUF_SP        0
#define GOBUF_LIMIT     PTRSIZE

// M (runtime.h): the top of its system stack, where amd64's __morestack
// makes its C calls.
#define M_SYSSTACKTOP   PTRSIZE

// Segment (stack.h): the header at the base of every stack segment.
#define SEG_SIZE        0
#define SEG_NEXT        PTRSIZE
#define SEG_OLDSP       (2 * PTRSIZE)
#define SEG_PREV        (3 * PTRSIZE)
#define SEG_HEADER      (8 * PTRSIZE)   // sizeof(Segment), rounded to 16
// The stack limit sysmon stores to preempt a goroutine (proc.h): above
// every stack pointer, so the next split-stack prologue calls __morestack.
// Its negation is an arm immediate.
#define STACK_PREEMPT   (-0x500)
// What a new segment needs beyond the frame and the stack arguments: the
// return address __morestack pushes, and alignment.
#define MORESTACK_EXTRA 32

// C-call gates (cgate.c): CGATE_COUNT gates of CGATE_SIZE bytes each.  A
// gate makes sure of CGATE_RESERVE bytes of stack before it enters C, and
// copies CGATE_ARGS bytes of stack arguments when it has to split (no more
// than the segment holds above the caller's frame: __morestack clamps it).
#define CGATE_COUNT     1024
#define CGATE_RESERVE   61440
#define CGATE_ARGS      128

#ifdef __ASSEMBLER__
// A routine with hidden visibility: callable from the runtime, not exported.
#define TEXT(name) \
	.text; .balign 16; .globl name; .hidden name; .type name, %function; name:
// A routine exported from libgort (the compiler ABI: __morestack & co).
#define EXPORT(name) \
	.text; .balign 16; .globl name; .type name, %function; name:
#define END(name) .size name, . - name
#endif

#endif
