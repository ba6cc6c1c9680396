// parmap: a bounded parallel map.  f runs on 64 inputs in goroutines, at
// most 4 at a time (a buffered channel used as a counting semaphore); a
// WaitGroup waits for all; results land in their own slots, in order.
#include <stdio.h>

#include <gort.h>
#include <gort/sync.h>

enum { N = 64, Limit = 4, Ms = 1000000 };

static gort_chan *slots;
static gort_waitgroup wg;
static gort_mutex mu;
static int running, maxrunning;
static long out[N];

static long f(long x)
{
	gort_sleep(1 * Ms);             // as if waiting on something
	return x * x * x;
}

static void task(void *arg)
{
	long i = (long)(intptr_t)arg;

	gort_mutex_lock(&mu);
	if (++running > maxrunning)
		maxrunning = running;
	gort_mutex_unlock(&mu);
	out[i] = f(i);
	gort_mutex_lock(&mu);
	running--;
	gort_mutex_unlock(&mu);
	gort_chan_recv(slots, NULL);    // give the slot back
	gort_waitgroup_done(&wg);
}

static void parmap(void *arg)
{
	long i, sum = 0;

	slots = gort_chan_make(0, Limit);
	gort_waitgroup_add(&wg, N);
	for (i = 0; i < N; i++) {
		gort_chan_send(slots, NULL);    // take a slot: blocks at Limit
		gort_go(task, (void *)(intptr_t)i);
	}
	gort_waitgroup_wait(&wg);
	for (i = 0; i < N; i++)
		sum += out[i];
	printf("f(3) = %ld, f(63) = %ld\n", out[3], out[63]);
	printf("sum %ld\n", sum);
	printf("at most %d ran at once: %s\n", Limit, maxrunning <= Limit ? "yes" : "no");
}

GORT_MAIN(parmap)
