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

static int32_t xadd(int32_t *p, int32_t d)       /* returns the new value */
{
	return (int32_t)(AO_int_fetch_and_add_full((volatile unsigned *)p, (unsigned)d) + (unsigned)d);
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

/* ---- RWMutex ---- */

void gort_rwmutex_rlock(gort_rwmutex *rw)
{
	if (xadd(&rw->readercount, 1) < 0)      /* a writer is pending */
		gort_semacquire(&rw->readersem);
}

void gort_rwmutex_runlock(gort_rwmutex *rw)
{
	int32_t r = xadd(&rw->readercount, -1);

	if (r >= 0)
		return;
	if (r + 1 == 0 || r + 1 == -GORT_RWMUTEX_MAX)
		gort_fatal("sync: RUnlock of unlocked RWMutex");
	if (xadd(&rw->readerwait, -1) == 0)     /* the last reader the writer waits for */
		gort_semrelease(&rw->writersem);
}

void gort_rwmutex_lock(gort_rwmutex *rw)
{
	int32_t r;

	gort_mutex_lock(&rw->w);                /* one writer at a time */
	r = xadd(&rw->readercount, -GORT_RWMUTEX_MAX) + GORT_RWMUTEX_MAX;
	if (r != 0 && xadd(&rw->readerwait, r) != 0)
		gort_semacquire(&rw->writersem);
}

void gort_rwmutex_unlock(gort_rwmutex *rw)
{
	int32_t r = xadd(&rw->readercount, GORT_RWMUTEX_MAX), i;

	if (r >= GORT_RWMUTEX_MAX)
		gort_fatal("sync: Unlock of unlocked RWMutex");
	for (i = 0; i < r; i++)                 /* the readers held back */
		gort_semrelease(&rw->readersem);
	gort_mutex_unlock(&rw->w);
}

/* ---- Cond ---- */

struct gort_condwaiter {
	uint32_t sema;
	struct gort_condwaiter *next;
};

void gort_cond_wait(gort_cond *c)
{
	struct gort_condwaiter w = {0, NULL};

	/* Queued before L is let go, so a signal after that finds us; the
	 * semaphore keeps a signal that comes before we sleep. */
	gort_mutex_lock(&c->mu);
	if (c->last != NULL)
		c->last->next = &w;
	else
		c->first = &w;
	c->last = &w;
	gort_mutex_unlock(&c->mu);
	gort_mutex_unlock(c->L);
	gort_semacquire(&w.sema);
	gort_mutex_lock(c->L);
}

void gort_cond_signal(gort_cond *c)
{
	struct gort_condwaiter *w;

	gort_mutex_lock(&c->mu);
	w = c->first;
	if (w != NULL) {
		c->first = w->next;
		if (c->first == NULL)
			c->last = NULL;
	}
	gort_mutex_unlock(&c->mu);
	if (w != NULL)
		gort_semrelease(&w->sema);
}

void gort_cond_broadcast(gort_cond *c)
{
	struct gort_condwaiter *w, *next;

	gort_mutex_lock(&c->mu);
	w = c->first;
	c->first = c->last = NULL;
	gort_mutex_unlock(&c->mu);
	for (; w != NULL; w = next) {
		next = w->next;         /* read before the waiter runs on */
		gort_semrelease(&w->sema);
	}
}
