// mgc.h: the garbage collector.  See docs/gc.md for the tour.
//
// A stop-the-world, parallel mark, lazy sweep collector over the span heap
// (malloc.h).  It finds every object reachable from the roots, marks it in
// the side bitmap, and frees the rest, span by span, as allocation needs
// the room.
//
// A collection, step by step (rt_gc):
//   1. The goroutine that starts it (its allocation found the heap past
//      its goal, or it called gort_gc) switches to its M's own stack, so
//      that it, too, is stopped with its registers saved on its stack.
//   2. Stop the world (proc.c): every P stops in the scheduler, at a safe
//      point (rt_safepoint: allocation, channels), or is taken from its
//      system call; running goroutines are asked to yield by the poisoned
//      stack limit.
//   3. Finish the last cycle's sweep, flush every MCache (their spans go
//      back to their MCentral, the tiny blocks are dropped) and empty the
//      defer pools: no cache may keep an object alive or hand out a slot
//      the sweep has not seen.
//   4. Mark, on up to GcMaxProcs threads (the stopper and helper threads):
//      the roots are split into jobs taken by an atomic counter: the data
//      and bss of every loaded object, each goroutine's stack (from its
//      saved sp to the top of its segment, then each older segment from
//      where its split was made), the registers saved at a system call,
//      each M and the main thread's stack below the scheduler.  Grey
//      objects go into work buffers; a worker drains its own, shares half
//      when others are idle and the global list has nothing for them,
//      and takes full buffers from the global list; marking ends when
//      every worker is idle and no buffer is left.
//   5. Finalizers: an unmarked object with a finalizer has its referents
//      marked (so what it points to lives on, and is finalized only after
//      it), then is marked itself and queued for the finalizer goroutine.
//   6. Advance the sweep generation (every span becomes "to sweep"), set
//      the next goal (live + (live + roots) * GORT_GC/100, the roots
//      being the data, bss and goroutine stacks), start the world,
//      wake the finalizer goroutine and the background sweeper.
//
// Roots and objects are read conservatively (any word that points into an
// allocated object, interior pointers included, keeps it), except heap
// objects allocated with a type (only the words its pointer mask names)
// or noscan (never read).  The pointer bitmap says which words those are.
//
// Mark bits (malloc.h: one bit per heap word, parallel to the arena; an
// object's is the bit of its first word) are set with an atomic OR when
// several threads mark, by a plain store when one does:
//
//   arena:      | obj0 word0 | word1 | obj1 word0 | word1 | ...
//   ptr bits:   |     1      |   0   |     1      |   1   |   (which words to read)
//   mark bits:  |     1      |   -   |     0      |   -   |   (obj0 reached)
//
// Sweeping a span, owned through its sweep generation (h-2 -> h-1 by
// compare-and-swap, h when done):
//   small (rt_sweepsmall): the marked slots become the span's alloc bits
//   (one bit per slot); allocation starts again at the first 64 slots
//   with a free one (freeindex: those below it are all taken, which
//   spares the next mark their alloc bits) and skips the live ones.
//   Dead slots are not touched: allocation zeroes a slot and writes its
//   pointer bits when it hands it out, and the collector, seeing a pointer
//   into a slot that is neither below freeindex nor in the alloc bits,
//   knows it for stale.  The cost is a few loads per page and one per
//   live object.  A span with nothing live goes back to the heap, unless
//   an MCentral swept it to hand it to an MCache.  large: unmarked, the
//   span goes back to the heap.
// Spans are swept lazily by the MCentral that hands them to an MCache,
// by a background sweeper thread, and, for what is left, at the start of
// the next collection.
//
// Knobs: GORT_GC=<percent>|off; GORT_DEBUG=gctrace=1 (a line per
// collection, documented in docs/gc.md), gcstress=N (a collection every N
// allocations at the public entry points).
#ifndef GORT_MGC_H
#define GORT_MGC_H

#include "runtime.h"
#include "atomic.h"
#include "malloc.h"
#include "proc.h"

enum {
	GcMaxProcs      = 8,            // threads marking at once
	GcMinGoal       = 4 << 20,      // bytes: never collect a smaller heap
	GcParallelMin   = 2 << 20,      // bytes: mark a smaller live heap alone
	WorkbufSize     = 4096,         // bytes of a work buffer
};

typedef struct GcStats {
	uint32  ngc;                    // collections so far
	uint32  lastnproc;              // threads that marked in the last one
	uint32  nworkbufs;              // work buffers taken from the OS (kept)
	uint64  lastlive;               // bytes marked by the last one
	int64   lastpause, maxpause, totalpause;       // ns
	uint64  nfreed, freedbytes;     // objects freed by sweeping (and not
	                                //   yet folded in: rt_gcstats_freed)
} GcStats;

extern GcStats rt_gcstats;

void    rt_gcinit(void);
void    rt_gc(bool force);              // from a goroutine: collect now
void    rt_gcmaybeslow(void);           // rt_gcmaybe found something to do
bool    rt_sweepone(void);              // sweep one span; false: none left
uint32  rt_sweepsmall(MSpan *s);        // s owned (h-1), off its list: live slots
bool    rt_ismarked(void *p);
void    rt_gcstats_freed(uint64 *n, uint64 *bytes);           // is the object at p marked?
void    rt_setfinalizer(void *obj, void (*fn)(void *));

// rt_gcpoll gathers in one word the reasons a public entry point has to
// stop at its safe point, so that rt_gcmaybe is one load and a branch
// when there is none (nearly always).  Each bit is raised where its
// condition starts: GcPollStop with gcwaiting (rt_stoptheworld, cleared
// by rt_starttheworld), GcPollStress at start for gcstress, GcPollGoal
// by rt_gcheapgrew when heaplive reaches nextgc (cleared, and raised
// again if need be, by the collection that sets the next goal).
enum {
	GcPollStop      = 1,            // the world is stopping
	GcPollStress    = 2,            // GORT_DEBUG=gcstress=N
	GcPollGoal      = 4,            // the heap has reached its goal
};

// On a cache line of its own: every allocation reads it, and the
// sweeper's counters, which were its neighbours, are written a few times
// a page.
typedef struct GcPoll {
	uint32  bits;
	byte    pad[CACHELINESIZE - sizeof(uint32)];
} __attribute__((aligned(CACHELINESIZE))) GcPoll;

extern GcPoll rt_gcpoll;
void    rt_gcheapgrew(uintptr heaplive);        // heaplive grew to this
void    rt_gcknobs(void);       // after a change to gcstress or gcpercent

// rt_gcpolled: has a public entry point a reason to stop at its safe
// point?  The allocation entry points test it themselves, to take the
// whole allocation out of line when it has (malloc.c).
static inline bool rt_gcpolled(void)
{
	return rt_load32(&rt_gcpoll.bits) != 0;
}

// rt_gcmaybe: a safe point at a public entry point (allocation,
// channels), where a collection may start: the world is stopping, the
// heap has reached its goal, or gcstress.
static inline void rt_gcmaybe(void)
{
	if (rt_gcpolled())
		rt_gcmaybeslow();
}

#endif
