// signal_linux_arm.c: the interrupted context of a signal, on arm, and
// the division-by-zero hooks of the EABI.
// Every signal_linux_<arch>.c defines the same functions (runtime.h).
#define _GNU_SOURCE
#include <ucontext.h>

#include "runtime.h"

#define MCTX(uc) (((ucontext_t *)(uc))->uc_mcontext)

enum { CpsrThumb = 1 << 5 };

uintptr rt_sigctxt_pc(void *uc) { return (uintptr)MCTX(uc).arm_pc; }
uintptr rt_sigctxt_fp(void *uc) { return (uintptr)MCTX(uc).arm_fp; }

// rt_sigctxt_call makes the context call fn (A32 code) from its pc: lr
// takes the pc (with the Thumb bit if the faulting code was Thumb).
void rt_sigctxt_call(void *uc, uintptr fn)
{
	uintptr pc = MCTX(uc).arm_pc;

	if (MCTX(uc).arm_cpsr & CpsrThumb)
		pc |= 1;
	MCTX(uc).arm_lr = pc;
	MCTX(uc).arm_sp &= ~(uintptr)7;
	MCTX(uc).arm_pc = fn;
	MCTX(uc).arm_cpsr &= ~(unsigned long)CpsrThumb;
}

// The EABI's integer division helpers call these on a zero divisor (arm
// has no trap): they panic as x86's SIGFPE does.  Exported, so that they
// take the place of libgcc's, which raise SIGFPE from libc.
__attribute__((visibility("default"))) int __aeabi_idiv0(int r);
__attribute__((visibility("default"))) long long __aeabi_ldiv0(long long r);

int __aeabi_idiv0(int r)
{
	rt_divpanic();
	return r;
}

long long __aeabi_ldiv0(long long r)
{
	rt_divpanic();
	return r;
}
