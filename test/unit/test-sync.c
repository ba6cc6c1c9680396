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

typedef struct Prog {
	void (*main)(void *);
	int nprocs;
} Prog;

static void runchild(void *arg)
{
	Prog *p = arg;

	rt_knobs.maxprocs = p->nprocs;
	gort_run(p->main, NULL);
}

static int run(void (*main)(void *), int nprocs, char *out, size_t size)
{
	Prog p = {main, nprocs};

	return rtcheck_child(runchild, &p, out, size);
}

static void runok(void (*main)(void *), int nprocs)
{
	static char out[8192];
	int st = run(main, nprocs, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		"%d Ps: status %x: %.2000s", nprocs, st, out);
}

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "failed: %s (line %d)\n", #cond, __LINE__); exit(3); } } while (0)

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
	CHECK(counter == (long)Lockers * Increments);
	CHECK(mu.state == 0);
	CHECK(gort_mutex_trylock(&mu) == 1 && gort_mutex_trylock(&mu) == 0);
	gort_mutex_unlock(&mu);
}

START_TEST(a_mutex_excludes_under_contention)
{
	runok(mutexmain, 4);
	runok(mutexmain, 1);
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
	int st = run(unlockunlocked, 1, out, sizeof out);

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
	CHECK(__atomic_load_n(&finished, __ATOMIC_SEQ_CST) == 100);
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
	CHECK(finished == 100);
	while (__atomic_load_n(&released, __ATOMIC_SEQ_CST) < 3)
		gort_yield();
	gort_waitgroup_wait(&group);    // at zero: returns at once
}

START_TEST(a_waitgroup_releases_every_waiter_at_zero)
{
	runok(waitgroupmain, 4);
	runok(waitgroupmain, 1);
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
	int st = run(negative, 1, out, sizeof out);

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
	CHECK(__atomic_load_n(&initialized, __ATOMIC_SEQ_CST) == 1);
	gort_waitgroup_done(&callers);
}

static void oncemain(void *arg)
{
	int i;

	gort_waitgroup_add(&callers, 50);
	for (i = 0; i < 50; i++)
		gort_go(caller, NULL);
	gort_waitgroup_wait(&callers);
	CHECK(ran == 1);
}

START_TEST(once_runs_once_and_everyone_waits_for_it)
{
	runok(oncemain, 4);
	runok(oncemain, 1);
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
	CHECK(sem == 0);
}

START_TEST(each_release_wakes_one_acquirer)
{
	runok(semamain, 4);
	runok(semamain, 1);
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
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
