// asm_386.S: context switching on 386.  See docs/context-switch.md.
//
// Every asm_<arch>.S defines the same routines in the same order; the C
// prototypes and contracts are in runtime.h.  i386 System V ABI (Linux):
// arguments on the stack, 4(%esp) first; callee-saved ebx, esi, edi, ebp;
// esp 16-byte aligned at every call; the x87 stack empty across calls, so
// there are no callee-saved floating-point registers.
#include "asm.h"

	// Everything here may be entered below the stack limit.
	.section .note.GNU-split-stack, "", %progbits

// ---- context switch ----

// SAVECTX buf, scratch: push the callee-saved registers (the return
// address is already pushed) and save sp and the TLS limit in the Gobuf
// at buf.
.macro SAVECTX buf, scratch
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, GOBUF_SP(\buf)
	movl	%gs:TLS_LIMIT, \scratch
	movl	\scratch, GOBUF_LIMIT(\buf)
.endm

// LOADCTX buf, scratch: install the Gobuf's limit before its stack (so
// the target never runs under another context's limit), switch sp and
// pop what SAVECTX pushed, leaving the resume address on top.
.macro LOADCTX buf, scratch
	movl	GOBUF_LIMIT(\buf), \scratch
	movl	\scratch, %gs:TLS_LIMIT
	movl	GOBUF_SP(\buf), %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
.endm

// void rt_switch(Gobuf *save, Gobuf *load)
// Save the running context in *save, then do rt_gogo(load)'s work.
// Clobbers: eax, ecx, edx.
TEXT(rt_switch)
	.cfi_startproc
	movl	4(%esp), %eax		// save
	movl	8(%esp), %edx		// load
	SAVECTX	%eax, %ecx
	LOADCTX	%edx, %ecx
	popl	%ecx
	jmp	*%ecx
	.cfi_endproc
END(rt_switch)

// void rt_gogo(Gobuf *load)  -- does not return
// Load the context and jump to its resume address (not `ret`: see
// asm_amd64.S).
TEXT(rt_gogo)
	.cfi_startproc
	movl	4(%esp), %edx
	LOADCTX	%edx, %ecx
	popl	%ecx
	jmp	*%ecx
	.cfi_endproc
END(rt_gogo)

// Gobuf *fn(void *); void rt_mcall(Gobuf *save, uintptr stack, fn, void *arg)
// Save the running context as rt_switch does, call fn(arg) on a fresh
// system stack (top = stack) with TLS limit 0, then resume the context fn
// returns with `ret`, which the return-stack predictor gets right when the
// resumed goroutine stopped at the same call site (see asm_amd64.S).
TEXT(rt_mcall)
	.cfi_startproc
	movl	4(%esp), %eax		// save
	SAVECTX	%eax, %ecx
	movl	$0, %gs:TLS_LIMIT
	movl	24(%esp), %ecx		// stack
	movl	28(%esp), %edx		// fn
	movl	32(%esp), %eax		// arg
	andl	$-16, %ecx
	movl	%ecx, %esp
	subl	$12, %esp
	pushl	%eax			// esp is 16-aligned at the call
	call	*%edx
	LOADCTX	%eax, %ecx
	ret
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

// ---- system stack ----

// void rt_systemstack(void (*fn)(void *), void *arg, uintptr stack)
// Call fn(arg) on the stack whose top is stack, with TLS limit 0, then
// come back to the caller's stack and limit.
TEXT(rt_systemstack)
	pushl	%ebp
	movl	%esp, %ebp
	pushl	%ebx
	pushl	%esi
	movl	%gs:TLS_LIMIT, %ebx
	movl	$0, %gs:TLS_LIMIT
	movl	8(%ebp), %esi		// fn
	movl	12(%ebp), %eax		// arg
	movl	16(%ebp), %ecx		// stack
	andl	$-16, %ecx
	movl	%ecx, %esp
	subl	$12, %esp
	pushl	%eax			// esp is 16-aligned at the call
	call	*%esi
	movl	%ebx, %gs:TLS_LIMIT
	leal	-8(%ebp), %esp
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret
END(rt_systemstack)

// ---- split stacks ----

// __morestack: called by a split-stack prologue that found too little
// room, after it pushed the bytes of the function's stack arguments and
// its frame size.  The return address points into the prologue at a `ret`
// (or `ret $n`), and the function body follows it.  Runs the body on a new
// segment and returns to the `ret`, popping the two pushed words.  See
// stack.h for the steps.  Preserves eax, edx, ecx (regparm arguments) on
// the way in and eax, edx (and st0) on the way out.
//
// Frame on the old segment, from ebp (a frame record):
//   +20 stack arguments   +16 function's return address
//   +12 argument bytes   +8 frame size   +4 into prologue   0 saved ebp
//    -4 old limit   -8 eax   -12 edx   -16 ecx   -20 esi   -24 edi   -28 ebx
// (from .Lhave on, +8 holds the new segment instead of the frame size).
//
// A limit of STACK_PREEMPT is sysmon's request to yield: see asm_amd64.S.
EXPORT(__morestack)
	pushl	%ebp
	movl	%esp, %ebp
	pushl	%gs:TLS_LIMIT
	pushl	%eax
	pushl	%edx
	pushl	%ecx
	pushl	%esi
	pushl	%edi
	pushl	%ebx
	cmpl	$STACK_PREEMPT, -4(%ebp)		// sysmon asks us to yield
	je	.Lpreempt
.Lsplit:
	movl	-4(%ebp), %eax
	subl	$(SEG_HEADER + STACK_RED), %eax		// eax = current segment
	movl	12(%ebp), %ecx
	jecxz	2f
	movl	SEG_SIZE(%eax), %edx			// a C-call gate asks for more
	addl	%eax, %edx				//   arguments than there may
	leal	20(%ebp), %ecx				//   be: no more than up to the
	subl	%ecx, %edx				//   segment's top
	cmpl	%edx, 12(%ebp)
	jbe	2f
	movl	%edx, 12(%ebp)
2:	movl	8(%ebp), %edx
	addl	12(%ebp), %edx
	addl	$(MORESTACK_EXTRA + SEG_HEADER + STACK_RED), %edx	// need
	movl	SEG_NEXT(%eax), %ecx
	testl	%ecx, %ecx
	jz	.Lslow
	cmpl	SEG_SIZE(%ecx), %edx
	ja	.Lslow
.Lhave:						// ecx = the new segment
	movl	%ecx, 8(%ebp)				// kept for the way back
	movl	%ebp, SEG_OLDSP(%ecx)
	leal	(SEG_HEADER + STACK_RED)(%ecx), %ebx	// its limit
	movl	SEG_SIZE(%ecx), %edi
	addl	%ecx, %edi
	subl	12(%ebp), %edi
	andl	$-16, %edi				// new sp, arguments above it
	movl	%edi, %edx
	movl	12(%ebp), %ecx
	jecxz	1f					// rep movsb is slow to start
	leal	20(%ebp), %esi
	rep movsb
1:	movl	%ebx, %gs:TLS_LIMIT			// limit first, then sp
	movl	%edx, %esp
	movl	4(%ebp), %ebx				// the body: past `ret` or `ret $n`
	cmpb	$0xc3, (%ebx)
	je	1f
	addl	$2, %ebx
1:	incl	%ebx
	movl	-8(%ebp), %eax
	movl	-12(%ebp), %edx
	movl	-16(%ebp), %ecx
	call	*%ebx
	// The function returned: results in eax, edx (and st0).
	movl	8(%ebp), %ecx				// ecx = the segment we leave
	movl	-4(%ebp), %ebx
	movl	%ebx, %gs:TLS_LIMIT
	leal	-28(%ebp), %esp
	movl	$0, SEG_OLDSP(%ecx)
	movl	SEG_PREV(%ecx), %ebx
	cmpl	SEG_NEXT(%ebx), %ecx			// kept as the cached child?
	jne	.Lrelease
.Ldone:
	movl	$0, -8(%ebp)				// seed 002: no stale values
	movl	$0, -12(%ebp)
	movl	$0, -16(%ebp)
	popl	%ebx
	popl	%edi
	popl	%esi
	movl	%ebp, %esp
	popl	%ebp
	ret	$8
.Lrelease:					// rt_lessstack_slow(ecx), results kept
	pushl	%eax				// (the C it calls uses no x87: st0 stays)
	pushl	%edx
	subl	$4, %esp
	pushl	%ecx
	call	rt_lessstack_slow
	addl	$8, %esp
	popl	%edx
	popl	%eax
	jmp	.Ldone
.Lslow:						// rt_morestack_slow(eax, edx, ebp)
	subl	$4, %esp
	pushl	%ebp
	pushl	%edx
	pushl	%eax
	call	rt_morestack_slow
	addl	$16, %esp
	movl	%eax, %ecx
	jmp	.Lhave
.Lpreempt:					// rt_morestack_preempt(ebp, pc)
	andl	$-16, %esp
	subl	$8, %esp
	pushl	4(%ebp)
	pushl	%ebp
	call	rt_morestack_preempt
	movl	%eax, -4(%ebp)				// the real limit, to split from
	leal	-28(%ebp), %esp
	leal	16(%ebp), %eax				// sp at the prologue's check
	subl	8(%ebp), %eax
	cmpl	-4(%ebp), %eax
	jb	.Lsplit					// the frame does not fit: split
	movl	4(%ebp), %eax				// it fits: run the body here
	cmpb	$0xc3, (%eax)				//   (see asm_amd64.S)
	je	1f
	addl	$2, %eax
1:	incl	%eax
	movl	%eax, 12(%ebp)				// the body replaces the arg-bytes word
	movl	-8(%ebp), %eax
	movl	-12(%ebp), %edx
	movl	-16(%ebp), %ecx
	movl	%ebp, %esp
	popl	%ebp
	addl	$8, %esp
	ret						// pops the body's address: jumps there
END(__morestack)
TEXT(rt_morestack_end)				// tracebacks: end of __morestack
	ret
END(rt_morestack_end)

// __morestack_non_split: what gold and lld call instead of __morestack in
// a function that calls code without split-stack prologues; gold also
// turns that function's limit check into an unconditional call.  So check
// here: with room for the frame, run the body on this stack; without,
// split as usual.  gcc's varargs bodies expect __morestack's ebp: split.
EXPORT(__morestack_non_split)
	pushl	%eax
	leal	16(%esp), %eax			// sp at the prologue's pushes
	subl	8(%esp), %eax			// less the frame size
	cmpl	%gs:TLS_LIMIT, %eax
	jb	1f
	movl	4(%esp), %eax			// into the prologue
	cmpb	$0xc3, (%eax)
	je	2f
	addl	$2, %eax
2:	incl	%eax
	cmpl	$0x14658d8d, (%eax)		// lea 0x14(%ebp),%ecx: varargs
	je	1f
	movl	%eax, 12(%esp)			// the body replaces the arg-bytes word
	popl	%eax
	addl	$8, %esp
	ret					// pops the body's address: jumps there
1:	popl	%eax
	jmp	__morestack
END(__morestack_non_split)

// ---- C-call gates ----

// rt_cgate_pool: CGATE_COUNT gates, CGATE_SIZE bytes apart.  cgate.c points
// the PLT slots of goroutine code at them; gate i jumps to the C function
// in rt_cgate_table at the same offset.  A gate is a split-stack prologue
// with a CGATE_RESERVE-byte frame and a body that is one indirect jump: with
// room, it jumps straight to C; without, __morestack runs the jump on a
// segment with room, copying CGATE_ARGS bytes of stack arguments.  Uses only
// ecx (C library functions take no register arguments).
	.text
	.balign	CGATE_SIZE
	.globl	rt_cgate_pool
	.hidden	rt_cgate_pool
rt_cgate_pool:
	.rept	CGATE_COUNT
	.balign	CGATE_SIZE
0:	leal	-CGATE_RESERVE(%esp), %ecx
	cmpl	%gs:TLS_LIMIT, %ecx
	jb	1f
	call	2f
2:	popl	%ecx
	jmp	*(rt_cgate_table + (0b - rt_cgate_pool) - 2b)(%ecx)
1:	pushl	$CGATE_ARGS
	pushl	$CGATE_RESERVE
	call	__morestack
	ret
	call	3f
3:	popl	%ecx
	jmp	*(rt_cgate_table + (0b - rt_cgate_pool) - 3b)(%ecx)
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
// is touched, so it may be called by any frame.  Clobbers: eax, ecx.
// FRAME_CTX layout: ebx esi edi ebp sp pc limit.
EXPORT(gort_frame_enter)
	movl	4(%esp), %eax
	movl	%ebx, 0(%eax)
	movl	%esi, 4(%eax)
	movl	%edi, 8(%eax)
	movl	%ebp, 12(%eax)
	leal	4(%esp), %ecx
	movl	%ecx, 16(%eax)
	movl	(%esp), %ecx
	movl	%ecx, 20(%eax)
	movl	%gs:TLS_LIMIT, %ecx
	movl	%ecx, 24(%eax)
	xorl	%eax, %eax
	ret
END(gort_frame_enter)

// void rt_frame_resume(gort_frame *f)  -- does not return
// Return from f's gort_frame_enter once more, with 1: limit first, then
// the registers and sp.  The frame that called it must still be live.
TEXT(rt_frame_resume)
	movl	4(%esp), %edx
	movl	24(%edx), %ecx
	movl	%ecx, %gs:TLS_LIMIT
	movl	0(%edx), %ebx
	movl	4(%edx), %esi
	movl	8(%edx), %edi
	movl	12(%edx), %ebp
	movl	16(%edx), %esp
	movl	$1, %eax
	jmp	*20(%edx)
END(rt_frame_resume)

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

// uintptr *rt_limitslot(void): the address of this thread's TLS limit
// (glibc keeps the TCB's own address at %gs:0), for sysmon to poison.
TEXT(rt_limitslot)
	movl	%gs:0, %eax
	addl	$TLS_LIMIT, %eax
	ret
END(rt_limitslot)

// void rt_entersyscall(void): store the callee-saved registers as the
// caller left them (they may hold the only references to heap objects
// while the call blocks), then rt_entersyscall0(regs, caller's sp).
TEXT(rt_entersyscall)
	subl	$28, %esp
	movl	%ebx, 8(%esp)
	movl	%ebp, 12(%esp)
	movl	%esi, 16(%esp)
	movl	%edi, 20(%esp)
	leal	8(%esp), %eax
	movl	%eax, 0(%esp)
	leal	32(%esp), %eax
	movl	%eax, 4(%esp)
	call	rt_entersyscall0
	addl	$28, %esp
	ret
END(rt_entersyscall)

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
