// asm_arm.S: context switching on arm (ARMv7-A, A32, hard float).
// See docs/context-switch.md.
//
// Every asm_<arch>.S defines the same routines in the same order; the C
// prototypes and contracts are in runtime.h.  AAPCS: arguments in r0-r3,
// then on the stack; callee-saved r4-r11 and d8-d15; sp 8-byte aligned at
// public calls.  r12 (ip) is scratch; it is saved only to keep the pushed
// frame a multiple of 8 bytes.  The TLS limit lives at [TPIDRURO + 4].
#include "asm.h"

	.syntax unified
	.arm
	.fpu	vfpv3-d16

	// Everything here may be entered below the stack limit.
	.section .note.GNU-split-stack, "", %progbits

// ---- context switch ----

// SAVECTX buf, tp, scratch: push the callee-saved registers and lr, save
// sp and the TLS limit in the Gobuf at buf; tp is left holding the thread
// pointer.
.macro SAVECTX buf, tp, scratch
	push	{r4-r12, lr}
	vpush	{d8-d15}
	str	sp, [\buf, #GOBUF_SP]
	mrc	p15, 0, \tp, c13, c0, 3
	ldr	\scratch, [\tp, #TLS_LIMIT]
	str	\scratch, [\buf, #GOBUF_LIMIT]
.endm

// LOADCTX buf, tp, scratch: with tp holding the thread pointer, install
// the Gobuf's limit before its stack (so the target never runs under
// another context's limit), switch sp, and pop what SAVECTX pushed,
// returning into the target (pop into pc).
.macro LOADCTX buf, tp, scratch
	ldr	\scratch, [\buf, #GOBUF_LIMIT]
	str	\scratch, [\tp, #TLS_LIMIT]
	ldr	sp, [\buf, #GOBUF_SP]
	vpop	{d8-d15}
	pop	{r4-r12, pc}
.endm

// void rt_switch(Gobuf *save, Gobuf *load)
// Save the running context in *save, then do rt_gogo(load)'s work.
// Clobbers: r0-r3.
TEXT(rt_switch)
	SAVECTX	r0, r2, r3
	LOADCTX	r1, r2, r3
END(rt_switch)

// void rt_gogo(Gobuf *load)  -- does not return
// Load the context and return into it.  (amd64 and 386 jump rather than
// return to keep the return-stack predictor right; arm's pop into pc is
// kept until it can be measured on hardware: qemu timings say nothing.)
TEXT(rt_gogo)
	mrc	p15, 0, r2, c13, c0, 3
	LOADCTX	r0, r2, r3
END(rt_gogo)

// Gobuf *fn(void *); void rt_mcall(Gobuf *save, uintptr stack, fn, void *arg)
// Save the running context as rt_switch does, call fn(arg) on a fresh
// system stack (top = stack) with TLS limit 0, then resume the context fn
// returns.  Every call made on the system stack has returned by then, so
// the final pop into pc, predicted as a return, goes where this
// rt_mcall's caller would have: right when the resumed goroutine stopped
// at the same call site (see asm_amd64.S).
TEXT(rt_mcall)
	SAVECTX	r0, r12, r4
	mov	r4, #0
	str	r4, [r12, #TLS_LIMIT]
	bic	r1, r1, #7
	mov	sp, r1
	mov	r0, r3
	blx	r2
	mrc	p15, 0, r2, c13, c0, 3
	LOADCTX	r0, r2, r3
END(rt_mcall)

// void rt_gobuf_init(Gobuf *buf, uintptr stack, void (*fn)(void *),
//                    void *arg, void (*exit)(void))
// Build, below stack, the 104-byte frame rt_gogo pops: d8-d15 = 0,
// r4 = fn, r5 = arg, r6 = exit, r7-r12 = 0 (r11 = 0 ends frame-pointer
// walks), pc = rt_gostart.
TEXT(rt_gobuf_init)
	push	{r4, lr}
	ldr	r12, [sp, #8]			// exit: the 5th argument
	bic	r1, r1, #7
	sub	r1, r1, #104
	str	r2, [r1, #64]			// r4 = fn
	str	r3, [r1, #68]			// r5 = arg
	str	r12, [r1, #72]			// r6 = exit
	mov	r2, #0
	mov	r3, #0
	mov	r4, r1
	add	lr, r1, #64
1:	strd	r2, r3, [r4], #8		// d8-d15 = 0
	cmp	r4, lr
	bne	1b
	add	r4, r1, #76
	add	lr, r1, #100
2:	str	r2, [r4], #4			// r7-r12 = 0
	cmp	r4, lr
	bne	2b
	ldr	r3, 4f				// position-independent &rt_gostart
3:	add	r3, pc, r3
	str	r3, [r1, #100]			// pc
	str	r1, [r0, #GOBUF_SP]
	pop	{r4, pc}
4:	.word	rt_gostart - (3b + 8)
END(rt_gobuf_init)

// rt_gostart: the first code a new context runs.  Calls fn(arg), then
// exit().  Not callable from C.
TEXT(rt_gostart)
	mov	r0, r5
	blx	r4
	blx	r6
	movw	r0, #0x1002			// exit returned: crash at 0x1002
	str	r0, [r0]
END(rt_gostart)

// ---- system stack ----

// void rt_systemstack(void (*fn)(void *), void *arg, uintptr stack)
// Call fn(arg) on the stack whose top is stack, with TLS limit 0, then
// come back to the caller's stack and limit.
TEXT(rt_systemstack)
	push	{r4, r5, r11, lr}
	add	r11, sp, #8			// frame record
	mrc	p15, 0, r4, c13, c0, 3
	ldr	r5, [r4, #TLS_LIMIT]
	mov	r3, #0
	str	r3, [r4, #TLS_LIMIT]
	bic	r2, r2, #7
	mov	sp, r2
	mov	r3, r0
	mov	r0, r1
	blx	r3
	str	r5, [r4, #TLS_LIMIT]
	sub	sp, r11, #8
	pop	{r4, r5, r11, pc}
END(rt_systemstack)

// ---- split stacks ----

// __morestack: called by a split-stack prologue (LLVM's, A32) that found
// too little room, with r4 = the function's frame size and r5 = the bytes
// of its stack arguments.  The prologue pushed the caller's r4 and r5,
// then lr; our lr points at its tail (ldm sp!,{lr}; pop {r4,r5}; bx lr),
// and the body starts 12 bytes after it with pop {r4,r5}.  Runs the body
// on a new segment and returns to the tail.  See stack.h for the steps.
// Preserves r0-r3 and d0-d7 (arguments, and results on the way out).
//
// Frame on the old segment, from r11 (a frame record):
//   +20 stack arguments   +16 caller's r5   +12 caller's r4
//   +8 function's lr   +4 lr into the prologue   0 saved r11
//   -4..-20 r10..r6   -24..-36 r3..r0   -40 the new segment   -44 old limit
//
// A limit of STACK_PREEMPT is sysmon's request to yield: see asm_amd64.S.
EXPORT(__morestack)
	push	{r11, lr}
	mov	r11, sp
	push	{r0-r3, r6-r10}
	sub	sp, sp, #8
	mrc	p15, 0, r6, c13, c0, 3		// r6 = thread pointer, kept
	ldr	r7, [r6, #TLS_LIMIT]
	str	r7, [r11, #-44]
	cmn	r7, #(-STACK_PREEMPT)			// sysmon asks us to yield
	beq	.Lpreempt
.Lsplit:
	sub	r7, r7, #(SEG_HEADER + STACK_RED)	// r7 = current segment
	cmp	r5, #0
	beq	2f
	ldr	r8, [r7, #SEG_SIZE]			// a C-call gate asks for more
	add	r8, r8, r7				//   arguments than there may
	sub	r8, r8, r11				//   be: no more than up to the
	sub	r8, r8, #20				//   segment's top
	cmp	r5, r8
	movhi	r5, r8
2:	add	r8, r4, r5
	add	r8, r8, #(MORESTACK_EXTRA + SEG_HEADER + STACK_RED)	// need
	ldr	r9, [r7, #SEG_NEXT]
	cmp	r9, #0
	beq	.Lslow
	ldr	r10, [r9, #SEG_SIZE]
	cmp	r8, r10
	bhi	.Lslow
.Lhave:						// r9 = the new segment
	str	r9, [r11, #-40]				// kept for the way back
	str	r11, [r9, #SEG_OLDSP]
	ldr	r10, [r9, #SEG_SIZE]
	add	r10, r10, r9
	sub	r10, r10, r5
	sub	r10, r10, #8
	bic	r10, r10, #7			// new sp: r4, r5, then arguments
	ldr	r0, [r11, #12]
	str	r0, [r10]
	ldr	r0, [r11, #16]
	str	r0, [r10, #4]
	add	r0, r11, #20
	add	r1, r10, #8
	movs	r2, r5
	beq	2f
1:	ldr	r3, [r0], #4
	str	r3, [r1], #4
	subs	r2, r2, #4
	bne	1b
2:	add	r0, r9, #(SEG_HEADER + STACK_RED)
	str	r0, [r6, #TLS_LIMIT]		// limit first, then sp
	mov	sp, r10
	ldr	r0, [r11, #-36]
	ldr	r1, [r11, #-32]
	ldr	r2, [r11, #-28]
	ldr	r3, [r11, #-24]
	ldr	ip, [r11, #4]
	add	ip, ip, #12			// the body
	blx	ip
	// The function returned: results in r0-r3, d0-d7.  Maybe on another
	// thread (the goroutine may have parked and moved): read TPIDRURO anew.
	mrc	p15, 0, r6, c13, c0, 3
	ldr	r7, [r11, #-40]				// r7 = the segment we leave
	ldr	r8, [r11, #-44]
	str	r8, [r6, #TLS_LIMIT]
	sub	sp, r11, #44
	mov	r8, #0
	str	r8, [r7, #SEG_OLDSP]
	ldr	r9, [r7, #SEG_PREV]
	ldr	r9, [r9, #SEG_NEXT]
	cmp	r9, r7				// kept as the cached child?
	bne	.Lrelease
.Ldone:
	mov	r8, #0				// seed 002: no stale values
	str	r8, [r11, #-36]
	str	r8, [r11, #-32]
	str	r8, [r11, #-28]
	str	r8, [r11, #-24]
	sub	ip, r11, #20
	ldm	ip, {r6-r10}
	mov	sp, r11
	pop	{r11, lr}
	bx	lr
.Lrelease:					// rt_lessstack_slow(r7), results kept
	push	{r0-r3}
	vpush	{d0-d7}
	mov	r0, r7
	bl	rt_lessstack_slow
	vpop	{d0-d7}
	pop	{r0-r3}
	b	.Ldone
.Lslow:						// rt_morestack_slow(r7, r8, r11)
	vpush	{d0-d7}
	mov	r0, r7
	mov	r1, r8
	mov	r2, r11
	bl	rt_morestack_slow
	mov	r9, r0
	vpop	{d0-d7}
	b	.Lhave
.Lpreempt:					// rt_morestack_preempt(r11, pc)
	vpush	{d0-d7}
	mov	r0, r11
	ldr	r1, [r11, #4]
	bl	rt_morestack_preempt
	vpop	{d0-d7}
	mrc	p15, 0, r6, c13, c0, 3			// maybe another thread now
	mov	r7, r0
	str	r7, [r11, #-44]				// the real limit, to split from
	add	r8, r11, #12				// sp at the prologue's check
	sub	r8, r8, r4
	cmp	r8, r7
	bls	.Lsplit					// the frame does not fit: split
	sub	ip, r11, #36				// it fits: run the body here
	ldm	ip, {r0-r3, r6-r10}			//   (see asm_amd64.S)
	ldr	ip, [r11, #4]
	add	ip, ip, #12				// the body: pops r4, r5
	ldr	lr, [r11, #8]				// the function's own lr
	add	sp, r11, #12
	ldr	r11, [r11]
	bx	ip
END(__morestack)
TEXT(rt_morestack_end)				// tracebacks: end of __morestack
	bx	lr
END(rt_morestack_end)

// __morestack_non_split: what lld calls instead of __morestack in a
// function that calls code without split-stack prologues.  On arm no
// linker rewrites the prologue's check (gold refuses split objects), so
// the check has already failed: split as usual.
EXPORT(__morestack_non_split)
	b	__morestack
END(__morestack_non_split)

// ---- C-call gates ----

// rt_cgate_pool: CGATE_COUNT gates, CGATE_SIZE bytes apart.  cgate.c points
// the PLT slots of goroutine code at them; gate i jumps to the C function
// in rt_cgate_table at the same offset.  A gate is a split-stack prologue
// (LLVM's shape) with a CGATE_RESERVE-byte frame and a body that is one
// indirect jump: with room, it jumps straight to C; without, __morestack
// runs the jump on a segment with room, copying CGATE_ARGS bytes of stack
// arguments.  Uses only ip besides r4/r5, which it restores.  The jump is a
// load into pc, so a Thumb C library is entered in Thumb state.
	.text
	.balign	CGATE_SIZE
	.globl	rt_cgate_pool
	.hidden	rt_cgate_pool
rt_cgate_pool:
	.rept	CGATE_COUNT
	.balign	CGATE_SIZE
0:	push	{r4, r5}
	mrc	p15, 0, r4, c13, c0, 3
	ldr	r4, [r4, #TLS_LIMIT]
	sub	r5, sp, #CGATE_RESERVE
	cmp	r4, r5
	bcc	1f
	mov	r4, #CGATE_RESERVE
	mov	r5, #CGATE_ARGS
	push	{lr}
	bl	__morestack
	ldm	sp!, {lr}
	pop	{r4, r5}
	bx	lr
1:	pop	{r4, r5}			// the body: lr + 12 from __morestack
	ldr	ip, 4f
3:	add	ip, pc, ip
	ldr	pc, [ip]
4:	.word	rt_cgate_table + (0b - rt_cgate_pool) - (3b + 8)
	.endr
	.balign	CGATE_SIZE
	.size	rt_cgate_pool, . - rt_cgate_pool
	.globl	rt_cgate_pool_end		// cgate.c checks the gates' spacing
	.hidden	rt_cgate_pool_end
rt_cgate_pool_end:

	.bss
	.balign	CGATE_SIZE
	.globl	rt_cgate_table
	.hidden	rt_cgate_table
rt_cgate_table:
	.space	CGATE_COUNT * CGATE_SIZE

// ---- defer frames ----

// int gort_frame_enter(gort_frame *f)  -- returns twice
// Save in f what resuming the caller just after this call needs: the
// callee-saved registers, the caller's sp and resume address, and the TLS
// stack limit (the limit of the segment the caller's frame lies in).
// Returns 0; rt_frame_resume(f) returns from it again with 1.  No stack
// is touched, so it may be called by any frame.  Clobbers: r0, r1.
// FRAME_CTX layout: r4-r11 sp lr limit (pad) d8-d15.
EXPORT(gort_frame_enter)
	stmia	r0, {r4-r11}
	str	sp, [r0, #32]
	str	lr, [r0, #36]
	mrc	p15, 0, r1, c13, c0, 3
	ldr	r1, [r1, #TLS_LIMIT]
	str	r1, [r0, #40]
	add	r1, r0, #48
	vstmia	r1, {d8-d15}
	mov	r0, #0
	bx	lr
END(gort_frame_enter)

// void rt_frame_resume(gort_frame *f)  -- does not return
// Return from f's gort_frame_enter once more, with 1: limit first, then
// the registers and sp.  The frame that called it must still be live.
TEXT(rt_frame_resume)
	mrc	p15, 0, r1, c13, c0, 3
	ldr	r2, [r0, #40]
	str	r2, [r1, #TLS_LIMIT]
	add	r1, r0, #48
	vldmia	r1, {d8-d15}
	ldmia	r0, {r4-r11}
	ldr	sp, [r0, #32]
	ldr	lr, [r0, #36]
	mov	r0, #1
	bx	lr
END(rt_frame_resume)

// ---- small helpers ----

// uintptr rt_getsp(void): the caller's sp at its call.
TEXT(rt_getsp)
	mov	r0, sp
	bx	lr
END(rt_getsp)

// uintptr rt_getlimit(void)
TEXT(rt_getlimit)
	mrc	p15, 0, r0, c13, c0, 3
	ldr	r0, [r0, #TLS_LIMIT]
	bx	lr
END(rt_getlimit)

// void rt_setlimit(uintptr limit)
TEXT(rt_setlimit)
	mrc	p15, 0, r1, c13, c0, 3
	str	r0, [r1, #TLS_LIMIT]
	bx	lr
END(rt_setlimit)

// uintptr *rt_limitslot(void): the address of this thread's TLS limit,
// for sysmon to poison.
TEXT(rt_limitslot)
	mrc	p15, 0, r0, c13, c0, 3
	add	r0, r0, #TLS_LIMIT
	bx	lr
END(rt_limitslot)

// void rt_entersyscall(void): store the callee-saved registers as the
// caller left them (they may hold the only references to heap objects
// while the call blocks), then rt_entersyscall0(regs, caller's sp).
TEXT(rt_entersyscall)
	push	{r3-r11, lr}
	add	r0, sp, #4
	add	r1, sp, #40
	bl	rt_entersyscall0
	pop	{r3-r11, pc}
END(rt_entersyscall)

// void rt_procyield(uint32 n): n spin-wait hints.
TEXT(rt_procyield)
	cmp	r0, #0
	beq	2f
1:	yield
	subs	r0, r0, #1
	bne	1b
2:	bx	lr
END(rt_procyield)

	.section .note.GNU-stack, "", %progbits
