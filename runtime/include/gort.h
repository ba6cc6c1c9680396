/* gort.h: the C programmer's interface to gort.
 *
 * gort runs goroutines on a few OS threads, on stacks that grow in
 * segments, over a garbage-collected heap; a C program gets Go's way of
 * writing concurrent code.  This header is the whole of the user-facing
 * API; <gort/abi.h> is the narrower contract for compilers.  Everything
 * here is gort_-prefixed and compiles as C99 and as C++.
 *
 * What is here: goroutines, channels (typed with GORT_CHAN_TYPE), select,
 * time, defer/panic/recover, the garbage-collected heap and its collector,
 * the version (docs/index.md lists the state of each subsystem).
 */
#ifndef GORT_H
#define GORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GORT_EXPORT __attribute__((visibility("default")))
/* Helpers the header defines for each use of a macro: no warning if a
 * program uses only some of them. */
#define GORT_INLINE_ static inline __attribute__((unused))

#define GORT_VERSION_MAJOR 0
#define GORT_VERSION_MINOR 1
#define GORT_VERSION_PATCH 0

/* gort_version returns the library's version, "major.minor.patch": it can
 * differ from the GORT_VERSION_* this program was compiled with. */
GORT_EXPORT const char *gort_version(void);

/* ---- Goroutines ----
 *
 * A program starts its goroutines from gort_run, which runs main(arg) as
 * goroutine 1 on this thread and the others on as many threads as
 * GORT_MAXPROCS allows; when main returns, the process exits, as in Go.
 * GORT_MAIN(fn) writes the C main that does it.
 */
GORT_EXPORT int gort_run(void (*main)(void *), void *arg);
#define GORT_MAIN(fn) \
	int main(void) { return gort_run((fn), (void *)0); }

/* gort_go starts fn(arg) in a new goroutine. */
GORT_EXPORT void gort_go(void (*fn)(void *), void *arg);
/* gort_yield lets other goroutines run (Go's runtime.Gosched). */
GORT_EXPORT void gort_yield(void);
/* A goroutine about to block in the kernel (read from a pipe, wait for a
 * child...) brackets the call with these, so that its processor runs
 * other goroutines meanwhile:
 *     gort_entersyscall(); n = read(fd, buf, sizeof buf); gort_exitsyscall();
 */
GORT_EXPORT void gort_entersyscall(void);
GORT_EXPORT void gort_exitsyscall(void);

/* gort_maxprocs says how many goroutines may run at once (GORT_MAXPROCS). */
GORT_EXPORT int gort_maxprocs(void);
/* gort_numgoroutine counts the goroutines that exist now. */
GORT_EXPORT int gort_numgoroutine(void);

/* ---- Channels ----
 *
 * A channel carries values of elemsize bytes, copied in and out; cap 0
 * makes an unbuffered channel (a send waits for its receive).  Misuse
 * panics as in Go: send on a closed channel, close of a closed or nil
 * channel.  A nil channel blocks forever.
 */
typedef struct gort_chan gort_chan;

GORT_EXPORT gort_chan *gort_chan_make(size_t elemsize, size_t cap);
GORT_EXPORT void gort_chan_send(gort_chan *c, const void *elem);
/* Receive into elem (NULL: discard the value). */
GORT_EXPORT void gort_chan_recv(gort_chan *c, void *elem);
/* Receive, returning 0 if the channel is closed and drained (elem zeroed). */
GORT_EXPORT int gort_chan_recv2(gort_chan *c, void *elem);
GORT_EXPORT void gort_chan_close(gort_chan *c);
GORT_EXPORT size_t gort_chan_len(gort_chan *c);
GORT_EXPORT size_t gort_chan_cap(gort_chan *c);

/* select: cases[] are sends (elem: the value) and receives (elem: where
 * to put it, or NULL; ok: 0 if the channel was closed).  gort_select
 * does one ready case, chosen at random among those ready, and returns its
 * index; with none ready it waits for one, or, if block is 0 (a default
 * case), returns -1.  Cases with a nil channel never proceed.  At most 64
 * cases.
 *
 *     gort_case cases[] = {GORT_RECV(in, &v), GORT_SEND(out, &w)};
 *     switch (gort_select(cases, 2, 1)) { case 0: ...; case 1: ...; }
 */
#define GORT_CASE_SEND 1
#define GORT_CASE_RECV 2
typedef struct gort_case {
	gort_chan *c;
	int dir;
	void *elem;
	int ok;
} gort_case;
#define GORT_SEND(ch, p) {(ch), GORT_CASE_SEND, (void *)(p), 0}
#define GORT_RECV(ch, p) {(ch), GORT_CASE_RECV, (void *)(p), 0}

GORT_EXPORT int gort_select(gort_case *cases, int ncases, int block);

/* ---- Defer, panic, recover ----
 *
 * As in Go.  A function that defers says so once, at the top of its body,
 * with GORT_DEFERS (or GORT_DEFERS_RETURN(value) if it returns a value);
 * GORT_DEFER(fn, &arg, sizeof arg) then schedules fn(copy of arg) to run
 * when the function returns, by any path: a return statement, falling off
 * the end, or a panic passing through.  Deferred calls run last in, first
 * out.  The argument block is copied when GORT_DEFER runs (up to any size).
 *
 *     static void unlock(void *mu) { gort_mutex_unlock(*(gort_mutex **)mu); }
 *     void work(gort_mutex *mu) {
 *             GORT_DEFERS;
 *             gort_mutex_lock(mu);
 *             GORT_DEFER(unlock, &mu, sizeof mu);
 *             ...                 (every return unlocks)
 *     }
 *
 * gort_panic(msg) and gort_panicv(value, print) start a panic: the
 * goroutine's deferred calls run, newest first; if none recovers, the
 * program prints "panic: " and the value (print(value), or the string),
 * the goroutine's stack, and exits with status 2.  Run-time errors
 * (send on a closed channel, a nil pointer dereference, an integer
 * division by zero...) panic the same way.
 *
 * gort_recover(), called directly by a deferred function while a panic
 * runs it, stops the panic and returns its value (for gort_panic, the
 * message; for run-time errors, their message, "runtime error: ...").
 * The function that deferred the recovering call then returns normally to
 * its caller, after its remaining deferred calls: a void function
 * returns, GORT_DEFERS_RETURN(value) returns value (declare what it reads
 * volatile if the deferred call sets it).  Anywhere else gort_recover()
 * returns NULL and does nothing.  (It is a macro that hands over the
 * caller's frame: a static helper the compiler inlines into the deferred
 * function counts as that function.)
 *
 * gort_goexit ends the calling goroutine after running all its deferred
 * calls (Go's runtime.Goexit).
 *
 * Needs GCC or clang (the cleanup attribute runs the deferred calls on
 * return).  Compilers use <gort/abi.h>'s entry points directly.
 */
typedef struct gort_frame {     /* the resume context of a deferring frame */
	void *ctx_[__SIZEOF_POINTER__ == 8 ? 10 : 28];
} gort_frame;

GORT_EXPORT int gort_frame_enter(gort_frame *f) __attribute__((returns_twice));
GORT_EXPORT void gort_deferreturn(gort_frame *f);
GORT_EXPORT void gort_deferproc(gort_frame *f, void (*fn)(void *),
	const void *args, size_t size);

#define GORT_DEFERS_RETURN(value) \
	gort_frame gort_frame_ __attribute__((cleanup(gort_deferreturn))); \
	if (gort_frame_enter(&gort_frame_) != 0) \
		return value
#define GORT_DEFERS GORT_DEFERS_RETURN()
#define GORT_DEFER(fn, args, size) \
	gort_deferproc(&gort_frame_, (fn), (args), (size))

GORT_EXPORT void gort_panic(const char *msg) __attribute__((noreturn));
GORT_EXPORT void gort_panicv(void *value, void (*print)(void *value))
	__attribute__((noreturn));
GORT_EXPORT void *gort_recover_frame(void *fp);
#define gort_recover() gort_recover_frame(__builtin_frame_address(0))
GORT_EXPORT void gort_goexit(void) __attribute__((noreturn));
/* GORT_SELECT(cases) waits for one case of the array cases and returns its
 * index; GORT_SELECT_DEFAULT(cases) returns -1 at once if none is ready.
 * gort_case_ok(&cases[i]) says whether a receive got a value (0: closed). */
#define GORT_NCASES(cases) ((int)(sizeof(cases) / sizeof((cases)[0])))
#define GORT_SELECT(cases) gort_select((cases), GORT_NCASES(cases), 1)
#define GORT_SELECT_DEFAULT(cases) gort_select((cases), GORT_NCASES(cases), 0)
static inline int gort_case_ok(const gort_case *c) { return c->ok; }

/* Typed channels.  GORT_CHAN_TYPE(T, name) declares `name`, a channel of
 * T values, and functions that take and give T, checked by the compiler:
 *
 *     GORT_CHAN_TYPE(int, intchan);
 *
 *     intchan *c = intchan_make(10);        capacity 10 (0: unbuffered)
 *     intchan_send(c, 42);
 *     int v = intchan_recv(c);              the zero value once closed
 *     if (intchan_recv_ok(c, &v)) ...       0: closed and drained
 *     intchan_close(c);
 *     intchan_len(c), intchan_cap(c)
 *
 * and, for select, cases over them:
 *
 *     gort_case cases[] = {intchan_recv_case(c, &v),
 *                          intchan_send_case(out, &w)};
 *     switch (GORT_SELECT(cases)) { case 0: ...; case 1: ...; }
 *
 * name_chan(c) gives the untyped gort_chan; a NULL name * is a nil channel;
 * name_elem is T.
 * Use it once per type, at file scope (its functions are static inline). */
#define GORT_CHAN_TYPE(T, name) \
	typedef struct name name; \
	typedef T name##_elem; \
	GORT_INLINE_ gort_chan *name##_chan(name *c) \
	{ return (gort_chan *)(void *)c; } \
	GORT_INLINE_ name *name##_make(size_t cap) \
	{ return (name *)(void *)gort_chan_make(sizeof(name##_elem), cap); } \
	GORT_INLINE_ void name##_send(name *c, name##_elem v) \
	{ gort_chan_send(name##_chan(c), &v); } \
	GORT_INLINE_ name##_elem name##_recv(name *c) \
	{ name##_elem v; gort_chan_recv(name##_chan(c), &v); return v; } \
	GORT_INLINE_ int name##_recv_ok(name *c, name##_elem *v) \
	{ return gort_chan_recv2(name##_chan(c), v); } \
	GORT_INLINE_ void name##_close(name *c) \
	{ gort_chan_close(name##_chan(c)); } \
	GORT_INLINE_ size_t name##_len(name *c) \
	{ return gort_chan_len(name##_chan(c)); } \
	GORT_INLINE_ size_t name##_cap(name *c) \
	{ return gort_chan_cap(name##_chan(c)); } \
	GORT_INLINE_ gort_case name##_send_case(name *c, const name##_elem *v) \
	{ gort_case k = {0, GORT_CASE_SEND, 0, 0}; \
	  k.c = name##_chan(c); k.elem = (void *)v; return k; } \
	GORT_INLINE_ gort_case name##_recv_case(name *c, name##_elem *v) \
	{ gort_case k = {0, GORT_CASE_RECV, 0, 0}; \
	  k.c = name##_chan(c); k.elem = (void *)v; return k; } \
	typedef int name##_chan_type_declared_

/* ---- Time ----
 *
 * Times are nanoseconds of the monotonic clock.
 */
GORT_EXPORT int64_t gort_nanotime(void);
/* gort_sleep parks the calling goroutine for at least ns nanoseconds. */
GORT_EXPORT void gort_sleep(int64_t ns);
/* gort_after returns a channel (of int64_t, capacity 1) that receives the
 * time once, delay nanoseconds from now. */
GORT_EXPORT gort_chan *gort_after(int64_t delay);

/* A timer sends the time (an int64_t) on c after delay, then every period
 * if period > 0; a send that finds c full is dropped, as with Go's Ticker.
 * gort_timer_stop returns 1 if the timer had not fired yet (or, periodic,
 * was still running). */
typedef struct gort_timer gort_timer;
GORT_EXPORT gort_timer *gort_timer_start(int64_t delay, int64_t period, gort_chan *c);
GORT_EXPORT int gort_timer_stop(gort_timer *t);

/* ---- Memory ----
 *
 * All memory from gort is zeroed and garbage-collected: there is no free.
 * Say what the collector may find in it:
 *   gort_alloc(n)          anything: every word is scanned as a possible
 *                          pointer (conservatively);
 *   gort_alloc_noscan(n)   no pointers at all (strings, numbers): never
 *                          scanned, and the fastest;
 *   gort_alloc_typed(t, n) n values of type t: only the words t marks as
 *                          pointers are scanned.
 * Out of memory is fatal ("fatal error: out of memory"), never NULL.
 */

/* A type, for gort_alloc_typed: its size and which of its words hold
 * pointers (bit i of ptrmask, least significant first, for word i; word =
 * sizeof(void *)).  A NULL ptrmask means no pointers.  With pointers, size
 * must be a multiple of the word. */
typedef struct gort_type {
	size_t size;
	const unsigned char *ptrmask;
} gort_type;

GORT_EXPORT void *gort_alloc(size_t size);
GORT_EXPORT void *gort_alloc_noscan(size_t size);
GORT_EXPORT void *gort_alloc_typed(const gort_type *t, size_t n);

/* gort_new(T): one zeroed T, scanned conservatively. */
#define gort_new(T) ((T *)gort_alloc(sizeof(T)))
/* gort_new_noscan(T): one zeroed T that holds no pointers. */
#define gort_new_noscan(T) ((T *)gort_alloc_noscan(sizeof(T)))

/* gort_free_os_memory gives every free page of the heap back to the
 * operating system now, rather than when the scavenger would. */
GORT_EXPORT void gort_free_os_memory(void);

/* Heap statistics, like Go's runtime.MemStats (bytes unless named). */
#define GORT_NSIZECLASSES 68
typedef struct gort_memstats {
	uint64_t heap_alloc;    /* in allocated objects */
	uint64_t heap_sys;      /* of arena obtained from the OS */
	uint64_t heap_inuse;    /* in spans holding objects */
	uint64_t heap_idle;     /* in free spans */
	uint64_t heap_released; /* of free spans given back to the OS */
	uint64_t heap_reserved; /* of address space reserved for the arena */
	uint64_t stack_inuse;   /* in goroutine stack segments (in the arena) */
	uint64_t meta_sys;      /* of span and cache metadata */
	uint64_t mallocs;       /* objects allocated */
	uint64_t frees;         /* objects freed */
	uint64_t tiny_allocs;   /* of them, tiny objects packed into blocks */
	struct {
		uint32_t size;  /* a size class (0 past the last) */
		uint64_t mallocs;
	} by_size[GORT_NSIZECLASSES];
} gort_memstats;

GORT_EXPORT void gort_read_memstats(gort_memstats *m);

/* ---- The collector ----
 *
 * A collection starts when the heap has grown by GORT_GC percent (default
 * 100; GORT_GC=off: never on its own) of what the last one scanned (the
 * live heap, the data and bss, the goroutine stacks, as in Go since 1.18),
 * or when gort_gc() asks.  It stops every goroutine at a safe point (a
 * function call, an allocation, a channel operation, the scheduler); a
 * loop that makes no calls at all holds it up.  Roots: the data and bss of
 * the program and its libraries, goroutine stacks, saved registers.  Not
 * roots: memory from malloc and thread-local variables: a gort pointer
 * kept only there is not seen.  GORT_DEBUG=gctrace=1 prints a line per
 * collection (docs/gc.md). */
GORT_EXPORT void gort_gc(void);

/* gort_setfinalizer(obj, fn): when obj (the start of a gort object) is
 * found unreachable, fn(obj) runs on the finalizer goroutine, and obj is
 * freed by a later collection if still unreachable.  If obj points to
 * another object with a finalizer, obj's runs first.  fn NULL clears. */
GORT_EXPORT void gort_setfinalizer(void *obj, void (*fn)(void *));

typedef struct gort_gcstats {
	uint32_t numgc;          /* collections so far */
	uint64_t pause_total_ns; /* world stopped, all collections */
	uint64_t pause_max_ns;   /* the longest stop */
	uint64_t last_live;      /* bytes found live by the last one */
	uint64_t next_gc;        /* heap size that starts the next */
	uint64_t freed;          /* objects freed */
	uint64_t freed_bytes;
} gort_gcstats;

GORT_EXPORT void gort_read_gcstats(gort_gcstats *st);

#ifdef __cplusplus
}
#endif

#endif
