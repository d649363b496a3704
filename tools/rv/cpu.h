/*
 * cpu.h - one RISC-V hart (RV64IMAFDC + Zicsr + Zifencei, user mode) whose
 * every instruction fetch, load and store is an access to an mmkit process.
 *
 * A hart runs until something needs the world outside the instruction
 * set: an ecall (the system-call layer, linux.c), a fault (mmkit reported
 * a signal), an illegal instruction, an ebreak, or the end of its quantum.
 * rv_run() returns then with the reason in struct rv_stop; pc points at the
 * instruction that stopped (for an ecall: the ecall itself; the caller
 * advances pc by 4 after handling it, as Linux's handle_syscall() does).
 *
 * Decode cache: instructions are decoded once, into a cache of guest pages
 * (struct rv_dpage) whose bytes were fetched with mmk_fetch (which checks
 * PROT_EXEC).  The cache is dropped when mmk_map_gen() of the process moves
 * (checked when rv_run starts: every mapping change of this hart's process
 * comes through a system call, which ends rv_run) and by fence.i.
 *
 * LR/SC: one reservation per hart, cleared by every rv_run return (a trap
 * or a quantum end -- Linux clears it on every return to user space, so a
 * store by another hart, which can only run between quanta, breaks it), by
 * a change of the mapping generation, and by SC.
 *
 * Threads: a hart owns nothing but its registers and decode cache, so one
 * process may later run one rv_cpu per guest thread.
 */
#ifndef RV_CPU_H
#define RV_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "mmkit.h"

enum rv_stop_kind {
	RV_STOP_QUANTUM,	/* the instruction budget ran out */
	RV_STOP_ECALL,		/* pc at the ecall */
	RV_STOP_EBREAK,		/* SIGTRAP */
	RV_STOP_ILLEGAL,	/* SIGILL; tval = the instruction bits */
	RV_STOP_FAULT,		/* mmkit reported si; pc at the faulting instruction */
	RV_STOP_MISALIGNED_AMO, /* SIGBUS/BUS_ADRALN at tval */
};

struct rv_stop {
	enum rv_stop_kind kind;
	struct mmk_siginfo si; /* RV_STOP_FAULT */
	uint64_t tval;
};

#define RV_DCACHE_PAGES 64

/* One decoded instruction (compressed ones expanded to their base op). */
struct rv_insn {
	uint16_t op; /* enum rv_op (cpu.c); 0: not decoded yet */
	uint8_t rd, rs1, rs2, rs3;
	uint8_t rm;  /* FP rounding mode field; funct3 of a CSR op */
	uint8_t fmt; /* FP: 0 single, 1 double */
	uint8_t len; /* 2 or 4 */
	int32_t imm; /* immediate; CSR number */
};

struct rv_dpage;

struct rv_cpu {
	uint64_t x[32];
	uint64_t f[32];
	uint64_t pc;
	uint32_t fflags, frm;
	uint64_t res_addr;
	bool res_valid;
	uint64_t instret;
	mmk_proc *proc;
	/* Decode cache (cpu.c). */
	uint64_t dc_gen;       /* pages decoded under another value are stale */
	uint64_t map_gen_seen; /* mmk_map_gen() when dc_gen was last checked */
	struct rv_dpage *dc[RV_DCACHE_PAGES];
};

/* A hart of process p with every register zero. */
void rv_cpu_init(struct rv_cpu *c, mmk_proc *p);
/* Drops the decode cache and frees it. */
void rv_cpu_destroy(struct rv_cpu *c);
/* A copy of parent's registers for a process child (fork); empty cache. */
void rv_cpu_clone(struct rv_cpu *c, const struct rv_cpu *parent, mmk_proc *child);
/* Drops every decoded instruction (fence.i, exec). */
void rv_cpu_flush_icache(struct rv_cpu *c);
/* The FP instructions of the OP-FP and FMA groups (fpu.c): executes in on c.
 * Returns false for an illegal rounding mode. */
bool rv_fp_exec(struct rv_cpu *c, const struct rv_insn *in);
/* FP op numbers shared with fpu.c. */
enum rv_fp_op {
	RV_FADD = 1,
	RV_FSUB,
	RV_FMUL,
	RV_FDIV,
	RV_FSQRT,
	RV_FSGNJ,
	RV_FMINMAX,
	RV_FCVT_FF,
	RV_FCMP,
	RV_FCVT_IF,
	RV_FCVT_FI,
	RV_FMV_XF,
	RV_FCLASS,
	RV_FMV_FX,
	RV_FMADD,
	RV_FMSUB,
	RV_FNMSUB,
	RV_FNMADD,
	RV_FP_LAST
};

/* Runs at most max instructions.  Returns the reason it stopped in *st. */
void rv_run(struct rv_cpu *c, uint64_t max, struct rv_stop *st);

#endif
