// rtcheck.h: the small harness every unit suite shares, on top of Check.
//
// A suite file defines its tests with Check's START_TEST, adds them to a
// Suite, and ends with RTCHECK_MAIN(make_suite).  rtcheck_child runs a
// function in a fresh child process with its stderr captured, for
// behaviour that ends the process (throws, signals, exits).
#ifndef RTCHECK_H
#define RTCHECK_H

#include <check.h>
#include <stddef.h>
#include <sys/wait.h>

// rtcheck_child forks, runs fn(arg) in the child (which then exits 0),
// and returns the child's wait status; what the child wrote to stderr is
// in out (NUL-terminated, at most n-1 bytes).
int rtcheck_child(void (*fn)(void *), void *arg, char *out, size_t n);

// rtcheck_run runs a suite and returns the process exit status.
int rtcheck_run(Suite *s);

// rtcheck_bootonce boots the runtime (rt_boot) the first time it is called.
void rtcheck_bootonce(void);

#define RTCHECK_MAIN(make_suite) \
	int main(void) { return rtcheck_run(make_suite()); }

#endif
