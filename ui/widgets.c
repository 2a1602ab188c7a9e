/* Buttons, the shared chrome (header, footer, banner, dialog), keyboards and rectangle helpers. */
#include "ui/widgets.h"

#include <stdio.h>

const char *ui_action_str(enum ui_action a)
{
	static const char *const names[UI_ACT__COUNT] = {
		[UI_ACT_NONE] = "NONE", [UI_ACT_HOME] = "HOME", [UI_ACT_BACK] = "BACK", [UI_ACT_NEXT] = "NEXT",
		[UI_ACT_TILE] = "TILE", [UI_ACT_THEME] = "THEME", [UI_ACT_TAB] = "TAB", [UI_ACT_ITEM] = "ITEM",
		[UI_ACT_PAGE_UP] = "PAGE_UP", [UI_ACT_PAGE_DOWN] = "PAGE_DOWN", [UI_ACT_SEARCH] = "SEARCH",
		[UI_ACT_KEY] = "KEY", [UI_ACT_FIELD] = "FIELD", [UI_ACT_CHOICE] = "CHOICE", [UI_ACT_SCAN] = "SCAN",
		[UI_ACT_RETAKE] = "RETAKE", [UI_ACT_SKIP] = "SKIP", [UI_ACT_TOGGLE] = "TOGGLE",
		[UI_ACT_LEVEL] = "LEVEL", [UI_ACT_REASON] = "REASON", [UI_ACT_BUTTON] = "BUTTON",
		[UI_ACT_DIALOG] = "DIALOG",
	};
	return (unsigned)a < UI_ACT__COUNT ? names[a] : "UNKNOWN";
}

struct ui_rect ui_rect_inset(struct ui_rect r, int d)
{
	return (struct ui_rect){ r.x + d, r.y + d, r.w - 2 * d, r.h - 2 * d };
}

struct ui_rect ui_rect_cut_top(struct ui_rect *r, int h)
{
	struct ui_rect out = { r->x, r->y, r->w, h };

	r->y += h;
	r->h -= h;
	return out;
}

struct ui_rect ui_rect_cut_bottom(struct ui_rect *r, int h)
{
	r->h -= h;
	return (struct ui_rect){ r->x, r->y + r->h, r->w, h };
}

struct ui_rect ui_rect_cut_left(struct ui_rect *r, int w)
{
	struct ui_rect out = { r->x, r->y, w, r->h };

	r->x += w;
	r->w -= w;
	return out;
}

struct ui_rect ui_rect_cut_right(struct ui_rect *r, int w)
{
	r->w -= w;
	return (struct ui_rect){ r->x + r->w, r->y, w, r->h };
}

void ui_button(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, const char *label,
	       enum ui_button_style style, bool enabled, int action, int arg, const char *id)
{
	uint32_t fill, fg, border = t->border;
	int bw = 0;

	switch (style) {
	case UI_BTN_PRIMARY:
		fill = t->accent, fg = t->on_accent;
		break;
	case UI_BTN_DANGER:
		fill = t->surface, fg = t->error, border = t->error, bw = 3;
		break;
	case UI_BTN_SELECTED:
		fill = t->accent_soft, fg = t->text, border = t->accent, bw = 5;
		break;
	default:
		fill = t->surface, fg = t->accent, border = t->accent, bw = 3;
		break;
	}
	if (!enabled)
		fill = t->disabled, fg = t->on_disabled, border = t->disabled;
	ui_draw_box(f, r, fill, border, bw, t->radius);
	ui_text_center(f, ui_rect_inset(r, 8), label, t->body_px, true, fg);
	ui_add_hit(f, r, action, arg, enabled, id);
}

static void header(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, struct ui_rect r)
{
	struct ui_rect left, right;

	ui_draw_rect(f, r, t->header_bg, 0);
	r = ui_rect_inset(r, 0);
	r.x += t->margin, r.w -= 2 * t->margin;
	right = ui_rect_cut_right(&r, r.w / 3);
	left = r;
	ui_text_left(f, left, c->hall ? c->hall : "", t->heading_px * 3 / 4, true, t->header_fg);
	if (c->countdown_s >= 0) {
		const char *s = ui_arena_printf(f->arena, "%d 秒后返回首页", c->countdown_s);
		int w = ui_text_width(f, s, t->small_px, false);

		ui_draw_text_line(f, right, right.x + right.w - w, right.y + (right.h - t->small_px * 3 / 2) / 2, s,
				  t->small_px, false, t->header_fg);
	}
	if (c->steps > 0) {
		const char *s = ui_arena_printf(f->arena, "第%d步 / 共%d步", c->step, c->steps);

		ui_draw_text_line(f, right, right.x, right.y + (right.h - t->small_px * 3 / 2) / 2, s, t->small_px,
				  false, t->header_fg);
	}
}

static void footer(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, struct ui_rect r)
{
	int bw = r.w / 4 - t->gap, bh = r.h - 2 * t->gap;
	int y = r.y + t->gap;

	ui_draw_rect(f, r, t->surface, 0);
	ui_draw_rect(f, (struct ui_rect){ r.x, r.y, r.w, 2 }, t->border, 0);
	if (bh < t->target)
		bh = r.h - t->gap;
	if (c->show_home)
		ui_button(f, t, (struct ui_rect){ r.x + t->margin, y, bw, bh }, "返回首页", UI_BTN_SECONDARY, true,
			  UI_ACT_HOME, 0, "footer.home");
	if (c->show_back)
		ui_button(f, t, (struct ui_rect){ r.x + t->margin + bw + t->gap, y, bw, bh }, "上一步",
			  UI_BTN_SECONDARY, true, UI_ACT_BACK, 0, "footer.back");
	if (c->next_label)
		ui_button(f, t, (struct ui_rect){ r.x + r.w - t->margin - bw, y, bw, bh }, c->next_label,
			  UI_BTN_PRIMARY, c->next_enabled, UI_ACT_NEXT, 0, "footer.next");
	if (c->dev_line) {
		struct ui_rect d = { r.x + t->margin + 2 * (bw + t->gap), r.y, r.w - 2 * t->margin - 3 * (bw + t->gap),
				     r.h };

		ui_text_block(f, t, d, d.x, d.y + t->gap / 2, d.w, c->dev_line, t->small_px * 2 / 3, false, t->muted,
			      true);
	}
}

struct ui_rect ui_chrome_begin(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c)
{
	struct ui_rect r = { 0, 0, f->w, f->h };
	struct ui_rect title;

	ui_draw_rect(f, r, t->bg, 0);
	header(f, t, c, ui_rect_cut_top(&r, t->header_h));
	footer(f, t, c, ui_rect_cut_bottom(&r, t->footer_h));
	r = ui_rect_inset(r, t->margin / 2);
	r.x += t->margin / 2, r.w -= t->margin;
	if (c->title && *c->title) {
		title = ui_rect_cut_top(&r, t->title_px * 2);
		ui_text_left(f, title, c->title, t->title_px, true, t->text);
	}
	return r;
}

void ui_chrome_finish(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c)
{
	if (c->banner && *c->banner) {
		struct ui_rect r = { t->margin, t->header_h + t->gap / 2, f->w - 2 * t->margin, 0 };
		int h = ui_text_block(f, t, r, 0, 0, r.w - 2 * t->margin, c->banner, t->body_px, true, 0, false);

		r.h = h + 2 * t->gap;
		ui_draw_box(f, r, c->banner_error ? t->error_bg : t->warn_bg, c->banner_error ? t->error : t->border,
			    4, t->radius);
		ui_text_block(f, t, r, r.x + t->margin, r.y + t->gap, r.w - 2 * t->margin, c->banner, t->body_px,
			      true, c->banner_error ? t->error : t->text, true);
	}
	if (c->dialog_title) {
		struct ui_rect all = { 0, 0, f->w, f->h };
		struct ui_rect d = { f->w / 4, f->h / 4, f->w / 2, f->h / 2 };
		struct ui_rect in = ui_rect_inset(d, t->margin), btn;

		/* The dialog is modal: a full-screen target under it swallows touches elsewhere. */
		ui_draw_rect(f, all, t->overlay, 0);
		ui_add_hit(f, all, UI_ACT_DIALOG, 0, true, "dialog.backdrop");
		ui_draw_box(f, d, t->surface, t->accent, 4, t->radius);
		ui_text_left(f, ui_rect_cut_top(&in, t->heading_px * 2), c->dialog_title, t->heading_px, true,
			     t->text);
		btn = ui_rect_cut_bottom(&in, t->target);
		ui_text_block(f, t, in, in.x, in.y, in.w, c->dialog_text, t->body_px, false, t->text, true);
		btn.x += btn.w / 4, btn.w /= 2;
		ui_button(f, t, btn, c->dialog_button ? c->dialog_button : "确定", UI_BTN_PRIMARY, true,
			  UI_ACT_DIALOG, 1, "dialog.ok");
	}
}

static void key_grid(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, const char *const *rows,
		     int n_rows)
{
	int gap = t->gap / 2, kh = (r.h - gap * (n_rows - 1)) / n_rows;
	int max_cols = 0;

	for (int i = 0; i < n_rows; i++) {
		int n = 0;

		for (const char *p = rows[i]; *p; p++)
			n++;
		if (n > max_cols)
			max_cols = n;
	}
	for (int i = 0; i < n_rows; i++) {
		int n = 0, kw = (r.w - gap * (max_cols - 1)) / max_cols, x0;

		for (const char *p = rows[i]; *p; p++)
			n++;
		x0 = r.x + (r.w - (n * kw + (n - 1) * gap)) / 2;
		for (int j = 0; j < n; j++) {
			char c = rows[i][j];
			struct ui_rect k = { x0 + j * (kw + gap), r.y + i * (kh + gap), kw, kh };
			char label[2] = { (char)(c >= 'a' && c <= 'z' ? c - 32 : c), 0 };

			ui_button(f, t, k, label, UI_BTN_SECONDARY, true, UI_ACT_KEY, c,
				  ui_arena_printf(f->arena, "key.%c", c));
		}
	}
}

void ui_digit_pad(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r)
{
	static const char *const rows[] = { "123", "456", "789" };
	int gap = t->gap / 2, kh = (r.h - 3 * gap) / 4, kw = (r.w - 2 * gap) / 3;
	struct ui_rect last = { r.x, r.y + 3 * (kh + gap), kw, kh };

	key_grid(f, t, (struct ui_rect){ r.x, r.y, r.w, 3 * kh + 2 * gap }, rows, 3);
	ui_button(f, t, last, "清空", UI_BTN_SECONDARY, true, UI_ACT_KEY, UI_KEYCODE_CLEAR, "key.clear");
	last.x += kw + gap;
	ui_button(f, t, last, "0", UI_BTN_SECONDARY, true, UI_ACT_KEY, '0', "key.0");
	last.x += kw + gap;
	ui_button(f, t, last, "退格", UI_BTN_SECONDARY, true, UI_ACT_KEY, UI_KEYCODE_BACKSPACE, "key.backspace");
}

void ui_letter_keyboard(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r)
{
	static const char *const rows[] = { "qwertyuiop", "asdfghjkl", "zxcvbnm" };
	int gap = t->gap / 2, kh = (r.h - 3 * gap) / 4;
	struct ui_rect last = { r.x, r.y + 3 * (kh + gap), (r.w - gap) / 2, kh };

	key_grid(f, t, (struct ui_rect){ r.x, r.y, r.w, 3 * kh + 2 * gap }, rows, 3);
	ui_button(f, t, last, "清空", UI_BTN_SECONDARY, true, UI_ACT_KEY, UI_KEYCODE_CLEAR, "key.clear");
	last.x += last.w + gap;
	ui_button(f, t, last, "退格", UI_BTN_SECONDARY, true, UI_ACT_KEY, UI_KEYCODE_BACKSPACE, "key.backspace");
}

void ui_code_keyboard(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r)
{
	static const char *const rows[] = { "23456789", "ABCDEFGH", "JKMNPQRS", "TUVWXYZ" };
	int gap = t->gap / 2, kh = (r.h - 4 * gap) / 5;
	struct ui_rect last = { r.x, r.y + 4 * (kh + gap), (r.w - gap) / 2, kh };

	key_grid(f, t, (struct ui_rect){ r.x, r.y, r.w, 4 * kh + 3 * gap }, rows, 4);
	ui_button(f, t, last, "清空", UI_BTN_SECONDARY, true, UI_ACT_KEY, UI_KEYCODE_CLEAR, "key.clear");
	last.x += last.w + gap;
	ui_button(f, t, last, "退格", UI_BTN_SECONDARY, true, UI_ACT_KEY, UI_KEYCODE_BACKSPACE, "key.backspace");
}

void ui_input_box(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, const char *value,
		  const char *hint, bool invalid)
{
	bool empty = !value || !*value;

	ui_draw_box(f, r, t->surface, invalid ? t->error : t->accent, 4, t->radius);
	ui_text_left(f, ui_rect_inset(r, t->gap), empty ? (hint ? hint : "") : value, t->heading_px, !empty,
		     empty ? t->muted : t->text);
}
