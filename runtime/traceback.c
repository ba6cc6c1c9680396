// traceback.c: walking and printing a stack, for fatal errors.
//
// gort code is compiled with frame pointers, so every frame holds a frame
// record: the caller's frame pointer and the return address, in that order,
// on all three archs ([rbp] and [rbp+8]; [ebp] and [ebp+4]; [r11] and
// [r11+4] under AAPCS).  A walk follows the records from the innermost
// outwards.  Records climb to higher addresses within a segment; the one
// place the chain jumps is a split, where a function's record points at
// __morestack's record in the parent segment.  So a record may move down
// only if its return address is inside __morestack, and only into the
// parent; anything else ends the walk, which keeps a broken chain (a libc
// frame without a frame pointer) from sending the walk astray.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>

#include "runtime.h"
#include "stack.h"

enum { TraceTop = 50, TraceBottom = 50, TraceMax = 100000000 };

extern char __morestack[], rt_morestack_end[];

static bool inmorestack(uintptr pc)
{
	return pc >= (uintptr)__morestack && pc < (uintptr)rt_morestack_end;
}

static bool inseg(Segment *s, uintptr p)
{
	return s == NULL || (p > (uintptr)s && p < (uintptr)s + s->size);
}

// step moves *fp and *seg one frame outwards; false at the end of the walk.
static bool step(uintptr *fp, Segment **seg)
{
	uintptr pc = ((uintptr *)*fp)[1], next = ((uintptr *)*fp)[0];

	if (next == 0 || next % PTRSIZE != 0)
		return false;
	if (inmorestack(pc) && *seg != NULL) {
		*seg = (*seg)->prev;
		if (*seg == NULL || !inseg(*seg, next))
			return false;
	} else if (next <= *fp || !inseg(*seg, next)) {
		return false;
	}
	*fp = next;
	return true;
}

// ---- names ----
//
// dladdr knows only exported symbols.  For the rest (static functions, the
// runtime's hidden ones) the object file's own symbol table is read: the
// file is mapped once (raw calls: this runs while dying) and its .symtab
// searched for the function that contains the address.

static struct {
	const char *path;       // the object file mapped, as dladdr named it
	void *fbase;            // where it is loaded
	byte *map;
	uintptr size;
} obj;

static void mapobject(const char *path)
{
	int32 fd;
	intptr size;
	void *p;

	if (obj.path == path)
		return;
	if (obj.map != NULL)
		rt_munmap(obj.map, obj.size);
	obj.path = path;
	obj.map = NULL;
	fd = rt_open(path[0] != '\0' ? path : "/proc/self/exe", 0);
	if (fd < 0)
		return;
	size = rt_filesize(fd);
	p = size > 0 ? rt_mmap(NULL, size, 1, 2, fd, 0) : NULL;    // PROT_READ, MAP_PRIVATE
	rt_close(fd);
	if (p == NULL || rt_syserr((uintptr)p))
		return;
	obj.map = p;
	obj.size = size;
}

// symtabname finds the function containing off (an offset from the
// object's load address) in the mapped object's .symtab.
static const char *symtabname(uintptr off, uintptr *start)
{
	ElfW(Ehdr) *eh = (ElfW(Ehdr) *)obj.map;
	ElfW(Shdr) *sh;
	ElfW(Sym) *sym;
	uint32 i, j, n;

	if (obj.map == NULL || obj.size < sizeof *eh ||
	    eh->e_shoff + (uintptr)eh->e_shnum * sizeof *sh > obj.size)
		return NULL;
	if (eh->e_type == ET_EXEC)      // not position-independent: absolute
		off += (uintptr)obj.fbase;
	sh = (ElfW(Shdr) *)(obj.map + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_offset + sh[i].sh_size > obj.size)
			continue;
		sym = (ElfW(Sym) *)(obj.map + sh[i].sh_offset);
		n = sh[i].sh_size / sizeof *sym;
		for (j = 0; j < n; j++) {
			if (ELF32_ST_TYPE(sym[j].st_info) != STT_FUNC ||
			    off < sym[j].st_value || off >= sym[j].st_value + sym[j].st_size)
				continue;
			*start = sym[j].st_value;
			return (const char *)obj.map + sh[sh[i].sh_link].sh_offset + sym[j].st_name;
		}
	}
	return NULL;
}

// rt_printpc prints "name+0xoff" for pc, or "object+0xoff" if no symbol
// table names it.
void rt_printpc(uintptr pc)
{
	Dl_info info;
	const char *name, *base, *p;
	uintptr start;

	if (dladdr((void *)pc, &info) == 0) {
		rt_printhex(pc);
		return;
	}
	name = info.dli_sname;
	start = (uintptr)info.dli_saddr;
	if (name == NULL) {
		mapobject(info.dli_fname);
		obj.fbase = info.dli_fbase;
		name = symtabname(pc - (uintptr)info.dli_fbase, &start);
		start += (uintptr)info.dli_fbase;
	}
	if (name != NULL) {
		rt_prints(name);
		rt_prints("+");
		rt_printhex(pc - start);
		return;
	}
	for (base = p = info.dli_fname; *p != '\0'; p++)
		if (*p == '/')
			base = p + 1;
	rt_prints(base);
	rt_prints("+");
	rt_printhex(pc - (uintptr)info.dli_fbase);
}

static void printpcfp(uintptr pc, uintptr fp)
{
	rt_printpc(pc - 1);     // -1: the call, not the instruction after it
	rt_prints("\n\tpc=");
	rt_printhex(pc);
	rt_prints(" fp=");
	rt_printhex(fp);
	rt_printnl();
}

static void printframe(uintptr fp)
{
	printpcfp(((uintptr *)fp)[1], fp);
}

// rt_tracebackg prints a suspended context: the call it is suspended in
// (its resume address), then the frames from its frame pointer.
void rt_tracebackg(uintptr pc, uintptr fp, Segment *seg)
{
	printpcfp(pc, fp);
	rt_traceback(fp, seg);
}

// rt_traceback prints the frames from the record at fp outwards; seg is
// the segment fp lies in, or NULL when the stack is not segmented.  Deep
// stacks print their innermost and outermost frames, as Go does.
void rt_traceback(uintptr fp, Segment *seg)
{
	uintptr f;
	Segment *s;
	int64 n, i;

	if (fp == 0)
		return;
	for (n = 1, f = fp, s = seg; n < TraceMax && step(&f, &s); n++)
		;
	for (i = 0, f = fp, s = seg; i < n; i++) {
		if (i < TraceTop || i >= n - TraceBottom)
			printframe(f);
		else if (i == TraceTop) {
			rt_prints("...");
			rt_printint(n - TraceTop - TraceBottom);
			rt_prints(" frames elided...\n");
		}
		if (!step(&f, &s))
			break;
	}
}
