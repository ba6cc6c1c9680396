// asm_amd64.S: context switching on amd64.  See docs/context-switch.md.
//
// Every asm_<arch>.S defines the same routines in the same order; the C
// prototypes and contracts are in runtime.h.  System V ABI: arguments in
// rdi, rsi, rdx, rcx, r8, r9; callee-saved rbx, rbp, r12-r15 (and the
// control bits of mxcsr and the x87 control word, which gort treats as
// per-thread: goroutines must not change them).
#include "asm.h"

	// Everything here may be entered below the stack limit.
	.section .note.GNU-split-stack, "", %progbits

// ---- context switch ----

// SAVECTX buf: push the callee-saved registers (the return address is
// already pushed) and save sp and the TLS limit in the Gobuf at buf.
// Clobbers rax.
.macro SAVECTX buf
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, GOBUF_SP(\buf)
	movq	%fs:TLS_LIMIT, %rax
	movq	%rax, GOBUF_LIMIT(\buf)
.endm

// LOADCTX buf, scratch: install the Gobuf's limit before its stack (so
// the target never runs under another context's limit), switch sp and
// pop what SAVECTX pushed, leaving the resume address on top.
.macro LOADCTX buf, scratch
	movq	GOBUF_LIMIT(\buf), \scratch
	movq	\scratch, %fs:TLS_LIMIT
	movq	GOBUF_SP(\buf), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
.endm

// void rt_switch(Gobuf *save, Gobuf *load)
// Save the running context in *save, then fall into rt_gogo(load).
// Clobbers: rax and the caller-saved registers the ABI lets it.
TEXT(rt_switch)
	.cfi_startproc
	SAVECTX	%rdi
	movq	%rsi, %rdi
	jmp	rt_gogo
	.cfi_endproc
END(rt_switch)

// void rt_gogo(Gobuf *load)  -- does not return
// Load the context and jump to its resume address.  Not `ret`: the
// return-stack predictor expects a return to *this* context's caller, so
// a `ret` into another context would mispredict on every switch.
TEXT(rt_gogo)
	.cfi_startproc
	LOADCTX	%rdi, %rax
	popq	%rcx
	jmp	*%rcx
	.cfi_endproc
END(rt_gogo)

// Gobuf *fn(void *); void rt_mcall(Gobuf *save, uintptr stack, fn, void *arg)
// Save the running context as rt_switch does, call fn(arg) on a fresh
// system stack (top = stack) with TLS limit 0, then resume the context fn
// returns, as rt_gogo does but with `ret`: every call made on the system
// stack has returned, so the return-stack predictor's top entry is this
// rt_mcall's own return address -- right whenever the resumed goroutine
// stopped at the same call site, and then every return after it is
// predicted too (docs/context-switch.md).
TEXT(rt_mcall)
	.cfi_startproc
	SAVECTX	%rdi
	movq	$0, %fs:TLS_LIMIT
	andq	$-16, %rsi
	movq	%rsi, %rsp
	movq	%rcx, %rdi
	call	*%rdx
	LOADCTX	%rax, %rcx
	ret
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

// ---- system stack ----

// void rt_systemstack(void (*fn)(void *), void *arg, uintptr stack)
// Call fn(arg) on the stack whose top is stack, with TLS limit 0, then
// come back to the caller's stack and limit.
TEXT(rt_systemstack)
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register rbp
	pushq	%rbx
	pushq	%r12
	movq	%fs:TLS_LIMIT, %rbx
	movq	$0, %fs:TLS_LIMIT
	andq	$-16, %rdx
	movq	%rdx, %rsp
	movq	%rdi, %rax
	movq	%rsi, %rdi
	call	*%rax
	movq	%rbx, %fs:TLS_LIMIT
	leaq	-16(%rbp), %rsp
	popq	%r12
	popq	%rbx
	popq	%rbp
	.cfi_def_cfa rsp, 8
	ret
	.cfi_endproc
END(rt_systemstack)

// ---- split stacks ----

// SYSCALLC fn calls the C function fn on this M's system stack
// (rt_m->sysstacktop, initial-exec TLS) with the TLS limit 0, as
// rt_systemstack does, keeping xmm0-7 there (xmmcall): what a C call from
// __morestack needs costs the red zone nothing.  Arguments in rdi, rsi,
// rdx; results in rax, rdx; the caller comes back to its own stack with
// leaq -80(%rbp), %rsp.  Jumps to nom on a thread that is not an M.
// Clobbers r11 and rax.  The stack pointer lands on the top itself, and
// goes down from there in a call: memcheck takes a jump of sp to another
// stack for a switch and trusts the 128 bytes below the new sp, which on
// the system stack only the top ones are sure to be.
.macro SYSCALLC fn, nom
	movq	rt_m@GOTTPOFF(%rip), %r11
	movq	%fs:(%r11), %r11
	testq	%r11, %r11
	jz	\nom
	movq	$0, %fs:TLS_LIMIT
	movq	M_SYSSTACKTOP(%r11), %rsp		// page-aligned
	leaq	\fn(%rip), %rax
	call	xmmcall
.endm

// The vector argument registers, kept at 0..127(%rsp) around a C call.
.macro SAVE_XMM
	movdqu	%xmm0, 0(%rsp)
	movdqu	%xmm1, 16(%rsp)
	movdqu	%xmm2, 32(%rsp)
	movdqu	%xmm3, 48(%rsp)
	movdqu	%xmm4, 64(%rsp)
	movdqu	%xmm5, 80(%rsp)
	movdqu	%xmm6, 96(%rsp)
	movdqu	%xmm7, 112(%rsp)
.endm
.macro RESTORE_XMM
	movdqu	0(%rsp), %xmm0
	movdqu	16(%rsp), %xmm1
	movdqu	32(%rsp), %xmm2
	movdqu	48(%rsp), %xmm3
	movdqu	64(%rsp), %xmm4
	movdqu	80(%rsp), %xmm5
	movdqu	96(%rsp), %xmm6
	movdqu	112(%rsp), %xmm7
.endm

// xmmcall: call *%rax with the vector argument registers kept on the
// stack around it (SYSCALLC).  Entered with sp 8 below a 16-byte boundary.
TEXT(xmmcall)
	subq	$136, %rsp
	SAVE_XMM
	call	*%rax
	RESTORE_XMM
	addq	$136, %rsp
	ret
END(xmmcall)

// __morestack: called by a split-stack prologue that found too little
// room, with r10 = the function's frame size and r11 = the bytes of its
// stack arguments.  The stack holds the return address into the prologue
// (whose next instruction is a `ret`, and the function body after it), then
// the function's own return address and stack arguments.  Runs the body
// on a new segment and returns to the `ret`.  See stack.h for the steps.
// Preserves the argument registers (rdi rsi rdx rcx r8 r9, rax for varargs,
// xmm0-7) on the way in, and the results (rax rdx xmm0 xmm1) on the way out.
//
// Frame on the old segment, from rbp (a frame record, so tracebacks and
// debuggers walk through a split):
//   +24 stack arguments   +16 function's return address   +8 into prologue
//     0 saved rbp   -8 old limit   -16..-64 rax rdi rsi rdx rcx r8 r9
//   -72 arg bytes   -80 frame size, then the new segment
//
// A limit of STACK_PREEMPT is sysmon's request to yield (proc.h): the
// limit is read once, into the frame, and if it is the poison,
// rt_morestack_preempt puts the real limit back, maybe lets other
// goroutines run, and returns that limit, from which the split goes on.
// The way back never reads the TLS limit (sysmon may have poisoned it
// meanwhile): the frame remembers the new segment.
//
// On a new segment the function starts at the same place whatever its
// stack arguments (up to a gate's CGATE_ARGS): memcheck trusts the 128
// bytes below sp after a switch (amd64's ABI red zone), and a split that
// landed lower than an earlier one into the same cached child would write
// where that one's returns had left memory marked dead.
EXPORT(__morestack)
	.cfi_startproc
	pushq	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset rbp, -16
	movq	%rsp, %rbp
	.cfi_def_cfa_register rbp
	pushq	%fs:TLS_LIMIT
	pushq	%rax
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	pushq	%r9
	pushq	%r11
	pushq	%r10
	cmpq	$STACK_PREEMPT, -8(%rbp)		// sysmon asks us to yield
	je	.Lpreempt
.Lsplit:
	movq	-8(%rbp), %rax
	subq	$(SEG_HEADER + STACK_RED), %rax		// rax = current segment
	testq	%r11, %r11
	jz	2f
	movq	SEG_SIZE(%rax), %rcx			// a C-call gate asks for more
	addq	%rax, %rcx				//   arguments than there may
	leaq	24(%rbp), %rdx				//   be: no more than up to the
	subq	%rdx, %rcx				//   segment's top
	cmpq	%rcx, %r11
	cmova	%rcx, %r11
	movq	%r11, -72(%rbp)
2:	leaq	(MORESTACK_EXTRA + CGATE_ARGS + SEG_HEADER + STACK_RED)(%r10, %r11), %rdx	// need
	movq	SEG_NEXT(%rax), %rcx
	testq	%rcx, %rcx
	jz	.Lslow
	cmpq	SEG_SIZE(%rcx), %rdx
	ja	.Lslow
.Lhave:						// rcx = the new segment
	movq	%rcx, -80(%rbp)				// kept for the way back
	movq	%rbp, SEG_OLDSP(%rcx)
	movq	SEG_SIZE(%rcx), %rdx
	addq	%rcx, %rdx
	movl	$CGATE_ARGS, %eax			// the arguments end CGATE_ARGS
	cmpq	%rax, %r11				//   below the top, or more
	cmova	%r11, %rax
	subq	%rax, %rdx
	andq	$-16, %rdx				// new sp, arguments above it
	leaq	(SEG_HEADER + STACK_RED)(%rcx), %rax	// its limit
	testq	%r11, %r11
	jz	1f					// rep movsb is slow to start
	leaq	24(%rbp), %rsi
	movq	%rdx, %rdi
	movq	%r11, %rcx
	rep movsb
1:	movq	%rax, %fs:TLS_LIMIT			// limit first, then sp
	movq	%rdx, %rsp
	movq	-16(%rbp), %rax
	movq	-24(%rbp), %rdi
	movq	-32(%rbp), %rsi
	movq	-40(%rbp), %rdx
	movq	-48(%rbp), %rcx
	movq	-56(%rbp), %r8
	movq	-64(%rbp), %r9
	movq	8(%rbp), %r11
	incq	%r11					// the body: past the prologue's ret
	call	*%r11
	// The function returned: results in rax, rdx, xmm0, xmm1.
	movq	-80(%rbp), %r11				// r11 = the segment we leave
	movq	-8(%rbp), %r10
	movq	%r10, %fs:TLS_LIMIT
	leaq	-80(%rbp), %rsp
	movq	$0, SEG_OLDSP(%r11)
	movq	SEG_PREV(%r11), %r10
	cmpq	SEG_NEXT(%r10), %r11			// kept as the cached child?
	jne	.Lrelease
.Ldone:
	xorl	%r10d, %r10d				// seed 002: no stale values
	movq	%r10, -16(%rbp)
	movq	%r10, -24(%rbp)
	movq	%r10, -32(%rbp)
	movq	%r10, -40(%rbp)
	movq	%r10, -48(%rbp)
	movq	%r10, -56(%rbp)
	movq	%r10, -64(%rbp)
	movq	%rbp, %rsp
	popq	%rbp
	.cfi_def_cfa rsp, 8
	ret
	.cfi_def_cfa rbp, 16
.Lrelease:					// rt_lessstack_release(r11) on the
	movq	%rax, -16(%rbp)				//   system stack; the results
	movq	%rdx, -40(%rbp)				//   wait in slots .Ldone clears
	movq	%r11, %rdi
	SYSCALLC rt_lessstack_release, .Lnom
	leaq	-80(%rbp), %rsp
	movq	-8(%rbp), %r10
	movq	%r10, %fs:TLS_LIMIT
	movq	-16(%rbp), %rax
	movq	-40(%rbp), %rdx
	jmp	.Ldone
.Lslow:						// rt_morestack_grow(rax, rdx, rbp)
	movq	%rax, %rdi				//   on the system stack
	movq	%rdx, %rsi
	movq	%rbp, %rdx
	SYSCALLC rt_morestack_grow, .Lnom
	movq	%rax, %rcx
	leaq	-80(%rbp), %rsp				// limit 0 until .Lhave sets it
	movq	-72(%rbp), %r11
	jmp	.Lhave
.Lnom:						// not an M: rt_morestack_slow says so
	subq	$8, %rsp
	call	rt_morestack_slow
.Lpreempt:					// rt_morestack_ask(rbp, pc) on the
	movq	%rbp, %rdi				//   system stack: rax = the real
	movq	8(%rbp), %rsi				//   limit, rdx = yield or not
	SYSCALLC rt_morestack_ask, .Lnom
	leaq	-80(%rbp), %rsp
	movq	%rax, -8(%rbp)				// the real limit, to split from
	movq	%rax, %fs:TLS_LIMIT
	testq	%rdx, %rdx				// the switch keeps xmm0-7 on the
	jz	1f					//   goroutine's stack: it may go
	subq	$136, %rsp				//   on on another M
	SAVE_XMM
	call	rt_morestack_yield
	RESTORE_XMM
	addq	$136, %rsp
1:	movq	-80(%rbp), %r10
	movq	-72(%rbp), %r11
	leaq	16(%rbp), %rax				// sp at the prologue's check
	subq	%r10, %rax
	cmpq	-8(%rbp), %rax
	jb	.Lsplit					// the frame does not fit: split
	movq	-16(%rbp), %rax				// it fits: run the body here,
	movq	-24(%rbp), %rdi				//   as if the check had passed
	movq	-32(%rbp), %rsi				//   (no needless split, which
	movq	-40(%rbp), %rdx				//   runtime code holding the
	movq	-48(%rbp), %rcx				//   heap's lock could not take)
	movq	-56(%rbp), %r8
	movq	-64(%rbp), %r9
	movq	%rbp, %rsp
	popq	%rbp
	popq	%r11					// into the prologue
	incq	%r11					// the body: past its ret
	jmp	*%r11
	.cfi_endproc
END(__morestack)
TEXT(rt_morestack_end)				// tracebacks: end of __morestack
	ret
END(rt_morestack_end)

// __morestack_non_split: what gold and lld call instead of __morestack in
// a function that calls code without split-stack prologues; gold also
// turns that function's limit check into an unconditional call.  So check
// here: with room for the frame, run the body on this stack; without,
// split as usual.  gcc's varargs bodies expect __morestack's rbp: split.
EXPORT(__morestack_non_split)
	pushq	%rax
	leaq	16(%rsp), %rax				// sp at the prologue's call
	subq	%r10, %rax
	cmpq	%fs:TLS_LIMIT, %rax
	popq	%rax
	jb	__morestack
	popq	%r10					// into the prologue
	cmpl	$0x185d8d4c, 1(%r10)			// lea 0x18(%rbp),%r11: varargs
	je	1f
	incq	%r10
	jmp	*%r10
1:	pushq	%r10
	jmp	__morestack
END(__morestack_non_split)

// ---- C-call gates ----

// rt_cgate_pool: CGATE_COUNT gates, CGATE_SIZE bytes apart.  cgate.c points
// the PLT slots of goroutine code at them; gate i jumps to the C function
// in rt_cgate_table at the same offset.  A gate is a split-stack prologue
// with a CGATE_RESERVE-byte frame and a body that is one indirect jump: with
// room, it jumps straight to C; without, __morestack runs the jump on a
// segment with room, copying CGATE_ARGS bytes of stack arguments.  Uses only
// r10 and r11 (the varargs count in al is kept).
	.text
	.balign	CGATE_SIZE
	.globl	rt_cgate_pool
	.hidden	rt_cgate_pool
rt_cgate_pool:
	.rept	CGATE_COUNT
	.balign	CGATE_SIZE
0:	leaq	-CGATE_RESERVE(%rsp), %r11
	cmpq	%fs:TLS_LIMIT, %r11
	jb	1f
	jmp	*(rt_cgate_table + (0b - rt_cgate_pool))(%rip)
1:	movl	$CGATE_RESERVE, %r10d
	movl	$CGATE_ARGS, %r11d
	call	__morestack
	ret
	jmp	*(rt_cgate_table + (0b - rt_cgate_pool))(%rip)
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
// is touched, so it may be called by any frame.  Clobbers: rax.
// FRAME_CTX layout: rbx rbp r12 r13 r14 r15 sp pc limit.
EXPORT(gort_frame_enter)
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	leaq	8(%rsp), %rax
	movq	%rax, 48(%rdi)
	movq	(%rsp), %rax
	movq	%rax, 56(%rdi)
	movq	%fs:TLS_LIMIT, %rax
	movq	%rax, 64(%rdi)
	xorl	%eax, %eax
	ret
END(gort_frame_enter)

// void rt_frame_resume(gort_frame *f)  -- does not return
// Return from f's gort_frame_enter once more, with 1: limit first, then
// the registers and sp.  The frame that called it must still be live.
TEXT(rt_frame_resume)
	movq	64(%rdi), %rax
	movq	%rax, %fs:TLS_LIMIT
	movq	0(%rdi), %rbx
	movq	8(%rdi), %rbp
	movq	16(%rdi), %r12
	movq	24(%rdi), %r13
	movq	32(%rdi), %r14
	movq	40(%rdi), %r15
	movq	48(%rdi), %rsp
	movl	$1, %eax
	jmpq	*56(%rdi)
END(rt_frame_resume)

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

// uintptr *rt_limitslot(void): the address of this thread's TLS limit
// (glibc keeps the TCB's own address at %fs:0), for sysmon to poison.
TEXT(rt_limitslot)
	movq	%fs:0, %rax
	addq	$TLS_LIMIT, %rax
	ret
END(rt_limitslot)

// void rt_entersyscall(void): store the callee-saved registers as the
// caller left them (they may hold the only references to heap objects
// while the call blocks), then rt_entersyscall0(regs, caller's sp).
TEXT(rt_entersyscall)
	subq	$56, %rsp
	movq	%rbx, 0(%rsp)
	movq	%rbp, 8(%rsp)
	movq	%r12, 16(%rsp)
	movq	%r13, 24(%rsp)
	movq	%r14, 32(%rsp)
	movq	%r15, 40(%rsp)
	movq	%rsp, %rdi
	leaq	64(%rsp), %rsi
	call	rt_entersyscall0
	addq	$56, %rsp
	ret
END(rt_entersyscall)

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
