// malloc.c: rt_mallocgc, the public allocation API, and the statistics.
// See malloc.h for the overview.
#include <string.h>

#include "runtime.h"
#include "atomic.h"
#include "malloc.h"
#include "mgc.h"
#include "gort.h"
#include "gort/abi.h"

_Static_assert(GORT_NSIZECLASSES == NumSizeClasses, "gort.h GORT_NSIZECLASSES");

// Zero-sized objects all live here (Go's zerobase).
static uintptr zerobase;

void rt_mallocinit(void)
{
	rt_sizeinit();
	if (!rt_sizecheck())
		rt_throw("mallocinit: a size class breaks its waste bound");
	rt_mheap_init(rt_memlimit());
}

static MCache *mcache(void)
{
	if (rt_m == NULL || rt_m->mcache == NULL)
		rt_throw("allocation on a thread that is not an M");
	return rt_m->mcache;
}

static NORETURN void outofmemory(uintptr size)
{
	MHeap *h = &rt_mheap;

	rt_prints("runtime: out of memory: cannot allocate ");
	rt_printuint(size);
	rt_prints("-byte block (");
	rt_printuint((uintptr)(h->arena_used - h->arena_start));
	rt_prints(" of ");
	rt_printuint((uintptr)(h->arena_end - h->arena_start));
	rt_prints(" arena bytes in use)\n");
	rt_throw("out of memory");
}

// Runs of bytes up to this long are written by loops here, longer ones by
// memset through its C-call gate (rt_memclr says why).
enum { MemclrInline = 4096 };

// ---- pointer bits (see malloc.h: one bit per heap word) ----

__attribute__((no_builtin("memset")))
static void setbits(byte *bitmap, uintptr word, uintptr n, const byte *mask)
{
	uintptr i;

	if (mask == NULL) {             // conservative: a run of ones
		for (; n > 0 && word % 8 != 0; word++, n--)
			bitmap[word / 8] |= 1 << (word % 8);
		if (n / 8 > MemclrInline) {
			memset(bitmap + word / 8, 0xff, n / 8);
		} else {
			for (i = 0; i < n / 8; i++)
				bitmap[word / 8 + i] = 0xff;
		}
		word += n & ~(uintptr)7;
		for (n &= 7; n > 0; word++, n--)
			bitmap[word / 8] |= 1 << (word % 8);
		return;
	}
	for (i = 0; i < n; i++)
		if (mask[i / 8] >> (i % 8) & 1)
			bitmap[(word + i) / 8] |= 1 << ((word + i) % 8);
}

// pointerbits records which words of the new object v may hold pointers:
// all of them when untyped (scanned conservatively); when typed, those of
// the type's mask, once per element.
static void pointerbits(byte *v, uintptr size, const gort_type *typ)
{
	MHeap *h = &rt_mheap;
	uintptr word = (uintptr)(v - h->arena_start) / PTRSIZE, tw, e;

	if (typ == NULL) {
		setbits(h->bitmap, word, (size + PTRSIZE - 1) / PTRSIZE, NULL);
		return;
	}
	tw = typ->size / PTRSIZE;
	for (e = 0; e < size / typ->size; e++)
		setbits(h->bitmap, word + e * tw, tw, typ->ptrmask);
}

// rt_memclr zeroes n bytes at p.  The runtime runs on goroutine stacks,
// where a call to memset goes through a C-call gate that wants 60 KB of
// stack and may split for it: small blocks (objects, bitmap runs) are
// cleared here, by words, and the compiler must not turn the loop back
// into a memset call.  Up to MemclrInline bytes (every small object of
// the commonest sizes) the loop, which the compiler vectorizes, beats the
// gate's split; beyond it memset's wider stores win.
__attribute__((no_builtin("memset"))) void rt_memclr(void *p, uintptr n)
{
	uintptr i, *w = p;
	byte *b;

	if (n > MemclrInline || ((uintptr)p | n) % sizeof(uintptr) != 0) {
		if (n > MemclrInline) {
			memset(p, 0, n);
			return;
		}
		for (b = p, i = 0; i < n; i++)
			b[i] = 0;
		return;
	}
	for (i = 0; i < n / sizeof(uintptr); i++)
		w[i] = 0;
}

// rt_clearbits clears bits word .. word+n-1 of a bitmap.
void rt_clearbits(byte *bitmap, uintptr word, uintptr n)
{
	for (; n > 0 && word % 8 != 0; word++, n--)
		bitmap[word / 8] &= ~(1 << (word % 8));
	if (n >= 8) {
		rt_memclr(bitmap + word / 8, n / 8);
		word += n & ~(uintptr)7;
		n &= 7;
	}
	for (; n > 0; word++, n--)
		bitmap[word / 8] &= ~(1 << (word % 8));
}

bool rt_pointerbit(void *p)
{
	MHeap *h = &rt_mheap;
	uintptr w = ((uintptr)p - (uintptr)h->arena_start) / PTRSIZE;

	return h->bitmap[w / 8] >> (w % 8) & 1;
}

// ---- the three ways to allocate ----

static byte *smallalloc(MCache *c, uintptr size, uint32 flags)
{
	uint32 cl = rt_sizetoclass(size);
	uint32 spc = cl << 1 | (flags & FlagNoScan);
	MSpan *s = c->alloc[spc];
	byte *v;

	if (s->freelist == NULL && s->freeindex == s->nelems) {
		s = rt_mcache_refill(c, spc);
		if (s == NULL)
			outofmemory(size);
	}
	c->nmalloc[cl]++;
	if ((v = s->freelist) != NULL) {        // swept: zero but the link
		s->freelist = *(byte **)v;
		*(byte **)v = NULL;
		return v;
	}
	v = rt_spanbase(s) + (uintptr)s->freeindex++ * s->elemsize;
	if (s->needzero && !(flags & FlagNoZero))
		rt_memclr(v, s->elemsize);
	return v;
}

// tinyalloc packs pointer-free objects under TinySize bytes into 16-byte
// blocks, each at the alignment its size calls for.  The block is freed
// (by the collector) only when every object in it is dead.
static byte *tinyalloc(MCache *c, uintptr size)
{
	uintptr off = c->tinyoffset;
	byte *v;

	if ((size & 7) == 0)
		off = (off + 7) & ~(uintptr)7;
	else if ((size & 3) == 0)
		off = (off + 3) & ~(uintptr)3;
	else if ((size & 1) == 0)
		off = (off + 1) & ~(uintptr)1;
	c->ntiny++;
	if (c->tiny != NULL && off + size <= TinySize) {
		c->tinyoffset = off + size;
		return c->tiny + off;
	}
	v = smallalloc(c, TinySize, FlagNoScan);
	if (c->tiny == NULL || size < c->tinyoffset) {  // keep the roomier block
		c->tiny = v;
		c->tinyoffset = size;
	}
	return v;
}

static byte *largealloc(MCache *c, uintptr size, uint32 flags)
{
	uintptr npages = (size >> PageShift) + ((size & PageMask) != 0);
	MSpan *s;

	if (size > (uintptr)(rt_mheap.arena_end - rt_mheap.arena_start) ||
	    (s = rt_mheap_alloc(npages, MSpanInUse)) == NULL)
		outofmemory(size);
	s->spanclass = flags & FlagNoScan;
	s->elemsize = npages << PageShift;
	s->divmul = 0;                  // every offset is in slot 0
	s->nelems = 1;
	s->freeindex = 1;
	c->largealloc += s->elemsize;
	c->nlargealloc++;
	rt_xaddp(&rt_mheap.heaplive, (intptr)s->elemsize);
	if (s->needzero && !(flags & FlagNoZero))
		memset(rt_spanbase(s), 0, size);
	return rt_spanbase(s);
}

// rt_mallocgc allocates size bytes of zeroed, garbage-collected memory.
// flags: FlagNoScan for pointer-free memory.  typ: for typed memory (size
// a multiple of typ->size), which words of each element hold pointers;
// NULL for untyped memory, which the collector scans conservatively.
void *rt_mallocgc(uintptr size, uint32 flags, const gort_type *typ)
{
	MCache *c = mcache();
	byte *v;

	if (size == 0)
		return &zerobase;
	if (size <= MaxSmallSize) {
		if ((flags & FlagNoScan) && size < TinySize)
			return tinyalloc(c, size);
		v = smallalloc(c, size, flags);
	} else {
		v = largealloc(c, size, flags);
	}
	if (!(flags & FlagNoScan))
		pointerbits(v, size, typ);
	return v;
}

// rt_free frees a large object at once.  Only the runtime frees memory
// itself (for its own big buffers); the collector frees everything else.
void rt_free(void *p)
{
	MSpan *s = rt_mheap_lookup(p);
	MHeap *h = &rt_mheap;

	if (s == NULL || s->state != MSpanInUse || (s->spanclass >> 1) != 0 ||
	    p != rt_spanbase(s))
		rt_throw("rt_free: not the start of a large object");
	rt_lock(&h->lock);
	h->largefree += s->elemsize;
	h->nlargefree++;
	rt_unlock(&h->lock);
	rt_mheap_free(s);
}

// ---- statistics ----

void rt_memstats_read(gort_memstats *m)
{
	MHeap *h = &rt_mheap;
	MCache *c;
	uint32 cl;

	*m = (gort_memstats){0};
	rt_lock(&h->lock);
	for (cl = 1; cl < rt_nsizeclasses; cl++)
		m->by_size[cl - 1].size = rt_class_to_size[cl];
	for (c = h->caches; c != NULL; c = c->link) {
		for (cl = 1; cl < rt_nsizeclasses; cl++) {
			m->by_size[cl - 1].mallocs += c->nmalloc[cl];
			m->heap_alloc += c->nmalloc[cl] * rt_class_to_size[cl];
			m->mallocs += c->nmalloc[cl];
		}
		m->heap_alloc += c->largealloc;
		m->mallocs += c->nlargealloc;
		m->tiny_allocs += c->ntiny;
	}
	m->heap_alloc -= h->largefree + rt_gcstats.freedbytes;
	m->frees = h->nlargefree + rt_gcstats.nfreed;
	m->heap_sys = (uint64)(h->arena_used - h->arena_start);
	m->heap_inuse = (uint64)(h->pagesinuse - h->pagesstack) << PageShift;
	m->stack_inuse = (uint64)h->pagesstack << PageShift;
	m->heap_idle = (uint64)h->pagesfree << PageShift;
	m->heap_released = (uint64)h->pagesreleased << PageShift;
	m->heap_reserved = (uint64)(h->arena_end - h->arena_start);
	m->meta_sys = h->spanalloc.sys + h->cachealloc.sys;
	rt_unlock(&h->lock);
}

static void printstat(const char *name, uint64 v)
{
	rt_prints("  ");
	rt_prints(name);
	rt_prints(" ");
	rt_printuint(v);
	rt_printnl();
}

// rt_memstats_print: GORT_DEBUG=memstats=1 prints this at exit.
void rt_memstats_print(void)
{
	gort_memstats m;
	uint32 i;

	rt_memstats_read(&m);
	rt_prints("gort: memstats\n");
	printstat("heap_alloc", m.heap_alloc);
	printstat("heap_sys", m.heap_sys);
	printstat("heap_inuse", m.heap_inuse);
	printstat("heap_idle", m.heap_idle);
	printstat("heap_released", m.heap_released);
	printstat("heap_reserved", m.heap_reserved);
	printstat("stack_inuse", m.stack_inuse);
	printstat("meta_sys", m.meta_sys);
	printstat("mallocs", m.mallocs);
	printstat("frees", m.frees);
	printstat("tiny_allocs", m.tiny_allocs);
	for (i = 0; i < GORT_NSIZECLASSES; i++) {
		if (m.by_size[i].mallocs == 0)
			continue;
		rt_prints("  size ");
		rt_printuint(m.by_size[i].size);
		rt_prints(" mallocs ");
		rt_printuint(m.by_size[i].mallocs);
		rt_printnl();
	}
}

// ---- the public API (gort.h) ----

// The public entry points are the collector's safe points: it may start
// there (rt_gcmaybe), and the caller stops there while the world stops.

void *gort_alloc(size_t size)
{
	rt_gcmaybe();
	return rt_mallocgc(size, 0, NULL);
}

void *gort_alloc_noscan(size_t size)
{
	rt_gcmaybe();
	return rt_mallocgc(size, FlagNoScan, NULL);
}

// gort_alloc_typed allocates n values of type t.
void *gort_alloc_typed(const gort_type *t, size_t n)
{
	rt_gcmaybe();
	if (t->size == 0 || n == 0)
		return &zerobase;
	if (n > (uintptr)-1 / t->size)
		outofmemory((uintptr)-1);
	if (t->ptrmask == NULL)
		return rt_mallocgc(t->size * n, FlagNoScan, NULL);
	if (t->size % PTRSIZE != 0)
		rt_throw("gort_alloc_typed: a type with pointers has a size that is not a multiple of the pointer size");
	return rt_mallocgc(t->size * n, 0, t);
}

void *gort_mallocgc(size_t size, unsigned flags, const gort_type *t)
{
	rt_gcmaybe();
	return rt_mallocgc(size, flags & GORT_NOSCAN ? FlagNoScan : 0, t);
}

void gort_read_memstats(gort_memstats *m)
{
	rt_memstats_read(m);
}

void gort_free_os_memory(void)
{
	rt_mheap_scavenge(true);
}
