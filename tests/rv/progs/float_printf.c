/* float_printf.c - printf of floats and doubles, libm, and float
 * arithmetic edge cases (rounding, infinities, NaN, subnormals). */
#include <float.h>
#include <math.h>
#include <stdio.h>

int main(void)
{
	volatile double a = 1.0 / 3.0, z = 0.0;
	printf("%.17g %.3e %f %g\n", a, 12345.6789, -0.5, 1e-300 * 1e-10);
	printf("%g %g %g\n", 1.0 / z, -1.0 / z, sqrt(-1.0) != sqrt(-1.0) ? 0.0 : 1.0);
	printf("%.10f %.10f %.10f\n", sin(1.0), exp(2.5), log(10.0));
	printf("%.6f %.6f\n", pow(2.0, 0.5), atan2(1.0, -1.0));
	float f = 16777216.0f;
	volatile float one = 1.0f;
	printf("%.1f %.9g\n", f + one, (float)(1.0 / 3.0));
	printf("%a %a\n", DBL_MIN / 4, (double)FLT_MAX);
	long long big = (long long)9.2e18;
	printf("%lld %d %u\n", big, (int)-3.99, (unsigned)3.99);
	double sum = 0;
	for (int i = 1; i <= 1000; i++)
		sum += 1.0 / i;
	printf("harmonic %.15f\n", sum);
	printf("fma %.17g\n", fma(0.1, 10.0, -1.0));
	return 0;
}
