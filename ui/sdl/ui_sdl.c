/* The SDL backend's lifecycle: SDL and SDL_ttf start-up, a window or an offscreen surface with its
 * renderer, drawing a frame, and keeping its pixels for screenshots. */
#include "ui/sdl/sdl_private.h"

#include "common/log.h"

#include <stdlib.h>
#include <string.h>

/* The headless frame buffer is in the software renderer's fastest format: its blitters and blending
 * fills are tuned for ARGB and fall back to slow generic code for RGBA. Pixels are converted only
 * when asked for. */
#define HEADLESS_FORMAT SDL_PIXELFORMAT_ARGB8888

static int metric_advance(void *ctx, uint32_t cp, int px, bool bold)
{
	struct ui_sdl *u = ctx;
	const struct glyph *g = glyph_cache_get(&u->glyphs, cp, px, bold);

	return g ? g->advance : 0;
}

static int metric_line_height(void *ctx, int px)
{
	struct ui_sdl *u = ctx;
	int ascent, skip;

	/* SDL_ttf failing is not worth failing a layout for: a line of px keeps text from
	 * overlapping much. */
	if (!glyph_cache_line(&u->glyphs, px, false, &ascent, &skip))
		return glyph_cache_clamp_px(px);
	return skip;
}

static enum kerr open_sdl(struct ui_sdl *u)
{
	const uint32_t want = SDL_INIT_VIDEO | SDL_INIT_EVENTS;

	if (SDL_InitSubSystem(want) == 0) {
		u->sdl_flags = want;
		return KERR_OK;
	}
	if (!u->headless)
		return KERR_NO_DEVICE;
	/* No video driver at all (a CI box without the offscreen driver): the software renderer
	 * draws into a surface without one, and wake-ups need only the event queue. */
	log_debug("SDL video: %s; events only", SDL_GetError());
	if (SDL_InitSubSystem(SDL_INIT_EVENTS) < 0)
		return KERR_NO_DEVICE;
	u->sdl_flags = SDL_INIT_EVENTS;
	return KERR_OK;
}

static enum kerr open_headless(struct ui_sdl *u)
{
	u->surface = SDL_CreateRGBSurfaceWithFormat(0, u->w, u->h, 32, HEADLESS_FORMAT);
	if (!u->surface)
		return KERR_NOMEM;
	u->ren = SDL_CreateSoftwareRenderer(u->surface);
	if (!u->ren)
		return KERR_NOMEM;
	return KERR_OK;
}

static enum kerr open_window(struct ui_sdl *u, const struct ui_sdl_config *cfg)
{
	uint32_t flags = SDL_WINDOW_SHOWN | (cfg->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
	SDL_RendererInfo info;

	/* Minimised when a system dialog takes focus, the kiosk would show residents nothing. */
	SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
	/* On a terminal, system key combinations (Alt+Tab, the Windows key) stay with the kiosk. On the console
	 * SDL's evdev keyboard already keeps keys from the kernel's VT switching; the package leaves no login on
	 * any other console either. */
	if (cfg->fullscreen)
		SDL_SetHint(SDL_HINT_GRAB_KEYBOARD, "1");
	u->win = SDL_CreateWindow(cfg->title ? cfg->title : "kiosk", SDL_WINDOWPOS_CENTERED,
				  SDL_WINDOWPOS_CENTERED, u->w, u->h, flags);
	if (!u->win)
		return KERR_NO_DEVICE;
	u->ren = SDL_CreateRenderer(u->win, -1,
				    SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
	if (!u->ren) {
		log_debug("accelerated renderer: %s; using software", SDL_GetError());
		u->ren = SDL_CreateRenderer(u->win, -1, SDL_RENDERER_SOFTWARE);
	}
	if (!u->ren)
		return KERR_NO_DEVICE;
	/* Screens are laid out for the panel; SDL scales them into whatever the window or display
	 * really is, and maps mouse and finger positions back to panel coordinates. */
	if (SDL_RenderSetLogicalSize(u->ren, u->w, u->h) < 0)
		return KERR_NO_DEVICE;
	if (SDL_GetRendererInfo(u->ren, &info) == 0)
		log_debug("SDL renderer %s", info.name);
	SDL_DisableScreenSaver();
	/* A windowed kiosk is a developer's: only the fullscreen one hides the pointer. */
	if (cfg->fullscreen)
		SDL_ShowCursor(SDL_DISABLE);
	return KERR_OK;
}

enum kerr ui_sdl_create(const struct ui_sdl_config *cfg, struct ui_sdl **ret)
{
	char why[256];
	struct ui_sdl *u;
	enum kerr e;

	if (!cfg || !ret || cfg->width <= 0 || cfg->height <= 0) {
		SDL_SetError("invalid display configuration");
		return KERR_INVAL;
	}
	u = calloc(1, sizeof(*u));
	if (!u) {
		SDL_OutOfMemory();
		return KERR_NOMEM;
	}
	u->w = cfg->width;
	u->h = cfg->height;
	u->headless = cfg->headless;
	e = open_sdl(u);
	if (e)
		goto fail;
	/* Images are scaled into their boxes; nearest-neighbour would make photos blocky. */
	SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
	e = u->headless ? open_headless(u) : open_window(u, cfg);
	if (e)
		goto fail;
	if (TTF_Init() < 0) {
		e = KERR_NOMEM;
		goto fail;
	}
	u->ttf = true;
	e = glyph_cache_init(&u->glyphs, u->ren, cfg->font_path, cfg->bold_path);
	if (e)
		goto fail;
	u->wake_type = SDL_RegisterEvents(1);
	if (u->wake_type == (uint32_t)-1) {
		SDL_SetError("no SDL user event left for wake-ups");
		e = KERR_FULL;
		goto fail;
	}
	if (cfg->headless) {
		u->wake_sem = SDL_CreateSemaphore(0);
		if (!u->wake_sem) {
			e = KERR_NOMEM;
			goto fail;
		}
	}
	u->metrics = (struct ui_text_metrics){ .advance = metric_advance,
					       .line_height = metric_line_height,
					       .ctx = u };
	*ret = u;
	return KERR_OK;
fail:
	/* Shutting SDL down clears its message; keep it for ui_sdl_last_error(). */
	SDL_strlcpy(why, SDL_GetError(), sizeof(why));
	ui_sdl_destroy(u);
	SDL_SetError("%s", why);
	return e;
}

void ui_sdl_destroy(struct ui_sdl *u)
{
	if (!u)
		return;
	/* Textures belong to the renderer, so they go before it. */
	render_finish(u);
	glyph_cache_finish(&u->glyphs);
	if (u->ren)
		SDL_DestroyRenderer(u->ren);
	if (u->surface)
		SDL_FreeSurface(u->surface);
	if (u->win)
		SDL_DestroyWindow(u->win);
	if (u->ttf)
		TTF_Quit();
	if (u->sdl_flags) {
		SDL_QuitSubSystem(u->sdl_flags);
		/* The last user gone, SDL_Quit also frees what the subsystems leave behind (hints,
		 * the event queue). */
		if (SDL_WasInit(SDL_INIT_EVERYTHING) == 0)
			SDL_Quit();
	}
	if (u->wake_sem)
		SDL_DestroySemaphore(u->wake_sem);
	free(u->shot);
	free(u);
}

const char *ui_sdl_last_error(void)
{
	return SDL_GetError();
}

const struct ui_text_metrics *ui_sdl_metrics(struct ui_sdl *u)
{
	return &u->metrics;
}

void ui_sdl_keep_pixels(struct ui_sdl *u, bool on)
{
	u->keep_pixels = on;
	if (!on) {
		free(u->shot);
		u->shot = NULL;
		u->shot_valid = false;
		u->shot_w = u->shot_h = 0;
	}
}

static enum kerr shot_size(struct ui_sdl *u, int w, int h)
{
	unsigned char *p;

	if (u->shot && w == u->shot_w && h == u->shot_h)
		return KERR_OK;
	p = realloc(u->shot, (size_t)w * h * 4);
	if (!p)
		return KERR_NOMEM;
	u->shot = p;
	u->shot_w = w;
	u->shot_h = h;
	return KERR_OK;
}

/* Copies what the renderer just drew, before the present makes the back buffer undefined. The copy
 * has the renderer's output size (the window's pixels, with any letterbox bars), which is the
 * panel's in a kiosk. */
static enum kerr read_back(struct ui_sdl *u)
{
	int ow, oh;
	SDL_Rect all;
	enum kerr e;

	if (SDL_GetRendererOutputSize(u->ren, &ow, &oh) < 0 || ow <= 0 || oh <= 0)
		return KERR_IO;
	e = shot_size(u, ow, oh);
	if (e)
		return e;
	/* Letterbox bars lie outside the viewport and are not read: black, not stale. */
	if (ow != u->w || oh != u->h)
		memset(u->shot, 0, (size_t)ow * oh * 4);
	all = (SDL_Rect){ 0, 0, ow, oh };
	if (SDL_RenderReadPixels(u->ren, &all, SDL_PIXELFORMAT_RGBA32, u->shot, ow * 4) < 0)
		return KERR_IO;
	u->shot_valid = true;
	return KERR_OK;
}

enum kerr ui_sdl_draw(struct ui_sdl *u, const struct ui_frame *f)
{
	enum kerr e, e2 = KERR_OK;

	u->shot_valid = false;
	e = render_frame(u, f);
	if (!u->headless && u->keep_pixels)
		e2 = read_back(u);
	/* Headless, this only runs the batched drawing: the surface then holds the frame. */
	SDL_RenderPresent(u->ren);
	u->drawn = true;
	return e ? e : e2;
}

const unsigned char *ui_sdl_pixels(struct ui_sdl *u, int *w, int *h)
{
	if (!u->drawn)
		return NULL;
	/* Headless, the surface holds the frame: convert it on the first request after a draw. */
	if (u->headless && !u->shot_valid) {
		if (shot_size(u, u->w, u->h))
			return NULL;
		if (SDL_ConvertPixels(u->w, u->h, u->surface->format->format, u->surface->pixels,
				      u->surface->pitch, SDL_PIXELFORMAT_RGBA32, u->shot,
				      u->w * 4) < 0)
			return NULL;
		u->shot_valid = true;
	}
	if (!u->shot_valid)
		return NULL;
	*w = u->shot_w;
	*h = u->shot_h;
	return u->shot;
}

enum kerr ui_sdl_save_png(struct ui_sdl *u, const char *path)
{
	const unsigned char *px;
	int w, h;

	px = ui_sdl_pixels(u, &w, &h);
	if (!px) {
		SDL_SetError("no frame kept to save (ui_sdl_keep_pixels is off)");
		return KERR_INVAL;
	}
	return ui_png_write(path, px, w, h);
}
