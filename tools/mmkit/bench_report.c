/*
 * bench_report.c - the report of `mmkit bench`: medians and ratios, the
 * table on stdout, the JSON rows and the SVG chart.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

double median(double *v, int n)
{
	for (int i = 1; i < n; i++) /* insertion sort: n is small */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double row_ratio(const struct row *r)
{
	return r->linux_ns > 0 && r->mmkit_ns > 0 ? r->mmkit_ns / r->linux_ns : -1;
}

/* Whether the row meets its target: 1, 0, or -1 when it has none, was not
 * measured, or ran at --short sizes. */
static int row_met(const struct row *r)
{
	if (!r->judged)
		return -1;
	switch (r->w->tkind) {
	case TGT_RATIO:
		return row_ratio(r) < 0 ? -1 : row_ratio(r) <= r->w->target;
	case TGT_NS:
		return r->mmkit_ns < 0 ? -1 : r->mmkit_ns <= r->w->target;
	default:
		return -1;
	}
}

/* The row's target as a ratio for the chart (TGT_NS converted with this
 * run's Linux figure), or -1. */
static double row_target_ratio(const struct row *r)
{
	if (r->w->tkind == TGT_RATIO)
		return r->w->target;
	if (r->w->tkind == TGT_NS && r->linux_ns > 0)
		return r->w->target / r->linux_ns;
	return -1;
}

/* 1 if the row meets its target, 0 if not, -1 if not measured or judged. */
int meta_met(const struct meta_row *m)
{
	return m->bytes < 0 || !m->judged ? -1 : m->bytes <= m->target;
}

/* ---- Report: table, JSON, SVG ---------------------------------------------------------- */

static void fmt_ns(char *buf, size_t len, double v)
{
	if (v < 0)
		snprintf(buf, len, "n/a");
	else if (v < 100)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

const char *met_word(int met)
{
	return met < 0 ? "-" : met ? "met" : "MISSED";
}

void print_header(void)
{
	printf("%-15s %12s %12s %11s %9s %15s  %-17s %s\n", "workload", "Linux ns/op",
	       "mmkit ns/op", "mmkit/Linux", "limit ns", "faults/op L|m", "target", "result");
}

/* Faults per op as "0.0039" or "1" or "-". */
static void fmt_fpo(char *buf, size_t len, double v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2g", v);
}

void print_row(const struct row *r)
{
	char lx[32], mk[32], ratio[32], lim[32], lf[16], mf[16], faults[40];
	fmt_fpo(lf, sizeof(lf), r->linux_fpo);
	fmt_fpo(mf, sizeof(mf), r->mmkit_fpo);
	snprintf(faults, sizeof(faults), "%s|%s", lf, mf);
	fmt_ns(lx, sizeof(lx), r->linux_ns);
	fmt_ns(mk, sizeof(mk), r->mmkit_ns);
	fmt_ns(lim, sizeof(lim), r->limit_ns);
	double q = row_ratio(r);
	if (q < 0)
		snprintf(ratio, sizeof(ratio), "n/a");
	else
		snprintf(ratio, sizeof(ratio), "%.3f", q);
	printf("%-15s %12s %12s %11s %9s %15s  %-17s %s\n", r->w->name, lx, mk, ratio,
	       r->limit_ns < 0 ? "-" : lim, faults, r->w->target_text,
	       r->failed ? "FAILED" : met_word(row_met(r)));
	fflush(stdout);
}

static void json_num(FILE *f, double v)
{
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%.4g", v);
}

/* Writes the rows as a JSON list; returns 0 or -errno. */
int write_json(const char *path, const struct row *rows, size_t n, const struct meta_row *meta,
	       size_t nmeta)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs("[\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		int met = row_met(r);
		fprintf(f, "  {\"name\": \"%s\", \"linux_ns\": ", r->w->name);
		json_num(f, r->linux_ns);
		fputs(", \"mmkit_ns\": ", f);
		json_num(f, r->mmkit_ns);
		fputs(", \"ratio\": ", f);
		json_num(f, row_ratio(r));
		fputs(", \"limit_ns\": ", f);
		json_num(f, r->limit_ns);
		fputs(", \"linux_faults_per_op\": ", f);
		json_num(f, r->linux_fpo);
		fputs(", \"mmkit_faults_per_op\": ", f);
		json_num(f, r->mmkit_fpo);
		fprintf(f, ", \"target\": \"%s\", \"met\": %s}%s\n", r->w->target_text,
			met < 0 ? "null"
			: met	? "true"
				: "false",
			i + 1 < n || nmeta ? "," : "");
	}
	for (size_t i = 0; i < nmeta; i++) {
		fprintf(f,
			"  {\"name\": \"%s\", \"linux_ns\": null, \"mmkit_ns\": null, "
			"\"ratio\": null, \"bytes\": ",
			meta[i].name);
		json_num(f, meta[i].bytes);
		int met = meta_met(&meta[i]);
		fprintf(f, ", \"target\": \"<= %.0f bytes\", \"met\": %s}%s\n", meta[i].target,
			met < 0 ? "null"
			: met	? "true"
				: "false",
			i + 1 < nmeta ? "," : "");
	}
	fputs("]\n", f);
	return fclose(f) ? -errno : 0;
}

/* log10 without libm (the command links without -lm): the decade by
 * scaling, the rest by ln(m) = 2 atanh((m-1)/(m+1)) on m in [1, 10). */
static double log10_of(double x)
{
	int dec = 0;
	while (x >= 10) {
		x /= 10;
		dec++;
	}
	while (x < 1) {
		x *= 10;
		dec--;
	}
	double y = (x - 1) / (x + 1), y2 = y * y, term = y, sum = 0;
	for (int k = 1; k < 80; k += 2) {
		sum += term / k;
		term *= y2;
	}
	return dec + 2 * sum / 2.302585092994046;
}

/* The chart's geometry: a log-scale x axis of decades [lo, hi]. */
struct chart {
	int lo, hi;
	double left, width; /* plot area, px */
};

static double chart_x(const struct chart *c, double ratio)
{
	double d = log10_of(ratio);
	if (d < c->lo)
		d = c->lo;
	if (d > c->hi)
		d = c->hi;
	return c->left + (d - c->lo) / (c->hi - c->lo) * c->width;
}

/* Picks decades covering every ratio and target of the rows. */
static void chart_range(struct chart *c, const struct row *rows, size_t n)
{
	double mn = 0.05, mx = 2;
	for (size_t i = 0; i < n; i++) {
		double v[2] = {row_ratio(&rows[i]), row_target_ratio(&rows[i])};
		for (int k = 0; k < 2; k++) {
			if (v[k] > 0 && v[k] < mn)
				mn = v[k];
			if (v[k] > mx)
				mx = v[k];
		}
	}
	double l = log10_of(mn), h = log10_of(mx);
	c->lo = (int)l - (l < (int)l);
	c->hi = (int)h + (h > (int)h);
}

static void svg_axis(FILE *f, const struct chart *c, double top, double bottom)
{
	for (int d = c->lo; d <= c->hi; d++) {
		double x = c->left + (double)(d - c->lo) / (c->hi - c->lo) * c->width;
		double v = 1;
		for (int k = 0; k < d; k++)
			v *= 10;
		for (int k = 0; k > d; k--)
			v /= 10;
		char label[32];
		snprintf(label, sizeof(label), "%.*f", d < 0 ? -d : 0, v);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
			x, top, x, bottom, d == 0 ? "#555" : "#ddd");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x,
			bottom + 16, label);
	}
}

/* One bar: the ratio from the left edge, green when the target is met, red
 * when missed, grey without a target; a dashed black mark at the target. */
static void svg_bar(FILE *f, const struct chart *c, const struct row *r, double y, double h)
{
	double q = row_ratio(r), t = row_target_ratio(r);
	int met = row_met(r);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", c->left - 8,
		y + h * 0.7, r->w->name);
	if (q < 0) {
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.1f\" fill=\"#777\">n/a (mmkit %.0f ns/op; Linux "
			"limited to 65530 VMAs)</text>\n",
			c->left + 6, y + h * 0.7, r->mmkit_ns);
		return;
	}
	const char *color = met < 0 ? "#999" : met ? "#4a9a4a" : "#c84a3a";
	double x = chart_x(c, q), tx = t > 0 ? chart_x(c, t) : 0;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
		c->left, y, x - c->left, h, color);
	if (t > 0)
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
			"stroke-width=\"2\" stroke-dasharray=\"3 2\"/>\n",
			tx, y - 3, tx, y + h + 3);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%.3g</text>\n", (x > tx ? x : tx) + 5, y + h * 0.7,
		q);
}

/* Writes the bar chart of the ratios (log scale, target marks); 0 or -errno. */
int write_svg(const char *path, const struct row *rows, size_t n, const char *subtitle)
{
	const double rowh = 24, top = 74, width = 900;
	struct chart c = {.left = 150, .width = width - 150 - 60};
	chart_range(&c, rows, n);
	double bottom = top + rowh * (double)n;
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n",
		width, bottom + 60);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(f,
		"<text x=\"%.1f\" y=\"20\" font-size=\"15\" font-weight=\"bold\">mmkit / Linux "
		"time per operation (median; log scale; lower is better)</text>\n",
		c.left);
	fprintf(f, "<text x=\"%.1f\" y=\"38\" fill=\"#555\">%s</text>\n", c.left, subtitle);
	fprintf(f,
		"<text x=\"%.1f\" y=\"54\" fill=\"#555\">Dashed mark: the target; green: "
		"met, red: missed, grey: no target.</text>\n",
		c.left);
	svg_axis(f, &c, top - 6, bottom);
	for (size_t i = 0; i < n; i++)
		svg_bar(f, &c, &rows[i], top + rowh * (double)i + 3, rowh - 8);
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">mmkit ns / Linux ns "
		"(1 = parity)</text>\n",
		c.left + c.width / 2, bottom + 36);
	fputs("</svg>\n", f);
	return fclose(f) ? -errno : 0;
}
