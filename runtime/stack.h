// stack.h: segmented goroutine stacks.
//
// A goroutine's stack is a chain of segments.  It starts on one small
// segment; a function whose frame does not fit calls __morestack from its
// prologue, which links a new segment and runs the rest of the function
// there; when that function returns, __morestack switches back.  Nothing
// is ever copied, so pointers into a stack stay valid; the price is a few
// nanoseconds at each boundary crossing.  docs/stacks.md tells the story
// with pictures; this is the reference.
//
// A segment, low addresses first:
//
//   base                                                           top
//   +---------+-------------+--------------------------------------+
//   | Segment | red zone    | frames, growing down from top        |
//   | header  | StackRed    |                                      |
//   +---------+-------------+--------------------------------------+
//             ^ limit = base + SegHeader + StackRed, kept in TLS while
//               the segment is the running one
//
// The stack limit sits StackRed above the header, so code may run a little
// below it without a check: a prologue does not subtract frames smaller
// than StackSmall, a function without a prologue (a variadic one) may use
// NOSPLIT_BUDGET bytes more, and below those __morestack pushes its frame
// and, on 386 and arm, makes one no-split C call that moves to the M's
// system stack (amd64 moves first: its vector registers would not fit).
// StackRed is 640 bytes on amd64, 512 on 386 and 576 on arm
// (arch_<arch>.h); test-stack drives every one of those paths at every
// depth and checks that the bottom of the red zone is never reached.
// Preemption stops a goroutine only where the switch's registers fit
// above the header (proc.c, YieldRoom); deeper, it goes on, and sysmon
// asks again.

// The split (__morestack, asm_<arch>.S), step by step:
//   1. The prologue of F finds sp - frame below the limit and calls
//      __morestack with F's frame size and the bytes of F's stack arguments.
//   2. __morestack finds the current segment from the limit (limit minus
//      SegHeader minus StackRed) and looks at its cached child, seg->next.
//   3. Fast path: the child exists and is big enough.  Slow path:
//      rt_morestack_slow (no-split C) asks the segment cache, on the M's
//      system stack, for a segment of at least the size needed, frees a
//      too-small cached child, checks the goroutine's stack limit, and
//      makes the new segment the child.
//   4. __morestack records the old sp in the child (oldsp), copies F's
//      stack arguments to the child's top (a C-call gate asks for
//      CGATE_ARGS bytes; no more than the old segment holds above the
//      frame are copied), installs the child's limit,
//      switches sp, restores the argument registers and calls the rest of
//      F (the continuation right after F's prologue).
//   5. When F returns (into __morestack), the old limit and sp come back
//      from __morestack's frame on the old segment, the registers it saved
//      there are cleared (seed 002: no stale value stays reachable), and it
//      returns to F's caller.  The child stays cached as the parent's next,
//      so a call made in a loop at a boundary costs only steps 4 and 5, and
//      a stack that grew once does not fault its pages in again.  The chain
//      stays cached until the goroutine exits (Go, likewise, keeps a grown
//      stack until a collection shrinks it; the collector will trim chains).
//
// Where a goroutine's stack comes from: when it first runs,
// rt_stackalloc takes a first segment of StackFirst bytes from the M's
// cache (free lists by size class, up to StackCacheMax bytes), refilled
// from the heap (the classes below a page: from the pool, below, a batch
// at a time); when it ends, the chain goes back to the cache.  The main
// goroutine's first segment is StackMin.  A segment of
// a page or more is a span of its own in the MSpanStack state, so the
// arena's budget covers stacks too, and freed stacks reach the scavenger.
// A smaller one (the first segments, 1 KB: half of Go's first stack, as a
// split is cheap and copies nothing) is a piece of a StackPoolPages-page
// MSpanStack span shared by pieces of its size: a locked pool per size
// keeps the spans that have a free piece, each with its free pieces on
// the span's free list, and gives a span back to the heap when its last
// piece comes back; a cache takes pieces from the pool and gives them
// back 32 at a time, under one take of its lock.  A split never makes a
// segment smaller than StackMin (except in the exact modes, stackstress
// and stacksplit, below), so it rarely needs the pool.
// rt_stackfree returns a whole chain.  Every segment in use is registered
// with valgrind; a cached one is not.
//
// Limits.  The chain's bytes are summed in each header (total); a split
// that would pass rt_maxstack dies with "fatal error: stack overflow" and a
// traceback.  Default 1 GB on 64-bit, 256 MB on 32-bit.
//
// Knobs (GORT_DEBUG): stackstress=1 makes every split allocate a segment
// exactly as big as the frame that asked and free it on return, so nearly
// every call crosses a boundary; stacksplit=1 counts splits per call site
// and prints the top sites and a segment census at exit.  Both bypass the
// cached child, so every split passes through the slow path.
#ifndef GORT_STACK_H
#define GORT_STACK_H

#include "runtime.h"
#include "asm.h"

// The stack limit that asks the running goroutine to yield (proc.h).
#define StackPreempt    ((uintptr)STACK_PREEMPT)

typedef struct Segment Segment;

// Segment header.  ABI: __morestack reads the first four fields at the
// offsets in asm.h.
struct Segment {
	uintptr size;   // ABI SEG_SIZE: bytes in the segment, header included
	Segment *next;  // ABI SEG_NEXT: cached child for the next split, or NULL
	uintptr oldsp;  // ABI SEG_OLDSP: parent's sp at the split (the frame of
	                //   __morestack there); 0 while not linked below a parent
	Segment *prev;  // ABI SEG_PREV: parent, NULL for a goroutine's first
	uintptr total;  // bytes of this chain from the first segment to here
	Segment *link;  // free-list link while cached in an M; in a chain in
	                //   the exact modes, the child in use (no next there)
	uint32  vgid;   // valgrind's id for this stack
	uint32  class;  // size class in the segment cache
};

enum {
	SegHeader  = (sizeof(Segment) + 15) & ~15,
	StackSmall = 256,       // frames this small are not subtracted by prologues
	StackRed   = STACK_RED, // below the limit (arch_<arch>.h): see above
	StackFirst = 1024,      // a goroutine's first segment
	StackMin   = 8192,      // the smallest segment a split makes
	StackMaxSegment = 1 << 20,      // segments grow by doubling up to this
	StackCacheClasses = 11,         // 1 KB, 2 KB, ... 1 MB
	StackCacheMax = 8 << 20,        // bytes an M keeps cached beyond in-use
	StackPoolPages = 4,             // heap pages a span of pieces takes
};

// MCache of segments, one per M.  Free lists by size class that only its
// own M changes (the census reads its counts from other threads).  The
// pool's classes keep at most 2 * PoolBatch pieces each (stack.c); the
// others share StackCacheMax bytes.
typedef struct SegCache SegCache;
struct SegCache {
	Segment *free[StackCacheClasses];
	uint32  n[StackCacheClasses];   // segments in each list
	uintptr bytes;                  //   and their bytes
	// The segments in goroutine chains this M made less those it freed
	// (a goroutine may end on another M, so only the sum over every
	// cache, rt_stack_census's, means anything).  Each M writes its own
	// counts, with plain stores: counters shared by every M were four
	// locked additions on one cache line for each goroutine's start and
	// end.
	intptr  nsegs, nsegbytes;
	SegCache *alllink;      // every cache, for the census
};

// A census of stack memory, for GORT_DEBUG=stacksplit and the tests.
typedef struct StackCensus {
	uintptr inuse, inusebytes;      // segments in goroutine chains
	uintptr cached, cachedbytes;    // free segments in M caches
	uintptr slowsplits;             // __morestack slow paths taken
	uintptr poolspans;              // spans carved into small segments
} StackCensus;

extern uintptr rt_maxstack;

void    rt_segcache_init(SegCache *c);
Segment *rt_stackalloc(uintptr size);
void    rt_stackfree(Segment *first);
uintptr rt_segment_limit(Segment *s);
Segment *rt_segment_of(uintptr limit);  // the segment a stack limit belongs to
Segment *rt_stack_find(Segment *first, uintptr sp);     // the one holding sp
uintptr rt_segment_top(Segment *s);
void    rt_stack_census(StackCensus *c);
void    rt_stack_printsplits(void);
void    rt_stack_unwind(Segment *from, Segment *to);    // for recovery (panic.c)

// Called from __morestack only.  386 and arm call the first two, in the
// red zone; they move to the M's system stack and do there what the
// last two do.  amd64 moves to the system stack itself and calls those.
Segment *rt_morestack_slow(Segment *cur, uintptr need, uintptr oldsp);
void    rt_lessstack_slow(Segment *seg);
Segment *rt_morestack_grow(Segment *cur, uintptr need, uintptr oldsp);
void    rt_lessstack_release(Segment *seg);

#endif
