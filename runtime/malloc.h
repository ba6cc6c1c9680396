// malloc.h: the heap.  See docs/heap.md for the tour; this is the reference.
//
// gort's allocator is Go's (itself from tcmalloc): memory is cut into
// 8 KB pages; runs of pages are spans; a span either holds one large
// object or many small objects of one size class.  Three layers hand out
// small objects, each caching for the one above:
//
//   MCache     per P (and one per thread for threads without a P): one
//              span per span class to allocate from.  Only the thread
//              holding the P touches it: no lock on the fast path.
//   MCentral   per span class: the spans with room, and the full ones.
//              Has a lock.
//   MHeap      the pages: free spans by length, coalesced on free; the map
//              from every page to its span; the arena.  Has a lock.
//
// A span class is a size class and whether its objects hold pointers:
// noscan objects (no pointers) sit in spans the collector never scans, so
// the two kinds never share a span.
//
// Allocating a small object (rt_mallocgc), step by step:
//   1. Round the size up to its size class (two lookup tables, O(1)).
//      Pointer-free objects under 16 bytes go to the tiny allocator instead,
//      which packs them into 16-byte blocks.
//   2. Take a free slot of the M's cached span for that span class: the
//      next clear bit of its alloc bits from freeindex on (a count of
//      trailing zeros in alloccache, a 64-bit window on them).  Zero it
//      if the span's memory may be dirty (fresh pages from the OS are
//      zero; slots the sweeper freed still hold their dead object).
//   3. If the cached span is full, MCentral gives the MCache another (under
//      the class's lock), getting fresh spans from MHeap as needed.
//   4. MHeap finds a free run of pages (free lists by length, then the
//      large list), splits it, and records the new span in the page map;
//      with no free run it maps more of the arena.
//   5. For objects allocated with a type, the heap's pointer bitmap gets
//      the type's pointer words; untyped objects are marked as all-pointer
//      (scanned conservatively); noscan objects get nothing.  The bits of
//      the whole slot are written, zeros too: the dead object that had
//      the slot before left its own there.  When an MCache takes a span,
//      it writes the bits of the allocation that asked for it into every
//      free slot at once, a bitmap word at a time; allocations of the
//      same type and size from that span then write none.
// Steps 1, 2 and 5 are one function (smallalloc, malloc.c, in line in
// each entry point) that makes no call unless its 64-slot window is used
// up or the span full, the slot big, or the bits of another type, or of
// an array, to write.
// A large object (over 32 KB) is a span of its own straight from MHeap.
//
// The arena is one reservation of address space, sized at start to fit
// RLIMIT_AS with room for the page map, the bitmaps, span metadata,
// thread stacks and what the process already maps (seed 003).  Goroutine
// stack segments are spans of it (MSpanStack).  Without a
// limit, 64-bit targets reserve 64 GB and 32-bit targets what they can
// get, from 1 GB down.  The arena is mapped in as it is used.  When it is
// exhausted, the program dies with "fatal error: out of memory".
//
// Giving memory back (seed 000): free spans remember how many of their
// pages are still resident, and the collection in which they became free.
// After each free and each collection, if the resident free pages exceed
// what the heap needs
// (what it will use again before the next collection, an eighth of the
// heap in use, and 4 MB at least), the oldest free spans are released with
// madvise(MADV_DONTNEED) (MADV_FREE with GORT_DEBUG=madvfree=1) until they
// do not, but only spans that stayed free through a whole collection
// cycle: a span the sweeper just freed is about to be used again, and
// giving it back would only fault its pages in again (each fault costs
// more than the page is worth).  When every P goes idle, sysmon releases
// what exceeds the need whatever its age.  gort_free_os_memory() releases
// all free spans at once.
//
// For the collector (mgc.h, docs/gc.md): every page maps to its span;
// each heap word has a pointer bit and a mark bit in two side bitmaps
// parallel to the arena (bit i of each for the word at arena_start +
// i*PTRSIZE; the mark bit of an object is the one of its first word).  A
// third bitmap of the same size holds each small span's alloc bits, one
// per slot, at the span's place: the sweeper turns the span's mark bits
// into them, and leaves the dead slots alone.  Each span carries a sweep
// generation.
//
// Lock order: MHeap.lock may be taken while holding an MCentral lock,
// never the other way round.
#ifndef GORT_MALLOC_H
#define GORT_MALLOC_H

#include "runtime.h"

enum {
	PageShift       = 13,
	PageSize        = 1 << PageShift,
	PageMask        = PageSize - 1,
	MaxSmallSize    = 32 << 10,
	TinySize        = 16,
	NumSizeClasses  = 68,           // upper bound; msize.c computes nsizeclasses
	NumSpanClasses  = NumSizeClasses * 2,
	MaxMHeapList    = 128,          // free lists for spans of 1..127 pages
	HugePageSize    = 2 << 20,      // a transparent huge page (x86, ARM LPAE)
	HeapGrowChunk   = HugePageSize, // the arena is mapped this much at a time
	FixAllocChunk   = 16 << 10,
};

// ---- msize.c ----
enum { SmallLimit = 1024 };
extern uint32 rt_nsizeclasses;
extern uint32 rt_class_to_size[NumSizeClasses];
extern uint32 rt_class_to_npages[NumSizeClasses];
// Division by a class's size as a multiplication: for every offset inside
// a span of the class, off / size == off * divmul >> 32 (rt_sizecheck
// proves it for each class).  The collector finds objects this way.
extern uint32 rt_class_to_divmul[NumSizeClasses];
extern uint8 rt_class8[SmallLimit / 8 + 1];
extern uint8 rt_class128[(MaxSmallSize - SmallLimit) / 128 + 1];
void    rt_sizeinit(void);
bool    rt_sizecheck(void);             // every class within its waste bound

// rt_sizetoclass: the smallest size class that holds size (<= MaxSmallSize).
static inline uint32 rt_sizetoclass(uintptr size)
{
	if (size <= SmallLimit)
		return rt_class8[(size + 7) >> 3];
	return rt_class128[(size - SmallLimit + 127) >> 7];
}

// ---- mfixalloc.c ----
// FixAlloc hands out fixed-size runtime metadata (spans, caches) from
// chunks of OS memory, with a free list; not part of the arena.  Callers
// hold the lock that protects it.
typedef struct FixAlloc {
	uintptr size;
	void    *list;          // freed blocks
	byte    *chunk;         // the rest of the current chunk
	uintptr nchunk;
	uintptr inuse, sys;     // bytes handed out, bytes from the OS
} FixAlloc;

void    rt_fixalloc_init(FixAlloc *f, uintptr size);
void   *rt_fixalloc_alloc(FixAlloc *f);
void    rt_fixalloc_free(FixAlloc *f, void *p);

// ---- mheap.c: spans ----
enum {                  // MSpan.state
	MSpanFree,      // on a free list of the heap
	MSpanInUse,     // holding objects
	MSpanStack,     // holding a stack segment
};

typedef struct MSpan MSpan;
struct MSpan {
	MSpan   *next, *prev;   // in one list: a heap free list, or a central's
	uintptr start;          // first page number (address >> PageShift)
	uintptr npages;
	uintptr elemsize;       // bytes per object (the whole span if large)
	uint32  nelems;         // objects the span holds
	// Free slots (small spans): slot i is taken if i < freeindex or bit i
	// of allocbits is set (allocbits: the slots live at the last sweep,
	// one bit per slot, in the heap's alloc bitmap; all clear in a span
	// never swept).  alloccache holds the complement of allocbits from
	// freeindex to the end of its 64-bit word, bit 0 for slot freeindex:
	// the next free slot is a count of trailing zeros away.
	uint32  freeindex;
	uint64  alloccache;
	uint64  *allocbits;
	uint32  nalloc;         // slots taken (live at the last sweep, or handed out since)
	// While an MCache holds the span: every free slot already has the
	// pointer bits of a bitssize-byte object of type bitstyp (NULL:
	// untyped), written when the span was taken; 0 when not.
	uint32  bitssize;
	const struct gort_type *bitstyp;
	uint8   spanclass;      // sizeclass << 1 | noscan; 0 for large
	uint8   state;          // MSpanFree ...
	uint8   needzero;       // memory may be dirty: zero before handing out
	uint8   incache;        // an MCache allocates from it
	byte    *freelist;      // a span of small stack segments: free pieces (stack.c)
	uint32  ninuse;         //   and the pieces out
	uint32  divmul;         // slot of offset off: off * divmul >> 32 (0: large)
	// Sweep generation, for the collector: with h the heap's sweepgen,
	// sweepgen == h-2: needs sweeping; h-1: being swept; h: swept, ready.
	uint32  sweepgen;
	uint32  unusedsince;    // the heap's sweepgen when it became free
	uintptr npreleased;     // free pages returned to the OS
};

// rt_span_slot: the slot of s at byte offset off (rt_class_to_divmul).
static inline uintptr rt_span_slot(const MSpan *s, uintptr off)
{
	return (uintptr)(((uint64)off * s->divmul) >> 32);
}

// Span lists are circular and doubly linked, with the head a sentinel span.
static inline void rt_spanlist_init(MSpan *l)
{
	l->next = l->prev = l;
}

static inline bool rt_spanlist_empty(MSpan *l)
{
	return l->next == l;
}

static inline void rt_spanlist_insert(MSpan *l, MSpan *s)
{
	s->next = l->next;
	s->prev = l;
	l->next->prev = s;
	l->next = s;
}

static inline void rt_spanlist_insertback(MSpan *l, MSpan *s)
{
	rt_spanlist_insert(l->prev, s);
}

static inline void rt_spanlist_remove(MSpan *s)
{
	s->prev->next = s->next;
	s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static inline byte *rt_spanbase(MSpan *s)
{
	return (byte *)(s->start << PageShift);
}

typedef struct MCentral {
	Lock    lock;
	uint32  spanclass;
	MSpan   nonempty;       // spans with free slots (list head)
	MSpan   empty;          // full spans, or cached by an MCache
} __attribute__((aligned(CACHELINESIZE))) MCentral;

typedef struct MCache MCache;
struct MCache {
	MSpan   *alloc[NumSpanClasses];         // spans to allocate from
	byte    *tiny;                          // current 16-byte tiny block
	uintptr tinyoffset;
	uint64  nmalloc[NumSizeClasses];        // small objects allocated here
	uint64  ntiny;                          // tiny allocations
	uint64  largealloc, nlargealloc;        // large objects
	MCache  *link;                          // all caches, for stats
};

typedef struct MHeap {
	Lock    lock;
	MSpan   free[MaxMHeapList];     // free spans of i pages (list heads)
	MSpan   freelarge;              // free spans of MaxMHeapList pages or more
	MSpan   **spans;                // page map: arena page i -> its span
	byte    *arena_start, *arena_used, *arena_end;
	byte    *bitmap;                // pointer bits, mark bits, alloc bits
	uintptr bitmapsize;             // bytes of each of the three bitmaps
	uintptr spansmapped;            // bytes of the page map mapped so far
	uintptr bitmapmapped;           // bytes of each bitmap mapped so far
	uint32  sweepgen;               // mgc.h; atomic
	uintptr heaplive;               // bytes handed to caches and large objects
	                                //   since the last collection, plus what
	                                //   it found live (atomic)
	uintptr nextgc;                 // collect when heaplive reaches it
	FixAlloc spanalloc, cachealloc;
	MCache  *caches;                // every MCache, for stats
	// Page accounting, all under lock.
	uintptr pagesinuse, pagesfree, pagesreleased, pagesstack;
	uint64  largefree, nlargefree;  // large objects freed (rt_free)
	uint64  nscavenged;             // times pages went back to the OS
	uint32  scavengedry;            // sweepgen + 1 when the scavenger last found
	                                //   no free span old enough (0: never)
	MCentral central[NumSpanClasses];
} MHeap;

extern MHeap rt_mheap;

// rt_heapword: the index of the heap word at arena address p, which is
// also its bit in each of the word-indexed bitmaps.
static inline uintptr rt_heapword(uintptr p)
{
	return (p - (uintptr)rt_mheap.arena_start) / PTRSIZE;
}

// A span's alloc bits: its slice of the alloc bitmap, one bit per slot.
// The bitmap has a bit per heap word, so every span's slice has room for
// its slots (a slot is a word at least).
static inline uint64 *rt_span_allocbits(MSpan *s)
{
	MHeap *h = &rt_mheap;
	uintptr page = s->start - ((uintptr)h->arena_start >> PageShift);

	return (uint64 *)(h->bitmap + 2 * h->bitmapsize) + page * (PageSize / PTRSIZE / 64);
}

// rt_span_taken: is slot idx of small span s allocated?
static inline bool rt_span_taken(const MSpan *s, uintptr idx)
{
	return idx < s->freeindex || (s->allocbits[idx / 64] >> (idx % 64) & 1);
}

void    rt_mheap_init(uintptr memlimit);
MSpan  *rt_mheap_alloc(uintptr npages, uint8 state);
void    rt_mheap_free(MSpan *s);
MSpan  *rt_mheap_lookup(void *p);       // the span of an arena address, or NULL
enum { ScavengeAll, ScavengeAged, ScavengeIdle };     // rt_mheap_scavenge
uintptr rt_mheap_scavenge(int32 how);   // pages released
uintptr rt_arenasize(uintptr limit, uintptr mapped);
uintptr rt_memlimit(void);              // RLIMIT_AS, 0 if none

// ---- mcentral.c ----
void    rt_mcentral_init(MCentral *c, uint32 spanclass);
MSpan  *rt_mcentral_cachespan(MCentral *c);
void    rt_mcentral_uncachespan(MCentral *c, MSpan *s);
void    rt_mcentral_putspan(MCentral *c, MSpan *s);    // swept, not cached

// ---- mcache.c ----
MCache *rt_mcache_new(void);
void    rt_mcache_flushall(void);       // world stopped: every span back
MSpan  *rt_mcache_refill(MCache *c, uint32 spanclass);

// ---- malloc.c ----
enum {                  // rt_mallocgc flags
	FlagNoScan      = 1,    // no pointers: never scanned
	FlagNoZero      = 2,    // the caller overwrites it all at once
};

void    rt_mallocinit(void);
struct gort_type;
void   *rt_mallocgc(uintptr size, uint32 flags, const struct gort_type *typ);
void    rt_free(void *p);               // runtime-internal: large objects
bool    rt_pointerbit(void *p);         // may the word at p hold a pointer?
void    rt_memclr(void *p, uintptr n);  // zero, without libc below 1 KB
void    rt_memstats_print(void);
struct gort_memstats;
void    rt_memstats_read(struct gort_memstats *m);

#endif
