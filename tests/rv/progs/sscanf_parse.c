/* sscanf_parse.c - sscanf and strtod on mixed input. */
#include <stdio.h>
#include <stdlib.h>
int main(void)
{
	int a, b;
	char w[32];
	double d;
	int n = sscanf("12 -34 word 5.25e2", "%d %d %31s %lf", &a, &b, w, &d);
	printf("%d: %d %d %s %.2f\n", n, a, b, w, d);
	char *end;
	double h = strtod("0x1.8p3rest", &end);
	printf("%.6g %s\n", h, end);
	printf("%.17g\n", strtod("2.2250738585072014e-308", NULL));
	printf("%ld\n", atol("  -987654321"));
	return 0;
}
