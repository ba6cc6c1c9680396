// regs_amd64.S: test helper for test-context.  Every regs_<arch>.S defines
// the same routine.
//
// uintptr test_regswitch(Gobuf *save, Gobuf *load, uintptr seed)
// Fill every callee-saved register with seed+k, rt_switch(save, load), and
// when resumed return 0 if every one still holds its value (non-zero
// otherwise).  amd64 has no callee-saved vector registers.
#include "asm.h"

TEXT(test_regswitch)
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdx			// seed; rsp is now 16-aligned
	movq	%rdx, %rbx
	leaq	1(%rdx), %rbp
	leaq	2(%rdx), %r12
	leaq	3(%rdx), %r13
	leaq	4(%rdx), %r14
	leaq	5(%rdx), %r15
	call	rt_switch
	popq	%rdx
	xorl	%eax, %eax
#define CHECK(k, reg) leaq k(%rdx), %rcx; xorq reg, %rcx; orq %rcx, %rax
	CHECK(0, %rbx)
	CHECK(1, %rbp)
	CHECK(2, %r12)
	CHECK(3, %r13)
	CHECK(4, %r14)
	CHECK(5, %r15)
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
END(test_regswitch)

	.section .note.GNU-stack, "", %progbits
