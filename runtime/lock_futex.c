// lock_futex.c: Lock and Note on Linux futexes.  See docs/os.md.
//
// Lock words:
//   key       0 unlocked, 1 locked
//   sleepers  threads in the sleeping part of the slow path
// The fast path takes the lock with one compare-and-swap 0->1, and lets
// go with a plain store of 0: no second locked instruction, which in a
// channel round trip (four locks and unlocks) was a tenth of the time.
// A contended locker spins a little (the holder is usually about to let
// go), then counts itself in sleepers and sleeps in futex_wait while key
// is 1; an unlock that finds sleepers wakes one.
//
// That is Dekker's pattern, and it needs store->load order on both
// sides: the unlocker stores key and then loads sleepers, the sleeper
// adds to sleepers and then (in the kernel) loads key.  If each side
// could miss the other's store, the sleeper would sleep on a free lock
// with nobody to wake it.  The sleeper's add is a locked instruction, a
// full barrier.  The unlocker's store and load would need one too (on
// x86 a load may pass an earlier store), and that is the locked
// instruction the plain store saved.  So the sleeper pays for both,
// with membarrier(PRIVATE_EXPEDITED) after its add: every running thread
// of the process takes a full barrier before it returns.  An unlocker
// whose load came before that barrier had made its store before it too,
// and the barrier makes the store visible, so the kernel's load sees 0
// and the sleeper does not sleep; one whose load came after sees the
// sleeper.  A sleeper woken in vain (another thread took the lock
// first) sleeps again without a second membarrier: it is still counted,
// and every unlock after its first one comes after that barrier.  Both
// sides must agree on the mode: rt_boot sets rt_sched.asymfence before
// main, when no other thread exists, and nothing changes it after (but
// tests, between their threads).  Sleeping costs one
// membarrier more (tens of microseconds here, against the futex calls'
// few), and locks are slept on rarely: a few thousand times in a
// ten-second binarytrees, mostly by the collector's helpers.  Where
// membarrier is missing (rt_sched.asymfence false) the unlock stores
// with an exchange, a full barrier, and the sleeper makes no call.
//
// Note word (Note.key):
//   0  not yet woken (rt_noteclear)
//   1  woken (rt_notewakeup); stays 1 until cleared
// A Note is one-shot: one sleeper, one wakeup, then clear it before reuse.
#include "runtime.h"
#include "atomic.h"
#include "proc.h"

// rt_lock, rt_unlock and what they call do not split (but for the
// throws of a fatal error, which end the process): the runtime holds
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
	rt_xadd32(&l->sleepers, 1);
	rt_fenceothers();
	while (rt_xchg32(&l->key, 1) != 0)
		futexsleep(&l->key, 1, -1);
	rt_xadd32(&l->sleepers, -1);
}

NOSPLIT void rt_lock(Lock *l)
{
	if (!rt_cas32(&l->key, 0, 1))
		lockslow(l);
}

NOSPLIT void rt_unlock(Lock *l)
{
	if (rt_load32(&l->key) == 0)
		rt_throw("unlock of unlocked lock");
	if (rt_load32(&rt_sched.asymfence)) {
		rt_store32(&l->key, 0);
		rt_compilerfence();     // the sleeper's membarrier orders the two
	} else {
		rt_xchg32(&l->key, 0);
	}
	if (rt_load32(&l->sleepers) != 0)
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
