// asm_386.S: context switching on 386.  See docs/context-switch.md.
//
// Every asm_<arch>.S defines the same routines in the same order; the C
// prototypes and contracts are in runtime.h.  i386 System V ABI (Linux):
// arguments on the stack, 4(%esp) first; callee-saved ebx, esi, edi, ebp;
// esp 16-byte aligned at every call; the x87 stack empty across calls, so
// there are no callee-saved floating-point registers.
#include "asm.h"

// ---- context switch ----

// void rt_switch(Gobuf *save, Gobuf *load)
// Push the callee-saved registers (the return address is already pushed),
// save sp and the TLS limit in *save, then fall into rt_gogo(load).
// Clobbers: eax, ecx, edx.
TEXT(rt_switch)
	.cfi_startproc
	movl	4(%esp), %eax		// save
	movl	8(%esp), %edx		// load
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, GOBUF_SP(%eax)
	movl	%gs:TLS_LIMIT, %ecx
	movl	%ecx, GOBUF_LIMIT(%eax)
	movl	GOBUF_LIMIT(%edx), %ecx	// rt_gogo's body, load in edx
	movl	%ecx, %gs:TLS_LIMIT
	movl	GOBUF_SP(%edx), %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	popl	%ecx
	jmp	*%ecx
	.cfi_endproc
END(rt_switch)

// void rt_gogo(Gobuf *load)  -- does not return
// Install load's limit before its stack (so the target never runs under
// another context's limit), switch sp, pop what rt_switch pushed, and
// jump to the target's resume address (not `ret`: see asm_amd64.S).
TEXT(rt_gogo)
	.cfi_startproc
	movl	4(%esp), %edx
	movl	GOBUF_LIMIT(%edx), %ecx
	movl	%ecx, %gs:TLS_LIMIT
	movl	GOBUF_SP(%edx), %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	popl	%ecx
	jmp	*%ecx
	.cfi_endproc
END(rt_gogo)

// void rt_mcall(Gobuf *save, uintptr stack, void (*fn)(void *), void *arg)
// Save the running context as rt_switch does, then call fn(arg) on a fresh
// system stack (top = stack) with TLS limit 0.  fn must not return.
TEXT(rt_mcall)
	.cfi_startproc
	movl	4(%esp), %eax		// save
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, GOBUF_SP(%eax)
	movl	%gs:TLS_LIMIT, %ecx
	movl	%ecx, GOBUF_LIMIT(%eax)
	movl	$0, %gs:TLS_LIMIT
	movl	24(%esp), %ecx		// stack
	movl	28(%esp), %edx		// fn
	movl	32(%esp), %eax		// arg
	andl	$-16, %ecx
	movl	%ecx, %esp
	subl	$12, %esp
	pushl	%eax			// esp is 16-aligned at the call
	call	*%edx
	movl	$0x1001, %eax		// fn returned: crash at 0x1001
	movl	%eax, (%eax)
	.cfi_endproc
END(rt_mcall)

// void rt_gobuf_init(Gobuf *buf, uintptr stack, void (*fn)(void *),
//                    void *arg, void (*exit)(void))
// Build, below stack, the frame rt_gogo pops: ebx = fn, esi = arg,
// edi = exit, ebp = 0 (ends frame-pointer walks), return into rt_gostart.
TEXT(rt_gobuf_init)
	.cfi_startproc
	movl	8(%esp), %eax		// stack
	andl	$-16, %eax
	subl	$32, %eax
	movl	20(%esp), %ecx
	movl	%ecx, 0(%eax)		// edi = exit
	movl	16(%esp), %ecx
	movl	%ecx, 4(%eax)		// esi = arg
	movl	12(%esp), %ecx
	movl	%ecx, 8(%eax)		// ebx = fn
	movl	$0, 12(%eax)		// ebp
	call	1f			// position-independent &rt_gostart
1:	popl	%ecx
	leal	(rt_gostart - 1b)(%ecx), %ecx
	movl	%ecx, 16(%eax)		// return address
	movl	4(%esp), %ecx		// buf
	movl	%eax, GOBUF_SP(%ecx)
	ret
	.cfi_endproc
END(rt_gobuf_init)

// rt_gostart: the first code a new context runs.  Calls fn(arg), then
// exit().  Not callable from C.
TEXT(rt_gostart)
	.cfi_startproc
	.cfi_undefined eip		// the outermost frame: unwinders stop here
	andl	$-16, %esp
	subl	$12, %esp
	pushl	%esi			// esp is 16-aligned at the call
	call	*%ebx
	call	*%edi
	movl	$0x1002, %eax		// exit returned: crash at 0x1002
	movl	%eax, (%eax)
	.cfi_endproc
END(rt_gostart)

// ---- small helpers ----

// uintptr rt_getsp(void): the caller's sp just before its call.
TEXT(rt_getsp)
	leal	4(%esp), %eax
	ret
END(rt_getsp)

// uintptr rt_getlimit(void)
TEXT(rt_getlimit)
	movl	%gs:TLS_LIMIT, %eax
	ret
END(rt_getlimit)

// void rt_setlimit(uintptr limit)
TEXT(rt_setlimit)
	movl	4(%esp), %eax
	movl	%eax, %gs:TLS_LIMIT
	ret
END(rt_setlimit)

// void rt_procyield(uint32 n): n spin-wait hints.
TEXT(rt_procyield)
	movl	4(%esp), %eax
	testl	%eax, %eax
	jz	2f
1:	pause
	subl	$1, %eax
	jnz	1b
2:	ret
END(rt_procyield)

	.section .note.GNU-stack, "", %progbits
