/* matrix_double.c - a double-precision matrix product and its checksum. */
#include <stdio.h>
int main(void)
{
	enum { N = 80 };
	static double a[N][N], b[N][N], c[N][N];
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			a[i][j] = (i * 3 + j) % 17 / 7.0;
			b[i][j] = (i + 5 * j) % 13 / 3.0 - 1.5;
		}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			double s = 0;
			for (int k = 0; k < N; k++)
				s += a[i][k] * b[k][j];
			c[i][j] = s;
		}
	double t = 0;
	for (int i = 0; i < N; i++)
		t += c[i][i] * (i + 1) - c[i][N - 1 - i];
	printf("checksum %.12e\n", t);
	return 0;
}
