// test-defer: defer, panic, recover, Goexit, the defer pools, and
// run-time errors as panics.  Most tests are whole programs (gort_run) in
// a child; the verdict is their exit status and stderr.  Under
// `meson test --setup stress` nearly every call crosses a stack segment,
// so the recoveries below jump across many segments.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gort.h"
#include "gort/abi.h"
#include "gort/sync.h"
#include "rtcheck.h"
#include "runtime.h"
#include "malloc.h"
#include "panic.h"
#include "proc.h"
#include "stack.h"

// A log of what ran, in order: each deferred call appends its letter.
static char logbuf[256];
static size_t loglen;

static void logc(void *arg)
{
	logbuf[loglen++] = *(char *)arg;
	logbuf[loglen] = '\0';
}

static void resetlog(void)
{
	loglen = 0;
	logbuf[0] = '\0';
}

// ---- ordering ----

static int early(int ret)
{
	GORT_DEFERS_RETURN(-1);
	char a = 'a', b = 'b', c = 'c';

	GORT_DEFER(logc, &a, 1);
	GORT_DEFER(logc, &b, 1);
	if (ret)
		return 1;
	GORT_DEFER(logc, &c, 1);
	return 2;
}

static void lifomain(void *arg)
{
	resetlog();
	RTCHECK(early(1) == 1 && strcmp(logbuf, "ba") == 0);
	resetlog();
	RTCHECK(early(0) == 2 && strcmp(logbuf, "cba") == 0);
}

START_TEST(defers_run_lifo_on_every_return_path)
{
	rtcheck_prog_ok(lifomain, 1);
}
END_TEST

// Arguments are copied when deferred, whatever their size.
static void sumbig(void *arg)
{
	int *v = arg, i, s = 0;

	for (i = 0; i < 100; i++)
		s += v[i];
	RTCHECK(s == 4950);
	logbuf[loglen++] = 'B';
}

static void bigargs(void)
{
	GORT_DEFERS;
	int v[100], i;

	for (i = 0; i < 100; i++)
		v[i] = i;
	GORT_DEFER(sumbig, v, sizeof v);
	memset(v, 0, sizeof v);
}

static void bigmain(void *arg)
{
	resetlog();
	bigargs();
	RTCHECK(loglen == 1 && logbuf[0] == 'B');
}

START_TEST(argument_blocks_are_copied_at_the_defer_of_any_size)
{
	rtcheck_prog_ok(bigmain, 1);
}
END_TEST

// ---- recover ----

static void *recovered;

static void recoverer(void *arg)
{
	recovered = gort_recover();
	logbuf[loglen++] = 'r';
}

static int panicky(void)
{
	GORT_DEFERS_RETURN(7);
	GORT_DEFER(logc, "x", 1);
	GORT_DEFER(recoverer, NULL, 0);
	GORT_DEFER(logc, "y", 1);
	gort_panic("boom");
	return 0;
}

static void recovermain(void *arg)
{
	resetlog();
	recovered = NULL;
	RTCHECK(panicky() == 7);
	RTCHECK(recovered != NULL && strcmp(recovered, "boom") == 0);
	RTCHECK(strcmp(logbuf, "yrx") == 0);
	RTCHECK(gort_recover() == NULL);
}

START_TEST(recover_stops_the_panic_and_the_frame_returns_to_its_caller)
{
	rtcheck_prog_ok(recovermain, 1);
}
END_TEST

static NOINLINE void indirect(void)     // inlined, it would be direct
{
	recovered = gort_recover();
}

static void recoverviahelper(void *arg)
{
	indirect();
}

static void notdirect(void *arg)
{
	GORT_DEFERS;
	GORT_DEFER(recoverviahelper, NULL, 0);
	gort_panic("not recovered");
}

static void deferredrecover(void *arg)
{
	recovered = gort_recover();
}

static void normalreturn(void)
{
	GORT_DEFERS;
	GORT_DEFER(deferredrecover, NULL, 0);
	recovered = (void *)1;
}

static void nopanicmain(void *arg)
{
	normalreturn();
	RTCHECK(recovered == NULL);
	notdirect(NULL);
}

START_TEST(recover_works_only_called_directly_by_a_deferred_call)
{
	static char out[16384];
	int st = rtcheck_prog(nopanicmain, 1, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %x: %s", st, out);
	ck_assert_msg(strncmp(out, "panic: not recovered\n\ngoroutine 1 [running]:\n", 45) == 0, "%s", out);
	ck_assert_msg(strstr(out, "\nnotdirect+0x") != NULL, "%s", out);
}
END_TEST

// ---- panics inside deferred calls ----

static void panicB(void *arg)
{
	gort_panic("B");
}

static void recoverthenpanic(void *arg)
{
	gort_recover();
	gort_panic("B");
}

static void nested(void *arg)
{
	GORT_DEFERS;
	GORT_DEFER(arg != NULL ? recoverthenpanic : panicB, NULL, 0);
	gort_panic("A");
}

static void nestedrecovered(void *arg)
{
	nested((void *)1);
}

static void expectout(void (*main)(void *), const char *want)
{
	static char out[16384];
	int st = rtcheck_prog(main, 1, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %x: %s", st, out);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "want\n%s\ngot\n%s", want, out);
}

START_TEST(nested_panics_print_as_go_prints_them)
{
	expectout(nested, "panic: A\n\tpanic: B\n\ngoroutine 1 [running]:\n");
	expectout(nestedrecovered, "panic: A [recovered]\n\tpanic: B\n\ngoroutine 1 [running]:\n");
}
END_TEST

// A deferred call that panics aborts the first panic; the second is
// recovered further out, and the program goes on.
static void outerrecover(void *arg)
{
	recovered = gort_recover();
}

static void abortandrecover(void)
{
	GORT_DEFERS;
	GORT_DEFER(outerrecover, NULL, 0);
	nested(NULL);
}

static void repanic(void *arg)
{
	void *v = gort_recover();

	RTCHECK(v != NULL && strcmp(v, "first") == 0);
	gort_panic("second");
}

static void repanicker(void)
{
	GORT_DEFERS;
	GORT_DEFER(repanic, NULL, 0);
	gort_panic("first");
}

static void repanicouter(void)
{
	GORT_DEFERS;
	GORT_DEFER(outerrecover, NULL, 0);
	repanicker();
}

static void panicindefermain(void *arg)
{
	recovered = NULL;
	abortandrecover();
	RTCHECK(recovered != NULL && strcmp(recovered, "B") == 0);
	RTCHECK(rt_getg()->panic == NULL && rt_getg()->defer == NULL);
	recovered = NULL;
	repanicouter();
	RTCHECK(recovered != NULL && strcmp(recovered, "second") == 0);
	RTCHECK(rt_getg()->panic == NULL && rt_getg()->defer == NULL);
}

START_TEST(a_panic_in_a_deferred_call_and_re_panics_recover_further_out)
{
	rtcheck_prog_ok(panicindefermain, 1);
}
END_TEST

// Panic values of any kind, printed by their printer.
typedef struct Point { int x, y; } Point;

static void printpoint(void *v)
{
	Point *p = v;

	fprintf(stderr, "Point{%d, %d}", p->x, p->y);
}

static void panicpoint(void *arg)
{
	static Point p = {3, 4};

	gort_panicv(&p, printpoint);
}

static void recoverpoint(void *arg)
{
	Point *p = gort_recover();

	RTCHECK(p != NULL && p->x == 3 && p->y == 4);
}

static void valuemain(void *arg)
{
	GORT_DEFERS;
	GORT_DEFER(recoverpoint, NULL, 0);
	panicpoint(NULL);
}

START_TEST(panic_values_are_pointers_with_printers)
{
	rtcheck_prog_ok(valuemain, 1);
	expectout(panicpoint, "panic: Point{3, 4}\n\ngoroutine 1 [running]:\n");
}
END_TEST

// ---- Goexit ----

static gort_chan *done;

static void exiter(void *arg)
{
	GORT_DEFERS;
	GORT_DEFER(logc, "1", 1);
	GORT_DEFER(deferredrecover, NULL, 0);
	GORT_DEFER(logc, "2", 1);
	gort_goexit();
}

static void senddone(void *arg)
{
	gort_chan_send(done, &recovered);
}

static void goexitg(void *arg)
{
	GORT_DEFERS;
	GORT_DEFER(senddone, NULL, 0);
	exiter(NULL);
	logc("!");              // never
}

static void goexitmain(void *arg)
{
	void *v;

	resetlog();
	done = gort_chan_make(sizeof(void *), 0);
	recovered = (void *)1;
	gort_go(goexitg, NULL);
	gort_chan_recv(done, &v);
	RTCHECK(strcmp(logbuf, "21") == 0);
	RTCHECK(v == NULL);     // recover returns nothing during Goexit
}

// A panic that aborts a Goexit, recovered further out, does not cancel
// the Goexit: the goroutine still ends after its remaining defers.
static void exitthenpanic(void)
{
	GORT_DEFERS;
	GORT_DEFER(panicB, NULL, 0);
	gort_goexit();
}

static void recoversinside(void)
{
	GORT_DEFERS;
	GORT_DEFER(logc, "d", 1);
	GORT_DEFER(outerrecover, NULL, 0);
	exitthenpanic();
}

static void goexitrecovered(void *arg)
{
	GORT_DEFERS;
	GORT_DEFER(senddone, NULL, 0);
	recoversinside();
	logc("!");              // never: the Goexit goes on
}

static void goexitpanicmain(void *arg)
{
	void *v;

	resetlog();
	recovered = NULL;
	done = gort_chan_make(sizeof(void *), 0);
	gort_go(goexitrecovered, NULL);
	gort_chan_recv(done, &v);
	RTCHECK(v != NULL && strcmp(v, "B") == 0);
	RTCHECK(strcmp(logbuf, "d") == 0);
}

// Goexit deep in a segmented stack: the goroutine's segments all go back.
static NOINLINE void exitdeep(int n)
{
	volatile char pad[200];

	pad[0] = (char)n;
	if (n == 0)
		gort_goexit();
	exitdeep(n - 1);
	pad[1] = pad[0];        // not a tail call: a real recursion
}

static void deepexiter(void *arg)
{
	GORT_DEFERS;
	GORT_DEFER(senddone, NULL, 0);
	exitdeep(200);
}

static void goexitdeepmain(void *arg)
{
	StackCensus c0, c1;
	void *v;
	int i;

	done = gort_chan_make(sizeof(void *), 0);
	gort_go(deepexiter, NULL);      // warm up: a dead G keeps its first segment
	gort_chan_recv(done, &v);
	gort_yield();
	rt_stack_census(&c0);
	for (i = 0; i < 5; i++) {
		gort_go(deepexiter, NULL);
		gort_chan_recv(done, &v);
		gort_yield();           // let it finish exiting
	}
	rt_stack_census(&c1);
	RTCHECK(c1.inuse == c0.inuse && c1.inusebytes == c0.inusebytes);
}

START_TEST(goexit_runs_every_pending_defer)
{
	rtcheck_prog_ok(goexitmain, 1);
	rtcheck_prog_ok(goexitmain, 2);
	rtcheck_prog_ok(goexitdeepmain, 1);
	rtcheck_prog_ok(goexitpanicmain, 1);
}
END_TEST

// ---- across stack segments ----

enum { Depth = 200 };      // ~45 KB: past the first segment

static NOINLINE int dive(int n)
{
	volatile char pad[200];

	pad[n % 200] = (char)n;
	if (n == 0)
		gort_panic("deep");
	return dive(n - 1) + pad[n % 200];
}

static int deeprecover(void)
{
	GORT_DEFERS_RETURN(-1);
	GORT_DEFER(outerrecover, NULL, 0);
	return dive(Depth);
}

// climb uses the stack again after a recovery.
static NOINLINE int climb(int n)
{
	volatile char pad[200];

	pad[0] = (char)n;
	return n == 0 ? 0 : climb(n - 1) + pad[0] - (char)n;
}

static uintptr chainlen(Segment *s)
{
	uintptr n;

	for (n = 0; s != NULL; s = s->next)
		n++;
	return n;
}

static void deepmain(void *arg)
{
	StackCensus c0, c1;
	int i;

	RTCHECK(deeprecover() == -1 && climb(Depth) == 0);
	rt_stack_census(&c0);
	for (i = 0; i < 5; i++) {
		recovered = NULL;
		RTCHECK(deeprecover() == -1);
		RTCHECK(recovered != NULL && strcmp(recovered, "deep") == 0);
		RTCHECK(climb(Depth) == 0);
	}
	rt_stack_census(&c1);
	// No segment leaked: with stackstress (every segment freed on
	// return) as many are in use as before; otherwise every segment in
	// use is in this goroutine's cached chain, the only one there is.
	if (rt_knobs.stackstress)
		RTCHECK(c1.inuse == c0.inuse && c1.inusebytes == c0.inusebytes);
	else
		RTCHECK(c1.inuse == chainlen(rt_getg()->stack) && c1.inuse >= 2);
	RTCHECK(rt_segment_of(rt_getlimit()) == rt_getg()->stack);
	RTCHECK(c1.slowsplits > c0.slowsplits || !rt_knobs.stackstress);
}

START_TEST(a_recovery_across_segments_gives_back_the_segments_above)
{
	rtcheck_prog_ok(deepmain, 1);
}
END_TEST

// ---- many goroutines at once ----

enum { NG = 64, Rounds = 200 };

static gort_waitgroup wg;
static uint32 nrecovered;

static void countrecover(void *arg)
{
	if (gort_recover() != NULL)
		__atomic_add_fetch(&nrecovered, 1, __ATOMIC_SEQ_CST);
}

static void panicone(int i)
{
	GORT_DEFERS;
	GORT_DEFER(countrecover, NULL, 0);
	if (i % 3 == 0)
		dive(50);
	gort_panic("one");
}

static void wgdone(void *arg)
{
	gort_waitgroup_done(&wg);
}

static void panicker(void *arg)
{
	GORT_DEFERS;
	int i;

	GORT_DEFER(wgdone, NULL, 0);
	for (i = 0; i < Rounds; i++) {
		panicone(i);
		if (i % 16 == 0)
			gort_yield();
	}
}

static void manymain(void *arg)
{
	int i;

	gort_waitgroup_add(&wg, NG);
	for (i = 0; i < NG; i++)
		gort_go(panicker, NULL);
	gort_waitgroup_wait(&wg);
	RTCHECK(nrecovered == NG * Rounds);
}

START_TEST(many_goroutines_panic_and_recover_at_once_across_ps)
{
	rtcheck_prog_ok(manymain, 4);
}
END_TEST

// ---- the compiler's sequence, with a record in the frame ----

static int compiled(int x)
{
	gort_frame fr;
	gort_defer rec;
	volatile int r = 0;
	int arg = x;

	if (gort_frame_enter(&fr) != 0)
		goto ret;
	gort_deferproc_stack(&fr, &rec, recoverer, &arg);
	gort_deferproc(&fr, logc, "s", 1);
	r = x;
	if (x < 0)
		gort_panic("negative");
ret:
	gort_deferreturn(&fr);
	return r;
}

static void compiledmain(void *arg)
{
	resetlog();
	recovered = NULL;
	RTCHECK(compiled(5) == 5 && strcmp(logbuf, "sr") == 0 && recovered == NULL);
	resetlog();
	RTCHECK(compiled(-5) == -5 && strcmp(logbuf, "sr") == 0);
	RTCHECK(recovered != NULL && strcmp(recovered, "negative") == 0);
}

START_TEST(the_compiler_sequence_with_a_frame_record)
{
	rtcheck_prog_ok(compiledmain, 1);
}
END_TEST

// ---- pools ----

static void nop(void *arg)
{
}

static void poolmain(void *arg)
{
	gort_frame fr;
	Defer *d1, *d2;
	P *p;
	uint32 c;
	int i;

	gort_deferproc(&fr, nop, "12345678", 8);
	d1 = rt_getg()->defer;
	gort_deferreturn(&fr);
	p = rt_m->p;
	c = rt_deferclass(8);
	RTCHECK(p->deferpool[c] == d1);
	gort_deferproc(&fr, nop, "abcdefgh", 8);
	d2 = rt_getg()->defer;
	RTCHECK(d2 == d1);              // reused, not allocated
	gort_deferreturn(&fr);
	// Many at once: the P keeps at most DeferLocalMax, spilling the rest.
	for (i = 0; i < 200; i++)
		gort_deferproc(&fr, nop, "abcdefgh", 8);
	gort_deferreturn(&fr);
	RTCHECK(p->deferpoolcnt[c] <= DeferLocalMax && p->deferpoolcnt[c] > 0);
	// A big block comes from the heap and is not pooled.
	gort_deferproc(&fr, nop, logbuf, DeferMaxPooled + 1);
	RTCHECK(rt_getg()->defer->kind == DeferHeap);
	gort_deferreturn(&fr);
	// The collector's hook empties every pool.
	rt_clear_deferpools();
	for (i = 0; i < (int)rt_sched.nprocs; i++)
		for (c = 0; c < DeferClasses; c++)
			RTCHECK(rt_sched.allp[i]->deferpool[c] == NULL &&
				rt_sched.allp[i]->deferpoolcnt[c] == 0);
	gort_deferproc(&fr, nop, "abcdefgh", 8);
	RTCHECK(rt_getg()->defer != d1);        // not from a stale pool
	gort_deferreturn(&fr);
}

START_TEST(records_are_reused_from_the_p_pool_and_the_gc_hook_empties_it)
{
	rtcheck_prog_ok(poolmain, 2);
}
END_TEST

START_TEST(each_defer_class_maps_to_one_malloc_size_class)
{
	uintptr siz;
	uint32 c;

	rtcheck_bootonce();
	rt_deferpool_check();   // throws if not
	for (siz = 0; siz <= DeferMaxPooled; siz++) {
		c = rt_deferclass(siz);
		ck_assert_uint_lt(c, DeferClasses);
		ck_assert_uint_eq(rt_sizetoclass(rt_defersize(siz)),
			rt_sizetoclass(rt_defersize(16 * c)));
		ck_assert_uint_ge(rt_class_to_size[rt_sizetoclass(rt_defersize(siz))],
			rt_defersize(siz));
	}
	ck_assert_uint_ge(rt_deferclass(DeferMaxPooled + 1), DeferClasses);
}
END_TEST

// ---- run-time errors ----

static volatile int zero, sink;
static int *volatile nilp;

static NOINLINE void divide(int a)
{
	sink = a / zero;
}

static NOINLINE void deref(void)
{
	sink = *nilp;
}

static void recoverdiv(void)
{
	GORT_DEFERS;
	GORT_DEFER(outerrecover, NULL, 0);
	divide(1);
}

static void recovernil(void)
{
	GORT_DEFERS;
	GORT_DEFER(outerrecover, NULL, 0);
	deref();
}

static void recoverclose(void)
{
	GORT_DEFERS;
	gort_chan *c = gort_chan_make(0, 0);

	GORT_DEFER(outerrecover, NULL, 0);
	gort_chan_close(c);
	gort_chan_close(c);
}

static void recoverwg(void)
{
	GORT_DEFERS;
	static gort_waitgroup w;

	GORT_DEFER(outerrecover, NULL, 0);
	gort_waitgroup_done(&w);
}

static void errorsmain(void *arg)
{
	int i;

	for (i = 0; i < 3; i++) {       // the handler works again and again
		recovered = NULL;
		recoverdiv();
		RTCHECK(recovered != NULL && strcmp(recovered, "runtime error: integer divide by zero") == 0);
		recovered = NULL;
		recovernil();
		RTCHECK(recovered != NULL && strcmp(recovered,
			"runtime error: invalid memory address or nil pointer dereference") == 0);
	}
	recovered = NULL;
	recoverclose();
	RTCHECK(recovered != NULL && strcmp(recovered, "close of closed channel") == 0);
	recovered = NULL;
	recoverwg();
	RTCHECK(recovered != NULL && strcmp(recovered, "sync: negative WaitGroup counter") == 0);
}

START_TEST(run_time_errors_are_panics_that_recover)
{
	rtcheck_prog_ok(errorsmain, 1);
	rtcheck_prog_ok(errorsmain, 3);
}
END_TEST

static void derefmain(void *arg)
{
	deref();
}

static void dividemain(void *arg)
{
	divide(3);
}

static void expecttrace(void (*main)(void *), const char *want, const char *frame)
{
	static char out[16384];
	int st = rtcheck_prog(main, 1, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %x: %s", st, out);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "want\n%s\ngot\n%s", want, out);
	ck_assert_msg(strstr(out, "\n\ngoroutine 1 [running]:\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, frame) != NULL, "no %s in\n%s", frame, out);
}

START_TEST(unrecovered_run_time_errors_print_the_faulting_function)
{
	expecttrace(derefmain, "panic: runtime error: invalid memory address or nil pointer dereference\n"
		"[signal SIGSEGV: segmentation violation code=", "\nderef+0x");
	expecttrace(dividemain, "panic: runtime error: integer divide by zero\n", "\ndivide+0x");
}
END_TEST

static void wildmain(void *arg)
{
	*(volatile int *)(uintptr)0x7000 = 1;   // mapped by nobody, not small
}

START_TEST(other_faults_stay_fatal)
{
	static char out[16384];
	int st = rtcheck_prog(wildmain, 1, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %x: %s", st, out);
	ck_assert_msg(strncmp(out, "unexpected fault address 0x7000\nfatal error: fault\n"
		"[signal SIGSEGV: segmentation violation code=", 96) == 0, "%s", out);
	ck_assert_msg(strstr(out, "\nwildmain+0x") != NULL, "%s", out);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("defer");
	TCase *tc = tcase_create("defer");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, defers_run_lifo_on_every_return_path);
	tcase_add_test(tc, argument_blocks_are_copied_at_the_defer_of_any_size);
	tcase_add_test(tc, recover_stops_the_panic_and_the_frame_returns_to_its_caller);
	tcase_add_test(tc, recover_works_only_called_directly_by_a_deferred_call);
	tcase_add_test(tc, nested_panics_print_as_go_prints_them);
	tcase_add_test(tc, a_panic_in_a_deferred_call_and_re_panics_recover_further_out);
	tcase_add_test(tc, panic_values_are_pointers_with_printers);
	tcase_add_test(tc, goexit_runs_every_pending_defer);
	tcase_add_test(tc, a_recovery_across_segments_gives_back_the_segments_above);
	tcase_add_test(tc, many_goroutines_panic_and_recover_at_once_across_ps);
	tcase_add_test(tc, the_compiler_sequence_with_a_frame_record);
	tcase_add_test(tc, records_are_reused_from_the_p_pool_and_the_gc_hook_empties_it);
	tcase_add_test(tc, each_defer_class_maps_to_one_malloc_size_class);
	tcase_add_test(tc, run_time_errors_are_panics_that_recover);
	tcase_add_test(tc, unrecovered_run_time_errors_print_the_faulting_function);
	tcase_add_test(tc, other_faults_stay_fatal);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
