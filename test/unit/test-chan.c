// test-chan: channels.  Each test is a whole program (gort_run) in a
// child; the verdict is its exit status and stderr.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gort.h"
#include "rtcheck.h"
#include "runtime.h"
#include "atomic.h"

// ---- unbuffered ----

enum { Rounds = 20000 };

static gort_chan *ping, *pong;

static void ponger(void *arg)
{
	long v;

	for (;;) {
		gort_chan_recv(ping, &v);
		v++;
		gort_chan_send(pong, &v);
	}
}

static void pingpongmain(void *arg)
{
	long i, v;

	ping = gort_chan_make(sizeof(long), 0);
	pong = gort_chan_make(sizeof(long), 0);
	gort_go(ponger, NULL);
	for (i = 0; i < Rounds; i++) {
		v = 2 * i;
		gort_chan_send(ping, &v);
		gort_chan_recv(pong, &v);
		RTCHECK(v == 2 * i + 1);
	}
	RTCHECK(gort_chan_len(ping) == 0 && gort_chan_cap(ping) == 0);
}

START_TEST(unbuffered_ping_pong_on_1_and_3_ps)
{
	rtcheck_prog_ok(pingpongmain, 1);
	rtcheck_prog_ok(pingpongmain, 3);
}
END_TEST

// ---- buffered ----

static void buffermain(void *arg)
{
	gort_chan *c = gort_chan_make(sizeof(int), 5);
	int i, v;

	for (i = 0; i < 5; i++)         // fits: no receiver needed
		gort_chan_send(c, &i);
	RTCHECK(gort_chan_len(c) == 5 && gort_chan_cap(c) == 5);
	for (i = 0; i < 5; i++) {
		gort_chan_recv(c, &v);
		RTCHECK(v == i);
	}
	RTCHECK(gort_chan_len(c) == 0);
}

START_TEST(a_buffered_channel_holds_cap_values_in_order)
{
	rtcheck_prog_ok(buffermain, 1);
}
END_TEST

static gort_chan *fifo, *fifodone;

static void slowreader(void *arg)
{
	int i, v;

	for (i = 0; i < 1000; i++) {
		gort_chan_recv(fifo, &v);
		RTCHECK(v == i);  // senders that waited on a full buffer keep order
		if (i % 7 == 0)
			gort_yield();
	}
	gort_chan_send(fifodone, &i);
}

static void fifomain(void *arg)
{
	int i;

	fifo = gort_chan_make(sizeof(int), 3);
	fifodone = gort_chan_make(sizeof(int), 0);
	gort_go(slowreader, NULL);
	for (i = 0; i < 1000; i++)
		gort_chan_send(fifo, &i);
	gort_chan_recv(fifodone, &i);
	RTCHECK(i == 1000);
}

START_TEST(blocked_senders_keep_fifo_order)
{
	rtcheck_prog_ok(fifomain, 1);
	rtcheck_prog_ok(fifomain, 2);
}
END_TEST

// ---- many to many ----

enum { Producers = 8, Consumers = 4, PerProducer = 5000 };

static gort_chan *work, *sums;

static void producer(void *arg)
{
	long i, base = (long)(intptr)arg * PerProducer;

	for (i = 0; i < PerProducer; i++) {
		long v = base + i;

		gort_chan_send(work, &v);
	}
}

static void consumer(void *arg)
{
	long v, sum = 0;

	while (gort_chan_recv2(work, &v))
		sum += v;
	gort_chan_send(sums, &sum);
}

static void manymain(void *arg)
{
	long i, sum, total = 0, n = (long)Producers * PerProducer;
	gort_chan *done = gort_chan_make(0, Producers);

	work = gort_chan_make(sizeof(long), 16);
	sums = gort_chan_make(sizeof(long), 0);
	for (i = 0; i < Consumers; i++)
		gort_go(consumer, NULL);
	for (i = 0; i < Producers; i++)
		gort_go(producer, (void *)(intptr)i);
	// Wait for the producers by watching the work drain, then close.
	while (gort_numgoroutine() > 1 + Consumers)
		gort_yield();
	gort_chan_close(work);
	for (i = 0; i < Consumers; i++) {
		gort_chan_recv(sums, &sum);
		total += sum;
	}
	RTCHECK(total == n * (n - 1) / 2);
	RTCHECK(gort_chan_cap(done) == Producers);
}

START_TEST(many_producers_and_consumers_on_4_ps)
{
	rtcheck_prog_ok(manymain, 4);
	rtcheck_prog_ok(manymain, 1);
}
END_TEST

// ---- close ----

static gort_chan *closing;
static uint32 woke;

static void waitclose(void *arg)
{
	int v = 7;

	RTCHECK(!gort_chan_recv2(closing, &v));
	RTCHECK(v == 0);
	rt_xadd32(&woke, 1);
}

static void closemain(void *arg)
{
	gort_chan *c = gort_chan_make(sizeof(int), 2);
	int i, v = 41;

	gort_chan_send(c, &v);
	gort_chan_close(c);
	RTCHECK(gort_chan_recv2(c, &v) && v == 41);      // drained after close
	RTCHECK(!gort_chan_recv2(c, &v) && v == 0);
	closing = gort_chan_make(sizeof(int), 0);
	for (i = 0; i < 3; i++)
		gort_go(waitclose, NULL);
	while (gort_numgoroutine() < 4)
		gort_yield();
	for (i = 0; i < 100; i++)
		gort_yield();           // let them block
	gort_chan_close(closing);
	while (rt_load32(&woke) < 3)
		gort_yield();
}

START_TEST(close_wakes_receivers_with_zero_values)
{
	rtcheck_prog_ok(closemain, 1);
	rtcheck_prog_ok(closemain, 2);
}
END_TEST

static void sendclosed(void *arg)
{
	gort_chan *c = gort_chan_make(sizeof(int), 1);
	int v = 1;

	gort_chan_close(c);
	gort_chan_send(c, &v);
}

static void closeclosed(void *arg)
{
	gort_chan *c = gort_chan_make(0, 0);

	gort_chan_close(c);
	gort_chan_close(c);
}

static void closenil(void *arg)
{
	gort_chan_close(NULL);
}

static void expectpanic(void (*main)(void *), const char *msg, const char *caller)
{
	char frame[64];
	static char out[16384], want[256];
	int st = rtcheck_prog(main, 1, out, sizeof out);

	snprintf(want, sizeof want, "panic: %s\n\ngoroutine 1 [running]:\n", msg);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %x", st);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	snprintf(frame, sizeof frame, "\n%s+0x", caller);
	ck_assert_msg(strstr(out, frame) != NULL, "%s", out);
}

START_TEST(misuse_panics_as_in_go)
{
	expectpanic(sendclosed, "send on closed channel", "sendclosed");
	expectpanic(closeclosed, "close of closed channel", "closeclosed");
	expectpanic(closenil, "close of nil channel", "closenil");
}
END_TEST

static void nilsend(void *arg)
{
	int v = 0;

	gort_chan_send(NULL, &v);
}

START_TEST(a_nil_channel_blocks_forever)
{
	static char out[8192];
	int st = rtcheck_prog(nilsend, 2, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_msg(strstr(out, "fatal error: all goroutines are asleep - deadlock!\n\n"
		"goroutine 1 [chan send (nil chan)]:\n") != NULL, "%s", out);
}
END_TEST

// ---- typed channels (GORT_CHAN_TYPE) ----

typedef struct Point {
	int x, y;
} Point;

GORT_CHAN_TYPE(Point, pointchan);
GORT_CHAN_TYPE(double, floatchan);

static void pointsender(void *arg)
{
	pointchan *c = arg;
	int i;

	for (i = 0; i < 100; i++)
		pointchan_send(c, (Point){i, -i});
	pointchan_close(c);
}

static void typedmain(void *arg)
{
	pointchan *c = pointchan_make(0);
	floatchan *f = floatchan_make(3);
	Point p;
	int n = 0;

	gort_go(pointsender, c);
	p = pointchan_recv(c);
	RTCHECK(p.x == 0 && p.y == 0);
	while (pointchan_recv_ok(c, &p)) {
		n++;
		RTCHECK(p.x == n && p.y == -n);
	}
	RTCHECK(n == 99);
	p = pointchan_recv(c);                  // closed: the zero value
	RTCHECK(p.x == 0 && p.y == 0);
	RTCHECK(pointchan_cap(c) == 0 && pointchan_len(c) == 0);

	floatchan_send(f, 0.5);                 // a double, not its address
	floatchan_send(f, 2.25);
	RTCHECK(floatchan_len(f) == 2 && floatchan_cap(f) == 3);
	RTCHECK(floatchan_recv(f) == 0.5 && floatchan_recv(f) == 2.25);
	RTCHECK(floatchan_chan(f) == (gort_chan *)(void *)f);
}

START_TEST(typed_channels_carry_their_type)
{
	rtcheck_prog_ok(typedmain, 2);
}
END_TEST

static void typedselectmain(void *arg)
{
	floatchan *in = floatchan_make(1), *out = floatchan_make(1), *none = NULL;
	double v = 0, w = 7.5;
	gort_case cases[] = {
		floatchan_recv_case(in, &v),
		floatchan_send_case(out, &w),
		floatchan_recv_case(none, &v),  // a nil channel never proceeds
	};

	RTCHECK(GORT_NCASES(cases) == 3);
	RTCHECK(GORT_SELECT(cases) == 1);       // only the send is ready
	RTCHECK(floatchan_recv(out) == 7.5);
	floatchan_send(in, 1.25);
	cases[1] = floatchan_send_case(NULL, &w);
	RTCHECK(GORT_SELECT(cases) == 0 && v == 1.25 && gort_case_ok(&cases[0]));
	RTCHECK(GORT_SELECT_DEFAULT(cases) == -1);
	floatchan_close(in);
	RTCHECK(GORT_SELECT(cases) == 0 && v == 0 && !gort_case_ok(&cases[0]));
}

START_TEST(typed_cases_select_like_untyped_ones)
{
	rtcheck_prog_ok(typedselectmain, 1);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("chan");
	TCase *tc = tcase_create("chan");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, unbuffered_ping_pong_on_1_and_3_ps);
	tcase_add_test(tc, a_buffered_channel_holds_cap_values_in_order);
	tcase_add_test(tc, blocked_senders_keep_fifo_order);
	tcase_add_test(tc, many_producers_and_consumers_on_4_ps);
	tcase_add_test(tc, close_wakes_receivers_with_zero_values);
	tcase_add_test(tc, misuse_panics_as_in_go);
	tcase_add_test(tc, a_nil_channel_blocks_forever);
	tcase_add_test(tc, typed_channels_carry_their_type);
	tcase_add_test(tc, typed_cases_select_like_untyped_ones);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
