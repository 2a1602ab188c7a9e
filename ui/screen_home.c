/* Home and message screens: the first thing a resident sees, and every "please do this" or "please wait". */
#include "ui/screens.h"

void ui_screen_home(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		    const struct ui_tile *tiles, size_t n_tiles)
{
	struct ui_rect r = ui_chrome_begin(f, t, c), modes, grid;
	int cols = n_tiles <= 2 ? (int)n_tiles : n_tiles == 4 ? 2 : 3;
	int rows, tw, th, mw;

	if (cols < 1)
		cols = 1;
	rows = ((int)n_tiles + cols - 1) / cols;
	modes = ui_rect_cut_bottom(&r, t->target);
	grid = ui_rect_inset(r, t->gap);
	grid.h -= t->gap;
	tw = (grid.w - (cols - 1) * t->gap * 2) / cols;
	th = rows ? (grid.h - (rows - 1) * t->gap * 2) / rows : 0;
	/* Two tiles alone would be needlessly tall; three in a row need the height for their text. */
	if (n_tiles < 3 && th > grid.h * 2 / 3)
		th = grid.h * 2 / 3;
	for (size_t i = 0; i < n_tiles; i++) {
		int col = (int)i % cols, row = (int)i / cols;
		struct ui_rect b = { grid.x + col * (tw + 2 * t->gap), grid.y + row * (th + 2 * t->gap), tw, th };
		struct ui_rect in = ui_rect_inset(b, t->margin / 2);
		uint32_t fill = i == 0 ? t->accent : t->surface;
		uint32_t fg = i == 0 ? t->on_accent : t->text;

		if (!tiles[i].enabled)
			fill = t->disabled, fg = t->on_disabled;
		ui_draw_box(f, b, fill, i == 0 ? fill : t->border, i == 0 ? 0 : 3, t->radius * 2);
		/* The label takes what its font needs, the rest is for the description to wrap in: three
		 * tiles side by side in elder mode leave little width. */
		/* Two rows of three leave less height: the label's line is tighter so the description
		 * still shows. */
		ui_text_left(f, ui_rect_cut_top(&in, cols == 3 && rows > 1 ? t->title_px * 3 / 2 : t->title_px * 2),
			     tiles[i].label, t->title_px, true, fg);
		if (tiles[i].sub)
			ui_text_block(f, t, in, in.x, in.y, in.w, tiles[i].sub, t->body_px, false, fg, true);
		ui_add_hit(f, b, UI_ACT_TILE, (int)i, tiles[i].enabled, ui_arena_printf(f->arena, "tile.%zu", i));
	}
	mw = (modes.w - t->gap) / 4;
	ui_button(f, t, (struct ui_rect){ modes.x + modes.w - 2 * mw - t->gap, modes.y, mw, modes.h },
		  t->id == UI_THEME_ELDER ? "标准字体" : "长辈模式 · 大字",
		  t->id == UI_THEME_ELDER ? UI_BTN_SELECTED : UI_BTN_SECONDARY, true, UI_ACT_THEME,
		  t->id == UI_THEME_ELDER ? UI_THEME_NORMAL : UI_THEME_ELDER, "mode.elder");
	ui_button(f, t, (struct ui_rect){ modes.x + modes.w - mw, modes.y, mw, modes.h },
		  t->id == UI_THEME_CONTRAST ? "标准配色" : "高对比度",
		  t->id == UI_THEME_CONTRAST ? UI_BTN_SELECTED : UI_BTN_SECONDARY, true, UI_ACT_THEME,
		  t->id == UI_THEME_CONTRAST ? UI_THEME_NORMAL : UI_THEME_CONTRAST, "mode.contrast");
	ui_chrome_finish(f, t, c);
}

/* Drawn with boxes so a resident sees where the card goes or the receipt comes out, in any theme. */
static void picture(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, enum ui_picture pic)
{
	int cx = r.x + r.w / 2, cy = r.y + r.h / 2, u = r.h / 10;

	switch (pic) {
	case UI_PIC_CARD:
		ui_draw_box(f, (struct ui_rect){ cx - 4 * u, cy + u, 8 * u, 3 * u }, t->surface, t->border, 4, u / 2);
		ui_text_center(f, (struct ui_rect){ cx - 4 * u, cy + 2 * u, 8 * u, 2 * u }, "读卡区", t->body_px, true,
			       t->muted);
		ui_draw_box(f, (struct ui_rect){ cx - 3 * u, cy - 4 * u, 6 * u, 4 * u }, t->accent_soft, t->accent, 4,
			    u / 3);
		ui_text_center(f, (struct ui_rect){ cx - 3 * u, cy - 4 * u, 6 * u, 4 * u }, "身份证", t->heading_px,
			       true, t->accent);
		ui_text_center(f, (struct ui_rect){ cx - 3 * u, cy - 1 * u + u / 4, 6 * u, u }, "↓", t->heading_px,
			       true, t->accent);
		break;
	case UI_PIC_PRINTER:
	case UI_PIC_A4:
		ui_draw_box(f, (struct ui_rect){ cx - 4 * u, cy - 2 * u, 8 * u, 3 * u }, t->surface, t->border, 4,
			    u / 3);
		ui_draw_box(f, (struct ui_rect){ cx - 2 * u, cy + u, 4 * u, 3 * u }, t->surface, t->accent, 4, 0);
		ui_text_center(f, (struct ui_rect){ cx - 2 * u, cy + u, 4 * u, 3 * u },
			       pic == UI_PIC_A4 ? "证明" : "回执", t->body_px, true, t->accent);
		ui_text_center(f, (struct ui_rect){ cx - 4 * u, cy - 2 * u, 8 * u, 3 * u }, "出纸口", t->body_px,
			       true, t->muted);
		break;
	case UI_PIC_BUSY:
		for (int i = 0; i < 3; i++)
			ui_draw_rect(f, (struct ui_rect){ cx - 3 * u + i * 2 * u + u / 2, cy - u / 2, u, u }, t->accent,
				     u / 2);
		break;
	case UI_PIC_OK:
		ui_draw_box(f, (struct ui_rect){ cx - 3 * u, cy - 3 * u, 6 * u, 6 * u }, t->surface, t->ok, 8, 3 * u);
		ui_text_center(f, (struct ui_rect){ cx - 3 * u, cy - 3 * u, 6 * u, 6 * u }, "✓", t->title_px * 2,
			       true, t->ok);
		break;
	case UI_PIC_ERROR:
		ui_draw_box(f, (struct ui_rect){ cx - 3 * u, cy - 3 * u, 6 * u, 6 * u }, t->surface, t->error, 8,
			    3 * u);
		ui_text_center(f, (struct ui_rect){ cx - 3 * u, cy - 3 * u, 6 * u, 6 * u }, "!", t->title_px * 2,
			       true, t->error);
		break;
	default:
		break;
	}
}

void ui_screen_message(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		       enum ui_picture pic, const char *headline, const char *body,
		       const struct ui_button_spec *buttons, size_t n_buttons)
{
	struct ui_rect r = ui_chrome_begin(f, t, c), left, btns;
	int y;

	left = ui_rect_cut_left(&r, pic == UI_PIC_NONE ? 0 : r.w * 2 / 5);
	if (pic != UI_PIC_NONE)
		picture(f, t, left, pic);
	r = ui_rect_inset(r, t->gap);
	if (n_buttons)
		btns = ui_rect_cut_bottom(&r, t->target + t->gap);
	y = r.y + t->gap;
	if (headline)
		y += ui_text_block(f, t, r, r.x, y, r.w, headline, t->heading_px, true, t->text, true) + t->gap;
	if (body)
		ui_text_block(f, t, r, r.x, y, r.w, body, t->body_px, false, t->text, true);
	for (size_t i = 0; i < n_buttons; i++) {
		int bw = (btns.w - (int)(n_buttons - 1) * t->gap) / (int)n_buttons;

		if (bw > btns.w / 2)
			bw = btns.w / 2;
		ui_button(f, t, (struct ui_rect){ btns.x + (int)i * (bw + t->gap), btns.y, bw, t->target },
			  buttons[i].label, buttons[i].style, true, UI_ACT_BUTTON, buttons[i].arg, buttons[i].id);
	}
	ui_chrome_finish(f, t, c);
}
