// sys_linux_amd64.S: the kernel's door on amd64.  See docs/os.md.
//
// Every sys_linux_<arch>.S defines the same routines in the same order.
// The kernel takes the call number in rax and arguments in rdi, rsi, rdx,
// r10, r8, r9; `syscall` clobbers rcx and r11; the result, or -errno, comes
// back in rax.
#include "asm.h"

// intptr rt_syscall6(intptr nr, intptr a1, ..., intptr a6)
// Shift the C arguments one register down into the kernel's.
TEXT(rt_syscall6)
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
	movq	8(%rsp), %r9
	syscall
	ret
END(rt_syscall6)

// rt_sigreturn_tramp: where a signal handler returns to (SA_RESTORER).
// The kernel left the signal frame at sp; rt_sigreturn restores it.
TEXT(rt_sigreturn_tramp)
	movl	$NR_rt_sigreturn, %eax
	syscall
	movl	$0x1101, %eax		// sigreturn returned: crash at 0x1101
	movl	%eax, (%rax)
END(rt_sigreturn_tramp)

	.section .note.GNU-stack, "", %progbits
