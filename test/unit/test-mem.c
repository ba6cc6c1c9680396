// test-mem: reserve, map, unused and free do what docs/os.md says, as the
// process's memory shows it (faults, contents, resident size).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rtcheck.h"
#include "runtime.h"

enum { MiB = 1 << 20 };

START_TEST(reserved_memory_faults)
{
	volatile char *p = rt_sys_reserve(64 * MiB);

	ck_assert_ptr_nonnull((void *)p);
	p[MiB] = 1;     // PROT_NONE: a fatal fault (exit 2) expected
}
END_TEST

START_TEST(mapped_part_of_reservation_is_usable)
{
	char *p = rt_sys_reserve(1024 * MiB);

	ck_assert_ptr_nonnull(p);
	ck_assert(rt_sys_map(p + 16 * MiB, 4 * MiB, false));
	ck_assert_int_eq(p[16 * MiB], 0);
	memset(p + 16 * MiB, 0x5a, 4 * MiB);
	ck_assert_int_eq(p[20 * MiB - 1], 0x5a);
	rt_sys_free(p, 1024 * MiB);
}
END_TEST

START_TEST(unused_gives_pages_back)
{
	uintptr n = 64 * MiB;
	long before, touched, after;
	char *p = rt_sys_alloc(n);

	ck_assert_ptr_nonnull(p);
	before = rtcheck_rsspages();
	memset(p, 1, n);
	touched = rtcheck_rsspages();
	ck_assert_int_ge(touched - before, (long)(n / 4096) * 9 / 10);
	rt_sys_unused(p, n);
	after = rtcheck_rsspages();
	ck_assert_int_le(after, before + (long)(n / 4096) / 10);
	ck_assert_int_eq(p[n / 2], 0);  // contents are gone, mapping is not
	rt_sys_free(p, n);
}
END_TEST

START_TEST(freed_memory_faults)
{
	volatile char *p = rt_sys_alloc(MiB);

	ck_assert_ptr_nonnull((void *)p);
	p[0] = 1;
	rt_sys_free((void *)p, MiB);
	p[0] = 2;       // a fatal fault (exit 2) expected
}
END_TEST

static void unaligned_unused(void *arg)
{
	char *p = rt_sys_alloc(MiB);

	rt_sys_unused(p + 1, 4096);
}

START_TEST(unaligned_unused_throws)
{
	char out[256];
	int st = rtcheck_child(unaligned_unused, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	ck_assert_str_eq(out, "fatal error: rt_sys_unused: range not page-aligned\n");
}
END_TEST

START_TEST(alloc_failure_is_null)
{
	// More address space than any target has.
	ck_assert_ptr_null(rt_sys_alloc(~(uintptr)0 & ~(uintptr)4095));
	ck_assert_ptr_null(rt_sys_reserve(~(uintptr)0 & ~(uintptr)4095));
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("mem");
	TCase *tc = tcase_create("sys");

	tcase_add_exit_test(tc, reserved_memory_faults, 2);
	tcase_add_test(tc, mapped_part_of_reservation_is_usable);
	tcase_add_test(tc, unused_gives_pages_back);
	tcase_add_exit_test(tc, freed_memory_faults, 2);
	tcase_add_test(tc, unaligned_unused_throws);
	tcase_add_test(tc, alloc_failure_is_null);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
