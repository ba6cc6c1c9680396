// arch_386.h: the facts about 386 that generic code needs, as constants.
// Every arch_<arch>.h defines the same names in the same order.
#ifndef GORT_ARCH_H
#define GORT_ARCH_H

#define GOARCH          "386"
#define PTRSIZE         4       // bytes in a pointer (also for assembly)
#define STACKALIGN      16      // sp alignment at a call (Linux i386 psABI)
#define CACHELINESIZE   64

// Where the split-stack prologue reads the stack limit: glibc's
// tcbhead_t.__private_ss, %gs:0x30.  asm_386.S reads and writes it.
#define TLS_LIMIT       0x30

// mmap2 takes its offset in 4096-byte units.
#define MMAP_OFF_SHIFT  12

// Where a suspended context's frame pointer sits above its Gobuf.sp, in
// the frame rt_switch pushed (edi esi ebx, then ebp).
#define GOBUF_FP_OFFSET 12

// ... and its resume address.
#define GOBUF_PC_OFFSET 16

// Callee-saved integer registers (ebx ebp esi edi), as rt_entersyscall stores them.
#define RegsSaved       4
// Bytes of a defer frame's resume context (gort_frame_enter in
// asm_386.S): ebx esi edi ebp, sp, pc, limit.
#define FRAME_CTX_SIZE  28

// The relocation type of a PLT slot.
#define R_JUMP_SLOT     7  // R_386_JMP_SLOT

// The red zone below a segment's stack limit (stack.h; docs/stacks.md
// counts it): a small frame's 256 bytes, then a frame without a prologue
// (a leaf's, a variadic function's) of up to NOSPLIT_BUDGET, then
// __morestack's frame and its no-split C call, some 126 bytes, with 32 to
// spare.
#define STACK_RED       512
#define NOSPLIT_BUDGET  96

// Bytes between C-call gates (asm_386.S): a gate's code must fit.
#define CGATE_SIZE      64

#endif
