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

// ---- context switch ----

// void rt_switch(Gobuf *save, Gobuf *load)
// Push the callee-saved registers and lr, save sp and the TLS limit in
// *save, then do rt_gogo(load)'s work.  Clobbers: r0-r3.
TEXT(rt_switch)
	push	{r4-r12, lr}
	vpush	{d8-d15}
	str	sp, [r0, #GOBUF_SP]
	mrc	p15, 0, r2, c13, c0, 3		// r2 = thread pointer
	ldr	r3, [r2, #TLS_LIMIT]
	str	r3, [r0, #GOBUF_LIMIT]
	ldr	r3, [r1, #GOBUF_LIMIT]		// rt_gogo's body, load in r1
	str	r3, [r2, #TLS_LIMIT]
	ldr	sp, [r1, #GOBUF_SP]
	vpop	{d8-d15}
	pop	{r4-r12, pc}
END(rt_switch)

// void rt_gogo(Gobuf *load)  -- does not return
// Install load's limit before its stack (so the target never runs under
// another context's limit), switch sp, pop what rt_switch pushed, return
// into the target.  (amd64 and 386 jump rather than return to keep the
// return-stack predictor right; arm's pop into pc is kept until it can be
// measured on hardware: qemu timings say nothing.)
TEXT(rt_gogo)
	mrc	p15, 0, r2, c13, c0, 3
	ldr	r3, [r0, #GOBUF_LIMIT]
	str	r3, [r2, #TLS_LIMIT]
	ldr	sp, [r0, #GOBUF_SP]
	vpop	{d8-d15}
	pop	{r4-r12, pc}
END(rt_gogo)

// void rt_mcall(Gobuf *save, uintptr stack, void (*fn)(void *), void *arg)
// Save the running context as rt_switch does, then call fn(arg) on a fresh
// system stack (top = stack) with TLS limit 0.  fn must not return.
TEXT(rt_mcall)
	push	{r4-r12, lr}
	vpush	{d8-d15}
	str	sp, [r0, #GOBUF_SP]
	mrc	p15, 0, r12, c13, c0, 3
	ldr	r4, [r12, #TLS_LIMIT]
	str	r4, [r0, #GOBUF_LIMIT]
	mov	r4, #0
	str	r4, [r12, #TLS_LIMIT]
	bic	r1, r1, #7
	mov	sp, r1
	mov	r0, r3
	blx	r2
	movw	r0, #0x1001			// fn returned: crash at 0x1001
	str	r0, [r0]
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
