/* Text layout over the renderer's metrics: wrapping, one-line fitting and ellipsis. */
#include "ui/widgets.h"

#include "common/utf8.h"

#include <string.h>

static bool is_cjk(uint32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
	       (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* Characters that must not begin a line (行首禁则). */
static bool no_line_start(uint32_t cp)
{
	static const uint32_t set[] = { 0x3001, 0x3002, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0xFF09, 0x300B,
					0x300D, 0x300F, 0x3011, 0x201D, 0x2019, ',', '.', ':', ';', '!', '?', ')' };

	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (set[i] == cp)
			return true;
	return false;
}

static int advance(struct ui_frame *f, uint32_t cp, int px, bool bold)
{
	return f->metrics->advance(f->metrics->ctx, cp, px, bold);
}

int ui_text_width(struct ui_frame *f, const char *text, int px, bool bold)
{
	int w = 0;
	uint32_t cp;

	while ((cp = utf8_next(&text)))
		w += advance(f, cp, px, bold);
	return w;
}

/* Length in bytes of the longest prefix of s (up to a newline) that fits width, honouring break rules. */
static size_t fit_line(struct ui_frame *f, const char *s, int width, int px, bool bold, size_t *ret_skip)
{
	const char *p = s, *last_break = NULL;
	int w = 0;

	*ret_skip = 0;
	for (;;) {
		const char *start = p;
		uint32_t cp = utf8_next(&p);

		if (cp == 0)
			return (size_t)(start - s);
		if (cp == '\n') {
			*ret_skip = 1;
			return (size_t)(start - s);
		}
		w += advance(f, cp, px, bold);
		if (w > width && start != s) {
			if (no_line_start(cp) && last_break != start)
				continue; /* hang the punctuation rather than start a line with it */
			if (!is_cjk(cp) && cp != ' ' && last_break && last_break > s)
				return (size_t)(last_break - s);
			if (cp == ' ')
				*ret_skip = 1;
			return (size_t)(start - s);
		}
		if (cp == ' ' || is_cjk(cp))
			last_break = cp == ' ' ? start : p;
	}
}

int ui_text_block(struct ui_frame *f, const struct ui_theme *t, struct ui_rect clip, int x, int y, int width,
		  const char *text, int px, bool bold, uint32_t color, bool draw)
{
	int lh = f->metrics->line_height(f->metrics->ctx, px) * t->line_pct / 100;
	const char *s = text ? text : "";
	int h = 0;
	char line[1024];

	if (lh <= 0)
		lh = px;
	while (*s) {
		size_t skip, n = fit_line(f, s, width, px, bold, &skip);

		if (draw && y + h + lh > clip.y && y + h < clip.y + clip.h) {
			size_t m = n < sizeof(line) - 1 ? n : sizeof(line) - 1;

			memcpy(line, s, m);
			line[m] = 0;
			ui_draw_text_line(f, clip, x, y + h + (lh - px * 125 / 100) / 2, line, px, bold, color);
		}
		h += lh;
		s += n + skip;
	}
	return h;
}

/* text itself when it fits width, else a copy in the arena cut with an ellipsis. */
static const char *fit_one_line(struct ui_frame *f, const char *text, int width, int px, bool bold)
{
	const char *p = text, *cut = text;
	int w = 0, ell = advance(f, 0x2026, px, bold);
	uint32_t cp;

	if (ui_text_width(f, text, px, bold) <= width)
		return text;
	while ((cp = utf8_next(&p))) {
		int a = advance(f, cp, px, bold);

		if (w + a + ell > width)
			break;
		w += a;
		cut = p;
	}
	return ui_arena_printf(f->arena, "%.*s…", (int)(cut - text), text);
}

void ui_text_center(struct ui_frame *f, struct ui_rect r, const char *text, int px, bool bold, uint32_t color)
{
	const char *s = fit_one_line(f, text, r.w, px, bold);
	int w = ui_text_width(f, s, px, bold);
	int lh = f->metrics->line_height(f->metrics->ctx, px);

	ui_draw_text_line(f, r, r.x + (r.w - w) / 2, r.y + (r.h - lh) / 2, s, px, bold, color);
}

void ui_text_left(struct ui_frame *f, struct ui_rect r, const char *text, int px, bool bold, uint32_t color)
{
	const char *s = fit_one_line(f, text, r.w, px, bold);
	int lh = f->metrics->line_height(f->metrics->ctx, px);

	ui_draw_text_line(f, r, r.x, r.y + (r.h - lh) / 2, s, px, bold, color);
}
