// signal_linux.c: faults become panics, or die as Go dies.
//
// Every M gets a signal stack (sigaltstack) when it starts, and SIGSEGV,
// SIGBUS and SIGFPE are handled on it (SA_ONSTACK), so a fault is reported
// even when the goroutine's segment has no room left.  The handler:
//   1. runs with TLS limit 0 (it is no-split, and sets the limit before
//      calling anything), so nothing on the signal stack ever splits;
//   2. decides: a fault in goroutine code (this M runs a goroutine and the
//      limit at the fault was a segment's) at an address below 4096 is a
//      nil dereference, and SIGFPE with FPE_INTDIV a division by zero: both
//      become panics.  Anything else is fatal, with a traceback;
//   3. for a panic, rewrites the interrupted context so that the thread,
//      once the handler returns, runs sigpanic as if the faulting
//      instruction had called it (signal_linux_<arch>.c: push the faulting
//      pc as the return address on x86, set lr on arm).  A traceback then
//      shows the function that faulted, and sigpanic starts an ordinary
//      panic on the goroutine's stack, outside the handler.
// arm has no division trap: its division helpers call __aeabi_idiv0, and
// signal_linux_arm.c provides that as a panic.
#define _GNU_SOURCE
#include <signal.h>

#include "runtime.h"
#include "panic.h"
#include "proc.h"

enum {
	SigStackSize = 64 << 10,
	SA_ONSTACK_  = 0x08000000,
	NilPage      = 4096,    // faults below this are nil dereferences
};

static const char *const signame[] = {
	[SIGSEGV] = "SIGSEGV: segmentation violation",
	[SIGBUS] = "SIGBUS: bus error",
	[SIGFPE] = "SIGFPE: floating-point exception",
};

// rt_signalstack gives this thread m's signal stack (made on first use).
void rt_signalstack(M *m)
{
	SigStack ss;

	if (m->sigstack == 0) {
		m->sigstack = (uintptr)rt_sys_alloc(SigStackSize);
		if (m->sigstack == 0)
			rt_throw("out of memory making a signal stack");
		rt_valgrind_stack_register(m->sigstack, m->sigstack + SigStackSize);
	}
	ss.sp = (void *)m->sigstack;
	ss.flags = 0;
	ss.size = SigStackSize;
	rt_sigaltstack(&ss, NULL);
}

void rt_printsignal(uint32 sig, uintptr code, uintptr addr, uintptr pc)
{
	rt_prints("[signal ");
	rt_prints(sig < nelem(signame) && signame[sig] != NULL ? signame[sig] : "?");
	rt_prints(" code=");
	rt_printhex(code);
	rt_prints(" addr=");
	rt_printhex(addr);
	rt_prints(" pc=");
	rt_printhex(pc);
	rt_prints("]\n");
}

// sigpanic is entered as if called by the instruction that faulted.
static NORETURN void sigpanic(void)
{
	M *m = rt_m;
	Panic p = {.value = (void *)m->sigmsg, .sig = m->sig, .sigcode = m->sigcode,
		.sigaddr = m->sigaddr, .sigpc = m->sigpc};

	m->sigmsg = NULL;
	rt_panicp(&p);
}

// rt_divpanic: an integer division by zero found without a trap (arm).
void rt_divpanic(void)
{
	rt_panic("runtime error: integer divide by zero");
}

// fatalsignal dies as Go does on a fault it cannot turn into a panic.
static NORETURN void fatalsignal(int sig, siginfo_t *info, void *uc, uintptr limit)
{
	uintptr addr = (uintptr)info->si_addr, pc = rt_sigctxt_pc(uc);
	uint64 goid = rt_curgoid();

	if (goid != 0 && limit != 0 && sig != SIGFPE) {
		rt_prints("unexpected fault address ");
		rt_printhex(addr);
		rt_prints("\nfatal error: fault\n");
	} else {
		rt_prints("fatal error: unexpected signal during runtime execution\n");
	}
	rt_printsignal(sig, (uintptr)info->si_code, addr, pc);
	if (rt_knobs.traceback > TracebackNone) {
		rt_prints("\ngoroutine ");
		rt_printuint(goid);
		rt_prints(" [running]:\n");
		rt_tracebackg(pc + 1, rt_sigctxt_fp(uc), rt_segment_of(limit));
	}
	if (rt_knobs.traceback >= TracebackCrash)
		rt_crash();
	rt_exit(2);
}

static void handle(int sig, siginfo_t *info, void *uc, uintptr limit)
{
	M *m = rt_m;
	uintptr addr = (uintptr)info->si_addr;
	const char *msg = NULL;

	if (m == NULL || m->curg == NULL || limit == 0 || m->sigmsg != NULL)
		fatalsignal(sig, info, uc, limit);
	if ((sig == SIGSEGV || sig == SIGBUS) && addr < NilPage)
		msg = "runtime error: invalid memory address or nil pointer dereference";
	else if (sig == SIGFPE && info->si_code == FPE_INTDIV)
		msg = "runtime error: integer divide by zero";
	if (msg == NULL)
		fatalsignal(sig, info, uc, limit);
	m->sigmsg = msg;
	m->sig = (uint32)sig;
	m->sigcode = (uintptr)info->si_code;
	m->sigaddr = addr;
	m->sigpc = rt_sigctxt_pc(uc);
	rt_sigctxt_call(uc, (uintptr)sigpanic);
}

// sighandler runs on the signal stack under whatever limit the interrupted
// code had: it must not split before it clears the limit.
static NOSPLIT void sighandler(int sig, siginfo_t *info, void *uc)
{
	uintptr limit = rt_getlimit();

	rt_setlimit(0);
	handle(sig, info, uc, limit);
	rt_setlimit(limit);
}

void rt_siginit(void)
{
	static const int32 sigs[] = {SIGSEGV, SIGBUS, SIGFPE};
	KSigaction sa = {0};
	uint32 i;

	sa.handler = (void *)sighandler;
	sa.flags = SA_ONSTACK_ | SA_SIGINFO_;
	for (i = 0; i < nelem(sigs); i++)
		rt_sigaction(sigs[i], &sa, NULL);
}
