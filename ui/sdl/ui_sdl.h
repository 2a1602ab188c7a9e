/* The only door to SDL: a window (or an offscreen surface), the renderer of display lists with a glyph cache,
 * input, a thread-safe wake-up for device and worker events, and PNG screenshots. Nothing here includes SDL in
 * its interface, so kiosk/ stays free of it. */
#ifndef UI_SDL_UI_SDL_H
#define UI_SDL_UI_SDL_H

#include "common/kerr.h"
#include "ui/draw.h"

#include <stdbool.h>
#include <stdint.h>

struct ui_sdl;

struct ui_sdl_config {
	int width, height;      /* panel size in px */
	bool fullscreen;
	bool headless;          /* no window: draw into a software surface (tests, benchmarks, CI) */
	const char *font_path;  /* regular weight, e.g. NotoSansCJK-Regular.ttc */
	const char *bold_path;  /* bold weight; NULL: synthetic bold from the regular font */
	const char *title;
};

/* Opens the display. Errors: KERR_NO_DEVICE (no video driver), KERR_NOT_FOUND (font missing), KERR_NOMEM.
 * The message for the log is in ui_sdl_last_error() (SDL's own words). */
enum kerr ui_sdl_create(const struct ui_sdl_config *cfg, struct ui_sdl **ret);
void ui_sdl_destroy(struct ui_sdl *u);
const char *ui_sdl_last_error(void);

/* Text measurement that matches what ui_sdl_draw() renders. Valid while u lives. */
const struct ui_text_metrics *ui_sdl_metrics(struct ui_sdl *u);

/* Renders a frame and shows it. */
enum kerr ui_sdl_draw(struct ui_sdl *u, const struct ui_frame *f);
/* Writes the frame last drawn as an RGBA PNG. Errors: KERR_IO. */
enum kerr ui_sdl_save_png(struct ui_sdl *u, const char *path);
/* The frame last drawn as tightly packed RGBA (w * h * 4 bytes), valid until the next draw. */
const unsigned char *ui_sdl_pixels(struct ui_sdl *u, int *w, int *h);

enum ui_input_type {
	UI_IN_NONE,    /* the wait timed out */
	UI_IN_TAP,     /* finger or mouse released: x, y */
	UI_IN_PRESS,   /* finger or mouse pressed: x, y (for the pressed look) */
	UI_IN_KEY,     /* a key: key is an enum ui_key or an ASCII letter/digit */
	UI_IN_TEXT,    /* text from a hardware keyboard or IME: text (UTF-8) */
	UI_IN_WAKE,    /* ui_sdl_wake() was called: data is what was passed */
	UI_IN_EXPOSE,  /* the window needs redrawing */
	UI_IN_QUIT,
	UI_IN__COUNT
};

enum ui_key {
	UI_KEY_ESCAPE = 0x1b,
	UI_KEY_BACKSPACE = 0x08,
	UI_KEY_RETURN = 0x0d,
	UI_KEY_F1 = 0x101, /* F1..F12 are UI_KEY_F1 + n - 1 */
	UI_KEY_UP = 0x120,
	UI_KEY_DOWN,
	UI_KEY_LEFT,
	UI_KEY_RIGHT,
};

struct ui_input {
	enum ui_input_type type;
	int x, y;
	int key;
	char text[32];
	void *data;
};

/* Waits up to timeout_ms (-1 forever, 0 poll) for the next input. The process sleeps in the wait, so an idle
 * kiosk uses no CPU. */
void ui_sdl_wait(struct ui_sdl *u, int timeout_ms, struct ui_input *ret);
/* Wakes ui_sdl_wait() with UI_IN_WAKE carrying data. Safe from any thread (SDL_PushEvent). Returns KERR_FULL
 * when SDL's event queue is full; the caller keeps ownership of data then. */
enum kerr ui_sdl_wake(struct ui_sdl *u, void *data);

/* Writes RGBA pixels to a PNG file, and reads one back (the caller frees *ret_rgba). For goldens and shots. */
enum kerr ui_png_write(const char *path, const unsigned char *rgba, int w, int h);
enum kerr ui_png_read(const char *path, unsigned char **ret_rgba, int *ret_w, int *ret_h);

#endif
