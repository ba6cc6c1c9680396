// test-context: the context switch (asm_<arch>.S) keeps what it promises:
// callee-saved registers, the per-context TLS stack limit, ABI stack
// alignment at entry, a working mcall, and a crash (not a wander) when a
// context runs off its end or an mcall has no context to resume.
#include <signal.h>
#include <stdlib.h>

#include "rtcheck.h"
#include "runtime.h"

enum { StackSize = 64 * 1024, Ring = 64, RoundTrips = 1000000 };

uintptr test_regswitch(Gobuf *save, Gobuf *load, uintptr seed);

static Gobuf mainctx, ctx;

static uintptr newstack(void)
{
	char *p = malloc(StackSize);

	ck_assert_ptr_nonnull(p);
	rt_valgrind_stack_register((uintptr)p, (uintptr)p + StackSize);
	return (uintptr)p + StackSize;
}

static void backtomain(void)
{
	rt_gogo(&mainctx);
}

// ---- entry ----

static void *gotarg;
static uintptr entrysp;

static void recordentry(void *arg)
{
	gotarg = arg;
	entrysp = rt_getsp();
}

START_TEST(new_context_gets_its_arg_and_an_aligned_stack)
{
	uintptr top = newstack();

	// Odd tops must be aligned down by rt_gobuf_init.
	rt_gobuf_init(&ctx, top - 3, recordentry, &gotarg, backtomain);
	rt_switch(&mainctx, &ctx);
	ck_assert_ptr_eq(gotarg, &gotarg);
	ck_assert_uint_eq(entrysp % STACKALIGN, 0);
	ck_assert(entrysp <= top && entrysp > top - 1024);
}
END_TEST

// ---- registers ----

static uintptr regfailures;

static void regpartner(void *arg)
{
	int i;

	for (i = 0;; i++)
		regfailures |= test_regswitch(&ctx, &mainctx, 0x5a5a0000u + i * 16);
}

START_TEST(callee_saved_registers_survive_switches)
{
	uintptr bad = 0;
	int i;

	rt_gobuf_init(&ctx, newstack(), regpartner, NULL, backtomain);
	rt_switch(&mainctx, &ctx);
	for (i = 0; i < 1000; i++)
		bad |= test_regswitch(&mainctx, &ctx, 0x11110000u + i * 16);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(regfailures, 0);
}
END_TEST

// C code keeps doubles in registers across calls when it can: check what
// the compiler sees too, not only the asm helper's view.
static double fsum;

static void floatpartner(void *arg)
{
	double x = 1.5, y = -2.25, z = 1e10;

	for (;;) {
		rt_switch(&ctx, &mainctx);
		fsum += x * y + z;
		x += 1; y -= 1; z /= 2;
	}
}

START_TEST(floating_point_values_survive_switches)
{
	double a = 3.0, b = 0.5, want = 0, x = 1.5, y = -2.25, z = 1e10;
	int i;

	rt_gobuf_init(&ctx, newstack(), floatpartner, NULL, backtomain);
	rt_switch(&mainctx, &ctx);
	for (i = 0; i < 100; i++) {
		rt_switch(&mainctx, &ctx);
		want += x * y + z;
		x += 1; y -= 1; z /= 2;
		a = a * b + i;
	}
	ck_assert(fsum == want);
	ck_assert(a > 0);
}
END_TEST

// ---- the stack limit ----

static uintptr seenlimit[2];

static void limitpartner(void *arg)
{
	seenlimit[0] = rt_getlimit();
	rt_setlimit(0x3000);
	rt_switch(&ctx, &mainctx);
	seenlimit[1] = rt_getlimit();
	rt_gogo(&mainctx);
}

START_TEST(each_context_keeps_its_own_limit)
{
	rt_setlimit(0x1000);
	rt_gobuf_init(&ctx, newstack(), limitpartner, NULL, backtomain);
	ctx.limit = 0x2000;
	rt_switch(&mainctx, &ctx);
	ck_assert_uint_eq(seenlimit[0], 0x2000);
	ck_assert_uint_eq(rt_getlimit(), 0x1000);
	rt_switch(&mainctx, &ctx);
	ck_assert_uint_eq(seenlimit[1], 0x3000);
	ck_assert_uint_eq(rt_getlimit(), 0x1000);
	rt_setlimit(0);
}
END_TEST

// ---- mcall ----

static uintptr sysstack, mcallsp, mcalllimit;

static Gobuf *onsysstack(void *arg)
{
	mcallsp = rt_getsp();
	mcalllimit = rt_getlimit();
	return arg;
}

START_TEST(mcall_runs_fn_on_the_system_stack_and_resumes)
{
	Gobuf self;

	sysstack = newstack();
	rt_setlimit(0x1000);
	rt_mcall(&self, sysstack, onsysstack, &self);
	// Resumed here: onsysstack returned &self.
	ck_assert_msg(mcallsp <= sysstack && mcallsp > sysstack - 1024, "sp %lx top %lx", (unsigned long)mcallsp, (unsigned long)sysstack);
	ck_assert_uint_eq(mcallsp % STACKALIGN, 0);
	ck_assert_uint_eq(mcalllimit, 0);
	ck_assert_uint_eq(self.limit, 0x1000);
	ck_assert_uint_eq(rt_getlimit(), 0x1000);
	rt_setlimit(0);
}
END_TEST

static Gobuf *pickctx(void *arg)
{
	return arg;
}

START_TEST(mcall_resumes_the_context_fn_returns)
{
	uintptr top = newstack();

	gotarg = NULL;
	rt_gobuf_init(&ctx, top, recordentry, &ctx, backtomain);
	rt_mcall(&mainctx, newstack(), pickctx, &ctx);
	// ctx ran recordentry on its own stack, then backtomain resumed us.
	ck_assert_ptr_eq(gotarg, &ctx);
	ck_assert(entrysp <= top && entrysp > top - 1024);
}
END_TEST

// ---- many contexts, many switches ----

static Gobuf ring[Ring];
static int visits[Ring];

static void ringstep(void *arg)
{
	int i = (int)(intptr)arg;

	for (;;) {
		visits[i]++;
		rt_switch(&ring[i], i + 1 < Ring ? &ring[i + 1] : &mainctx);
	}
}

START_TEST(a_ring_of_contexts_passes_control_around)
{
	int i, lap;

	for (i = 0; i < Ring; i++)
		rt_gobuf_init(&ring[i], newstack(), ringstep, (void *)(intptr)i, backtomain);
	for (lap = 0; lap < 100; lap++)
		rt_switch(&mainctx, &ring[0]);
	for (i = 0; i < Ring; i++)
		ck_assert_int_eq(visits[i], 100);
}
END_TEST

static long bounces;

static void bouncer(void *arg)
{
	for (;;) {
		bounces++;
		rt_switch(&ctx, &mainctx);
	}
}

START_TEST(a_million_round_trips)
{
	long i;

	rt_gobuf_init(&ctx, newstack(), bouncer, NULL, backtomain);
	for (i = 0; i < RoundTrips; i++)
		rt_switch(&mainctx, &ctx);
	ck_assert_int_eq(bounces, RoundTrips);
}
END_TEST

// ---- running off the end ----

static void nothing(void *arg)
{
}

static void returningexit(void)
{
}

START_TEST(exit_that_returns_crashes)
{
	rt_gobuf_init(&ctx, newstack(), nothing, NULL, returningexit);
	rt_switch(&mainctx, &ctx);      // faults at the 0x1002 sentinel: fatal, exit 2
}
END_TEST

START_TEST(mcall_fn_that_returns_null_crashes)
{
	Gobuf self;

	rt_mcall(&self, newstack(), pickctx, NULL);     // faults loading NULL: fatal, exit 2
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("context");
	TCase *tc = tcase_create("switch");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, new_context_gets_its_arg_and_an_aligned_stack);
	tcase_add_test(tc, callee_saved_registers_survive_switches);
	tcase_add_test(tc, floating_point_values_survive_switches);
	tcase_add_test(tc, each_context_keeps_its_own_limit);
	tcase_add_test(tc, mcall_runs_fn_on_the_system_stack_and_resumes);
	tcase_add_test(tc, mcall_resumes_the_context_fn_returns);
	tcase_add_test(tc, a_ring_of_contexts_passes_control_around);
	tcase_add_test(tc, a_million_round_trips);
	tcase_add_exit_test(tc, exit_that_returns_crashes, 2);
	tcase_add_exit_test(tc, mcall_fn_that_returns_null_crashes, 2);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
