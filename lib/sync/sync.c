/* sync.c: gort/sync.h, on the public API alone.  See sync.h for the design. */
#include <atomic_ops.h>

#include <gort.h>
#include <gort/abi.h>

#include "gort/sync.h"

enum {
	MutexLocked = 1,
	MutexWaiter = 2,        /* one waiter, in the state word */
};

static int cas(uint32_t *p, uint32_t old, uint32_t new)
{
	return AO_int_compare_and_swap_full((volatile unsigned *)p, old, new);
}

static uint32_t load(const uint32_t *p)
{
	return AO_int_load_acquire((const volatile unsigned *)p);
}

/* ---- Mutex ---- */

int gort_mutex_trylock(gort_mutex *m)
{
	uint32_t old = load(&m->state);

	return !(old & MutexLocked) && cas(&m->state, old, old | MutexLocked);
}

void gort_mutex_lock(gort_mutex *m)
{
	uint32_t old;

	if (cas(&m->state, 0, MutexLocked))
		return;
	for (;;) {
		old = load(&m->state);
		if (!(old & MutexLocked)) {
			if (cas(&m->state, old, old | MutexLocked))
				return;
		} else if (cas(&m->state, old, old + MutexWaiter)) {
			gort_semacquire(&m->sema);      /* the unlocker uncounted us */
		}
	}
}

void gort_mutex_unlock(gort_mutex *m)
{
	uint32_t old;

	for (;;) {
		old = load(&m->state);
		if (!(old & MutexLocked))
			gort_fatal("sync: unlock of unlocked mutex");
		if (cas(&m->state, old, old & ~(uint32_t)MutexLocked))
			break;
	}
	for (;;) {
		old = load(&m->state);
		/* Nobody waits, or somebody has the lock already: its unlock
		 * will wake the next. */
		if (old < MutexWaiter || (old & MutexLocked))
			return;
		if (cas(&m->state, old, old - MutexWaiter)) {
			gort_semrelease(&m->sema);
			return;
		}
	}
}

/* ---- WaitGroup ---- */

void gort_waitgroup_add(gort_waitgroup *wg, int delta)
{
	uint32_t n;

	gort_mutex_lock(&wg->mu);
	wg->count += delta;
	if (wg->count < 0) {
		gort_mutex_unlock(&wg->mu);
		gort_panic("sync: negative WaitGroup counter");
	}
	n = wg->count == 0 ? wg->waiters : 0;
	if (n > 0)
		wg->waiters = 0;
	gort_mutex_unlock(&wg->mu);
	while (n-- > 0)
		gort_semrelease(&wg->sema);
}

void gort_waitgroup_done(gort_waitgroup *wg)
{
	gort_waitgroup_add(wg, -1);
}

void gort_waitgroup_wait(gort_waitgroup *wg)
{
	gort_mutex_lock(&wg->mu);
	if (wg->count == 0) {
		gort_mutex_unlock(&wg->mu);
		return;
	}
	wg->waiters++;
	gort_mutex_unlock(&wg->mu);
	gort_semacquire(&wg->sema);
}

/* ---- Once ---- */

void gort_once_do(gort_once *o, void (*f)(void *), void *arg)
{
	if (load(&o->done))
		return;
	gort_mutex_lock(&o->mu);
	if (!o->done) {
		f(arg);
		AO_int_store_release((volatile unsigned *)&o->done, 1);
	}
	gort_mutex_unlock(&o->mu);
}
