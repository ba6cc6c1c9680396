// regs_386.S: test helper for test-context.  Every regs_<arch>.S defines
// the same routine.
//
// uintptr test_regswitch(Gobuf *save, Gobuf *load, uintptr seed)
// Fill every callee-saved register with seed+k, rt_switch(save, load), and
// when resumed return 0 if every one still holds its value (non-zero
// otherwise).  386 has no callee-saved floating-point registers.
#include "asm.h"

TEXT(test_regswitch)
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	20(%esp), %eax		// save
	movl	24(%esp), %ecx		// load
	movl	28(%esp), %edx		// seed
	pushl	%edx
	pushl	%ecx
	pushl	%eax			// esp is 16-aligned at the call
	movl	%edx, %ebx
	leal	1(%edx), %esi
	leal	2(%edx), %edi
	leal	3(%edx), %ebp
	call	rt_switch
	addl	$8, %esp
	popl	%edx
	xorl	%eax, %eax
#define CHECK(k, reg) leal k(%edx), %ecx; xorl reg, %ecx; orl %ecx, %eax
	CHECK(0, %ebx)
	CHECK(1, %esi)
	CHECK(2, %edi)
	CHECK(3, %ebp)
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
END(test_regswitch)

	.section .note.GNU-stack, "", %progbits
