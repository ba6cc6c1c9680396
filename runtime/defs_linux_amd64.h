// defs_linux_amd64.h: Linux system call numbers for amd64, the ones gort uses.
// Every defs_linux_<arch>.h defines the same names in the same order.
// Times are 64-bit everywhere: on 32-bit targets the *_time64 calls stand in
// for the old ones, so one Timespec layout (two int64s) serves all archs.
// test-syscall checks each number against libc's <sys/syscall.h>.
#ifndef GORT_DEFS_LINUX_H
#define GORT_DEFS_LINUX_H

#define NR_read                 0
#define NR_write                1
#define NR_mmap                 9       // offset in bytes
#define NR_mprotect             10
#define NR_munmap               11
#define NR_madvise              28
#define NR_futex                202
#define NR_prlimit64            302
#define NR_clock_gettime        228
#define NR_clock_nanosleep      230
#define NR_membarrier           324
#define NR_sched_yield          24
#define NR_sched_getaffinity    204
#define NR_getpid               39
#define NR_gettid               186
#define NR_tgkill               234
#define NR_rt_sigaction         13
#define NR_rt_sigprocmask       14
#define NR_rt_sigreturn         15
#define NR_sigaltstack          131
#define NR_openat               257
#define NR_close                3
#define NR_lseek                8
#define NR_exit_group           231

#endif
