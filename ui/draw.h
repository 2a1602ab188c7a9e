/* The display list: what a screen wants drawn this frame, built in an arena and handed to a renderer. Pure data;
 * no SDL here (ui/sdl/ draws it). Also the hit targets a touch is matched against. */
#ifndef UI_DRAW_H
#define UI_DRAW_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ui_rect {
	int x, y, w, h;
};

/* A bump allocator reset every frame: screen code never frees (Clay, microui). */
struct ui_arena {
	unsigned char *base;
	size_t size, used;
	bool overflowed; /* an allocation failed this frame: the frame is incomplete, the log says so */
};

/* Creates an arena of size bytes; KERR_NOMEM. */
enum kerr ui_arena_init(struct ui_arena *a, size_t size);
void ui_arena_finish(struct ui_arena *a);
void ui_arena_reset(struct ui_arena *a);
/* Zeroed memory valid until the next reset, or NULL when the arena is full. */
void *ui_arena_alloc(struct ui_arena *a, size_t n);
/* A copy of s in the arena ("" when full). */
const char *ui_arena_strdup(struct ui_arena *a, const char *s);
/* printf into the arena ("" when full). */
const char *ui_arena_printf(struct ui_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An RGBA image (8 bits per channel, R first in memory). key identifies the pixels: the renderer keeps a
 * texture per key, so a new picture must get a new key. Pixels are borrowed and must stay valid while the frame
 * that names them is drawn. */
struct ui_image {
	int w, h;
	const unsigned char *rgba;
	uint64_t key;
};

enum ui_cmd_type { UI_CMD_RECT, UI_CMD_TEXT, UI_CMD_IMAGE, UI_CMD__COUNT };

struct ui_cmd {
	enum ui_cmd_type type;
	struct ui_rect r;       /* RECT: the box; TEXT: clip box, text drawn from its top-left; IMAGE: scaled into it */
	uint32_t color;         /* 0xRRGGBBAA: fill, or text colour */
	uint32_t border_color;  /* RECT: border colour when border > 0 */
	int border;             /* RECT: border width in px */
	int radius;             /* RECT: corner radius in px */
	const char *text;       /* TEXT: one line of UTF-8, in the arena */
	int px;                 /* TEXT: font size in px */
	bool bold;              /* TEXT */
	const struct ui_image *img; /* IMAGE: a copy in the arena; its pixels are borrowed */
	/* TEXT: when w and h > 0, the clip box instead of r (whose top-left stays the pen origin), so a
	 * line scrolled partly out of its box is still cut at the box. */
	struct ui_rect clip;
};

/* What a touch on a hit target means; the kiosk maps it to a journey event. */
struct ui_hit {
	struct ui_rect r;
	int action;     /* enum ui_action */
	int arg;        /* index of the tile, item, key ... */
	bool enabled;   /* a disabled target still catches the touch, so the screen can say why it is disabled */
	const char *id; /* a stable name ("footer.next", "tile.2") for scripts and tests */
};

/* Text measurement, supplied by the renderer so layout in ui/ matches what is drawn. */
struct ui_text_metrics {
	/* Horizontal advance of one code point at px. */
	int (*advance)(void *ctx, uint32_t cp, int px, bool bold);
	/* Distance between baselines of two lines at px (without extra spacing). */
	int (*line_height)(void *ctx, int px);
	void *ctx;
};

/* One frame being built. */
struct ui_frame {
	int w, h;
	struct ui_arena *arena;
	const struct ui_text_metrics *metrics;
	struct ui_cmd *cmds;
	size_t n_cmds, cap_cmds;
	struct ui_hit *hits;
	size_t n_hits, cap_hits;
};

/* Starts a frame of w x h px in arena (which is reset). */
void ui_frame_begin(struct ui_frame *f, struct ui_arena *arena, const struct ui_text_metrics *m, int w, int h);
void ui_draw_rect(struct ui_frame *f, struct ui_rect r, uint32_t color, int radius);
void ui_draw_box(struct ui_frame *f, struct ui_rect r, uint32_t fill, uint32_t border_color, int border,
		 int radius);
/* One line of text at (x, y) top-left, clipped to clip. text is copied into the arena; empty text,
 * or text that cannot show in clip, adds nothing. */
void ui_draw_text_line(struct ui_frame *f, struct ui_rect clip, int x, int y, const char *text, int px, bool bold,
		       uint32_t color);
/* img itself is copied into the arena (it may be a local); its pixels must outlive the frame's
 * drawing. */
void ui_draw_image(struct ui_frame *f, struct ui_rect r, const struct ui_image *img);
/* id is copied into the arena. When the arena is full the target is dropped and arena->overflowed
 * is set. */
void ui_add_hit(struct ui_frame *f, struct ui_rect r, int action, int arg, bool enabled, const char *id);
/* The topmost hit target containing (x, y), or NULL. */
const struct ui_hit *ui_frame_hit(const struct ui_frame *f, int x, int y);
/* The hit target named id, or NULL. */
const struct ui_hit *ui_frame_hit_by_id(const struct ui_frame *f, const char *id);

#endif
