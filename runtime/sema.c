// sema.c: semaphores for goroutines, on which lib/sync is built.
//
// A semaphore is a uint32 count anywhere in memory.  Acquire takes one
// unit, waiting while the count is 0; release adds one and wakes a waiter.
// Waiters are parked goroutines, queued in a table of 251 buckets hashed by
// the semaphore's address, each with its own lock (so distinct semaphores
// rarely contend).
//
// Acquire, step by step:
//   1. Fast path: if the count is above 0, take a unit with a CAS.  Done.
//   2. Lock the bucket, count this goroutine as a waiter (nwait), and try
//      once more: a release may have come in between.
//   3. Queue a waiter on the goroutine's own stack and park; the bucket
//      lock is released once off the stack.
// Release: add a unit; if nwait says nobody waits, done (the fast path);
// otherwise lock the bucket and hand the unit straight to the first waiter
// for this address (taking it back from the count), then ready it.  A
// handed-over unit cannot be stolen by a newcomer's fast path.
#include "runtime.h"
#include "atomic.h"
#include "proc.h"
#include "gort.h"
#include "gort/abi.h"

enum { SemTableSize = 251 };

typedef struct SemWaiter SemWaiter;
struct SemWaiter {
	uint32  *addr;
	G       *g;
	SemWaiter *next;
};

static struct {
	Lock    lock;
	SemWaiter *first, *last;
	uint32  nwait;          // waiters in this bucket, read without the lock
} __attribute__((aligned(CACHELINESIZE))) semtable[SemTableSize];

static uint32 bucket(uint32 *addr)
{
	return (uint32)(((uintptr)addr >> 3) % SemTableSize);
}

static bool cansemacquire(uint32 *addr)
{
	uint32 v;

	while ((v = rt_load32(addr)) > 0)
		if (rt_cas32(addr, v, v - 1))
			return true;
	return false;
}

void rt_semacquire(uint32 *addr)
{
	uint32 b = bucket(addr);
	SemWaiter w;

	if (cansemacquire(addr))
		return;
	rt_lock(&semtable[b].lock);
	rt_xadd32(&semtable[b].nwait, 1);
	if (cansemacquire(addr)) {
		rt_xadd32(&semtable[b].nwait, -1);
		rt_unlock(&semtable[b].lock);
		return;
	}
	w = (SemWaiter){.addr = addr, .g = rt_getg()};
	if (semtable[b].last != NULL)
		semtable[b].last->next = &w;
	else
		semtable[b].first = &w;
	semtable[b].last = &w;
	rt_park("semacquire", &semtable[b].lock);
	// Woken by release, with the unit handed over.
}

void rt_semrelease(uint32 *addr)
{
	uint32 b = bucket(addr);
	SemWaiter *w, *prev = NULL;

	rt_xadd32(addr, 1);
	if (rt_load32(&semtable[b].nwait) == 0)
		return;
	rt_lock(&semtable[b].lock);
	for (w = semtable[b].first; w != NULL; prev = w, w = w->next) {
		if (w->addr != addr)
			continue;
		if (!cansemacquire(addr))      // taken already by a fast path
			break;
		if (prev != NULL)
			prev->next = w->next;
		else
			semtable[b].first = w->next;
		if (semtable[b].last == w)
			semtable[b].last = prev;
		rt_xadd32(&semtable[b].nwait, -1);
		rt_unlock(&semtable[b].lock);
		rt_ready(w->g, NULL);
		return;
	}
	rt_unlock(&semtable[b].lock);
}

// ---- the public API (gort.h), for lib/sync and the like ----

void gort_semacquire(uint32_t *addr)
{
	rt_semacquire(addr);
}

void gort_semrelease(uint32_t *addr)
{
	rt_semrelease(addr);
}
