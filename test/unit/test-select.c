// test-select: select over channels.  Each test is a whole program
// (gort_run) in a child; the verdict is its exit status and stderr.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gort.h"
#include "rtcheck.h"
#include "runtime.h"
#include "atomic.h"

enum { Ms = 1000000 };

static void readymain(void *arg)
{
	gort_chan *empty = gort_chan_make(sizeof(int), 1);
	gort_chan *full = gort_chan_make(sizeof(int), 1);
	int v = 5, got = 0;
	gort_case cases[] = {GORT_RECV(NULL, &got), GORT_RECV(empty, &got), GORT_RECV(full, &got)};

	gort_chan_send(full, &v);
	RTCHECK(gort_select(cases, 3, 1) == 2);
	RTCHECK(got == 5 && cases[2].ok == 1);
	RTCHECK(gort_select(cases, 3, 0) == -1);  // nothing ready: the default
}

START_TEST(select_takes_the_ready_case_or_the_default)
{
	rtcheck_prog_ok(readymain, 1);
}
END_TEST

static gort_chan *a, *b;

static void sendlater(void *arg)
{
	int v = 7;

	gort_sleep(5 * Ms);
	gort_chan_send(b, &v);
}

static void recvlater(void *arg)
{
	int v;

	gort_sleep(5 * Ms);
	gort_chan_recv(a, &v);
	RTCHECK(v == 9);
}

static void blockmain(void *arg)
{
	int v = 0, w = 9;
	gort_case recv[] = {GORT_RECV(a, &v), GORT_RECV(b, &v)};
	gort_case send[] = {GORT_SEND(a, &w), GORT_RECV(b, &v)};

	a = gort_chan_make(sizeof(int), 0);
	b = gort_chan_make(sizeof(int), 0);
	recv[0].c = a;
	recv[1].c = b;
	send[0].c = a;
	send[1].c = b;
	gort_go(sendlater, NULL);
	RTCHECK(gort_select(recv, 2, 1) == 1 && v == 7);  // woken by the send
	gort_go(recvlater, NULL);
	RTCHECK(gort_select(send, 2, 1) == 0);            // woken by the receive
	gort_sleep(20 * Ms);    // recvlater checks the value
}

START_TEST(a_blocked_select_wakes_on_a_send_or_a_receive)
{
	rtcheck_prog_ok(blockmain, 1);
	rtcheck_prog_ok(blockmain, 2);
}
END_TEST

static void fairmain(void *arg)
{
	gort_chan *x = gort_chan_make(0, 1), *y = gort_chan_make(0, 1);
	gort_case cases[] = {GORT_RECV(x, NULL), GORT_RECV(y, NULL)};
	int i, hits[2] = {0, 0};

	for (i = 0; i < 10000; i++) {
		gort_chan_send(x, NULL);
		gort_chan_send(y, NULL);
		hits[gort_select(cases, 2, 1)]++;
		gort_select(cases, 2, 1);      // drain the other
	}
	RTCHECK(hits[0] > 4000 && hits[1] > 4000);
}

START_TEST(ready_cases_are_chosen_fairly)
{
	rtcheck_prog_ok(fairmain, 1);
}
END_TEST

static void closemain(void *arg)
{
	gort_chan *c = gort_chan_make(sizeof(int), 0);
	int v = 3;
	gort_case cases[] = {GORT_RECV(c, &v)};

	gort_chan_close(c);
	RTCHECK(gort_select(cases, 1, 1) == 0 && cases[0].ok == 0 && v == 0);
}

START_TEST(select_on_a_closed_channel_receives_the_zero_value)
{
	rtcheck_prog_ok(closemain, 1);
}
END_TEST

static void timeoutmain(void *arg)
{
	gort_chan *never = gort_chan_make(sizeof(int), 0);
	int64_t t0 = gort_nanotime(), when;
	int v;
	gort_case cases[] = {GORT_RECV(never, &v), GORT_RECV(gort_after(10 * Ms), &when)};

	cases[0].c = never;
	RTCHECK(gort_select(cases, 2, 1) == 1);
	RTCHECK(when - t0 >= 10 * Ms);
}

START_TEST(a_select_with_a_timeout_times_out)
{
	rtcheck_prog_ok(timeoutmain, 1);
}
END_TEST

// Many goroutines select on shared channels at once: a result channel is
// fed by workers that each select between two inputs.
enum { Workers = 6, Items = 3000 };

static gort_chan *in1, *in2, *out;

static void selworker(void *arg)
{
	long v, sum = 0;
	gort_case cases[] = {GORT_RECV(NULL, &v), GORT_RECV(NULL, &v)};

	cases[0].c = in1;
	cases[1].c = in2;
	for (;;) {
		gort_select(cases, 2, 1);
		if (v < 0)
			break;
		sum += v;
	}
	gort_chan_send(out, &sum);
}

static void manymain(void *arg)
{
	long i, v, sum, total = 0;

	in1 = gort_chan_make(sizeof(long), 0);
	in2 = gort_chan_make(sizeof(long), 4);
	out = gort_chan_make(sizeof(long), 0);
	for (i = 0; i < Workers; i++)
		gort_go(selworker, NULL);
	for (i = 0; i < Items; i++)
		gort_chan_send(i % 2 ? in1 : in2, &i);
	v = -1;
	for (i = 0; i < Workers; i++)
		gort_chan_send(i % 2 ? in1 : in2, &v);
	for (i = 0; i < Workers; i++) {
		gort_chan_recv(out, &sum);
		total += sum;
	}
	RTCHECK(total == (long)Items * (Items - 1) / 2);
}

START_TEST(many_goroutines_select_at_once)
{
	rtcheck_prog_ok(manymain, 4);
	rtcheck_prog_ok(manymain, 1);
}
END_TEST

static void nocases(void *arg)
{
	gort_select(NULL, 0, 1);
}

START_TEST(an_empty_select_blocks_forever)
{
	static char out[8192];
	int st = rtcheck_prog(nocases, 1, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_msg(strstr(out, "goroutine 1 [select (no cases)]:\n") != NULL, "%s", out);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("select");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, select_takes_the_ready_case_or_the_default);
	tcase_add_test(tc, a_blocked_select_wakes_on_a_send_or_a_receive);
	tcase_add_test(tc, ready_cases_are_chosen_fairly);
	tcase_add_test(tc, select_on_a_closed_channel_receives_the_zero_value);
	tcase_add_test(tc, a_select_with_a_timeout_times_out);
	tcase_add_test(tc, many_goroutines_select_at_once);
	tcase_add_test(tc, an_empty_select_blocks_forever);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
