// test-syscall: each raw system call against libc's answer, error cases
// included.  Errors come back as -errno, so each error test names the errno.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rtcheck.h"
#include "runtime.h"

START_TEST(numbers_match_libc)
{
	ck_assert_int_eq(NR_write, SYS_write);
	ck_assert_int_eq(NR_munmap, SYS_munmap);
	ck_assert_int_eq(NR_madvise, SYS_madvise);
	ck_assert_int_eq(NR_prlimit64, SYS_prlimit64);
	ck_assert_int_eq(NR_sched_yield, SYS_sched_yield);
	ck_assert_int_eq(NR_sched_getaffinity, SYS_sched_getaffinity);
	ck_assert_int_eq(NR_getpid, SYS_getpid);
	ck_assert_int_eq(NR_gettid, SYS_gettid);
	ck_assert_int_eq(NR_tgkill, SYS_tgkill);
	ck_assert_int_eq(NR_rt_sigaction, SYS_rt_sigaction);
	ck_assert_int_eq(NR_rt_sigprocmask, SYS_rt_sigprocmask);
	ck_assert_int_eq(NR_rt_sigreturn, SYS_rt_sigreturn);
	ck_assert_int_eq(NR_sigaltstack, SYS_sigaltstack);
	ck_assert_int_eq(NR_exit_group, SYS_exit_group);
	ck_assert_int_eq(NR_membarrier, SYS_membarrier);
	// 32-bit targets use mmap2 and the 64-bit-time calls.
#ifdef SYS_mmap2
	ck_assert_int_eq(NR_mmap, SYS_mmap2);
#else
	ck_assert_int_eq(NR_mmap, SYS_mmap);
#endif
#ifdef SYS_futex_time64
	ck_assert_int_eq(NR_futex, SYS_futex_time64);
	ck_assert_int_eq(NR_clock_gettime, SYS_clock_gettime64);
	ck_assert_int_eq(NR_clock_nanosleep, SYS_clock_nanosleep_time64);
#else
	ck_assert_int_eq(NR_futex, SYS_futex);
	ck_assert_int_eq(NR_clock_gettime, SYS_clock_gettime);
	ck_assert_int_eq(NR_clock_nanosleep, SYS_clock_nanosleep);
#endif
}
END_TEST

START_TEST(write_reaches_the_fd)
{
	int fds[2];
	char buf[8] = {0};

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(rt_write(fds[1], "gort", 4), 4);
	ck_assert_int_eq(read(fds[0], buf, sizeof buf), 4);
	ck_assert_str_eq(buf, "gort");
	ck_assert_int_eq(rt_write(-1, "x", 1), -EBADF);
	ck_assert_int_eq(rt_write(fds[1], (void *)16, 4), -EFAULT);
}
END_TEST

START_TEST(mmap_munmap_madvise)
{
	uintptr n = 1 << 20;
	char *p;

	p = rt_mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(!rt_syserr((uintptr)p));
	ck_assert_int_eq(p[n - 1], 0);
	p[0] = 1;
	ck_assert_int_eq(rt_madvise(p, n, MADV_DONTNEED), 0);
	ck_assert_int_eq(p[0], 0);      // anonymous pages come back as zeros
	ck_assert_int_eq(rt_madvise(p + 1, n - 4096, MADV_DONTNEED), -EINVAL);
	ck_assert_int_eq(rt_munmap(p + 1, 4096), -EINVAL);
	ck_assert_int_eq(rt_munmap(p, n), 0);
	// neither MAP_PRIVATE nor MAP_SHARED
	p = rt_mmap(NULL, n, PROT_READ, MAP_ANONYMOUS, -1, 0);
	ck_assert_int_eq((intptr)p, -EINVAL);
}
END_TEST

START_TEST(mmap_file_offset)
{
	// The offset goes through mmap2's page units on 32-bit targets.
	char path[] = "/tmp/gort-mmap-XXXXXX";
	int fd = mkstemp(path);
	char page[4096], *p;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	memset(page, 'a', sizeof page);
	ck_assert_int_eq(write(fd, page, sizeof page), sizeof page);
	memset(page, 'b', sizeof page);
	ck_assert_int_eq(write(fd, page, sizeof page), sizeof page);
	p = rt_mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	ck_assert(!rt_syserr((uintptr)p));
	ck_assert_int_eq(p[0], 'b');
	close(fd);
}
END_TEST

START_TEST(futex_wait_and_wake)
{
	uint32 word = 7;
	Timespec ts = {0, 1000000};

	ck_assert_int_eq(rt_futex(&word, FutexWaitPrivate, 8, NULL), -EAGAIN);
	ck_assert_int_eq(rt_futex(&word, FutexWaitPrivate, 7, &ts), -ETIMEDOUT);
	ck_assert_int_eq(rt_futex(&word, FutexWakePrivate, 1, NULL), 0);
	ck_assert_int_eq(rt_futex((uint32 *)16, FutexWaitPrivate, 0, &ts), -EFAULT);
}
END_TEST

START_TEST(rlimits_match_libc)
{
	struct rlimit lim;
	Rlimit r, want;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &lim), 0);
	ck_assert_int_eq(rt_getrlimit(RLIMIT_NOFILE, &r), 0);
	ck_assert(r.cur == (uint64)lim.rlim_cur && r.max == (uint64)lim.rlim_max);
	want.cur = r.cur - 1;
	want.max = r.max;
	ck_assert_int_eq(rt_setrlimit(RLIMIT_NOFILE, &want), 0);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &lim), 0);
	ck_assert(lim.rlim_cur == want.cur);
	ck_assert_int_eq(rt_getrlimit(1000, &r), -EINVAL);
}
END_TEST

START_TEST(clocks_match_libc)
{
	struct timespec lts;
	Timespec a, b;

	ck_assert_int_eq(rt_clock_gettime(CLOCK_MONOTONIC, &a), 0);
	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &lts), 0);
	ck_assert_int_eq(rt_clock_gettime(CLOCK_MONOTONIC, &b), 0);
	ck_assert(a.sec * 1000000000 + a.nsec <= (int64)lts.tv_sec * 1000000000 + lts.tv_nsec);
	ck_assert(b.sec * 1000000000 + b.nsec >= (int64)lts.tv_sec * 1000000000 + lts.tv_nsec);
	// Bracketed by libc's own CLOCK_REALTIME (not time(): glibc reads a
	// coarse clock there, which may lag a tick behind).
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &lts), 0);
	ck_assert_int_eq(rt_clock_gettime(CLOCK_REALTIME, &a), 0);
	ck_assert(a.sec >= lts.tv_sec);
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &lts), 0);
	ck_assert(a.sec <= lts.tv_sec);
	ck_assert_int_eq(rt_clock_gettime(1000, &a), -EINVAL);
}
END_TEST

START_TEST(nanosleep_sleeps_at_least)
{
	int64 t0 = rt_nanotime();

	ck_assert_int_eq(rt_nanosleep(3000000), 0);
	ck_assert_int_ge(rt_nanotime() - t0, 3000000);
	ck_assert_int_eq(rt_nanosleep(-5), 0);
}
END_TEST

START_TEST(sched_calls)
{
	cpu_set_t set;
	byte tiny[1];

	ck_assert_int_eq(rt_sched_yield(), 0);
	ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
	ck_assert_int_eq(rt_ncpu(), CPU_COUNT(&set));
	ck_assert_int_eq(rt_sched_getaffinity(0, sizeof tiny, tiny), -EINVAL);
}
END_TEST

START_TEST(ids_and_tgkill)
{
	ck_assert_int_eq(rt_getpid(), getpid());
	ck_assert_int_eq(rt_gettid(), gettid());
	ck_assert_int_eq(rt_tgkill(rt_getpid(), rt_gettid(), 0), 0);
	ck_assert_int_eq(rt_tgkill(rt_getpid(), 0x3fffffff, 0), -ESRCH);
	ck_assert_int_eq(rt_tgkill(rt_getpid(), rt_gettid(), 1000), -EINVAL);
}
END_TEST

static volatile int caught;

static void onusr1(int sig)
{
	caught = sig;
}

START_TEST(sigaction_handler_runs_and_returns)
{
	KSigaction sa = {0}, old;
	struct sigaction lsa;

	sa.handler = (void *)onusr1;
	ck_assert_int_eq(rt_sigaction(SIGUSR1, &sa, NULL), 0);
	ck_assert_int_eq(sigaction(SIGUSR1, NULL, &lsa), 0);
	ck_assert(lsa.sa_handler == onusr1);
	// The handler returns through rt_sigreturn_tramp.
	ck_assert_int_eq(rt_tgkill(rt_getpid(), rt_gettid(), SIGUSR1), 0);
	ck_assert_int_eq(caught, SIGUSR1);
	ck_assert_int_eq(rt_sigaction(SIGUSR1, NULL, &old), 0);
	ck_assert(old.handler == (void *)onusr1);
	ck_assert_int_eq(rt_sigaction(SIGKILL, &sa, NULL), -EINVAL);
}
END_TEST

START_TEST(sigprocmask_matches_libc)
{
	uint32 set[2] = {1u << (SIGUSR2 - 1), 0}, old[2];
	sigset_t lset;

	ck_assert_int_eq(rt_sigprocmask(SIG_BLOCK_, set, old), 0);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &lset), 0);
	ck_assert(sigismember(&lset, SIGUSR2));
	ck_assert_int_eq(rt_sigprocmask(SIG_SETMASK_, old, NULL), 0);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &lset), 0);
	ck_assert(!sigismember(&lset, SIGUSR2));
	ck_assert_int_eq(rt_sigprocmask(99, set, NULL), -EINVAL);
}
END_TEST

START_TEST(sigaltstack_matches_libc)
{
	static char altstack[64 * 1024];
	SigStack ss = {altstack, 0, sizeof altstack};
	stack_t lss;

	ck_assert_int_eq(rt_sigaltstack(&ss, NULL), 0);
	ck_assert_int_eq(sigaltstack(NULL, &lss), 0);
	ck_assert(lss.ss_sp == altstack && lss.ss_size == sizeof altstack);
	ss.size = 100;
	ck_assert_int_eq(rt_sigaltstack(&ss, NULL), -ENOMEM);
}
END_TEST

static void exit42(void *arg)
{
	rt_exit(42);
}

START_TEST(exit_group_sets_status)
{
	char out[64];
	int st = rtcheck_child(exit42, NULL, out, sizeof out);

	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 42);
}
END_TEST

// ---- the cgroup CPU quota ----

static int32 quota(const char *text)
{
	return rt_cpuquota_parse(text, strlen(text));
}

START_TEST(cpu_quota_text_is_read_as_cpus_rounded_up)
{
	ck_assert_int_eq(quota("max 100000\n"), 0);          // no quota
	ck_assert_int_eq(quota("150000 100000\n"), 2);
	ck_assert_int_eq(quota("50000 100000\n"), 1);
	ck_assert_int_eq(quota("200000 100000"), 2);
	ck_assert_int_eq(quota("-1 100000\n"), 0);           // v1: no quota
	ck_assert_int_eq(quota("100000000 1000"), 256);       // capped
}
END_TEST

START_TEST(cpu_quota_garbage_means_no_quota)
{
	ck_assert_int_eq(quota(""), 0);
	ck_assert_int_eq(quota("\n"), 0);
	ck_assert_int_eq(quota("150000"), 0);
	ck_assert_int_eq(quota("150000 0"), 0);
	ck_assert_int_eq(quota("abc 100000"), 0);
	ck_assert_int_eq(quota("150000 100000 7"), 0);
	ck_assert_int_eq(quota("150000 -100000"), 0);
	ck_assert_int_eq(quota("99999999999999999999999 1"), 0);
	ck_assert_int_eq(rt_cpuquota_parse("150000 100000", 6), 0);   // cut short
}
END_TEST

static Suite *make_suite(void)
{
	Suite *s = suite_create("syscall");
	TCase *tc = tcase_create("raw");

	tcase_add_test(tc, numbers_match_libc);
	tcase_add_test(tc, write_reaches_the_fd);
	tcase_add_test(tc, mmap_munmap_madvise);
	tcase_add_test(tc, mmap_file_offset);
	tcase_add_test(tc, futex_wait_and_wake);
	tcase_add_test(tc, rlimits_match_libc);
	tcase_add_test(tc, clocks_match_libc);
	tcase_add_test(tc, nanosleep_sleeps_at_least);
	tcase_add_test(tc, sched_calls);
	tcase_add_test(tc, ids_and_tgkill);
	tcase_add_test(tc, sigaction_handler_runs_and_returns);
	tcase_add_test(tc, sigprocmask_matches_libc);
	tcase_add_test(tc, sigaltstack_matches_libc);
	tcase_add_test(tc, exit_group_sets_status);
	tcase_add_test(tc, cpu_quota_text_is_read_as_cpus_rounded_up);
	tcase_add_test(tc, cpu_quota_garbage_means_no_quota);
	suite_add_tcase(s, tc);
	return s;
}

RTCHECK_MAIN(make_suite)
