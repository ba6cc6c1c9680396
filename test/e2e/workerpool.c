// workerpool: four workers take jobs from one channel and send results on
// another; main hands out 1000 jobs and collects every result.
#include <stdio.h>

#include <gort.h>

enum { Workers = 4, Jobs = 1000 };

typedef struct Result {
	int job;
	long value;
	int worker;
} Result;

static gort_chan *jobs, *results;

static void worker(void *arg)
{
	int id = (int)(intptr_t)arg, job;
	Result r;

	while (gort_chan_recv2(jobs, &job)) {
		r.job = job;
		r.value = (long)job * job;
		r.worker = id;
		gort_chan_send(results, &r);
	}
}

static void feeder(void *arg)
{
	int i;

	for (i = 0; i < Jobs; i++)
		gort_chan_send(jobs, &i);
	gort_chan_close(jobs);
}

static void pool(void *arg)
{
	static long byjob[Jobs];
	long sum = 0;
	Result r;
	int i;

	jobs = gort_chan_make(sizeof(int), 16);
	results = gort_chan_make(sizeof(Result), 16);
	for (i = 0; i < Workers; i++)
		gort_go(worker, (void *)(intptr_t)i);
	gort_go(feeder, NULL);
	for (i = 0; i < Jobs; i++) {
		gort_chan_recv(results, &r);
		byjob[r.job] = r.value;
	}
	for (i = 0; i < Jobs; i++)
		sum += byjob[i];
	printf("%d jobs done by %d workers\n", Jobs, Workers);
	printf("job 7 -> %ld, job 999 -> %ld\n", byjob[7], byjob[999]);
	printf("sum of squares: %ld\n", sum);
}

GORT_MAIN(pool)
