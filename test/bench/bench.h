// bench.h: what gort's benchmarks share: a clock, the peak RSS, and the
// BENCH line every benchmark prints (../shared/bench-anchors/README.md):
//   BENCH name=<workload> impl=gort metric=<what> value=<n> unit=<unit>
#ifndef GORT_BENCH_H
#define GORT_BENCH_H

#include <stdio.h>
#include <string.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// bench_rss_hwm_mb: VmHWM from /proc/self/status, in MB (2^20 bytes).
static inline double bench_rss_hwm_mb(void)
{
	char line[256];
	double kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			sscanf(line + 6, "%lf", &kb);
	if (f != NULL)
		fclose(f);
	return kb / 1024;
}

static inline void bench_report(const char *name, const char *metric,
	double value, const char *unit)
{
	printf("BENCH name=%s impl=gort metric=%s value=%.3f unit=%s\n",
		name, metric, value, unit);
	fflush(stdout);
}

#endif
