/* 证照打印's list: the holder's certificates and proofs, each a card with its own print button. */
#include "ui/screens.h"

void ui_screen_certs(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *notice,
		     bool notice_error, bool retry, const struct ui_row *rows, size_t n)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	int y = r.y, line = t->body_px * 3 / 2;

	if (notice) {
		struct ui_rect box;
		int h = ui_text_block(f, t, r, r.x, y, r.w, notice, t->body_px, false, t->text, false) + t->gap;

		if (retry && h < t->target + t->gap)
			h = t->target + t->gap;
		box = (struct ui_rect){ r.x, y, r.w, h };
		ui_draw_box(f, box, notice_error ? t->warn_bg : t->surface, notice_error ? t->error : t->border, 2,
			    t->radius);
		if (retry)
			ui_button(f, t, ui_rect_inset(ui_rect_cut_right(&box, r.w / 4), t->gap / 2), "重新查询",
				  UI_BTN_PRIMARY, true, UI_ACT_BUTTON, 0, "certs.retry");
		ui_text_block(f, t, box, box.x + t->gap, y + t->gap / 2, box.w - 2 * t->gap, notice, t->body_px,
			      false, t->text, true);
		y += h + t->gap;
	}
	for (size_t i = 0; i < n; i++) {
		int h = t->heading_px * 3 / 2 + line + t->gap;
		struct ui_rect card = { r.x, y, r.w, h }, in;

		if (h < t->target + t->gap)
			card.h = h = t->target + t->gap;
		if (y + h > r.y + r.h) {
			ui_text_left(f, (struct ui_rect){ r.x, y, r.w, line }, "其余证明请到窗口或登录政务服务网打印。",
				     t->small_px, false, t->muted);
			break;
		}
		in = ui_rect_inset(card, t->gap / 2);
		ui_draw_box(f, card, t->surface, t->border, 2, t->radius);
		ui_button(f, t, ui_rect_cut_right(&in, r.w / 5), "打印", UI_BTN_PRIMARY, true, UI_ACT_ITEM, (int)i,
			  ui_arena_printf(f->arena, "cert.%zu", i));
		in.w -= t->gap;
		ui_text_left(f, ui_rect_cut_top(&in, t->heading_px * 3 / 2), rows[i].title, t->heading_px * 3 / 4,
			     true, t->text);
		ui_text_left(f, ui_rect_cut_top(&in, line), rows[i].sub, t->body_px, false, t->muted);
		y += h + t->gap / 2;
	}
	ui_chrome_finish(f, t, c);
}
