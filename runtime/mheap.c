// mheap.c: the page heap, the arena and the scavenger.  See malloc.h.
#include <string.h>

#include "runtime.h"
#include "atomic.h"
#include "malloc.h"

MHeap rt_mheap;

enum {
	RlimitAS         = 9,
	ThreadReserve    = 32 << 20,    // thread stacks and what else libc maps
	MinArena         = 16 << 20,
	ScavengeMinKeep  = (4 << 20) >> PageShift,
};

// ---- sizing the arena (seed 003) ----

// rt_memlimit returns the address-space limit the heap must fit in:
// RLIMIT_AS, or GORT_DEBUG=memlimit=N if lower (a limit gort keeps to
// itself: under qemu-user, where RLIMIT_AS is ignored, it is the only
// one); 0 when there is none.
uintptr rt_memlimit(void)
{
	uintptr limit = 0;
	Rlimit r;

	if (rt_getrlimit(RlimitAS, &r) == 0 && r.cur != ~(uint64)0 &&
	    r.cur < (uint64)~(uintptr)0)
		limit = (uintptr)r.cur;
	if (rt_knobs.memlimit > 0 && (uint64)rt_knobs.memlimit < (uint64)~(uintptr)0 &&
	    (limit == 0 || (uintptr)rt_knobs.memlimit < limit))
		limit = (uintptr)rt_knobs.memlimit;
	return limit;
}

// mappednow returns the bytes of address space the process maps already:
// the sum of the ranges in /proc/self/maps, read with raw calls (this runs
// before anything else).  Not /proc/self/statm: under qemu-user that
// describes qemu, while maps describes the emulated process.
static uintptr mappednow(void)
{
	char buf[512];
	uintptr total = 0, lo = 0, v = 0;
	bool atstart = true, inlo = false, inhi = false;
	intptr n, i;
	int32 fd;

	fd = rt_open("/proc/self/maps", 0);
	if (fd < 0)
		return 64 << 20;        // a guess, erring on the safe side
	while ((n = rt_read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			char ch = buf[i];
			int32 d = ch >= '0' && ch <= '9' ? ch - '0' :
				ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;

			if (atstart) {          // each line: start-end ...
				atstart = false;
				inlo = true;
				v = 0;
			}
			if ((inlo || inhi) && d >= 0) {
				v = v * 16 + d;
			} else if (inlo && ch == '-') {
				lo = v;
				v = 0;
				inlo = false;
				inhi = true;
			} else if (inhi) {
				total += v - lo;
				inhi = false;
			}
			if (ch == '\n')
				atstart = true;
		}
	}
	rt_close(fd);
	return total;
}

// rt_arenasize returns the arena that fits under an address-space limit,
// given what is mapped already; 0 means no limit.  32 MB stay outside for
// thread stacks and libc; goroutine stacks come from the arena.  The rest
// is split between the arena and what the heap maps beside it, per page: a
// page-map entry, the page's bitmap bits (three per word), and, at worst,
// one MSpan; and up to a huge page is lost aligning the arena.
uintptr rt_arenasize(uintptr limit, uintptr mapped)
{
	uintptr avail;

	if (limit == 0)
		return 0;
	if (limit < mapped + ThreadReserve + HugePageSize + MinArena)
		return MinArena;        // cannot fit: reserving will say so
	avail = limit - mapped - ThreadReserve - HugePageSize;
	return avail / (PageSize + PTRSIZE + sizeof(MSpan) + 3 * PageSize / (8 * PTRSIZE)) * PageSize;
}

// ---- the arena ----

static void initlists(MHeap *h)
{
	uint32 i;

	for (i = 0; i < MaxMHeapList; i++)
		rt_spanlist_init(&h->free[i]);
	rt_spanlist_init(&h->freelarge);
}

// reserve claims the arena and its side tables in one range:
// [page map][pointer bits][mark bits][alloc bits][arena].
static bool reserve(MHeap *h, uintptr arena)
{
	uintptr mapsize, bitsize, total;
	byte *p;

	mapsize = (arena / PageSize * PTRSIZE + PageMask) & ~(uintptr)PageMask;
	bitsize = (arena / PTRSIZE / 8 + PageMask) & ~(uintptr)PageMask;
	total = mapsize + 3 * bitsize + arena + HugePageSize;
	p = rt_sys_reserve(total);
	if (p == NULL)
		return false;
	h->spans = (MSpan **)p;
	h->bitmap = p + mapsize;
	h->bitmapsize = bitsize;
	// Page numbers are addresses >> PageShift, and huge pages cover
	// aligned 2 MB: the arena starts on a huge page boundary, which mmap's
	// 4 KB alignment does not promise.  Each chunk grow() maps is then a
	// whole number of huge pages.
	h->arena_start = (byte *)(((uintptr)p + mapsize + 3 * bitsize + HugePageSize - 1) &
		~(uintptr)(HugePageSize - 1));
	h->arena_used = h->arena_start;
	h->arena_end = h->arena_start + arena;
	return true;
}

void rt_mheap_init(uintptr memlimit)
{
	MHeap *h = &rt_mheap;
	uintptr arena = rt_arenasize(memlimit, mappednow());
	uint32 i;

	initlists(h);
	rt_fixalloc_init(&h->spanalloc, sizeof(MSpan));
	rt_fixalloc_init(&h->cachealloc, sizeof(MCache));
	for (i = 0; i < NumSpanClasses; i++)
		rt_mcentral_init(&h->central[i], i);
	h->sweepgen = 2;
	if (arena == 0)         // no limit: generous on 64-bit, what fits on 32
		arena = PTRSIZE == 8 ? (uintptr)64 << 30 : (uintptr)1 << 30;
	for (; arena >= MinArena; arena = arena / 2 & ~(uintptr)PageMask)
		if (reserve(h, arena))
			return;
	rt_throw("out of memory: cannot reserve a heap arena");
}

// mapside maps the page map and bitmap entries for the arena up to `to`.
// Each side table has its own high-water mark: mapping a page of it again
// (MAP_FIXED) would replace it with zeros, wiping the entries it holds.
static bool mapside(MHeap *h, byte *to)
{
	uintptr b = (uintptr)(to - h->arena_start), hi;
	int32 i;

	hi = (b / PageSize * PTRSIZE + PageMask) & ~(uintptr)PageMask;
	if (hi > h->spansmapped) {
		if (!rt_sys_map((byte *)h->spans + h->spansmapped, hi - h->spansmapped, false))
			return false;
		h->spansmapped = hi;
	}
	hi = (b / PTRSIZE / 8 + PageMask) & ~(uintptr)PageMask;
	if (hi > h->bitmapmapped) {
		for (i = 0; i < 3; i++)
			if (!rt_sys_map(h->bitmap + i * h->bitmapsize + h->bitmapmapped,
			    hi - h->bitmapmapped, false))
				return false;
		h->bitmapmapped = hi;
	}
	return true;
}

static void setspans(MHeap *h, MSpan *s, bool all)
{
	uintptr first = s->start - ((uintptr)h->arena_start >> PageShift), i;

	if (!all) {
		h->spans[first] = s;
		h->spans[first + s->npages - 1] = s;
		return;
	}
	for (i = 0; i < s->npages; i++)
		h->spans[first + i] = s;
}

static void freelocked(MHeap *h, MSpan *s);

// grow maps at least npages more of the arena and frees them into the
// heap.  Heap must be locked.
static bool grow(MHeap *h, uintptr npages)
{
	uintptr n = npages << PageShift;
	MSpan *s;

	n = (n + HeapGrowChunk - 1) & ~(uintptr)(HeapGrowChunk - 1);
	if (n > (uintptr)(h->arena_end - h->arena_used))
		n = (uintptr)(h->arena_end - h->arena_used);
	if (n < (npages << PageShift))
		return false;
	// The new pages are handed out at once: populate them in one call.
	if (!rt_sys_map(h->arena_used, n, true) || !mapside(h, h->arena_used + n))
		return false;
	s = rt_fixalloc_alloc(&h->spanalloc);
	s->start = (uintptr)h->arena_used >> PageShift;
	s->npages = n >> PageShift;
	s->needzero = 0;        // fresh pages read as zero
	h->arena_used += n;
	h->pagesinuse += s->npages;     // freelocked moves them to free
	freelocked(h, s);
	return true;
}

// ---- allocating and freeing spans ----

// bestfit finds the smallest free large span with at least npages
// (lowest address among equals).
static MSpan *bestfit(MSpan *list, uintptr npages)
{
	MSpan *s, *best = NULL;

	for (s = list->next; s != list; s = s->next)
		if (s->npages >= npages && (best == NULL || s->npages < best->npages ||
		    (s->npages == best->npages && s->start < best->start)))
			best = s;
	return best;
}

static MSpan *findfree(MHeap *h, uintptr npages)
{
	uintptr n;

	for (n = npages; n < MaxMHeapList; n++)
		if (!rt_spanlist_empty(&h->free[n]))
			return h->free[n].next;
	return bestfit(&h->freelarge, npages);
}

static MSpan *alloclocked(MHeap *h, uintptr npages)
{
	MSpan *s, *t;
	uintptr rel;

	s = findfree(h, npages);
	if (s == NULL) {
		if (!grow(h, npages))
			return NULL;
		s = findfree(h, npages);
	}
	rt_spanlist_remove(s);
	if (s->npages > npages) {       // split off the rest
		t = rt_fixalloc_alloc(&h->spanalloc);
		t->start = s->start + npages;
		t->npages = s->npages - npages;
		t->needzero = s->needzero;
		t->unusedsince = s->unusedsince;
		rel = s->npreleased * t->npages / s->npages;
		t->npreleased = rel;
		s->npreleased -= rel;
		s->npages = npages;
		t->state = MSpanFree;
		setspans(h, t, false);
		rt_spanlist_insert(t->npages < MaxMHeapList ? &h->free[t->npages] : &h->freelarge, t);
	}
	h->pagesfree -= npages;
	h->pagesreleased -= s->npreleased;
	h->pagesinuse += npages;
	s->npreleased = 0;
	setspans(h, s, true);
	return s;
}

// The heap's lock is only ever held on a system stack: runtime code on a
// goroutine's stack may split while it holds a lock, and a split may need
// a new segment from the heap.  So each entry point runs its locked part
// through rt_onsystemstack.

typedef struct AllocReq {
	uintptr npages;
	uint8   state;
	MSpan   *s;
} AllocReq;

static void alloc0(void *arg)
{
	AllocReq *r = arg;
	MHeap *h = &rt_mheap;
	MSpan *s;

	rt_lock(&h->lock);
	s = alloclocked(h, r->npages);
	if (s != NULL) {
		// The sweeper reads state, then sweepgen, without the lock: the
		// new generation must be visible before the new state, or a
		// stale generation would look like a span to sweep (mgc.c).
		rt_store32(&s->sweepgen, h->sweepgen);
		rt_fence();
		s->state = r->state;
		s->incache = 0;
		s->freeindex = 0;
		s->nalloc = 0;
		s->alloccache = ~(uint64)0;
		s->allocbits = rt_span_allocbits(s);
		s->freelist = NULL;
		if (r->state == MSpanStack)
			h->pagesstack += r->npages;
	}
	rt_unlock(&h->lock);
	r->s = s;
}

// rt_mheap_alloc returns a span of npages in the given state, with its
// mark and alloc bits clear (its pointer bits are whatever they were:
// allocation writes an object's pointer bits whole); s->needzero says if
// its memory may be dirty.
MSpan *rt_mheap_alloc(uintptr npages, uint8 state)
{
	AllocReq r = {npages, state, NULL};

	rt_onsystemstack(alloc0, &r);
	return r.s;
}

// clearmarks clears the mark bits of a span going back to the heap: a
// large object freed by rt_free between a collection's mark and its sweep
// keeps its mark, which must not make a later object there look reached.
// The alloc bits need no clearing: only the sweeper sets them, and a span
// it gives back has none set (that is why it gives it back).
static void clearmarks(MHeap *h, MSpan *s)
{
	uintptr off = (uintptr)(rt_spanbase(s) - h->arena_start) / PTRSIZE / 8;
	uintptr n = (s->npages << PageShift) / PTRSIZE / 8;

	memset(h->bitmap + h->bitmapsize + off, 0, n);
}

static MSpan *spanat(MHeap *h, uintptr page)
{
	uintptr first = (uintptr)h->arena_start >> PageShift;

	if (page < first || page >= ((uintptr)h->arena_used >> PageShift))
		return NULL;
	return h->spans[page - first];
}

// freelocked returns s to the free lists, merging it with free neighbours.
static void freelocked(MHeap *h, MSpan *s)
{
	MSpan *t;

	s->state = MSpanFree;
	s->unusedsince = rt_load32(&h->sweepgen);
	h->pagesinuse -= s->npages;
	h->pagesfree += s->npages;
	h->pagesreleased += s->npreleased;
	t = spanat(h, s->start - 1);
	if (t != NULL && t->state == MSpanFree) {
		rt_spanlist_remove(t);
		s->start = t->start;
		s->npages += t->npages;
		s->npreleased += t->npreleased;
		s->needzero |= t->needzero;
		rt_fixalloc_free(&h->spanalloc, t);
	}
	t = spanat(h, s->start + s->npages);
	if (t != NULL && t->state == MSpanFree) {
		rt_spanlist_remove(t);
		s->npages += t->npages;
		s->npreleased += t->npreleased;
		s->needzero |= t->needzero;
		rt_fixalloc_free(&h->spanalloc, t);
	}
	setspans(h, s, false);
	rt_spanlist_insert(s->npages < MaxMHeapList ? &h->free[s->npages] : &h->freelarge, s);
}

static uintptr scavengelocked(MHeap *h, uintptr keep, bool aged);

// pacedkeep: the free pages worth keeping resident: an eighth of the
// heap in use, 4 MB at least, or what the heap will use again before the
// next collection, if more (giving those back now would only fault them
// in again).  Heap locked.
static uintptr pacedkeep(MHeap *h)
{
	uintptr keep = h->pagesinuse / 8 > ScavengeMinKeep ? h->pagesinuse / 8 : ScavengeMinKeep;

	if ((h->nextgc >> PageShift) > h->pagesinuse + keep)
		keep = (h->nextgc >> PageShift) - h->pagesinuse;
	return keep;
}

static void free0(void *arg)
{
	MSpan *s = arg;
	MHeap *h = &rt_mheap;

	rt_lock(&h->lock);
	if (s->state == MSpanStack)
		h->pagesstack -= s->npages;
	clearmarks(h, s);
	s->needzero = 1;
	freelocked(h, s);
	scavengelocked(h, pacedkeep(h), true);
	rt_unlock(&h->lock);
}

// rt_mheap_free returns a span to the heap; its memory is dirty from now.
// Then, if the heap keeps more free pages resident than its use justifies,
// the scavenger gives the oldest back to the OS.
void rt_mheap_free(MSpan *s)
{
	rt_onsystemstack(free0, s);
}

MSpan *rt_mheap_lookup(void *p)
{
	MHeap *h = &rt_mheap;

	if ((byte *)p < h->arena_start || (byte *)p >= h->arena_used)
		return NULL;
	return h->spans[((uintptr)p - (uintptr)h->arena_start) >> PageShift];
}

// ---- giving memory back (seed 000) ----

// releasable finds the pages of free span s that the scavenger may give
// back: with whole, only those making up whole huge pages (a span smaller
// than two huge pages may have none).  Giving back part of a huge page
// makes the kernel split it, and the pages then fault back in one small
// page at a time: with the scavenger splitting pages as the heap breathed,
// binarytrees ran 10-20% slower, its pauses half again as long.
static uintptr releasable(MSpan *s, bool whole, byte **base)
{
	uintptr lo = (uintptr)rt_spanbase(s), hi = lo + (s->npages << PageShift);

	if (whole) {
		lo = (lo + HugePageSize - 1) & ~(uintptr)(HugePageSize - 1);
		hi &= ~(uintptr)(HugePageSize - 1);
		if (hi < lo)
			hi = lo;
	}
	*base = (byte *)lo;
	return (hi - lo) >> PageShift;
}

// oldestresident: the free span unused longest with pages it could give
// back still resident.  Only spans on freelarge can hold a huge page.
static MSpan *oldestresident(MHeap *h, bool whole)
{
	MSpan *s, *best = NULL, *list;
	uint32 i;
	byte *base;

	_Static_assert(MaxMHeapList * PageSize <= HugePageSize,
		"spans on the numbered lists are smaller than a huge page");
	for (i = whole ? MaxMHeapList : 1; i <= MaxMHeapList; i++) {
		list = i < MaxMHeapList ? &h->free[i] : &h->freelarge;
		for (s = list->next; s != list; s = s->next)
			if (s->npreleased < releasable(s, whole, &base) &&
			    (best == NULL || (int32)(s->unusedsince - best->unusedsince) < 0))
				best = s;
	}
	return best;
}

// scavengelocked releases the oldest free spans until at most keep free
// pages stay resident; with aged, only spans free since before the last
// collection began (sweepgen moves on by 2 a cycle), and only their whole
// huge pages: aged is the running program's scavenging, which must not
// slow it down.  Returns the pages released.  Heap locked.
//
// A span counts its released pages, not which they are: after a merge or
// a split the count is an estimate, and releasing a range again is
// harmless (it is already zeros).
static uintptr scavengelocked(MHeap *h, uintptr keep, bool aged)
{
	uintptr released = 0, n;
	MSpan *s;
	byte *base;

	if (aged && h->scavengedry == rt_load32(&h->sweepgen) + 1)
		return 0;               // nothing grew old since the last look
	while (h->pagesfree - h->pagesreleased > keep && (s = oldestresident(h, aged)) != NULL) {
		if (aged && rt_load32(&h->sweepgen) - s->unusedsince < 4) {
			// The oldest is young: so are the rest, until the next
			// collection (spans freed meanwhile are younger still).
			h->scavengedry = rt_load32(&h->sweepgen) + 1;
			break;
		}
		n = releasable(s, aged, &base);
		if (rt_sys_unused(base, n << PageShift) && n == s->npages)
			s->needzero = 0;        // the pages come back as zeros
		h->pagesreleased += n - s->npreleased;
		released += n - s->npreleased;
		s->npreleased = n;
		h->nscavenged++;
	}
	return released;
}

typedef struct ScavengeReq {
	int32   how;
	uintptr released;
} ScavengeReq;

static void scavenge0(void *arg)
{
	ScavengeReq *r = arg;
	MHeap *h = &rt_mheap;

	rt_lock(&h->lock);
	if (r->how == ScavengeAll)
		r->released = scavengelocked(h, 0, false);
	else if (r->how == ScavengeIdle)
		r->released = scavengelocked(h, pacedkeep(h), false);
	else                    // a cycle's allocation more: the heap breathes
		r->released = scavengelocked(h, pacedkeep(h) + (h->nextgc >> PageShift), true);
	rt_unlock(&h->lock);
}

// rt_mheap_scavenge gives free pages back to the OS: all of them
// (gort_free_os_memory); after each collection, those that stayed free
// through a whole cycle beyond what the heap should keep plus a cycle's
// worth of allocation (the goal): a small heap's use swings by about that
// much from cycle to cycle, and pages given back at the low point fault
// back in at the high one (it made the 16-byte allocation benchmark 60%
// slower); or, when the program went idle, those beyond what the heap
// should keep, whatever their age.
uintptr rt_mheap_scavenge(int32 how)
{
	ScavengeReq r = {how, 0};

	rt_onsystemstack(scavenge0, &r);
	return r.released;
}
