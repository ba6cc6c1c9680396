// signal_linux_amd64.c: the interrupted context of a signal, on amd64.
// Every signal_linux_<arch>.c defines the same functions (runtime.h).
#define _GNU_SOURCE
#include <ucontext.h>

#include "runtime.h"

#define REGS(uc) (((ucontext_t *)(uc))->uc_mcontext.gregs)

uintptr rt_sigctxt_pc(void *uc) { return (uintptr)REGS(uc)[REG_RIP]; }
uintptr rt_sigctxt_fp(void *uc) { return (uintptr)REGS(uc)[REG_RBP]; }

// rt_sigctxt_call makes the context call fn from its pc: push the pc as a
// return address on a call-aligned sp (the faulting frame's red zone is
// dead: it never resumes), then go to fn.
void rt_sigctxt_call(void *uc, uintptr fn)
{
	uintptr sp = ((uintptr)REGS(uc)[REG_RSP] & ~(uintptr)15) - 8;

	*(uintptr *)sp = (uintptr)REGS(uc)[REG_RIP];
	REGS(uc)[REG_RSP] = (greg_t)sp;
	REGS(uc)[REG_RIP] = (greg_t)fn;
}
