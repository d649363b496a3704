/*
 * isa.S - instruction-level tests of the RISC-V CPU of `mmkit exec`
 * (tools/rv/cpu.c, fpu.c), one numbered case per line in the manner of
 * riscv-tests: each computes a value with the instruction under test and
 * compares it with the value the RISC-V unprivileged specification gives;
 * the first mismatch exits with its case number (so 0 means every case
 * passed).  tests/rv/run.sh runs it on `mmkit exec` and on qemu-riscv64.
 * Groups: integer (I, W forms, shifts), M (division by zero, overflow,
 * high products), A (LR/SC success and failure, AMOs), F/D (rounding
 * modes, fflags, NaN boxing, canonical NaN, min/max, conversions,
 * compares, fclass), C (compressed forms, assembled with .option rvc).
 */
	.option norvc
#define FAIL_IF_NE(n, reg, val) li gp, n; li t6, val; bne reg, t6, fail

/* integer op on two registers */
#define RR(n, op, res, a, b) li a1, a; li a2, b; op a3, a1, a2; FAIL_IF_NE(n, a3, res)
/* integer op with an immediate */
#define RI(n, op, res, a, imm) li a1, a; op a3, a1, imm; FAIL_IF_NE(n, a3, res)
/* double op: bit patterns in and out, rounding mode rm, fflags expected */
#define DD(n, op, rm, res, flags, a, b) \
	li t0, a; fmv.d.x f1, t0; li t0, b; fmv.d.x f2, t0; fsflags x0; \
	op f3, f1, f2, rm; fmv.x.d a3, f3; FAIL_IF_NE(n, a3, res); \
	frflags a4; FAIL_IF_NE(n, a4, flags)
/* the same for ops without a rounding mode (min/max, sign injection) */
#define DN(n, op, res, flags, a, b) \
	li t0, a; fmv.d.x f1, t0; li t0, b; fmv.d.x f2, t0; fsflags x0; \
	op f3, f1, f2; fmv.x.d a3, f3; FAIL_IF_NE(n, a3, res); \
	frflags a4; FAIL_IF_NE(n, a4, flags)
/* single op on NaN-boxed values given as 64-bit register images */
#define SS(n, op, rm, res, flags, a, b) \
	li t0, a; fmv.d.x f1, t0; li t0, b; fmv.d.x f2, t0; fsflags x0; \
	op f3, f1, f2, rm; fmv.x.d a3, f3; FAIL_IF_NE(n, a3, res); \
	frflags a4; FAIL_IF_NE(n, a4, flags)
/* double to integer conversion */
#define DI(n, op, rm, res, flags, a) \
	li t0, a; fmv.d.x f1, t0; fsflags x0; op a3, f1, rm; FAIL_IF_NE(n, a3, res); \
	frflags a4; FAIL_IF_NE(n, a4, flags)
/* double compare */
#define DC(n, op, res, flags, a, b) \
	li t0, a; fmv.d.x f1, t0; li t0, b; fmv.d.x f2, t0; fsflags x0; \
	op a3, f1, f2; FAIL_IF_NE(n, a3, res); frflags a4; FAIL_IF_NE(n, a4, flags)

#define ONE 0x3ff0000000000000
#define TWO 0x4000000000000000
#define QNAN 0x7ff8000000000000
#define SNAN 0x7ff4000000000000
#define NZERO 0x8000000000000000
#define NV 0x10
#define DZ 0x08
#define NX 0x01

	.text
	.globl _start
_start:
	/* ---- integer ---- */
	RR(1, add, 0, -1, 1)
	RR(2, sub, 0x8000000000000000, 0x7fffffffffffffff, -1)
	RR(3, addw, 0xffffffff80000000, 0x7fffffff, 1)
	RR(4, subw, 0x7fffffff, 0xffffffff80000000, 1)
	RR(5, sra, 0xf800000000000000, 0x8000000000000000, 68)  /* shamt mod 64 */
	RR(6, sraw, 0xfffffffff8000000, 0x80000000, 36)         /* shamt mod 32 */
	RR(7, srlw, 0x08000000, 0xffffffff80000000, 4)
	RR(8, sltu, 1, 0, -1)
	RR(9, slt, 0, 0, -1)
	RI(10, slliw, 0xffffffff80000000, 0x40000000, 1)
	RI(11, sraiw, 0xffffffffffffffff, 0x80000000, 31)
	RI(12, srli, 1, 0x8000000000000000, 63)
	RI(13, sltiu, 1, 5, -1)   /* the immediate is sign-extended, then unsigned */
	RI(14, addiw, 0xffffffff80000000, 0x7fffffff, 1)
	li gp, 15; lui a3, 0x80000; li t6, 0xffffffff80000000; bne a3, t6, fail
	/* ---- M ---- */
	RR(20, div, -1, 7, 0)
	RR(21, divu, 0xffffffffffffffff, 7, 0)
	RR(22, rem, 7, 7, 0)
	RR(23, remu, 7, 7, 0)
	RR(24, div, 0x8000000000000000, 0x8000000000000000, -1)
	RR(25, rem, 0, 0x8000000000000000, -1)
	RR(26, divw, 0xffffffff80000000, 0x80000000, -1)
	RR(27, remw, 0, 0x80000000, -1)
	RR(28, divuw, 0xffffffffffffffff, 5, 0x100000000)   /* low word 0 */
	RR(29, remuw, 0xffffffff80000000, 0x80000000, 0)
	RR(30, mulh, 0, -1, -1)
	RR(31, mulhu, 0xfffffffffffffffe, -1, -1)
	RR(32, mulhsu, 0xffffffffffffffff, -1, -1)
	RR(33, mulw, 0xffffffff80000000, 0x40000000, 2)
	RR(34, div, -2, -7, 3)     /* truncates toward zero */
	RR(35, rem, -1, -7, 3)
	/* ---- A ---- */
	la a0, word
	li t0, 5; sd t0, 0(a0)
	li gp, 40; lr.d a1, (a0); li t6, 5; bne a1, t6, fail
	li a2, 9; sc.d a3, a2, (a0); li gp, 41; bnez a3, fail        /* succeeds: 0 */
	ld a4, 0(a0); li gp, 42; li t6, 9; bne a4, t6, fail
	li a2, 11; sc.d a3, a2, (a0); li gp, 43; beqz a3, fail       /* no reservation */
	ld a4, 0(a0); li gp, 44; li t6, 9; bne a4, t6, fail          /* unchanged */
	lr.d a1, (a0); addi a5, a0, 8
	sc.d a3, a2, (a5); li gp, 45; beqz a3, fail                  /* other address */
	/* Linux clears the reservation on every return to user space
	 * (entry.S); qemu-user does not: run with an argument, it skips this */
	ld t0, 0(sp); li t1, 1; bgt t0, t1, 1f
	mv s1, a0; lr.d a1, (s1); li a7, 172; ecall                   /* a trap between */
	sc.d a3, a2, (s1); li gp, 46; beqz a3, fail; mv a0, s1
1:
	li t0, 0x7fffffff; sw t0, 0(a0); li t0, 1
	amoadd.w a1, t0, (a0); li gp, 47; li t6, 0x7fffffff; bne a1, t6, fail
	lw a1, 0(a0); li gp, 48; li t6, 0xffffffff80000000; bne a1, t6, fail
	li t0, 3; amomin.w a1, t0, (a0)       /* signed: 0x80000000 stays */
	lw a1, 0(a0); li gp, 49; li t6, 0xffffffff80000000; bne a1, t6, fail
	li t0, 3; amominu.w a1, t0, (a0)      /* unsigned: 3 is smaller */
	lw a1, 0(a0); li gp, 50; li t6, 3; bne a1, t6, fail
	li t0, -1; amomaxu.d a1, t0, (a0)
	ld a1, 0(a0); li gp, 51; li t6, -1; bne a1, t6, fail
	li t0, 0x0f; amoand.d a1, t0, (a0); li gp, 52; li t6, -1; bne a1, t6, fail
	ld a1, 0(a0); li gp, 53; li t6, 0x0f; bne a1, t6, fail
	li t0, 0x30; amoor.d zero, t0, (a0); ld a1, 0(a0); li gp, 54; li t6, 0x3f; bne a1, t6, fail
	li t0, 0x0c; amoxor.d zero, t0, (a0); ld a1, 0(a0); li gp, 55; li t6, 0x33; bne a1, t6, fail
	li t0, 77; amoswap.d a1, t0, (a0); li gp, 56; li t6, 0x33; bne a1, t6, fail
	/* ---- D: rounding modes on 1 + 0.75 ulp, flags ---- */
	DD(60, fadd.d, rne, 0x3ff0000000000001, NX, ONE, 0x3ca8000000000000)
	DD(61, fadd.d, rtz, ONE, NX, ONE, 0x3ca8000000000000)
	DD(62, fadd.d, rdn, ONE, NX, ONE, 0x3ca8000000000000)
	DD(63, fadd.d, rup, 0x3ff0000000000001, NX, ONE, 0x3ca8000000000000)
	DD(64, fadd.d, rmm, 0x3ff0000000000001, NX, ONE, 0x3ca8000000000000)
	DD(65, fdiv.d, rne, 0x7ff0000000000000, DZ, ONE, 0)
	DD(66, fsub.d, rne, QNAN, NV, 0x7ff0000000000000, 0x7ff0000000000000)   /* inf - inf */
	DD(67, fadd.d, rne, QNAN, NV, SNAN, ONE)     /* sNaN in: NV, canonical out */
	DD(68, fadd.d, rne, QNAN, 0, 0xfff8000000000123, ONE) /* payload not kept */
	DN(69, fmin.d, ONE, NV, SNAN, ONE)
	DN(70, fmin.d, NZERO, 0, 0, NZERO)
	DN(71, fmax.d, 0, 0, NZERO, 0)
	DN(72, fmax.d, QNAN, 0, QNAN, QNAN)
	DD(73, fmul.d, rne, 0x7ff0000000000000, 0x05, 0x7fe0000000000000, TWO) /* OF|NX */
	DN(74, fsgnjn.d, 0xbff0000000000000, 0, ONE, ONE)
	DN(75, fsgnjx.d, 0xbff0000000000000, 0, 0xbff0000000000000, ONE)
	li gp, 76; li t0, 0xbff0000000000000; fmv.d.x f1, t0; fsflags x0; fsqrt.d f3, f1
	fmv.x.d a3, f3; li t6, QNAN; bne a3, t6, fail; frflags a4; li t6, NV; bne a4, t6, fail
	/* dynamic rounding mode from frm */
	li gp, 77; fsrmi 1; li t0, ONE; fmv.d.x f1, t0; li t0, 0x3ca8000000000000; fmv.d.x f2, t0
	fadd.d f3, f1, f2; fmv.x.d a3, f3; li t6, ONE; bne a3, t6, fail
	frrm a3; li t6, 1; bne a3, t6, fail; fsrmi 0
	/* conversions */
	DI(80, fcvt.w.d, rtz, 0x7fffffff, NV, 0x421bf08eb0000000)   /* 3e10 */
	DI(81, fcvt.w.d, rtz, 0x7fffffff, NV, QNAN)
	DI(82, fcvt.wu.d, rtz, 0, NV, 0xbff0000000000000)            /* -1.0 */
	DI(83, fcvt.l.d, rne, 2, NX, 0x4004000000000000)             /* 2.5 */
	DI(84, fcvt.l.d, rmm, 3, NX, 0x4004000000000000)
	DI(85, fcvt.w.d, rdn, -3, NX, 0xc004000000000000)            /* -2.5 */
	DI(86, fcvt.lu.d, rtz, 0, NX, 0xbfe0000000000000)            /* -0.5: in range */
	DI(87, fcvt.wu.d, rtz, 0xffffffffffffffff, 0, 0x41efffffffe00000) /* 2^32-1 */
	li gp, 88; li t0, -7; fsflags x0; fcvt.d.l f1, t0; fmv.x.d a3, f1
	li t6, 0xc01c000000000000; bne a3, t6, fail
	li gp, 89; li t0, 0x7fffffffffffffff; fcvt.s.l f1, t0, rtz; fmv.x.d a3, f1
	li t6, 0xffffffff5effffff; bne a3, t6, fail; frflags a4; li t6, NX; bne a4, t6, fail
	/* compares and fclass */
	DC(90, feq.d, 0, 0, QNAN, QNAN)
	DC(91, feq.d, 0, NV, SNAN, ONE)
	DC(92, flt.d, 0, NV, QNAN, ONE)
	DC(93, fle.d, 1, 0, NZERO, 0)
	DC(94, flt.d, 1, 0, ONE, TWO)
	li gp, 95; li t0, 0xfff0000000000000; fmv.d.x f1, t0; fclass.d a3, f1; li t6, 1; bne a3, t6, fail
	li gp, 96; li t0, SNAN; fmv.d.x f1, t0; fclass.d a3, f1; li t6, 0x100; bne a3, t6, fail
	li gp, 97; li t0, 1; fmv.d.x f1, t0; fclass.d a3, f1; li t6, 0x20; bne a3, t6, fail
	/* ---- F: NaN boxing ---- */
	SS(100, fadd.s, rne, 0xffffffff40400000, 0, 0xffffffff3f800000, 0xffffffff40000000) /* 1+2 */
	SS(101, fadd.s, rne, 0xffffffff7fc00000, 0, 0x000000003f800000, 0xffffffff40000000) /* unboxed */
	DN(102, fmin.s, 0xffffffff40000000, 0, 0x000000003f800000, 0xffffffff40000000)
	li gp, 103; li t0, 0x3f800000; fmv.w.x f1, t0; fmv.x.d a3, f1; li t6, 0xffffffff3f800000; bne a3, t6, fail
	li gp, 104; li t0, 0xffffffffbf800000; fmv.d.x f1, t0; fmv.x.w a3, f1; li t6, 0xffffffffbf800000; bne a3, t6, fail
	li gp, 105; la a0, word; li t0, 0x40490fdb; sw t0, 0(a0); flw f1, 0(a0); fmv.x.d a3, f1
	li t6, 0xffffffff40490fdb; bne a3, t6, fail
	li gp, 106; fcvt.d.s f2, f1; fmv.x.d a3, f2; li t6, 0x400921fb60000000; bne a3, t6, fail
	li gp, 107; li t0, 0x3ff0000000000001; fmv.d.x f1, t0; fsflags x0; fcvt.s.d f2, f1
	fmv.x.d a3, f2; li t6, 0xffffffff3f800000; bne a3, t6, fail; frflags a4; li t6, NX; bne a4, t6, fail
	/* fused multiply-add: one rounding */
	li gp, 108; li t0, 0x3ff0000000000001; fmv.d.x f1, t0; li t0, 0xbff0000000000002; fmv.d.x f3, t0
	fmadd.d f4, f1, f1, f3; fmv.x.d a3, f4; li t6, 0x3970000000000000; bne a3, t6, fail
	/* ---- C: compressed forms ---- */
	.option rvc
	li gp, 120; c.li a3, -3; li t6, -3; bne a3, t6, fail
	li gp, 121; c.li a3, 31; c.addi a3, -32; li t6, -1; bne a3, t6, fail
	li gp, 122; c.lui a3, 0xfffff; li t6, 0xfffffffffffff000; bne a3, t6, fail
	li gp, 123; c.li a3, 1; c.slli a3, 63; c.srai a3, 3; li t6, 0xf000000000000000; bne a3, t6, fail
	li gp, 124; c.li a3, -1; c.srli a3, 60; li t6, 15; bne a3, t6, fail
	li gp, 125; c.li a3, 13; c.andi a3, -4; li t6, 12; bne a3, t6, fail
	li gp, 126; c.li a3, 5; c.li a4, 7; c.sub a3, a4; li t6, -2; bne a3, t6, fail
	li gp, 127; li a3, 0x7fffffff; c.li a4, 1; c.addw a3, a4; li t6, 0xffffffff80000000; bne a3, t6, fail
	li gp, 128; c.li a3, 6; c.li a4, 3; c.xor a3, a4; c.or a3, a4; c.and a3, a4; li t6, 3; bne a3, t6, fail
	li gp, 129; li a3, 0x7fffffff; c.addiw a3, 1; li t6, 0xffffffff80000000; bne a3, t6, fail
	li gp, 130; mv s0, sp; c.addi16sp sp, -64; c.addi4spn a3, sp, 16; addi a3, a3, 48
	bne a3, s0, fail; c.addi16sp sp, 64
	li gp, 131; addi sp, sp, -32; li a3, 0x1122334455667788; c.sdsp a3, 8(sp); c.ldsp a4, 8(sp)
	bne a3, a4, fail; c.lwsp a4, 8(sp); li t6, 0x55667788; bne a4, t6, fail
	c.swsp a3, 16(sp); lwu a4, 16(sp); li t6, 0x55667788; bne a4, t6, fail; addi sp, sp, 32
	li gp, 132; la a4, word; li a3, -2; c.sd a3, 0(a4); c.ld a5, 0(a4); bne a3, a5, fail
	c.sw a3, 4(a4); c.lw a5, 4(a4); li t6, -2; bne a5, t6, fail
	li gp, 133; li a3, 0x4000000000000000; fmv.d.x f9, a3; la a4, word; c.fsd f9, 0(a4)
	c.fld f10, 0(a4); fmv.x.d a5, f10; bne a3, a5, fail
	li gp, 134; c.li a3, 0; c.beqz a3, 1f; j fail
1:	c.bnez a3, fail; c.j 2f; j fail
2:	li gp, 135; la a4, 3f; c.jalr a4; j fail
3:	auipc t0, 0; addi t0, t0, -2; bne ra, t0, fail   /* ra = the c.jalr + 2 */
	la a4, 4f; c.jr a4; j fail
4:	li gp, 136; c.mv a5, a4; bne a5, a4, fail; c.add a5, a4; slli t0, a4, 1; bne a5, t0, fail
	.option norvc
	/* misaligned ordinary loads and stores work (Linux emulates them) */
	li gp, 140; la a0, word; li t0, 0x0102030405060708; sd t0, 1(a0); ld a1, 1(a0); bne a1, t0, fail
	/* ---- done ---- */
	li a0, 0
	li a7, 93
	ecall
fail:
	mv a0, gp
	li a7, 93
	ecall

	.data
	.balign 16
word:
	.dword 0, 0, 0
