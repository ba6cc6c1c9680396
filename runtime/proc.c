// proc.c: goroutines, threads and processors.  See proc.h for the design.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "atomic.h"
#include "proc.h"
#include "malloc.h"
#include "mgc.h"
#include "gort.h"

Sched rt_sched;

enum {
	MStackSize      = 256 << 10,    // an M's own stack: the scheduler only
	G0Margin        = 1024,         // below the M's entry frame
	GlobalFairness  = 61,           // every 61st schedule looks global first
	SysmonMinDelay  = 20 * 1000,    // ns: sysmon's first naps...
	SysmonMaxDelay  = 10 * 1000 * 1000,     // ... doubling, when idle, to this
	SysmonIdleTicks = 50,           // naps with nothing done before doubling
	ForcePreemptNs  = 10 * 1000 * 1000,     // a goroutine's time slice
	SyscallRetakeNs = 10 * 1000 * 1000,     // a P in a system call this long
                                        //   is taken back even with no work
	IdleNapNs       = 5 * 1000,     // an idle M's naps between looks
	IdleSpinNs      = 1000 * 1000,  //   for this long at most (idlespin)
};

static Gobuf *schedule(void);

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

// With one P nobody steals: the owner's own updates of runnext and the
// ring's head need no compare-and-swap (a locked instruction each, a
// fifth of a channel round trip).
static bool nothieves(void)
{
	return rt_sched.nprocs == 1;
}

// runqput puts g on p's ring; with next, in runnext, kicking the old
// runnext to the ring.  Only p's owner calls it.
static void runqput(P *p, G *g, bool next)
{
	uint32 h, t;
	uintptr old;

	if (next) {
		// Thieves only ever empty runnext: an empty one stays empty
		// until its owner fills it, with a plain store.
		old = rt_loadp(&p->runnext);
		if (old == 0 || nothieves())
			rt_storep(&p->runnext, (uintptr)g);
		else
			while (!rt_casp(&p->runnext, old, (uintptr)g))
				old = rt_loadp(&p->runnext);
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

// Taking runnext.  The owner takes it at nearly every switch, a thief
// seldom (idlespin: once it has stayed put), so the owner does without
// a locked instruction and the thief pays instead, with an asymmetric
// form of Dekker's mutual exclusion:
//   owner (rt_takenext)         thief (rt_stealnext)
//   taking = 1                  stealing = 1
//   if stealing: back off       membarrier(): every thread of the
//   empty runnext                 process executes a full barrier
//   taking = 0                  if taking: back off
//                               empty runnext (compare-and-swap)
//                               stealing = 0
// The owner's steps are ordered only against the compiler.  The barrier
// that membarrier forces on the owner's thread falls somewhere among
// them: before "taking = 1", and the owner's look afterwards sees
// "stealing"; after it, and the thief's look sees "taking" (or, if the
// owner is done, runnext already empty).  So both cannot go on at once.
// An owner that backs off takes runnext by compare-and-swap, against a
// thief's own compare-and-swap.  Thieves take turns through "stealing".
// Where membarrier is missing (asymfence false), the owner always uses
// compare-and-swap.  A channel round trip on two Ps makes two takes: it
// took about 120 ns with compare-and-swap, 105-111 so (docs/scheduler.md).

// rt_fenceothers makes every running thread of the process execute a
// full barrier, where membarrier works (asymfence): the heavy side of the
// asymmetric protocols (lastlook below, a locker about to sleep in
// lock_futex.c).  A membarrier that worked at boot and fails now is the
// kernel taking back what it granted: fatal, since the light sides go on
// counting on it.  NOSPLIT: locks call it.
NOSPLIT void rt_fenceothers(void)
{
	if (rt_load32(&rt_sched.asymfence) && rt_membarrier(MembarrierPrivateExpedited) != 0)
		rt_throw("membarrier failed");
}

// rt_takenext empties p's runnext and returns what it held.  Owner only.
uintptr rt_takenext(P *p)
{
	uintptr next;

	if (nothieves()) {
		next = p->runnext;
		rt_storep(&p->runnext, 0);
		return next;
	}
	if (rt_sched.asymfence) {
		rt_store32(&p->taking, 1);
		rt_compilerfence();
		if (rt_load32(&p->stealing) == 0) {
			next = rt_loadp(&p->runnext);
			rt_storep(&p->runnext, 0);
			rt_compilerfence();
			rt_store32(&p->taking, 0);
			return next;
		}
		rt_store32(&p->taking, 0);
	}
	do
		next = rt_loadp(&p->runnext);
	while (next != 0 && !rt_casp(&p->runnext, next, 0));
	return next;
}

// rt_stealnext empties victim's runnext for a thief and returns what it
// held, or 0 if the owner or another thief is taking it.
uintptr rt_stealnext(P *victim)
{
	uintptr next = 0;

	if (rt_loadp(&victim->runnext) == 0 || !rt_cas32(&victim->stealing, 0, 1))
		return 0;
	// No steal while the owner is taking, nor without the barrier.
	if (!rt_sched.asymfence || (rt_membarrier(MembarrierPrivateExpedited) == 0 &&
	    rt_load32(&victim->taking) == 0)) {
		next = rt_loadp(&victim->runnext);
		if (next != 0 && !rt_casp(&victim->runnext, next, 0))
			next = 0;
	}
	rt_store32(&victim->stealing, 0);
	return next;
}

// runqget takes the next G of p: runnext, then the ring.  Owner only.
static G *runqget(P *p)
{
	uintptr next;
	uint32 h, t;
	G *g;

	if (rt_loadp(&p->runnext) != 0 && (next = rt_takenext(p)) != 0)
		return (G *)next;
	for (;;) {
		h = rt_load32(&p->runqhead);
		t = rt_load32(&p->runqtail);
		if (t == h)
			return NULL;
		g = p->runq[h % PRunqSize];
		if (nothieves()) {
			rt_store32(&p->runqhead, h + 1);
			return g;
		}
		if (rt_cas32(&p->runqhead, h, h + 1))
			return g;
	}
}

// runqsteal moves half of victim's ring to p's and returns one G; with an
// empty ring and withnext, it takes victim's runnext.
static G *runqsteal(P *p, P *victim, bool withnext)
{
	uint32 h, t, n, i, pt;
	G *batch[PRunqSize / 2];

	for (;;) {
		h = rt_load32(&victim->runqhead);
		t = rt_load32(&victim->runqtail);
		n = t - h;
		n -= n / 2;
		if (n == 0) {
			if (!withnext)
				return NULL;
			return (G *)rt_stealnext(victim);
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
	if (rt_sched.gcwaiting) {       // the world is stopping: stop it instead
		p->m = NULL;
		rt_store32(&p->status, Pgcstop);
		if (--rt_sched.stopwait == 0)
			rt_notewakeup(&rt_sched.stopnote);
		return;
	}
	rt_store32(&p->status, Pidle);
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

static void sysmonwake(void);

// acquirep makes p this M's: it allocates from p's cache from now on.
static void acquirep(P *p)
{
	rt_store32(&p->status, Prunning);
	p->m = rt_m;
	rt_m->p = p;
	rt_m->mcache = p->mcache;
	if (rt_load32(&rt_sched.sysmonwait) != 0)
		sysmonwake();
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
	// The ready's store of its goroutine must be visible before these
	// loads: lastlook makes sure of it with membarrier, or else we fence.
	// A compare-and-swap that fails is a locked instruction all the
	// same: look first, since an M is usually spinning (idlespin).
	if (!rt_sched.asymfence && rt_sched.nprocs > 1)
		rt_fence();
	if (rt_load32(&rt_sched.npidle) == 0 || rt_load32(&rt_sched.nmspinning) != 0)
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
	m->limitslot = rt_limitslot();
	rt_signalstack(m);
	m->g0top = rt_getsp() - G0Margin;
	acquirep(m->nextp);
	m->nextp = NULL;
	rt_gogo(schedule());
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

// mpark puts this M, without a P, on the idle list (then, with check,
// looks for a deadlock) and sleeps until it is handed a P.  sched.lock
// held; released.
static void mpark(bool check)
{
	rt_m->link = rt_sched.midle;
	rt_sched.midle = rt_m;
	rt_sched.nmidle++;
	if (check)
		checkdead();
	rt_unlock(&rt_sched.lock);
	rt_notesleep(&rt_m->park);
	rt_noteclear(&rt_m->park);
	acquirep(rt_m->nextp);
	rt_m->nextp = NULL;
}

// gcstopm: the world is stopping.  This M's P stops (the last to stop
// wakes the stopper) and the M sleeps until it gets a P again.
static void gcstopm(void)
{
	P *p = rt_m->p;

	stopspinning();
	rt_m->p = NULL;
	rt_m->mcache = rt_m->ownmcache;
	p->m = NULL;
	rt_lock(&rt_sched.lock);
	rt_store32(&p->status, Pgcstop);
	if (--rt_sched.stopwait == 0)
		rt_notewakeup(&rt_sched.stopnote);
	mpark(false);
}

// stealwork tries every other P, from a random one; their runnexts only
// withnext.
static G *stealwork(P *p, bool withnext)
{
	uint32 i, n = rt_sched.nprocs, start;
	G *g;

	start = (uint32)(rt_nanotime() * 2654435761u) % n;
	for (i = 0; i < n; i++) {
		P *victim = rt_sched.allp[(start + i) % n];

		if (victim != p && (g = runqsteal(p, victim, withnext)) != NULL)
			return g;
	}
	return NULL;
}

// ---- the idle spin ----
//
// An M that has given up its P and found nothing does not sleep at once:
// for up to IdleSpinNs it stays the spinning M, with no P, looking at
// every P after each nap.  A ready made meanwhile finds nmspinning set and
// wakes nobody, so the readier makes no futex call (a system call, over a
// microsecond under a hypervisor), and no woken thread steals the readied
// goroutine from under a readier about to block, splitting a channel
// round trip across two CPUs (docs/scheduler.md).  The spinner
// takes what the readier's own P will not get to soon:
//   - the global queue, and any P's ring;
//   - a runnext that has not moved since the last look, while its P
//     scheduled nothing else (its goroutine goes on running instead of
//     blocking), or whose P is not running.
// A runnext put there since the last look is left alone: the goroutine
// that readied it is most likely about to block and run it itself.  A
// look that finds no P scheduling since the previous one (the running
// goroutines compute, or every P is idle) ends the spin, and so does the
// world stopping.  Naps are IdleNapNs asked; the kernel's default timer
// slack makes them about 60 us.

typedef struct PSeen {          // what the last look saw of a P
	uint32  tick;
	uintptr next;
} PSeen;

enum { LookQuiet, LookBusy, LookWork, LookNext };       // LookNext: a runnext

// look is one look at every P (and the global queue), comparing each with
// what the last look saw (first: nothing was seen yet).
static int look(PSeen *seen, bool first)
{
	uint32 i;
	int r = LookQuiet;

	if (rt_load32(&rt_sched.runqsize) != 0)
		return LookWork;
	for (i = 0; i < rt_sched.nprocs; i++) {
		P *p = rt_sched.allp[i];
		uint32 tick = rt_load32(&p->schedtick);
		uintptr next = rt_loadp(&p->runnext);

		if (rt_load32(&p->runqhead) != rt_load32(&p->runqtail))
			return LookWork;
		if (next != 0 && rt_load32(&p->status) != Prunning)
			return LookNext;
		if (!first && tick == seen[i].tick && next != 0 && next == seen[i].next)
			return LookNext;
		if (first || tick != seen[i].tick)
			r = LookBusy;
		seen[i].tick = tick;
		seen[i].next = next;
	}
	return r;
}

// idlespin spins as described above, claiming the spinning role first
// if this M does not hold it.  It returns what the last look found:
// LookWork or LookNext (the caller takes an idle P, still spinning, and
// with LookNext may take a running P's runnext); else the caller stops
// spinning.
static int idlespin(void)
{
	PSeen seen[MaxGomaxprocs];
	uint32 n = rt_sched.nprocs;
	int64 start;
	bool first = true;
	int r;

	if (!rt_m->spinning) {
		if (n == 1 || rt_load32(&rt_sched.npidle) == n ||
		    !rt_cas32(&rt_sched.nmspinning, 0, 1))
			return LookQuiet;
		rt_m->spinning = true;
	}
	start = rt_nanotime();
	for (;;) {
		if (rt_load32(&rt_sched.gcwaiting) != 0)
			return LookQuiet;
		if ((r = look(seen, first)) != LookBusy)
			return r;
		first = false;
		rt_nanosleep(IdleNapNs);
		if (rt_nanotime() - start >= IdleSpinNs)
			return LookQuiet;
	}
}

// lastlook is an M's look for work once it has stopped spinning, before
// it sleeps.  A ready stores its goroutine (into runnext, with a plain
// store), then loads npidle and nmspinning (wakep) to see whether
// someone will take it; this M stores npidle (pidleput) and nmspinning
// (stopspinning), then loads the run queues.  Each side's load may be
// done before its own store is visible to the other (x86 lets a load
// pass an earlier store to another address; so does arm): both would
// then miss, and the goroutine would wait in runnext with a P idle.  So
// a full barrier must separate each side's store from its loads.  The
// readier, at every ready, gets it for nothing: membarrier here makes
// every running thread execute one (docs/scheduler.md), once a sleep.
// Without membarrier, wakep fences itself.
static bool lastlook(void)
{
	if (rt_sched.nprocs > 1)
		rt_fenceothers();
	return anywork();
}

// findrunnable returns a G to run, sleeping the M until there is one.
static G *findrunnable(void)
{
	P *p;
	G *g;
	int spun = LookQuiet;   // what idlespin found, for the next steal

top:
	if (rt_load32(&rt_sched.gcwaiting) != 0) {
		gcstopm();
		goto top;
	}
	p = rt_m->p;
	rt_store32(&p->schedtick, p->schedtick + 1);
	if (p->schedtick % GlobalFairness == 0 && rt_load32(&rt_sched.runqsize) != 0) {
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
	// A spinning M leaves a fresh runnext alone (see idlespin), unless
	// idlespin found it stale.
	g = stealwork(p, !rt_m->spinning || spun == LookNext);
	spun = LookQuiet;
	if (g != NULL)
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
	if ((spun = idlespin()) != LookQuiet) {
		rt_lock(&rt_sched.lock);
		p = pidleget();
		rt_unlock(&rt_sched.lock);
		if (p != NULL) {
			acquirep(p);    // still spinning: schedule passes it on
			goto top;
		}
	}
	stopspinning();
	if (lastlook()) {
		rt_lock(&rt_sched.lock);
		p = pidleget();
		rt_unlock(&rt_sched.lock);
		if (p != NULL) {
			acquirep(p);
			goto top;
		}
	}
	rt_lock(&rt_sched.lock);
	mpark(true);
	goto top;
}

static void startstack(G *g);

// execute makes g the M's running goroutine and returns the context to
// switch into: rt_mcall's functions return it, for rt_mcall to load.
static Gobuf *execute(G *g)
{
	if (g->stack == NULL)
		startstack(g);
	g->status = Grunning;
	g->m = rt_m;
	rt_m->curg = g;
	return rt_mcallresume(&g->sched);
}

// schedule picks the next goroutine to run on this M and returns its
// context, as execute does.
static Gobuf *schedule(void)
{
	G *g;

	rt_m->curg = NULL;
	g = findrunnable();
	if (rt_m->spinning) {           // found work: let another M look
		stopspinning();
		wakep();
	}
	return execute(g);
}

// ---- goroutines ----

static void gostart(void *arg)
{
	G *g = arg;

	g->fn(g->arg);
}

static Gobuf *goexit0(void *arg);

static void goexittramp(void)
{
	rt_goexit();
}

// Dead Gs are kept for reuse on their P's list, and move to and from the
// global list in batches of GFreeBatch under one lock: in a program
// where one P makes goroutines and another ends them, the lock is taken
// once every 32 goroutines, not for each of them.  The global list is a
// list of batches (each batch's first G links the next by its param), so
// that a P takes a whole batch without walking it under the lock: each
// step of such a walk was a cache miss (the Gs were last touched by the
// other P), with the other P waiting for the lock.

// gfget takes a dead G from p's list, refilling it from the global one.
static G *gfget(P *p)
{
	G *g;

	if (p->gfree == NULL && rt_load32(&rt_sched.ngfree) != 0) {
		rt_lock(&rt_sched.lock);
		if ((g = rt_sched.gfree) != NULL) {
			rt_sched.gfree = g->param;
			rt_sched.ngfree -= GFreeBatch;
		}
		rt_unlock(&rt_sched.lock);
		if (g != NULL) {
			g->param = NULL;
			p->gfree = g;
			p->gfreecnt = GFreeBatch;
		}
	}
	g = p->gfree;
	if (g != NULL) {
		p->gfree = g->schedlink;
		p->gfreecnt--;
	}
	return g;
}

// gfput puts g on p's list, and half the list on the global one when it
// is full.
static void gfput(P *p, G *g)
{
	G *first, *last;

	g->schedlink = p->gfree;
	p->gfree = g;
	if (++p->gfreecnt < GFreeLocal)
		return;
	first = last = p->gfree;
	while (--p->gfreecnt > GFreeLocal - GFreeBatch)
		last = last->schedlink;
	p->gfree = last->schedlink;
	last->schedlink = NULL;
	rt_lock(&rt_sched.lock);
	first->param = rt_sched.gfree;
	rt_sched.gfree = first;
	rt_sched.ngfree += GFreeBatch;
	rt_unlock(&rt_sched.lock);
}

// Gs are typed: the collector reads only the words that may hold heap
// pointers (gtype), not the stack addresses, ids and code pointers around
// them.  A million parked goroutines make a heap mostly of Gs.
enum { GWords = sizeof(G) / PTRSIZE };
static unsigned char gmask[(GWords + 7) / 8];
static const gort_type gtype = {sizeof(G), gmask};

static void gmaskset(uintptr off, uintptr n)
{
	uintptr w;

	for (w = off / PTRSIZE; w < (off + n + PTRSIZE - 1) / PTRSIZE; w++)
		gmask[w / 8] |= (unsigned char)(1u << (w % 8));
}

static void initgtype(void)
{
	gmaskset(offsetof(G, arg), sizeof(void *));
	gmaskset(offsetof(G, schedlink), sizeof(G *));
	gmaskset(offsetof(G, alllink), sizeof(G *));
	gmaskset(offsetof(G, param), sizeof(void *));
	gmaskset(offsetof(G, syscallregs), sizeof(((G *)0)->syscallregs));
	gmaskset(offsetof(G, defer), sizeof(Defer *));
	gmaskset(offsetof(G, panic), sizeof(Panic *));
}

// allgadd pushes g on allg without a lock: Gs are never taken off it, so
// a compare-and-swap on the head suffices, and a reader walking the list
// meanwhile (a traceback, schedtrace) sees it with or without g, whole.
static void allgadd(G *g)
{
	uintptr old;

	do {
		old = rt_loadp((uintptr *)&rt_sched.allg);
		g->alllink = (G *)old;
	} while (!rt_casp((uintptr *)&rt_sched.allg, old, (uintptr)g));
}

static G *malg(void)
{
	G *g = rt_mallocgc(sizeof(G), 0, &gtype);

	allgadd(g);
	return g;
}

static void mainwrap(void *arg);

// startstack gives a goroutine about to run for the first time its first
// segment, from this M's cache, and the context that enters fn(arg) on
// it.  A goroutine has no stack until then, and gives it back when it
// ends: a program that makes goroutines faster than it runs them (a tree
// of them, a burst of work items) holds a G for each waiting one, not a
// stack, and the segment an ending goroutine leaves is the next one a
// starting goroutine takes, still in the cache.  The main goroutine
// starts on StackMin: it is one, and a program's deep work usually runs
// on it, so it splits less.
static void startstack(G *g)
{
	g->stack = rt_stackalloc(g->fn == mainwrap ? StackMin : StackFirst);
	rt_gobuf_init(&g->sched, rt_segment_top(g->stack), gostart, g, goexittramp);
	g->sched.limit = rt_segment_limit(g->stack);
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
	g->system = false;
	if (p->goidnext == p->goidend) {
		rt_lock(&rt_sched.lock);
		p->goidnext = rt_sched.goidgen + 1;
		p->goidend = p->goidnext + GoidBatch;
		rt_sched.goidgen += GoidBatch;
		rt_unlock(&rt_sched.lock);
	}
	g->goid = p->goidnext++;
	rt_store32(&p->ngo, p->ngo + 1);
	g->status = Grunnable;
	runqput(p, g, true);
	wakep();
	return g;
}

static Gobuf *goexit0(void *arg)
{
	G *g = arg;

	g->status = Gdead;
	g->m = NULL;
	g->fn = NULL;
	g->arg = NULL;
	g->param = NULL;
	// A goroutine may end deep in its stack (gort_goexit): the segments
	// it leaves go back as the returns would have given them, then the
	// rest of the chain, first segment and all (startstack).
	rt_stack_unwind(rt_stack_find(g->stack, g->sched.sp), g->stack);
	rt_stackfree(g->stack);
	g->stack = NULL;
	if (!g->system)
		rt_store32(&rt_m->p->ngo, rt_m->p->ngo - 1);
	g->system = false;
	gfput(rt_m->p, g);
	return schedule();
}

// ---- blocking system calls ----

// rt_entersyscall (asm) -> rt_entersyscall0: the calling goroutine is
// about to block in the kernel.  It keeps its P, marked Psyscall: a short
// call comes back to it with one compare-and-swap, and sysmon takes it
// away from a call that lasts (see retake below).  The M allocates from
// its own cache meanwhile.  For the collector, which may run meanwhile,
// the goroutine's stack from sp up and its callee-saved registers hold
// every reference it has: the code that runs until rt_exitsyscall must
// not touch the heap.
void rt_entersyscall0(const uintptr *regs, uintptr sp)
{
	G *g = rt_getg();
	P *p = rt_m->p;
	uint32 i;

	if (g == NULL || p == NULL)
		return;                 // not a goroutine: nothing to hand off
	for (i = 0; i < RegsSaved; i++)
		g->syscallregs[i] = regs[i];
	g->syscallsp = sp;
	rt_store32(&g->status, Gsyscall);
	rt_m->oldp = p;
	rt_m->p = NULL;
	rt_m->mcache = rt_m->ownmcache;
	rt_store32(&p->syscalltick, p->syscalltick + 1);
	rt_store32(&p->status, Psyscall);
}

// clearsyscall forgets the registers saved at rt_entersyscall (seed 002:
// a stale copy would keep their objects alive).
static void clearsyscall(G *g)
{
	uint32 i;

	for (i = 0; i < RegsSaved; i++)
		g->syscallregs[i] = 0;
	g->syscallsp = 0;
}

static Gobuf *exitsyscall0(void *arg)
{
	G *g = arg;
	P *p;

	rt_lock(&rt_sched.lock);
	p = pidleget();         // one may have come free meanwhile
	if (p == NULL) {
		g->status = Grunnable;
		g->m = NULL;
		globrunqput(g);
		mpark(false);
		return schedule();
	}
	rt_unlock(&rt_sched.lock);
	acquirep(p);
	return execute(g);
}

// rt_exitsyscall: back from the kernel.  Take back the P left behind if
// sysmon has not, else an idle P; with none, queue the goroutine and park
// this thread until it gets a P.
void rt_exitsyscall(void)
{
	G *g = rt_getg();
	P *p;

	if (g == NULL || g->status != Gsyscall)
		return;
	p = rt_m->oldp;
	rt_m->oldp = NULL;
	if (p == NULL || !rt_cas32(&p->status, Psyscall, Prunning)) {
		rt_lock(&rt_sched.lock);
		p = pidleget();
		rt_unlock(&rt_sched.lock);
	}
	if (p != NULL) {
		acquirep(p);
		rt_store32(&g->status, Grunning);
	} else {
		rt_mcall(&g->sched, rt_m->g0top, exitsyscall0, g);
	}
	clearsyscall(g);
}

// rt_goexit ends the calling goroutine.
void rt_goexit(void)
{
	G *g = rt_getg();

	rt_mcall(&g->sched, rt_m->g0top, goexit0, g);
	rt_throw("goexit returned");
}

// gopreempt0: a goroutine stopped by sysmon goes to the global queue, so
// that every P, not only this one, may pick it up.
static Gobuf *gopreempt0(void *arg)
{
	G *g = arg;

	g->status = Grunnable;
	g->m = NULL;
	rt_lock(&rt_sched.lock);
	globrunqput(g);
	rt_sched.npreempt++;
	rt_unlock(&rt_sched.lock);
	return schedule();
}

static Gobuf *gosched0(void *arg)
{
	G *g = arg;

	g->status = Grunnable;
	g->m = NULL;
	runqput(rt_m->p, g, false);
	return schedule();
}

// rt_gosched lets other goroutines run; the caller goes to the back of
// its P's queue.  (Go uses the global queue; the P's own ring is as fair,
// FIFO with the global queue looked at every 61st time, and needs no lock.)
void rt_gosched(void)
{
	G *g = rt_getg();

	rt_mcall(&g->sched, rt_m->g0top, gosched0, g);
}

static Gobuf *park0(void *arg)
{
	G *g = arg;
	void (*unlockf)(void *) = rt_m->waitunlockf;
	void *waitarg = rt_m->waitarg;

	rt_m->waitunlockf = NULL;
	rt_m->waitarg = NULL;   // the M must not keep it alive (mgc.h)
	g->status = Gwaiting;
	g->m = NULL;
	if (unlockf != NULL)
		unlockf(waitarg);
	return schedule();
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
		if (g->status == Gdead || g == except ||
		    (g->system && rt_knobs.traceback < TracebackSystem))
			continue;
		rt_prints("\ngoroutine ");
		rt_printuint(g->goid);
		rt_prints(" [");
		rt_prints(g->status == Gwaiting && g->waitreason != NULL ?
			g->waitreason : names[g->status]);
		rt_prints("]:\n");
		if (g->stack == NULL && rt_knobs.traceback > TracebackNone) {
			rt_printpc((uintptr)g->fn);
			rt_prints("\n\tnot yet started\n");
		} else if (g->status != Grunning && g->status != Gsyscall &&
		    rt_knobs.traceback > TracebackNone)
			rt_tracebackg(*(uintptr *)(g->sched.sp + GOBUF_PC_OFFSET),
				*(uintptr *)(g->sched.sp + GOBUF_FP_OFFSET),
				rt_stack_find(g->stack, g->sched.sp));
	}
}

// checkdead: called (sched.lock held) by an M about to sleep.  If every M
// is idle, nothing is runnable, and goroutines remain, none can ever run.
static void checkdead(void)
{
	if (rt_sched.nmidle < rt_sched.nm || gort_numgoroutine() == 0 ||
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

// ---- stopping the world (for the collector) ----
//
// rt_stoptheworld, on g0 of an M holding a P:
//   1. sets gcwaiting: from now on a P that goes through the scheduler
//      stops there (gcstopm), and rt_safepoint stops its caller;
//   2. stops its own P and every idle P, and takes every P left in a
//      system call (Psyscall -> Pgcstop: the call's return then finds no
//      P and waits);
//   3. until stopwait is 0: asks every running goroutine to yield
//      (preemptone), takes Ps that entered system calls meanwhile, and
//      sleeps on stopnote, 100 us at a time.
// rt_starttheworld gives every stopped P back: to an M if it has work,
// else to the idle list, and lets sysmon and spinning Ms go on.

static void preemptone(P *p);

void rt_stoptheworld(void)
{
	uint32 i;
	P *p;

	rt_lock(&rt_sched.lock);
	rt_store32(&rt_sched.gcwaiting, 1);
	rt_or32(&rt_gcpoll.bits, GcPollStop);
	rt_noteclear(&rt_sched.stopnote);
	rt_sched.stopwait = rt_sched.nprocs - 1;
	rt_store32(&rt_m->p->status, Pgcstop);
	while ((p = pidleget()) != NULL) {
		rt_store32(&p->status, Pgcstop);
		rt_sched.stopwait--;
	}
	rt_unlock(&rt_sched.lock);
	for (;;) {
		bool done;

		rt_lock(&rt_sched.lock);
		for (i = 0; i < rt_sched.nprocs; i++) {
			p = rt_sched.allp[i];
			if (rt_cas32(&p->status, Psyscall, Pgcstop)) {
				p->m = NULL;
				rt_sched.stopwait--;
			}
		}
		done = rt_sched.stopwait == 0;
		rt_unlock(&rt_sched.lock);
		if (done)
			break;
		for (i = 0; i < rt_sched.nprocs; i++)
			if (rt_load32(&rt_sched.allp[i]->status) == Prunning)
				preemptone(rt_sched.allp[i]);
		if (rt_notetsleep(&rt_sched.stopnote, 100 * 1000))
			break;
	}
}

void rt_starttheworld(void)
{
	P *mine = rt_m->p, *work[MaxGomaxprocs];
	uint32 i, n = 0;

	rt_lock(&rt_sched.lock);
	rt_store32(&rt_sched.gcwaiting, 0);
	rt_and32(&rt_gcpoll.bits, ~(uint32)GcPollStop);
	for (i = 0; i < rt_sched.nprocs; i++) {
		P *p = rt_sched.allp[i];

		if (p == mine)
			continue;
		if (!runqempty(p) || (n == 0 && rt_sched.runqsize != 0))
			work[n++] = p;
		else
			pidleput(p);
	}
	rt_unlock(&rt_sched.lock);
	acquirep(mine);
	for (i = 0; i < n; i++) {
		rt_lock(&rt_sched.lock);
		startmp(work[i], false);
	}
	wakep();
}

// rt_safepoint stops the calling goroutine while the world is stopping.
// The runtime calls it where a goroutine may loop without ever reaching
// the scheduler or a preemptible prologue (allocation, channels).
void rt_safepoint(void)
{
	G *g;

	if (rt_load32(&rt_sched.gcwaiting) == 0)
		return;
	g = rt_getg();
	if (g != NULL && g->status == Grunning && rt_m->p != NULL)
		rt_gosched();
}

// ---- sysmon ----
//
// A thread without a P that wakes every 20 us to 10 ms (the naps double
// while it finds nothing to do) and looks at every P:
//   - a P in a system call since its last look, with work queued, or with
//     no other P free to take new work, or for 10 ms, is taken back and
//     handed to another M (or the idle list);
//   - a P that has run the same goroutine for 10 ms gets that goroutine
//     preempted: sysmon poisons the stack limit of the M running it, so
//     its next split-stack prologue calls __morestack, which sees the
//     poison and calls rt_morestack_preempt below.
// When every P is idle it gives the heap's spare free memory back to the
// OS (rt_mheap_scavenge) and sleeps on a note until a P starts again.

static struct {                 // what sysmon saw of each P
	uint32  schedtick, syscalltick;
	int64   schedwhen, syscallwhen;
} sysmonp[MaxGomaxprocs];

static void sysmonwake(void)
{
	if (rt_cas32(&rt_sched.sysmonwait, 1, 0))
		rt_notewakeup(&rt_sched.sysmonnote);
}

// handoffp finds p, taken back from a system call, a new owner: an M if
// there is work to do, else the idle list.
static void handoffp(P *p)
{
	p->m = NULL;
	rt_lock(&rt_sched.lock);
	if (!runqempty(p) || rt_sched.runqsize != 0) {
		startmp(p, false);      // releases sched.lock
		return;
	}
	pidleput(p);
	rt_unlock(&rt_sched.lock);
}

// preemptone asks the goroutine running on p to yield.  The poison goes
// in only if the M's limit has not changed since it was read, so it
// never lands on a limit of 0 (the M on its own stack, or on the system
// stack) and never on a limit the M installed meanwhile.  A poison that
// lands and is then overwritten by the M (a split, a switch) is lost;
// sysmon asks again on its next look.
static void preemptone(P *p)
{
	M *m = p->m;
	G *g;
	uintptr old;

	if (m == NULL || (g = m->curg) == NULL || rt_load32(&g->status) != Grunning)
		return;
	old = rt_loadp(m->limitslot);
	if (old != 0 && old != StackPreempt)
		rt_casp(m->limitslot, old, StackPreempt);
}

// retake is one look at every P; it returns how many it took back.
static uint32 retake(int64 now)
{
	uint32 i, t, n = 0;

	for (i = 0; i < rt_sched.nprocs; i++) {
		P *p = rt_sched.allp[i];
		uint32 status = rt_load32(&p->status);

		if (status == Psyscall) {
			t = rt_load32(&p->syscalltick);
			if (sysmonp[i].syscalltick != t) {
				sysmonp[i].syscalltick = t;
				sysmonp[i].syscallwhen = now;
				continue;
			}
			if (runqempty(p) && now - sysmonp[i].syscallwhen < SyscallRetakeNs &&
			    rt_load32(&rt_sched.nmspinning) + rt_load32(&rt_sched.npidle) > 0)
				continue;
			if (rt_cas32(&p->status, Psyscall, Pidle)) {
				handoffp(p);
				n++;
			}
		} else if (status == Prunning) {
			t = rt_load32(&p->schedtick);
			if (sysmonp[i].schedtick != t) {
				sysmonp[i].schedtick = t;
				sysmonp[i].schedwhen = now;
			} else if (now - sysmonp[i].schedwhen >= ForcePreemptNs) {
				preemptone(p);
			}
		}
	}
	return n;
}

static void *sysmon(void *arg)
{
	uint32 idle = 0;
	int64 delay = SysmonMinDelay;

	rt_minit();
	for (;;) {
		if (idle == 0)
			delay = SysmonMinDelay;
		else if (idle > SysmonIdleTicks && delay < SysmonMaxDelay)
			delay *= 2;
		rt_nanosleep(delay);
		if (rt_load32(&rt_sched.npidle) == rt_sched.nprocs) {
			// The program went idle: the heap gives back the free
			// memory it keeps beyond its needs, young or old.
			rt_mheap_scavenge(ScavengeIdle);
			rt_lock(&rt_sched.lock);
			if (rt_sched.npidle == rt_sched.nprocs) {
				rt_noteclear(&rt_sched.sysmonnote);
				rt_store32(&rt_sched.sysmonwait, 1);
				rt_unlock(&rt_sched.lock);
				rt_notesleep(&rt_sched.sysmonnote);
				idle = 0;
				continue;
			}
			rt_unlock(&rt_sched.lock);
		}
		if (retake(rt_nanotime()) != 0)
			idle = 0;
		else
			idle++;
	}
	return NULL;
}

// ---- preemption ----

// The runtime's code lies between these (runtime.h): it is never
// preempted, as it may hold a lock or a P's cache.  User code called from
// the runtime must not rely on the M or P staying the same across it.
extern char __start_gort_text[] __attribute__((visibility("hidden")));
extern char __stop_gort_text[] __attribute__((visibility("hidden")));
extern char rt_cgate_pool[], rt_cgate_pool_end[];

static NOSPLIT bool canpreempt(uintptr pc)
{
	if (pc >= (uintptr)__start_gort_text && pc < (uintptr)__stop_gort_text)
		return false;
	if (pc >= (uintptr)rt_cgate_pool && pc < (uintptr)rt_cgate_pool_end)
		return false;           // a C call: the caller may be the runtime
	return true;
}

static void badpreempt(void *arg)
{
	rt_throw("preemption request outside a goroutine's stack");
}

// rt_morestack_ask is called by __morestack when the stack limit is
// StackPreempt, with fp = __morestack's frame and pc = the address in the
// prologue that called it: it finds the limit of the segment fp is in
// (the real one, to put back and split from) and whether the goroutine
// may stop here.  It must not split: 386 and arm call it below the stack
// limit, through rt_morestack_preempt; amd64 calls it on the M's system
// stack, with the TLS limit 0, and then calls rt_morestack_yield itself.
//
// Stopping pushes, below fp, what __morestack keeps there (the vector
// argument registers on amd64 and arm) and the callee-saved registers
// (104 bytes on arm): YieldRoom bytes at most, more than the red zone
// holds below a frame that is already deep in it (stack.h).  There the
// goroutine goes on, and sysmon asks again at a later call.  Under
// valgrind, 128 bytes more: memcheck takes the 128 bytes below sp for the
// running frame's (amd64's ABI red zone), so as sp came back up from the
// switch it would mark the segment's header dead with them.
enum { YieldRoom = 320, YieldRoomValgrind = YieldRoom + 128 };

NOSPLIT PreemptAsk rt_morestack_ask(uintptr fp, uintptr pc)
{
	M *m = rt_m;
	G *g = m->curg;
	Segment *s = g != NULL ? rt_stack_find(g->stack, fp) : NULL;
	PreemptAsk a;

	if (s == NULL)
		rt_systemstack(badpreempt, NULL, m->sysstacktop);
	a.limit = rt_segment_limit(s);
	a.yield = g->status == Grunning && m->p != NULL && canpreempt(pc) &&
		fp - (rt_valgrind_on ? YieldRoomValgrind : YieldRoom) >= a.limit - StackRed;
	return a;
}

// rt_morestack_yield stops the running goroutine for sysmon; it carries
// on, maybe on another M, when the scheduler picks it again.
NOSPLIT void rt_morestack_yield(void)
{
	G *g = rt_m->curg;

	rt_mcall(&g->sched, rt_m->g0top, gopreempt0, g);
}

// rt_morestack_preempt does both steps for 386 and arm, and returns the
// limit (installed on whichever M the goroutine then runs on).
NOSPLIT uintptr rt_morestack_preempt(uintptr fp, uintptr pc)
{
	PreemptAsk a = rt_morestack_ask(fp, pc);

	rt_setlimit(a.limit);
	if (a.yield)
		rt_morestack_yield();
	return a.limit;
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
		rt_prints(p->status == Prunning ? ": status=running" :
			p->status == Psyscall ? ": status=syscall" :
			p->status == Pgcstop ? ": status=gcstop" : ": status=idle");
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

// defaultprocs: GORT_MAXPROCS, else the CPUs this process may run on,
// capped by its cgroup's CPU quota (rounded up).
static uint32 defaultprocs(void)
{
	int32 n, quota;

	if (rt_knobs.maxprocs > 0)
		return (uint32)rt_knobs.maxprocs;
	n = rt_ncpu();
	quota = rt_cpuquota();
	if (quota > 0 && quota < n)
		n = quota;
	return (uint32)n;
}

void rt_schedinit(void)
{
	uint32 i, n = defaultprocs();
	P *p;

	if (n > MaxGomaxprocs)
		n = MaxGomaxprocs;
	initgtype();
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
	rt_gcinit();
	rt_schedinit();
	if (rt_knobs.schedtrace > 0)
		rt_startthread(traceproc, NULL, "cannot create the schedtrace thread");
	rt_startthread(sysmon, NULL, "cannot create the sysmon thread");
	fa[0] = (void *)fn;
	fa[1] = arg;
	rt_newproc(mainwrap, fa);
	rt_m->g0top = rt_getsp() - G0Margin;
	rt_gogo(schedule());
}

// ---- the public API (gort.h) ----

#include "gort/abi.h"

void gort_go(void (*fn)(void *), void *arg)
{
	rt_gcmaybe();
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

	rt_gcmaybe();
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

// The count is kept per P, where goroutines are made and end, and summed
// here: one counter for all made every spawn and exit on two Ps fight for
// one cache line (15% of skynet's time on two Ps).  rt_sched.ngoroutines
// holds what is counted off the Ps (the finalizer goroutine is not a
// user's).  Each term is exact; the sum, read while goroutines come and
// go, is a count from some moment around the call, as Go's.
int gort_numgoroutine(void)
{
	uint32 n = rt_load32(&rt_sched.ngoroutines), i;

	for (i = 0; i < rt_sched.nprocs; i++)
		n += rt_load32(&rt_sched.allp[i]->ngo);
	return (int)n;
}
