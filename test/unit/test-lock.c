// test-lock: Lock and Note between real threads, under contention.
#include <pthread.h>

#include "rtcheck.h"
#include "runtime.h"

enum { Threads = 4, Increments = 200000, PingPongs = 20000 };

static Lock lock;
static long counter;

static void *hammer(void *arg)
{
	int i;

	for (i = 0; i < Increments; i++) {
		rt_lock(&lock);
		counter++;      // not atomic: only the lock keeps it exact
		rt_unlock(&lock);
	}
	return NULL;
}

START_TEST(lock_excludes_under_contention)
{
	pthread_t t[Threads];
	int i;

	for (i = 0; i < Threads; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, NULL), 0);
	for (i = 0; i < Threads; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(counter, (long)Threads * Increments);
	ck_assert_uint_eq(lock.key, 0);
}
END_TEST

static void unlock_unlocked(void *arg)
{
	Lock l = {0};

	rt_unlock(&l);
}

START_TEST(unlock_of_unlocked_lock_throws)
{
	char out[256];
	int st = rtcheck_child(unlock_unlocked, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_str_eq(out, "fatal error: unlock of unlocked lock\n");
}
END_TEST

static Note ping, pong;
static int rounds;

static void *ponger(void *arg)
{
	int i;

	for (i = 0; i < PingPongs; i++) {
		rt_notesleep(&ping);
		rt_noteclear(&ping);
		rounds++;
		rt_notewakeup(&pong);
	}
	return NULL;
}

START_TEST(notes_ping_pong_between_threads)
{
	pthread_t t;
	int i;

	ck_assert_int_eq(pthread_create(&t, NULL, ponger, NULL), 0);
	for (i = 0; i < PingPongs; i++) {
		rt_notewakeup(&ping);
		rt_notesleep(&pong);
		rt_noteclear(&pong);
	}
	pthread_join(t, NULL);
	ck_assert_int_eq(rounds, PingPongs);
}
END_TEST

START_TEST(note_woken_before_sleep_returns_at_once)
{
	Note n = {0};

	rt_notewakeup(&n);
	rt_notesleep(&n);
	ck_assert(rt_notetsleep(&n, 0));
}
END_TEST

START_TEST(notetsleep_times_out)
{
	Note n = {0};
	int64 t0 = rt_nanotime();

	ck_assert(!rt_notetsleep(&n, 5000000));
	ck_assert_int_ge(rt_nanotime() - t0, 5000000);
	ck_assert(!rt_notetsleep(&n, 0));
}
END_TEST

static Note late;

static void *wakelater(void *arg)
{
	rt_nanosleep(2000000);
	rt_notewakeup(&late);
	return NULL;
}

START_TEST(notetsleep_wakes_early)
{
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, wakelater, NULL), 0);
	ck_assert(rt_notetsleep(&late, 60 * 1000000000LL));
	pthread_join(t, NULL);
}
END_TEST

static void double_wakeup(void *arg)
{
	Note n = {0};

	rt_notewakeup(&n);
	rt_notewakeup(&n);
}

START_TEST(double_wakeup_throws)
{
	char out[256];
	int st = rtcheck_child(double_wakeup, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_str_eq(out, "fatal error: notewakeup - double wakeup\n");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("futex");

	tcase_set_timeout(tc, 120);     // qemu-user is slow under contention
	tcase_add_test(tc, lock_excludes_under_contention);
	tcase_add_test(tc, unlock_of_unlocked_lock_throws);
	tcase_add_test(tc, notes_ping_pong_between_threads);
	tcase_add_test(tc, note_woken_before_sleep_returns_at_once);
	tcase_add_test(tc, notetsleep_times_out);
	tcase_add_test(tc, notetsleep_wakes_early);
	tcase_add_test(tc, double_wakeup_throws);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
