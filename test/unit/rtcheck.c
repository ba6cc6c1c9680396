// rtcheck.c: see rtcheck.h.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "gort.h"
#include "rtcheck.h"
#include "runtime.h"

int rtcheck_child(void (*fn)(void *), void *arg, char *out, size_t n)
{
	int fds[2], status;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 2);
		fn(arg);
		_exit(0);
	}
	close(fds[1]);
	while (got + 1 < n && (r = read(fds[0], out + got, n - 1 - got)) > 0)
		got += r;
	out[got] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

int rtcheck_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

void rtcheck_bootonce(void)
{
	extern char **environ;
	static int booted;

	if (!booted) {
		booted = 1;
		rt_boot(0, NULL, environ);
	}
}

typedef struct Prog {
	void (*main)(void *);
	int nprocs;
} Prog;

static void runprog(void *arg)
{
	Prog *p = arg;

	rt_knobs.maxprocs = p->nprocs;
	gort_run(p->main, NULL);
}

int rtcheck_prog(void (*main)(void *), int nprocs, char *out, size_t n)
{
	Prog p = {main, nprocs};

	return rtcheck_child(runprog, &p, out, n);
}

void rtcheck_prog_ok(void (*main)(void *), int nprocs)
{
	static char out[16384];
	int st = rtcheck_prog(main, nprocs, out, sizeof out);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		"%d Ps: status %x, stderr: %.2000s", nprocs, st, out);
}

void rtcheck_fail(const char *cond, int line)
{
	fprintf(stderr, "failed: %s (line %d)\n", cond, line);
	exit(3);
}

long rtcheck_rsspages(void)
{
	long size, res = -1;
	FILE *f = fopen("/proc/self/statm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld %ld", &size, &res), 2);
	fclose(f);
	return res;
}
