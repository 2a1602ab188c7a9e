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

/* Opens the display. Errors: KERR_NO_DEVICE (no video driver), KERR_NOT_FOUND (font missing or
 * unreadable), KERR_NOMEM, KERR_INVAL (no config, or a size <= 0), KERR_FULL (SDL has no user event
 * type left for wake-ups). The message for the log is in ui_sdl_last_error() (SDL's own words). A
 * collection (.ttc) is searched for its Simplified Chinese face (family name ending in " SC"), else
 * its first face is used. The caller owns *ret. */
enum kerr ui_sdl_create(const struct ui_sdl_config *cfg, struct ui_sdl **ret);
/* Closes everything ui_sdl_create() opened; accepts NULL. Wakes still queued are dropped with their
 * data. */
void ui_sdl_destroy(struct ui_sdl *u);
/* SDL's message for the last failure on this thread (also set for PNG and configuration errors). */
const char *ui_sdl_last_error(void);

/* Text measurement that matches what ui_sdl_draw() renders. Valid while u lives. */
const struct ui_text_metrics *ui_sdl_metrics(struct ui_sdl *u);

/* Renders a frame on white and shows it. Returns KERR_OK, KERR_NOMEM when an image or corner
 * texture could not be made (that element is missing, the rest is shown), or KERR_IO when a
 * requested pixel copy failed. */
enum kerr ui_sdl_draw(struct ui_sdl *u, const struct ui_frame *f);
/* Destroys every cached image texture (photos and scans are personal data: a session's end wipes them from
 * video memory too). The next frame that names an image uploads it again. */
void ui_sdl_forget_images(struct ui_sdl *u);
/* Whether ui_sdl_draw() keeps a copy of each frame for ui_sdl_pixels() and ui_sdl_save_png(). A
 * window's frame is gone once shown, and reading it back costs a copy per frame, so it is off until
 * the kiosk wants shots. Headless, the frame stays in its surface and is always available. */
void ui_sdl_keep_pixels(struct ui_sdl *u, bool on);
/* Writes the frame last drawn as an RGBA PNG. Errors: KERR_IO, KERR_INVAL (no frame kept: nothing
 * drawn yet, or a window without ui_sdl_keep_pixels()). */
enum kerr ui_sdl_save_png(struct ui_sdl *u, const char *path);
/* The frame last drawn as tightly packed RGBA (w * h * 4 bytes), owned by u and valid until the
 * next draw or ui_sdl_keep_pixels(u, false). NULL when no frame is kept (see ui_sdl_keep_pixels) or
 * memory ran out. In a window scaled away from the panel size the copy has the window's size,
 * letterbox bars included. */
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

/* Waits up to timeout_ms (-1 forever, 0 poll) for the next input. The process sleeps in the wait,
 * so an idle kiosk uses no CPU; other SDL events are skipped without extending the wait. Positions
 * are panel coordinates. One finger is followed at a time, and the mouse clicks SDL makes from
 * touches are dropped. A printable key that also produces SDL text input comes only as UI_IN_TEXT;
 * non-printing keys and Ctrl or Alt chords come as UI_IN_KEY (letters lower case). */
void ui_sdl_wait(struct ui_sdl *u, int timeout_ms, struct ui_input *ret);
/* Wakes ui_sdl_wait() with UI_IN_WAKE carrying data. Safe from any thread (SDL_PushEvent). Returns KERR_FULL
 * when SDL's event queue is full; the caller keeps ownership of data then. */
enum kerr ui_sdl_wake(struct ui_sdl *u, void *data);

/* Writes RGBA pixels to a PNG file, and reads one back (the caller frees *ret_rgba). For goldens
 * and shots. Errors: KERR_IO (cannot write or read, not a PNG, or larger than 16384 px a side),
 * KERR_INVAL (bad arguments), KERR_NOMEM. */
enum kerr ui_png_write(const char *path, const unsigned char *rgba, int w, int h);
enum kerr ui_png_read(const char *path, unsigned char **ret_rgba, int *ret_w, int *ret_h);

#endif
