// proc.h: the scheduler.  See docs/scheduler.md for the tour.
//
// Goroutines (G) run on OS threads (M) that hold processors (P).  A P is
// the right to run Go code: there are GORT_MAXPROCS of them (by default the
// CPUs this process may use, capped by its cgroup's CPU quota rounded up:
// os_linux.c), so at most that many goroutines run at once,
// however many threads exist.
//
//   G  a goroutine: a stack (a chain of segments, stack.h) from when it
//      first runs until it ends, a saved context (Gobuf), a status.  Dead
//      Gs, without stacks, wait on their P's free list for the next spawn.
//   M  a pthread.  A goroutine that stops goes to the M's own thread stack
//      (g0) with rt_mcall, which starts g0's stack afresh each time, runs
//      schedule() there and switches into the goroutine schedule returns.
//   P  a run queue: a ring of 256 Gs that its M pops without a lock and
//      other Ms steal from with compare-and-swap, plus runnext, the G made
//      ready most recently, run next to keep producer and consumer close.
//      (With a single P there are no thieves, and the owner's pops and
//      runnext updates are plain stores.)
//
// The life of a goroutine:
//   1. gort_go(fn, arg): take a dead G (or make one), note fn(arg) in
//      it, put it in runnext of this P, and wake an idle P if there is
//      one (wakep).  It has no stack yet.
//   2. schedule() on some M picks it: runnext, the local ring, every 61st
//      time the global queue first (fairness), then the global queue,
//      then a steal of half the ring of a P picked at random.  The first
//      time, the M gives it a StackFirst segment from its cache (StackMin
//      for the main goroutine) and aims its context at fn(arg)
//      (startstack).
//   3. It runs until it yields (back of the global queue), parks (waiting
//      for something: channel, sleep...), or returns.
//   4. Parked, it is Gwaiting; rt_ready puts it back in the runnext of the
//      P that readied it.
//   5. Returned, it is Gdead: its stack chain goes back to the M's
//      cache, and the G to its P's free list.
//
// An M that finds nothing to run gives up its P (idle list) and sleeps on
// its note; wakep hands an idle P to an idle M (or a new M) when work
// appears.  When every M is idle and no goroutine can become runnable,
// the program is deadlocked: checkdead throws
// "all goroutines are asleep - deadlock!" with every goroutine's stack.
//
// A goroutine about to block in the kernel calls rt_entersyscall, which
// leaves its P behind in the Psyscall state; after the call,
// rt_exitsyscall takes it back with one compare-and-swap, or, if sysmon
// took it meanwhile, an idle P, or queues the goroutine and parks the
// thread.
//
// sysmon, a thread of its own without a P, looks at every P every 20 us
// to 10 ms: it takes back Ps left in system calls (and hands them to
// other Ms when there is work), and preempts a goroutine that has run for
// 10 ms by poisoning its M's stack limit (StackPreempt, stack.h): its next
// split-stack prologue calls __morestack, which sees the poison and calls
// rt_morestack_preempt, which puts the goroutine on the global queue.  The
// runtime's own code (section gort_text) and C-call gates are never
// stopped there; a loop that makes no calls at all is not preemptible
// (signal-based preemption is future work).  Timers and sleep are in time.c.
//
// Locks: sched.lock guards the global queue, the idle lists, the G list
// and the counters; a P's ring is lock-free.  Lock order: sched.lock before
// a channel's lock is never needed: channels unlock before they ready.
#ifndef GORT_PROC_H
#define GORT_PROC_H

#include "runtime.h"
#include "stack.h"
#include "panic.h"

typedef struct G G;
typedef struct P P;

enum {                  // G.status
	Gidle,          // just made, not yet runnable
	Grunnable,      // on a run queue
	Grunning,       // on an M
	Gwaiting,       // parked: waitreason says on what
	Gdead,          // finished; on a free list
	Gsyscall,       // in a blocking call, its P handed off
};

struct G {
	Gobuf   sched;          // the saved context while not running
	Segment *stack;         // the first segment of its stack; NULL before it runs
	uint64  goid;
	uint32  status;
	const char *waitreason;
	void    (*fn)(void *);
	void    *arg;
	M       *m;             // while running
	G       *schedlink;     // in the global queue or a free list
	G       *alllink;       // in sched.allg
	void    *param;         // handed over by whoever readies it (channels);
	                        //   dead, first of a batch in sched.gfree: the next
	uint32  selectdone;     // a select of this G was completed (CAS 0->1)
	bool    system;         // the runtime's own (finalizers): not counted
	// In a system call (Gsyscall), for the collector: the sp at
	// rt_entersyscall and the callee-saved registers then, which may hold
	// the only references to heap objects while the call runs.
	uintptr syscallsp;
	uintptr syscallregs[RegsSaved];
	Defer   *defer;         // pending deferred calls, newest first (panic.h)
	Panic   *panic;         // running panics, newest first
};

enum {
	PRunqSize  = 256,
	GFreeLocal = 64,        // dead Gs a P keeps before sharing them,
	GFreeBatch = 32,        //   in batches of this many
	GoidBatch  = 16,        // goroutine ids a P takes from goidgen at once
};

enum {                  // P.status (atomic: sysmon reads it)
	Pidle,
	Prunning,
	Psyscall,       // its M is in a system call; sysmon may take it back
	Pgcstop,        // stopped for the collector (rt_stoptheworld)
};

struct P {
	uint32  id;
	uint32  status;
	M       *m;
	uint32  runqhead;       // ring of Gs: owner pops at head, pushes at
	uint32  runqtail;       //   tail; thieves CAS the head
	G       *runq[PRunqSize];
	uintptr runnext;        // a G, run before the ring (0: none)
	uint32  taking;         // the owner is emptying runnext (rt_takenext)
	uint32  stealing;       // a thief is (rt_stealnext)
	P       *link;          // in the idle list
	G       *gfree;         // dead Gs to reuse
	uint32  gfreecnt;
	uint64  goidnext, goidend;      // goroutine ids it may hand out
	uint32  ngo;            // goroutines made here minus those ended here
	uint32  schedtick;      // schedules: fairness, and sysmon's clock
	uint32  syscalltick;    // system calls entered: sysmon's clock
	struct MCache *mcache;  // the small-object cache of whoever runs on it
	Defer   *deferpool[DeferClasses];      // free defer records by class
	uint32  deferpoolcnt[DeferClasses];    //   (panic.h), no lock
};

typedef struct Sched {
	Lock    lock;
	G       *runqhead, *runqtail;   // the global queue
	uint32  runqsize;
	P       *pidle;                 // idle Ps
	uint32  npidle;
	M       *midle;                 // idle Ms
	uint32  nmidle;
	uint32  nm;                     // Ms made
	uint32  nmspinning;             // Ms looking for work (proc.c: idlespin)
	uint32  nprocs;                 // Ps
	uint32  asymfence;              // membarrier works (set by rt_boot; proc.c: rt_takenext)
	uint64  goidgen;
	G       *allg;                  // every G ever made
	uint32  ngoroutines;            // with the Ps' ngo: not dead (atomic)
	G       *gfree;                 // batches of dead Gs beyond the Ps' lists,
	uint32  ngfree;                 //   and how many Gs (read without the lock)
	P       **allp;
	M       *allm;                  // every M ever made (for schedtrace)
	int64   starttime;
	uint32  sysmonwait;             // sysmon sleeps on sysmonnote (all Ps idle)
	Note    sysmonnote;
	uint64  npreempt;               // goroutines preempted by sysmon
	uint32  gcwaiting;              // the world is stopping: Ps stop at safe points
	uint32  stopwait;               // Ps still to stop
	Note    stopnote;               // the stopper sleeps here
} Sched;

extern Sched rt_sched;

void    rt_schedinit(void);
G      *rt_newproc(void (*fn)(void *), void *arg);
void    rt_gosched(void);
NORETURN void rt_goexit(void);
void    rt_park(const char *reason, Lock *unlock);
void    rt_parkf(const char *reason, void (*unlockf)(void *), void *arg);
void    rt_ready(G *g, void *param);
void    rt_fenceothers(void);       // a barrier in every running thread
uintptr rt_takenext(P *p);          // runnext taken by its P's owner,
uintptr rt_stealnext(P *victim);    //   and by a thief (proc.c)
G      *rt_getg(void);
int     rt_main(void (*fn)(void *), void *arg);
void    rt_printgoroutines(G *except);
void    rt_checkdeadlock(void);
void    rt_startthread(void *(*fn)(void *), void *arg, const char *what);
void    rt_stoptheworld(void);     // on g0, holding a P (mgc.c)
void    rt_starttheworld(void);
void    rt_safepoint(void);        // stop here if the world is stopping
void    rt_entersyscall(void);      // asm_<arch>.S: saves registers, then
void    rt_entersyscall0(const uintptr *regs, uintptr sp);     //   this
void    rt_exitsyscall(void);
// From __morestack, when the stack limit is StackPreempt (proc.c).
typedef struct PreemptAsk {
	uintptr limit;          // the real limit, to put back
	uintptr yield;          // the goroutine may stop here
} PreemptAsk;
PreemptAsk rt_morestack_ask(uintptr fp, uintptr pc);
void    rt_morestack_yield(void);
uintptr rt_morestack_preempt(uintptr fp, uintptr pc);

// ---- chan.c ----
typedef struct Hchan Hchan;
Hchan  *rt_makechan(uintptr elemsize, uintptr cap);
void    rt_chansend(Hchan *c, const void *elem);
bool    rt_chanrecv(Hchan *c, void *elem);
void    rt_closechan(Hchan *c);
bool    rt_chansend_nb(Hchan *c, const void *elem);     // false: would block

// ---- sema.c ----
void    rt_semacquire(uint32 *addr);
void    rt_semrelease(uint32 *addr);

// ---- time.c ----
void    rt_sleep(int64 ns);
bool    rt_timers_pending(void);

#endif
