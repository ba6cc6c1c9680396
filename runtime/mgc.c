// mgc.c: the collector: roots, mark, finalizers, sweep, pacing.  See
// mgc.h for the design.
#define _GNU_SOURCE     // dl_iterate_phdr
#include <elf.h>
#include <link.h>
#include <string.h>

#include "runtime.h"
#include "atomic.h"
#include "malloc.h"
#include "mgc.h"
#include "panic.h"
#include "proc.h"
#include "stack.h"
#include "gort.h"

GcStats rt_gcstats;

enum {
	// Bytes below __morestack's frame record in a parent segment that hold
	// what it saved (argument registers, vector registers): scanned too.
	MorestackSaved  = 64 * PTRSIZE,
};

extern void *__libc_stack_end;

static uint32 gcrunning;        // a collection is under way (CAS 0 -> 1)
GcPoll rt_gcpoll;               // mgc.h
static Lock statslock;          // rt_gcstats
static uintptr mainstacklo;     // the main thread's stack below the scheduler

// ---- work buffers ----
//
// A grey object (marked, not yet scanned) waits in a work buffer.  Each
// worker fills and drains its own; full buffers go to a global list, where
// idle workers find them.  Buffers come from the OS and are kept.

typedef struct Workbuf Workbuf;
struct Workbuf {
	Workbuf *next;
	uintptr n;
	uintptr obj[(WorkbufSize - 2 * sizeof(uintptr)) / sizeof(uintptr)];
};

typedef struct Root {
	uintptr lo, hi;
} Root;

// A worker's counters change at every object it marks: each worker has
// cache lines of its own, or the workers' writes would bounce one line
// between their CPUs (it made marking on two CPUs twice as slow as on one).
enum { PendWords = 4 };         // a power of two

typedef struct Worker {
	Workbuf *wbuf;
	uint64  marked;         // bytes marked
	uint32  scanned;        // objects scanned
	// Mark bits this worker has set but not yet stored (setmark): for a
	// few mark words, each in the slot its address picks, the word and
	// its bits.  All zero between marks: drain flushes them before the
	// worker waits for work, which it does last.
	uint32  *pendw[PendWords];
	uint32  pendbits[PendWords];
} __attribute__((aligned(CACHELINESIZE))) Worker;

static struct {
	Lock    lock;           // full, empty, nwait
	Workbuf *full, *empty;
	uint32  nwait;          // workers waiting for a full buffer
	uint32  nproc;          // workers in this mark
	// Root jobs: the ranges, then the goroutines.  Arrays from the OS.
	Root    *ranges;
	uint32  nranges, capranges;
	G       **gs;
	uint32  ngs, capgs;
	uint32  nextroot;       // the next job to take (atomic)
	uint32  ndone;          // helpers done (atomic)
	Note    donenote;       // the last helper done wakes the stopper
	Worker  workers[GcMaxProcs];
	Note    helpernote[GcMaxProcs];
	uint32  nhelpers;       // helper threads started
} work;

static void *sysgrow(void *old, uintptr oldbytes, uintptr newbytes)
{
	void *p = rt_sys_alloc(newbytes);

	if (p == NULL)
		rt_throw("out of memory in the collector");
	if (old != NULL) {
		memmove(p, old, oldbytes);
		rt_sys_free(old, oldbytes);
	}
	return p;
}

static Workbuf *getempty(void)
{
	Workbuf *b;

	rt_lock(&work.lock);
	b = work.empty;
	if (b != NULL)
		work.empty = b->next;
	rt_unlock(&work.lock);
	if (b == NULL) {
		b = sysgrow(NULL, 0, sizeof *b);
		rt_xadd32(&rt_gcstats.nworkbufs, 1);
	}
	b->next = NULL;
	b->n = 0;
	return b;
}

static void putbuf(Workbuf **list, Workbuf *b)
{
	rt_lock(&work.lock);
	b->next = *list;
	*list = b;
	rt_unlock(&work.lock);
}

// getfull returns a full buffer, waiting while other workers may still
// make some; NULL when every worker is waiting: the mark is done.
static Workbuf *getfull(void)
{
	Workbuf *b;

	uint32 spins = 0;

	rt_lock(&work.lock);
	work.nwait++;
	for (;;) {
		if (work.full != NULL) {
			b = work.full;
			work.full = b->next;
			work.nwait--;
			rt_unlock(&work.lock);
			return b;
		}
		if (work.nwait == work.nproc) {
			rt_unlock(&work.lock);
			return NULL;
		}
		rt_unlock(&work.lock);
		if (++spins < 16)
			rt_procyield(20);
		else
			rt_sched_yield();       // let a worker with work run
		rt_lock(&work.lock);
	}
}

// ---- a worker's loop state ----
//
// Scan is what a marking worker changes at nearly every object: its work
// buffer's count, the span it last looked in, the bytes it marked.  A
// loop copies it out of the Worker (scanbegin), keeps it in a local that
// the compiler holds in registers, and puts it back when the loop ends or
// calls out of line (scanend).  In the Worker the fields are memory, and
// as the runtime is built with -fno-strict-aliasing, every store the loop
// makes (a grey object into the buffer, a mark bit) would make the
// compiler load them all again: the loop did twice the memory operations
// it needed.  The arena's bounds and the bitmaps' addresses are copied in
// too, for the same reason.  Marking 6 million tree nodes (bench-gcmark,
// shortest of 40): on one CPU 58 ms before, 53 after; on two, 34 and 30.5.
//
// The span cache lives in Scan only, and every loop starts with it
// empty.  It holds the base of a span, which is also the address of the
// span's first object, and the Workers are in this file's bss, which the
// mark reads as a root: a span base kept there (as it once was) kept that
// object alive, a stale reference of the kind seeds 001 and 002 warn of.
// A Scan is on the marking thread's own stack, which is not a root.

typedef struct Scan {
	Workbuf *b;             // the worker's buffer
	uintptr n;              // b->n, stored back when b leaves the loop
	// The span the last pointer led into, and its bytes [sbase, sbase +
	// slen): the next pointer most often leads there too (spanat).
	MSpan   *span;
	uintptr sbase, slen;
	uint64  marked;         // bytes marked
	uint32  scanned;        // objects scanned
	bool    alone;          // the only worker: plain stores of mark bits
	uintptr lo, len;        // the arena's used part
	const byte *ptrbits;    // the heap bitmap of pointer words
	uint32  *marks;         // the mark bits
} Scan;

static inline __attribute__((always_inline)) Scan scanbegin(Worker *w)
{
	MHeap *h = &rt_mheap;

	return (Scan){
		.b = w->wbuf, .n = w->wbuf->n,
		.marked = w->marked, .scanned = w->scanned,
		.alone = work.nproc == 1,
		.lo = (uintptr)h->arena_start,
		.len = (uintptr)(h->arena_used - h->arena_start),
		.ptrbits = h->bitmap,
		.marks = (uint32 *)(h->bitmap + h->bitmapsize),
	};
}

static inline __attribute__((always_inline)) void scanend(Worker *w, const Scan *sc)
{
	w->wbuf = sc->b;
	sc->b->n = sc->n;
	w->marked = sc->marked;
	w->scanned = sc->scanned;
}

// swapfull hands a full buffer to the idle workers and returns an empty
// one; out of line, taking and returning values, so that the loop's state
// stays in registers.
static NOINLINE NOSPLIT Workbuf *swapfull(Workbuf *b)
{
	b->n = nelem(b->obj);
	putbuf(&work.full, b);
	return getempty();
}

static inline __attribute__((always_inline)) void push(Scan *sc, uintptr obj)
{
	if (sc->n == nelem(sc->b->obj)) {
		sc->b = swapfull(sc->b);
		sc->n = 0;
	}
	sc->b->obj[sc->n++] = obj;
}

// share gives half of the n grey objects in mine to the idle workers;
// returns how many mine keeps.  drain shares only while a worker waits
// and no full buffer is left for it: a waiting worker descheduled for a
// moment (this machine's two CPUs are not always both there) once had a
// new buffer shared every 64 objects, each taken from the OS and kept,
// and binarytrees ended with 1,550 buffers (6 MB) that its marks never
// needed at once.
static NOINLINE NOSPLIT uintptr share(Workbuf *mine, uintptr n)
{
	Workbuf *b = getempty();
	uintptr half = n / 2;

	memmove(b->obj, mine->obj + n - half, half * sizeof(uintptr));
	b->n = half;
	putbuf(&work.full, b);
	return n - half;
}

// ---- marking ----

static inline uint32 *markword(uintptr word)
{
	return (uint32 *)(rt_mheap.bitmap + rt_mheap.bitmapsize) + word / 32;
}

static inline bool testmark(uintptr word)
{
	return rt_load32(markword(word)) >> (word % 32) & 1;
}

// flushmark stores the mark bits a worker holds back in slot i, with one
// atomic OR: another worker may be setting bits of the same word.
static inline void flushmark(Worker *w, uint32 i)
{
	if (w->pendbits[i] != 0)
		rt_or32(w->pendw[i], w->pendbits[i]);
	w->pendbits[i] = 0;
}

static void flushmarks(Worker *w)
{
	uint32 i;

	for (i = 0; i < PendWords; i++)
		flushmark(w, i);
}

// setmark sets a mark bit; false if it was set already.  When one worker
// marks, nobody else writes the word and a plain store does.  Parallel
// workers need an atomic OR, and on x86 a locked instruction waits for
// every load before it: one per object stalled the walk on each cache
// miss in turn.  So a worker holds back the bits it sets in a word and
// stores them with one OR when another word needs the word's slot.  A
// walk that follows memory sets a word's bits (256 bytes of heap on
// amd64) one after another; a few slots cover a node's near child and
// its far one, whose words alternate.  Until the bits are stored another
// worker may find an object's bit clear and grey it too; it is then
// scanned twice, harmlessly, as when two workers look at one clear bit at
// the same moment (a compare-and-swap that settled who was first cost
// binarytrees a tenth more marking time).  Every worker flushes before it
// waits for work, so all bits are stored when the mark ends.  Marking
// 6 million tree nodes on two CPUs: 38 ms a collection before, 34 after.
static inline __attribute__((always_inline)) bool setmark(Worker *w, const Scan *sc, uintptr word)
{
	uint32 *mw = sc->marks + word / 32, bit = 1u << (word % 32), old, i;

	if (sc->alone) {
		old = *mw;
		if (old & bit)
			return false;
		*mw = old | bit;
		return true;
	}
	i = (uint32)((uintptr)mw / sizeof *mw) % PendWords;
	if (mw != w->pendw[i]) {
		flushmark(w, i);
		w->pendw[i] = mw;
	}
	if ((w->pendbits[i] | rt_load32(mw)) & bit)
		return false;
	w->pendbits[i] |= bit;
	return true;
}

// Most words read while marking are not heap pointers (zeros, small
// numbers, code and stack addresses): one subtraction and compare, in
// line, turns them away before greyobj.
static inline bool inarena(uintptr p, uintptr lo, uintptr len)
{
	return p - lo < len;
}

// slotin returns the object of span s holding address p, which lies in
// s's pages, or 0 when p is in a free slot (what it holds is stale).
static inline uintptr slotin(MSpan *s, uintptr base, uintptr p)
{
	uintptr idx = rt_span_slot(s, p - base);

	if (!rt_span_taken(s, idx))
		return 0;
	return base + idx * s->elemsize;
}

// spanof returns the span of objects that arena address p lies in, or
// NULL (a free span, a stack).  p must be inside the arena's used part
// (the marking loops check, in line, with inarena).
static inline MSpan *spanof(uintptr p)
{
	MHeap *h = &rt_mheap;
	MSpan *s = h->spans[(p - (uintptr)h->arena_start) >> PageShift];

	if (s == NULL || s->state != MSpanInUse || p < s->start << PageShift)
		return NULL;
	return s;
}

// slotat returns the object holding arena address p and its span, or 0
// when p is not inside an allocated heap object.
static inline uintptr slotat(uintptr p, MSpan **sp)
{
	MSpan *s = spanof(p);

	if (s == NULL)
		return 0;
	*sp = s;
	return slotin(s, s->start << PageShift, p);
}

// spanat is slotat's span lookup for a marking worker: the span of the
// last pointer it followed, when p lies in it too (the page map and the
// span's state are then not read again: nothing changes them while the
// world is stopped), else the page map's, remembered.  NULL when p is
// in no span of objects.  binarytrees marks a fifth faster on one P.
static inline __attribute__((always_inline)) MSpan *spanat(Scan *sc, uintptr p)
{
	MSpan *s;

	if (p - sc->sbase < sc->slen)
		return sc->span;
	if ((s = spanof(p)) == NULL)
		return NULL;
	sc->span = s;
	sc->sbase = s->start << PageShift;
	sc->slen = s->npages << PageShift;
	return s;
}

// objectat is slotat for any address p.  Outside a stopped world, p's
// span must be swept (settle): a sweep rewrites what slotat reads.
static inline uintptr objectat(uintptr p, MSpan **sp)
{
	MHeap *h = &rt_mheap;

	if (!inarena(p, (uintptr)h->arena_start, (uintptr)(h->arena_used - h->arena_start)))
		return 0;
	return slotat(p, sp);
}

// greyobj marks the object arena address p points into, if any, and
// queues it for scanning unless it is noscan.  The marking loops run on
// a thread's own stack (g0's, a helper's), never on a goroutine's
// segments: NOSPLIT saves each call the stack check (34 to 32.5 ms on
// the same mark).
static inline __attribute__((always_inline)) void greyobj(Worker *w, Scan *sc, uintptr p)
{
	MSpan *s = spanat(sc, p);
	uintptr obj;

	if (s == NULL || (obj = slotin(s, sc->sbase, p)) == 0 ||
	    !setmark(w, sc, (obj - sc->lo) / PTRSIZE))
		return;
	sc->marked += s->elemsize;
	if (!(s->spanclass & 1)) {
		__builtin_prefetch((void *)obj);
		push(sc, obj);
	}
}

// scanbits greys what the words of v that bits names point to.
static inline __attribute__((always_inline)) void scanbits(Worker *w, Scan *sc, const uintptr *v, uint32 bits)
{
	for (; bits != 0; bits &= bits - 1) {
		uintptr p = v[__builtin_ctz(bits)];

		if (inarena(p, sc->lo, sc->len))
			greyobj(w, sc, p);
	}
}

// scanobj reads the words of obj that its pointer bits name, a bitmap
// byte (eight words) at a time.  An object whose bits all lie in one
// byte (every slot of 1, 2, 4 or 8 words, and on 64-bit targets the
// 48-byte slots that start in a byte's first half) takes one read of it
// and no loop around it: marking 6 million tree nodes (bench-gcmark,
// medians of 6 alternating runs of the shortest of 40) on one CPU took
// 52.4 ms before, 47.3 after.  Of the last two referents it greys, the one
// nearer to obj in memory ends on top of the work buffer, to be
// scanned next: a structure is usually laid out in the order it was
// built, and a walk that follows the layout runs ahead of cache misses (a
// tree built bottom-up has each node just above its right child, one
// built top-down just below its left child).  gcbench, which builds both,
// pauses less than half as long as when the right child always went first.
static inline __attribute__((always_inline)) void scanobj(Worker *w, Scan *sc, uintptr obj)
{
	MSpan *s = spanat(sc, obj);
	uintptr n = s->elemsize / PTRSIZE, word = (obj - sc->lo) / PTRSIZE, i = 0;
	const uintptr *v = (const uintptr *)obj;
	Workbuf *b = sc->b;
	uintptr n0 = sc->n;

	if (word % 8 + n <= 8) {
		scanbits(w, sc, v, sc->ptrbits[word / 8] >> (word % 8) & ((1u << n) - 1));
	} else {
		while (i < n) {
			uintptr wi = word + i, k = 8 - wi % 8;
			uint32 bits = sc->ptrbits[wi / 8] >> (wi % 8);

			if (k > n - i) {        // the object ends in this byte
				k = n - i;
				bits &= (1u << k) - 1;
			}
			scanbits(w, sc, v + i, bits);
			i += k;
		}
	}
	if (sc->b == b && sc->n >= n0 + 2) {
		uintptr *top = &b->obj[sc->n - 1];
		uintptr a = top[0], c = top[-1];

		if ((c > obj ? c - obj : obj - c) < (a > obj ? a - obj : obj - a)) {
			top[0] = c;
			top[-1] = a;
		}
	}
}

// scanrange reads every word in [lo, hi) as a possible pointer.  Stacks
// hold dead words memcheck calls undefined; under valgrind each word read
// is declared defined, as the collector means it (whatever it holds is a
// possible pointer), so that an undefined word that happens to point into
// the heap is not reported again wherever the object it names is scanned.
static NOINLINE NOSPLIT void scanrange(Worker *w, uintptr lo, uintptr hi)
{
	Scan sc = scanbegin(w);
	uintptr *p, v;

	lo = (lo + PTRSIZE - 1) & ~(uintptr)(PTRSIZE - 1);
	for (p = (uintptr *)lo; (uintptr)(p + 1) <= hi; p++) {
		v = *p;
		if (rt_valgrind_on)
			v = rt_valgrind_defined(v);
		if (inarena(v, sc.lo, sc.len))
			greyobj(w, &sc, v);
	}
	scanend(w, &sc);
}

// greyone greys the object p points into, outside the marking loops.
static NOINLINE void greyone(Worker *w, uintptr p)
{
	Scan sc = scanbegin(w);

	if (inarena(p, sc.lo, sc.len))
		greyobj(w, &sc, p);
	scanend(w, &sc);
}

// scanone scans obj, outside the marking loops.
static NOINLINE void scanone(Worker *w, uintptr obj)
{
	Scan sc = scanbegin(w);

	scanobj(w, &sc, obj);
	scanend(w, &sc);
}

// scang scans a goroutine's stack: from its saved sp to the top of that
// segment, then each older segment from below the frame where the split
// to the next one was made.
static void scang(Worker *w, G *g)
{
	uint32 status = rt_load32(&g->status);
	uintptr sp;
	Segment *s, *parent;

	// A goroutine that has not yet run has no stack: its function and
	// argument are in its G, which is a heap object like any other.
	if (status == Gdead || status == Gidle || g->stack == NULL)
		return;
	sp = status == Gsyscall ? g->syscallsp : g->sched.sp;
	s = rt_stack_find(g->stack, sp);
	if (s == NULL)
		rt_throw("collector: a goroutine's stack pointer is outside its stack");
	scanrange(w, sp, (uintptr)s + s->size);
	for (; (parent = s->prev) != NULL; s = parent) {
		uintptr lo = s->oldsp - MorestackSaved;

		if (lo < (uintptr)parent + SegHeader)
			lo = (uintptr)parent + SegHeader;
		scanrange(w, lo, (uintptr)parent + parent->size);
	}
}

// drain scans grey objects until no worker has any left.  It is made
// twice, for a worker alone and for one of several (drainas): with
// sc.alone a constant, each copy has one way of setting a mark bit and
// the register the flag took.
static inline __attribute__((always_inline)) void drainas(Worker *w, bool alone)
{
	for (;;) {
		Scan sc = scanbegin(w);

		sc.alone = alone;
		while (sc.n > 0) {
			scanobj(w, &sc, sc.b->obj[--sc.n]);
			if (++sc.scanned % 64 == 0 && sc.n > 8 &&
			    rt_load32(&work.nwait) > 0 &&
			    rt_loadp((uintptr *)&work.full) == 0)
				sc.n = share(sc.b, sc.n);
		}
		scanend(w, &sc);
		putbuf(&work.empty, w->wbuf);
		flushmarks(w);
		w->wbuf = getfull();
		if (w->wbuf == NULL)
			return;
	}
}

static NOINLINE NOSPLIT void drainalone(Worker *w)
{
	drainas(w, true);
}

static NOINLINE NOSPLIT void drainshared(Worker *w)
{
	drainas(w, false);
}

static NOSPLIT void drain(Worker *w)
{
	if (work.nproc == 1)
		drainalone(w);
	else
		drainshared(w);
}

// markworker takes root jobs until none is left, then drains.
static void markworker(Worker *w)
{
	uint32 nroots = work.nranges + work.ngs, j;

	w->wbuf = getempty();
	while ((j = rt_xadd32(&work.nextroot, 1) - 1) < nroots) {
		if (j < work.nranges)
			scanrange(w, work.ranges[j].lo, work.ranges[j].hi);
		else
			scang(w, work.gs[j - work.nranges]);
	}
	drain(w);
}

static void *gchelper(void *arg)
{
	uint32 i = (uint32)(uintptr)arg;

	rt_minit();
	for (;;) {
		rt_notesleep(&work.helpernote[i]);
		rt_noteclear(&work.helpernote[i]);
		markworker(&work.workers[i]);
		if (rt_xadd32(&work.ndone, 1) == work.nproc - 1)
			rt_notewakeup(&work.donenote);
	}
	return NULL;
}

static void addrange(uintptr lo, uintptr hi)
{
	if (hi <= lo)
		return;
	if (work.nranges == work.capranges) {
		uint32 cap = work.capranges ? 2 * work.capranges : 64;

		work.ranges = sysgrow(work.ranges, work.capranges * sizeof(Root), cap * sizeof(Root));
		work.capranges = cap;
	}
	work.ranges[work.nranges++] = (Root){lo, hi};
}

// phdrroot adds the writable segments (data, bss) of a loaded object.
static int phdrroot(struct dl_phdr_info *info, size_t size, void *arg)
{
	uint32 i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W))
			addrange(info->dlpi_addr + ph->p_vaddr,
				info->dlpi_addr + ph->p_vaddr + ph->p_memsz);
	}
	return 0;
}

static struct {                 // finalizers queued to run: a root
	uintptr *q;             // pairs: fn, obj
	uintptr head, n, cap;   // in pairs
} finq;

static void findroots(void)
{
	G *g;
	M *m;

	work.nranges = 0;
	work.ngs = 0;
	dl_iterate_phdr(phdrroot, NULL);
	if (mainstacklo != 0)
		addrange(mainstacklo, (uintptr)__libc_stack_end);
	for (m = rt_sched.allm; m != NULL; m = m->alllink)
		addrange((uintptr)m, (uintptr)(m + 1));
	if (finq.q != NULL)
		addrange((uintptr)(finq.q + 2 * finq.head),
			(uintptr)(finq.q + 2 * (finq.head + finq.n)));
	for (g = rt_sched.allg; g != NULL; g = g->alllink) {
		if (work.ngs == work.capgs) {
			uint32 cap = work.capgs ? 2 * work.capgs : 256;

			work.gs = sysgrow(work.gs, work.capgs * sizeof(G *), cap * sizeof(G *));
			work.capgs = cap;
		}
		work.gs[work.ngs++] = g;
	}
}

// mark runs the mark on nproc workers: this thread and nproc-1 helpers.
static uint64 mark(uint32 nproc)
{
	uint64 marked = 0;
	uint32 i;

	findroots();
	work.nproc = nproc;
	work.nwait = 0;
	work.nextroot = 0;
	work.ndone = 0;
	rt_noteclear(&work.donenote);
	for (i = 0; i < nproc; i++) {
		work.workers[i].marked = 0;
		work.workers[i].scanned = 0;
	}
	for (i = 1; i < nproc; i++) {
		if (i > work.nhelpers) {
			rt_startthread(gchelper, (void *)(uintptr)i, "cannot create a collector thread");
			work.nhelpers = i;
		}
		rt_notewakeup(&work.helpernote[i]);
	}
	markworker(&work.workers[0]);
	if (nproc > 1)
		rt_notesleep(&work.donenote);
	for (i = 0; i < nproc; i++)
		marked += work.workers[i].marked;
	return marked;
}

// ---- finalizers ----
//
// The table of finalizers (an open-addressed hash from object to
// function) lives in OS memory the collector does not read: it must not
// keep its objects alive.  Once an object is found unreachable, its
// finalizer moves to finq, which is a root, and the finalizer goroutine
// runs it; the object lives until a later collection finds it unreachable
// again.

typedef struct Finalizer {
	uintptr obj;            // 0: empty; Tombstone: deleted
	void    (*fn)(void *);
} Finalizer;

enum { Tombstone = 1 };

static struct {
	Lock    lock;           // the table and finq
	Finalizer *tab;
	uintptr cap, n, used;   // slots, live entries, slots not empty
} fins;

static G *fing;                 // the finalizer goroutine
static bool fingwait;           // parked, waiting for work

static uintptr finhash(uintptr obj, uintptr cap)
{
	return (obj / PTRSIZE * 2654435761u) & (cap - 1);
}

// finslot returns the slot of obj, or the empty slot where it would go.
static Finalizer *finslot(uintptr obj)
{
	uintptr i = finhash(obj, fins.cap);
	Finalizer *tomb = NULL;

	for (;; i = (i + 1) & (fins.cap - 1)) {
		Finalizer *f = &fins.tab[i];

		if (f->obj == obj)
			return f;
		if (f->obj == Tombstone && tomb == NULL)
			tomb = f;
		if (f->obj == 0)
			return tomb != NULL ? tomb : f;
	}
}

static void fingrow(void)
{
	Finalizer *old = fins.tab;
	uintptr oldcap = fins.cap, i;

	fins.cap = oldcap ? 2 * oldcap : 64;
	fins.tab = sysgrow(NULL, 0, fins.cap * sizeof(Finalizer));
	fins.used = fins.n;
	for (i = 0; i < oldcap; i++)
		if (old[i].obj > Tombstone)
			*finslot(old[i].obj) = old[i];
	if (old != NULL)
		rt_sys_free(old, oldcap * sizeof(Finalizer));
}

// runone runs the first queued finalizer; false if there is none (and
// fins.lock is then held).  A function of its own, so that once it has
// returned no frame of the finalizer goroutine holds the object.
static NOINLINE bool runone(void)
{
	uintptr fn, obj;

	rt_lock(&fins.lock);
	if (finq.n == 0)
		return false;
	fn = finq.q[2 * finq.head];
	obj = finq.q[2 * finq.head + 1];
	finq.q[2 * finq.head] = finq.q[2 * finq.head + 1] = 0;
	finq.head++;
	if (--finq.n == 0)
		finq.head = 0;
	rt_unlock(&fins.lock);
	((void (*)(void *))fn)((void *)obj);
	return true;
}

static void runfinq(void *arg)
{
	for (;;) {
		if (!runone()) {
			fingwait = true;
			rt_park("finalizer wait", &fins.lock);
		}
	}
}

static void sweepspan(MSpan *s);

// settle waits until the span holding p (if any) is swept, sweeping it
// itself if nobody has: a sweep rewrites the span's alloc bits and resets
// its freeindex, and objectat, outside a stopped world, must not read
// them half done.
static void settle(uintptr p)
{
	MSpan *s = rt_mheap_lookup((void *)p);
	uint32 sg = rt_load32(&rt_mheap.sweepgen), v;

	if (s == NULL || s->state != MSpanInUse)
		return;
	while ((v = rt_load32(&s->sweepgen)) != sg) {
		if (v == sg - 2 && rt_cas32(&s->sweepgen, sg - 2, sg - 1))
			sweepspan(s);
		else
			rt_sched_yield();       // another thread is sweeping it
	}
}

// rt_setfinalizer sets (fn != NULL) or clears the finalizer of the heap
// object that starts at obj.
void rt_setfinalizer(void *obj, void (*fn)(void *))
{
	MSpan *s;
	Finalizer *f;
	bool start = false;

	settle((uintptr)obj);
	if (objectat((uintptr)obj, &s) != (uintptr)obj)
		rt_panic("gort_setfinalizer: pointer not at the beginning of an allocated object");
	rt_lock(&fins.lock);
	if (fn != NULL && fing == NULL) {
		fing = (G *)1;  // claimed: started below, outside the lock
		start = true;
	}
	if (fins.used + 1 > fins.cap / 2)
		fingrow();
	f = finslot((uintptr)obj);
	if (fn != NULL) {
		if (f->obj != (uintptr)obj) {
			if (f->obj == 0)
				fins.used++;
			fins.n++;
		}
		f->obj = (uintptr)obj;
		f->fn = fn;
	} else if (f->obj == (uintptr)obj) {
		f->obj = Tombstone;
		f->fn = NULL;
		fins.n--;
	}
	rt_unlock(&fins.lock);
	if (start) {
		G *g = rt_newproc(runfinq, NULL);

		g->system = true;
		rt_xadd32(&rt_sched.ngoroutines, -1);
		fing = g;
	}
}

static void queuefin(uintptr obj, void (*fn)(void *))
{
	if (finq.head + finq.n == finq.cap) {
		uintptr cap = finq.n * 2 > 64 ? finq.n * 2 : 64;
		uintptr *q = sysgrow(NULL, 0, cap * 2 * sizeof(uintptr));

		if (finq.q != NULL) {
			memmove(q, finq.q + 2 * finq.head, finq.n * 2 * sizeof(uintptr));
			rt_sys_free(finq.q, finq.cap * 2 * sizeof(uintptr));
		}
		finq.q = q;
		finq.cap = cap;
		finq.head = 0;
	}
	finq.q[2 * (finq.head + finq.n)] = (uintptr)fn;
	finq.q[2 * (finq.head + finq.n) + 1] = obj;
	finq.n++;
}

// finalize: the world is stopped and marked.  Objects with finalizers
// that were not reached keep what they point to (finalized later, after
// them), are resurrected and queued.
static uint64 finalize(void)
{
	Worker *w = &work.workers[0];
	uintptr i;

	if (fins.n == 0)
		return 0;
	work.nproc = 1;         // drain alone: getfull ends when this one waits
	work.nwait = 0;
	w->marked = 0;
	w->wbuf = getempty();
	for (i = 0; i < fins.cap; i++)
		if (fins.tab[i].obj > Tombstone && !testmark(rt_heapword(fins.tab[i].obj)))
			scanone(w, fins.tab[i].obj);
	drain(w);
	work.nwait = 0;
	w->wbuf = getempty();
	for (i = 0; i < fins.cap; i++) {
		Finalizer *f = &fins.tab[i];

		if (f->obj <= Tombstone || testmark(rt_heapword(f->obj)))
			continue;
		greyone(w, f->obj);
		queuefin(f->obj, f->fn);
		f->obj = Tombstone;
		f->fn = NULL;
		fins.n--;
	}
	drain(w);
	return w->marked;
}

// rt_ismarked: with the world stopped, or p's span swept.
bool rt_ismarked(void *p)
{
	MSpan *s;
	uintptr obj = objectat((uintptr)p, &s);

	return obj != 0 && testmark(rt_heapword(obj));
}

// ---- sweeping ----

static struct {
	uintptr cursor;         // next arena page to look at (atomic)
	uint32  active;         // sweepers at work (atomic)
	uint32  sleeping;       // the background sweeper is on note (CAS 1 -> 0 wakes)
	Note    note;
	uint32  started;
	int64   ns;             // time the background sweeper spent
} sweep;

static void clearmarks(MSpan *s)
{
	MHeap *h = &rt_mheap;
	uintptr w0 = rt_heapword((uintptr)rt_spanbase(s)), n = (s->npages << PageShift) / PTRSIZE;

	rt_memclr(h->bitmap + h->bitmapsize + w0 / 8, n / 8);
}

// Sweepers count what they free in two atomic words, without a lock; the
// collector folds them into rt_gcstats (under statslock) at each
// collection, and readers add what is pending (rt_gcstats_freed).
static uintptr pendingfreed, pendingbytes;

static void countfreed(uintptr n, uintptr bytes)
{
	if (n == 0)
		return;
	rt_xaddp(&pendingfreed, (intptr)n);
	rt_xaddp(&pendingbytes, (intptr)bytes);
}

static void foldfreed(void)     // statslock held
{
	uintptr n = rt_loadp(&pendingfreed), b = rt_loadp(&pendingbytes);

	rt_xaddp(&pendingfreed, -(intptr)n);
	rt_xaddp(&pendingbytes, -(intptr)b);
	rt_gcstats.nfreed += n;
	rt_gcstats.freedbytes += b;
}

// rt_gcstats_freed: objects and bytes the sweepers have freed so far.
void rt_gcstats_freed(uint64 *n, uint64 *bytes)
{
	rt_lock(&statslock);
	*n = rt_gcstats.nfreed + rt_loadp(&pendingfreed);
	*bytes = rt_gcstats.freedbytes + rt_loadp(&pendingbytes);
	rt_unlock(&statslock);
}

// packmarks gathers the mark bits of the slots in one 32-bit mark word
// when a slot is k words (k = 1, 2, 4, 8): every k-th bit, packed into
// the low 32 / k bits, by halving the gaps between them.
static inline uint32 packmarks(uint32 x, uintptr k)
{
	switch (k) {
	case 2:
		x &= 0x55555555;
		x = (x | x >> 1) & 0x33333333;
		x = (x | x >> 2) & 0x0f0f0f0f;
		x = (x | x >> 4) & 0x00ff00ff;
		return (x | x >> 8) & 0x0000ffff;
	case 4:
		x &= 0x11111111;
		x = (x | x >> 3) & 0x03030303;
		x = (x | x >> 6) & 0x000f000f;
		return (x | x >> 12) & 0x000000ff;
	case 8:
		x &= 0x01010101;
		x = (x | x >> 7) & 0x00030003;
		return (x | x >> 14) & 0x0000000f;
	}
	return x;
}

// takemarks makes a small span's mark bits its alloc bits: bit i of
// allocbits for each marked slot i, and returns how many.  Marks sit on
// slots' first words.  For slots of 1, 2, 4 or 8 words (the small
// objects, which are most of them) every mark word packs into the next
// 32, 16, 8 or 4 alloc bits; for the other sizes it visits the marked
// slots of each mark word, and a span of dead objects costs a few loads
// per page.  Bits are gathered in a register and stored a word at a time.
static uint32 takemarks(MSpan *s)
{
	uintptr base = (uintptr)rt_spanbase(s), k = s->elemsize / PTRSIZE, j, nw;
	uint32 *mw = markword(rt_heapword(base)), live = 0;
	uint64 *ab = s->allocbits, acc = 0;
	uintptr at = 0;                         // the word of ab that acc holds

	nw = (s->npages << PageShift) / PTRSIZE / 32;   // spans start on a mark word
	if (k == 1 || k == 2 || k == 4 || k == 8) {
		uint32 per = (uint32)(32 / k), fill = 0;

		for (j = 0; j < nw; j++) {
			acc |= (uint64)packmarks(mw[j], k) << fill;
			fill += per;
			if (fill == 64) {
				live += (uint32)__builtin_popcountll(acc);
				ab[at++] = acc;
				acc = 0;
				fill = 0;
			}
		}
		if (fill != 0) {
			live += (uint32)__builtin_popcountll(acc);
			ab[at] = acc;
		}
		return live;
	}
	rt_memclr(ab, (s->nelems + 63) / 64 * sizeof(uint64));
	for (j = 0; j < nw; j++) {
		uint32 m = mw[j];

		for (; m != 0; m &= m - 1) {
			uintptr w = j * 32 + (uintptr)__builtin_ctz(m);
			uintptr idx = rt_span_slot(s, w * PTRSIZE);

			if (idx / 64 != at) {
				ab[at] = acc;
				at = idx / 64;
				acc = 0;
			}
			acc |= (uint64)1 << (idx % 64);
			live++;
		}
	}
	ab[at] |= acc;
	return live;
}

// rt_sweepsmall frees what the last mark did not reach in small span s,
// which the caller owns (sweepgen h-1) and has taken off its list.  Its
// marks become its alloc bits, and allocation starts over from the first
// word of them with a free slot, skipping the live ones; the dead slots
// are not touched here (allocation zeroes a slot and writes its pointer
// bits when it hands it out again).  Leaves s swept (sweepgen h) and
// returns its live slots.
//
// The slots below freeindex are taken whatever their alloc bits say
// (rt_span_taken), so that a full span, or the full start of one, costs
// the next mark no load of alloc bits for the pointers into it: a
// long-lived tree's nodes sit in full spans, and marking 6 million of
// them (bench-gcmark, medians of 6 alternating runs) went from 47.3 to
// 46.2 ms on one CPU, from 35.6 to 32.9 on two.
uint32 rt_sweepsmall(MSpan *s)
{
	uint32 live = takemarks(s), i = 0;

	clearmarks(s);
	countfreed(s->nalloc - live, (uintptr)(s->nalloc - live) * s->elemsize);
	if (live < s->nalloc)
		s->needzero = 1;
	s->nalloc = live;
	if (live == s->nelems)
		i = s->nelems;
	while (i < s->nelems && s->allocbits[i / 64] == ~(uint64)0)
		i += 64;
	s->freeindex = i < s->nelems ? i : s->nelems;
	s->alloccache = i < s->nelems ? ~s->allocbits[i / 64] : 0;
	rt_store32(&s->sweepgen, rt_mheap.sweepgen);
	return live;
}

// sweepspan sweeps a span the background sweeper (or the collector)
// claimed: a large one is freed if unmarked; a small one goes back on its
// MCentral's list, or to the heap when nothing in it lives.
static void sweepspan(MSpan *s)
{
	MHeap *h = &rt_mheap;
	MCentral *c;

	if (s->spanclass >> 1 == 0) {           // a large object
		if (testmark(rt_heapword((uintptr)rt_spanbase(s)))) {
			clearmarks(s);
			rt_store32(&s->sweepgen, h->sweepgen);
			return;
		}
		countfreed(1, s->elemsize);
		rt_store32(&s->sweepgen, h->sweepgen);
		rt_mheap_free(s);
		return;
	}
	c = &h->central[s->spanclass];
	rt_lock(&c->lock);
	rt_spanlist_remove(s);
	rt_unlock(&c->lock);
	if (rt_sweepsmall(s) == 0) {            // nothing lives here
		rt_mheap_free(s);
		return;
	}
	rt_mcentral_putspan(c, s);
}

// rt_sweepone sweeps the span at the cursor, if it needs it; false once
// the cursor has passed the arena.
bool rt_sweepone(void)
{
	MHeap *h = &rt_mheap;
	uintptr i = rt_xaddp(&sweep.cursor, 1) - 1, npages;
	uint32 sg = rt_load32(&h->sweepgen);
	MSpan *s;

	npages = (uintptr)(h->arena_used - h->arena_start) >> PageShift;
	if (i >= npages)
		return false;
	s = h->spans[i];
	if (s == NULL || s->start != ((uintptr)h->arena_start >> PageShift) + i ||
	    s->state != MSpanInUse)
		return true;
	rt_fence();             // state before sweepgen: see rt_mheap_alloc
	if (rt_load32(&s->sweepgen) == sg - 2 && rt_cas32(&s->sweepgen, sg - 2, sg - 1))
		sweepspan(s);
	return true;
}

// bgsweep sweeps until the cursor passes the arena or the world stops,
// then sleeps until the end of the next collection wakes it.  It must not
// spin while the world is stopped: the collector needs the CPU, and under
// valgrind, which runs one thread at a time, a spinning sweeper starved
// the collector for minutes.  sleeping goes to 1 before the checks, with
// a full barrier (xchg), so a collection that ends after a check saw the
// world stopped finds it 1 and wakes this thread.
static void *bgsweep(void *arg)
{
	rt_minit();
	for (;;) {
		int64 t0;

		rt_noteclear(&sweep.note);
		rt_xchg32(&sweep.sleeping, 1);
		if (rt_load32(&rt_sched.gcwaiting) != 0 ||
		    rt_loadp(&sweep.cursor) >= (uintptr)(rt_mheap.arena_used - rt_mheap.arena_start) >> PageShift ||
		    !rt_cas32(&sweep.sleeping, 1, 0))
			rt_notesleep(&sweep.note);      // nothing to do now, or woken meanwhile
		t0 = rt_nanotime();
		for (;;) {
			bool more;

			rt_xadd32(&sweep.active, 1);
			more = rt_load32(&rt_sched.gcwaiting) == 0 && rt_sweepone();
			rt_xadd32(&sweep.active, -1);
			if (!more)
				break;
		}
		sweep.ns += rt_nanotime() - t0;
	}
	return NULL;
}

// finishsweep: the world is stopped; sweep what the last cycle left.
static void finishsweep(void)
{
	while (rt_load32(&sweep.active) != 0)
		rt_sched_yield();       // the sweeper needs the CPU to stop
	while (rt_sweepone())
		;
}

// ---- a collection ----

static void gctrace(int64 start, uint64 before, uint64 live, int64 pause,
	int64 marktime, int64 sweeptime, uint32 nproc)
{
	rt_prints("gc ");
	rt_printuint(rt_gcstats.ngc);
	rt_prints(" @");
	rt_printuint((uint64)(start - rt_sched.starttime) / 1000000);
	rt_prints("ms: ");
	rt_printuint(before >> 10);
	rt_prints("->");
	rt_printuint(live >> 10);
	rt_prints(" KB live, goal ");
	rt_printuint(rt_mheap.nextgc >> 10);
	rt_prints(" KB; pause ");
	rt_printuint((uint64)pause / 1000);
	rt_prints(" us (mark ");
	rt_printuint((uint64)marktime / 1000);
	rt_prints(" us, sweep ");
	rt_printuint((uint64)sweeptime / 1000);
	rt_prints(" us); ");
	rt_printuint(nproc);
	rt_prints(" P marking\n");
}

// pollgoal sets GcPollGoal from heaplive and nextgc as they are, after
// either changed otherwise than by growing.
static void pollgoal(void)
{
	rt_and32(&rt_gcpoll.bits, ~(uint32)GcPollGoal);
	rt_gcheapgrew(rt_mheap.heaplive);
}

static void collect(void)
{
	MHeap *h = &rt_mheap;
	int64 t0, t1, t2, t3, t4, bgsweep_ns;
	uint64 before = h->heaplive, live;
	uint32 nproc = rt_sched.nprocs;
	uintptr goal, roots;
	uint32 i;

	// Helpers pay off only when there is much to mark (what the last
	// collection found live; the whole heap at the first), and never
	// beyond the CPUs: waking them, and marking by atomic OR,
	// cost more than a second thread gives on a small live heap.
	if (nproc > (uint32)rt_ncpu())
		nproc = (uint32)rt_ncpu();
	if (nproc > GcMaxProcs)
		nproc = GcMaxProcs;
	if ((rt_gcstats.ngc > 0 ? rt_gcstats.lastlive : before) < GcParallelMin)
		nproc = 1;

	t0 = rt_nanotime();
	rt_stoptheworld();
	t1 = rt_nanotime();
	finishsweep();
	rt_mcache_flushall();
	rt_clear_deferpools();
	t2 = rt_nanotime();
	live = mark(nproc);
	live += finalize();
	t3 = rt_nanotime();
	// The goal leaves room in proportion to all the collector scans,
	// the live heap and the roots (the ranges and the goroutine stacks),
	// as Go's pacer has since Go 1.18.
	roots = (uintptr)h->pagesstack << PageShift;
	for (i = 0; i < work.nranges; i++)
		roots += work.ranges[i].hi - work.ranges[i].lo;
	goal = (uintptr)(live + (live + roots) * (uint64)rt_knobs.gcpercent / 100);
	h->nextgc = goal > GcMinGoal ? goal : GcMinGoal;
	h->heaplive = (uintptr)live;
	pollgoal();                     // GORT_GC=0: the goal is the live heap
	sweep.cursor = 0;
	rt_store32(&h->sweepgen, h->sweepgen + 2);
	rt_starttheworld();
	t4 = rt_nanotime();
	rt_lock(&statslock);
	foldfreed();
	rt_gcstats.ngc++;
	rt_gcstats.lastlive = live;
	rt_gcstats.lastnproc = nproc;
	rt_gcstats.lastpause = t4 - t0;
	rt_gcstats.totalpause += t4 - t0;
	if (t4 - t0 > rt_gcstats.maxpause)
		rt_gcstats.maxpause = t4 - t0;
	rt_unlock(&statslock);
	bgsweep_ns = sweep.ns;
	sweep.ns = 0;
	if (rt_knobs.gctrace)
		gctrace(t0, before, live, t4 - t0, t3 - t2, t2 - t1 + bgsweep_ns, nproc);
	rt_mheap_scavenge(ScavengeAged);        // spans free since a cycle ago
	if (!sweep.started) {
		sweep.started = 1;
		rt_startthread(bgsweep, NULL, "cannot create the sweeper thread");
	}
	if (rt_cas32(&sweep.sleeping, 1, 0))
		rt_notewakeup(&sweep.note);
}

static Gobuf *gc0(void *arg)
{
	G *g = arg;
	bool wake;

	g->status = Gwaiting;
	g->waitreason = "garbage collection";
	collect();
	rt_lock(&fins.lock);
	wake = fingwait && finq.n > 0;
	if (wake)
		fingwait = false;
	rt_unlock(&fins.lock);
	if (wake)
		rt_ready(fing, NULL);
	g->waitreason = NULL;
	g->status = Grunning;
	rt_store32(&gcrunning, 0);
	return rt_mcallresume(&g->sched);
}

// rt_gc collects now (force) or if the heap has reached its goal.  From
// a goroutine holding no runtime lock; if another collection is under
// way, the caller only stops for it.
void rt_gc(bool force)
{
	G *g = rt_getg();

	if (g == NULL || rt_m->p == NULL || g->status != Grunning)
		return;
	if (!rt_cas32(&gcrunning, 0, 1)) {
		rt_safepoint();
		return;
	}
	if (!force && rt_mheap.heaplive < rt_mheap.nextgc) {
		rt_store32(&gcrunning, 0);
		return;
	}
	rt_mcall(&g->sched, rt_m->g0top, gc0, g);
}

// rt_gcheapgrew raises GcPollGoal once heaplive, just grown to the value
// given, has reached the goal.  Called where heaplive grows: an MCache
// taking a span, a large object.
void rt_gcheapgrew(uintptr heaplive)
{
	if (rt_knobs.gcpercent >= 0 && heaplive >= rt_mheap.nextgc &&
	    (rt_load32(&rt_gcpoll.bits) & GcPollGoal) == 0)
		rt_or32(&rt_gcpoll.bits, GcPollGoal);
}

// rt_gcknobs sets rt_gcpoll's bits for gcstress and the goal from the
// knobs and the heap as they are: at start (the runtime's allocations
// before then saw a goal of 0), and when a test changes the knobs.
void rt_gcknobs(void)
{
	if (rt_knobs.gcstress > 0)
		rt_or32(&rt_gcpoll.bits, GcPollStress);
	else
		rt_and32(&rt_gcpoll.bits, ~(uint32)GcPollStress);
	pollgoal();
}

// rt_gcmaybeslow: the part of rt_gcmaybe (mgc.h) out of line.
void rt_gcmaybeslow(void)
{
	static uint32 nalloc;

	rt_safepoint();
	if (rt_knobs.gcstress > 0) {
		if (rt_xadd32(&nalloc, 1) % (uint32)rt_knobs.gcstress == 0)
			rt_gc(true);
		return;
	}
	if (rt_knobs.gcpercent >= 0 && rt_mheap.heaplive >= rt_mheap.nextgc)
		rt_gc(false);
}

void rt_gcinit(void)
{
	rt_mheap.nextgc = GcMinGoal;
	rt_gcknobs();
	mainstacklo = rt_getsp();
}

// ---- the public API (gort.h) ----

void gort_gc(void)
{
	if (rt_getg() == NULL)
		rt_throw("gort_gc outside a goroutine (call gort_run first)");
	rt_gc(true);
}

void gort_setfinalizer(void *obj, void (*fn)(void *))
{
	rt_setfinalizer(obj, fn);
}

void gort_read_gcstats(gort_gcstats *st)
{
	rt_lock(&statslock);
	st->numgc = rt_gcstats.ngc;
	st->pause_total_ns = (uint64)rt_gcstats.totalpause;
	st->pause_max_ns = (uint64)rt_gcstats.maxpause;
	st->last_live = rt_gcstats.lastlive;
	foldfreed();
	st->freed = rt_gcstats.nfreed;
	st->freed_bytes = rt_gcstats.freedbytes;
	rt_unlock(&statslock);
	st->next_gc = rt_mheap.nextgc;
}
