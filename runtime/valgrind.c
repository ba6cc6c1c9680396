// valgrind.c: telling valgrind where gort's stacks are.
//
// Memcheck tracks the stack pointer and treats memory below it as dead.
// When a context switch moves sp to another stack, it cannot tell a switch
// from a huge frame unless it knows the stacks: each stack (a segment,
// later) is registered when it is made and deregistered before it is
// freed.  Outside valgrind a client request is a few no-op instructions;
// built without valgrind's header, these functions do nothing at all.
#include "runtime.h"

// rt_valgrind_on: the program runs under valgrind (preemption then wants
// more room above a segment's header: proc.c, YieldRoom).
bool rt_valgrind_on;

#if GORT_VALGRIND
#include <valgrind/memcheck.h>
#include <valgrind/valgrind.h>

void rt_valgrind_init(void)
{
	rt_valgrind_on = RUNNING_ON_VALGRIND != 0;
}

// A stack's memory may have been a stack before: when that stack's sp rose,
// memcheck marked what lay below as inaccessible, and deregistering does
// not undo it.  A new stack starts addressable (and undefined).
uint32 rt_valgrind_stack_register(uintptr lo, uintptr hi)
{
	VALGRIND_MAKE_MEM_UNDEFINED(lo, hi - lo);
	return VALGRIND_STACK_REGISTER(lo, hi);
}

void rt_valgrind_stack_deregister(uint32 id)
{
	VALGRIND_STACK_DEREGISTER(id);
}


// A stack left by a jump (a recovery) rather than by returns: what memcheck
// thought of its dead part no longer holds.
void rt_valgrind_stack_reset(uintptr lo, uintptr hi)
{
	VALGRIND_MAKE_MEM_UNDEFINED(lo, hi - lo);
}

// rt_valgrind_defined returns v, which memcheck will take as defined
// from now on (the copy, not the memory it came from).
uintptr rt_valgrind_defined(uintptr v)
{
	VALGRIND_MAKE_MEM_DEFINED(&v, sizeof v);
	return v;
}

#else
void rt_valgrind_init(void)
{
}

uintptr rt_valgrind_defined(uintptr v)
{
	return v;
}

uint32 rt_valgrind_stack_register(uintptr lo, uintptr hi)
{
	return 0;
}

void rt_valgrind_stack_deregister(uint32 id)
{
}

void rt_valgrind_stack_reset(uintptr lo, uintptr hi)
{
}

#endif
