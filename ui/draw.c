/* The display list: a per-frame bump arena, the commands a screen asks to draw and the hit targets
 * a touch is matched against. Pure data, no SDL. */
#include "ui/draw.h"

#include "common/log.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every block keeps the strictest alignment: any struct a screen puts in the arena is safe. */
#define ARENA_ALIGN ((size_t) _Alignof(max_align_t))
/* Capacity of a frame's first command and hit arrays; a typical screen fits, larger ones double. */
#define FRAME_FIRST_CAP 64

enum kerr ui_arena_init(struct ui_arena *a, size_t size)
{
	/* malloc(0) may return NULL, which would read as out of memory. */
	unsigned char *base = malloc(size ? size : 1);

	if (!base)
		return KERR_NOMEM;
	*a = (struct ui_arena){ .base = base, .size = size };
	return KERR_OK;
}

void ui_arena_finish(struct ui_arena *a)
{
	if (!a)
		return;
	free(a->base);
	*a = (struct ui_arena){ 0 };
}

void ui_arena_reset(struct ui_arena *a)
{
	a->used = 0;
	a->overflowed = false;
}

void *ui_arena_alloc(struct ui_arena *a, size_t n)
{
	size_t start = (a->used + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	void *p;

	if (start < a->used || start > a->size || n > a->size - start) {
		/* Once per frame: the kiosk reads the flag and logs with the screen's name. */
		if (!a->overflowed)
			log_debug("ui arena full: %zu of %zu bytes used, %zu more asked", a->used,
				  a->size, n);
		a->overflowed = true;
		return NULL;
	}
	p = a->base + start;
	a->used = start + n;
	memset(p, 0, n);
	return p;
}

const char *ui_arena_strdup(struct ui_arena *a, const char *s)
{
	size_t len;
	char *p;

	if (!s)
		return "";
	len = strlen(s);
	p = ui_arena_alloc(a, len + 1);
	if (!p)
		return "";
	memcpy(p, s, len + 1);
	return p;
}

const char *ui_arena_printf(struct ui_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	char *p;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = n < 0 ? NULL : ui_arena_alloc(a, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p ? p : "";
}

void ui_frame_begin(struct ui_frame *f, struct ui_arena *arena, const struct ui_text_metrics *m,
		    int w, int h)
{
	ui_arena_reset(arena);
	*f = (struct ui_frame){ .w = w, .h = h, .arena = arena, .metrics = m };
}

/* Doubles an array inside the arena. The old copy stays behind until the next reset: that wastes at
 * most as much as the final array and keeps the arena a plain bump allocator. NULL when the arena
 * is full. */
static void *grow(struct ui_arena *a, const void *old, size_t n, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : FRAME_FIRST_CAP;
	void *p;

	if (ncap > SIZE_MAX / elem) {
		a->overflowed = true;
		return NULL;
	}
	p = ui_arena_alloc(a, ncap * elem);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, old, n * elem);
	*cap = ncap;
	return p;
}

/* A zeroed command at the end of the list, or NULL when the arena is full (the frame is then
 * incomplete). */
static struct ui_cmd *push_cmd(struct ui_frame *f, enum ui_cmd_type type)
{
	struct ui_cmd *c;

	if (f->n_cmds == f->cap_cmds) {
		c = grow(f->arena, f->cmds, f->n_cmds, &f->cap_cmds, sizeof(*c));
		if (!c)
			return NULL;
		f->cmds = c;
	}
	c = &f->cmds[f->n_cmds++];
	*c = (struct ui_cmd){ .type = type };
	return c;
}

void ui_draw_rect(struct ui_frame *f, struct ui_rect r, uint32_t color, int radius)
{
	ui_draw_box(f, r, color, 0, 0, radius);
}

void ui_draw_box(struct ui_frame *f, struct ui_rect r, uint32_t fill, uint32_t border_color,
		 int border, int radius)
{
	struct ui_cmd *c = push_cmd(f, UI_CMD_RECT);

	if (!c)
		return;
	c->r = r;
	c->color = fill;
	c->border_color = border_color;
	c->border = border;
	c->radius = radius;
}

void ui_draw_text_line(struct ui_frame *f, struct ui_rect clip, int x, int y, const char *text,
		       int px, bool bold, uint32_t color)
{
	struct ui_cmd *c;
	const char *copy;

	/* Nothing would show: an empty clip, or a pen origin already past the clip's right or
	 * bottom edge. */
	if (!text || !*text || clip.w <= 0 || clip.h <= 0 || x >= clip.x + clip.w ||
	    y >= clip.y + clip.h)
		return;
	/* The caller's string may live on its stack; the renderer reads it after this returns. */
	copy = ui_arena_strdup(f->arena, text);
	if (!*copy)
		return;
	c = push_cmd(f, UI_CMD_TEXT);
	if (!c)
		return;
	/* r runs from the pen to the clip box's far corner; clip keeps the whole box, so a line
	 * scrolled partly above or left of its list is still cut at the list's edge. */
	c->r = (struct ui_rect){ x, y, clip.x + clip.w - x, clip.y + clip.h - y };
	c->clip = clip;
	c->text = copy;
	c->px = px;
	c->bold = bold;
	c->color = color;
}

void ui_draw_image(struct ui_frame *f, struct ui_rect r, const struct ui_image *img)
{
	struct ui_image *copy;
	struct ui_cmd *c;

	if (!img)
		return;
	/* Screens often describe an image in a local variable; only the pixels are promised to
	 * outlive the call. */
	copy = ui_arena_alloc(f->arena, sizeof(*copy));
	if (!copy)
		return;
	*copy = *img;
	c = push_cmd(f, UI_CMD_IMAGE);
	if (!c)
		return;
	c->r = r;
	c->img = copy;
}

void ui_add_hit(struct ui_frame *f, struct ui_rect r, int action, int arg, bool enabled,
		const char *id)
{
	struct ui_hit *h;

	if (f->n_hits == f->cap_hits) {
		h = grow(f->arena, f->hits, f->n_hits, &f->cap_hits, sizeof(*h));
		if (!h)
			return;
		f->hits = h;
	}
	h = &f->hits[f->n_hits++];
	*h = (struct ui_hit){
		.r = r,
		.action = action,
		.arg = arg,
		.enabled = enabled,
		/* Ids are often built with snprintf into a local buffer; a test may look them up
		   much later. */
		.id = id ? ui_arena_strdup(f->arena, id) : NULL,
	};
}

static bool contains(struct ui_rect r, int x, int y)
{
	/* 64-bit sums: a rect near INT_MAX must not wrap round and catch touches far away. */
	return x >= r.x && y >= r.y && (long long)x < (long long)r.x + r.w &&
	       (long long)y < (long long)r.y + r.h;
}

const struct ui_hit *ui_frame_hit(const struct ui_frame *f, int x, int y)
{
	/* Later targets lie over earlier ones (a dialog over its screen): search from the end. */
	for (size_t i = f->n_hits; i-- > 0;)
		if (contains(f->hits[i].r, x, y))
			return &f->hits[i];
	return NULL;
}

const struct ui_hit *ui_frame_hit_by_id(const struct ui_frame *f, const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = f->n_hits; i-- > 0;)
		if (f->hits[i].id && strcmp(f->hits[i].id, id) == 0)
			return &f->hits[i];
	return NULL;
}
