// panic.c: defer records and their pools, panic, recover, Goexit.  See
// panic.h for the design and docs/defer.md for the tour.
#include <string.h>

#include "runtime.h"
#include "asm.h"
#include "atomic.h"
#include "malloc.h"
#include "panic.h"
#include "proc.h"
#include "stack.h"
#include "gort.h"
#include "gort/abi.h"

enum {
	PanicDebug  = 0,
	DeferHeader = (sizeof(Defer) + 15) & ~15,       // arguments 16-aligned
};

_Static_assert(sizeof(gort_frame) >= FRAME_CTX_SIZE, "gort_frame too small for FRAME_CTX_SIZE");
_Static_assert(sizeof(Defer) <= sizeof(gort_defer), "gort_defer too small for a Defer");

// ---- records and pools ----

// The global pool: what the Ps' lists spill, by class.
static struct {
	Lock    lock;
	Defer   *free[DeferClasses];
} pool;

uint32 rt_deferclass(uintptr siz)
{
	return (uint32)((siz + 15) >> 4);
}

uintptr rt_defersize(uintptr siz)
{
	return DeferHeader + ((siz + PTRSIZE - 1) & ~(uintptr)(PTRSIZE - 1));
}

// rt_deferpool_check proves that every argument size of a pool class
// rounds to the same malloc size class, so one record serves the class.
void rt_deferpool_check(void)
{
	int32 map[DeferClasses];
	uint32 c, sc;
	uintptr siz;

	for (c = 0; c < DeferClasses; c++)
		map[c] = -1;
	for (siz = 0; (c = rt_deferclass(siz)) < DeferClasses; siz++) {
		sc = rt_sizetoclass(rt_defersize(siz));
		if (map[c] < 0)
			map[c] = (int32)sc;
		if (map[c] != (int32)sc) {
			rt_prints("runtime: defer class ");
			rt_printuint(c);
			rt_prints(": argument size ");
			rt_printuint(siz);
			rt_prints(" needs malloc class ");
			rt_printuint(sc);
			rt_prints(", not ");
			rt_printint(map[c]);
			rt_printnl();
			rt_throw("bad defer size class");
		}
	}
}

// refill moves up to half a list of class c from the global pool to p.
static NOINLINE Defer *refill(P *p, uint32 c)
{
	Defer *d;
	uint32 n;

	if (rt_loadp((uintptr *)&pool.free[c]) == 0)
		return NULL;
	rt_lock(&pool.lock);
	for (n = 0; n < DeferLocalMax / 2 && (d = pool.free[c]) != NULL; n++) {
		pool.free[c] = d->link;
		d->link = p->deferpool[c];
		p->deferpool[c] = d;
	}
	rt_unlock(&pool.lock);
	p->deferpoolcnt[c] += n;
	return p->deferpool[c];
}

// spill moves half of p's list of class c to the global pool.
static NOINLINE void spill(P *p, uint32 c)
{
	Defer *first = p->deferpool[c], *last = first;
	uint32 n;

	for (n = 1; n < DeferLocalMax / 2; n++)
		last = last->link;
	p->deferpool[c] = last->link;
	p->deferpoolcnt[c] -= n;
	rt_lock(&pool.lock);
	last->link = pool.free[c];
	pool.free[c] = first;
	rt_unlock(&pool.lock);
}

// newdeferslow is newdefer when the P's list is empty: a refill from the
// global pool, or the heap.
static NOINLINE Defer *newdeferslow(P *p, uint32 c, uintptr siz)
{
	Defer *d;

	if (c >= DeferClasses) {
		d = rt_mallocgc(rt_defersize(siz), 0, NULL);
		d->kind = DeferHeap;
		return d;
	}
	if (p != NULL && (d = refill(p, c)) != NULL) {
		p->deferpool[c] = d->link;
		p->deferpoolcnt[c]--;
	} else {
		d = rt_mallocgc(rt_defersize(16 * c), 0, NULL);
	}
	d->kind = (uint8)c;
	return d;
}

// newdefer returns a record for siz bytes of arguments: from this P's
// pool of its class, else the global pool, else the heap.
static inline Defer *newdefer(uintptr siz)
{
	uint32 c = rt_deferclass(siz);
	P *p = rt_m->p;
	Defer *d;

	if (c < DeferClasses && p != NULL && (d = p->deferpool[c]) != NULL) {
		p->deferpool[c] = d->link;
		p->deferpoolcnt[c]--;
		d->kind = (uint8)c;
		return d;
	}
	return newdeferslow(p, c, siz);
}

// freedefer gives a record back to this P's pool (heap records go to the
// collector, a compiler's stay in its frame).
static void freedefer(Defer *d)
{
	uint32 c = d->kind;
	P *p = rt_m->p;

	if (c >= DeferClasses || p == NULL)
		return;
	d->link = p->deferpool[c];
	p->deferpool[c] = d;
	if (++p->deferpoolcnt[c] > DeferLocalMax)
		spill(p, c);
}

// rt_clear_deferpools empties every P's pools and the global one.  The
// collector calls it with the world stopped, before marking.
void rt_clear_deferpools(void)
{
	uint32 i, c;

	for (i = 0; i < rt_sched.nprocs; i++) {
		P *p = rt_sched.allp[i];

		for (c = 0; c < DeferClasses; c++) {
			p->deferpool[c] = NULL;
			p->deferpoolcnt[c] = 0;
		}
	}
	rt_lock(&pool.lock);
	for (c = 0; c < DeferClasses; c++)
		pool.free[c] = NULL;
	rt_unlock(&pool.lock);
}

// ---- defer ----

// curg is rt_getg without the call: the defer fast path is a few loads.
static inline G *curg(void)
{
	M *m = rt_m;

	return m != NULL ? m->curg : NULL;
}

static G *deferg(void)
{
	G *g = curg();

	if (g == NULL)
		rt_throw("defer outside a goroutine (call gort_run first)");
	return g;
}

static void pushdefer(G *g, Defer *d, gort_frame *f, void (*fn)(void *))
{
	d->frame = f;
	d->fn = fn;
	d->panic = NULL;
	d->started = false;
	d->link = g->defer;
	g->defer = d;
}

void gort_deferproc(gort_frame *f, void (*fn)(void *), const void *args, size_t size)
{
	G *g = deferg();
	Defer *d = newdefer(size);
	uintptr *to, i;

	d->siz = (uint32)size;
	d->args = (byte *)d + DeferHeader;
	if (size <= DeferMaxPooled && size % PTRSIZE == 0) {
		to = d->args;           // the common case: a few words, no call
		for (i = 0; i < size / PTRSIZE; i++)
			to[i] = ((const uintptr *)args)[i];
	} else {
		memcpy(d->args, args, size);
	}
	pushdefer(g, d, f, fn);
}

void gort_deferproc_stack(gort_frame *f, gort_defer *rec, void (*fn)(void *), void *args)
{
	Defer *d = (Defer *)rec;

	d->kind = DeferStack;
	d->siz = 0;
	d->args = args;
	pushdefer(deferg(), d, f, fn);
}

// gort_deferreturn runs the pending deferred calls of frame f, newest
// first.  Each record is off the list before its call, so a call that
// panics is not run again by the panic.
void gort_deferreturn(gort_frame *f)
{
	G *g = curg();
	Defer *d;

	if (g == NULL)
		return;
	while ((d = g->defer) != NULL && d->frame == f) {
		g->defer = d->link;
		d->fn(d->args);
		freedefer(d);
	}
}

// ---- panic ----

extern char __morestack[], rt_morestack_end[];

// calldefer runs d for p.  Its frame is where a recover checks that it was
// called by the deferred call itself: not inlined, never a sibling call.
static NOINLINE void calldefer(Panic *p, Defer *d)
{
	p->argp = (uintptr)__builtin_frame_address(0);
	d->fn(d->args);
	p->argp = 0;
}

// callerfp returns the frame record of the caller of the function whose
// record is fp, stepping over __morestack's if that function split.
static uintptr callerfp(uintptr fp)
{
	uintptr next = ((uintptr *)fp)[0], pc = ((uintptr *)fp)[1];

	if (pc >= (uintptr)__morestack && pc < (uintptr)rt_morestack_end && next != 0)
		next = ((uintptr *)next)[0];
	return next;
}

void *gort_recover_frame(void *fp)
{
	G *g = rt_getg();
	Panic *p = g != NULL ? g->panic : NULL;

	if (p == NULL || p->goexit || p->recovered || p->argp == 0 || fp == NULL ||
	    callerfp((uintptr)fp) != p->argp)
		return NULL;
	p->recovered = true;
	return p->value;
}

// rundefers runs g's deferred calls for p, newest first, until one
// recovers p (it returns the frame that deferred that call) or none is
// left (NULL).  A record an earlier panic started has panicked: that
// panic is aborted, and the record dropped.
static gort_frame *rundefers(G *g, Panic *p)
{
	gort_frame *f;
	Defer *d;

	while ((d = g->defer) != NULL) {
		if (d->started) {
			if (d->panic != NULL)
				d->panic->aborted = true;
			g->defer = d->link;
			freedefer(d);
			continue;
		}
		d->started = true;
		d->panic = p;
		calldefer(p, d);
		if (g->defer != d)
			rt_throw("bad defer entry in panic");
		g->defer = d->link;
		f = d->frame;
		freedefer(d);
		if (p->recovered)
			return f;
	}
	return NULL;
}

typedef struct Resume {
	gort_frame *frame;
	Segment *from;          // the segment the panic ran on
} Resume;

// resume0 runs on g0: give back the segments above the frame's, then
// return from the frame's gort_frame_enter once more.  *arg lives on a
// segment about to go: read it first.
static Gobuf *resume0(void *arg)
{
	gort_frame *f = ((Resume *)arg)->frame;
	Segment *from = ((Resume *)arg)->from;

	// The frame record lives in the frame: its segment is the frame's.
	// (Not the saved limit, which may be sysmon's poison.)
	rt_stack_unwind(from, rt_stack_find(rt_getg()->stack, (uintptr)f));
	rt_frame_resume(f);
}

static NORETURN void recovery(gort_frame *f)
{
	Resume r = {f, rt_stack_find(rt_getg()->stack, rt_getsp())};
	Gobuf scratch;

	if (PanicDebug) {
		rt_prints("recovery: frame ");
		rt_printhex((uintptr)f);
		rt_printnl();
	}
	rt_mcall(&scratch, rt_m->g0top, resume0, &r);
	rt_throw("recovery returned");
}

static void printpanics(Panic *p)
{
	if (p->link != NULL) {
		printpanics(p->link);
		if (!p->link->goexit)
			rt_prints("\t");
	}
	if (p->goexit)
		return;
	rt_prints("panic: ");
	p->print(p->value);
	if (p->recovered)
		rt_prints(" [recovered]");
	rt_printnl();
}

// fatalpanic prints the panics still running on this goroutine and its
// stack, and ends the process with status 2.  Two goroutines dying at
// once: the second waits for the first to end the process.
static NORETURN void fatalpanic(Panic *list, uint64 goid)
{
	static uintptr dying;

	if (!rt_casp(&dying, 0, (uintptr)rt_m)) {
		if (rt_loadp(&dying) == (uintptr)rt_m)
			rt_throw("panic while printing a panic");
		for (;;)
			rt_nanosleep(1000000000);
	}
	printpanics(list);
	if (list->sig != 0)
		rt_printsignal(list->sig, list->sigcode, list->sigaddr, list->sigpc);
	if (goid != 0 && rt_knobs.traceback > TracebackNone) {
		rt_prints("\ngoroutine ");
		rt_printuint(goid);
		rt_prints(" [running]:\n");
		rt_traceback((uintptr)__builtin_frame_address(0),
			rt_stack_find(rt_getg()->stack, rt_getsp()));
	}
	if (rt_knobs.traceback >= TracebackCrash)
		rt_crash();
	rt_exit(2);
}

static NORETURN void goexitdefers(G *g);

static NORETURN void gopanic(Panic *p)
{
	G *g = rt_getg();
	bool goexit = false;
	gort_frame *f;

	if (g == NULL)
		fatalpanic(p, 0);
	p->link = g->panic;
	g->panic = p;
	f = rundefers(g, p);
	if (f == NULL)
		fatalpanic(g->panic, g->goid);
	g->panic = p->link;
	while (g->panic != NULL && g->panic->aborted) {
		if (g->panic->goexit)   // a recovered panic does not cancel
			goexit = true;  //   a Goexit (Go 1.14): it goes on
		g->panic = g->panic->link;
	}
	if (goexit)
		goexitdefers(g);
	recovery(f);
}

static void printstring(void *s)
{
	rt_prints(s);
}

static void printpointer(void *v)
{
	rt_prints("(void *) ");
	rt_printhex((uintptr)v);
}

void rt_panicv(void *value, void (*print)(void *))
{
	Panic p = {.value = value, .print = print != NULL ? print : printpointer};

	gopanic(&p);
}

// rt_panic panics with a message, as Go's run-time errors do.
void rt_panic(const char *msg)
{
	rt_panicv((void *)msg, printstring);
}

void rt_panicp(Panic *p)
{
	p->print = printstring;
	gopanic(p);
}

// ---- public ----

void gort_panic(const char *msg)
{
	rt_panic(msg);
}

void gort_panicv(void *value, void (*print)(void *value))
{
	rt_panicv(value, print);
}

// goexitdefers runs every pending deferred call of g, then ends it.
static NORETURN void goexitdefers(G *g)
{
	Panic p = {.goexit = true, .link = g->panic};

	g->panic = &p;
	rundefers(g, &p);
	g->panic = NULL;
	rt_goexit();
}

void gort_goexit(void)
{
	goexitdefers(deferg());
}
