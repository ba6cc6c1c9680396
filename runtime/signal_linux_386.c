// signal_linux_386.c: the interrupted context of a signal, on 386.
// Every signal_linux_<arch>.c defines the same functions (runtime.h).
#define _GNU_SOURCE
#include <ucontext.h>

#include "runtime.h"

void rt_sigtlsfix(void);

#define REGS(uc) (((ucontext_t *)(uc))->uc_mcontext.gregs)

uintptr rt_sigctxt_pc(void *uc) { return (uintptr)REGS(uc)[REG_EIP]; }
uintptr rt_sigctxt_fp(void *uc) { return (uintptr)REGS(uc)[REG_EBP]; }

// rt_sigctxt_call makes the context call fn from its pc: push the pc as a
// return address on a call-aligned sp, then go to fn, through tlsfix.
void rt_sigctxt_call(void *uc, uintptr fn)
{
	uintptr sp = ((uintptr)REGS(uc)[REG_ESP] & ~(uintptr)15) - 4, tp;

	__asm__ volatile("movl %%gs:0, %0" : "=r"(tp));        // glibc's TCB self
	*(uintptr *)sp = (uintptr)REGS(uc)[REG_EIP];
	REGS(uc)[REG_ESP] = (greg_t)sp;
	REGS(uc)[REG_EAX] = (greg_t)tp;
	REGS(uc)[REG_EDX] = (greg_t)((uintptr)REGS(uc)[REG_GS] >> 3);
	REGS(uc)[REG_ECX] = (greg_t)fn;
	REGS(uc)[REG_EIP] = (greg_t)(uintptr)rt_sigtlsfix;
}

// rt_sigtlsfix: eax = this thread's TLS base, edx = its GDT entry, ecx =
// where to go, [esp] = the fake return address (left as it is).  qemu-user
// keeps one GDT for all threads, so the %gs a signal return reloads has
// the base of whichever thread set its TLS last; writing this thread's
// base back (set_thread_area) and reloading %gs puts it right.  On a real
// kernel the entry is per thread and already right: rewriting it is a
// no-op.  Clobbers eax, ebx, edx (the faulting frame never resumes).
__asm__(
	"	.text\n"
	"	.balign 16\n"
	"	.globl rt_sigtlsfix\n"
	"	.hidden rt_sigtlsfix\n"
	"	.type rt_sigtlsfix, @function\n"
	"rt_sigtlsfix:\n"
	"	subl	$16, %esp\n"           // struct user_desc
	"	movl	%edx, 0(%esp)\n"       // entry_number
	"	movl	%eax, 4(%esp)\n"       // base_addr
	"	movl	$0xfffff, 8(%esp)\n"   // limit
	"	movl	$0x51, 12(%esp)\n"     // seg_32bit, limit_in_pages, useable
	"	movl	$243, %eax\n"          // NR_set_thread_area
	"	movl	%esp, %ebx\n"
	"	int	$0x80\n"
	"	movl	%gs, %eax\n"
	"	movl	%eax, %gs\n"
	"	addl	$16, %esp\n"
	"	jmp	*%ecx\n"
	"	.size rt_sigtlsfix, . - rt_sigtlsfix\n");
