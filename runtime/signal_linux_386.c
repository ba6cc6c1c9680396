// signal_linux_386.c: the interrupted context of a signal, on 386.
// Every signal_linux_<arch>.c defines the same functions (runtime.h).
#define _GNU_SOURCE
#include <ucontext.h>

#include "runtime.h"

#define REGS(uc) (((ucontext_t *)(uc))->uc_mcontext.gregs)

uintptr rt_sigctxt_pc(void *uc) { return (uintptr)REGS(uc)[REG_EIP]; }
uintptr rt_sigctxt_fp(void *uc) { return (uintptr)REGS(uc)[REG_EBP]; }

// rt_sigctxt_call makes the context call fn from its pc: push the pc as a
// return address on a call-aligned sp, then go to fn.
void rt_sigctxt_call(void *uc, uintptr fn)
{
	uintptr sp = ((uintptr)REGS(uc)[REG_ESP] & ~(uintptr)15) - 4;

	*(uintptr *)sp = (uintptr)REGS(uc)[REG_EIP];
	REGS(uc)[REG_ESP] = (greg_t)sp;
	REGS(uc)[REG_EIP] = (greg_t)fn;
}
