// sys_linux_386.S: the kernel's door on 386.  See docs/os.md.
//
// Every sys_linux_<arch>.S defines the same routines in the same order.
// The kernel takes the call number in eax and arguments in ebx, ecx, edx,
// esi, edi, ebp through `int $0x80`; the result, or -errno, comes back in
// eax.  ebx, esi, edi and ebp are callee-saved in C, so they are kept.
#include "asm.h"

// intptr rt_syscall6(intptr nr, intptr a1, ..., intptr a6)
TEXT(rt_syscall6)
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%ebx
	movl	20(%esp), %eax		// nr (4 + 16 bytes pushed)
	movl	24(%esp), %ebx
	movl	28(%esp), %ecx
	movl	32(%esp), %edx
	movl	36(%esp), %esi
	movl	40(%esp), %edi
	movl	44(%esp), %ebp
	int	$0x80
	popl	%ebx
	popl	%esi
	popl	%edi
	popl	%ebp
	ret
END(rt_syscall6)

// rt_sigreturn_tramp: where a signal handler returns to (SA_RESTORER).
// The kernel left the signal frame at sp; rt_sigreturn restores it.
TEXT(rt_sigreturn_tramp)
	movl	$NR_rt_sigreturn, %eax
	int	$0x80
	movl	$0x1101, %eax		// sigreturn returned: crash at 0x1101
	movl	%eax, (%eax)
END(rt_sigreturn_tramp)

	.section .note.GNU-stack, "", %progbits
