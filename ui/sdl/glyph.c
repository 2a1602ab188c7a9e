/* The glyph cache: one SDL_ttf face per weight, and per (code point, size, weight) its advance, box
 * and a white texture made on first draw. Measuring and drawing share it, so layout in ui/ matches
 * what is shown. */
#include "ui/sdl/sdl_private.h"

#include "common/log.h"

#include <stdlib.h>
#include <string.h>

/* Size the faces are opened at; every other size is set on a cache miss. */
#define OPEN_PX 32
/* Faces looked at in a collection (.ttc) for the Simplified Chinese one; Noto CJK has 10. */
#define FACE_SCAN_MAX 32

int glyph_cache_clamp_px(int px)
{
	return px < GLYPH_PX_MIN ? GLYPH_PX_MIN : px > GLYPH_PX_MAX ? GLYPH_PX_MAX : px;
}

static bool is_simplified_chinese(TTF_Font *f)
{
	const char *fam = TTF_FontFaceFamilyName(f);
	size_t n = fam ? strlen(fam) : 0;

	return n >= 3 && strcmp(fam + n - 3, " SC") == 0;
}

/* A collection holds one face per region, and the first (Japanese in Noto CJK) draws some
 * characters in forms residents read as wrong (直, 骨, 户), so take the face whose family name ends
 * in " SC" when there is one. */
static TTF_Font *open_face(const char *path)
{
	TTF_Font *f = TTF_OpenFontIndex(path, OPEN_PX, 0);
	long n;

	if (!f || is_simplified_chinese(f))
		return f;
	n = TTF_FontFaces(f);
	for (long i = 1; i < n && i < FACE_SCAN_MAX; i++) {
		TTF_Font *g = TTF_OpenFontIndex(path, OPEN_PX, i);

		if (g && is_simplified_chinese(g)) {
			TTF_CloseFont(f);
			return g;
		}
		if (g)
			TTF_CloseFont(g);
	}
	return f;
}

enum kerr glyph_cache_init(struct glyph_cache *gc, SDL_Renderer *ren, const char *font_path,
			   const char *bold_path)
{
	*gc = (struct glyph_cache){ .ren = ren };
	if (!font_path) {
		SDL_SetError("no font configured");
		return KERR_NOT_FOUND;
	}
	gc->slots = calloc(GLYPH_SLOTS, sizeof(*gc->slots));
	if (!gc->slots)
		return KERR_NOMEM;
	gc->font[0] = open_face(font_path);
	if (!gc->font[0])
		return KERR_NOT_FOUND;
	gc->font[1] = open_face(bold_path ? bold_path : font_path);
	if (!gc->font[1])
		return KERR_NOT_FOUND;
	if (!bold_path)
		TTF_SetFontStyle(gc->font[1], TTF_STYLE_BOLD);
	gc->font_px[0] = OPEN_PX;
	gc->font_px[1] = OPEN_PX;
	return KERR_OK;
}

static void flush(struct glyph_cache *gc)
{
	for (unsigned i = 0; i < GLYPH_SLOTS; i++)
		if (gc->slots[i].tex)
			SDL_DestroyTexture(gc->slots[i].tex);
	memset(gc->slots, 0, GLYPH_SLOTS * sizeof(*gc->slots));
	gc->count = 0;
}

void glyph_cache_finish(struct glyph_cache *gc)
{
	if (!gc)
		return;
	if (gc->slots)
		flush(gc);
	free(gc->slots);
	for (int i = 0; i < 2; i++)
		if (gc->font[i])
			TTF_CloseFont(gc->font[i]);
	*gc = (struct glyph_cache){ 0 };
}

/* The face of that weight set to px. Resizing empties SDL_ttf's own cache, so it happens only on
 * our misses. */
static TTF_Font *face(struct glyph_cache *gc, int px, bool bold)
{
	int w = bold ? 1 : 0;

	if (gc->font_px[w] != px) {
		if (TTF_SetFontSize(gc->font[w], px) < 0)
			return NULL;
		gc->font_px[w] = px;
	}
	return gc->font[w];
}

static uint32_t hash(uint32_t cp, int px, bool bold)
{
	uint32_t h = cp * 0x9e3779b1u ^ ((uint32_t)px << 1 | (bold ? 1u : 0u)) * 0x85ebca77u;

	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 13;
	return h;
}

/* The slot holding the key, or the free slot where it belongs. The table is never more than half
 * full, so a free slot always ends the probe. */
static struct glyph *find_slot(struct glyph_cache *gc, uint32_t cp, int px, bool bold)
{
	uint32_t i = hash(cp, px, bold) & (GLYPH_SLOTS - 1);

	for (;;) {
		struct glyph *g = &gc->slots[i];

		if (g->state == GLYPH_FREE || (g->cp == cp && g->px == px && g->bold == bold))
			return g;
		i = (i + 1) & (GLYPH_SLOTS - 1);
	}
}

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/* Fills g's metrics from the face without rasterizing anything. */
static bool measure(struct glyph_cache *gc, struct glyph *g)
{
	TTF_Font *font = face(gc, g->px, g->bold);
	int minx, maxx, miny, maxy, adv;

	if (!font)
		return false;
	if (g->cp == GLYPH_LINE_CP) {
		g->ascent = (int16_t)TTF_FontAscent(font);
		g->advance = (int16_t)TTF_FontLineSkip(font);
		g->state = GLYPH_BLANK;
		return true;
	}
	/* Controls take no room: a stray newline or tab must not leave a box or a gap. */
	if (is_control(g->cp)) {
		g->state = GLYPH_BLANK;
		return true;
	}
	/* A character the font lacks is left out rather than drawn as a box, but keeps a space's
	 * width so the words around it do not run together. */
	if (!TTF_GlyphIsProvided32(font, g->cp)) {
		if (TTF_GlyphMetrics32(font, ' ', NULL, NULL, NULL, NULL, &adv) < 0)
			return false;
		g->advance = (int16_t)adv;
		g->state = GLYPH_BLANK;
		return true;
	}
	if (TTF_GlyphMetrics32(font, g->cp, &minx, &maxx, &miny, &maxy, &adv) < 0)
		return false;
	g->advance = (int16_t)adv;
	g->minx = (int16_t)minx;
	g->maxx = (int16_t)maxx;
	g->miny = (int16_t)miny;
	g->maxy = (int16_t)maxy;
	g->state = maxx > minx && maxy > miny ? GLYPH_MEASURED : GLYPH_BLANK;
	return true;
}

struct glyph *glyph_cache_get(struct glyph_cache *gc, uint32_t cp, int px, bool bold)
{
	struct glyph *g, tmp;

	px = glyph_cache_clamp_px(px);
	g = find_slot(gc, cp, px, bold);
	if (g->state != GLYPH_FREE)
		return g;
	/* Measured into a copy first, so a failure leaves no half-filled slot behind. */
	tmp = (struct glyph){ .cp = cp, .px = (uint16_t)px, .bold = bold };
	if (!measure(gc, &tmp)) {
		log_debug("glyph U+%04X at %d px: %s", (unsigned)cp, px, TTF_GetError());
		return NULL;
	}
	/* Rebuilding from empty is simpler than eviction and rare: a kiosk shows a few hundred
	 * characters at a few sizes, so a full cache means a screen went through an unusual amount
	 * of text. */
	if (gc->count >= GLYPH_MAX) {
		log_debug("glyph cache full at %u entries: flushed", gc->count);
		flush(gc);
		g = find_slot(gc, cp, px, bold);
	}
	*g = tmp;
	gc->count++;
	return g;
}

bool glyph_cache_line(struct glyph_cache *gc, int px, bool bold, int *ret_ascent, int *ret_skip)
{
	struct glyph *g = glyph_cache_get(gc, GLYPH_LINE_CP, px, bold);

	if (!g)
		return false;
	*ret_ascent = g->ascent;
	*ret_skip = g->advance;
	return true;
}

/* The box of pixels with any coverage; false when there are none. */
static bool ink_box(const SDL_Surface *s, SDL_Rect *ret)
{
	int x0 = s->w, y0 = s->h, x1 = -1, y1 = -1;

	for (int y = 0; y < s->h; y++) {
		const uint32_t *row =
			(const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * s->pitch);

		for (int x = 0; x < s->w; x++) {
			if (!(row[x] >> 24))
				continue;
			x0 = x < x0 ? x : x0;
			x1 = x > x1 ? x : x1;
			y0 = y < y0 ? y : y0;
			y1 = y;
		}
	}
	if (x1 < 0)
		return false;
	*ret = (SDL_Rect){ x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
	return true;
}

bool glyph_cache_raster(struct glyph_cache *gc, struct glyph *g)
{
	static const SDL_Color white = { 255, 255, 255, 255 };
	SDL_Surface *s = NULL, *conv;
	TTF_Font *font;
	SDL_Texture *tex;
	SDL_Rect ink;
	int xstart, ystart, ascent;

	if (g->state == GLYPH_READY)
		return true;
	if (g->state != GLYPH_MEASURED)
		return false;
	/* Blank until it succeeds, so a failing glyph is not retried every frame. */
	g->state = GLYPH_BLANK;
	font = face(gc, g->px, g->bold);
	if (!font)
		goto out;
	ascent = TTF_FontAscent(font);
	s = TTF_RenderGlyph32_Blended(font, g->cp, white);
	if (!s)
		goto out;
	if (s->format->format != SDL_PIXELFORMAT_ARGB8888) {
		conv = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0);
		SDL_FreeSurface(s);
		s = conv;
		if (!s)
			goto out;
	}
	/* SDL_ttf lays the glyph out as a one-character line: the pen starts xstart px right of the
	 * surface's left edge and the line's top is ystart px below its top edge; both are non-zero
	 * only when the glyph reaches left of the pen or above the ascent. Cropping to the ink
	 * keeps textures, and so blending, small. */
	xstart = g->minx < 0 ? -g->minx : 0;
	ystart = g->maxy > ascent ? g->maxy - ascent : 0;
	if (!ink_box(s, &ink))
		goto out;
	tex = SDL_CreateTexture(gc->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STATIC, ink.w,
				ink.h);
	if (!tex)
		goto out;
	if (SDL_UpdateTexture(tex, NULL,
			      (const uint8_t *)s->pixels + (size_t)ink.y * s->pitch +
				      (size_t)ink.x * 4,
			      s->pitch) < 0) {
		SDL_DestroyTexture(tex);
		goto out;
	}
	SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
	g->tex = tex;
	g->ox = (int16_t)(ink.x - xstart);
	g->oy = (int16_t)(ink.y - ystart);
	g->tw = (int16_t)ink.w;
	g->th = (int16_t)ink.h;
	g->state = GLYPH_READY;
out:
	if (g->state != GLYPH_READY)
		log_debug("glyph U+%04X at %d px not drawn: %s", (unsigned)g->cp, g->px,
			  SDL_GetError());
	SDL_FreeSurface(s);
	return g->state == GLYPH_READY;
}
