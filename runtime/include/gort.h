/* gort.h: the C programmer's interface to gort.
 *
 * gort runs goroutines on a few OS threads, on stacks that grow in
 * segments, over a garbage-collected heap; a C program gets Go's way of
 * writing concurrent code.  This header is the whole of the user-facing
 * API; <gort/abi.h> is the narrower contract for compilers.  Everything
 * here is gort_-prefixed and compiles as C99 and as C++.
 *
 * What is here so far: the version.  Goroutines, channels, select, defer,
 * sleep and GC'd allocation arrive with the scheduler, defer and heap
 * (docs/index.md lists the state of each subsystem).
 */
#ifndef GORT_H
#define GORT_H

#ifdef __cplusplus
extern "C" {
#endif

#define GORT_EXPORT __attribute__((visibility("default")))

#define GORT_VERSION_MAJOR 0
#define GORT_VERSION_MINOR 1
#define GORT_VERSION_PATCH 0

/* gort_version returns the library's version, "major.minor.patch": it can
 * differ from the GORT_VERSION_* this program was compiled with. */
GORT_EXPORT const char *gort_version(void);

#ifdef __cplusplus
}
#endif

#endif
