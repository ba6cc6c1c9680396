// proc.c: goroutines, threads and processors.  See proc.h for the design.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "atomic.h"
#include "proc.h"
#include "malloc.h"

Sched rt_sched;

enum {
	MStackSize      = 256 << 10,    // an M's own stack: the scheduler only
	G0Margin        = 1024,         // below the M's entry frame
	GlobalFairness  = 61,           // every 61st schedule looks global first
};

static NORETURN void schedule(void);

// rt_getg returns the running goroutine (NULL on a system stack).
G *rt_getg(void)
{
	return rt_m != NULL ? rt_m->curg : NULL;
}

uint64 rt_curgoid(void)
{
	G *g = rt_getg();

	return g != NULL ? g->goid : 0;
}

// ---- the global queue (sched.lock held) ----

static void globrunqput(G *g)
{
	g->schedlink = NULL;
	if (rt_sched.runqtail != NULL)
		rt_sched.runqtail->schedlink = g;
	else
		rt_sched.runqhead = g;
	rt_sched.runqtail = g;
	rt_sched.runqsize++;
}

static G *globrunqget(void)
{
	G *g = rt_sched.runqhead;

	if (g == NULL)
		return NULL;
	rt_sched.runqhead = g->schedlink;
	if (rt_sched.runqhead == NULL)
		rt_sched.runqtail = NULL;
	rt_sched.runqsize--;
	return g;
}

// ---- a P's ring (see proc.h) ----

// runqput puts g on p's ring; with next, in runnext, kicking the old
// runnext to the ring.  Only p's owner calls it.
static void runqput(P *p, G *g, bool next)
{
	uint32 h, t;
	uintptr old;

	if (next) {
		do
			old = rt_loadp(&p->runnext);
		while (!rt_casp(&p->runnext, old, (uintptr)g));
		if (old == 0)
			return;
		g = (G *)old;
	}
	for (;;) {
		h = rt_load32(&p->runqhead);
		t = p->runqtail;
		if (t - h < PRunqSize) {
			p->runq[t % PRunqSize] = g;
			rt_store32(&p->runqtail, t + 1);
			return;
		}
		// Full: move half of it, and g, to the global queue.
		if (rt_cas32(&p->runqhead, h, h + PRunqSize / 2)) {
			uint32 i;

			rt_lock(&rt_sched.lock);
			for (i = 0; i < PRunqSize / 2; i++)
				globrunqput(p->runq[(h + i) % PRunqSize]);
			globrunqput(g);
			rt_unlock(&rt_sched.lock);
			return;
		}
	}
}

// runqget takes the next G of p: runnext, then the ring.  Owner only.
static G *runqget(P *p)
{
	uintptr next;
	uint32 h, t;
	G *g;

	next = rt_loadp(&p->runnext);
	if (next != 0 && rt_casp(&p->runnext, next, 0))
		return (G *)next;
	for (;;) {
		h = rt_load32(&p->runqhead);
		t = rt_load32(&p->runqtail);
		if (t == h)
			return NULL;
		g = p->runq[h % PRunqSize];
		if (rt_cas32(&p->runqhead, h, h + 1))
			return g;
	}
}

// runqsteal moves half of victim's ring to p's and returns one G; with an
// empty ring it takes victim's runnext.
static G *runqsteal(P *p, P *victim)
{
	uint32 h, t, n, i, pt;
	uintptr next;
	G *batch[PRunqSize / 2];

	for (;;) {
		h = rt_load32(&victim->runqhead);
		t = rt_load32(&victim->runqtail);
		n = t - h;
		n -= n / 2;
		if (n == 0) {
			next = rt_loadp(&victim->runnext);
			if (next != 0 && rt_casp(&victim->runnext, next, 0))
				return (G *)next;
			return NULL;
		}
		if (n > PRunqSize / 2)  // a torn read: try again
			continue;
		for (i = 0; i < n; i++)
			batch[i] = victim->runq[(h + i) % PRunqSize];
		if (rt_cas32(&victim->runqhead, h, h + n))
			break;
	}
	pt = p->runqtail;
	for (i = 1; i < n; i++)
		p->runq[(pt + i - 1) % PRunqSize] = batch[i];
	rt_store32(&p->runqtail, pt + n - 1);
	return batch[0];
}

static bool runqempty(P *p)
{
	return rt_load32(&p->runqhead) == rt_load32(&p->runqtail) &&
		rt_loadp(&p->runnext) == 0;
}

// ---- idle Ps and Ms (sched.lock held) ----

static void pidleput(P *p)
{
	if (p->m != NULL)
		p->m->mcache = p->m->ownmcache;
	p->status = Pidle;
	p->m = NULL;
	p->link = rt_sched.pidle;
	rt_sched.pidle = p;
	rt_xadd32(&rt_sched.npidle, 1);
}

static P *pidleget(void)
{
	P *p = rt_sched.pidle;

	if (p != NULL) {
		rt_sched.pidle = p->link;
		rt_xadd32(&rt_sched.npidle, -1);
	}
	return p;
}

// acquirep makes p this M's: it allocates from p's cache from now on.
static void acquirep(P *p)
{
	p->status = Prunning;
	p->m = rt_m;
	rt_m->p = p;
	rt_m->mcache = p->mcache;
}

// ---- Ms ----

static void *mstart(void *arg);

// rt_startthread starts fn(arg) on a new detached thread with a small
// stack: the runtime's threads run only the runtime on their own stacks
// (goroutines have segments).  what names it if that fails.
void rt_startthread(void *(*fn)(void *), void *arg, const char *what)
{
	pthread_attr_t attr;
	pthread_t t;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, MStackSize);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (r != 0)
		rt_throw(what);
}

// newm starts a thread that will run with p.
static void newm(P *p, bool spinning)
{
	M *m = rt_allocm();

	m->nextp = p;
	m->spinning = spinning;
	rt_lock(&rt_sched.lock);
	rt_sched.nm++;
	m->alllink = rt_sched.allm;
	rt_sched.allm = m;
	rt_unlock(&rt_sched.lock);
	rt_startthread(mstart, m, "cannot create an OS thread");
}

static void startmp(P *p, bool spinning);

// startm gives an idle P to an idle M, or to a new one.  If there is no
// idle P, it undoes the caller's spinning claim.
static void startm(bool spinning)
{
	P *p;

	rt_lock(&rt_sched.lock);
	p = pidleget();
	if (p == NULL) {
		rt_unlock(&rt_sched.lock);
		if (spinning)
			rt_xadd32(&rt_sched.nmspinning, -1);
		return;
	}
	startmp(p, spinning);
}

// startmp runs p on an idle M, or a new one.  sched.lock held; released.
static void startmp(P *p, bool spinning)
{
	M *m;

	m = rt_sched.midle;
	if (m != NULL) {
		rt_sched.midle = m->link;
		rt_sched.nmidle--;
	}
	rt_unlock(&rt_sched.lock);
	if (m == NULL) {
		newm(p, spinning);
		return;
	}
	m->nextp = p;
	m->spinning = spinning;
	rt_notewakeup(&m->park);
}

// wakep wakes a P to look for work, unless one already is looking.
static void wakep(void)
{
	if (rt_load32(&rt_sched.npidle) == 0)
		return;
	if (!rt_cas32(&rt_sched.nmspinning, 0, 1))
		return;
	startm(true);
}

static void stopspinning(void)
{
	if (rt_m->spinning) {
		rt_m->spinning = false;
		rt_xadd32(&rt_sched.nmspinning, -1);
	}
}

// mstart is a new M's first code: it may run under a stale stack limit
// until rt_setlimit, so it must not split.
static NOSPLIT void *mstart(void *arg)
{
	M *m = arg;

	rt_setlimit(0);
	rt_m = m;
	rt_signalstack(m);
	m->g0top = rt_getsp() - G0Margin;
	acquirep(m->nextp);
	m->nextp = NULL;
	schedule();
}

// ---- finding work ----

static bool anywork(void)
{
	uint32 i;

	if (rt_load32(&rt_sched.runqsize) != 0)
		return true;
	for (i = 0; i < rt_sched.nprocs; i++)
		if (!runqempty(rt_sched.allp[i]))
			return true;
	return false;
}

static void checkdead(void);

// stealwork tries every other P, from a random one.
static G *stealwork(P *p)
{
	uint32 i, n = rt_sched.nprocs, start;
	G *g;

	start = (uint32)(rt_nanotime() * 2654435761u) % n;
	for (i = 0; i < n; i++) {
		P *victim = rt_sched.allp[(start + i) % n];

		if (victim != p && (g = runqsteal(p, victim)) != NULL)
			return g;
	}
	return NULL;
}

// findrunnable returns a G to run, sleeping the M until there is one.
static G *findrunnable(void)
{
	P *p;
	G *g;

top:
	p = rt_m->p;
	if (++p->schedtick % GlobalFairness == 0 && rt_load32(&rt_sched.runqsize) != 0) {
		rt_lock(&rt_sched.lock);
		g = globrunqget();
		rt_unlock(&rt_sched.lock);
		if (g != NULL)
			return g;
	}
	if ((g = runqget(p)) != NULL)
		return g;
	if (rt_load32(&rt_sched.runqsize) != 0) {
		rt_lock(&rt_sched.lock);
		g = globrunqget();
		rt_unlock(&rt_sched.lock);
		if (g != NULL)
			return g;
	}
	if ((g = stealwork(p)) != NULL)
		return g;

	// Nothing: give up the P, then look once more before sleeping, so
	// that work readied while we were giving up is not missed.
	rt_lock(&rt_sched.lock);
	if (rt_sched.runqsize != 0) {
		g = globrunqget();
		rt_unlock(&rt_sched.lock);
		return g;
	}
	rt_m->p = NULL;
	pidleput(p);            // and this M goes back to its own cache
	rt_unlock(&rt_sched.lock);
	stopspinning();
	if (anywork()) {
		rt_lock(&rt_sched.lock);
		p = pidleget();
		rt_unlock(&rt_sched.lock);
		if (p != NULL) {
			acquirep(p);
			goto top;
		}
	}
	rt_lock(&rt_sched.lock);
	rt_m->link = rt_sched.midle;
	rt_sched.midle = rt_m;
	rt_sched.nmidle++;
	checkdead();
	rt_unlock(&rt_sched.lock);
	rt_notesleep(&rt_m->park);
	rt_noteclear(&rt_m->park);
	acquirep(rt_m->nextp);
	rt_m->nextp = NULL;
	goto top;
}

// execute switches the M into g.  Never returns.
static NORETURN void execute(G *g)
{
	g->status = Grunning;
	g->m = rt_m;
	rt_m->curg = g;
	rt_gogo(&g->sched);
}

static NORETURN void schedule(void)
{
	G *g;

	rt_m->curg = NULL;
	g = findrunnable();
	if (rt_m->spinning) {           // found work: let another M look
		stopspinning();
		wakep();
	}
	execute(g);
}

// ---- goroutines ----

static void gostart(void *arg)
{
	G *g = arg;

	g->fn(g->arg);
}

static void goexit0(void *arg);

static void goexittramp(void)
{
	rt_goexit();
}

// gfget takes a dead G from p's list, or the global one.
static G *gfget(P *p)
{
	G *g = p->gfree;

	if (g == NULL) {
		rt_lock(&rt_sched.lock);
		g = rt_sched.gfree;
		if (g != NULL)
			rt_sched.gfree = g->schedlink;
		rt_unlock(&rt_sched.lock);
		return g;
	}
	p->gfree = g->schedlink;
	p->gfreecnt--;
	return g;
}

static void gfput(P *p, G *g)
{
	if (p->gfreecnt < GFreeLocal) {
		g->schedlink = p->gfree;
		p->gfree = g;
		p->gfreecnt++;
		return;
	}
	rt_lock(&rt_sched.lock);
	g->schedlink = rt_sched.gfree;
	rt_sched.gfree = g;
	rt_unlock(&rt_sched.lock);
}

static G *malg(void)
{
	G *g = rt_mallocgc(sizeof(G), 0, NULL);

	g->stack = rt_stackalloc(StackMin);
	rt_lock(&rt_sched.lock);
	g->alllink = rt_sched.allg;
	rt_sched.allg = g;
	rt_unlock(&rt_sched.lock);
	return g;
}

// rt_newproc makes a goroutine running fn(arg) and makes it runnable.
G *rt_newproc(void (*fn)(void *), void *arg)
{
	P *p = rt_m->p;
	G *g;

	if (p == NULL)
		rt_throw("gort_go outside a goroutine (call gort_run first)");
	g = gfget(p);
	if (g == NULL)
		g = malg();
	g->fn = fn;
	g->arg = arg;
	g->param = NULL;
	g->waitreason = NULL;
	g->defer = NULL;
	g->panic = NULL;
	rt_gobuf_init(&g->sched, rt_segment_top(g->stack), gostart, g, goexittramp);
	g->sched.limit = rt_segment_limit(g->stack);
	rt_lock(&rt_sched.lock);
	g->goid = ++rt_sched.goidgen;
	rt_sched.ngoroutines++;
	rt_unlock(&rt_sched.lock);
	g->status = Grunnable;
	runqput(p, g, true);
	wakep();
	return g;
}

static void goexit0(void *arg)
{
	G *g = arg;

	g->status = Gdead;
	g->m = NULL;
	g->fn = NULL;
	g->arg = NULL;
	g->param = NULL;
	// A goroutine may end deep in its stack (gort_goexit): the segments
	// it leaves go back as the returns would have given them.  Keep the
	// first segment; the rest of the chain goes back now.
	rt_stack_unwind(rt_segment_of(g->sched.limit), g->stack);
	if (g->stack->next != NULL) {
		Segment *rest = g->stack->next;

		g->stack->next = NULL;
		rest->prev = NULL;
		rt_stackfree(rest);
	}
	rt_lock(&rt_sched.lock);
	rt_sched.ngoroutines--;
	rt_unlock(&rt_sched.lock);
	gfput(rt_m->p, g);
	schedule();
}

// ---- blocking system calls ----

// rt_entersyscall: the calling goroutine is about to block in the kernel.
// Its P goes to another M if anything is runnable, else to the idle list.
void rt_entersyscall(void)
{
	G *g = rt_getg();
	P *p = rt_m->p;

	if (g == NULL || p == NULL)
		return;                 // not a goroutine: nothing to hand off
	g->status = Gsyscall;
	rt_m->p = NULL;
	rt_m->mcache = rt_m->ownmcache;
	p->m = NULL;
	rt_lock(&rt_sched.lock);
	if (!runqempty(p) || rt_sched.runqsize != 0)
		startmp(p, false);      // releases sched.lock
	else {
		pidleput(p);
		rt_unlock(&rt_sched.lock);
	}
}

static void exitsyscall0(void *arg)
{
	G *g = arg;
	P *p;

	rt_lock(&rt_sched.lock);
	p = pidleget();         // one may have come free meanwhile
	if (p == NULL) {
		g->status = Grunnable;
		g->m = NULL;
		globrunqput(g);
		rt_m->link = rt_sched.midle;
		rt_sched.midle = rt_m;
		rt_sched.nmidle++;
		rt_unlock(&rt_sched.lock);
		rt_notesleep(&rt_m->park);
		rt_noteclear(&rt_m->park);
		acquirep(rt_m->nextp);
		rt_m->nextp = NULL;
		schedule();
	}
	rt_unlock(&rt_sched.lock);
	acquirep(p);
	execute(g);
}

// rt_exitsyscall: back from the kernel.  Take an idle P and go on; with
// none, queue the goroutine and park this thread until it gets a P.
void rt_exitsyscall(void)
{
	G *g = rt_getg();
	P *p;

	if (g == NULL || g->status != Gsyscall)
		return;
	rt_lock(&rt_sched.lock);
	p = pidleget();
	rt_unlock(&rt_sched.lock);
	if (p != NULL) {
		acquirep(p);
		g->status = Grunning;
		return;
	}
	rt_mcall(&g->sched, rt_m->g0top, exitsyscall0, g);
}

// rt_goexit ends the calling goroutine.
void rt_goexit(void)
{
	G *g = rt_getg();

	rt_mcall(&g->sched, rt_m->g0top, goexit0, g);
	rt_throw("goexit returned");
}

static void gosched0(void *arg)
{
	G *g = arg;

	g->status = Grunnable;
	g->m = NULL;
	runqput(rt_m->p, g, false);
	schedule();
}

// rt_gosched lets other goroutines run; the caller goes to the back of
// its P's queue.  (Go uses the global queue; the P's own ring is as fair,
// FIFO with the global queue looked at every 61st time, and needs no lock.)
void rt_gosched(void)
{
	G *g = rt_getg();

	rt_mcall(&g->sched, rt_m->g0top, gosched0, g);
}

static void park0(void *arg)
{
	G *g = arg;
	void (*unlockf)(void *) = rt_m->waitunlockf;

	rt_m->waitunlockf = NULL;
	g->status = Gwaiting;
	g->m = NULL;
	if (unlockf != NULL)
		unlockf(rt_m->waitarg);
	schedule();
}

// rt_parkf blocks the calling goroutine until rt_ready; unlockf(arg), if
// not NULL, runs once the goroutine is off its stack, so that whoever
// readies it (after taking what unlockf releases) cannot run it before it
// has stopped.
void rt_parkf(const char *reason, void (*unlockf)(void *), void *arg)
{
	G *g = rt_getg();

	g->waitreason = reason;
	rt_m->waitunlockf = unlockf;
	rt_m->waitarg = arg;
	rt_mcall(&g->sched, rt_m->g0top, park0, g);
}

static void unlockone(void *l)
{
	rt_unlock(l);
}

// rt_park is rt_parkf releasing one held lock.
void rt_park(const char *reason, Lock *l)
{
	rt_parkf(reason, l != NULL ? unlockone : NULL, l);
}

// rt_ready makes a parked goroutine runnable, handing it param: into the
// runnext of this M's P, or, from a thread without one (the timer
// thread), into the global queue.
void rt_ready(G *g, void *param)
{
	if (g->status != Gwaiting)
		rt_throw("rt_ready of a goroutine that is not waiting");
	g->param = param;
	g->waitreason = NULL;
	g->status = Grunnable;
	if (rt_m->p != NULL) {
		runqput(rt_m->p, g, true);
	} else {
		rt_lock(&rt_sched.lock);
		globrunqput(g);
		rt_unlock(&rt_sched.lock);
	}
	wakep();
}

// ---- death by deadlock ----

// rt_printgoroutines prints every live goroutine and its stack.
void rt_printgoroutines(G *except)
{
	static const char *const names[] = {"idle", "runnable", "running", "waiting", "dead", "syscall"};
	G *g;

	for (g = rt_sched.allg; g != NULL; g = g->alllink) {
		if (g->status == Gdead || g == except)
			continue;
		rt_prints("\ngoroutine ");
		rt_printuint(g->goid);
		rt_prints(" [");
		rt_prints(g->status == Gwaiting && g->waitreason != NULL ?
			g->waitreason : names[g->status]);
		rt_prints("]:\n");
		if (g->status != Grunning && g->status != Gsyscall &&
		    rt_knobs.traceback > TracebackNone)
			rt_tracebackg(*(uintptr *)(g->sched.sp + GOBUF_PC_OFFSET),
				*(uintptr *)(g->sched.sp + GOBUF_FP_OFFSET),
				rt_segment_of(g->sched.limit));
	}
}

// checkdead: called (sched.lock held) by an M about to sleep.  If every M
// is idle, nothing is runnable, and goroutines remain, none can ever run.
static void checkdead(void)
{
	if (rt_sched.nmidle < rt_sched.nm || rt_sched.ngoroutines == 0 ||
	    rt_sched.runqsize != 0 || anywork() || rt_timers_pending())
		return;
	rt_prints("fatal error: all goroutines are asleep - deadlock!\n");
	rt_printgoroutines(NULL);
	rt_exit(2);
}

// rt_checkdeadlock re-runs the deadlock check from outside the scheduler:
// the timer thread calls it when the last pending timer is gone, since the
// Ms that went idle while it was pending checked too early.
void rt_checkdeadlock(void)
{
	rt_lock(&rt_sched.lock);
	checkdead();
	rt_unlock(&rt_sched.lock);
}

// ---- schedtrace (GORT_DEBUG=schedtrace=N,scheddetail=1) ----
//
// A thread of its own prints, every N ms, one line in Go's format:
//   SCHED 20ms: gomaxprocs=2 idleprocs=1 threads=3 spinningthreads=0
//   idlethreads=1 runqueue=0 [0 0]
// (the global queue, then each P's); with scheddetail, every P, M and G.
// It reads without locks: a picture, not an audit.

static void printnum(const char *name, uint64 v)
{
	rt_prints(name);
	rt_printuint(v);
}

static uint32 runqlen(P *p)
{
	return rt_load32(&p->runqtail) - rt_load32(&p->runqhead) + (rt_loadp(&p->runnext) != 0);
}

static void schedtrace(bool detail)
{
	static const char *const gstates[] = {"idle", "runnable", "running", "waiting", "dead", "syscall"};
	uint32 i;
	M *m;
	G *g;

	rt_prints("SCHED ");
	rt_printuint((rt_nanotime() - rt_sched.starttime) / 1000000);
	printnum("ms: gomaxprocs=", rt_sched.nprocs);
	printnum(" idleprocs=", rt_load32(&rt_sched.npidle));
	printnum(" threads=", rt_sched.nm);
	printnum(" spinningthreads=", rt_load32(&rt_sched.nmspinning));
	printnum(" idlethreads=", rt_sched.nmidle);
	printnum(" runqueue=", rt_load32(&rt_sched.runqsize));
	rt_prints(" [");
	for (i = 0; i < rt_sched.nprocs; i++) {
		if (i > 0)
			rt_prints(" ");
		rt_printuint(runqlen(rt_sched.allp[i]));
	}
	rt_prints("]\n");
	if (!detail)
		return;
	for (i = 0; i < rt_sched.nprocs; i++) {
		P *p = rt_sched.allp[i];

		printnum("  P", p->id);
		rt_prints(p->status == Prunning ? ": status=running" : ": status=idle");
		printnum(" schedtick=", p->schedtick);
		printnum(" runqsize=", runqlen(p));
		printnum(" gfreecnt=", p->gfreecnt);
		rt_printnl();
	}
	for (m = rt_sched.allm; m != NULL; m = m->alllink) {
		printnum("  M", m->id);
		rt_prints(": p=");
		rt_printint(m->p != NULL ? (int64)m->p->id : -1);
		rt_prints(" curg=");
		rt_printint(m->curg != NULL ? (int64)m->curg->goid : -1);
		printnum(" spinning=", m->spinning);
		rt_printnl();
	}
	for (g = rt_sched.allg; g != NULL; g = g->alllink) {
		if (g->status == Gdead)
			continue;
		printnum("  G", g->goid);
		rt_prints(": status=");
		rt_prints(g->status == Gwaiting && g->waitreason != NULL ? g->waitreason : gstates[g->status]);
		rt_printnl();
	}
}

static void *traceproc(void *arg)
{
	rt_minit();
	for (;;) {
		rt_nanosleep(rt_knobs.schedtrace * 1000000);
		schedtrace(rt_knobs.scheddetail != 0);
	}
	return NULL;
}

// ---- start ----

void rt_schedinit(void)
{
	uint32 i, n = rt_knobs.maxprocs > 0 ? (uint32)rt_knobs.maxprocs : (uint32)rt_ncpu();
	P *p;

	if (n > MaxGomaxprocs)
		n = MaxGomaxprocs;
	rt_sched.nprocs = n;
	rt_sched.allp = rt_mallocgc(n * sizeof(P *), 0, NULL);
	for (i = 0; i < n; i++) {
		p = rt_mallocgc(sizeof(P), 0, NULL);
		p->id = i;
		p->mcache = rt_mcache_new();
		rt_sched.allp[i] = p;
	}
	rt_sched.nm = 1;                // this thread
	rt_sched.allm = rt_m;
	rt_sched.starttime = rt_nanotime();
	for (i = n; i-- > 1;)
		pidleput(rt_sched.allp[i]);
	acquirep(rt_sched.allp[0]);
}

static void mainwrap(void *arg)
{
	void **fa = arg;

	((void (*)(void *))fa[0])(fa[1]);
	exit(0);                // as in Go: main returning ends the program
}

// rt_main runs fn(arg) as goroutine 1 and this thread as the first M;
// the process exits when fn returns.
int rt_main(void (*fn)(void *), void *arg)
{
	void **fa = rt_mallocgc(2 * sizeof(void *), 0, NULL);

	if (rt_sched.nprocs != 0)
		rt_throw("gort_run called twice");
	rt_schedinit();
	if (rt_knobs.schedtrace > 0)
		rt_startthread(traceproc, NULL, "cannot create the schedtrace thread");
	fa[0] = (void *)fn;
	fa[1] = arg;
	rt_newproc(mainwrap, fa);
	rt_m->g0top = rt_getsp() - G0Margin;
	schedule();
}

// ---- the public API (gort.h) ----

#include "gort.h"
#include "gort/abi.h"

void gort_go(void (*fn)(void *), void *arg)
{
	rt_newproc(fn, arg);
}

void gort_yield(void)
{
	rt_gosched();
}

int gort_run(void (*fn)(void *), void *arg)
{
	return rt_main(fn, arg);
}

void gort_newproc(void (*fn)(void *), const void *args, size_t size)
{
	void *copy = NULL;

	if (size > 0) {
		copy = rt_mallocgc(size, 0, NULL);
		memmove(copy, args, size);
	}
	rt_newproc(fn, copy);
}

void gort_entersyscall(void)
{
	rt_entersyscall();
}

void gort_exitsyscall(void)
{
	rt_exitsyscall();
}

int gort_maxprocs(void)
{
	return (int)rt_sched.nprocs;
}

int gort_numgoroutine(void)
{
	return (int)rt_load32(&rt_sched.ngoroutines);
}
