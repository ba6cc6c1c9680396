// stack.c: stack segments, their cache, and the slow paths of
// __morestack.  See stack.h for the design and docs/stacks.md for the tour.
#include "runtime.h"
#include "atomic.h"
#include "stack.h"
#include "asm.h"
#include "malloc.h"

enum { StackDebug = 0 };

uintptr rt_maxstack = (uintptr)1 << (PTRSIZE == 8 ? 30 : 28);

// Census counters, updated atomically, for the rarer events; the
// segments themselves are counted in each M's cache (SegCache).
static uintptr nslowsplits, npoolspans;
static SegCache *allcaches;

// ---- segments smaller than a page: the pool ----
//
// Small segments are carved out of StackPoolPages-page spans, one size per
// span.  Per size, a list of the spans that have a free piece; in each
// span, elemsize is the piece size, nelems the pieces, freeindex the
// pieces never handed out (carved lazily, lowest first), freelist the
// pieces given back, and ninuse the pieces out.  The lock is held on the
// system stack only (as the heap's: nothing under it may split).

enum { PoolClasses = 3 };       // 1, 2 and 4 KB: StackFirst << c < PageSize

_Static_assert(((uintptr)StackFirst << PoolClasses) == PageSize,
	"the pool serves exactly the segment classes below a page");

static struct {
	Lock    lock;
	MSpan   spans[PoolClasses];     // sentinels: spans with a free piece
	bool    init;
} stackpool;

// An M's cache takes pieces from the pool and gives them back
// PoolBatch at a time, under one lock: goroutines start (and take a
// first segment) and end (and give it back) at the rate of channel
// operations, on every M at once, and a lock taken for each piece was
// contended: a million goroutines ending took 0.7 s more than with their
// segments kept.  A cache keeps at most 2 * PoolBatch pieces of a class,
// whatever else it holds (a budget shared with big segments could leave
// it none to keep, and every start and end would cross the pool); when it
// has more it gives back the older half, keeping the pieces most
// recently freed, which the CPU's cache may still hold.
enum { PoolBatch = 32 };

typedef struct PoolReq {
	uint32  class;
	uint32  n;              // pieces wanted; out: pieces got
	Segment *list;          // linked by link
} PoolReq;

// newpoolspan makes a span of pieces of class class, without the pool's
// lock: taking pages from the heap may mean growing it, and faulting in
// its pages, which other Ms ending goroutines should not wait for.
static MSpan *newpoolspan(uint32 class)
{
	MSpan *span = rt_mheap_alloc(StackPoolPages, MSpanStack);
	uintptr size = (uintptr)StackFirst << class;

	if (span == NULL)
		return NULL;
	span->elemsize = size;
	span->nelems = (uint32)(((uintptr)StackPoolPages << PageShift) / size);
	span->freeindex = 0;
	span->freelist = NULL;
	span->ninuse = 0;
	rt_xaddp(&npoolspans, 1);
	return span;
}

static void poolget0(void *arg)
{
	PoolReq *r = arg;
	MSpan *list = &stackpool.spans[r->class], *span;
	uintptr size = (uintptr)StackFirst << r->class;
	Segment *piece;
	uint32 got;

	rt_lock(&stackpool.lock);
	if (!stackpool.init) {
		for (uint32 c = 0; c < PoolClasses; c++)
			rt_spanlist_init(&stackpool.spans[c]);
		stackpool.init = true;
	}
	for (got = 0; got < r->n; got++) {
		if (rt_spanlist_empty(list)) {
			rt_unlock(&stackpool.lock);
			span = newpoolspan(r->class);
			rt_lock(&stackpool.lock);
			if (span != NULL)
				rt_spanlist_insert(list, span);
			else if (rt_spanlist_empty(list))
				break;  // the heap is exhausted, and nobody gave pieces back
		}
		span = list->next;
		if (span->freelist != NULL) {
			piece = (Segment *)span->freelist;
			span->freelist = *(byte **)piece;
		} else {
			piece = (Segment *)(rt_spanbase(span) + (uintptr)span->freeindex++ * size);
		}
		if (++span->ninuse == span->nelems)
			rt_spanlist_remove(span);       // full: out of the list
		piece->link = r->list;
		r->list = piece;
	}
	rt_unlock(&stackpool.lock);
	r->n = got;
}

// poolput0 gives pieces back; spans left empty go back to the heap after
// the pool's lock is let go, for the same reason.
static void poolput0(void *arg)
{
	PoolReq *r = arg;
	Segment *s, *next;
	MSpan *span, *empty = NULL;

	rt_lock(&stackpool.lock);
	for (s = r->list; s != NULL; s = next) {
		next = s->link;
		span = rt_mheap_lookup(s);
		if (span->ninuse-- == span->nelems)     // was full
			rt_spanlist_insert(&stackpool.spans[r->class], span);
		*(byte **)s = span->freelist;
		span->freelist = (byte *)s;
		if (span->ninuse == 0) {
			rt_spanlist_remove(span);
			span->next = empty;
			empty = span;
		}
	}
	rt_unlock(&stackpool.lock);
	for (; empty != NULL; empty = span) {
		span = empty->next;
		empty->next = NULL;
		rt_xaddp(&npoolspans, -1);
		rt_mheap_free(empty);
	}
}

// ---- segments and the per-M cache ----

// classof returns the cache class of a segment of size bytes, or
// StackCacheClasses if it is too big to cache.
static uint32 classof(uintptr size)
{
	uint32 c;

	for (c = 0; c < StackCacheClasses; c++)
		if (size <= ((uintptr)StackFirst << c))
			return c;
	return StackCacheClasses;
}

static uintptr roundsize(uintptr size)
{
	uint32 c = classof(size);

	if (c < StackCacheClasses)
		return (uintptr)StackFirst << c;
	return (size + 65535) & ~(uintptr)65535;     // whole heap pages too
}

// poolget fills c's empty list of pool class class with a batch of
// pieces from the pool (none if the heap is exhausted).
static void poolget(SegCache *c, uint32 class)
{
	PoolReq r = {class, PoolBatch, NULL};
	uintptr size = (uintptr)StackFirst << class;

	rt_onsystemstack(poolget0, &r);
	c->free[class] = r.list;
	rt_store32(&c->n[class], r.n);
	rt_storep(&c->bytes, c->bytes + r.n * size);
}

// poolput gives the pool PoolBatch of c's pieces of pool class class:
// those after the PoolBatch most recently freed.
static void poolput(SegCache *c, uint32 class)
{
	PoolReq r = {class, 0, NULL};
	uintptr size = (uintptr)StackFirst << class;
	Segment *keep = c->free[class], *last;
	uint32 i;

	for (i = 1; i < PoolBatch; i++)
		keep = keep->link;
	r.list = last = keep->link;
	for (r.n = 1; r.n < PoolBatch && last->link != NULL; r.n++)
		last = last->link;
	keep->link = last->link;
	last->link = NULL;
	rt_store32(&c->n[class], c->n[class] - r.n);
	rt_storep(&c->bytes, c->bytes - r.n * size);
	rt_onsystemstack(poolput0, &r);
}

static SegCache *segcache(void)
{
	if (rt_m == NULL)
		rt_throw("stack segment needed on a thread that is not an M");
	return rt_m->segcache;
}

static Segment *segalloc(uintptr size)
{
	SegCache *c = segcache();
	Segment *s;
	MSpan *span;
	uint32 class, vgid;

	size = roundsize(size);
	class = classof(size);
	if (class < PoolClasses && c->free[class] == NULL)
		poolget(c, class);
	s = class < StackCacheClasses ? c->free[class] : NULL;
	if (s != NULL) {
		c->free[class] = s->link;
		rt_store32(&c->n[class], c->n[class] - 1);
		rt_storep(&c->bytes, c->bytes - size);
	} else {
		if (class >= PoolClasses) {
			span = rt_mheap_alloc(size >> PageShift, MSpanStack);
			s = span != NULL ? (Segment *)rt_spanbase(span) : NULL;
		}
		if (s == NULL) {
			rt_prints("runtime: out of memory: cannot allocate a ");
			rt_printuint(size);
			rt_prints("-byte stack segment\n");
			rt_throw("out of memory");
		}
	}
	vgid = rt_valgrind_stack_register((uintptr)s, (uintptr)s + size);
	s->size = size;                 // after registering: it resets memcheck's view
	s->next = NULL;
	s->oldsp = 0;
	s->prev = NULL;
	s->total = size;
	s->link = NULL;
	s->class = class;
	s->vgid = vgid;
	rt_storep((uintptr *)&c->nsegs, (uintptr)(c->nsegs + 1));
	rt_storep((uintptr *)&c->nsegbytes, (uintptr)(c->nsegbytes + (intptr)size));
	return s;
}

static void segfree(Segment *s)
{
	SegCache *c = segcache();
	uintptr size = s->size;

	rt_valgrind_stack_deregister(s->vgid);
	rt_storep((uintptr *)&c->nsegs, (uintptr)(c->nsegs - 1));
	rt_storep((uintptr *)&c->nsegbytes, (uintptr)(c->nsegbytes - (intptr)size));
	if (s->class < PoolClasses ||
	    (s->class < StackCacheClasses && c->bytes + size <= StackCacheMax)) {
		s->link = c->free[s->class];
		s->oldsp = 0;
		c->free[s->class] = s;
		rt_store32(&c->n[s->class], c->n[s->class] + 1);
		rt_storep(&c->bytes, c->bytes + size);
		if (s->class < PoolClasses && c->n[s->class] > 2 * PoolBatch)
			poolput(c, s->class);
		return;
	}
	rt_mheap_free(rt_mheap_lookup(s));
}

// freechain frees s and every cached descendant below it.
static void freechain(Segment *s)
{
	Segment *next;

	for (; s != NULL; s = next) {
		next = s->next;
		segfree(s);
	}
}

Segment *rt_stackalloc(uintptr size)
{
	return segalloc(size < StackFirst ? StackFirst : size);
}

void rt_stackfree(Segment *first)
{
	if (first->prev != NULL)
		rt_throw("rt_stackfree: not a first segment");
	freechain(first);
}

// No split: the preemption path calls it below the stack limit.
NOSPLIT uintptr rt_segment_limit(Segment *s)
{
	return (uintptr)s + SegHeader + StackRed;
}

// rt_segment_of inverts rt_segment_limit; limit 0 (a system stack) and
// the preemption poison have none.
Segment *rt_segment_of(uintptr limit)
{
	if (limit == 0 || limit == StackPreempt)
		return NULL;
	return (Segment *)(limit - SegHeader - StackRed);
}

// rt_stack_find returns the segment of the chain from first that holds
// sp, or NULL.  The segments in use are linked through next (the cached
// children beyond the running one come after it and hold no sp), or, in
// the exact modes (stackstress, stacksplit), through link.  It runs below
// the stack limit, in __morestack's preemption path: no split.
NOSPLIT Segment *rt_stack_find(Segment *first, uintptr sp)
{
	Segment *s;

	for (s = first; s != NULL; s = s->next != NULL ? s->next : s->link)
		if (sp > (uintptr)s && sp <= (uintptr)s + s->size)
			return s;
	return NULL;
}

uintptr rt_segment_top(Segment *s)
{
	return (uintptr)s + s->size;
}

// rt_segcache_init enters a new M's cache in the census.
void rt_segcache_init(SegCache *c)
{
	uintptr old;

	do {
		old = rt_loadp((uintptr *)&allcaches);
		c->alllink = (SegCache *)old;
	} while (!rt_casp((uintptr *)&allcaches, old, (uintptr)c));
}

// rt_stack_census sums the caches' counts: exact when no M is allocating
// or freeing segments meanwhile.
void rt_stack_census(StackCensus *c)
{
	SegCache *sc;
	intptr n = 0, nbytes = 0;
	uint32 i;

	c->cached = c->cachedbytes = 0;
	for (sc = (SegCache *)rt_loadp((uintptr *)&allcaches); sc != NULL; sc = sc->alllink) {
		n += (intptr)rt_loadp((uintptr *)&sc->nsegs);
		nbytes += (intptr)rt_loadp((uintptr *)&sc->nsegbytes);
		for (i = 0; i < StackCacheClasses; i++)
			c->cached += rt_load32(&sc->n[i]);
		c->cachedbytes += rt_loadp(&sc->bytes);
	}
	c->inuse = (uintptr)n;
	c->inusebytes = (uintptr)nbytes;
	c->slowsplits = rt_loadp(&nslowsplits);
	c->poolspans = rt_loadp(&npoolspans);
}

// ---- split sites (GORT_DEBUG=stacksplit=1) ----

enum { SiteTableSize = 1024 };

static struct { uintptr pc, count; } sites[SiteTableSize];

// countsite adds one split at pc, the return address into the prologue
// that asked.  Open addressing; a full table drops the count.
static void countsite(uintptr pc)
{
	uint32 i, h = (uint32)(pc * 0x9e3779b1u) % SiteTableSize;
	uintptr p;

	for (i = 0; i < SiteTableSize; i++, h = (h + 1) % SiteTableSize) {
		p = rt_loadp(&sites[h].pc);
		if (p == 0 && rt_casp(&sites[h].pc, 0, pc))
			p = pc;
		else
			p = rt_loadp(&sites[h].pc);
		if (p == pc) {
			rt_xaddp(&sites[h].count, 1);
			return;
		}
	}
}

void rt_stack_printsplits(void)
{
	StackCensus c;
	uintptr best, bestcount;
	uint32 i, n;

	rt_stack_census(&c);
	rt_prints("gort: stack splits by call site (top 10):\n");
	for (n = 0; n < 10; n++) {
		best = SiteTableSize;
		bestcount = 0;
		for (i = 0; i < SiteTableSize; i++)
			if (sites[i].count > bestcount) {
				bestcount = sites[i].count;
				best = i;
			}
		if (best == SiteTableSize)
			break;
		rt_prints("  ");
		rt_printuint(bestcount);
		rt_prints("\t");
		rt_printpc(sites[best].pc);
		rt_printnl();
		sites[best].count = 0;
	}
	rt_prints("gort: stack segments: ");
	rt_printuint(c.inuse);
	rt_prints(" in use (");
	rt_printuint(c.inusebytes >> 10);
	rt_prints(" KB), ");
	rt_printuint(c.cached);
	rt_prints(" cached (");
	rt_printuint(c.cachedbytes >> 10);
	rt_prints(" KB); ");
	rt_printuint(c.slowsplits);
	rt_prints(" splits took the slow path\n");
}

// ---- __morestack's slow paths ----

typedef struct Morestack {
	Segment *cur;   // segment the split starts from
	uintptr need;   // bytes the new segment must have, header included
	uintptr oldsp;  // __morestack's frame record in cur
	Segment *seg;   // result
} Morestack;

static NORETURN void overflow(Morestack *r)
{
	rt_prints("runtime: goroutine stack exceeds ");
	rt_printuint(rt_maxstack);
	rt_prints("-byte limit\n");
	rt_throwtrace("stack overflow", r->oldsp, r->cur);
}

// newsegment runs on the M's system stack: room for the cache, the OS,
// valgrind and a traceback.
static void newsegment(void *arg)
{
	Morestack *r = arg;
	Segment *cur = r->cur, *seg;
	uintptr want;
	bool exact = rt_knobs.stackstress || rt_knobs.stacksplit;

	rt_xaddp(&nslowsplits, 1);
	if (rt_knobs.stacksplit)
		countsite(*(uintptr *)(r->oldsp + PTRSIZE));
	want = r->need;
	if (!exact && want < 2 * cur->size)
		want = 2 * cur->size < StackMaxSegment ? 2 * cur->size : StackMaxSegment;
	if (!exact && want < StackMin)
		want = StackMin;
	if (cur->total + roundsize(want) > rt_maxstack)
		overflow(r);
	if (cur->next != NULL) {        // cached, but too small
		freechain(cur->next);
		cur->next = NULL;
	}
	seg = segalloc(want);
	seg->prev = cur;
	seg->total = cur->total + seg->size;
	if (!exact)
		cur->next = seg;
	else
		cur->link = seg;        // in use below cur: rt_stack_find
	r->seg = seg;
}

// rt_morestack_grow makes the segment a split needs, on the M's system
// stack.  amd64's __morestack calls it there itself: it moves to that
// stack before it saves the vector registers, which would not fit in the
// red zone (stack.h).
Segment *rt_morestack_grow(Segment *cur, uintptr need, uintptr oldsp)
{
	Morestack r = {cur, need, oldsp, NULL};

	newsegment(&r);
	return r.seg;
}

// rt_morestack_slow is what 386 and arm call instead, below the stack
// limit, on the red zone: it must not split, and moves at once to the
// system stack.  On amd64 it only reports a thread that is not an M.
NOSPLIT Segment *rt_morestack_slow(Segment *cur, uintptr need, uintptr oldsp)
{
	Morestack r = {cur, need, oldsp, NULL};

	if (rt_m == NULL)
		rt_throw("morestack on a thread that is not an M (stale stack limit?)");
	rt_systemstack(newsegment, &r, rt_m->sysstacktop);
	return r.seg;
}

// rt_lessstack_release frees the segment a split function returned from
// when it was not made the cached child (stackstress, stacksplit), with
// anything below it.  On the system stack: amd64's __morestack calls it
// there; 386 and arm go through rt_lessstack_slow.
void rt_lessstack_release(Segment *child)
{
	if (child->prev != NULL && child->prev->link == child)
		child->prev->link = NULL;
	freechain(child);
}

static void release(void *arg)
{
	rt_lessstack_release(arg);
}

NOSPLIT void rt_lessstack_slow(Segment *child)
{
	rt_systemstack(release, child, rt_m->sysstacktop);
}


// rt_stack_unwind gives back the segments a recovery jumps out of, from
// from (the segment the panic ran on) up to to (the recovering frame's),
// exactly as the returns through __morestack would have: a segment its
// parent keeps as the cached child stays cached; any other is freed with
// its cached descendants.  Runs on the M's g0 stack.
void rt_stack_unwind(Segment *from, Segment *to)
{
	Segment *s, *prev;

	for (s = from; s != to; s = prev) {
		if (s == NULL || s->prev == NULL)
			rt_throw("recovery: the frame is not on this goroutine's stack");
		prev = s->prev;
		s->oldsp = 0;
		if (prev->link == s)    // in use in an exact mode
			prev->link = NULL;
		if (prev->next != s)
			freechain(s);
		else
			rt_valgrind_stack_reset((uintptr)s + SegHeader, (uintptr)s + s->size);
	}
}
