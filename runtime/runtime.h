// runtime.h: the internal header every runtime file includes first.
//
// gort runs goroutines (G) on OS threads (M) that hold processors (P), on
// stacks that grow in segments, over a garbage-collected heap.  This header
// holds what all of that shares: the base types, the saved context of a
// goroutine (Gobuf), locks and notes, the kernel structures the raw system
// calls use, the knobs, and the prototypes of every cross-file function,
// grouped by the file that defines them (in layer order, bottom up).
//
// The layers, and where each is written down:
//   arch       asm_<arch>.S, sys_linux_<arch>.S     docs/context-switch.md
//   os         os_linux.c, mem_linux.c, lock_futex.c docs/os.md
//   boot       runtime.c, print.c                    docs/boot.md
// Stacks, heap, scheduler, defer/panic and the collector come after; each
// gets its own header with its design at the top.
//
// Names: rt_ for cross-file runtime functions and globals (all hidden: the
// library is built with -fvisibility=hidden and only gort_ names are
// exported); Go's vocabulary for types; static helpers have short names.
#ifndef GORT_RUNTIME_H
#define GORT_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

// All of the runtime's code goes to the section gort_text, so that the
// linker's __start_gort_text/__stop_gort_text bound it: preemption (proc.h)
// stops a goroutine only in a prologue outside the runtime, never in the
// middle of the runtime's own work.  (The unit tests include this header
// too; their code is not the runtime's.)
#if GORT_IN_RUNTIME
#pragma clang section text="gort_text"
#endif

typedef int8_t    int8;
typedef uint8_t   uint8;
typedef int16_t   int16;
typedef uint16_t  uint16;
typedef int32_t   int32;
typedef uint32_t  uint32;
typedef int64_t   int64;
typedef uint64_t  uint64;
typedef intptr_t  intptr;
typedef uintptr_t uintptr;
typedef uint8_t   byte;

_Static_assert(sizeof(void *) == PTRSIZE, "arch_<arch>.h PTRSIZE is wrong");

#define nelem(a)        (sizeof(a) / sizeof((a)[0]))
#define NORETURN        __attribute__((noreturn))
#define NOINLINE        __attribute__((noinline))

// Gobuf is a suspended context: everything needed to resume it.
//
// The callee-saved registers and the resume address are not in the Gobuf:
// rt_switch pushes them onto the suspended stack, so the Gobuf holds only
// the stack pointer they sit under and the split-stack limit that must be
// in TLS while the context runs.  Frame pushed by rt_switch, top down:
//   amd64  ret, rbp, rbx, r12, r13, r14, r15              <- sp
//   386    ret, ebp, ebx, esi, edi                         <- sp
//   arm    lr(pc), r12, r11..r4, d15..d8                   <- sp
// ABI: the asm reads these fields at the offsets in asm.h.
typedef struct Gobuf {
	uintptr sp;     // ABI GOBUF_SP: saved stack pointer
	uintptr limit;  // ABI GOBUF_LIMIT: stack limit to install in TLS
} Gobuf;

// Lock is a mutex for the runtime's own data (never held across a switch
// of goroutines).  Note is a one-shot event: one thread sleeps until
// another wakes it.  Both sit on futexes; lock_futex.c documents the words.
typedef struct Lock { uint32 key, sleepers; } Lock;     // lock_futex.c
typedef struct Note { uint32 key; } Note;

// M is an OS thread that runs goroutines.  For now it holds what the
// split-stack machinery needs per thread; the scheduler adds the rest.
// rt_m is this thread's M (initial-exec TLS: reading it makes no call).
typedef struct M M;
struct M {
	uintptr sysstack;       // a private system stack for runtime work
	uintptr sysstacktop;    //   (morestack's slow path, dying), its top
	void    *segcache;      // SegCache (stack.h): free stack segments
	struct MCache *mcache;  // small-object cache in use (malloc.h): its P's,
	struct MCache *ownmcache;       //   or, without a P, its own
	// The scheduler's (proc.h):
	uint32  id;
	uintptr g0top;          // where rt_mcall starts this thread's stack
	struct G *curg;         // the goroutine running on it
	struct P *p;            // the P it holds
	struct P *nextp;        // the P it is handed when woken
	Note    park;           // sleeps here when idle
	void    (*waitunlockf)(void *);     // rt_parkf: run once off the stack
	void    *waitarg;
	uint32  fastrand;       // select's random order
	M       *alllink;       // in rt_sched.allm
	M       *link;          // in the idle list
	bool    spinning;       // looking for work, holding a P
	struct P *oldp;         // the P it held before a system call
	uintptr *limitslot;     // its TLS stack limit, which sysmon may poison
	// Signals (signal_linux.c):
	uintptr sigstack;       // base of its signal stack (sigaltstack)
	const char *sigmsg;     // a fault turned panic, until sigpanic runs
	uint32  sig;
	uintptr sigcode, sigaddr, sigpc;
};
extern __thread M *rt_m __attribute__((tls_model("initial-exec")));

// NOSPLIT marks a function that must run without a split-stack prologue:
// it may be entered below the stack limit (from __morestack).
#define NOSPLIT         __attribute__((no_split_stack))

// Kernel structures.  One layout serves every arch (see defs_linux_*.h
// for why the times are 64-bit everywhere).
typedef struct Timespec { int64 sec; int64 nsec; } Timespec;
typedef struct Rlimit { uint64 cur; uint64 max; } Rlimit;
typedef struct SigStack { void *sp; int32 flags; uintptr size; } SigStack;
typedef struct KSigaction {
	void    *handler;
	uintptr flags;
	void    (*restorer)(void);
	uint32  mask[2];        // the kernel's 64-bit signal set, little-endian
} KSigaction;

enum {
	SA_SIGINFO_    = 0x4,
	SA_RESTORER_   = 0x04000000,
	SIG_BLOCK_     = 0,
	SIG_UNBLOCK_   = 1,
	SIG_SETMASK_   = 2,
	SigDfl         = 0,     // handler values with special meaning
	SigIgn         = 1,
	SigAbort       = 6,
	MaxGomaxprocs  = 256,
	FutexWaitPrivate = 128 | 0,
	FutexWakePrivate = 128 | 1,
	MembarrierPrivateExpedited         = 8,
	MembarrierRegisterPrivateExpedited = 16,
};

// Knobs: everything the environment can set, parsed once at boot by
// rt_boot through the table in runtime.c.  Read-only after boot.
enum {                  // GORT_TRACEBACK levels (Go's GOTRACEBACK)
	TracebackNone,  // none: no goroutine traces
	TracebackSingle,// single: the failing goroutine (default)
	TracebackAll,   // all: every user goroutine
	TracebackSystem,// system: runtime goroutines and frames too
	TracebackCrash, // crash: as system, then die by SIGABRT for a core
};
typedef struct Knobs {
	int32 traceback;        // GORT_TRACEBACK
	// GORT_DEBUG=key=value,...
	int64 stackstress;      // every split gets an exact segment, freed on return
	int64 stacksplit;       // count splits per call site, report at exit
	int64 maxstack;         // bytes a goroutine's stack may reach (0: default)
	int64 memstats;         // print the heap's statistics at exit
	int64 madvfree;         // give pages back with MADV_FREE, not MADV_DONTNEED
	int64 disablethp;       // no transparent huge pages for the heap
	int64 memlimit;         // bytes of address space the heap must fit in
	int32 maxprocs;         // GORT_MAXPROCS (0: the CPUs we may use)
	int64 schedtrace;       // print the scheduler's state every N ms
	int64 scheddetail;      // ... with every P, M and G
	int64 gctrace;          // a line per collection (docs/gc.md)
	int64 gcstress;         // collect every N allocations (public entries)
	int32 gcpercent;        // GORT_GC: heap growth between collections, -1 off
} Knobs;

// ---- asm_<arch>.S: context switching ----
// Save the running context in *save (callee-saved registers pushed on its
// stack, sp and TLS limit in the Gobuf), then resume *load.
void    rt_switch(Gobuf *save, Gobuf *load);
// Resume *load; the running context is abandoned.
NORETURN void rt_gogo(Gobuf *load);
// Save the running context in *save, then call fn(arg) on the system stack
// whose top is stack, with TLS limit 0, and resume the context fn returns
// (or fn does not return).  The resumed context returns from its own
// rt_mcall: see docs/context-switch.md on the return-stack predictor.
void    rt_mcall(Gobuf *save, uintptr stack, Gobuf *(*fn)(void *), void *arg);
// Make *buf a context that, resumed, calls fn(arg) on the stack whose top
// is stack and then exit(); exit must not return.  Sets buf->sp only.
void    rt_gobuf_init(Gobuf *buf, uintptr stack, void (*fn)(void *),
		void *arg, void (*exit)(void));
// Run fn(arg) on the stack whose top is stack, with TLS limit 0, and come
// back: for runtime work that needs more room than the current stack has.
void    rt_systemstack(void (*fn)(void *), void *arg, uintptr stack);
// Call fn(arg) on this M's system stack, unless already on a system
// stack (TLS limit 0): for work that must not split (runtime.c).
void    rt_onsystemstack(void (*fn)(void *), void *arg);
uintptr rt_getsp(void);         // the caller's sp at the call
uintptr rt_getlimit(void);      // this thread's TLS stack limit
void    rt_setlimit(uintptr);
uintptr *rt_limitslot(void);    // the address of this thread's TLS limit
void    rt_procyield(uint32 n); // n spin-wait hints (pause / yield)

// ---- sys_linux_<arch>.S: the kernel's door ----
// rt_syscall6 makes system call nr; returns the result or -errno.
intptr  rt_syscall6(intptr nr, intptr a1, intptr a2, intptr a3,
		intptr a4, intptr a5, intptr a6);
void    rt_sigreturn_tramp(void);       // SA_RESTORER target

// ---- os_linux.c: one function per system call; errors are -errno ----
intptr  rt_read(int32 fd, void *p, uintptr n);
intptr  rt_write(int32 fd, const void *p, uintptr n);
void   *rt_mmap(void *addr, uintptr n, int32 prot, int32 flags, int32 fd, uint64 off);
int32   rt_munmap(void *addr, uintptr n);
int32   rt_mprotect(void *addr, uintptr n, int32 prot);
int32   rt_open(const char *path, int32 flags);
int32   rt_close(int32 fd);
intptr  rt_filesize(int32 fd);
int32   rt_madvise(void *addr, uintptr n, int32 advice);
int32   rt_futex(uint32 *addr, int32 op, uint32 val, const Timespec *ts);
int32   rt_membarrier(int32 cmd);
int32   rt_getrlimit(int32 resource, Rlimit *old);
int32   rt_setrlimit(int32 resource, const Rlimit *new);
int32   rt_clock_gettime(int32 clock, Timespec *ts);
int32   rt_nanosleep(int64 ns);
int32   rt_sched_yield(void);
int32   rt_sched_getaffinity(int32 pid, uintptr size, void *mask);
int32   rt_getpid(void);
int32   rt_gettid(void);
int32   rt_tgkill(int32 pid, int32 tid, int32 sig);
int32   rt_sigaction(int32 sig, const KSigaction *new, KSigaction *old);
int32   rt_sigprocmask(int32 how, const uint32 new[2], uint32 old[2]);
int32   rt_sigaltstack(const SigStack *new, SigStack *old);
NORETURN void rt_exit(int32 code);
bool    rt_syserr(uintptr r);   // is r (a returned address) an -errno?
int64   rt_nanotime(void);      // CLOCK_MONOTONIC in ns
int32   rt_ncpu(void);          // CPUs in this thread's affinity mask
int32   rt_cpuquota(void);      // CPUs the cgroup's quota allows, 0: no quota
int32   rt_cpuquota_parse(const char *s, uintptr n);  // "QUOTA PERIOD"

// ---- mem_linux.c: address space ----
void   *rt_sys_reserve(uintptr n);
bool    rt_sys_map(void *v, uintptr n, bool populate);
void   *rt_sys_alloc(uintptr n);
bool    rt_sys_unused(void *v, uintptr n); // true: the pages now read as zeros
void    rt_sys_free(void *v, uintptr n);

// ---- valgrind.c: stacks made known to valgrind (no-ops without it) ----
extern bool rt_valgrind_on;
void    rt_valgrind_init(void);
uint32  rt_valgrind_stack_register(uintptr lo, uintptr hi);
void    rt_valgrind_stack_deregister(uint32 id);
void    rt_valgrind_stack_reset(uintptr lo, uintptr hi);
uintptr rt_valgrind_defined(uintptr v);

// rt_mcallresume(b) is how a function run by rt_mcall ends: it returns b,
// the context for rt_mcall to resume.  Under valgrind it resumes b itself
// and never returns.  Memcheck sees rt_mcall's move to the system stack
// and its call's push as one change of sp, which it takes for a stack
// switch and does not track, so the slot of that push must still be live
// from before; a function that returned last time killed it.  Abandoning
// the system stack's frames, as a jump does, keeps it live.
static inline Gobuf *rt_mcallresume(Gobuf *b)
{
	if (rt_valgrind_on)
		rt_gogo(b);
	return b;
}

// ---- lock_futex.c ----
void    rt_lock(Lock *l);
void    rt_unlock(Lock *l);
void    rt_noteclear(Note *n);
void    rt_notewakeup(Note *n);
void    rt_notesleep(Note *n);
bool    rt_notetsleep(Note *n, int64 ns);       // false: timed out

// ---- print.c: output without stdio, for fatal paths ----
void    rt_prints(const char *s);
void    rt_printint(int64 v);
void    rt_printuint(uint64 v);
void    rt_printhex(uint64 v);
void    rt_printnl(void);

// ---- runtime.c: boot, knobs, death ----
extern Knobs rt_knobs;
void    rt_boot(int argc, char **argv, char **envp);
void    rt_minit(void);         // make this thread an M (idempotent)
M      *rt_allocm(void);        // an M for a new thread (its rt_m)
uint64  rt_curgoid(void);       // the running goroutine's id, 0 if none
void    rt_parseknobs(char **envp);
bool    rt_streq(const char *a, const char *b);
NORETURN void rt_throw(const char *msg);
NORETURN void rt_panic(const char *msg);        // panic.c: a recoverable panic
NORETURN void rt_crash(void);   // die by SIGABRT, for a core file
struct Segment;
NORETURN void rt_throwtrace(const char *msg, uintptr fp, struct Segment *seg);

// ---- cgate.c: calls from goroutine code into C ----
void    rt_cgate_init(void);
int32   rt_cgate_lookup(const char *name);   // gate of an imported function, or -1
uint32  rt_cgate_count(void);

// ---- signal_linux.c, signal_linux_<arch>.c: faults ----
void    rt_siginit(void);
void    rt_signalstack(M *m);   // this thread takes m's signal stack
void    rt_printsignal(uint32 sig, uintptr code, uintptr addr, uintptr pc);
NORETURN void rt_divpanic(void);
uintptr rt_sigctxt_pc(void *uc);        // of an interrupted context
uintptr rt_sigctxt_fp(void *uc);
void    rt_sigctxt_call(void *uc, uintptr fn);  // make it call fn from its pc

// ---- traceback.c ----
void    rt_printpc(uintptr pc);
void    rt_traceback(uintptr fp, struct Segment *seg);
void    rt_tracebackg(uintptr pc, uintptr fp, struct Segment *seg);

#endif
