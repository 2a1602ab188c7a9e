/* The application form and the entry screens for what the card cannot tell (phone, free text). */
#include "ui/screens.h"

/* The card's photo beside the fields, so staff watching over a shoulder and the resident see the card that was
 * read. Without a decoder the box stays a neutral placeholder: never a stock face that could be taken for
 * the resident's. */
static void photo_box(struct ui_frame *f, const struct ui_theme *t, struct ui_rect col, const struct ui_image *photo)
{
	struct ui_rect box = ui_rect_cut_top(&col, col.w * 126 / 102);

	if (photo && photo->rgba) {
		ui_draw_image(f, box, photo);
		ui_draw_box(f, box, 0, t->muted, 2, 0);
	} else {
		ui_draw_box(f, box, t->surface, t->muted, 2, t->radius);
		ui_text_center(f, box, "照片", t->heading_px, false, t->muted);
	}
	ui_text_center(f, ui_rect_cut_top(&col, t->small_px * 2), photo && photo->rgba ? "身份证照片" : "照片未显示",
		       t->small_px, false, t->muted);
}

void ui_screen_form(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		    const struct ui_image *photo, const struct ui_field *fields, size_t n_fields, const char *choice_label,
		    const char *const *choices, size_t n_choices, int chosen)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect choice = ui_rect_cut_bottom(&r, n_choices ? t->target + t->gap : 0);
	struct ui_rect pcol = ui_rect_cut_right(&r, r.w / 7);
	int rh = (r.h - t->gap) / (n_fields ? (int)n_fields : 1);
	int lw = r.w / 4;

	if (rh > t->body_px * 2 + t->gap)
		rh = t->body_px * 2 + t->gap;
	r.w -= t->gap;
	photo_box(f, t, pcol, photo);
	for (size_t i = 0; i < n_fields; i++) {
		const struct ui_field *fl = &fields[i];
		struct ui_rect row = { r.x, r.y + (int)i * rh, r.w, rh - t->gap / 3 };
		struct ui_rect label = ui_rect_cut_left(&row, lw);
		struct ui_rect tag = ui_rect_cut_right(&row, lw);
		const char *v = fl->value && *fl->value ? fl->value : (fl->hint ? fl->hint : "");

		ui_text_left(f, label, fl->label, t->body_px, false, t->muted);
		if (fl->editable) {
			if (rh - t->gap / 3 >= t->target * 2 / 3)
				ui_input_box(f, t, row, fl->value, fl->hint, fl->invalid);
			else
				ui_draw_box(f, row, t->surface, fl->invalid ? t->error : t->accent, 3, t->radius);
			/* The whole row is the target, so it stays big enough even when the box is slim. */
			ui_add_hit(f, (struct ui_rect){ label.x, row.y, r.w, row.h }, UI_ACT_FIELD, (int)i, true,
				   ui_arena_printf(f->arena, "field.%zu", i));
			ui_text_left(f, ui_rect_inset(tag, t->gap / 2), "点击填写", t->small_px, false, t->accent);
		} else {
			ui_text_left(f, row, v, t->body_px, true, t->text);
			if (fl->from_card)
				ui_text_left(f, ui_rect_inset(tag, t->gap / 2), "读自身份证", t->small_px, false,
					     t->ok);
		}
	}
	if (n_choices) {
		struct ui_rect label = ui_rect_cut_left(&choice, lw);
		int bw = (choice.w - (int)(n_choices - 1) * t->gap) / (int)n_choices;

		choice.y += t->gap, choice.h -= t->gap;
		ui_text_left(f, label, choice_label, t->body_px, false, t->muted);
		for (size_t i = 0; i < n_choices; i++)
			ui_button(f, t, (struct ui_rect){ choice.x + (int)i * (bw + t->gap), choice.y, bw, choice.h },
				  (int)i == chosen ? ui_arena_printf(f->arena, "● %s", choices[i])
						   : ui_arena_printf(f->arena, "○ %s", choices[i]),
				  (int)i == chosen ? UI_BTN_SELECTED : UI_BTN_SECONDARY, true, UI_ACT_CHOICE, (int)i,
				  ui_arena_printf(f->arena, "choice.%zu", i));
	}
	ui_chrome_finish(f, t, c);
}

void ui_screen_digits(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *label,
		      const char *value, const char *hint, bool invalid)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect left = ui_rect_cut_left(&r, r.w / 2);
	struct ui_rect box;

	left.w -= t->gap * 2;
	ui_text_left(f, ui_rect_cut_top(&left, t->heading_px * 2), label, t->heading_px, true, t->text);
	box = ui_rect_cut_top(&left, t->target);
	ui_input_box(f, t, box, value, "", invalid);
	left.y += t->gap;
	if (hint)
		ui_text_block(f, t, left, left.x, left.y, left.w, hint, t->body_px, invalid, invalid ? t->error : t->muted,
			      true);
	ui_digit_pad(f, t, r);
	ui_chrome_finish(f, t, c);
}

void ui_screen_text(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *label,
		    const char *value, const char *hint)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect top = ui_rect_cut_top(&r, t->heading_px * 2 + t->target * 2 + t->gap);

	ui_text_left(f, ui_rect_cut_top(&top, t->heading_px * 2), label, t->heading_px, true, t->text);
	ui_draw_box(f, top, t->surface, t->accent, 4, t->radius);
	ui_text_block(f, t, top, top.x + t->gap, top.y + t->gap, top.w - 2 * t->gap,
		      value && *value ? value : hint, t->body_px, false, value && *value ? t->text : t->muted, true);
	r.y += t->gap, r.h -= t->gap;
	r.x += r.w / 8, r.w = r.w * 3 / 4;
	ui_letter_keyboard(f, t, r);
	ui_chrome_finish(f, t, c);
}
