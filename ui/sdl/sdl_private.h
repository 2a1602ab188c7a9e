/* Private to ui/sdl/: the backend's state shared by its files (lifecycle, glyph cache, renderer,
 * input). Nothing outside ui/sdl/ includes this. */
#ifndef UI_SDL_SDL_PRIVATE_H
#define UI_SDL_SDL_PRIVATE_H

#include "ui/sdl/ui_sdl.h"

#include <SDL.h>
#include <SDL_ttf.h>

#include <stdbool.h>
#include <stdint.h>

/* Glyph cache bounds: entries before the whole cache is flushed, and table slots (twice the entries
 * keeps linear probes short). Slots must be a power of two. */
#define GLYPH_MAX 4096
#define GLYPH_SLOTS 8192
/* Font sizes the cache accepts; others are clamped (a size of 0 or 100000 is a screen's bug). */
#define GLYPH_PX_MIN 4
#define GLYPH_PX_MAX 512

enum glyph_state {
	GLYPH_FREE,	/* an empty slot */
	GLYPH_MEASURED, /* advance known, not rasterized yet */
	GLYPH_READY,	/* tex holds the glyph */
	GLYPH_BLANK,	/* nothing to draw: a space, a control or a code point the font lacks */
};

/* One cache entry: a code point at a size and weight, or (cp == GLYPH_LINE_CP) a size's line
 * metrics. */
struct glyph {
	uint32_t cp;
	uint16_t px;
	uint8_t bold;
	uint8_t state;	 /* enum glyph_state */
	int16_t advance; /* for GLYPH_LINE_CP: the line skip */
	int16_t ascent;	 /* GLYPH_LINE_CP only */
	/* The glyph's box from TTF_GlyphMetrics32, y up from the baseline. */
	int16_t minx, maxx, miny, maxy;
	/* READY: where the texture goes from the pen at the line's top, and its size. */
	int16_t ox, oy, tw, th;
	/* White with alpha, coloured at draw time by colour and alpha mod. */
	SDL_Texture *tex;
};

/* Code point of the per-size line metrics entry, beyond Unicode so it never meets a real one. */
#define GLYPH_LINE_CP 0x110000u

struct glyph_cache {
	SDL_Renderer *ren; /* borrowed */
	TTF_Font *font[2]; /* regular and bold: one face per weight, resized only on a cache miss */
	int font_px[2];	   /* the size each face is set to now */
	struct glyph *slots; /* GLYPH_SLOTS entries, open addressing with linear probing */
	unsigned count;
};

/* Opens the faces (bold_path NULL: the regular face emboldened by SDL_ttf). Errors: KERR_NOT_FOUND
 * (a font file missing or unreadable), KERR_NOMEM. On error gc is left safe for
 * glyph_cache_finish(). */
enum kerr glyph_cache_init(struct glyph_cache *gc, SDL_Renderer *ren, const char *font_path,
			   const char *bold_path);
/* Frees every texture and closes the faces. Accepts a zeroed or half-built cache. */
void glyph_cache_finish(struct glyph_cache *gc);
/* The entry for cp at px (measured, perhaps not rasterized); NULL only when SDL_ttf fails. Valid
 * until the next call into the cache, which may flush it. */
struct glyph *glyph_cache_get(struct glyph_cache *gc, uint32_t cp, int px, bool bold);
/* Rasterizes g if needed; false when it has nothing to draw. KERR-free by design: a glyph that
 * cannot be drawn only leaves a gap. */
bool glyph_cache_raster(struct glyph_cache *gc, struct glyph *g);
/* Ascent and line skip of the face at px, from the cache. False when SDL_ttf fails. */
bool glyph_cache_line(struct glyph_cache *gc, int px, bool bold, int *ret_ascent, int *ret_skip);
/* Clamps a requested size to what the cache accepts. */
int glyph_cache_clamp_px(int px);

/* A texture kept between frames: a decoded image (by its key) or a corner shape (by radius and
 * thickness). */
struct tex_entry {
	uint64_t key;
	int w, h;
	SDL_Texture *tex;
	uint64_t used; /* the renderer's tick when last drawn: the least recently used goes first */
};

/* Images and corner shapes kept as textures; bounded, least recently used evicted. */
#define IMAGE_MAX 64
#define SHAPE_MAX 32

struct ui_sdl {
	int w, h; /* the panel, in logical px */
	bool headless;
	uint32_t sdl_flags; /* subsystems this object initialised, to quit exactly those */
	bool ttf;	    /* TTF_Init succeeded */
	SDL_Window *win;
	SDL_Surface *surface; /* headless: the frame buffer */
	SDL_Renderer *ren;
	uint32_t wake_type; /* our registered user event */
	SDL_sem *wake_sem;  /* headless: posted with every wake-up, so the wait can block (see input.c) */

	struct glyph_cache glyphs;
	struct ui_text_metrics metrics;

	struct tex_entry images[IMAGE_MAX];
	struct tex_entry shapes[SHAPE_MAX];
	uint64_t tick;

	/* An RGBA copy of the last frame: in a window read back before the present, only while
	 * keep_pixels is on (it costs a copy per frame); headless converted from the surface on the
	 * first request after a draw. */
	bool keep_pixels;
	bool drawn;	 /* a frame has been drawn since create */
	bool shot_valid; /* shot holds the last frame */
	unsigned char *shot;
	int shot_w, shot_h;

	/* The finger being followed: one touch at a time, as the screens expect single taps. */
	bool finger_down;
	int64_t finger_id;
};

/* Draws every command of f in order onto the cleared target (no present). Returns KERR_OK, or
 * KERR_NOMEM when a texture could not be made: that element is missing and the rest is drawn. */
enum kerr render_frame(struct ui_sdl *u, const struct ui_frame *f);
/* Frees the image and shape textures. */
void render_finish(struct ui_sdl *u);

#endif
