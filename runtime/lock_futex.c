// lock_futex.c: Lock and Note on Linux futexes.  See docs/os.md.
//
// Lock word (Lock.key):
//   0  unlocked
//   1  locked, nobody sleeping on it
//   2  locked, and a thread may be sleeping in futex_wait: unlock must wake
// The fast path is one compare-and-swap 0->1.  A contended locker spins a
// little (the holder is usually about to let go), then sets 2 and sleeps;
// whoever takes the lock from the slow path keeps it at 2, so a wakeup is
// never lost, at the price of an occasional futex_wake nobody needed.
//
// Note word (Note.key):
//   0  not yet woken (rt_noteclear)
//   1  woken (rt_notewakeup); stays 1 until cleared
// A Note is one-shot: one sleeper, one wakeup, then clear it before reuse.
#include "runtime.h"
#include "atomic.h"

// rt_lock, rt_unlock and what they call do not split: the runtime holds
// locks on goroutine stacks, and a split needs the heap, whose lock must
// never be wanted by a split taken while it is held (mheap.c).  Their
// frames are small; they run in the red zone when they must.

enum {
	SpinTries        = 4,
	SpinPause        = 30,
	EAGAIN_          = 11,
	EINTR_           = 4,
	ETIMEDOUT_       = 110,
};

// futexsleep sleeps while *addr == val, at most ns nanoseconds (ns < 0:
// no limit).  It may return early or spuriously; callers re-check.
static NOSPLIT void futexsleep(uint32 *addr, uint32 val, int64 ns)
{
	Timespec ts, *tsp;

	tsp = NULL;
	if (ns >= 0) {
		ts.sec = ns / 1000000000;
		ts.nsec = ns % 1000000000;
		tsp = &ts;
	}
	rt_futex(addr, FutexWaitPrivate, val, tsp);
}

static NOSPLIT void futexwakeup(uint32 *addr, uint32 n)
{
	int32 r;

	r = rt_futex(addr, FutexWakePrivate, n, NULL);
	if (r < 0)
		rt_throw("futexwakeup failed");
}

static NOINLINE NOSPLIT void lockslow(Lock *l)
{
	int32 i;

	for (i = 0; i < SpinTries; i++) {
		if (rt_load32(&l->key) == 0 && rt_cas32(&l->key, 0, 1))
			return;
		rt_procyield(SpinPause);
	}
	while (rt_xchg32(&l->key, 2) != 0)
		futexsleep(&l->key, 2, -1);
}

NOSPLIT void rt_lock(Lock *l)
{
	if (!rt_cas32(&l->key, 0, 1))
		lockslow(l);
}

NOSPLIT void rt_unlock(Lock *l)
{
	uint32 v;

	v = rt_xchg32(&l->key, 0);
	if (v == 0)
		rt_throw("unlock of unlocked lock");
	if (v == 2)
		futexwakeup(&l->key, 1);
}

void rt_noteclear(Note *n)
{
	rt_store32(&n->key, 0);
}

void rt_notewakeup(Note *n)
{
	if (rt_xchg32(&n->key, 1) != 0)
		rt_throw("notewakeup - double wakeup");
	futexwakeup(&n->key, 1);
}

void rt_notesleep(Note *n)
{
	while (rt_load32(&n->key) == 0)
		futexsleep(&n->key, 0, -1);
}

// rt_notetsleep sleeps until the note is woken or ns nanoseconds pass;
// it reports whether the note was woken.
bool rt_notetsleep(Note *n, int64 ns)
{
	int64 deadline, now;

	if (ns < 0) {
		rt_notesleep(n);
		return true;
	}
	deadline = rt_nanotime() + ns;
	while (rt_load32(&n->key) == 0) {
		now = rt_nanotime();
		if (now >= deadline)
			return false;
		futexsleep(&n->key, 0, deadline - now);
	}
	return true;
}
