/*
 * cpu.c - decode and execute of one RISC-V hart (cpu.h says what a hart
 * owns and when it stops).
 *
 * Decode: rv_decode() turns 32-bit and compressed encodings into struct
 * rv_insn (the RISC-V unprivileged specification, chapters RV32I/RV64I, M,
 * A, F, D, C, Zicsr, Zifencei); an encoding it does not know is OP_ILLEGAL,
 * which raises SIGILL when executed, never before.
 *
 * Decode cache: RV_DCACHE_PAGES direct-mapped pages, each holding the 4 KiB
 * of guest code fetched with mmk_fetch and the decoded instruction at each
 * 2-byte slot, filled on first execution.  A page is valid while its gen
 * equals c->dc_gen; rv_run moves dc_gen when mmk_map_gen() moved, and
 * fence.i moves it too.  A page used again under a new dc_gen is fetched
 * again (so PROT_EXEC and the mapping are checked anew); its decoded
 * instructions are kept only if the bytes are the same -- so a change of
 * one page's mapping or code costs that page, not the others.  An
 * instruction that straddles two pages is decoded with its second half
 * fetched from the next page and decoded again at every refetch.
 *
 * Integer semantics follow the specification exactly: division by zero
 * gives all ones (quotient) or the dividend (remainder), the signed
 * overflow -2^63 / -1 gives -2^63 and remainder 0, W forms sign-extend
 * their 32-bit results.  Misaligned loads and stores are done (mmkit copies
 * bytes across pages), as Linux's misaligned-access emulation lets user
 * code see them; misaligned LR/SC/AMO are SIGBUS (BUS_ADRALN), as Linux.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu.h"

/* Integer and memory ops; the FP group's numbers (enum rv_fp_op) come first. */
enum rv_op {
	OP_ILLEGAL = RV_FP_LAST,
	OP_LUI,
	OP_AUIPC,
	OP_JAL,
	OP_JALR,
	OP_BEQ,
	OP_BNE,
	OP_BLT,
	OP_BGE,
	OP_BLTU,
	OP_BGEU,
	OP_LB,
	OP_LH,
	OP_LW,
	OP_LD,
	OP_LBU,
	OP_LHU,
	OP_LWU,
	OP_SB,
	OP_SH,
	OP_SW,
	OP_SD,
	OP_ADDI,
	OP_SLTI,
	OP_SLTIU,
	OP_XORI,
	OP_ORI,
	OP_ANDI,
	OP_SLLI,
	OP_SRLI,
	OP_SRAI,
	OP_ADD,
	OP_SUB,
	OP_SLL,
	OP_SLT,
	OP_SLTU,
	OP_XOR,
	OP_SRL,
	OP_SRA,
	OP_OR,
	OP_AND,
	OP_ADDIW,
	OP_SLLIW,
	OP_SRLIW,
	OP_SRAIW,
	OP_ADDW,
	OP_SUBW,
	OP_SLLW,
	OP_SRLW,
	OP_SRAW,
	OP_MUL,
	OP_MULH,
	OP_MULHSU,
	OP_MULHU,
	OP_DIV,
	OP_DIVU,
	OP_REM,
	OP_REMU,
	OP_MULW,
	OP_DIVW,
	OP_DIVUW,
	OP_REMW,
	OP_REMUW,
	OP_FENCE,
	OP_FENCE_I,
	OP_ECALL,
	OP_EBREAK,
	OP_CSR,
	OP_LR,
	OP_SC,
	OP_AMOSWAP,
	OP_AMOADD,
	OP_AMOXOR,
	OP_AMOAND,
	OP_AMOOR,
	OP_AMOMIN,
	OP_AMOMAX,
	OP_AMOMINU,
	OP_AMOMAXU,
	OP_FLW,
	OP_FLD,
	OP_FSW,
	OP_FSD,
};

struct rv_dpage {
	uint64_t va;  /* guest page address */
	uint64_t gen; /* valid while == cpu->dc_gen */
	uint8_t bytes[MMK_PAGE_SIZE];
	struct rv_insn insn[MMK_PAGE_SIZE / 2];
};

void rv_cpu_init(struct rv_cpu *c, mmk_proc *p)
{
	memset(c, 0, sizeof(*c));
	c->proc = p;
	c->dc_gen = 1; /* no page holds it: pages start with gen 0 */
	c->map_gen_seen = mmk_map_gen(p);
}

void rv_cpu_destroy(struct rv_cpu *c)
{
	for (int i = 0; i < RV_DCACHE_PAGES; i++) {
		free(c->dc[i]);
		c->dc[i] = NULL;
	}
}

void rv_cpu_clone(struct rv_cpu *c, const struct rv_cpu *parent, mmk_proc *child)
{
	rv_cpu_init(c, child);
	memcpy(c->x, parent->x, sizeof(c->x));
	memcpy(c->f, parent->f, sizeof(c->f));
	c->pc = parent->pc;
	c->fflags = parent->fflags;
	c->frm = parent->frm;
	c->instret = parent->instret;
}

void rv_cpu_flush_icache(struct rv_cpu *c)
{
	c->dc_gen++;
	/* gen values a page may hold are old dc_gens: never the new one,
	 * which also never equals the 0 of a fresh page. */
}

/* ---- Decode ------------------------------------------------------------- */

static inline uint32_t bits(uint32_t v, int hi, int lo)
{
	return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int32_t sext(uint32_t v, int width)
{
	return (int32_t)(v << (32 - width)) >> (32 - width);
}

static void set(struct rv_insn *in, int op, int rd, int rs1, int rs2, int32_t imm)
{
	in->op = op;
	in->rd = rd;
	in->rs1 = rs1;
	in->rs2 = rs2;
	in->imm = imm;
}

static const uint8_t load_ops[8] = {OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, 0};
static const uint8_t store_ops[8] = {OP_SB, OP_SH, OP_SW, OP_SD, 0, 0, 0, 0};
static const uint8_t branch_ops[8] = {OP_BEQ, OP_BNE, 0, 0, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};

static void decode_op_fp(uint32_t w, struct rv_insn *in)
{
	uint32_t f7 = bits(w, 31, 25), rs2 = bits(w, 24, 20), rm = bits(w, 14, 12);
	in->fmt = f7 & 1;
	if ((f7 & 2))
		return; /* fmt H or Q */
	switch (f7 >> 2) {
	case 0x00:
		in->op = RV_FADD;
		return;
	case 0x01:
		in->op = RV_FSUB;
		return;
	case 0x02:
		in->op = RV_FMUL;
		return;
	case 0x03:
		in->op = RV_FDIV;
		return;
	case 0x0b:
		if (!rs2)
			in->op = RV_FSQRT;
		return;
	case 0x04:
		if (rm <= 2)
			in->op = RV_FSGNJ;
		return;
	case 0x05:
		if (rm <= 1)
			in->op = RV_FMINMAX;
		return;
	case 0x08:
		if (rs2 == (uint32_t)!in->fmt)
			in->op = RV_FCVT_FF;
		return;
	case 0x14:
		if (rm <= 2)
			in->op = RV_FCMP;
		return;
	case 0x18:
		if (rs2 <= 3)
			in->op = RV_FCVT_IF;
		return;
	case 0x1a:
		if (rs2 <= 3)
			in->op = RV_FCVT_FI;
		return;
	case 0x1c:
		if (!rs2 && rm == 0)
			in->op = RV_FMV_XF;
		else if (!rs2 && rm == 1)
			in->op = RV_FCLASS;
		return;
	case 0x1e:
		if (!rs2 && !rm)
			in->op = RV_FMV_FX;
		return;
	}
}

static void decode_amo(uint32_t w, struct rv_insn *in)
{
	uint32_t f3 = bits(w, 14, 12), f5 = bits(w, 31, 27);
	if (f3 != 2 && f3 != 3)
		return;
	in->fmt = f3 == 3; /* 1: doubleword */
	switch (f5) {
	case 0x02:
		if (!in->rs2)
			in->op = OP_LR;
		return;
	case 0x03:
		in->op = OP_SC;
		return;
	case 0x01:
		in->op = OP_AMOSWAP;
		return;
	case 0x00:
		in->op = OP_AMOADD;
		return;
	case 0x04:
		in->op = OP_AMOXOR;
		return;
	case 0x0c:
		in->op = OP_AMOAND;
		return;
	case 0x08:
		in->op = OP_AMOOR;
		return;
	case 0x10:
		in->op = OP_AMOMIN;
		return;
	case 0x14:
		in->op = OP_AMOMAX;
		return;
	case 0x18:
		in->op = OP_AMOMINU;
		return;
	case 0x1c:
		in->op = OP_AMOMAXU;
		return;
	}
}

static void decode_op(uint32_t w, struct rv_insn *in, bool word)
{
	uint32_t f3 = bits(w, 14, 12), f7 = bits(w, 31, 25);
	static const uint8_t base[8] = {OP_ADD, OP_SLL, OP_SLT, OP_SLTU,
					OP_XOR, OP_SRL, OP_OR,	OP_AND};
	static const uint8_t mul[8] = {OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
				       OP_DIV, OP_DIVU, OP_REM,	   OP_REMU};
	static const uint8_t basew[8] = {OP_ADDW, OP_SLLW, 0, 0, 0, OP_SRLW, 0, 0};
	static const uint8_t mulw[8] = {OP_MULW, 0, 0, 0, OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW};
	if (f7 == 1)
		in->op = word ? mulw[f3] : mul[f3];
	else if (f7 == 0)
		in->op = word ? basew[f3] : base[f3];
	else if (f7 == 0x20 && f3 == 0)
		in->op = word ? OP_SUBW : OP_SUB;
	else if (f7 == 0x20 && f3 == 5)
		in->op = word ? OP_SRAW : OP_SRA;
	if (!in->op)
		in->op = OP_ILLEGAL;
}

static void decode_op_imm(uint32_t w, struct rv_insn *in, bool word)
{
	uint32_t f3 = bits(w, 14, 12);
	int32_t imm = in->imm;
	uint32_t sh = bits(w, 25, 20), top = bits(w, 31, 26);
	if (word) {
		sh &= 31;
		top = bits(w, 31, 25);
	}
	switch (f3) {
	case 0:
		in->op = word ? OP_ADDIW : OP_ADDI;
		break;
	case 2:
		if (!word)
			in->op = OP_SLTI;
		break;
	case 3:
		if (!word)
			in->op = OP_SLTIU;
		break;
	case 4:
		if (!word)
			in->op = OP_XORI;
		break;
	case 6:
		if (!word)
			in->op = OP_ORI;
		break;
	case 7:
		if (!word)
			in->op = OP_ANDI;
		break;
	case 1:
		if (top == 0)
			in->op = word ? OP_SLLIW : OP_SLLI;
		imm = sh;
		break;
	case 5:
		if (top == 0)
			in->op = word ? OP_SRLIW : OP_SRLI;
		else if (top == (word ? 0x20u : 0x10u))
			in->op = word ? OP_SRAIW : OP_SRAI;
		imm = sh;
		break;
	}
	in->imm = imm;
	if (!in->op)
		in->op = OP_ILLEGAL;
}

static void decode32(uint32_t w, struct rv_insn *in)
{
	int rd = bits(w, 11, 7), rs1 = bits(w, 19, 15), rs2 = bits(w, 24, 20);
	uint32_t f3 = bits(w, 14, 12);
	int32_t imm_i = (int32_t)w >> 20;
	int32_t imm_s = sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12);
	int32_t imm_b = sext(bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 | bits(w, 30, 25) << 5 |
				 bits(w, 11, 8) << 1,
			     13);
	int32_t imm_j = sext(bits(w, 31, 31) << 20 | bits(w, 19, 12) << 12 | bits(w, 20, 20) << 11 |
				 bits(w, 30, 21) << 1,
			     21);
	memset(in, 0, sizeof(*in));
	in->len = 4;
	in->rd = rd;
	in->rs1 = rs1;
	in->rs2 = rs2;
	in->rs3 = bits(w, 31, 27);
	in->rm = f3;
	switch (w & 0x7f) {
	case 0x37:
		set(in, OP_LUI, rd, 0, 0, (int32_t)(w & 0xfffff000));
		break;
	case 0x17:
		set(in, OP_AUIPC, rd, 0, 0, (int32_t)(w & 0xfffff000));
		break;
	case 0x6f:
		set(in, OP_JAL, rd, 0, 0, imm_j);
		break;
	case 0x67:
		if (!f3)
			set(in, OP_JALR, rd, rs1, 0, imm_i);
		break;
	case 0x63:
		in->imm = imm_b;
		in->op = branch_ops[f3];
		break;
	case 0x03:
		in->imm = imm_i;
		in->op = load_ops[f3];
		break;
	case 0x23:
		in->imm = imm_s;
		in->op = store_ops[f3];
		break;
	case 0x13:
		in->imm = imm_i;
		decode_op_imm(w, in, false);
		break;
	case 0x1b:
		in->imm = imm_i;
		decode_op_imm(w, in, true);
		break;
	case 0x33:
		decode_op(w, in, false);
		break;
	case 0x3b:
		decode_op(w, in, true);
		break;
	case 0x0f:
		if (f3 == 0)
			in->op = OP_FENCE;
		else if (f3 == 1)
			in->op = OP_FENCE_I;
		break;
	case 0x73:
		if (w == 0x00000073)
			in->op = OP_ECALL;
		else if (w == 0x00100073)
			in->op = OP_EBREAK;
		else if (f3 && f3 != 4) {
			in->op = OP_CSR;
			in->imm = bits(w, 31, 20);
		}
		break;
	case 0x2f:
		decode_amo(w, in);
		break;
	case 0x07:
		in->imm = imm_i;
		in->op = f3 == 2 ? OP_FLW : f3 == 3 ? OP_FLD : 0;
		break;
	case 0x27:
		in->imm = imm_s;
		in->op = f3 == 2 ? OP_FSW : f3 == 3 ? OP_FSD : 0;
		break;
	case 0x43:
	case 0x47:
	case 0x4b:
	case 0x4f:
		in->fmt = bits(w, 26, 25);
		if (in->fmt <= 1)
			in->op = RV_FMADD + ((w >> 2) & 3);
		break;
	case 0x53:
		decode_op_fp(w, in);
		break;
	}
	if (!in->op)
		in->op = OP_ILLEGAL;
	in->imm = in->op == OP_ILLEGAL ? (int32_t)w : in->imm;
}

/* Compressed register fields name x8..x15. */
#define CR(v) (8 + (v))

static void decode16(uint32_t h, struct rv_insn *in)
{
	uint32_t f3 = bits(h, 15, 13), rd = bits(h, 11, 7), rs2 = bits(h, 6, 2);
	uint32_t rdp = CR(bits(h, 4, 2)), rs1p = CR(bits(h, 9, 7));
	int32_t imm6 = sext(bits(h, 12, 12) << 5 | bits(h, 6, 2), 6);
	uint32_t ld_imm = bits(h, 12, 10) << 3 | bits(h, 6, 5) << 6; /* C.LD/FLD */
	uint32_t lw_imm = bits(h, 12, 10) << 3 | bits(h, 6, 6) << 2 | bits(h, 5, 5) << 6; /* C.LW */
	memset(in, 0, sizeof(*in));
	in->len = 2;
	switch ((h & 3) << 3 | f3) {
	/* Quadrant 0 */
	case 000: {
		uint32_t u = bits(h, 12, 11) << 4 | bits(h, 10, 7) << 6 | bits(h, 6, 6) << 2 |
			     bits(h, 5, 5) << 3;
		if (u)
			set(in, OP_ADDI, rdp, 2, 0, u);
		break;
	}
	case 001:
		set(in, OP_FLD, rdp, rs1p, 0, ld_imm);
		break;
	case 002:
		set(in, OP_LW, rdp, rs1p, 0, lw_imm);
		break;
	case 003:
		set(in, OP_LD, rdp, rs1p, 0, ld_imm);
		break;
	case 005:
		set(in, OP_FSD, 0, rs1p, rdp, ld_imm);
		break;
	case 006:
		set(in, OP_SW, 0, rs1p, rdp, lw_imm);
		break;
	case 007:
		set(in, OP_SD, 0, rs1p, rdp, ld_imm);
		break;
	/* Quadrant 1 */
	case 010:
		set(in, OP_ADDI, rd, rd, 0, imm6);
		break;
	case 011:
		if (rd)
			set(in, OP_ADDIW, rd, rd, 0, imm6);
		break;
	case 012:
		set(in, OP_ADDI, rd, 0, 0, imm6);
		break;
	case 013:
		if (rd == 2) {
			int32_t v =
			    sext(bits(h, 12, 12) << 9 | bits(h, 6, 6) << 4 | bits(h, 5, 5) << 6 |
				     bits(h, 4, 3) << 7 | bits(h, 2, 2) << 5,
				 10);
			if (v)
				set(in, OP_ADDI, 2, 2, 0, v);
		} else if (imm6) {
			set(in, OP_LUI, rd, 0, 0, imm6 * 4096);
		}
		break;
	case 014: {
		uint32_t sh = bits(h, 12, 12) << 5 | bits(h, 6, 2);
		switch (bits(h, 11, 10)) {
		case 0:
			set(in, OP_SRLI, rs1p, rs1p, 0, sh);
			break;
		case 1:
			set(in, OP_SRAI, rs1p, rs1p, 0, sh);
			break;
		case 2:
			set(in, OP_ANDI, rs1p, rs1p, 0, imm6);
			break;
		case 3: {
			static const uint8_t ops[8] = {OP_SUB,	OP_XOR,	 OP_OR, OP_AND,
						       OP_SUBW, OP_ADDW, 0,	0};
			int op = ops[bits(h, 12, 12) << 2 | bits(h, 6, 5)];
			if (op)
				set(in, op, rs1p, rs1p, rdp, 0);
			break;
		}
		}
		break;
	}
	case 015: {
		int32_t v =
		    sext(bits(h, 12, 12) << 11 | bits(h, 11, 11) << 4 | bits(h, 10, 9) << 8 |
			     bits(h, 8, 8) << 10 | bits(h, 7, 7) << 6 | bits(h, 6, 6) << 7 |
			     bits(h, 5, 3) << 1 | bits(h, 2, 2) << 5,
			 12);
		set(in, OP_JAL, 0, 0, 0, v);
		break;
	}
	case 016:
	case 017: {
		int32_t v = sext(bits(h, 12, 12) << 8 | bits(h, 11, 10) << 3 | bits(h, 6, 5) << 6 |
				     bits(h, 4, 3) << 1 | bits(h, 2, 2) << 5,
				 9);
		set(in, f3 == 6 ? OP_BEQ : OP_BNE, 0, rs1p, 0, v);
		break;
	}
	/* Quadrant 2 */
	case 020:
		set(in, OP_SLLI, rd, rd, 0, bits(h, 12, 12) << 5 | bits(h, 6, 2));
		break;
	case 021:
		set(in, OP_FLD, rd, 2, 0,
		    bits(h, 12, 12) << 5 | bits(h, 6, 5) << 3 | bits(h, 4, 2) << 6);
		break;
	case 022:
		if (rd)
			set(in, OP_LW, rd, 2, 0,
			    bits(h, 12, 12) << 5 | bits(h, 6, 4) << 2 | bits(h, 3, 2) << 6);
		break;
	case 023:
		if (rd)
			set(in, OP_LD, rd, 2, 0,
			    bits(h, 12, 12) << 5 | bits(h, 6, 5) << 3 | bits(h, 4, 2) << 6);
		break;
	case 024:
		if (!bits(h, 12, 12)) {
			if (!rs2 && rd)
				set(in, OP_JALR, 0, rd, 0, 0);
			else if (rs2)
				set(in, OP_ADD, rd, 0, rs2, 0);
		} else {
			if (!rd && !rs2)
				in->op = OP_EBREAK;
			else if (!rs2)
				set(in, OP_JALR, 1, rd, 0, 0);
			else
				set(in, OP_ADD, rd, rd, rs2, 0);
		}
		break;
	case 025:
		set(in, OP_FSD, 0, 2, rs2, bits(h, 12, 10) << 3 | bits(h, 9, 7) << 6);
		break;
	case 026:
		set(in, OP_SW, 0, 2, rs2, bits(h, 12, 9) << 2 | bits(h, 8, 7) << 6);
		break;
	case 027:
		set(in, OP_SD, 0, 2, rs2, bits(h, 12, 10) << 3 | bits(h, 9, 7) << 6);
		break;
	}
	if (!in->op) {
		in->op = OP_ILLEGAL;
		in->imm = (int32_t)h;
	}
}

/* ---- The decode cache ----------------------------------------------------- */

static int fault(struct rv_stop *st, const struct mmk_siginfo *si)
{
	st->kind = RV_STOP_FAULT;
	st->si = *si;
	if (!st->si.signo) /* -ENOMEM with nothing to kill, or -ESRCH: killed */
		st->si.signo = MMK_SIGKILL;
	return -1;
}

/* The decoded page holding pc, fetched if it is not cached; NULL with *st
 * set when the fetch faults (reported at pc, as a RISC-V fetch fault's
 * stval). */
static struct rv_dpage *dpage_get(struct rv_cpu *c, uint64_t va, uint64_t pc, struct rv_stop *st)
{
	unsigned i = (va >> MMK_PAGE_SHIFT) % RV_DCACHE_PAGES;
	struct rv_dpage *pg = c->dc[i];
	if (pg && pg->va == va && pg->gen == c->dc_gen)
		return pg;
	if (!pg) {
		pg = c->dc[i] = malloc(sizeof(*pg));
		if (!pg) {
			st->kind = RV_STOP_FAULT;
			st->si = (struct mmk_siginfo){.signo = MMK_SIGKILL};
			return NULL;
		}
		pg->va = 1; /* no page: decoded nothing yet */
	}
	/* Fetched again (the mapping, or with fence.i the bytes, may have
	 * changed); the decoded instructions stay when the bytes are the
	 * same, except one straddling into the next page, which may not be. */
	uint8_t bytes[MMK_PAGE_SIZE];
	struct mmk_siginfo si;
	if (mmk_fetch(c->proc, va, bytes, MMK_PAGE_SIZE, &si)) {
		pg->gen = 0;
		if (si.signo)
			si.addr = pc;
		fault(st, &si);
		return NULL;
	}
	if (pg->va == va && !memcmp(bytes, pg->bytes, MMK_PAGE_SIZE)) {
		pg->insn[MMK_PAGE_SIZE / 2 - 1].op = 0;
	} else {
		memcpy(pg->bytes, bytes, MMK_PAGE_SIZE);
		memset(pg->insn, 0, sizeof(pg->insn));
		pg->va = va;
	}
	pg->gen = c->dc_gen;
	return pg;
}

/* Decodes the instruction at pc into in; -1 with *st set when its second
 * half, on the next page, cannot be fetched. */
static int decode_at(struct rv_cpu *c, struct rv_dpage *pg, uint64_t pc, struct rv_insn *in,
		     struct rv_stop *st)
{
	unsigned off = pc & (MMK_PAGE_SIZE - 1);
	uint32_t lo = pg->bytes[off] | (uint32_t)pg->bytes[off + 1] << 8;
	if ((lo & 3) != 3) {
		decode16(lo, in);
		return 0;
	}
	uint32_t hi;
	if (off + 2 < MMK_PAGE_SIZE) {
		hi = pg->bytes[off + 2] | (uint32_t)pg->bytes[off + 3] << 8;
	} else {
		uint8_t b[2];
		struct mmk_siginfo si;
		if (mmk_fetch(c->proc, pc + 2, b, 2, &si))
			return fault(st, &si);
		hi = b[0] | (uint32_t)b[1] << 8;
	}
	decode32(lo | hi << 16, in);
	return 0;
}

/* ---- Execute ----------------------------------------------------------------- */

static inline int load(struct rv_cpu *c, uint64_t addr, void *v, unsigned n, struct rv_stop *st)
{
	struct mmk_siginfo si;
	if (__builtin_expect(mmk_load(c->proc, addr, v, n, &si) == 0, 1))
		return 0;
	return fault(st, &si);
}

static inline int store(struct rv_cpu *c, uint64_t addr, const void *v, unsigned n,
			struct rv_stop *st)
{
	struct mmk_siginfo si;
	if (__builtin_expect(mmk_store(c->proc, addr, v, n, &si) == 0, 1))
		return 0;
	return fault(st, &si);
}

static uint64_t mulhu(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
}

static uint64_t mulh(int64_t a, int64_t b)
{
	return (uint64_t)(((__int128)a * b) >> 64);
}

static uint64_t mulhsu(int64_t a, uint64_t b)
{
	return (uint64_t)(((__int128)a * (unsigned __int128)b) >> 64);
}

static int64_t div_s(int64_t a, int64_t b)
{
	if (!b)
		return -1;
	if (a == INT64_MIN && b == -1)
		return a;
	return a / b;
}

static int64_t rem_s(int64_t a, int64_t b)
{
	if (!b)
		return a;
	if (a == INT64_MIN && b == -1)
		return 0;
	return a % b;
}

static int32_t divw(int32_t a, int32_t b)
{
	if (!b)
		return -1;
	if (a == INT32_MIN && b == -1)
		return a;
	return a / b;
}

static int32_t remw(int32_t a, int32_t b)
{
	if (!b)
		return a;
	if (a == INT32_MIN && b == -1)
		return 0;
	return a % b;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Zicsr on the user CSRs Linux lets a program reach: fflags, frm, fcsr
 * (read-write), cycle/time/instret (read-only; time in 10 MHz ticks, the
 * timebase of QEMU's virt machine).  false: illegal. */
static bool exec_csr(struct rv_cpu *c, const struct rv_insn *in)
{
	unsigned f3 = in->rm, csr = (unsigned)in->imm;
	uint64_t src = (f3 & 4) ? in->rs1 : c->x[in->rs1];
	bool writes = (f3 & 3) == 1 || in->rs1 != 0;
	uint64_t old;
	switch (csr) {
	case 0x001:
		old = c->fflags;
		break;
	case 0x002:
		old = c->frm;
		break;
	case 0x003:
		old = c->frm << 5 | c->fflags;
		break;
	case 0xc00:
	case 0xc02:
		old = c->instret;
		if (writes)
			return false;
		break;
	case 0xc01:
		old = now_ns() / 100;
		if (writes)
			return false;
		break;
	default:
		return false;
	}
	uint64_t v = old;
	switch (f3 & 3) {
	case 1:
		v = src;
		break;
	case 2:
		v = old | src;
		break;
	case 3:
		v = old & ~src;
		break;
	}
	if (writes) {
		if (csr == 0x001)
			c->fflags = v & 0x1f;
		else if (csr == 0x002)
			c->frm = v & 7;
		else {
			c->fflags = v & 0x1f;
			c->frm = (v >> 5) & 7;
		}
	}
	c->x[in->rd] = old;
	return true;
}

/* LR/SC/AMO: naturally aligned, else SIGBUS; one hart runs at a time, so a
 * load then a store is atomic for every other guest thread and process. */
static int exec_amo(struct rv_cpu *c, const struct rv_insn *in, struct rv_stop *st)
{
	uint64_t addr = c->x[in->rs1], src = c->x[in->rs2];
	unsigned n = in->fmt ? 8 : 4;
	if (addr & (n - 1)) {
		st->kind = RV_STOP_MISALIGNED_AMO;
		st->tval = addr;
		return -1;
	}
	if (in->op == OP_SC) {
		uint64_t ok = c->res_valid && c->res_addr == addr;
		c->res_valid = false;
		if (ok && store(c, addr, &src, n, st))
			return -1;
		c->x[in->rd] = !ok;
		return 0;
	}
	uint64_t old = 0;
	if (load(c, addr, &old, n, st))
		return -1;
	int64_t sold = in->fmt ? (int64_t)old : (int64_t)(int32_t)old;
	int64_t ssrc = in->fmt ? (int64_t)src : (int64_t)(int32_t)src;
	uint64_t uold = in->fmt ? old : (uint32_t)old, usrc = in->fmt ? src : (uint32_t)src;
	uint64_t v;
	switch (in->op) {
	case OP_LR:
		c->res_valid = true;
		c->res_addr = addr;
		c->x[in->rd] = sold;
		return 0;
	case OP_AMOSWAP:
		v = src;
		break;
	case OP_AMOADD:
		v = old + src;
		break;
	case OP_AMOXOR:
		v = old ^ src;
		break;
	case OP_AMOAND:
		v = old & src;
		break;
	case OP_AMOOR:
		v = old | src;
		break;
	case OP_AMOMIN:
		v = sold < ssrc ? old : src;
		break;
	case OP_AMOMAX:
		v = sold > ssrc ? old : src;
		break;
	case OP_AMOMINU:
		v = uold < usrc ? old : src;
		break;
	default:
		v = uold > usrc ? old : src;
		break;
	}
	if (store(c, addr, &v, n, st))
		return -1;
	c->x[in->rd] = sold;
	return 0;
}

#define X(r)	c->x[r]
#define SX32(v) ((uint64_t)(int64_t)(int32_t)(v))

static int exec_load(struct rv_cpu *c, const struct rv_insn *in, struct rv_stop *st)
{
	uint64_t a = X(in->rs1) + in->imm, v = 0;
	static const uint8_t size[] = {1, 2, 4, 8, 1, 2, 4};
	unsigned n = size[in->op - OP_LB];
	if (load(c, a, &v, n, st))
		return -1;
	switch (in->op) {
	case OP_LB:
		v = (uint64_t)(int64_t)(int8_t)v;
		break;
	case OP_LH:
		v = (uint64_t)(int64_t)(int16_t)v;
		break;
	case OP_LW:
		v = SX32(v);
		break;
	}
	X(in->rd) = v;
	return 0;
}

void rv_run(struct rv_cpu *c, uint64_t max, struct rv_stop *st)
{
	uint64_t gen = mmk_map_gen(c->proc);
	if (gen != c->map_gen_seen) {
		c->map_gen_seen = gen;
		rv_cpu_flush_icache(c);
	}
	memset(st, 0, sizeof(*st));
	struct rv_dpage *pg = NULL;
	uint64_t n = 0;
	for (;;) {
		uint64_t pc = c->pc;
		if (n == max) {
			st->kind = RV_STOP_QUANTUM;
			break;
		}
		if (!pg || (pc & ~(MMK_PAGE_SIZE - 1)) != pg->va || pg->gen != c->dc_gen) {
			pg = dpage_get(c, pc & ~(MMK_PAGE_SIZE - 1), pc, st);
			if (!pg)
				break;
		}
		struct rv_insn *in = &pg->insn[(pc & (MMK_PAGE_SIZE - 1)) >> 1];
		if (__builtin_expect(!in->op, 0) && decode_at(c, pg, pc, in, st))
			break;
		uint64_t next = pc + in->len;
		uint64_t a = X(in->rs1), b = X(in->rs2);
		int64_t imm = in->imm;
		switch (in->op) {
		case OP_LUI:
			X(in->rd) = imm;
			break;
		case OP_AUIPC:
			X(in->rd) = pc + imm;
			break;
		case OP_JAL:
			X(in->rd) = next;
			next = pc + imm;
			break;
		case OP_JALR:
			next = (a + imm) & ~1ull;
			X(in->rd) = pc + in->len;
			break;
		case OP_BEQ:
			if (a == b)
				next = pc + imm;
			break;
		case OP_BNE:
			if (a != b)
				next = pc + imm;
			break;
		case OP_BLT:
			if ((int64_t)a < (int64_t)b)
				next = pc + imm;
			break;
		case OP_BGE:
			if ((int64_t)a >= (int64_t)b)
				next = pc + imm;
			break;
		case OP_BLTU:
			if (a < b)
				next = pc + imm;
			break;
		case OP_BGEU:
			if (a >= b)
				next = pc + imm;
			break;
		case OP_LB:
		case OP_LH:
		case OP_LW:
		case OP_LD:
		case OP_LBU:
		case OP_LHU:
		case OP_LWU:
			if (exec_load(c, in, st))
				goto out;
			break;
		case OP_SB:
			if (store(c, a + imm, &b, 1, st))
				goto out;
			break;
		case OP_SH:
			if (store(c, a + imm, &b, 2, st))
				goto out;
			break;
		case OP_SW:
			if (store(c, a + imm, &b, 4, st))
				goto out;
			break;
		case OP_SD:
			if (store(c, a + imm, &b, 8, st))
				goto out;
			break;
		case OP_ADDI:
			X(in->rd) = a + imm;
			break;
		case OP_SLTI:
			X(in->rd) = (int64_t)a < imm;
			break;
		case OP_SLTIU:
			X(in->rd) = a < (uint64_t)imm;
			break;
		case OP_XORI:
			X(in->rd) = a ^ imm;
			break;
		case OP_ORI:
			X(in->rd) = a | imm;
			break;
		case OP_ANDI:
			X(in->rd) = a & imm;
			break;
		case OP_SLLI:
			X(in->rd) = a << imm;
			break;
		case OP_SRLI:
			X(in->rd) = a >> imm;
			break;
		case OP_SRAI:
			X(in->rd) = (int64_t)a >> imm;
			break;
		case OP_ADD:
			X(in->rd) = a + b;
			break;
		case OP_SUB:
			X(in->rd) = a - b;
			break;
		case OP_SLL:
			X(in->rd) = a << (b & 63);
			break;
		case OP_SLT:
			X(in->rd) = (int64_t)a < (int64_t)b;
			break;
		case OP_SLTU:
			X(in->rd) = a < b;
			break;
		case OP_XOR:
			X(in->rd) = a ^ b;
			break;
		case OP_SRL:
			X(in->rd) = a >> (b & 63);
			break;
		case OP_SRA:
			X(in->rd) = (int64_t)a >> (b & 63);
			break;
		case OP_OR:
			X(in->rd) = a | b;
			break;
		case OP_AND:
			X(in->rd) = a & b;
			break;
		case OP_ADDIW:
			X(in->rd) = SX32(a + imm);
			break;
		case OP_SLLIW:
			X(in->rd) = SX32((uint32_t)a << imm);
			break;
		case OP_SRLIW:
			X(in->rd) = SX32((uint32_t)a >> imm);
			break;
		case OP_SRAIW:
			X(in->rd) = SX32((int32_t)a >> imm);
			break;
		case OP_ADDW:
			X(in->rd) = SX32(a + b);
			break;
		case OP_SUBW:
			X(in->rd) = SX32(a - b);
			break;
		case OP_SLLW:
			X(in->rd) = SX32((uint32_t)a << (b & 31));
			break;
		case OP_SRLW:
			X(in->rd) = SX32((uint32_t)a >> (b & 31));
			break;
		case OP_SRAW:
			X(in->rd) = SX32((int32_t)a >> (b & 31));
			break;
		case OP_MUL:
			X(in->rd) = a * b;
			break;
		case OP_MULH:
			X(in->rd) = mulh(a, b);
			break;
		case OP_MULHSU:
			X(in->rd) = mulhsu(a, b);
			break;
		case OP_MULHU:
			X(in->rd) = mulhu(a, b);
			break;
		case OP_DIV:
			X(in->rd) = div_s(a, b);
			break;
		case OP_DIVU:
			X(in->rd) = b ? a / b : ~0ull;
			break;
		case OP_REM:
			X(in->rd) = rem_s(a, b);
			break;
		case OP_REMU:
			X(in->rd) = b ? a % b : a;
			break;
		case OP_MULW:
			X(in->rd) = SX32((uint32_t)a * (uint32_t)b);
			break;
		case OP_DIVW:
			X(in->rd) = SX32(divw(a, b));
			break;
		case OP_DIVUW:
			X(in->rd) = SX32((uint32_t)b ? (uint32_t)a / (uint32_t)b : ~0u);
			break;
		case OP_REMW:
			X(in->rd) = SX32(remw(a, b));
			break;
		case OP_REMUW:
			X(in->rd) = SX32((uint32_t)b ? (uint32_t)a % (uint32_t)b : (uint32_t)a);
			break;
		case OP_FENCE:
			break;
		case OP_FENCE_I:
			rv_cpu_flush_icache(c);
			break;
		case OP_ECALL:
			st->kind = RV_STOP_ECALL;
			goto out;
		case OP_EBREAK:
			st->kind = RV_STOP_EBREAK;
			goto out;
		case OP_CSR:
			if (!exec_csr(c, in))
				goto illegal;
			break;
		case OP_LR:
		case OP_SC:
		case OP_AMOSWAP:
		case OP_AMOADD:
		case OP_AMOXOR:
		case OP_AMOAND:
		case OP_AMOOR:
		case OP_AMOMIN:
		case OP_AMOMAX:
		case OP_AMOMINU:
		case OP_AMOMAXU:
			if (exec_amo(c, in, st))
				goto out;
			break;
		case OP_FLW: {
			uint32_t v;
			if (load(c, a + imm, &v, 4, st))
				goto out;
			c->f[in->rd] = 0xffffffff00000000ull | v;
			break;
		}
		case OP_FLD: {
			uint64_t v;
			if (load(c, a + imm, &v, 8, st))
				goto out;
			c->f[in->rd] = v;
			break;
		}
		case OP_FSW:
			if (store(c, a + imm, &c->f[in->rs2], 4, st))
				goto out;
			break;
		case OP_FSD:
			if (store(c, a + imm, &c->f[in->rs2], 8, st))
				goto out;
			break;
		case OP_ILLEGAL:
			goto illegal;
		default:
			if (!rv_fp_exec(c, in))
				goto illegal;
			break;
		}
		c->x[0] = 0;
		c->pc = next;
		n++;
		continue;
	illegal:
		st->kind = RV_STOP_ILLEGAL;
		st->tval = in->op == OP_ILLEGAL ? (uint32_t)in->imm : 0;
		break;
	}
out:
	c->x[0] = 0;
	c->instret += n;
	c->res_valid = false; /* every return to the kernel clears it (cpu.h) */
}
