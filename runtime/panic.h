// panic.h: defer, panic and recover.  docs/defer.md tells the story.
//
// A goroutine keeps two lists, newest first: its pending deferred calls
// (G.defer, of Defer records) and its running panics (G.panic, of Panic
// records, which live in the frames of the functions that panicked).
//
// A function that defers owns a gort_frame in its own frame: the context
// gort_frame_enter saved there (callee-saved registers, sp, the resume
// address, the stack limit of the frame's segment).  Each Defer names the
// frame that pushed it, so the defers of one frame sit together at the
// head of the list while that frame runs.
//
// Records.  A Defer is a header and its argument block.  Blocks of up to
// DeferMaxPooled bytes come in DeferClasses classes of 16 bytes
// (deferclass); every size of a class rounds to one malloc size class
// (rt_deferpool_check proves it at boot, as Go's testdefersizes did), so a
// record of a class may serve any size of that class.  Bigger records come
// from the heap and go back to the collector.  A compiler may also put the
// record in its own frame (gort_deferproc_stack): kind DeferStack, never
// pooled, its arguments left where they are.
//
// Pools (seed 001).  Each P has a free list per class; only the goroutine
// running on the P touches it, so the fast path takes no lock:
//   1. deferproc pops the P's list of the class (a refill of up to half a
//      list from the global pool, under its lock, when empty; the heap
//      when that is empty too), copies the arguments, pushes the record
//      on G.defer.
//   2. deferreturn pops the frame's records and calls them; each goes back
//      to the P's list, and half of a list longer than DeferLocalMax
//      spills to the global pool under its lock.
//   3. rt_clear_deferpools, called by the collector with the world
//      stopped, empties every P's lists and the global pool, so that no
//      stale record keeps the heap objects its arguments point at alive.
// Records in a pool keep their old arguments until reused: that is why
// the collector empties the pools first.  Locks: the global pool's lock
// is a leaf (nothing is taken under it, it is never held across a call
// out of panic.c); a P's lists need none, as long as the goroutine is not
// moved off its P in the middle of a pool operation.
//
// A panic, step by step (gopanic in panic.c):
//   1. A Panic record goes on G.panic, in the panicking frame.
//   2. Take the newest Defer.  If an earlier panic had started it (that
//      deferred call panicked), that panic is aborted and the record
//      dropped.  Otherwise mark it started by this panic and call it from
//      calldefer, whose frame address the Panic keeps (argp).
//   3. gort_recover_frame(fp) recovers only if its caller's frame record
//      says it was called by calldefer (through __morestack if the
//      deferred function split): called directly by the deferred call.
//   4. After the call, the record is dropped.  Not recovered: go on with
//      the next Defer (step 2).  Recovered: the panic (and any panics it
//      aborted) come off G.panic, and the frame that deferred the call is
//      resumed (step 5).  No Defer left: print every panic on G.panic,
//      oldest first ("panic: A [recovered]" then "\tpanic: B"), the
//      goroutine's stack, and exit 2.
//   5. Recovery runs on the M's g0 stack (rt_mcall): the stack segments
//      between the one the panic ran on and the frame's are given back
//      exactly as the returns through __morestack would have (rt_stack_unwind),
//      then rt_frame_resume returns from the frame's gort_frame_enter with
//      1, and the frame runs its remaining defers and returns.
// gort_goexit is a panic that cannot be recovered and, having run every
// Defer, ends the goroutine instead of dying.
//
// Run-time errors.  rt_panic (closed channels, WaitGroup misuse...) and
// the signal handlers (signal_linux.c: nil dereference, division by zero)
// start ordinary panics; "fatal error:"s (rt_throw) are never panics.
//
// A panic that aborts a Goexit and is then recovered does not cancel the
// Goexit (Go 1.14): the remaining deferred calls run and the goroutine
// ends.  Not yet: the pools must not be touched by a goroutine that could
// be preempted in the middle (no preemption exists yet).
#ifndef GORT_PANIC_H
#define GORT_PANIC_H

#include "runtime.h"

typedef struct Defer Defer;
typedef struct Panic Panic;
struct gort_frame;

enum {
	DeferClasses   = 5,     // argument sizes 0, 1-16, 17-32, 33-48, 49-64
	DeferMaxPooled = 16 * (DeferClasses - 1),
	DeferLocalMax  = 32,    // a P's list beyond this spills half
	DeferHeap      = 0xfe,  // Defer.kind: from the heap, not pooled
	DeferStack     = 0xff,  //   in a compiler's frame (gort_deferproc_stack)
};

struct Defer {
	Defer   *link;          // next older on G.defer, or in a pool
	struct gort_frame *frame;       // the frame that deferred it
	void    (*fn)(void *);
	void    *args;          // the argument block (inline, or the caller's)
	Panic   *panic;         // the panic that started it, if one did
	uint32  siz;            // bytes of arguments
	uint8   kind;           // its class, or DeferHeap, DeferStack
	bool    started;        // a panic is running it
	// then, for pooled and heap records, the arguments (16-aligned)
};

struct Panic {
	Panic   *link;          // the older panic still running, if any
	void    *value;
	void    (*print)(void *value);
	uintptr argp;           // calldefer's frame while it calls a Defer
	bool    recovered;
	bool    aborted;        // a newer panic ran past the Defer it was in
	bool    goexit;         // gort_goexit: runs defers, cannot be recovered
	uint32  sig;            // a fault's (signal_linux.c), printed at death
	uintptr sigcode, sigaddr, sigpc;
};

NORETURN void rt_panicv(void *value, void (*print)(void *));
NORETURN void rt_panicp(Panic *p);     // p->value a message
void    rt_clear_deferpools(void);
void    rt_deferpool_check(void);       // throws if a class spans two size classes
uint32  rt_deferclass(uintptr siz);     // the pool class of siz argument bytes
uintptr rt_defersize(uintptr siz);      // a record's bytes for siz argument bytes

// asm_<arch>.S: return from f's gort_frame_enter a second time, with 1,
// on f's stack and under its limit.
NORETURN void rt_frame_resume(struct gort_frame *f);

#endif
