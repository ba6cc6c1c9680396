/* gort/abi.h: the contract between gort and code a compiler generates.
 *
 * Versioned: GORT_ABI_VERSION changes whenever anything below changes
 * meaning.  Until 1 it is a draft that may change in any release.
 *
 * 1. Stacks.  Goroutine code gets split-stack prologues in the form gcc
 *    and clang emit for -fsplit-stack; gort provides __morestack (and
 *    __morestack_non_split) for them.  The prologue compares its stack
 *    pointer, less its frame, with the stack limit, which gort keeps where
 *    the compilers look for it, in the thread control block:
 *        amd64   %fs:0x70           frame size in r10, argument bytes in r11
 *        386     %gs:0x30           both pushed, argument bytes first
 *        arm     [TPIDRURO + 4]     r4 and r5; A32 code only (no Thumb)
 *    Frames under GORT_STACK_SMALL bytes may compare sp itself.  A function
 *    without a prologue (a leaf, a variadic function) may use at most
 *    GORT_NOSPLIT_BUDGET bytes of stack below its caller's.  docs/stacks.md
 *    draws the whole protocol.
 *
 * 2. Frame pointers.  Goroutine code keeps frame records (saved frame
 *    pointer, then return address: rbp, ebp, r11 under AAPCS), which gort's
 *    tracebacks follow across segments.
 *
 * 3. Calls into C.  Programs are linked with -z now: at start gort
 *    redirects the PLT slots through which goroutine code calls C to gates
 *    that give the callee GORT_CGATE_RESERVE bytes of stack and at most
 *    GORT_CGATE_ARGS bytes of stack arguments.
 */
#ifndef GORT_ABI_H
#define GORT_ABI_H

#include <gort.h>

#define GORT_ABI_VERSION        0

#define GORT_STACK_SMALL        256
#if defined(__x86_64__)
#define GORT_NOSPLIT_BUDGET     224     /* a variadic function's register save area is 176 */
#else
#define GORT_NOSPLIT_BUDGET     96
#endif
#define GORT_CGATE_RESERVE      61440
#define GORT_CGATE_ARGS         128

/* 4. Allocation.  gort_mallocgc(size, flags, type) returns zeroed,
 *    garbage-collected memory: GORT_NOSCAN for memory without pointers;
 *    otherwise type describes the element (size a multiple of type->size),
 *    or NULL for memory scanned conservatively.  Never returns NULL. */
#define GORT_NOSCAN             1
GORT_EXPORT void *gort_mallocgc(size_t size, unsigned flags, const gort_type *type);

/* 5. Semaphores, for synchronisation libraries (lib/sync): acquire waits
 *    while *addr is 0, then takes one; release adds one and wakes a
 *    waiter.  Both park and ready goroutines, never threads. */
GORT_EXPORT void gort_semacquire(uint32_t *addr);
GORT_EXPORT void gort_semrelease(uint32_t *addr);

/* 7. Goroutines, for compiled `go f(a, b)`: gort_newproc(f, args, size)
 *    copies the argument block (size bytes, scanned conservatively) to the
 *    heap and starts f(copy) in a new goroutine, so the block may live in
 *    the caller's frame.  Channel operations and select are the user API's
 *    (gort.h): gort_chan_make, gort_chan_send, gort_chan_recv2 (value and
 *    ok), gort_chan_close, gort_select (with a gort_case per case, in the
 *    source order; the runtime picks at random among ready cases). */
GORT_EXPORT void gort_newproc(void (*fn)(void *), const void *args, size_t size);

/* 6. Dying as Go does: gort_panic("msg") starts a panic (gort.h: it may
 *    be recovered); gort_fatal("msg") prints "fatal error: msg" and the
 *    goroutine's stack, and exits with status 2: it cannot be recovered. */
GORT_EXPORT void gort_fatal(const char *msg) __attribute__((noreturn));

/* 8. Defer, panic, recover.  A function that defers owns a gort_frame (in
 *    its own frame) holding the context that resumes it after a recovery.
 *    The sequence to emit, for
 *        func f() (r int) { defer g(a, b); ...; return x }
 *    is:
 *        gort_frame fr;
 *        if (gort_frame_enter(&fr) != 0)     // 1: a deferred call recovered
 *                goto ret;                   //    a panic: return normally
 *        ...
 *        gort_deferproc(&fr, g_thunk, &argblock, sizeof argblock);
 *        ...
 *        r = x;                              // results live in memory the
 *    ret:                                    // deferred calls can reach
 *        gort_deferreturn(&fr);              // runs fr's pending defers, LIFO
 *        return r;
 *    - gort_frame_enter saves the callee-saved registers, sp, the resume
 *      address and the stack limit; it returns 0.  When a deferred call of
 *      this frame recovers, the runtime frees every stack segment above
 *      the frame's, installs the frame's limit and returns from
 *      gort_frame_enter a second time, with 1, on the frame's own stack.
 *      Locals modified after the first return must be kept in memory
 *      (volatile in C) if the code after the resume reads them.
 *    - gort_deferproc copies size bytes of arguments into a record (from a
 *      per-P pool by size class, or the heap) and pushes it on the
 *      goroutine's defer list; at run time fn(copy) is called.
 *    - gort_deferproc_stack is the same with a record the caller provides,
 *      in its frame, and an argument block that stays where it is: no
 *      allocation, no copy.  Both must live until gort_deferreturn(&fr);
 *      use it only for a defer that runs at most once per call (not in a
 *      loop).
 *    - gort_deferreturn must run on every return path (after the resume
 *      too); calling it with no pending defers costs a load and a compare.
 *    - recover: gort_recover_frame(fp), with fp the calling function's own
 *      frame pointer (its frame record), returns the panic's value if that
 *      function was called directly by the panic to run a deferred call,
 *      and marks the panic recovered; otherwise NULL.
 *    - Panic values are a pointer and a printer: gort_panicv(v, print).
 */
typedef struct gort_defer { void *priv_[8]; } gort_defer;
GORT_EXPORT void gort_deferproc_stack(gort_frame *f, gort_defer *d,
	void (*fn)(void *), void *args);

#endif
