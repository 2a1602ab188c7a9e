/* Drawing a display list with SDL's renderer: rounded boxes from cached anti-aliased corner
 * textures and plain fills, text from the glyph cache, and images from a small texture cache. */
#include "ui/sdl/sdl_private.h"

#include "common/log.h"
#include "common/utf8.h"

#include <math.h>
#include <stdlib.h>

/* Colours are 0xRRGGBBAA. */
static uint8_t red(uint32_t c)
{
	return (uint8_t)(c >> 24);
}

static uint8_t green(uint32_t c)
{
	return (uint8_t)(c >> 16);
}

static uint8_t blue(uint32_t c)
{
	return (uint8_t)(c >> 8);
}

static uint8_t alpha(uint32_t c)
{
	return (uint8_t)c;
}

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

static struct tex_entry *cache_find(struct tex_entry *set, size_t n, uint64_t key)
{
	for (size_t i = 0; i < n; i++)
		if (set[i].tex && set[i].key == key)
			return &set[i];
	return NULL;
}

/* A free entry, or the least recently used one emptied for reuse. */
static struct tex_entry *cache_take(struct tex_entry *set, size_t n)
{
	struct tex_entry *old = &set[0];

	for (size_t i = 0; i < n; i++) {
		if (!set[i].tex)
			return &set[i];
		if (set[i].used < old->used)
			old = &set[i];
	}
	SDL_DestroyTexture(old->tex);
	*old = (struct tex_entry){ 0 };
	return old;
}

static void cache_clear(struct tex_entry *set, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (set[i].tex)
			SDL_DestroyTexture(set[i].tex);
		set[i] = (struct tex_entry){ 0 };
	}
}

void ui_sdl_forget_images(struct ui_sdl *u)
{
	cache_clear(u->images, IMAGE_MAX);
}

void render_finish(struct ui_sdl *u)
{
	cache_clear(u->images, IMAGE_MAX);
	cache_clear(u->shapes, SHAPE_MAX);
}

static float coverage(float edge, float d)
{
	float c = edge - d + 0.5f;

	return c < 0 ? 0 : c > 1 ? 1 : c;
}

/* A white disc of radius r, or a ring of that outer radius and thickness t (t == 0: the disc), in
 * a 2r x 2r texture whose alpha is the pixel's coverage; its quarters are a box's four corners. */
static SDL_Texture *make_shape(SDL_Renderer *ren, int r, int t)
{
	int n = 2 * r;
	uint32_t *px = malloc((size_t)n * n * sizeof(*px));
	SDL_Texture *tex = NULL;

	if (!px)
		return NULL;
	for (int y = 0; y < n; y++) {
		for (int x = 0; x < n; x++) {
			float dx = (float)x + 0.5f - (float)r, dy = (float)y + 0.5f - (float)r;
			float d = sqrtf(dx * dx + dy * dy);
			float c = coverage((float)r, d);

			if (t > 0)
				c -= coverage((float)(r - t), d);
			px[(size_t)y * n + x] =
				(uint32_t)lrintf((c < 0 ? 0 : c) * 255.0f) << 24 | 0xffffffu;
		}
	}
	/* ARGB like the glyphs and the headless frame: the software renderer blits it fast. */
	tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, n, n);
	if (tex && SDL_UpdateTexture(tex, NULL, px, n * 4) < 0) {
		SDL_DestroyTexture(tex);
		tex = NULL;
	}
	if (tex)
		SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
	free(px);
	return tex;
}

static SDL_Texture *shape(struct ui_sdl *u, int r, int t)
{
	uint64_t key = (uint64_t)(uint32_t)r << 32 | (uint32_t)t;
	struct tex_entry *e = cache_find(u->shapes, SHAPE_MAX, key);

	if (!e) {
		SDL_Texture *tex = make_shape(u->ren, r, t);

		if (!tex) {
			log_debug("corner texture r=%d t=%d: %s", r, t, SDL_GetError());
			return NULL;
		}
		e = cache_take(u->shapes, SHAPE_MAX);
		*e = (struct tex_entry){ .key = key, .w = 2 * r, .h = 2 * r, .tex = tex };
	}
	e->used = ++u->tick;
	return e->tex;
}

/* Opaque fills skip blending: the software renderer then fills rows with plain stores. */
static void draw_color(SDL_Renderer *ren, uint32_t c)
{
	SDL_SetRenderDrawBlendMode(ren, alpha(c) == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(ren, red(c), green(c), blue(c), alpha(c));
}

static void fill_rects(SDL_Renderer *ren, const SDL_Rect *rects, int n, uint32_t color)
{
	SDL_Rect keep[8];
	int k = 0;

	for (int i = 0; i < n; i++)
		if (rects[i].w > 0 && rects[i].h > 0)
			keep[k++] = rects[i];
	if (!k)
		return;
	draw_color(ren, color);
	SDL_RenderFillRects(ren, keep, k);
}

/* The four quarters of a shape texture at the corners of the box. */
static void corners(SDL_Renderer *ren, SDL_Texture *tex, int x, int y, int w, int h, int r,
		    uint32_t color)
{
	const SDL_Rect src[4] = { { 0, 0, r, r }, { r, 0, r, r }, { 0, r, r, r }, { r, r, r, r } };
	const SDL_Rect dst[4] = {
		{ x, y, r, r },
		{ x + w - r, y, r, r },
		{ x, y + h - r, r, r },
		{ x + w - r, y + h - r, r, r },
	};

	SDL_SetTextureColorMod(tex, red(color), green(color), blue(color));
	SDL_SetTextureAlphaMod(tex, alpha(color));
	for (int i = 0; i < 4; i++)
		SDL_RenderCopy(ren, tex, &src[i], &dst[i]);
}

/* A filled box with corners of radius r. No two pieces overlap: translucent colours stay even. */
static enum kerr fill_round(struct ui_sdl *u, int x, int y, int w, int h, int r, uint32_t color)
{
	SDL_Texture *tex;

	if (w <= 0 || h <= 0 || !alpha(color))
		return KERR_OK;
	r = min3(r, w / 2, h / 2);
	if (r <= 0) {
		fill_rects(u->ren, &(SDL_Rect){ x, y, w, h }, 1, color);
		return KERR_OK;
	}
	/* Wide bands, not tall strips: SDL's fill streams every row past the cache, and short rows
	 * cost nearly as much as long ones (a 1920x1080 home screen drew in 7 ms with strips, under
	 * 2 ms with bands). */
	fill_rects(u->ren,
		   (SDL_Rect[3]){ { x + r, y, w - 2 * r, r },
				  { x, y + r, w, h - 2 * r },
				  { x + r, y + h - r, w - 2 * r, r } },
		   3, color);
	tex = shape(u, r, 0);
	if (!tex)
		return KERR_NOMEM;
	corners(u->ren, tex, x, y, w, h, r, color);
	return KERR_OK;
}

/* The border band of a box: straight bands between the corners, which do not overlap even when the
 * border is wider than the radius, and rounded corners. disc_corners paints whole corner discs, for
 * a caller that paints an opaque inner box over their middle; otherwise the corners are rings, so a
 * translucent or absent fill does not show the border through it. */
static enum kerr border_round(struct ui_sdl *u, int x, int y, int w, int h, int r, int b,
			      uint32_t color, bool disc_corners)
{
	SDL_Texture *tex;
	int t;

	r = min3(r, w / 2, h / 2);
	if (r <= 0) {
		fill_rects(u->ren,
			   (SDL_Rect[4]){ { x, y, w, b },
					  { x, y + h - b, w, b },
					  { x, y + b, b, h - 2 * b },
					  { x + w - b, y + b, b, h - 2 * b } },
			   4, color);
		return KERR_OK;
	}
	/* A border wider than the radius fills the corner squares; the rest of it is straight. */
	t = b < r ? b : r;
	fill_rects(u->ren,
		   (SDL_Rect[6]){ { x + r, y, w - 2 * r, b },
				  { x + r, y + h - b, w - 2 * r, b },
				  { x, y + r, t, h - 2 * r },
				  { x + w - t, y + r, t, h - 2 * r },
				  { x + r, y + b, b - t, h - 2 * b },
				  { x + w - b, y + b, b - t, h - 2 * b } },
		   6, color);
	tex = shape(u, r, disc_corners || t == r ? 0 : t);
	if (!tex)
		return KERR_NOMEM;
	corners(u->ren, tex, x, y, w, h, r, color);
	return KERR_OK;
}

static enum kerr draw_rect(struct ui_sdl *u, const struct ui_cmd *c)
{
	int x = c->r.x, y = c->r.y, w = c->r.w, h = c->r.h, r = c->radius, b = c->border;
	int ri = r > b ? r - b : 0;
	enum kerr e;

	if (w <= 0 || h <= 0)
		return KERR_OK;
	if (b <= 0 || !alpha(c->border_color))
		return fill_round(u, x, y, w, h, r, c->color);
	if (2 * b >= w || 2 * b >= h)
		return fill_round(u, x, y, w, h, r, c->border_color);
	/* The inner box's corners (radius r - b) lie inside the border's corner squares, so an
	 * opaque fill meets whole border discs with no seam between two anti-aliased edges. */
	e = border_round(u, x, y, w, h, r, b, c->border_color, alpha(c->color) == 255);
	if (e)
		return e;
	return fill_round(u, x + b, y + b, w - 2 * b, h - 2 * b, ri, c->color);
}

static bool overlaps(int x0, int y0, int x1, int y1, const SDL_Rect *clip)
{
	return x1 > clip->x && x0 < clip->x + clip->w && y1 > clip->y && y0 < clip->y + clip->h;
}

static void draw_text(struct ui_sdl *u, const struct ui_cmd *c)
{
	struct ui_rect cb = c->clip.w > 0 && c->clip.h > 0 ? c->clip : c->r;
	SDL_Rect clip = { cb.x, cb.y, cb.w, cb.h };
	int px = glyph_cache_clamp_px(c->px), pen = c->r.x, top = c->r.y, ascent, skip;
	const char *s = c->text;
	uint32_t cp;

	if (!s || clip.w <= 0 || clip.h <= 0 || !alpha(c->color))
		return;
	if (!glyph_cache_line(&u->glyphs, px, c->bold, &ascent, &skip))
		return;
	SDL_RenderSetClipRect(u->ren, &clip);
	while ((cp = utf8_next(&s)) != 0) {
		struct glyph *g;

		/* No glyph reaches further left of its pen than its own size, so the rest of the
		 * line is hidden. */
		if (pen >= clip.x + clip.w + px)
			break;
		g = glyph_cache_get(&u->glyphs, cp, px, c->bold);
		if (!g)
			break;
		/* Rasterize only what shows: a line cut by its box costs nothing past the cut. */
		if (g->state != GLYPH_BLANK &&
		    overlaps(pen + g->minx, top + ascent - g->maxy, pen + g->maxx,
			     top + ascent - g->miny, &clip) &&
		    glyph_cache_raster(&u->glyphs, g)) {
			SDL_Rect dst = { pen + g->ox, top + g->oy, g->tw, g->th };

			SDL_SetTextureColorMod(g->tex, red(c->color), green(c->color),
					       blue(c->color));
			SDL_SetTextureAlphaMod(g->tex, alpha(c->color));
			SDL_RenderCopy(u->ren, g->tex, NULL, &dst);
		}
		pen += g->advance;
	}
	SDL_RenderSetClipRect(u->ren, NULL);
}

static enum kerr draw_image(struct ui_sdl *u, const struct ui_cmd *c)
{
	const struct ui_image *img = c->img;
	SDL_Rect dst = { c->r.x, c->r.y, c->r.w, c->r.h };
	struct tex_entry *e;

	if (!img || !img->rgba || img->w <= 0 || img->h <= 0 || dst.w <= 0 || dst.h <= 0)
		return KERR_OK;
	e = cache_find(u->images, IMAGE_MAX, img->key);
	/* Same key, other size: the caller broke the key rule; show the new picture rather than a
	 * stretched old one. */
	if (e && (e->w != img->w || e->h != img->h)) {
		SDL_DestroyTexture(e->tex);
		*e = (struct tex_entry){ 0 };
		e = NULL;
	}
	if (!e) {
		SDL_Texture *tex = SDL_CreateTexture(u->ren, SDL_PIXELFORMAT_RGBA32,
						     SDL_TEXTUREACCESS_STATIC, img->w, img->h);

		if (!tex || SDL_UpdateTexture(tex, NULL, img->rgba, img->w * 4) < 0) {
			log_debug("image %dx%d: %s", img->w, img->h, SDL_GetError());
			if (tex)
				SDL_DestroyTexture(tex);
			return KERR_NOMEM;
		}
		SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
		SDL_SetTextureScaleMode(tex, SDL_ScaleModeLinear);
		e = cache_take(u->images, IMAGE_MAX);
		*e = (struct tex_entry){ .key = img->key, .w = img->w, .h = img->h, .tex = tex };
	}
	e->used = ++u->tick;
	SDL_RenderCopy(u->ren, e->tex, NULL, &dst);
	return KERR_OK;
}

enum kerr render_frame(struct ui_sdl *u, const struct ui_frame *f)
{
	enum kerr first = KERR_OK;

	SDL_SetRenderDrawBlendMode(u->ren, SDL_BLENDMODE_NONE);
	SDL_SetRenderDrawColor(u->ren, 255, 255, 255, 255);
	SDL_RenderClear(u->ren);
	for (size_t i = 0; i < f->n_cmds; i++) {
		const struct ui_cmd *c = &f->cmds[i];
		enum kerr e = KERR_OK;

		switch (c->type) {
		case UI_CMD_RECT:
			e = draw_rect(u, c);
			break;
		case UI_CMD_TEXT:
			draw_text(u, c);
			break;
		case UI_CMD_IMAGE:
			e = draw_image(u, c);
			break;
		case UI_CMD__COUNT:
			break;
		}
		if (e && !first)
			first = e;
	}
	return first;
}
