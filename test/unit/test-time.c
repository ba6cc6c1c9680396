// test-time: sleep, timers, and idleness.  Each test is a whole program
// (gort_run) in a child; the verdict is its exit status and stderr.  No
// test asserts an upper bound on time: only "at least" and order.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "gort.h"
#include "rtcheck.h"

#if GORT_VALGRIND
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif
#include "runtime.h"

enum { Ms = 1000000 };

static void sleepmain(void *arg)
{
	int64_t t0 = gort_nanotime();

	gort_sleep(20 * Ms);
	RTCHECK(gort_nanotime() - t0 >= 20 * Ms);
	gort_sleep(0);
	gort_sleep(-5);
}

START_TEST(sleep_sleeps_at_least_as_long_as_asked)
{
	rtcheck_prog_ok(sleepmain, 1);
}
END_TEST

static gort_chan *order;
static int64_t start;

static void sleeper(void *arg)
{
	int id = (int)(intptr_t)arg;

	// From one common start, so that a late start does not reorder them.
	gort_sleep(start + id * 100 * Ms - gort_nanotime());
	gort_chan_send(order, &id);
}

static void ordermain(void *arg)
{
	int ids[] = {3, 1, 2}, i, got;

	order = gort_chan_make(sizeof(int), 0);
	start = gort_nanotime();
	for (i = 0; i < 3; i++)
		gort_go(sleeper, (void *)(intptr_t)ids[i]);
	for (i = 1; i <= 3; i++) {
		gort_chan_recv(order, &got);
		RTCHECK(got == i);
	}
}

START_TEST(sleepers_wake_in_deadline_order)
{
	rtcheck_prog_ok(ordermain, 1);
	rtcheck_prog_ok(ordermain, 2);
}
END_TEST

static void aftermain(void *arg)
{
	int64_t t0 = gort_nanotime(), when;
	gort_chan *c = gort_after(30 * Ms);

	gort_chan_recv(c, &when);
	RTCHECK(when - t0 >= 30 * Ms);
	RTCHECK(gort_nanotime() >= when);
}

START_TEST(after_delivers_the_time_once)
{
	rtcheck_prog_ok(aftermain, 1);
}
END_TEST

static void tickmain(void *arg)
{
	gort_chan *c = gort_chan_make(sizeof(int64_t), 1);
	int64_t t0 = gort_nanotime(), prev = 0, now;
	gort_timer *t = gort_timer_start(5 * Ms, 5 * Ms, c);
	int i;

	for (i = 0; i < 5; i++) {
		gort_chan_recv(c, &now);
		RTCHECK(now > prev);
		prev = now;
	}
	RTCHECK(prev - t0 >= 25 * Ms);
	RTCHECK(gort_timer_stop(t) == 1);
	gort_sleep(30 * Ms);
	if (gort_chan_len(c) > 0)       // at most one tick was in flight
		gort_chan_recv(c, NULL);
	gort_sleep(30 * Ms);
	RTCHECK(gort_chan_len(c) == 0);
	RTCHECK(gort_timer_stop(t) == 0);
}

START_TEST(a_periodic_timer_ticks_until_stopped)
{
	rtcheck_prog_ok(tickmain, 1);
	rtcheck_prog_ok(tickmain, 2);
}
END_TEST

static gort_chan *later;

static void waiter(void *arg)
{
	int v;

	gort_chan_recv(later, &v);
	RTCHECK(v == 42);
	gort_chan_send(later, &v);
}

static void notdeadmain(void *arg)
{
	int v = 42;

	later = gort_chan_make(sizeof(int), 0);
	gort_go(waiter, NULL);
	gort_sleep(50 * Ms);    // everyone else is blocked meanwhile: no deadlock
	gort_chan_send(later, &v);
	gort_chan_recv(later, &v);
}

START_TEST(a_sleeping_program_is_not_deadlocked)
{
	rtcheck_prog_ok(notdeadmain, 1);
	rtcheck_prog_ok(notdeadmain, 2);
}
END_TEST

static double cputime(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 +
		u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static void idlemain(void *arg)
{
	double c0 = cputime();

	gort_sleep(300 * Ms);
	// Asleep, with every thread parked: next to no CPU in 300 ms (a
	// thread that polled would use all of it).  Under valgrind each of
	// the few wakeups as the threads settle costs milliseconds.
	RTCHECK(cputime() - c0 < (RUNNING_ON_VALGRIND ? 0.15 : 0.05));
}

START_TEST(an_idle_program_uses_no_cpu)
{
	rtcheck_prog_ok(idlemain, 2);
}
END_TEST

static void deadaftersleep(void *arg)
{
	gort_chan *c = gort_chan_make(0, 0);

	gort_sleep(10 * Ms);
	gort_chan_recv(c, NULL);
}

START_TEST(a_deadlock_after_the_timers_is_still_found)
{
	static char out[8192];
	int st = rtcheck_prog(deadaftersleep, 2, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_msg(strstr(out, "fatal error: all goroutines are asleep - deadlock!\n\n"
		"goroutine 1 [chan receive]:\n") != NULL, "%s", out);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("timers");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, sleep_sleeps_at_least_as_long_as_asked);
	tcase_add_test(tc, sleepers_wake_in_deadline_order);
	tcase_add_test(tc, after_delivers_the_time_once);
	tcase_add_test(tc, a_periodic_timer_ticks_until_stopped);
	tcase_add_test(tc, a_sleeping_program_is_not_deadlocked);
	tcase_add_test(tc, an_idle_program_uses_no_cpu);
	tcase_add_test(tc, a_deadlock_after_the_timers_is_still_found);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
