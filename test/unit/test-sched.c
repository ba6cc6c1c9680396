// test-sched: goroutines on Ms and Ps.  Each test runs a whole program
// (gort_run) in a child process, since a gort program ends when its main
// goroutine returns; the child's exit status and stderr are the verdict.
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gort.h"
#include "gort/abi.h"
#include "rtcheck.h"
#include "runtime.h"
#include "atomic.h"
#include "proc.h"
#include "malloc.h"

#if GORT_VALGRIND
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#define FRAME(buf) __asm__ volatile("" : : "r"(buf) : "memory")

// ---- spawning and finishing ----

enum { Spawned = 2000 };

static uint32 finished;
static long results[Spawned];

static NOINLINE long rec(long n)
{
	volatile char pad[64];

	FRAME(pad);
	pad[0] = (char)n;
	return n == 0 ? 0 : rec(n - 1) + 1 + pad[0] - (char)n;
}

static void worker(void *arg)
{
	long i = (long)(intptr)arg;

	results[i] = rec(500 + i % 1000);
	rt_xadd32(&finished, 1);
}

static void spawnmain(void *arg)
{
	long i;

	for (i = 0; i < Spawned; i++)
		gort_go(worker, (void *)(intptr)i);
	while (rt_load32(&finished) < Spawned)
		gort_yield();
	for (i = 0; i < Spawned; i++)
		if (results[i] != 500 + i % 1000)
			exit(3);
	// A worker counts itself finished just before it exits.
	while (gort_numgoroutine() != 1)
		gort_yield();
}

START_TEST(thousands_of_goroutines_run_to_completion_on_1_2_and_4_ps)
{
	int n;

	for (n = 1; n <= 4; n *= 2)
		rtcheck_prog_ok(spawnmain, n);
}
END_TEST

// ---- the P's small-object cache ----

static void cachemain(void *arg)
{
	int i;

	for (i = 0; i < 100; i++) {
		RTCHECK(rt_m->p != NULL && rt_m->mcache == rt_m->p->mcache);
		RTCHECK(rt_m->mcache != rt_m->ownmcache);
		gort_alloc(64);
		gort_yield();
	}
}

START_TEST(goroutines_allocate_from_their_ps_cache)
{
	rtcheck_prog_ok(cachemain, 1);
	rtcheck_prog_ok(cachemain, 3);
}
END_TEST

// ---- yielding ----

static char trace[64];
static uint32 ntrace;

static void letter(void *arg)
{
	int i;

	for (i = 0; i < 8; i++) {
		trace[rt_xadd32(&ntrace, 1) - 1] = *(const char *)arg;
		gort_yield();
	}
}

static void yieldmain(void *arg)
{
	int i;

	gort_go(letter, "a");
	gort_go(letter, "b");
	while (rt_load32(&ntrace) < 16)
		gort_yield();
	for (i = 1; i < 16; i++)
		if (trace[i] == trace[i - 1])
			exit(3);        // with one P, yielding must alternate
}

START_TEST(yielding_goroutines_take_turns_on_one_p)
{
	rtcheck_prog_ok(yieldmain, 1);
}
END_TEST

// ---- parking and readying ----

static Lock handoff;
static G *sleeper;
static void *received;

static void parker(void *arg)
{
	rt_lock(&handoff);
	sleeper = rt_getg();
	rt_park("test handoff", &handoff);      // unlocks once off its stack
	rt_storep((uintptr *)&received, (uintptr)rt_getg()->param);
}

// parkone starts a parker and waits until it has parked, and returns
// holding handoff, so that nothing readies it before the caller does.
static void parkone(void)
{
	received = NULL;
	sleeper = NULL;
	gort_go(parker, NULL);
	for (;;) {
		rt_lock(&handoff);
		if (sleeper != NULL && sleeper->status == Gwaiting)
			return;
		rt_unlock(&handoff);
		gort_yield();
	}
}

static void parkmain(void *arg)
{
	int round;

	for (round = 0; round < 200; round++) {
		parkone();
		rt_ready(sleeper, &handoff);
		rt_unlock(&handoff);
		while (received == NULL)
			gort_yield();
		if (received != &handoff)
			exit(3);
	}
}

START_TEST(a_parked_goroutine_runs_again_when_readied)
{
	rtcheck_prog_ok(parkmain, 1);
	rtcheck_prog_ok(parkmain, 3);
}
END_TEST

// A goroutine readied by one that goes on running, and never blocks or
// makes a preemptible call, lands in runnext of the readier's P; an idle
// P must take it from there (idlespin: a runnext that stays put).  The
// readier waits for it in a loop without calls, which sysmon cannot
// preempt: only a second P can end it.  Here it takes about half a
// million turns (one or two of idlespin's looks); the bound, 2^31, leaves
// a margin of thousands for slow machines, and half the rounds reached it
// when a spinning M could not take a stale runnext.
static void busymain(void *arg)
{
	uint64 spins;
	int round;

	for (round = 0; round < 20; round++) {
		parkone();
		rt_ready(sleeper, &handoff);
		rt_unlock(&handoff);
		for (spins = 0; rt_loadp((uintptr *)&received) == 0; spins++)
			RTCHECK(spins < (uint64)1 << 31);       // no calls: not
							//   preemptible
	}
}

START_TEST(a_goroutine_readied_by_one_that_keeps_running_runs_on_an_idle_p)
{
	rtcheck_prog_ok(busymain, 2);
	rtcheck_prog_ok(busymain, 4);
}
END_TEST

// ---- runnext between its owner and thieves ----

// An owner fills runnext with token after token and takes each back, as
// a P does at every switch, while a thread steals it until it has Wanted
// tokens (or has tried Tries times): every token must be had exactly
// once, by the owner or by the thief.
// The owner takes without a locked instruction when membarrier works
// (rt_takenext), and by compare-and-swap otherwise; both ways are run.
// An owner that took without looking for a thief had a token twice in
// every run.  Under valgrind, which runs one thread at a time, a fiftieth
// of it: each try waits for the owner's turn on the CPU to end.
enum { Tokens = 1 << 20, Tries = 5000, Wanted = 200 };

static P tokenp;                // a P of nobody's: only runnext is used
static uint8 owned[Tokens + 1], stolen[Tokens + 1];
static uint32 thiefdone, ownerdone, nstolen;

static void *thief(void *arg)
{
	uintptr t;
	int n, tries = RUNNING_ON_VALGRIND ? Tries / 50 : Tries;
	uint32 wanted = RUNNING_ON_VALGRIND ? Wanted / 50 : Wanted;

	for (n = 0; n < tries && rt_load32(&nstolen) < wanted && rt_load32(&ownerdone) == 0; ) {
		if (rt_loadp(&tokenp.runnext) == 0) {
			sched_yield();
			continue;
		}
		n++;
		if ((t = rt_stealnext(&tokenp)) != 0) {
			stolen[t]++;            // one thief has it: no race
			rt_xadd32(&nstolen, 1);
		} else {
			sched_yield();          // an owner stopped mid-take
		}                               //   on a busy machine goes on
	}
	rt_store32(&thiefdone, 1);
	return NULL;
}

static void tokens(bool asymfence)
{
	pthread_t t;
	uintptr i, n, got;
	int k;

	memset(owned, 0, sizeof owned);
	memset(stolen, 0, sizeof stolen);
	rt_store32(&thiefdone, 0);
	rt_store32(&ownerdone, 0);
	rt_store32(&nstolen, 0);
	rt_sched.nprocs = 2;            // so that there may be thieves
	rt_sched.asymfence = asymfence;
	ck_assert_int_eq(pthread_create(&t, NULL, thief, NULL), 0);
	for (n = 1; n <= Tokens && rt_load32(&thiefdone) == 0; n++) {
		rt_storep(&tokenp.runnext, n);
		for (k = 0; k < 500; k++)       // the goroutine that readied
			rt_load32(&thiefdone);  //   runs a while
		if ((got = rt_takenext(&tokenp)) != 0) {
			RTCHECK(got == n);      // no ck_assert: it writes a pipe
			owned[n]++;
		}
	}
	rt_store32(&ownerdone, 1);
	pthread_join(t, NULL);
	for (i = 1; i < n; i++)
		ck_assert_msg(owned[i] + stolen[i] == 1, "token %lu: owner %d, thief %d",
			(unsigned long)i, owned[i], stolen[i]);
	ck_assert_uint_gt(rt_load32(&nstolen), 0);
}

START_TEST(runnext_goes_to_its_owner_or_to_one_thief)
{
	tokens(rt_membarrier(MembarrierRegisterPrivateExpedited) == 0);
	tokens(false);
}
END_TEST

// ---- reuse ----

static void nothing(void *arg)
{
	rt_xadd32(&finished, 1);
}

enum { Burst = 200 };

static void reusemain(void *arg)
{
	uint32 i, k, ng = 0;
	G *g;

	for (i = 0; i < 10000; i++) {
		gort_go(nothing, NULL);
		while (rt_load32(&finished) <= i)
			gort_yield();
	}
	// Then in bursts, which other Ps steal from and end: their dead Gs
	// come back to this P through the global list, a batch at a time.
	for (; i < 50000; i += Burst) {
		for (k = 0; k < Burst; k++)
			gort_go(nothing, NULL);
		while (rt_load32(&finished) < i + Burst)
			gort_yield();
	}
	rt_lock(&rt_sched.lock);
	for (g = rt_sched.allg; g != NULL; g = g->alllink)
		ng++;
	rt_unlock(&rt_sched.lock);
	// 50,000 goroutines came and went; the Gs made stay bounded by what
	// the Ps keep on their free lists, the global list's one batch at
	// most, and a burst.
	if (ng > GFreeLocal * rt_sched.nprocs + GFreeBatch + Burst + 8)
		exit(3);
}

START_TEST(dead_goroutines_are_reused)
{
	rtcheck_prog_ok(reusemain, 1);
	rtcheck_prog_ok(reusemain, 2);
}
END_TEST

// ---- a stack from start to end ----

// A goroutine gets its first segment when it first runs, not when it is
// made, and gives it back when it ends: the goroutines a program has made
// but not yet run hold a G each and no stack.
enum { Waiters = 5000 };

static uint32 nwaiting, nended;
static gort_chan *waitershold;

static void waiter(void *arg)
{
	rt_xadd32(&nwaiting, 1);
	gort_chan_recv(waitershold, NULL);
	rt_xadd32(&nended, 1);
}

static void stackspanmain(void *arg)
{
	StackCensus c0, c1, c2, c3;
	uint32 i;

	waitershold = gort_chan_make(0, 0);
	rt_stack_census(&c0);
	for (i = 0; i < Waiters; i++)
		gort_go(waiter, NULL);
	rt_stack_census(&c1);
	RTCHECK(c1.inuse == c0.inuse);
	while (rt_load32(&nwaiting) < Waiters)
		gort_yield();
	rt_stack_census(&c2);
	RTCHECK(c2.inuse == c0.inuse + Waiters);
	gort_chan_close(waitershold);
	while (rt_load32(&nended) < Waiters)
		gort_yield();
	gort_yield();           // the last one has left its stack
	rt_stack_census(&c3);
	RTCHECK(c3.inuse == c0.inuse);
}

// In a dump of every goroutine, one not yet started shows its function.
static void unstartedmain(void *arg)
{
	gort_go(waiter, NULL);
	rt_printgoroutines(NULL);
	exit(0);
}

START_TEST(a_goroutine_holds_a_stack_from_its_start_to_its_end)
{
	static char out[16384];
	int st;

	rtcheck_prog_ok(stackspanmain, 1);
	st = rtcheck_prog(unstartedmain, 1, out, sizeof out);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %x", st);
	ck_assert_msg(strstr(out, "\ngoroutine 2 [runnable]:\nwaiter+0x0\n\tnot yet started\n") != NULL,
		"%s", out);
	ck_assert_msg(strstr(out, "\ngoroutine 1 [running]:\n") != NULL, "%s", out);
}
END_TEST

// ---- death ----

static Lock never;

static void parkforever(void *arg)
{
	rt_lock(&never);
	rt_park("waiting forever", &never);
}

static void deadmain(void *arg)
{
	gort_go(parkforever, NULL);
	gort_go(parkforever, NULL);
	while (gort_numgoroutine() < 3)
		gort_yield();
	parkforever(NULL);
}

START_TEST(all_goroutines_asleep_is_a_deadlock)
{
	static char out[16384];
	int st = rtcheck_prog(deadmain, 2, out, sizeof out), n;
	const char *p;

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %x", st);
	ck_assert_msg(strncmp(out, "fatal error: all goroutines are asleep - deadlock!\n\n"
		"goroutine ", 60) == 0, "%s", out);
	// Three goroutines, the main one first made; the others' ids depend
	// on the P that made them (each P hands out ids from its own batch).
	ck_assert_msg(strstr(out, "goroutine 1 [waiting forever]:\n") != NULL, "%s", out);
	for (p = out, n = 0; (p = strstr(p, " [waiting forever]:\n")) != NULL; p++)
		n++;
	ck_assert_msg(n == 3, "%d goroutines: %s", n, out);
	ck_assert_msg(strstr(out, "\nrt_park+0x") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\ndeadmain+0x") != NULL, "%s", out);
}
END_TEST

static void tracedmain(void *arg)
{
	gort_go(parkforever, NULL);
	gort_sleep(200 * 1000000);      // several lines, even under valgrind
	exit(0);
}

static void tracechild(void *arg)
{
	rt_knobs.maxprocs = 2;
	rt_knobs.schedtrace = 20;
	rt_knobs.scheddetail = 1;
	gort_run(tracedmain, NULL);
}

START_TEST(schedtrace_prints_the_scheduler_state)
{
	static char out[16384];
	int st = rtcheck_child(tracechild, NULL, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %x", st);
	ck_assert_msg(strncmp(out, "SCHED ", 6) == 0, "%s", out);
	ck_assert_msg(strstr(out, "ms: gomaxprocs=2 idleprocs=") != NULL, "%s", out);
	// Only what holds whenever a line is printed: G1 may be asleep or
	// just woken, but the other is parked for good.  (Its id depends on
	// the P that made it: each P hands out ids from a batch of its own.)
	ck_assert_msg(strstr(out, " runqueue=") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\n  P1: status=") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\n  G1: status=") != NULL, "%s", out);
	ck_assert_msg(strstr(out, ": status=waiting forever\n") != NULL, "%s", out);
}
END_TEST

// ---- the compiler's entry: an argument block ----

typedef struct Args {
	long a, b;
	char name[16];
} Args;

static void takesargs(void *arg)
{
	Args *x = arg;

	if (x->a != 40 || x->b != 2 || strcmp(x->name, "block") != 0)
		exit(3);
	rt_xadd32(&finished, 1);
}

static NOINLINE void spawnwithblock(void)
{
	Args args = {40, 2, "block"};   // on this frame, gone when it returns

	gort_newproc(takesargs, &args, sizeof args);
}

static void newprocmain(void *arg)
{
	volatile char scribble[256];

	spawnwithblock();
	memset((char *)scribble, 0x55, sizeof scribble);  // reuse that stack
	while (rt_load32(&finished) < 1)
		gort_yield();
}

START_TEST(newproc_copies_the_argument_block)
{
	rtcheck_prog_ok(newprocmain, 1);
	rtcheck_prog_ok(newprocmain, 2);
}
END_TEST

// ---- blocking calls ----

static int fds[2];
static gort_chan *readdone;

static void blockingreader(void *arg)
{
	char c = 0;
	ssize_t n;

	gort_entersyscall();
	n = read(fds[0], &c, 1);        // blocks its thread, not its P
	gort_exitsyscall();
	if (n != 1 || c != 'x')
		exit(3);
	gort_chan_send(readdone, NULL);
}

static void syscallmain(void *arg)
{
	if (pipe(fds) != 0)
		exit(4);
	readdone = gort_chan_make(0, 0);
	gort_go(blockingreader, NULL);
	gort_sleep(20 * 1000000);       // the reader blocks in read meanwhile
	if (write(fds[1], "x", 1) != 1)
		exit(5);
	gort_chan_recv(readdone, NULL);
}

START_TEST(a_goroutine_blocked_in_the_kernel_does_not_hold_its_p)
{
	rtcheck_prog_ok(syscallmain, 1);
	rtcheck_prog_ok(syscallmain, 2);
}
END_TEST

// ---- preemption ----

static uint32 spinning[2];
static gort_chan *spinsdone;

// step is a call with a frame, so its split-stack prologue is where a
// preemption request lands.
static NOINLINE uint32 step(uint32 x)
{
	volatile uint32 frame[8];

	frame[x % 8] = x;
	return frame[x % 8] * 2654435761u + 1;
}

// Each spinner runs, never yielding, until the other has started: on one
// P only a preemption can let the second start.
static void spinner(void *arg)
{
	int me = (int)(intptr)arg;
	uint32 x = 0;

	rt_store32(&spinning[me], 1);
	while (rt_load32(&spinning[1 - me]) == 0)
		x = step(x);
	gort_chan_send(spinsdone, &x);
}

static void preemptmain(void *arg)
{
	uint32 x;

	spinsdone = gort_chan_make(sizeof x, 2);
	gort_go(spinner, (void *)0);
	gort_go(spinner, (void *)1);
	gort_chan_recv(spinsdone, &x);
	gort_chan_recv(spinsdone, &x);
	RTCHECK(rt_sched.npreempt > 0 || gort_maxprocs() > 1);
}

START_TEST(sysmon_preempts_goroutines_in_call_heavy_loops)
{
	rtcheck_prog_ok(preemptmain, 1);
	rtcheck_prog_ok(preemptmain, 2);
}
END_TEST

static void outside(void *arg)
{
	gort_go(nothing, NULL);
}

START_TEST(gort_go_outside_a_program_says_so)
{
	char out[1024];
	int st = rtcheck_child(outside, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_str_eq(out, "fatal error: gort_go outside a goroutine (call gort_run first)\n");
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("proc");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, thousands_of_goroutines_run_to_completion_on_1_2_and_4_ps);
	tcase_add_test(tc, yielding_goroutines_take_turns_on_one_p);
	tcase_add_test(tc, goroutines_allocate_from_their_ps_cache);
	tcase_add_test(tc, a_parked_goroutine_runs_again_when_readied);
	tcase_add_test(tc, a_goroutine_readied_by_one_that_keeps_running_runs_on_an_idle_p);
	tcase_add_test(tc, runnext_goes_to_its_owner_or_to_one_thief);
	tcase_add_test(tc, dead_goroutines_are_reused);
	tcase_add_test(tc, a_goroutine_holds_a_stack_from_its_start_to_its_end);
	tcase_add_test(tc, all_goroutines_asleep_is_a_deadlock);
	tcase_add_test(tc, gort_go_outside_a_program_says_so);
	tcase_add_test(tc, schedtrace_prints_the_scheduler_state);
	tcase_add_test(tc, a_goroutine_blocked_in_the_kernel_does_not_hold_its_p);
	tcase_add_test(tc, sysmon_preempts_goroutines_in_call_heavy_loops);
	tcase_add_test(tc, newproc_copies_the_argument_block);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
