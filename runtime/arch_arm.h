// arch_arm.h: the facts about arm (ARMv7, hard float, A32) that generic
// code needs, as constants.  Every arch_<arch>.h defines the same names in
// the same order.
#ifndef GORT_ARCH_H
#define GORT_ARCH_H

#define GOARCH          "arm"
#define PTRSIZE         4       // bytes in a pointer (also for assembly)
#define STACKALIGN      8       // sp alignment at a public call (AAPCS)
#define CACHELINESIZE   64

// Where the split-stack prologue reads the stack limit: the second word of
// glibc's tcbhead_t, at [TPIDRURO + 4].  asm_arm.S reads and writes it.
#define TLS_LIMIT       4

// mmap2 takes its offset in 4096-byte units.
#define MMAP_OFF_SHIFT  12

// Where a suspended context's frame pointer sits above its Gobuf.sp, in
// the frame rt_switch pushed (d8-d15 (64 bytes), r4-r10, then r11).
#define GOBUF_FP_OFFSET 92

// ... and its resume address.
#define GOBUF_PC_OFFSET 100

// Callee-saved integer registers (r4-r11), as rt_entersyscall stores them.
#define RegsSaved       8
// Bytes of a defer frame's resume context (gort_frame_enter in
// asm_arm.S): r4-r11, sp, lr, limit, pad, d8-d15.
#define FRAME_CTX_SIZE  112

// The relocation type of a PLT slot.
#define R_JUMP_SLOT     22 // R_ARM_JUMP_SLOT

// The red zone below a segment's stack limit (stack.h; docs/stacks.md
// counts it): a small frame's 256 bytes, then a frame without a prologue
// (a leaf's, a variadic function's) of up to NOSPLIT_BUDGET, then the
// prologue's pushes, __morestack's frame with d0-d7 and its no-split C
// call, some 176 bytes, with 48 to spare.
#define STACK_RED       576
#define NOSPLIT_BUDGET  96

// Bytes between C-call gates (asm_arm.S): a gate's code must fit.
#define CGATE_SIZE      128

#endif
