/* gort/sync.h: Mutex, RWMutex, WaitGroup, Once and Cond for goroutines,
 * as in Go's sync.
 *
 * All are usable at their zero value (= {0}) and must not be copied once
 * used.  A goroutine that waits on them parks; the thread runs others.
 * Built on gort's semaphores (gort_semacquire/gort_semrelease); the
 * uncontended paths are one compare-and-swap.
 *
 * Mutex state word: bit 0 locked; bits 1-31 the number of goroutines
 * asleep waiting for it.  Lock takes the bit, or counts itself a waiter
 * and sleeps on the semaphore; unlock clears the bit and, if someone
 * waits and nobody has taken the lock meanwhile, wakes one waiter, who
 * tries again.  Unlocking an unlocked mutex is fatal, as in Go.
 */
#ifndef GORT_SYNC_H
#define GORT_SYNC_H

#include <gort.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gort_mutex {
	uint32_t state;
	uint32_t sema;
} gort_mutex;

GORT_EXPORT void gort_mutex_lock(gort_mutex *m);
GORT_EXPORT int gort_mutex_trylock(gort_mutex *m);      /* 1 if locked */
GORT_EXPORT void gort_mutex_unlock(gort_mutex *m);

/* A WaitGroup waits for a count of goroutines to finish: add(n) before
 * starting them, done() as each ends, wait() until the count is 0.  A
 * negative count panics ("sync: negative WaitGroup counter"). */
typedef struct gort_waitgroup {
	gort_mutex mu;
	int32_t count;
	uint32_t waiters;
	uint32_t sema;
} gort_waitgroup;

GORT_EXPORT void gort_waitgroup_add(gort_waitgroup *wg, int delta);
GORT_EXPORT void gort_waitgroup_done(gort_waitgroup *wg);
GORT_EXPORT void gort_waitgroup_wait(gort_waitgroup *wg);

/* gort_once_do runs f(arg) the first time it is called for this Once, and
 * every caller returns only once that first call has returned. */
typedef struct gort_once {
	uint32_t done;
	gort_mutex mu;
} gort_once;

GORT_EXPORT void gort_once_do(gort_once *o, void (*f)(void *), void *arg);

/* RWMutex: many readers or one writer.  A waiting writer holds back new
 * readers, so writers are not starved.  readercount counts readers, and
 * is driven negative (by GORT_RWMUTEX_MAX) while a writer is pending;
 * readerwait counts the readers a pending writer still waits for. */
#define GORT_RWMUTEX_MAX (1 << 30)
typedef struct gort_rwmutex {
	gort_mutex w;
	uint32_t writersem, readersem;
	int32_t readercount, readerwait;
} gort_rwmutex;

GORT_EXPORT void gort_rwmutex_rlock(gort_rwmutex *rw);
GORT_EXPORT void gort_rwmutex_runlock(gort_rwmutex *rw);
GORT_EXPORT void gort_rwmutex_lock(gort_rwmutex *rw);
GORT_EXPORT void gort_rwmutex_unlock(gort_rwmutex *rw);

/* Cond: goroutines wait (holding L, which wait releases and takes again)
 * until signalled, oldest first, or all at once by broadcast.  Set L
 * before use. */
struct gort_condwaiter;
typedef struct gort_cond {
	gort_mutex *L;
	gort_mutex mu;                  /* guards the queue */
	struct gort_condwaiter *first, *last;
} gort_cond;

GORT_EXPORT void gort_cond_wait(gort_cond *c);
GORT_EXPORT void gort_cond_signal(gort_cond *c);
GORT_EXPORT void gort_cond_broadcast(gort_cond *c);

#ifdef __cplusplus
}
#endif

#endif
