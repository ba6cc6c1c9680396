// regs_arm.S: test helper for test-context.  Every regs_<arch>.S defines
// the same routine.
//
// uintptr test_regswitch(Gobuf *save, Gobuf *load, uintptr seed)
// Fill every callee-saved register (r4-r11, d8-d15) with seed+k,
// rt_switch(save, load), and when resumed return 0 if every one still
// holds its value (non-zero otherwise).
#include "asm.h"

	.syntax unified
	.arm
	.fpu	vfpv3-d16

TEXT(test_regswitch)
	push	{r4-r12, lr}
	vpush	{d8-d15}
	push	{r2, r3}		// seed (r3: padding to 8 bytes)
	mov	r4, r2
	add	r5, r2, #1
	add	r6, r2, #2
	add	r7, r2, #3
	add	r8, r2, #4
	add	r9, r2, #5
	add	r10, r2, #6
	add	r11, r2, #7
	vmov	d8, r4, r5
	vmov	d9, r5, r6
	vmov	d10, r6, r7
	vmov	d11, r7, r8
	vmov	d12, r8, r9
	vmov	d13, r9, r10
	vmov	d14, r10, r11
	vmov	d15, r11, r4
	bl	rt_switch
	pop	{r2, r3}
	mov	r0, #0
	add	r3, r2, #0			// r4 == seed + 0?
	eor	r1, r4, r3
	orr	r0, r0, r1
	add	r3, r2, #1			// r5 == seed + 1?
	eor	r1, r5, r3
	orr	r0, r0, r1
	add	r3, r2, #2			// r6 == seed + 2?
	eor	r1, r6, r3
	orr	r0, r0, r1
	add	r3, r2, #3			// r7 == seed + 3?
	eor	r1, r7, r3
	orr	r0, r0, r1
	add	r3, r2, #4			// r8 == seed + 4?
	eor	r1, r8, r3
	orr	r0, r0, r1
	add	r3, r2, #5			// r9 == seed + 5?
	eor	r1, r9, r3
	orr	r0, r0, r1
	add	r3, r2, #6			// r10 == seed + 6?
	eor	r1, r10, r3
	orr	r0, r0, r1
	add	r3, r2, #7			// r11 == seed + 7?
	eor	r1, r11, r3
	orr	r0, r0, r1
	// The integer registers are right (or r0 already says not); each d
	// register must still equal the pair it was made from.
#define CHECKD(d, lo, hi) vmov r1, r3, d; eor r1, r1, lo; orr r0, r0, r1; eor r3, r3, hi; orr r0, r0, r3
	CHECKD(d8, r4, r5)
	CHECKD(d9, r5, r6)
	CHECKD(d10, r6, r7)
	CHECKD(d11, r7, r8)
	CHECKD(d12, r8, r9)
	CHECKD(d13, r9, r10)
	CHECKD(d14, r10, r11)
	CHECKD(d15, r11, r4)
	vpop	{d8-d15}
	pop	{r4-r12, pc}
END(test_regswitch)

	.section .note.GNU-stack, "", %progbits
