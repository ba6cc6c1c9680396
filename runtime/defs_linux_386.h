// defs_linux_386.h: Linux system call numbers for 386, the ones gort uses.
// Every defs_linux_<arch>.h defines the same names in the same order.
// Times are 64-bit everywhere: on 32-bit targets the *_time64 calls stand in
// for the old ones, so one Timespec layout (two int64s) serves all archs.
// test-syscall checks each number against libc's <sys/syscall.h>.
#ifndef GORT_DEFS_LINUX_H
#define GORT_DEFS_LINUX_H

#define NR_read                 3
#define NR_write                4
#define NR_mmap                 192     // mmap2: offset in pages
#define NR_mprotect             125
#define NR_munmap               91
#define NR_madvise              219
#define NR_futex                422     // futex_time64
#define NR_prlimit64            340
#define NR_clock_gettime        403     // clock_gettime64
#define NR_clock_nanosleep      407     // clock_nanosleep_time64
#define NR_membarrier           375
#define NR_sched_yield          158
#define NR_sched_getaffinity    242
#define NR_getpid               20
#define NR_gettid               224
#define NR_tgkill               270
#define NR_rt_sigaction         174
#define NR_rt_sigprocmask       175
#define NR_rt_sigreturn         173
#define NR_sigaltstack          186
#define NR_openat               295
#define NR_close                6
#define NR_lseek                19
#define NR_exit_group           252

#endif
