// pipeline: numbers flow through stages linked by channels (generate,
// square, keep the odd ones); the last stage selects between its input and
// a timeout, and stops when no input has come for a second.  The stages'
// channels are typed (GORT_CHAN_TYPE): the compiler checks what flows.
#include <stdio.h>

#include <gort.h>

enum { Ms = 1000000 };

GORT_CHAN_TYPE(long, longchan);

typedef struct Stage {
	longchan *in, *out;
} Stage;

static void generate(void *arg)
{
	longchan *out = arg;
	long i;

	for (i = 1; i <= 10; i++)
		longchan_send(out, i);
	// Not closed: the end of the pipeline must notice the silence itself.
}

static void square(void *arg)
{
	Stage *s = arg;
	long v;

	for (;;) {
		v = longchan_recv(s->in);
		longchan_send(s->out, v * v);
	}
}

static void keepodd(void *arg)
{
	Stage *s = arg;
	long v;

	for (;;) {
		v = longchan_recv(s->in);
		if (v % 2 == 1)
			longchan_send(s->out, v);
	}
}

static void pipeline(void *arg)
{
	longchan *a = longchan_make(0);
	Stage *sq = gort_new(Stage), *odd = gort_new(Stage);
	long v, sum = 0;
	int64_t t;

	sq->in = a;
	sq->out = longchan_make(0);
	odd->in = sq->out;
	odd->out = longchan_make(2);
	gort_go(generate, a);
	gort_go(square, sq);
	gort_go(keepodd, odd);
	for (;;) {
		gort_case cases[] = {
			longchan_recv_case(odd->out, &v),
			GORT_RECV(gort_after(1000 * Ms), &t),
		};

		if (GORT_SELECT(cases) == 1) {
			printf("no input for a second: stopping\n");
			break;
		}
		printf("%ld\n", v);
		sum += v;
	}
	printf("sum %ld\n", sum);
}

GORT_MAIN(pipeline)
