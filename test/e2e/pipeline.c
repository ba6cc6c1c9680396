// pipeline: numbers flow through stages linked by channels (generate,
// square, keep the odd ones); the last stage selects between its input and
// a timeout, and stops when no input has come for a second.
#include <stdio.h>

#include <gort.h>

enum { Ms = 1000000 };

typedef struct Stage {
	gort_chan *in, *out;
} Stage;

static void generate(void *arg)
{
	gort_chan *out = arg;
	long i;

	for (i = 1; i <= 10; i++)
		gort_chan_send(out, &i);
	// Not closed: the end of the pipeline must notice the silence itself.
}

static void square(void *arg)
{
	Stage *s = arg;
	long v;

	for (;;) {
		gort_chan_recv(s->in, &v);
		v *= v;
		gort_chan_send(s->out, &v);
	}
}

static void keepodd(void *arg)
{
	Stage *s = arg;
	long v;

	for (;;) {
		gort_chan_recv(s->in, &v);
		if (v % 2 == 1)
			gort_chan_send(s->out, &v);
	}
}

static void pipeline(void *arg)
{
	gort_chan *a = gort_chan_make(sizeof(long), 0);
	Stage *sq = gort_new(Stage), *odd = gort_new(Stage);
	long v, sum = 0;
	int64_t t;

	sq->in = a;
	sq->out = gort_chan_make(sizeof(long), 0);
	odd->in = sq->out;
	odd->out = gort_chan_make(sizeof(long), 2);
	gort_go(generate, a);
	gort_go(square, sq);
	gort_go(keepodd, odd);
	for (;;) {
		gort_case cases[] = {GORT_RECV(NULL, &v), GORT_RECV(gort_after(1000 * Ms), &t)};

		cases[0].c = odd->out;
		if (gort_select(cases, 2, 1) == 1) {
			printf("no input for a second: stopping\n");
			break;
		}
		printf("%ld\n", v);
		sum += v;
	}
	printf("sum %ld\n", sum);
}

GORT_MAIN(pipeline)
