/*
 * fpu.c - the F and D extensions' computational instructions on the host's
 * IEEE 754 arithmetic (cpu.c does FP loads and stores).
 *
 * Each operation runs with the host rounding mode set to the instruction's
 * (rm, or frm for the dynamic rm 7; 5, 6 and a dynamic frm above 4 are
 * illegal) and the host's exception flags cleared, then ORs the flags it
 * raised into fflags (invalid NV, divide-by-zero DZ, overflow OF,
 * underflow UF, inexact NX).  RMM (nearest, ties to max magnitude) has no
 * host mode: arithmetic rounds to nearest-even under it; conversions to
 * integer honour it exactly.
 *
 * Single-precision values live NaN-boxed in the 64-bit f registers: a
 * value whose upper 32 bits are not all ones reads as the canonical NaN.
 * Every NaN an operation produces is the canonical NaN (0x7fc00000,
 * 0x7ff8000000000000), as the specification requires; fsgnj, fmv and
 * the loads and stores move bits unchanged.
 *
 * This file is built with -frounding-math (Makefile) so the compiler does
 * not move arithmetic across the rounding-mode changes.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"

#define CNAN_S 0x7fc00000u
#define CNAN_D 0x7ff8000000000000ull
#define FF_NV  0x10
#define FF_DZ  0x08
#define FF_OF  0x04
#define FF_UF  0x02
#define FF_NX  0x01

static float get_s(const struct rv_cpu *c, int r)
{
	uint64_t v = c->f[r];
	uint32_t b = (v >> 32) == 0xffffffffu ? (uint32_t)v : CNAN_S;
	float f;
	memcpy(&f, &b, 4);
	return f;
}

static double get_d(const struct rv_cpu *c, int r)
{
	double d;
	memcpy(&d, &c->f[r], 8);
	return d;
}

static uint32_t bits_s(float f)
{
	uint32_t b;
	memcpy(&b, &f, 4);
	return b;
}

static uint64_t bits_d(double d)
{
	uint64_t b;
	memcpy(&b, &d, 8);
	return b;
}

static void put_s(struct rv_cpu *c, int r, float f)
{
	uint32_t b = isnan(f) ? CNAN_S : bits_s(f);
	c->f[r] = 0xffffffff00000000ull | b;
}

static void put_d(struct rv_cpu *c, int r, double d)
{
	c->f[r] = isnan(d) ? CNAN_D : bits_d(d);
}

static bool snan_s(float f)
{
	return isnan(f) && !(bits_s(f) & 0x00400000u);
}

static bool snan_d(double d)
{
	return isnan(d) && !(bits_d(d) & 0x0008000000000000ull);
}

/* The effective rounding mode, or -1 if illegal. */
static int rounding(const struct rv_cpu *c, const struct rv_insn *in)
{
	int rm = in->rm == 7 ? (int)c->frm : in->rm;
	return rm <= 4 ? rm : -1;
}

/* The host runs in round-to-nearest between operations; a directed mode
 * is set for one operation and put back by host_flags. */
static bool directed(int rm)
{
	return rm != 0 && rm != 4;
}

#if defined(__x86_64__)
/*
 * On x86-64 the arithmetic here is SSE, whose rounding mode and sticky
 * flags are MXCSR: one stmxcsr/ldmxcsr pair per operation instead of
 * glibc's feclearexcept, which also saves and reloads the x87 environment
 * (half the time of an FP-heavy program).  MXCSR: flags IE 0x01, ZE 0x04,
 * OE 0x08, UE 0x10, PE 0x20 (DE 0x02 has no RISC-V counterpart); rounding
 * control in bits 13-14.
 */
static inline unsigned mxcsr_get(void)
{
	unsigned v;
	__asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
	return v;
}

static inline void mxcsr_set(unsigned v)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}

static void host_round(int rm)
{
	static const unsigned rc[5] = {0, 3, 1, 2, 0}; /* RNE RTZ RDN RUP RMM */
	mxcsr_set((mxcsr_get() & ~(0x3fu | 0x6000u)) | rc[rm] << 13);
}

static void host_flags(struct rv_cpu *c, int rm)
{
	unsigned m = mxcsr_get();
	c->fflags |= (m & 0x01 ? FF_NV : 0) | (m & 0x04 ? FF_DZ : 0) | (m & 0x08 ? FF_OF : 0) |
		     (m & 0x10 ? FF_UF : 0) | (m & 0x20 ? FF_NX : 0);
	if (directed(rm))
		mxcsr_set(m & ~0x6000u);
}
#else
static void host_round(int rm)
{
	static const int modes[5] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD,
				     FE_TONEAREST};
	if (directed(rm))
		fesetround(modes[rm]);
	feclearexcept(FE_ALL_EXCEPT);
}

static void host_flags(struct rv_cpu *c, int rm)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	c->fflags |= (e & FE_INVALID ? FF_NV : 0) | (e & FE_DIVBYZERO ? FF_DZ : 0) |
		     (e & FE_OVERFLOW ? FF_OF : 0) | (e & FE_UNDERFLOW ? FF_UF : 0) |
		     (e & FE_INEXACT ? FF_NX : 0);
	if (directed(rm))
		fesetround(FE_TONEAREST);
}
#endif

/* Rounds x to an integer as rm says (exactly, RMM included). */
static double round_int(double x, int rm)
{
	switch (rm) {
	case 1:
		return trunc(x);
	case 2:
		return floor(x);
	case 3:
		return ceil(x);
	case 4:
		return round(x);
	default:
		return nearbyint(x); /* the host is in nearest-even */
	}
}

/* fcvt.{w,wu,l,lu}: out-of-range and NaN inputs saturate and raise NV
 * (NaN as the largest value); an inexact in-range result raises NX. */
static uint64_t cvt_to_int(struct rv_cpu *c, double x, int rm, int kind)
{
	static const double lo[4] = {-2147483648.0, 0.0, -9223372036854775808.0, 0.0};
	static const double hi[4] = {2147483648.0, 4294967296.0, 9223372036854775808.0,
				     18446744073709551616.0};
	static const uint64_t sat_lo[4] = {(uint64_t)(int64_t)INT32_MIN, 0, (uint64_t)INT64_MIN, 0};
	static const uint64_t sat_hi[4] = {(uint64_t)(int64_t)INT32_MAX, UINT64_MAX,
					   (uint64_t)INT64_MAX, UINT64_MAX};
	if (isnan(x)) {
		c->fflags |= FF_NV;
		return sat_hi[kind];
	}
	double r = round_int(x, rm);
	if (r < lo[kind] || r >= hi[kind]) {
		c->fflags |= FF_NV;
		return r < lo[kind] ? sat_lo[kind] : sat_hi[kind];
	}
	if (r != x)
		c->fflags |= FF_NX;
	switch (kind) {
	case 0:
		return (uint64_t)(int64_t)(int32_t)r;
	case 1:
		return (uint64_t)(int64_t)(int32_t)(uint32_t)r; /* sign-extended, as RV64 */
	case 2:
		return (uint64_t)(int64_t)r;
	default:
		return (uint64_t)r;
	}
}

static unsigned fclass(double x, bool neg, bool snan, bool sub)
{
	if (isnan(x))
		return snan ? 1u << 8 : 1u << 9;
	if (isinf(x))
		return neg ? 1u << 0 : 1u << 7;
	if (x == 0)
		return neg ? 1u << 3 : 1u << 4;
	if (sub)
		return neg ? 1u << 2 : 1u << 5;
	return neg ? 1u << 1 : 1u << 6;
}

/* fmin/fmax (2.2 semantics): a NaN operand yields the other; both NaN the
 * canonical NaN; -0 is below +0; a signalling NaN raises NV. */
#define MINMAX(T, a, b, is_max, snan)                                                              \
	do {                                                                                       \
		if (snan(a) || snan(b))                                                            \
			c->fflags |= FF_NV;                                                        \
		if (isnan(a) && isnan(b))                                                          \
			r = NAN;                                                                   \
		else if (isnan(a))                                                                 \
			r = b;                                                                     \
		else if (isnan(b))                                                                 \
			r = a;                                                                     \
		else if (a == b)                                                                   \
			r = (is_max) != !!signbit(a) ? a : b;                                      \
		else                                                                               \
			r = ((is_max) ? a > b : a < b) ? a : b;                                    \
	} while (0)

/* feq (quiet: NV only for a signalling NaN), flt and fle (signalling: NV
 * for any NaN). */
#define COMPARE(a, b, snan)                                                                        \
	do {                                                                                       \
		if (isnan(a) || isnan(b)) {                                                        \
			if (in->rm != 2 || snan(a) || snan(b))                                     \
				c->fflags |= FF_NV;                                                \
			c->x[in->rd] = 0;                                                          \
		} else {                                                                           \
			c->x[in->rd] = in->rm == 2 ? a == b : in->rm == 1 ? a < b : a <= b;        \
		}                                                                                  \
	} while (0)

static bool exec_s(struct rv_cpu *c, const struct rv_insn *in, int rm)
{
	float a = get_s(c, in->rs1), b = get_s(c, in->rs2), r = 0;
	uint32_t ab = bits_s(a), bb = bits_s(b);
	switch (in->op) {
	case RV_FSGNJ: {
		uint32_t s = in->rm == 0 ? bb : in->rm == 1 ? ~bb : ab ^ bb;
		c->f[in->rd] = 0xffffffff00000000ull | (ab & 0x7fffffffu) | (s & 0x80000000u);
		return true;
	}
	case RV_FMINMAX:
		MINMAX(float, a, b, in->rm, snan_s);
		put_s(c, in->rd, r);
		return true;
	case RV_FCMP:
		COMPARE(a, b, snan_s);
		return true;
	case RV_FMV_XF:
		c->x[in->rd] = (uint64_t)(int64_t)(int32_t)(uint32_t)c->f[in->rs1];
		return true;
	case RV_FMV_FX:
		c->f[in->rd] = 0xffffffff00000000ull | (uint32_t)c->x[in->rs1];
		return true;
	case RV_FCLASS:
		c->x[in->rd] = fclass(a, ab >> 31, snan_s(a), fpclassify(a) == FP_SUBNORMAL);
		return true;
	case RV_FCVT_IF:
		c->x[in->rd] = cvt_to_int(c, a, rm, in->rs2);
		return true;
	}
	if (rm < 0)
		return false;
	float cc = get_s(c, in->rs3);
	host_round(rm);
	volatile float va = a, vb = b, vc = cc;
	switch (in->op) {
	case RV_FADD:
		r = va + vb;
		break;
	case RV_FSUB:
		r = va - vb;
		break;
	case RV_FMUL:
		r = va * vb;
		break;
	case RV_FDIV:
		r = va / vb;
		break;
	case RV_FSQRT:
		r = sqrtf(va);
		break;
	case RV_FMADD:
		r = fmaf(va, vb, vc);
		break;
	case RV_FMSUB:
		r = fmaf(va, vb, -vc);
		break;
	case RV_FNMSUB:
		r = fmaf(-va, vb, vc);
		break;
	case RV_FNMADD:
		r = fmaf(-va, vb, -vc);
		break;
	case RV_FCVT_FF:
		r = (float)get_d(c, in->rs1);
		break;
	case RV_FCVT_FI: {
		uint64_t x = c->x[in->rs1];
		switch (in->rs2) {
		case 0:
			r = (float)(int32_t)x;
			break;
		case 1:
			r = (float)(uint32_t)x;
			break;
		case 2:
			r = (float)(int64_t)x;
			break;
		default:
			r = (float)x;
			break;
		}
		break;
	}
	default:
		host_flags(c, rm);
		return false;
	}
	volatile float vr = r; /* computed before the flags are read */
	host_flags(c, rm);
	put_s(c, in->rd, vr);
	return true;
}

static bool exec_d(struct rv_cpu *c, const struct rv_insn *in, int rm)
{
	double a = get_d(c, in->rs1), b = get_d(c, in->rs2), r = 0;
	uint64_t ab = bits_d(a), bb = bits_d(b);
	const uint64_t sign = 1ull << 63;
	switch (in->op) {
	case RV_FSGNJ: {
		uint64_t s = in->rm == 0 ? bb : in->rm == 1 ? ~bb : ab ^ bb;
		c->f[in->rd] = (ab & ~sign) | (s & sign);
		return true;
	}
	case RV_FMINMAX:
		MINMAX(double, a, b, in->rm, snan_d);
		put_d(c, in->rd, r);
		return true;
	case RV_FCMP:
		COMPARE(a, b, snan_d);
		return true;
	case RV_FMV_XF:
		c->x[in->rd] = c->f[in->rs1];
		return true;
	case RV_FMV_FX:
		c->f[in->rd] = c->x[in->rs1];
		return true;
	case RV_FCLASS:
		c->x[in->rd] = fclass(a, ab >> 63, snan_d(a), fpclassify(a) == FP_SUBNORMAL);
		return true;
	case RV_FCVT_IF:
		c->x[in->rd] = cvt_to_int(c, a, rm, in->rs2);
		return true;
	}
	if (rm < 0)
		return false;
	double cc = get_d(c, in->rs3);
	host_round(rm);
	volatile double va = a, vb = b, vc = cc;
	switch (in->op) {
	case RV_FADD:
		r = va + vb;
		break;
	case RV_FSUB:
		r = va - vb;
		break;
	case RV_FMUL:
		r = va * vb;
		break;
	case RV_FDIV:
		r = va / vb;
		break;
	case RV_FSQRT:
		r = sqrt(va);
		break;
	case RV_FMADD:
		r = fma(va, vb, vc);
		break;
	case RV_FMSUB:
		r = fma(va, vb, -vc);
		break;
	case RV_FNMSUB:
		r = fma(-va, vb, vc);
		break;
	case RV_FNMADD:
		r = fma(-va, vb, -vc);
		break;
	case RV_FCVT_FF: {
		volatile float f = get_s(c, in->rs1);
		r = f; /* exact; a signalling NaN raises NV */
		break;
	}
	case RV_FCVT_FI: {
		uint64_t x = c->x[in->rs1];
		switch (in->rs2) {
		case 0:
			r = (double)(int32_t)x;
			break;
		case 1:
			r = (double)(uint32_t)x;
			break;
		case 2:
			r = (double)(int64_t)x;
			break;
		default:
			r = (double)x;
			break;
		}
		break;
	}
	default:
		host_flags(c, rm);
		return false;
	}
	volatile double vr = r; /* computed before the flags are read */
	host_flags(c, rm);
	put_d(c, in->rd, vr);
	return true;
}

bool rv_fp_exec(struct rv_cpu *c, const struct rv_insn *in)
{
	int rm = rounding(c, in);
	/* fcvt to an integer with an illegal rm is illegal too */
	if (in->op == RV_FCVT_IF && rm < 0)
		return false;
	return in->fmt ? exec_d(c, in, rm) : exec_s(c, in, rm);
}
