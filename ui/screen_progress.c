/* 进度查询: asking (a card on the reader, or the receipt's query code typed)
 * and the answer (one card per case with its state and promised completion
 * date; warnings in words, never colour alone). */
#include "ui/screens.h"

void ui_screen_query(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		     const char *code, const char *hint, bool invalid)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect left = ui_rect_cut_left(&r, r.w * 2 / 5), in = ui_rect_inset(left, t->gap),
		       box;

	ui_draw_box(f, left, t->surface, t->border, 2, t->radius);
	ui_text_left(f, ui_rect_cut_top(&in, t->heading_px * 2), "方式一：刷身份证", t->heading_px,
		     true, t->text);
	ui_text_block(f, t, in, in.x, in.y, in.w,
		      "请将身份证放在读卡区，查询您在本终端和平台上的办件。", t->body_px, false,
		      t->muted, true);
	r.x += t->gap * 2, r.w -= t->gap * 2;
	ui_text_left(f, ui_rect_cut_top(&r, t->heading_px * 2), "方式二：输入回执上的8位查询码",
		     t->heading_px, true, t->text);
	box = ui_rect_cut_top(&r, t->target * 3 / 2);
	ui_input_box(f, t, box, code, "查询码不区分大小写", invalid);
	ui_text_left(f, ui_rect_cut_top(&r, t->body_px * 2), hint ? hint : "", t->small_px, invalid,
		     invalid ? t->error : t->muted);
	ui_code_keyboard(f, t, r);
	ui_chrome_finish(f, t, c);
}

void ui_screen_progress(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
			const char *notice, const struct ui_progress_row *rows, size_t n)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	int y = r.y, line = t->body_px * 3 / 2;

	if (notice) {
		int h = ui_text_block(f, t, r, r.x, y, r.w, notice, t->body_px, false, t->text,
				      false) +
			t->gap;

		ui_draw_box(f, (struct ui_rect){r.x, y, r.w, h}, t->warn_bg, t->border, 2,
			    t->radius);
		ui_text_block(f, t, r, r.x + t->gap, y + t->gap / 2, r.w - 2 * t->gap, notice,
			      t->body_px, false, t->text, true);
		y += h + t->gap;
	}
	if (n == 0)
		ui_text_left(f, (struct ui_rect){r.x, y, r.w, line * 2}, "没有查到办件。",
			     t->heading_px, true, t->text);
	for (size_t i = 0; i < n; i++) {
		int h = t->heading_px * 3 / 2 + 3 * line + t->gap;
		struct ui_rect card = {r.x, y, r.w, h}, in = ui_rect_inset(card, t->gap / 2);
		uint32_t col = rows[i].kind == UI_CHECK_MISSING ? t->error
			       : rows[i].kind == UI_CHECK_OK	? t->ok
								: t->text;

		if (y + h > r.y + r.h) {
			ui_text_left(f, (struct ui_rect){r.x, y, r.w, line},
				     "更多办件请到窗口或登录政务服务网查询。", t->small_px, false,
				     t->muted);
			break;
		}
		ui_draw_box(f, card, t->surface,
			    rows[i].kind == UI_CHECK_MISSING ? t->error : t->border,
			    rows[i].kind == UI_CHECK_MISSING ? 4 : 2, t->radius);
		if (rows[i].button) {
			struct ui_rect b = ui_rect_cut_right(&in, r.w / 5);

			b.h = t->target;
			b.y = in.y + (in.h - b.h) / 2;
			ui_button(f, t, b, rows[i].button, UI_BTN_SECONDARY, rows[i].button_enabled,
				  UI_ACT_ITEM, (int)i, ui_arena_printf(f->arena, "reprint.%zu", i));
			in.w -= t->gap;
		}
		ui_text_left(f, ui_rect_cut_top(&in, t->heading_px * 3 / 2), rows[i].title,
			     t->heading_px * 3 / 4, true, t->text);
		ui_text_left(f, ui_rect_cut_top(&in, line), rows[i].number, t->small_px, false,
			     t->muted);
		ui_text_left(f, ui_rect_cut_top(&in, line), rows[i].status, t->body_px, true,
			     t->text);
		ui_text_left(f, ui_rect_cut_top(&in, line), rows[i].deadline, t->body_px,
			     rows[i].kind == UI_CHECK_MISSING, col);
		y += h + t->gap / 2;
	}
	ui_chrome_finish(f, t, c);
}
