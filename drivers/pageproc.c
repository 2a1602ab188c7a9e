/* Deskew and crop of scanned pages. The skew comes from a projection profile of the horizontal edges of a small
 * grey copy (text lines and the paper's own edge both run along the skew); the page is turned back with
 * bilinear sampling in fixed point; the crop keeps the paper when it lies on a darker scanner bed. */
#include "drivers/pageproc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_W 640	 /* the working copy's width: about 75 dpi for A4 */
#define MAX_SKEW 10.0	 /* degrees; a page further off was placed badly, not skewed */
#define MIN_SKEW 0.3	 /* below this, turning the page costs more legibility than it gains */
#define EDGE 48		 /* a vertical step of this many grey levels is an edge */
#define DARK_BED 110	 /* a border darker than this is the scanner bed, not paper */

struct grey {
	int w, h, step; /* step: source pixels per working pixel */
	unsigned char *px;
};

bool pageproc_page_ok(const struct scan_page *p)
{
	return p && p->pixels && p->width > 0 && p->height > 0 && p->width <= 20000 &&
	       p->height <= 30000 && (p->channels == 1 || p->channels == 3);
}

static unsigned char luma(const struct scan_page *p, int x, int y)
{
	const unsigned char *s =
		p->pixels + ((size_t)y * (size_t)p->width + (size_t)x) * (size_t)p->channels;

	return p->channels == 1 ? s[0] : (unsigned char)((s[0] * 77 + s[1] * 150 + s[2] * 29) >> 8);
}

/* A box-averaged grey copy about SMALL_W wide (every other source pixel of each box is enough). */
static enum kerr shrink(const struct scan_page *p, struct grey *g)
{
	int step = (p->width + SMALL_W - 1) / SMALL_W;

	if (step < 1)
		step = 1;
	g->step = step;
	g->w = p->width / step;
	g->h = p->height / step;
	if (g->w < 1 || g->h < 1)
		return KERR_INVAL;
	g->px = malloc((size_t)g->w * (size_t)g->h);
	if (!g->px)
		return KERR_NOMEM;
	for (int y = 0; y < g->h; y++)
		for (int x = 0; x < g->w; x++) {
			unsigned sum = 0, n = 0;
			int sub = step > 1 ? 2 : 1;

			for (int dy = 0; dy < step; dy += sub)
				for (int dx = 0; dx < step; dx += sub, n++)
					sum += luma(p, x * step + dx, y * step + dy);
			g->px[(size_t)y * (size_t)g->w + (size_t)x] = (unsigned char)(sum / n);
		}
	return KERR_OK;
}

/* Mean grey level of the outer ring (2% of each side) of the working copy. */
static int border_level(const struct grey *g)
{
	int mx = g->w / 50 + 1, my = g->h / 50 + 1;
	unsigned long sum = 0, n = 0;

	for (int y = 0; y < g->h; y++)
		for (int x = 0; x < g->w; x++)
			if (y < my || y >= g->h - my || x < mx || x >= g->w - mx) {
				sum += g->px[(size_t)y * (size_t)g->w + (size_t)x];
				n++;
			}
	return n ? (int)(sum / n) : 255;
}

/* Sum of squared bin counts of edge points projected along slope tan(deg): peaks when the bins follow the
 * lines. */
static double profile(const int *ex, const int *ey, size_t n, int h, int w, double deg, int *bins)
{
	double t = tan(deg * M_PI / 180.0), score = 0;
	int off = (int)(fabs(t) * w) + 1, nb = h + 2 * off;

	memset(bins, 0, (size_t)nb * sizeof(*bins));
	for (size_t i = 0; i < n; i++) {
		int b = (int)lround(ey[i] - ex[i] * t) + off;

		if (b >= 0 && b < nb)
			bins[b]++;
	}
	for (int b = 0; b < nb; b++)
		score += (double)bins[b] * bins[b];
	return score;
}

static enum kerr skew_of(const struct grey *g, double *ret_deg)
{
	size_t cap = (size_t)g->w * (size_t)g->h / 4, n = 0;
	int *ex = malloc(cap * sizeof(int)), *ey = malloc(cap * sizeof(int));
	int *bins = malloc(((size_t)g->h + 2 * ((size_t)g->w + 2)) * sizeof(int));
	double best = 0, best_score = -1;
	enum kerr e = KERR_OK;

	if (!ex || !ey || !bins) {
		e = KERR_NOMEM;
		goto out;
	}
	for (int y = 0; y + 1 < g->h && n < cap; y++)
		for (int x = 0; x < g->w && n < cap; x++) {
			int a = g->px[(size_t)y * (size_t)g->w + (size_t)x];
			int b = g->px[(size_t)(y + 1) * (size_t)g->w + (size_t)x];

			if (abs(a - b) >= EDGE) {
				ex[n] = x;
				ey[n] = y;
				n++;
			}
		}
	if (n < 50) /* nothing line-like: a blank page or a photo */
		goto out;
	for (double d = -MAX_SKEW; d <= MAX_SKEW + 1e-9; d += 0.5) {
		double s = profile(ex, ey, n, g->h, g->w, d, bins);

		if (s > best_score) {
			best_score = s;
			best = d;
		}
	}
	for (double d = best - 0.5; d <= best + 0.5 + 1e-9; d += 0.05) {
		double s = profile(ex, ey, n, g->h, g->w, d, bins);

		if (s > best_score) {
			best_score = s;
			best = d;
		}
	}
out:
	free(ex);
	free(ey);
	free(bins);
	if (e == KERR_OK)
		*ret_deg = fabs(best) < 1e-9 ? 0 : best;
	return e;
}

enum kerr pageproc_skew(const struct scan_page *p, double *ret_deg)
{
	struct grey g;
	enum kerr e;

	if (!pageproc_page_ok(p))
		return KERR_INVAL;
	e = shrink(p, &g);
	if (e != KERR_OK)
		return e;
	e = skew_of(&g, ret_deg);
	free(g.px);
	return e;
}

static struct scan_page *page_like(const struct scan_page *p, int w, int h)
{
	struct scan_page *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	*o = *p;
	o->width = w;
	o->height = h;
	o->pixels = malloc((size_t)w * (size_t)h * (size_t)p->channels);
	if (!o->pixels) {
		free(o);
		return NULL;
	}
	return o;
}

enum kerr pageproc_rotate(const struct scan_page *p, double deg, int fill, struct scan_page **ret)
{
	struct scan_page *o;
	int ch, w, h;
	/* 16.16 fixed point: a source step per output pixel along x and along y. */
	long c, s, cx, cy;

	if (!pageproc_page_ok(p) || fabs(deg) > 45 || fill < 0 || fill > 255)
		return KERR_INVAL;
	o = page_like(p, p->width, p->height);
	if (!o)
		return KERR_NOMEM;
	ch = p->channels;
	w = p->width;
	h = p->height;
	c = lround(cos(deg * M_PI / 180.0) * 65536.0);
	s = lround(sin(deg * M_PI / 180.0) * 65536.0);
	cx = (long)w << 15; /* centre, 16.16 */
	cy = (long)h << 15;
	for (int y = 0; y < h; y++) {
		unsigned char *d = o->pixels + (size_t)y * (size_t)w * (size_t)ch;
		long dy = ((long)y << 16) - cy;
		/* source of output (x, y): centre + R(deg) * (out - centre) */
		long sx = cx + ((-cx) * c >> 16) - (dy * s >> 16);
		long sy = cy + ((-cx) * s >> 16) + (dy * c >> 16);

		for (int x = 0; x < w; x++, sx += c, sy += s, d += ch) {
			long ix = sx >> 16, iy = sy >> 16;
			unsigned fx = (unsigned)(sx & 0xffff) >> 8, fy = (unsigned)(sy & 0xffff) >> 8;
			const unsigned char *a;
			size_t row = (size_t)w * (size_t)ch;

			if (ix < 0 || iy < 0 || ix >= w - 1 || iy >= h - 1) {
				memset(d, fill, (size_t)ch);
				continue;
			}
			a = p->pixels + ((size_t)iy * (size_t)w + (size_t)ix) * (size_t)ch;
			for (int k = 0; k < ch; k++) {
				unsigned top = a[k] * (256 - fx) + a[k + ch] * fx;
				unsigned bot = a[row + k] * (256 - fx) + a[row + k + ch] * fx;

				d[k] = (unsigned char)((top * (256 - fy) + bot * fy) >> 16);
			}
		}
	}
	*ret = o;
	return KERR_OK;
}

/* The first and last index whose count passes a third of len, or false when there is none. A third, not a
 * half: under a document camera an upright A4 sheet spans less than half of a 4:3 frame's width. */
static bool span(const int *count, int n, int len, int *ret_a, int *ret_b)
{
	int a = 0, b = n - 1;

	while (a < n && count[a] * 3 < len)
		a++;
	while (b > a && count[b] * 3 < len)
		b--;
	if (a >= n)
		return false;
	*ret_a = a;
	*ret_b = b;
	return true;
}

/* The paper's rectangle in the working copy: the rows and columns that are mostly brighter than the bed. */
static bool paper_box(const struct grey *g, int bed, int *x0, int *y0, int *x1, int *y1)
{
	int *rows = calloc((size_t)g->h, sizeof(int)), *cols = calloc((size_t)g->w, sizeof(int));
	int level = bed + 60 > 200 ? 200 : bed + 60;
	bool ok = false;

	if (rows && cols) {
		for (int y = 0; y < g->h; y++)
			for (int x = 0; x < g->w; x++)
				if (g->px[(size_t)y * (size_t)g->w + (size_t)x] >= level) {
					rows[y]++;
					cols[x]++;
				}
		ok = span(rows, g->h, g->w, y0, y1) && span(cols, g->w, g->h, x0, x1);
	}
	free(rows);
	free(cols);
	return ok;
}

static enum kerr crop(const struct scan_page *p, int x, int y, int w, int h, struct scan_page **ret)
{
	struct scan_page *o = page_like(p, w, h);
	size_t ch = (size_t)p->channels;

	if (!o)
		return KERR_NOMEM;
	for (int r = 0; r < h; r++)
		memcpy(o->pixels + (size_t)r * (size_t)w * ch,
		       p->pixels + ((size_t)(y + r) * (size_t)p->width + (size_t)x) * ch, (size_t)w * ch);
	*ret = o;
	return KERR_OK;
}

enum kerr pageproc_clean(const struct scan_page *p, struct scan_page **ret, struct pageproc_info *info)
{
	struct pageproc_info in = { 0 };
	struct scan_page *turned = NULL, *cut = NULL;
	const struct scan_page *cur = p;
	struct grey g = { 0 };
	int bed, x0, y0, x1, y1;
	enum kerr e;

	if (!pageproc_page_ok(p))
		return KERR_INVAL;
	e = shrink(p, &g);
	if (e == KERR_OK)
		e = skew_of(&g, &in.skew_deg);
	if (e != KERR_OK)
		goto out;
	bed = border_level(&g);
	if (fabs(in.skew_deg) >= MIN_SKEW) {
		/* The corners it uncovers look like what surrounded the page, so the crop still finds the paper. */
		e = pageproc_rotate(p, in.skew_deg, bed, &turned);
		if (e != KERR_OK)
			goto out;
		in.deskewed = true;
		cur = turned;
		free(g.px);
		g.px = NULL;
		e = shrink(cur, &g);
		if (e != KERR_OK)
			goto out;
	}
	in.w = cur->width;
	in.h = cur->height;
	if (bed < DARK_BED && paper_box(&g, bed, &x0, &y0, &x1, &y1)) {
		int s = g.step, bw = (x1 - x0 + 1) * s, bh = (y1 - y0 + 1) * s;

		/* Only a plausible sheet: not a sliver, and not the whole scan anyway. */
		if ((long)bw * bh >= (long)cur->width * cur->height / 10 &&
		    (long)bw * bh <= (long)cur->width * cur->height * 97 / 100) {
			/* One working pixel inwards on each side: the paper's edge is not content. */
			in.x = (x0 + 1) * s;
			in.y = (y0 + 1) * s;
			in.w = bw - 2 * s;
			in.h = bh - 2 * s;
			if (in.x + in.w > cur->width)
				in.w = cur->width - in.x;
			if (in.y + in.h > cur->height)
				in.h = cur->height - in.y;
			e = crop(cur, in.x, in.y, in.w, in.h, &cut);
			if (e != KERR_OK)
				goto out;
			in.cropped = true;
			scan_page_free(turned);
			turned = NULL;
		}
	}
	*ret = cut ? cut : turned;
	cut = turned = NULL;
	if (info)
		*info = in;
out:
	free(g.px);
	scan_page_free(turned);
	scan_page_free(cut);
	return e;
}
