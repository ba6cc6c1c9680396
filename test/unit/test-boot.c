// test-boot: boot order, the knob table, printing without stdio, and how
// the runtime dies.
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "gort.h"
#include "rtcheck.h"
#include "runtime.h"

START_TEST(boot_gives_the_main_thread_limit_zero)
{
	char *envp[] = {NULL};

	rt_setlimit(0x1234000);         // as a reused glibc thread stack might
	rt_boot(1, (char *[]){"t", NULL}, envp);
	ck_assert_uint_eq(rt_getlimit(), 0);
}
END_TEST

START_TEST(traceback_knob_takes_words_and_go_numbers)
{
	static const struct { const char *env; int32 want; } cases[] = {
		{"GORT_TRACEBACK=none", TracebackNone},
		{"GORT_TRACEBACK=single", TracebackSingle},
		{"GORT_TRACEBACK=all", TracebackAll},
		{"GORT_TRACEBACK=system", TracebackSystem},
		{"GORT_TRACEBACK=crash", TracebackCrash},
		{"GORT_TRACEBACK=0", TracebackNone},
		{"GORT_TRACEBACK=1", TracebackAll},
		{"GORT_TRACEBACK=2", TracebackSystem},
	};
	unsigned i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *envp[] = {"HOME=/", (char *)cases[i].env, NULL};

		rt_knobs.traceback = -1;
		rt_parseknobs(envp);
		ck_assert_msg(rt_knobs.traceback == cases[i].want, "%s", cases[i].env);
	}
}
END_TEST

static void parsebad(void *arg)
{
	char *envp[] = {"GORT_TRACEBACK=loud", "GORT_TRACEBAK=all",
		"GORTX=1", "XGORT_TRACEBACK=all", NULL};

	rt_knobs.traceback = TracebackSingle;
	rt_parseknobs(envp);
	if (rt_knobs.traceback != TracebackSingle)
		rt_exit(1);
}

START_TEST(bad_knobs_are_reported_and_ignored)
{
	char out[512];
	int st = rtcheck_child(parsebad, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_str_eq(out,
		"gort: ignoring GORT_TRACEBACK=loud: value not understood\n"
		"gort: ignoring GORT_TRACEBAK=all: no such knob\n");
}
END_TEST

START_TEST(debug_knob_sets_each_key)
{
	char *envp[] = {"GORT_DEBUG=stacksplit=1,maxstack=1048576,stackstress=0,disablethp=1", NULL};

	rt_knobs.stacksplit = 0;
	rt_knobs.stackstress = 7;
	rt_knobs.disablethp = 0;
	rt_parseknobs(envp);
	ck_assert_int_eq(rt_knobs.disablethp, 1);
	ck_assert_int_eq(rt_knobs.stacksplit, 1);
	ck_assert_int_eq(rt_knobs.maxstack, 1048576);
	ck_assert_int_eq(rt_knobs.stackstress, 0);
}
END_TEST

static void parsebaddebug(void *arg)
{
	char *envp[] = {"GORT_DEBUG=stacksplit=x", "GORT_DEBUG=nosuchkey=1",
		"GORT_DEBUG=maxstack", "GORT_DEBUG=stackstress=1,,", NULL};

	rt_parseknobs(envp);
}

START_TEST(bad_debug_keys_are_reported)
{
	char out[512];
	int st = rtcheck_child(parsebaddebug, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_str_eq(out,
		"gort: ignoring GORT_DEBUG=stacksplit=x: value not understood\n"
		"gort: ignoring GORT_DEBUG=nosuchkey=1: value not understood\n"
		"gort: ignoring GORT_DEBUG=maxstack: value not understood\n"
		"gort: ignoring GORT_DEBUG=stackstress=1,,: value not understood\n");
}
END_TEST

static void throwboom(void *arg)
{
	rt_knobs.traceback = (int32)(intptr)arg;
	rt_throw("boom");
}

START_TEST(throw_prints_and_exits_2)
{
	char out[256];
	int st = rtcheck_child(throwboom, (void *)(intptr)TracebackSingle, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_str_eq(out, "fatal error: boom\n");
}
END_TEST

START_TEST(throw_with_traceback_crash_aborts)
{
	char out[256];
	int st;

	signal(SIGABRT, SIG_IGN);       // crash must undo this
	st = rtcheck_child(throwboom, (void *)(intptr)TracebackCrash, out, sizeof out);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	// qemu-user adds its own line after ours.
	ck_assert_msg(strncmp(out, "fatal error: boom\n", 18) == 0, "%s", out);
}
END_TEST

static void printall(void *arg)
{
	rt_prints("s=");
	rt_prints("gort");
	rt_prints(" i=");
	rt_printint(-42);
	rt_prints(" min=");
	rt_printint(INT64_MIN);
	rt_prints(" u=");
	rt_printuint(UINT64_MAX);
	rt_prints(" z=");
	rt_printint(0);
	rt_prints(" h=");
	rt_printhex(0xdeadbeef);
	rt_prints(" h0=");
	rt_printhex(0);
	rt_printnl();
}

START_TEST(print_formats_numbers)
{
	char out[256];
	int st = rtcheck_child(printall, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_str_eq(out, "s=gort i=-42 min=-9223372036854775808 "
		"u=18446744073709551615 z=0 h=0xdeadbeef h0=0x0\n");
}
END_TEST

START_TEST(version_matches_the_build)
{
	ck_assert_str_eq(gort_version(), GORT_TEST_VERSION);
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("boot");
	TCase *tc = tcase_create("boot");

	tcase_add_test(tc, boot_gives_the_main_thread_limit_zero);
	tcase_add_test(tc, traceback_knob_takes_words_and_go_numbers);
	tcase_add_test(tc, bad_knobs_are_reported_and_ignored);
	tcase_add_test(tc, debug_knob_sets_each_key);
	tcase_add_test(tc, bad_debug_keys_are_reported);
	tcase_add_test(tc, throw_prints_and_exits_2);
	tcase_add_test(tc, throw_with_traceback_crash_aborts);
	tcase_add_test(tc, print_formats_numbers);
	tcase_add_test(tc, version_matches_the_build);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
