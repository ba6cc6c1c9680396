// ctxdemo: two contexts taking turns on one thread, the bare mechanism
// under every goroutine switch.  Each context runs on its own stack; each
// rt_switch saves the running one and resumes the other exactly where it
// stopped.  (Once the scheduler lands, goroutines do this for you.)
#include <stdio.h>
#include <stdlib.h>

#include "gort.h"
#include "runtime.h"

enum { StackSize = 64 * 1024, Rounds = 3 };

static Gobuf mainctx, pingctx, pongctx;

static void player(void *arg)
{
	Gobuf *me = arg;
	Gobuf *other = me == &pingctx ? &pongctx : &pingctx;
	const char *name = me == &pingctx ? "ping" : "pong";
	int i;

	for (i = 1; i <= Rounds; i++) {
		printf("%s %d\n", name, i);
		rt_switch(me, i == Rounds && me == &pongctx ? &mainctx : other);
	}
}

static void done(void)
{
	rt_throw("ctxdemo: a player ran off its end");
}

int main(int argc, char **argv)
{
	extern char **environ;
	char *ping = malloc(StackSize), *pong = malloc(StackSize);

	rt_boot(argc, argv, environ);
	rt_valgrind_stack_register((uintptr)ping, (uintptr)ping + StackSize);
	rt_valgrind_stack_register((uintptr)pong, (uintptr)pong + StackSize);
	rt_gobuf_init(&pingctx, (uintptr)ping + StackSize, player, &pingctx, done);
	rt_gobuf_init(&pongctx, (uintptr)pong + StackSize, player, &pongctx, done);
	printf("gort %s: two contexts take turns on one thread\n", gort_version());
	rt_switch(&mainctx, &pingctx);
	printf("main again: ping is parked mid-loop, pong handed back\n");
	return 0;
}
