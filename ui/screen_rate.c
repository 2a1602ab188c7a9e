/* 好差评 without a service: what to rate (the terminal and hall, or a past case), and the resident's
 * cases to choose the one a follow-up rating (追评) is for. */
#include "ui/screens.h"

void ui_screen_rate_choice(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c)
{
	static const struct {
		const char *label, *sub, *id;
	} opts[2] = {
		{ "评价本终端和服务大厅", "对自助终端的使用体验和大厅的服务进行评价，无需身份证", "rate.terminal" },
		{ "追评办件", "对已办理的事项再次评价：刷身份证，或输入受理回执上的查询码", "rate.followup" },
	};
	struct ui_rect r = ui_chrome_begin(f, t, c), grid = ui_rect_inset(r, t->gap);
	int w = (grid.w - 2 * t->gap) / 2, h = grid.h * 2 / 3;

	for (int i = 0; i < 2; i++) {
		struct ui_rect b = { grid.x + i * (w + 2 * t->gap), grid.y, w, h };
		struct ui_rect in = ui_rect_inset(b, t->margin / 2);
		uint32_t fill = i == 0 ? t->accent : t->surface, fg = i == 0 ? t->on_accent : t->text;

		ui_draw_box(f, b, fill, i == 0 ? fill : t->border, i == 0 ? 0 : 3, t->radius * 2);
		ui_text_left(f, ui_rect_cut_top(&in, t->title_px * 2), opts[i].label, t->title_px, true, fg);
		ui_text_block(f, t, in, in.x, in.y, in.w, opts[i].sub, t->body_px, false, fg, true);
		ui_add_hit(f, b, UI_ACT_BUTTON, i, true, opts[i].id);
	}
	ui_text_left(f, (struct ui_rect){ grid.x, grid.y + h + t->gap, grid.w, t->body_px * 2 },
		     "评价自愿，您的身份信息将被保密。", t->body_px, false, t->muted);
	ui_chrome_finish(f, t, c);
}

void ui_screen_followup(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
			const char *notice, const struct ui_followup_row *rows, size_t n)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	int y = r.y, line = t->body_px * 3 / 2;

	if (notice) {
		int h = ui_text_block(f, t, r, r.x, y, r.w, notice, t->body_px, false, t->text, false) + t->gap;
		struct ui_rect box = { r.x, y, r.w, h };

		ui_draw_box(f, box, t->surface, t->border, 2, t->radius);
		ui_text_block(f, t, box, box.x + t->gap, y + t->gap / 2, box.w - 2 * t->gap, notice, t->body_px,
			      false, t->text, true);
		y += h + t->gap;
	}
	for (size_t i = 0; i < n; i++) {
		int h = t->heading_px * 3 / 2 + line + t->gap;
		struct ui_rect card = { r.x, y, r.w, h }, in;

		if (h < t->target + t->gap)
			card.h = h = t->target + t->gap;
		if (y + h > r.y + r.h)
			break;
		in = ui_rect_inset(card, t->gap / 2);
		ui_draw_box(f, card, t->surface, t->border, 2, t->radius);
		/* A case rated again already says so on its button; a touch tells why it cannot be chosen. */
		ui_button(f, t, ui_rect_cut_right(&in, r.w / 5), rows[i].done ? "已追评" : "追评",
			  rows[i].done ? UI_BTN_SECONDARY : UI_BTN_PRIMARY, true, UI_ACT_ITEM, (int)i,
			  ui_arena_printf(f->arena, "case.%zu", i));
		in.w -= t->gap;
		ui_text_left(f, ui_rect_cut_top(&in, t->heading_px * 3 / 2), rows[i].title, t->heading_px * 3 / 4,
			     true, t->text);
		ui_text_left(f, ui_rect_cut_top(&in, line), rows[i].sub, t->body_px, false, t->muted);
		y += h + t->gap / 2;
	}
	ui_chrome_finish(f, t, c);
}
