// arch_amd64.h: the facts about amd64 that generic code needs, as constants.
// Every arch_<arch>.h defines the same names in the same order.
#ifndef GORT_ARCH_H
#define GORT_ARCH_H

#define GOARCH          "amd64"
#define PTRSIZE         8       // bytes in a pointer (also for assembly)
#define STACKALIGN      16      // sp alignment at a call instruction
#define CACHELINESIZE   64

// Where the split-stack prologue reads the stack limit: glibc's
// tcbhead_t.__private_ss, %fs:0x70.  asm_amd64.S reads and writes it.
#define TLS_LIMIT       0x70

// 64-bit syscalls take byte offsets in mmap.
#define MMAP_OFF_SHIFT  0

// Where a suspended context's frame pointer sits above its Gobuf.sp, in
// the frame rt_switch pushed (r15 r14 r13 r12 rbx, then rbp).
#define GOBUF_FP_OFFSET 40

// ... and its resume address.
#define GOBUF_PC_OFFSET 48

// Callee-saved integer registers (rbx rbp r12 r13 r14 r15), as rt_entersyscall stores them.
#define RegsSaved       6
// Bytes of a defer frame's resume context (gort_frame_enter in
// asm_amd64.S): rbx rbp r12-r15, sp, pc, limit.
#define FRAME_CTX_SIZE  72

// The relocation type of a PLT slot.
#define R_JUMP_SLOT     7  // R_X86_64_JUMP_SLOT

// The red zone below a segment's stack limit (stack.h; docs/stacks.md
// counts it): a small frame's 256 bytes, then a frame without a prologue
// (a variadic function's: its register save area alone is 176 bytes) of
// up to NOSPLIT_BUDGET, then the call into __morestack and its 96 bytes,
// with 48 to spare.  __morestack makes its C calls on the system stack.
#define STACK_RED       640
#define NOSPLIT_BUDGET  224

// Bytes between C-call gates (asm_amd64.S): a gate's code must fit.
#define CGATE_SIZE      64

#endif
