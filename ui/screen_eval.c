/* 好差评: the five levels, and the reasons a bad rating asks for. */
#include "ui/screens.h"

void ui_screen_eval(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		    const char *const levels[5], int chosen, const char *subject, const char *hint)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	int y = r.y, bw, bh;

	if (subject)
		y += ui_text_block(f, t, r, r.x, y, r.w, subject, t->body_px, false, t->muted, true) + t->gap;
	bw = (r.w - 4 * t->gap) / 5;
	bh = r.h - (y - r.y) - t->gap * 2 - t->body_px * 3;
	if (bh > bw)
		bh = bw;
	if (bh < t->target)
		bh = t->target;
	for (int i = 0; i < 5; i++) {
		struct ui_rect b = { r.x + i * (bw + t->gap), y, bw, bh };
		/* A number and words on every level, so colour is never the only cue. */
		uint32_t border = i >= 3 ? t->error : t->accent;
		struct ui_rect in = ui_rect_inset(b, t->gap);

		ui_draw_box(f, b, i == chosen ? t->accent_soft : t->surface, border, i == chosen ? 8 : 3,
			    t->radius * 2);
		ui_text_center(f, ui_rect_cut_top(&in, in.h / 2), ui_arena_printf(f->arena, "%d", 5 - i),
			       t->title_px * 3 / 2, true, border);
		ui_text_center(f, in, levels[i], t->heading_px * 3 / 4, true, t->text);
		ui_add_hit(f, b, UI_ACT_LEVEL, i, true, ui_arena_printf(f->arena, "level.%d", i));
	}
	if (hint)
		ui_text_block(f, t, r, r.x, y + bh + t->gap * 2, r.w, hint, t->body_px, false, t->muted, true);
	ui_chrome_finish(f, t, c);
}

void ui_screen_reasons(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		       const char *const *reasons, size_t n, uint32_t selected, const char *text, bool named)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect bottom = ui_rect_cut_bottom(&r, t->target + t->gap);
	int cols = 2, cw = (r.w - t->gap) / cols, ch = t->target * 3 / 4;

	for (size_t i = 0; i < n && i < 32; i++) {
		bool on = selected & (1u << i);
		struct ui_rect b = { r.x + (int)(i % 2) * (cw + t->gap), r.y + (int)(i / 2) * (ch + t->gap / 2), cw, ch };

		if (b.y + ch > r.y + r.h)
			break;
		ui_button(f, t, b, ui_arena_printf(f->arena, "%s %s", on ? "☑" : "☐", reasons[i]),
			  on ? UI_BTN_SELECTED : UI_BTN_SECONDARY, true, UI_ACT_REASON, (int)i,
			  ui_arena_printf(f->arena, "reason.%zu", i));
	}
	bottom.y += t->gap;
	bottom.h -= t->gap;
	ui_button(f, t, (struct ui_rect){ bottom.x, bottom.y, bottom.w * 3 / 5, bottom.h },
		  text && *text ? ui_arena_printf(f->arena, "补充说明：%s", text) : "补充说明（选填）",
		  UI_BTN_SECONDARY, true, UI_ACT_FIELD, 0, "reasons.text");
	ui_button(f, t, (struct ui_rect){ bottom.x + bottom.w * 3 / 5 + t->gap, bottom.y,
					  bottom.w * 2 / 5 - t->gap, bottom.h },
		  named ? "☑ 实名评价，可回访" : "☐ 匿名评价", named ? UI_BTN_SELECTED : UI_BTN_SECONDARY, true,
		  UI_ACT_TOGGLE, 1, "reasons.named");
	ui_chrome_finish(f, t, c);
}
