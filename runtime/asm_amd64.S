// asm_amd64.S: context switching on amd64.  See docs/context-switch.md.
//
// Every asm_<arch>.S defines the same routines in the same order; the C
// prototypes and contracts are in runtime.h.  System V ABI: arguments in
// rdi, rsi, rdx, rcx, r8, r9; callee-saved rbx, rbp, r12-r15 (and the
// control bits of mxcsr and the x87 control word, which gort treats as
// per-thread: goroutines must not change them).
#include "asm.h"

// ---- context switch ----

// void rt_switch(Gobuf *save, Gobuf *load)
// Push the callee-saved registers (the return address is already pushed),
// save sp and the TLS limit in *save, then fall into rt_gogo(load).
// Clobbers: rax and the caller-saved registers the ABI lets it.
TEXT(rt_switch)
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, GOBUF_SP(%rdi)
	movq	%fs:TLS_LIMIT, %rax
	movq	%rax, GOBUF_LIMIT(%rdi)
	movq	%rsi, %rdi
	jmp	rt_gogo
	.cfi_endproc
END(rt_switch)

// void rt_gogo(Gobuf *load)  -- does not return
// Install load's limit before its stack (so the target never runs under
// another context's limit), switch sp, pop what rt_switch pushed, and
// jump to the target's resume address.  Not `ret`: the return-stack
// predictor expects a return to *this* context's caller, so a `ret` into
// another context would mispredict on every switch.
TEXT(rt_gogo)
	.cfi_startproc
	movq	GOBUF_LIMIT(%rdi), %rax
	movq	%rax, %fs:TLS_LIMIT
	movq	GOBUF_SP(%rdi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	popq	%rcx
	jmp	*%rcx
	.cfi_endproc
END(rt_gogo)

// void rt_mcall(Gobuf *save, uintptr stack, void (*fn)(void *), void *arg)
// Save the running context as rt_switch does, then call fn(arg) on a fresh
// system stack (top = stack) with TLS limit 0.  fn must not return.
TEXT(rt_mcall)
	.cfi_startproc
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, GOBUF_SP(%rdi)
	movq	%fs:TLS_LIMIT, %rax
	movq	%rax, GOBUF_LIMIT(%rdi)
	movq	$0, %fs:TLS_LIMIT
	andq	$-16, %rsi
	movq	%rsi, %rsp
	movq	%rcx, %rdi
	call	*%rdx
	movl	$0x1001, %eax		// fn returned: crash at 0x1001
	movl	%eax, (%rax)
	.cfi_endproc
END(rt_mcall)

// void rt_gobuf_init(Gobuf *buf, uintptr stack, void (*fn)(void *),
//                    void *arg, void (*exit)(void))
// Build, below stack, the frame rt_gogo pops: r12 = fn, r13 = arg,
// r14 = exit, rbp = 0 (ends frame-pointer walks), return into rt_gostart.
TEXT(rt_gobuf_init)
	.cfi_startproc
	andq	$-16, %rsi
	leaq	-64(%rsi), %rax
	movq	$0, 0(%rax)		// r15
	movq	%r8, 8(%rax)		// r14 = exit
	movq	%rcx, 16(%rax)		// r13 = arg
	movq	%rdx, 24(%rax)		// r12 = fn
	movq	$0, 32(%rax)		// rbx
	movq	$0, 40(%rax)		// rbp
	leaq	rt_gostart(%rip), %rcx
	movq	%rcx, 48(%rax)		// return address
	movq	%rax, GOBUF_SP(%rdi)
	ret
	.cfi_endproc
END(rt_gobuf_init)

// rt_gostart: the first code a new context runs.  Calls fn(arg), then
// exit().  Not callable from C.
TEXT(rt_gostart)
	.cfi_startproc
	.cfi_undefined rip		// the outermost frame: unwinders stop here
	andq	$-16, %rsp
	movq	%r13, %rdi
	call	*%r12
	call	*%r14
	movl	$0x1002, %eax		// exit returned: crash at 0x1002
	movl	%eax, (%rax)
	.cfi_endproc
END(rt_gostart)

// ---- small helpers ----

// uintptr rt_getsp(void): the caller's sp just before its call.
TEXT(rt_getsp)
	leaq	8(%rsp), %rax
	ret
END(rt_getsp)

// uintptr rt_getlimit(void)
TEXT(rt_getlimit)
	movq	%fs:TLS_LIMIT, %rax
	ret
END(rt_getlimit)

// void rt_setlimit(uintptr limit)
TEXT(rt_setlimit)
	movq	%rdi, %fs:TLS_LIMIT
	ret
END(rt_setlimit)

// void rt_procyield(uint32 n): n spin-wait hints.
TEXT(rt_procyield)
	testl	%edi, %edi
	jz	2f
1:	pause
	subl	$1, %edi
	jnz	1b
2:	ret
END(rt_procyield)

	.section .note.GNU-stack, "", %progbits
