// cgate.c: making calls from goroutine code into C safe.
//
// Goroutine code runs on small stack segments and checks its frame in
// every prologue; the C library does neither.  printf may need a few KB,
// the lazy-binding resolver more, so a plain call from a goroutine near the
// end of its segment would run off it.  Linkers help on some targets only
// (gold and lld rewrite prologues on amd64; nothing works on arm), so the
// runtime owns the answer: at boot it redirects every call that goroutine
// code makes into C through a C-call gate.
//
// 1. Goroutine code is the executable, libgort, and any library that
//    imports __morestack (it was compiled with split stacks).
// 2. Such code calls a C function through a PLT slot, which holds the
//    function's address once the dynamic linker has bound it.  gort
//    programs are linked with -z now, so every slot is bound before main;
//    a lazily bound slot would still point into its own object, and boot
//    refuses to go on (the message says to link with -z now).
// 3. Each slot whose target lies outside goroutine code gets a gate (one
//    per distinct target): the gate's table entry takes the target, and the
//    slot takes the gate's address.  Slots in RELRO memory are made
//    writable for the moment of the write.
// 4. A gate (asm_<arch>.S) is a split-stack prologue asking for
//    CGATE_RESERVE bytes, then a jump to its target: on a segment with that
//    much room left, a compare and a jump; otherwise __morestack moves the
//    call to a segment with room, which stays cached like any other.  On a
//    system stack (limit 0) the gate never splits.
//
// Not covered: C functions called through pointers taken in goroutine code
// (&printf is not redirected, so that addresses compare equal everywhere)
// and libraries loaded with dlopen after boot.
#define _GNU_SOURCE
#include <link.h>

#include "runtime.h"
#include "asm.h"

extern byte rt_cgate_pool[], rt_cgate_pool_end[];
extern byte rt_cgate_table[];

enum { ProtRead = 1, ProtRW = 3, PageSize = 4096, MaxObjects = 64 };

typedef struct Range { uintptr lo, hi; } Range;

static Range gocode[MaxObjects];        // address ranges of goroutine code
static uint32 ngocode;
static uint32 ngates;
static const char *gatename[CGATE_COUNT];

static uintptr *tableslot(uint32 i)
{
	return (uintptr *)(rt_cgate_table + (uintptr)i * CGATE_SIZE);
}

static bool ingocode(uintptr p)
{
	uint32 i;

	for (i = 0; i < ngocode; i++)
		if (p >= gocode[i].lo && p < gocode[i].hi)
			return true;
	return false;
}

// Dyn is what one object's dynamic section says about its PLT.
typedef struct Dyn {
	byte *jmprel;           // PLT relocations
	uintptr pltrelsz;
	bool rela;              // ElfW(Rela), else ElfW(Rel)
	ElfW(Sym) *symtab;
	const char *strtab;
	Range relro;
} Dyn;

static uintptr fixptr(struct dl_phdr_info *info, uintptr p)
{
	// glibc relocates these in place on our archs; be safe if it did not.
	return p < info->dlpi_addr ? p + info->dlpi_addr : p;
}

static void readdyn(struct dl_phdr_info *info, Dyn *d)
{
	const ElfW(Phdr) *ph;
	ElfW(Dyn) *dyn = NULL;
	uint32 i;

	*d = (Dyn){0};
	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_DYNAMIC)
			dyn = (ElfW(Dyn) *)(info->dlpi_addr + ph->p_vaddr);
		if (ph->p_type == PT_GNU_RELRO) {
			d->relro.lo = info->dlpi_addr + ph->p_vaddr;
			d->relro.hi = d->relro.lo + ph->p_memsz;
		}
	}
	for (; dyn != NULL && dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_JMPREL: d->jmprel = (byte *)fixptr(info, dyn->d_un.d_ptr); break;
		case DT_PLTRELSZ: d->pltrelsz = dyn->d_un.d_val; break;
		case DT_PLTREL: d->rela = dyn->d_un.d_val == DT_RELA; break;
		case DT_SYMTAB: d->symtab = (ElfW(Sym) *)fixptr(info, dyn->d_un.d_ptr); break;
		case DT_STRTAB: d->strtab = (const char *)fixptr(info, dyn->d_un.d_ptr); break;
		}
	}
}

// slot returns the i-th PLT relocation's slot and symbol; false if it is
// not a PLT slot.
static bool slot(struct dl_phdr_info *info, Dyn *d, uint32 i, uintptr **p, ElfW(Sym) **sym)
{
	uintptr off, rinfo;

	if (d->rela) {
		ElfW(Rela) *r = (ElfW(Rela) *)d->jmprel + i;
		off = r->r_offset;
		rinfo = r->r_info;
	} else {
		ElfW(Rel) *r = (ElfW(Rel) *)d->jmprel + i;
		off = r->r_offset;
		rinfo = r->r_info;
	}
#if PTRSIZE == 8
	if (ELF64_R_TYPE(rinfo) != R_JUMP_SLOT)
		return false;
	*sym = &d->symtab[ELF64_R_SYM(rinfo)];
#else
	if (ELF32_R_TYPE(rinfo) != R_JUMP_SLOT)
		return false;
	*sym = &d->symtab[ELF32_R_SYM(rinfo)];
#endif
	*p = (uintptr *)(info->dlpi_addr + off);
	return true;
}

static uint32 nslots(Dyn *d)
{
	if (d->jmprel == NULL || d->symtab == NULL || d->strtab == NULL)
		return 0;
	return d->pltrelsz / (d->rela ? sizeof(ElfW(Rela)) : sizeof(ElfW(Rel)));
}

static bool importsmorestack(struct dl_phdr_info *info)
{
	Dyn d;
	ElfW(Sym) *sym;
	uintptr *p;
	uint32 i, n;

	readdyn(info, &d);
	n = nslots(&d);
	for (i = 0; i < n; i++) {
		const char *name;

		if (!slot(info, &d, i, &p, &sym))
			continue;
		name = d.strtab + sym->st_name;
		if (rt_streq(name, "__morestack"))
			return true;
	}
	return false;
}

// isgocode decides step 1 for one loaded object.
static bool isgocode(struct dl_phdr_info *info, bool first)
{
	uintptr self = (uintptr)rt_cgate_init;
	uint32 i;

	if (first)
		return true;    // the executable
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && self >= lo && self < lo + ph->p_memsz)
			return true;    // libgort
	}
	return importsmorestack(info);
}

static void addranges(struct dl_phdr_info *info)
{
	uint32 i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (ngocode == MaxObjects)
			rt_throw("cgate: too many split-stack objects");
		gocode[ngocode].lo = info->dlpi_addr + ph->p_vaddr;
		gocode[ngocode].hi = gocode[ngocode].lo + ph->p_memsz;
		ngocode++;
	}
}

static int findgocode(struct dl_phdr_info *info, size_t size, void *arg)
{
	uint32 *n = arg;

	if (isgocode(info, (*n)++ == 0))
		addranges(info);
	return 0;
}

static uint32 gatefor(uintptr target, const char *name)
{
	uint32 i;

	for (i = 0; i < ngates; i++)
		if (*tableslot(i) == target)
			return i;
	if (ngates == CGATE_COUNT)
		rt_throw("cgate: goroutine code imports more C functions than there are gates");
	*tableslot(ngates) = target;
	gatename[ngates] = name;
	return ngates++;
}

static void writeslot(uintptr *p, uintptr v, Range relro)
{
	uintptr page = (uintptr)p & ~(uintptr)(PageSize - 1);
	bool ro = (uintptr)p >= relro.lo && (uintptr)p < relro.hi;

	if (ro && rt_mprotect((void *)page, PageSize, ProtRW) != 0)
		rt_throw("cgate: cannot unprotect a PLT slot");
	*p = v;
	if (ro)
		rt_mprotect((void *)page, PageSize, ProtRead);
}

static bool inobject(struct dl_phdr_info *info, uintptr p)
{
	uint32 i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && p >= lo && p < lo + ph->p_memsz)
			return true;
	}
	return false;
}

static NORETURN void lazy(struct dl_phdr_info *info, bool first)
{
	rt_prints("gort: ");
	rt_prints(first ? "the program" : info->dlpi_name);
	rt_prints(" is linked with lazy binding; link it with -Wl,-z,now\n"
		"      (gortcc and `pkg-config --libs gort` add it)\n");
	rt_throw("C calls from goroutines cannot be made safe");
}

static bool ingatepool(uintptr p)
{
	return p >= (uintptr)rt_cgate_pool &&
		p < (uintptr)rt_cgate_pool + (uintptr)CGATE_COUNT * CGATE_SIZE;
}

// patch does steps 2 and 3 for one loaded object.
static int patch(struct dl_phdr_info *info, size_t size, void *arg)
{
	uint32 *n = arg, i, count;
	bool first = (*n)++ == 0;
	ElfW(Sym) *sym;
	uintptr *p, gate;
	Dyn d;

	if (!isgocode(info, first))
		return 0;
	readdyn(info, &d);
	count = nslots(&d);
	for (i = 0; i < count; i++) {
		if (!slot(info, &d, i, &p, &sym) || ingatepool(*p))
			continue;
		// An undefined symbol cannot resolve into its own object: the slot
		// still points at the object's PLT stub, waiting to be bound.
		if (sym->st_shndx == SHN_UNDEF && inobject(info, *p))
			lazy(info, first);
		if (ingocode(*p))
			continue;       // gort_*, __morestack, other split code
		gate = (uintptr)rt_cgate_pool +
			(uintptr)gatefor(*p, d.strtab + sym->st_name) * CGATE_SIZE;
		writeslot(p, gate, d.relro);
	}
	return 0;
}

// rt_cgate_init runs once, at boot, before any goroutine.
void rt_cgate_init(void)
{
	uint32 n;

	// A gate that outgrew CGATE_SIZE would have pushed the pool's end out.
	if (rt_cgate_pool_end - rt_cgate_pool != (intptr)CGATE_COUNT * CGATE_SIZE)
		rt_throw("cgate: a gate does not fit in CGATE_SIZE bytes");
	n = 0;
	dl_iterate_phdr(findgocode, &n);
	n = 0;
	dl_iterate_phdr(patch, &n);
}

int32 rt_cgate_lookup(const char *name)
{
	uint32 i;

	for (i = 0; i < ngates; i++)
		if (rt_streq(gatename[i], name))
			return i;
	return -1;
}

uint32 rt_cgate_count(void)
{
	return ngates;
}
