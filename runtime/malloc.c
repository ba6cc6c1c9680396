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

// mcache: the calling thread's.  Every M has one from its start (its
// own, or its P's), so only a thread that is not an M has none.
static inline MCache *mcache(void)
{
	if (rt_m == NULL)
		rt_throw("allocation on a thread that is not an M");
	return rt_m->mcache;
}

static void outofmemory0(void *arg)
{
	MHeap *h = &rt_mheap;

	rt_prints("runtime: out of memory: cannot allocate ");
	rt_printuint(*(uintptr *)arg);
	rt_prints("-byte block (");
	rt_printuint((uintptr)(h->arena_used - h->arena_start));
	rt_prints(" of ");
	rt_printuint((uintptr)(h->arena_end - h->arena_start));
	rt_prints(" arena bytes in use)\n");
	rt_throw("out of memory");
}

// outofmemory reports on the system stack: printing from a goroutine's
// stack may split, and a split would ask the exhausted heap for a segment.
static NORETURN void outofmemory(uintptr size)
{
	rt_onsystemstack(outofmemory0, &size);
	__builtin_unreachable();
}

// Runs of bytes up to this long are written by loops here, longer ones by
// memset through its C-call gate (rt_memclr says why).
enum { MemclrInline = 4096 };

// The path of a small allocation is inlined, from the public entry point
// down, and must not call memset: a call into libc makes the linker give
// the caller a 64 KB stack check (the C-call gate), which a goroutine's
// small segment fails, and each allocation would split.  NOMEMSET keeps
// the compiler from turning a loop of stores into a memset call.
#define NOMEMSET __attribute__((no_builtin("memset")))

// ---- pointer bits (see malloc.h: one bit per heap word) ----
//
// Allocation writes every pointer bit of the new object's slot, ones and
// zeros alike: the sweeper leaves a dead object's bits as they were, and
// the next object in the slot overwrites them.

// putbits writes the n low bits of v (n <= 56) to bits word..word+n-1,
// through the one or two aligned 64-bit words of the bitmap that hold
// them (bit i of the bitmap is bit i % 64 of word i / 64 on a
// little-endian machine, as all of gort's are).  Such a word covers 64
// heap words, within one page: only the thread allocating in that span
// writes it.
static inline NOMEMSET void putbits(byte *bitmap, uintptr word, uint32 n, uint64 v)
{
	uint64 *p = (uint64 *)bitmap + word / 64;
	uint32 sh = word % 64;
	uint64 m = ((uint64)1 << n) - 1;

	p[0] = (p[0] & ~(m << sh)) | (v << sh);
	if (sh + n > 64)
		p[1] = (p[1] & ~(m >> (64 - sh))) | (v >> (64 - sh));
}

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "putbits reads the bitmap by 64-bit words");

// fillbits sets (on) or clears bits word..word+n-1.
__attribute__((no_builtin("memset")))
static void fillbits(byte *bitmap, uintptr word, uintptr n, bool on)
{
	uintptr i, head;
	byte fill = on ? 0xff : 0;

	if (n <= 56 - word % 8) {
		putbits(bitmap, word, (uint32)n, on ? ~(uint64)0 : 0);
		return;
	}
	head = (8 - word % 8) % 8;              // up to a byte boundary
	if (head != 0)
		putbits(bitmap, word, (uint32)head, on ? ~(uint64)0 : 0);
	word += head;
	n -= head;
	if (n / 8 > MemclrInline) {
		memset(bitmap + word / 8, fill, n / 8);
	} else {
		for (i = 0; i < n / 8; i++)
			bitmap[word / 8 + i] = fill;
	}
	word += n & ~(uintptr)7;
	if (n % 8 != 0)                 // not past the run: it may end the bitmap
		putbits(bitmap, word, n % 8, on ? ~(uint64)0 : 0);
}

// maskbits reads the first n (<= 56) bits of a type's pointer mask.
static inline NOMEMSET uint64 maskbits(const byte *mask, uint32 n)
{
	uint64 v = 0;
	uint32 i;

	for (i = 0; i < (n + 7) / 8; i++)
		v |= (uint64)mask[i] << (8 * i);
	return v & ((((uint64)1) << n) - 1);
}

// Slots of up to SmallBits words get their pointer bits in one putbits.
enum { SmallBits = 48 };

// pointerbits records which words of the new object v (size bytes, in a
// slot of slotsize) may hold pointers: all of them when untyped (scanned
// conservatively); when typed, those of the type's mask, once per
// element.  The rest of the slot gets zeros.  A small slot holding one
// object or one element takes one putbits, in line (always_inline: left
// to itself the compiler made it a call on every allocation, 7% of a
// 16-byte one); pointerbitsrun does the rest.
static NOINLINE void pointerbitsrun(byte *v, uintptr size, uintptr slotsize, const gort_type *typ)
{
	MHeap *h = &rt_mheap;
	uintptr word = rt_heapword((uintptr)v);
	uintptr nw = slotsize / PTRSIZE, used, tw, e, i;

	if (typ == NULL) {
		used = (size + PTRSIZE - 1) / PTRSIZE;
		fillbits(h->bitmap, word, used, true);
	} else {
		tw = typ->size / PTRSIZE;
		used = size / typ->size * tw;
		if (tw <= 56) {
			uint64 bits = maskbits(typ->ptrmask, (uint32)tw);

			for (e = 0; e < used; e += tw)
				putbits(h->bitmap, word + e, (uint32)tw, bits);
		} else {
			for (e = 0; e < used; e += tw)
				for (i = 0; i < tw; i++)
					putbits(h->bitmap, word + e + i, 1,
						typ->ptrmask[i / 8] >> (i % 8) & 1);
		}
	}
	if (used < nw)
		fillbits(h->bitmap, word + used, nw - used, false);
}

// slotbits gives the bits of a size-byte object in a slot of nw words
// when one putbits writes them: an untyped object (every word it covers),
// or one element of typ.  false for the rest (arrays, big slots).
static inline __attribute__((always_inline)) bool slotbits(uintptr size, uintptr nw, const gort_type *typ, uint64 *v)
{
	if (nw > SmallBits)
		return false;
	if (typ == NULL)
		*v = ((uint64)1 << ((size + PTRSIZE - 1) / PTRSIZE)) - 1;
	else if (typ->size == size)
		*v = maskbits(typ->ptrmask, (uint32)(size / PTRSIZE));
	else
		return false;
	return true;
}

static inline __attribute__((always_inline)) NOMEMSET void pointerbits(byte *v, uintptr size, uintptr slotsize, const gort_type *typ)
{
	uintptr nw = slotsize / PTRSIZE;
	uint64 bits;

	if (slotbits(size, nw, typ, &bits))
		putbits(rt_mheap.bitmap, rt_heapword((uintptr)v), (uint32)nw, bits);
	else
		pointerbitsrun(v, size, slotsize, typ);
}

// prefillbits writes the bits of a size-byte object of type typ into
// every free slot of s, which an MCache has just taken for such an
// allocation, and records that in s->bitssize and s->bitstyp: a span's
// allocations are most often of one type, and those that match write no
// bits at all.  An allocation of another type writes its own slot's,
// which leaves the other free slots as they were.  Only slots whose bits
// tile a 64-bit bitmap word (slots of 1, 2, 4 ... 32 words) are filled:
// a bitmap word then holds whole slots, and one of free slots is a
// single store.  A span an MCache takes is fresh or just swept: its slots
// below freeindex are taken, a multiple of 64 of them (rt_sweepsmall),
// and from there its allocbits alone say which are (a span that does not
// look so is left unfilled).
static NOINLINE NOMEMSET void prefillbits(MSpan *s, uintptr size, const gort_type *typ)
{
	uintptr nw = s->elemsize / PTRSIZE, spw = 64 / nw, first, j, i;
	uint64 *p, bits, pat, taken;

	if (64 % nw != 0 || s->freeindex % 64 != 0 || !slotbits(size, nw, typ, &bits))
		return;
	for (pat = bits, i = nw; i < 64; i *= 2)
		pat |= pat << i;
	p = (uint64 *)rt_mheap.bitmap + rt_heapword((uintptr)rt_spanbase(s)) / 64;
	for (first = s->freeindex, j = first / spw; first < s->nelems; j++, first += spw) {
		taken = s->allocbits[first / 64] >> (first % 64);
		if (spw < 64)
			taken &= ((uint64)1 << spw) - 1;
		if (taken == 0) {
			p[j] = pat;
			continue;
		}
		for (i = 0; i < spw; i++)
			if (!(taken >> i & 1))
				putbits((byte *)&p[j], i * nw, (uint32)nw, bits);
	}
	s->bitssize = (uint32)size;
	s->bitstyp = typ;
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

bool rt_pointerbit(void *p)
{
	uintptr w = rt_heapword((uintptr)p);

	return rt_mheap.bitmap[w / 8] >> (w % 8) & 1;
}

// ---- the three ways to allocate ----

// nextfree takes the next free slot of s, or returns nelems when s is
// full: past the end of alloccache, it reads the next words of allocbits.
// The fast path in smallalloc handles every case but reaching the end of
// a 64-bit word.
static uint32 nextfree(MSpan *s)
{
	uint32 idx = s->freeindex, n = s->nelems, bit;
	uint64 cache = s->alloccache;

	while (cache == 0) {            // none free from here to the word's end
		idx = (idx + 64) & ~(uint32)63;
		if (idx >= n)
			goto full;
		cache = ~s->allocbits[idx / 64];
	}
	bit = (uint32)__builtin_ctzll(cache);
	idx += bit;
	if (idx >= n)
		goto full;
	s->freeindex = idx + 1;
	if (s->freeindex % 64 == 0)
		s->alloccache = s->freeindex < n ? ~s->allocbits[s->freeindex / 64] : 0;
	else
		s->alloccache = cache >> (bit + 1);
	s->nalloc++;
	return idx;
full:
	s->freeindex = n;
	s->alloccache = 0;
	return n;
}

// clearslot zeroes a slot being handed out: inline, 16 bytes a store,
// for the smaller sizes (slots from 16 bytes are 16-byte aligned).
typedef uint64 Zero16 __attribute__((vector_size(16)));

enum { ClearInline = 256 };     // bigger slots: rt_memclr

static inline NOMEMSET void clearslot(byte *v, uintptr n)
{
	uintptr i;

	if (n > ClearInline) {
		rt_memclr(v, n);
		return;
	}
	if (n <= 16) {                  // the commonest slots: one store
		if (n == 16)
			*(Zero16 *)v = (Zero16){0, 0};
		else
			*(uint64 *)v = 0;
		return;
	}
#pragma clang loop unroll(disable) vectorize(disable)
	for (i = 0; i < n; i += 16)
		*(Zero16 *)(v + i) = (Zero16){0, 0};
}

// handout finishes giving out slot idx of s: counts it, zeroes it if the
// span's memory may be dirty, and writes its pointer bits unless the
// span's free slots hold them already (prefillbits).  Its rare paths
// are one call out of line each: bits of another type or size
// (handoutbits), big slots and bits that take a loop (handoutrest), as
// is smallalloc's own (smallallocslow): with them in
// line, every allocation saved six registers and spilled three more, and
// alloc16 took 7.8-8.7 ns against 6.4-7.2 now.
//
// The rare paths run on the M's system stack (rt_onsystemstack), so that
// they never split a goroutine's stack: the fast path's frames fit in the
// room of a goroutine's first segment, but the way to another span (the
// central list, a sweep, the heap) or through a big slot's bits does not,
// and a goroutine that split there kept the 8 KB child until it ended.
// skynet's goroutines, which mostly wait, held thousands of them at a
// time (23,000 splits a run, 72 now, and a peak 15 MB lower).
typedef struct Slow {
	MCache  *c;
	byte    *v;             // the slot (handoutrest); out: the object (largealloc)
	MSpan   *s;             // the slot's span; out: a span with room (refill)
	uintptr size;
	uint32  flags, spc, idx;
	const gort_type *typ;
} Slow;

static void handoutrest0(void *arg)
{
	Slow *a = arg;

	if (a->s->needzero && !(a->flags & FlagNoZero))
		clearslot(a->v, a->s->elemsize);
	if (!(a->flags & FlagNoScan) && (a->size != a->s->bitssize || a->typ != a->s->bitstyp))
		pointerbits(a->v, a->size, a->s->elemsize, a->typ);
}

static NOINLINE NOMEMSET byte *handoutrest(byte *v, MSpan *s, uintptr size, uint32 flags, const gort_type *typ)
{
	Slow a = {.v = v, .s = s, .size = size, .flags = flags, .typ = typ};

	rt_onsystemstack(handoutrest0, &a);
	return v;
}

// handoutbits writes the bits of a slot whose free slots hold another
// type's: one putbits, or handoutrest's loop.
static NOINLINE NOMEMSET byte *handoutbits(byte *v, MSpan *s, uintptr size, const gort_type *typ)
{
	uintptr nw = s->elemsize / PTRSIZE;
	uint64 bits;

	if (!slotbits(size, nw, typ, &bits))
		return handoutrest(v, s, size, FlagNoZero, typ);
	putbits(rt_mheap.bitmap, rt_heapword((uintptr)v), (uint32)nw, bits);
	return v;
}

static inline __attribute__((always_inline)) NOMEMSET byte *handout(MCache *c, MSpan *s, uint32 idx, uint32 cl, uintptr size, uint32 flags, const gort_type *typ)
{
	uintptr n = s->elemsize;
	byte *v = rt_spanbase(s) + (uintptr)idx * n;

	c->nmalloc[cl]++;
	if (s->needzero && !(flags & FlagNoZero)) {
		if (n > ClearInline)
			return handoutrest(v, s, size, flags, typ);
		clearslot(v, n);
	}
	if (!(flags & FlagNoScan) && (size != s->bitssize || typ != s->bitstyp))
		return handoutbits(v, s, size, typ);
	return v;
}

// refill0 swaps the cache's full span of class spc for one with room and
// takes a slot of it, on the system stack.
static void refill0(void *arg)
{
	Slow *a = arg;
	MSpan *s;

	do {
		if ((s = rt_mcache_refill(a->c, a->spc)) == NULL)
			break;
		if (!(a->flags & FlagNoScan))
			prefillbits(s, a->size, a->typ);
	} while ((a->idx = nextfree(s)) == s->nelems);
	a->s = s;
}

// smallallocslow is smallalloc past the end of a 64-bit window of free
// slots: the next words of the alloc bits, or another span.
static NOINLINE NOMEMSET byte *smallallocslow(MCache *c, uintptr size, uint32 flags, const gort_type *typ)
{
	uint32 cl = rt_sizetoclass(size), spc = cl << 1 | (flags & FlagNoScan), idx;
	MSpan *s = c->alloc[spc];
	Slow a = {.c = c, .size = size, .flags = flags, .spc = spc, .typ = typ};

	if ((idx = nextfree(s)) == s->nelems) {
		rt_onsystemstack(refill0, &a);
		if ((s = a.s) == NULL)
			outofmemory(size);
		idx = a.idx;
	}
	return handout(c, s, idx, cl, size, flags, typ);
}

// smallalloc is in line in each entry point (always_inline: the
// compiler would otherwise call it), which then makes no call at all on
// its fast path: the call, the registers it saved and the arguments it
// passed were a third of the instructions of gort_alloc_typed.
static inline __attribute__((always_inline)) NOMEMSET byte *smallalloc(MCache *c, uintptr size, uint32 flags, const gort_type *typ)
{
	uint32 cl = rt_sizetoclass(size);
	MSpan *s = c->alloc[cl << 1 | (flags & FlagNoScan)];
	uint64 cache = s->alloccache;
	uint32 bit, idx;

	if (cache == 0)
		return smallallocslow(c, size, flags, typ);
	bit = (uint32)__builtin_ctzll(cache);
	idx = s->freeindex + bit;
	if ((idx + 1) % 64 == 0 || idx >= s->nelems)
		return smallallocslow(c, size, flags, typ);
	s->alloccache = cache >> (bit + 1);
	s->freeindex = idx + 1;
	s->nalloc++;
	return handout(c, s, idx, cl, size, flags, typ);
}

// tinyalloc packs pointer-free objects under TinySize bytes into 16-byte
// blocks, each at the alignment its size calls for.  The block is freed
// (by the collector) only when every object in it is dead.
static NOINLINE byte *tinyalloc(MCache *c, uintptr size)
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
	v = smallalloc(c, TinySize, FlagNoScan, NULL);
	if (c->tiny == NULL || size < c->tinyoffset) {  // keep the roomier block
		c->tiny = v;
		c->tinyoffset = size;
	}
	return v;
}

// largealloc0 gives an object of more than MaxSmallSize bytes a span of
// its own, on the system stack: the memset of a big object is a call into
// libc, whose C-call gate would split any goroutine's segment.
static void largealloc0(void *arg)
{
	Slow *a = arg;
	uintptr size = a->size, npages = (size >> PageShift) + ((size & PageMask) != 0);
	MSpan *s;

	if (size > (uintptr)(rt_mheap.arena_end - rt_mheap.arena_start) ||
	    (s = rt_mheap_alloc(npages, MSpanInUse)) == NULL)
		return;
	s->spanclass = a->flags & FlagNoScan;
	s->elemsize = npages << PageShift;
	s->divmul = 0;                  // every offset is in slot 0
	s->nelems = 1;
	s->freeindex = 1;
	s->nalloc = 1;
	a->c->largealloc += s->elemsize;
	a->c->nlargealloc++;
	rt_gcheapgrew(rt_xaddp(&rt_mheap.heaplive, (intptr)s->elemsize));
	if (s->needzero && !(a->flags & FlagNoZero))
		memset(rt_spanbase(s), 0, size);
	if (!(a->flags & FlagNoScan))
		pointerbits(rt_spanbase(s), size, s->elemsize, a->typ);
	a->v = rt_spanbase(s);
}

static NOINLINE byte *largealloc(MCache *c, uintptr size, uint32 flags, const gort_type *typ)
{
	Slow a = {.c = c, .size = size, .flags = flags, .typ = typ};

	rt_onsystemstack(largealloc0, &a);
	if (a.v == NULL)
		outofmemory(size);
	return a.v;
}

// mallocgc allocates size bytes of zeroed, garbage-collected memory.
// flags: FlagNoScan for pointer-free memory.  typ: for typed memory (size
// a multiple of typ->size), which words of each element hold pointers;
// NULL for untyped memory, which the collector scans conservatively.
static inline NOMEMSET void *mallocgc(uintptr size, uint32 flags, const gort_type *typ)
{
	MCache *c = mcache();

	if (size == 0)
		return &zerobase;
	if (size <= MaxSmallSize) {
		if ((flags & FlagNoScan) && size < TinySize)
			return tinyalloc(c, size);
		return smallalloc(c, size, flags, typ);
	}
	return largealloc(c, size, flags, typ);
}

void *rt_mallocgc(uintptr size, uint32 flags, const gort_type *typ)
{
	return mallocgc(size, flags, typ);
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
	uint64 nfreed, freedbytes;
	uint32 cl;

	*m = (gort_memstats){0};
	rt_gcstats_freed(&nfreed, &freedbytes);
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
	m->heap_alloc -= h->largefree + freedbytes;
	m->frees = h->nlargefree + nfreed;
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
//
// Each is written so that its fast path makes no call: rt_gcpoll is
// tested first, and when it is set the whole allocation goes out of line
// (pollthenalloc, alloctyped).  Every other call on the way (the slow
// half of smallalloc, bits of another type, a big slot, a large object)
// is the last thing its function does, and none of their work is in
// line, so the fast path needs few registers and saves one.  Counted by
// callgrind, 16-byte typed allocations in a loop (the entry point's and
// smallalloc's own instructions, an average that takes in the next
// window every 64): 133 each when gort_alloc_typed called smallalloc
// (four saved registers in each, three tests for rt_gcmaybe), 86 in
// line, 81 with the slot cleared by one store; 7.0 against 5.6 ns on one
// CPU at 86.

static NOINLINE NOMEMSET void *pollthenalloc(uintptr size, uint32 flags, const gort_type *typ)
{
	rt_gcmaybeslow();
	return rt_mallocgc(size, flags, typ);
}

NOMEMSET void *gort_alloc(size_t size)
{
	if (rt_gcpolled())
		return pollthenalloc(size, 0, NULL);
	return mallocgc(size, 0, NULL);
}

NOMEMSET void *gort_alloc_noscan(size_t size)
{
	if (rt_gcpolled())
		return pollthenalloc(size, FlagNoScan, NULL);
	return mallocgc(size, FlagNoScan, NULL);
}

// alloctyped is gort_alloc_typed for what is not one small value of a
// type with pointers: arrays, pointer-free types, odd sizes, and any
// call while rt_gcpoll is set.
static NOINLINE NOMEMSET void *alloctyped(const gort_type *t, uintptr n)
{
	uintptr size = t->size;

	rt_gcmaybe();
	if (size == 0 || n == 0)
		return &zerobase;
	if (n > (uintptr)-1 / size)
		outofmemory((uintptr)-1);
	if (t->ptrmask == NULL)
		return rt_mallocgc(size * n, FlagNoScan, NULL);
	if (size % PTRSIZE != 0)
		rt_throw("gort_alloc_typed: a type with pointers has a size that is not a multiple of the pointer size");
	return rt_mallocgc(size * n, 0, t);
}

// gort_alloc_typed allocates n values of type t.  One small value of a
// type with pointers, by far the commonest call (a list cell, a tree
// node), goes straight to smallalloc.
NOMEMSET void *gort_alloc_typed(const gort_type *t, size_t n)
{
	uintptr size = t->size;

	if (!rt_gcpolled() && n == 1 && size - 1 < MaxSmallSize &&
	    size % PTRSIZE == 0 && t->ptrmask != NULL)
		return smallalloc(mcache(), size, 0, t);
	return alloctyped(t, n);
}

NOMEMSET void *gort_mallocgc(size_t size, unsigned flags, const gort_type *t)
{
	uint32 f = flags & GORT_NOSCAN ? FlagNoScan : 0;

	if (rt_gcpolled())
		return pollthenalloc(size, f, t);
	return mallocgc(size, f, t);
}

void gort_read_memstats(gort_memstats *m)
{
	rt_memstats_read(m);
}

void gort_free_os_memory(void)
{
	rt_mheap_scavenge(ScavengeAll);
}
