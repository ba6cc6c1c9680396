// recoverdemo: defer and recover as a C program uses them.  Workers
// divide numbers; a division by zero panics inside a worker, which
// recovers, reports the error, and keeps serving.  Deferred calls run in
// reverse order, on every return and through the panic.
#include <stdio.h>

#include <gort.h>
#include <gort/sync.h>

typedef struct Job { int a, b; } Job;

static gort_chan *jobs, *results;
static gort_waitgroup wg;

static void done(void *arg)
{
	gort_waitgroup_done(&wg);
}

static void say(void *arg)
{
	printf("deferred: %s\n", *(const char **)arg);
}

// catch turns a panic into an error message: the result the worker sends.
static void catch(void *arg)
{
	const char *err = gort_recover();

	if (err != NULL)
		snprintf(*(char **)arg, 64, "error: %s", err);
}

static void divide(Job j, char *out)
{
	GORT_DEFERS;
	static volatile int sink;

	GORT_DEFER(catch, &out, sizeof out);
	sink = j.a / j.b;
	snprintf(out, 64, "%d / %d = %d", j.a, j.b, sink);
}

static void worker(void *arg)
{
	GORT_DEFERS;
	Job j;

	GORT_DEFER(done, NULL, 0);
	while (gort_chan_recv2(jobs, &j)) {
		char *out = gort_alloc_noscan(64);

		divide(j, out);
		gort_chan_send(results, &out);
	}
}

static void order(void)
{
	GORT_DEFERS;
	const char *first = "first", *second = "second", *third = "third";

	GORT_DEFER(say, &first, sizeof first);
	GORT_DEFER(say, &second, sizeof second);
	GORT_DEFER(say, &third, sizeof third);
	printf("returning\n");
}

static void closer(void *arg)
{
	gort_waitgroup_wait(&wg);
	gort_chan_close(results);
}

static void demo(void *arg)
{
	static const Job list[] = {{7, 2}, {1, 0}, {9, 3}, {5, 0}, {8, 4}};
	char *out;
	int i, n = 0;

	order();
	jobs = gort_chan_make(sizeof(Job), 0);
	results = gort_chan_make(sizeof(char *), 0);
	gort_waitgroup_add(&wg, 1);         // one worker: results in order
	gort_go(worker, NULL);
	gort_go(closer, NULL);
	for (i = 0; i < 5; i++) {
		gort_chan_send(jobs, &list[i]);
		gort_chan_recv(results, &out);
		printf("%s\n", out);
		n++;
	}
	gort_chan_close(jobs);
	while (gort_chan_recv2(results, &out))
		;
	printf("%d jobs, the worker survived every panic\n", n);
}

GORT_MAIN(demo)
