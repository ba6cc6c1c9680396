// sys_linux_arm.S: the kernel's door on arm (EABI).  See docs/os.md.
//
// Every sys_linux_<arch>.S defines the same routines in the same order.
// The kernel takes the call number in r7 and arguments in r0-r5 through
// `svc #0`; the result, or -errno, comes back in r0.  r4, r5 and r7 are
// callee-saved in C, so they are kept.
#include "asm.h"

	.syntax unified
	.arm

// intptr rt_syscall6(intptr nr, intptr a1, ..., intptr a6)
// C passes nr, a1-a3 in r0-r3 and a4-a6 on the stack.
TEXT(rt_syscall6)
	mov	ip, sp
	push	{r4, r5, r7, lr}
	mov	r7, r0
	mov	r0, r1
	mov	r1, r2
	mov	r2, r3
	ldm	ip, {r3, r4, r5}
	svc	#0
	pop	{r4, r5, r7, pc}
END(rt_syscall6)

// rt_sigreturn_tramp: where a signal handler returns to (SA_RESTORER).
// The kernel left the signal frame at sp; rt_sigreturn restores it.
TEXT(rt_sigreturn_tramp)
	mov	r7, #NR_rt_sigreturn
	svc	#0
	movw	r0, #0x1101			// sigreturn returned: crash at 0x1101
	str	r0, [r0]
END(rt_sigreturn_tramp)

	.section .note.GNU-stack, "", %progbits
