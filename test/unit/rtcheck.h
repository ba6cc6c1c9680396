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
#include <stdint.h>
#include <sys/wait.h>

// rtcheck_child forks, runs fn(arg) in the child (which then exits 0),
// and returns the child's wait status; what the child wrote to stderr is
// in out (NUL-terminated, at most n-1 bytes).
int rtcheck_child(void (*fn)(void *), void *arg, char *out, size_t n);

// rtcheck_run runs a suite and returns the process exit status.
int rtcheck_run(Suite *s);

// rtcheck_bootonce boots the runtime (rt_boot) the first time it is called.
void rtcheck_bootonce(void);

// rtcheck_prog runs main as a whole gort program (gort_run) with nprocs
// Ps in a child, as rtcheck_child does: a gort program ends when its main
// goroutine returns.  rtcheck_prog_ok also fails the test unless the
// program exits 0.
int rtcheck_prog(void (*main)(void *), int nprocs, char *out, size_t n);
void rtcheck_prog_ok(void (*main)(void *), int nprocs);

// RTHIDE(p): an address turned into a word the collector cannot take
// for a pointer into the heap (its top bit flipped: on 64-bit it is not
// an address at all; on 32-bit it is 2 GB away, and the arena is smaller);
// RTHIDE again turns it back.
#define RTHIDE(p) ((uintptr_t)(p) ^ ((uintptr_t)1 << (sizeof(void *) * 8 - 1)))

// RTCHECK(cond), inside such a program: exit 3, naming the condition.
#define RTCHECK(cond) do { if (!(cond)) rtcheck_fail(#cond, __LINE__); } while (0)
void rtcheck_fail(const char *cond, int line) __attribute__((noreturn));

// rtcheck_rsspages: this process's resident pages (/proc/self/statm).
long rtcheck_rsspages(void);

#define RTCHECK_MAIN(make_suite) \
	int main(void) { return rtcheck_run(make_suite()); }

#endif
