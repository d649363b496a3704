/* fenv_rounding.c - the C rounding modes and exception flags, which reach
 * the CPU's frm and fflags. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>
int main(void)
{
	volatile double x = 2.5, y = -2.5, one = 1.0, three = 3.0;
	/* through a volatile pointer: the compiler may not move a call
	 * across fesetround or share it between two modes */
	double (*volatile rnd)(double) = rint;
	int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
	for (int i = 0; i < 4; i++) {
		fesetround(modes[i]);
		double rx = rnd(x), ry = rnd(y), third = one / three;
		printf("%g %g %.17g\n", rx, ry, third);
	}
	fesetround(FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	volatile double z = 0.0, r = one / z;
	printf("inf %g divbyzero %d\n", r, !!fetestexcept(FE_DIVBYZERO));
	feclearexcept(FE_ALL_EXCEPT);
	r = one / three;
	printf("inexact %d invalid %d\n", !!fetestexcept(FE_INEXACT), !!fetestexcept(FE_INVALID));
	r = sqrt(-one);
	printf("invalid after sqrt(-1) %d\n", !!fetestexcept(FE_INVALID));
	return 0;
}
