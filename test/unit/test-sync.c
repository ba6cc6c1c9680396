// test-sync: lib/sync (Mutex, WaitGroup, Once) and the semaphores under
// it.  Each test is a whole program (gort_run) in a child.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gort.h"
#include "gort/abi.h"
#include "gort/sync.h"
#include "rtcheck.h"
#include "runtime.h"

enum { Ms = 1000000 };

// ---- Mutex ----

enum { Lockers = 8, Increments = 20000 };

static gort_mutex mu;
static long counter;
static gort_waitgroup wg;

static void locker(void *arg)
{
	int i;

	for (i = 0; i < Increments; i++) {
		gort_mutex_lock(&mu);
		counter++;              // not atomic: only the mutex keeps it exact
		if (i % 100 == 0)
			gort_yield();   // hold it across a switch now and then
		gort_mutex_unlock(&mu);
	}
	gort_waitgroup_done(&wg);
}

static void mutexmain(void *arg)
{
	int i;

	gort_waitgroup_add(&wg, Lockers);
	for (i = 0; i < Lockers; i++)
		gort_go(locker, NULL);
	gort_waitgroup_wait(&wg);
	RTCHECK(counter == (long)Lockers * Increments);
	RTCHECK(mu.state == 0);
	RTCHECK(gort_mutex_trylock(&mu) == 1 && gort_mutex_trylock(&mu) == 0);
	gort_mutex_unlock(&mu);
}

START_TEST(a_mutex_excludes_under_contention)
{
	rtcheck_prog_ok(mutexmain, 4);
	rtcheck_prog_ok(mutexmain, 1);
}
END_TEST

static void unlockunlocked(void *arg)
{
	gort_mutex m = {0};

	gort_mutex_unlock(&m);
}

START_TEST(unlock_of_an_unlocked_mutex_is_fatal)
{
	static char out[8192];
	int st = rtcheck_prog(unlockunlocked, 1, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_msg(strncmp(out, "fatal error: sync: unlock of unlocked mutex\n", 44) == 0, "%s", out);
	ck_assert_msg(strstr(out, "\nunlockunlocked+0x") != NULL, "%s", out);
}
END_TEST

// ---- WaitGroup ----

static uint32 finished, released;
static gort_waitgroup group;

static void member(void *arg)
{
	gort_sleep((long)(intptr_t)arg % 5 * Ms);
	__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
	gort_waitgroup_done(&group);
}

static void waiterg(void *arg)
{
	gort_waitgroup_wait(&group);
	RTCHECK(__atomic_load_n(&finished, __ATOMIC_SEQ_CST) == 100);
	__atomic_add_fetch(&released, 1, __ATOMIC_SEQ_CST);
}

static void waitgroupmain(void *arg)
{
	long i;

	gort_waitgroup_add(&group, 100);
	for (i = 0; i < 3; i++)
		gort_go(waiterg, NULL);
	for (i = 0; i < 100; i++)
		gort_go(member, (void *)(intptr_t)i);
	gort_waitgroup_wait(&group);
	RTCHECK(finished == 100);
	while (__atomic_load_n(&released, __ATOMIC_SEQ_CST) < 3)
		gort_yield();
	gort_waitgroup_wait(&group);    // at zero: returns at once
}

START_TEST(a_waitgroup_releases_every_waiter_at_zero)
{
	rtcheck_prog_ok(waitgroupmain, 4);
	rtcheck_prog_ok(waitgroupmain, 1);
}
END_TEST

static void negative(void *arg)
{
	gort_waitgroup w = {0};

	gort_waitgroup_add(&w, 1);
	gort_waitgroup_done(&w);
	gort_waitgroup_done(&w);
}

START_TEST(a_negative_waitgroup_counter_panics)
{
	static char out[8192];
	int st = rtcheck_prog(negative, 1, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_msg(strncmp(out, "panic: sync: negative WaitGroup counter\n\ngoroutine 1 [running]:\n", 63) == 0, "%s", out);
}
END_TEST

// ---- Once ----

static gort_once once;
static uint32 ran, initialized;
static gort_waitgroup callers;

static void initonce(void *arg)
{
	__atomic_add_fetch(&ran, 1, __ATOMIC_SEQ_CST);
	gort_sleep(10 * Ms);            // others must wait for this to return
	__atomic_store_n(&initialized, 1, __ATOMIC_SEQ_CST);
}

static void caller(void *arg)
{
	gort_once_do(&once, initonce, NULL);
	RTCHECK(__atomic_load_n(&initialized, __ATOMIC_SEQ_CST) == 1);
	gort_waitgroup_done(&callers);
}

static void oncemain(void *arg)
{
	int i;

	gort_waitgroup_add(&callers, 50);
	for (i = 0; i < 50; i++)
		gort_go(caller, NULL);
	gort_waitgroup_wait(&callers);
	RTCHECK(ran == 1);
}

START_TEST(once_runs_once_and_everyone_waits_for_it)
{
	rtcheck_prog_ok(oncemain, 4);
	rtcheck_prog_ok(oncemain, 1);
}
END_TEST

// ---- RWMutex ----

static gort_rwmutex rw;
static gort_chan *bothin;

static void sharer(void *arg)
{
	gort_rwmutex_rlock(&rw);
	gort_chan_send(bothin, NULL);   // the other reader holds it too
	gort_rwmutex_runlock(&rw);
}

static void sharemain(void *arg)
{
	bothin = gort_chan_make(0, 0);
	gort_rwmutex_rlock(&rw);
	gort_go(sharer, NULL);
	gort_chan_recv(bothin, NULL);   // deadlock here if readers excluded each other
	gort_rwmutex_runlock(&rw);
	gort_rwmutex_lock(&rw);         // and a writer gets in once they are gone
	gort_rwmutex_unlock(&rw);
}

START_TEST(readers_share_a_rwmutex)
{
	rtcheck_prog_ok(sharemain, 1);
	rtcheck_prog_ok(sharemain, 2);
}
END_TEST

static long pa, pb;
static gort_waitgroup rwg;

static void rwwriter(void *arg)
{
	int i;

	for (i = 0; i < 2000; i++) {
		gort_rwmutex_lock(&rw);
		pa++;
		if (i % 50 == 0)
			gort_yield();
		pb++;
		gort_rwmutex_unlock(&rw);
	}
	gort_waitgroup_done(&rwg);
}

static void rwreader(void *arg)
{
	int i;

	for (i = 0; i < 2000; i++) {
		gort_rwmutex_rlock(&rw);
		RTCHECK(pa == pb);        // never half a write
		if (i % 50 == 0)
			gort_yield();
		gort_rwmutex_runlock(&rw);
	}
	gort_waitgroup_done(&rwg);
}

static void rwmain(void *arg)
{
	int i;

	gort_waitgroup_add(&rwg, 8);
	for (i = 0; i < 4; i++) {
		gort_go(rwwriter, NULL);
		gort_go(rwreader, NULL);
	}
	gort_waitgroup_wait(&rwg);
	RTCHECK(pa == 8000 && pb == 8000);
	RTCHECK(rw.readercount == 0 && rw.w.state == 0);
}

START_TEST(a_writer_excludes_readers_and_writers)
{
	rtcheck_prog_ok(rwmain, 4);
	rtcheck_prog_ok(rwmain, 1);
}
END_TEST

static void runlockunlocked(void *arg)
{
	gort_rwmutex r = {0};

	gort_rwmutex_runlock(&r);
}

START_TEST(runlock_of_an_unlocked_rwmutex_is_fatal)
{
	static char out[8192];
	int st = rtcheck_prog(runlockunlocked, 1, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_msg(strncmp(out, "fatal error: sync: RUnlock of unlocked RWMutex\n", 47) == 0, "%s", out);
}
END_TEST

// ---- Cond ----

enum { Items = 5000, Takers = 4 };

static gort_mutex qmu;
static gort_cond qcond = {.L = &qmu};
static int queue[Items], qhead, qtail;
static long taken;
static gort_waitgroup takersdone;

static void taker(void *arg)
{
	long sum = 0;

	for (;;) {
		gort_mutex_lock(&qmu);
		while (qhead == qtail && qtail < Items)
			gort_cond_wait(&qcond);
		if (qhead == Items) {
			gort_mutex_unlock(&qmu);
			break;
		}
		sum += queue[qhead++];
		gort_mutex_unlock(&qmu);
	}
	gort_mutex_lock(&qmu);
	taken += sum;
	gort_mutex_unlock(&qmu);
	gort_waitgroup_done(&takersdone);
}

static void condmain(void *arg)
{
	int i;

	gort_waitgroup_add(&takersdone, Takers);
	for (i = 0; i < Takers; i++)
		gort_go(taker, NULL);
	for (i = 0; i < Items; i++) {
		gort_mutex_lock(&qmu);
		queue[qtail++] = i;
		gort_mutex_unlock(&qmu);
		gort_cond_signal(&qcond);
	}
	gort_mutex_lock(&qmu);
	gort_mutex_unlock(&qmu);
	gort_cond_broadcast(&qcond);    // the end: wake everyone to see it
	gort_waitgroup_wait(&takersdone);
	RTCHECK(taken == (long)Items * (Items - 1) / 2);
}

START_TEST(cond_hands_work_to_waiters_and_broadcast_wakes_all)
{
	rtcheck_prog_ok(condmain, 4);
	rtcheck_prog_ok(condmain, 1);
}
END_TEST

// ---- the semaphore itself ----

static uint32 sem;
static uint32 got;

static void acquirer(void *arg)
{
	gort_semacquire(&sem);
	__atomic_add_fetch(&got, 1, __ATOMIC_SEQ_CST);
}

static void semamain(void *arg)
{
	int i;

	gort_semrelease(&sem);          // a unit before anyone waits
	gort_semacquire(&sem);
	for (i = 0; i < 200; i++)
		gort_go(acquirer, NULL);
	for (i = 0; i < 200; i++) {
		gort_semrelease(&sem);
		if (i % 10 == 0)
			gort_yield();
	}
	while (__atomic_load_n(&got, __ATOMIC_SEQ_CST) < 200)
		gort_yield();
	RTCHECK(sem == 0);
}

START_TEST(each_release_wakes_one_acquirer)
{
	rtcheck_prog_ok(semamain, 4);
	rtcheck_prog_ok(semamain, 1);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("sync");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, a_mutex_excludes_under_contention);
	tcase_add_test(tc, unlock_of_an_unlocked_mutex_is_fatal);
	tcase_add_test(tc, a_waitgroup_releases_every_waiter_at_zero);
	tcase_add_test(tc, a_negative_waitgroup_counter_panics);
	tcase_add_test(tc, once_runs_once_and_everyone_waits_for_it);
	tcase_add_test(tc, each_release_wakes_one_acquirer);
	tcase_add_test(tc, readers_share_a_rwmutex);
	tcase_add_test(tc, a_writer_excludes_readers_and_writers);
	tcase_add_test(tc, runlock_of_an_unlocked_rwmutex_is_fatal);
	tcase_add_test(tc, cond_hands_work_to_waiters_and_broadcast_wakes_all);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
