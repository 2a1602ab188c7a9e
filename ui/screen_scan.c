/* Scanning materials, and the summary that tells every gap at once (一次性告知). */
#include "ui/screens.h"

/* Thumbnails of the pages kept so far, each with its retake button, in r. */
static void thumbs_grid(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, const struct ui_scan_view *v,
			int fixed_per_row)
{
	/* A4 is 1:1.414; up to four per row (or exactly per_row), retake below each. */
	int per_row = fixed_per_row ? fixed_per_row : v->n_thumbs <= 2 ? 2 : v->n_thumbs <= 3 ? 3 : 4, tw, th;

	tw = (r.w - (per_row - 1) * t->gap) / per_row;
	th = tw * 1414 / 1000;
	if (th > r.h - t->target - t->gap)
		th = r.h - t->target - t->gap, tw = th * 1000 / 1414;
	for (size_t i = 0; i < v->n_thumbs && i < 8; i++) {
		int col = (int)i % per_row, row = (int)i / per_row;
		struct ui_rect img = { r.x + col * (tw + t->gap), r.y + row * (th + t->target + t->gap * 2), tw, th };

		if (th <= 0 || img.y + th + t->target > r.y + r.h)
			break;
		ui_draw_box(f, ui_rect_inset(img, -3), t->border, t->border, 0, 4);
		ui_draw_image(f, img, v->thumbs[i]);
		ui_button(f, t, (struct ui_rect){ img.x, img.y + th + t->gap / 2, tw, t->target * 3 / 4 },
			  ui_arena_printf(f->arena, "重拍第%zu页", i + 1), UI_BTN_SECONDARY, !v->scanning,
			  UI_ACT_RETAKE, (int)i, ui_arena_printf(f->arena, "scan.retake.%zu", i));
	}
}

/* The camera's live picture, fitted into r with its aspect; a touch on it captures. */
static void live_picture(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, const struct ui_scan_view *v)
{
	struct ui_rect img = r;

	ui_draw_box(f, r, t->text, t->border, 2, t->radius);
	if (!v->preview || v->preview->w <= 0 || v->preview->h <= 0) {
		ui_text_center(f, r, "正在打开高拍仪画面…", t->body_px, false, t->surface);
		return;
	}
	if ((long)r.w * v->preview->h > (long)r.h * v->preview->w)
		img.w = (int)((long)r.h * v->preview->w / v->preview->h), img.x = r.x + (r.w - img.w) / 2;
	else
		img.h = (int)((long)r.w * v->preview->h / v->preview->w), img.y = r.y + (r.h - img.h) / 2;
	ui_draw_image(f, img, v->preview);
	ui_add_hit(f, r, UI_ACT_SCAN, 0, !v->scanning, "scan.live");
}

void ui_screen_scan(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		    const struct ui_scan_view *v)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect left = ui_rect_cut_left(&r, r.w * 2 / 5), thumbs;
	int y = left.y;

	left.w -= t->gap * 2;
	y += ui_text_block(f, t, left, left.x, y, left.w,
			   ui_arena_printf(f->arena, "材料 %d / %d", v->index + 1, v->count), t->body_px, false,
			   t->muted, true);
	y += ui_text_block(f, t, left, left.x, y, left.w, v->material, t->heading_px, true, t->text, true);
	y += ui_text_block(f, t, left, left.x, y, left.w, v->requirement, t->body_px, false, t->text, true);
	if (v->note)
		y += ui_text_block(f, t, left, left.x, y, left.w, v->note, t->small_px, false, t->muted, true);
	{
		struct ui_rect b = left, words;
		const char *idle = v->camera ? "拍照" : "扫描", *busy = v->camera ? "正在拍照…" : "正在扫描…";

		b = ui_rect_cut_bottom(&b, t->target * 2 + t->gap);
		/* The instruction sits between the material and the button, and never runs under the button. */
		words = (struct ui_rect){ left.x, y + t->gap, left.w, b.y - y - t->gap };
		ui_text_block(f, t, words, words.x, words.y, words.w,
			      v->camera ? "材料正面朝上放在高拍仪下，摆正后点“拍照”。"
					: "材料正面朝下放入扫描区，再点“扫描”。不清楚可重拍。",
			      t->small_px, false, t->muted, true);
		ui_button(f, t, (struct ui_rect){ b.x, b.y, b.w, t->target }, v->scanning ? busy : idle,
			  UI_BTN_PRIMARY, !v->scanning, UI_ACT_SCAN, 0, "scan.start");
		if (v->skip_label)
			ui_button(f, t, (struct ui_rect){ b.x, b.y + t->target + t->gap, b.w, t->target },
				  v->skip_label, UI_BTN_SECONDARY, !v->scanning, UI_ACT_SKIP, 0, "scan.skip");
	}
	thumbs = ui_rect_inset(r, t->gap);
	ui_draw_box(f, r, t->surface, t->border, 2, t->radius);
	if (v->camera) {
		/* The picture takes what the pages leave: a column of pages beside it once there are any. */
		struct ui_rect live = thumbs;

		if (v->n_thumbs) {
			struct ui_rect col = ui_rect_cut_right(&live, thumbs.w * 9 / 25);

			live.w -= t->gap;
			thumbs_grid(f, t, col, v, 2);
		}
		live_picture(f, t, live, v);
	} else if (v->n_thumbs == 0) {
		ui_text_center(f, thumbs, "扫描后的页面显示在这里", t->body_px, false, t->muted);
	} else {
		thumbs_grid(f, t, thumbs, v, 0);
	}
	ui_chrome_finish(f, t, c);
}

void ui_screen_summary(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		       const char *headline, const struct ui_check_row *rows, size_t n_rows, const char *notice,
		       const char *toggle_label, bool toggle_on)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect right = ui_rect_cut_right(&r, r.w * 2 / 5);
	int y = r.y, rh = t->body_px * 2;

	r.w -= t->gap * 2;
	if (headline)
		y += ui_text_block(f, t, r, r.x, y, r.w, headline, t->heading_px * 3 / 4, true, t->text, true) +
		     t->gap / 2;
	for (size_t i = 0; i < n_rows; i++) {
		struct ui_rect row = { r.x, y, r.w, rh };
		struct ui_rect st = ui_rect_cut_right(&row, r.w * 2 / 5);
		uint32_t col = rows[i].kind == UI_CHECK_OK ? t->ok : rows[i].kind == UI_CHECK_MISSING ? t->error : t->muted;
		const char *mark = rows[i].kind == UI_CHECK_OK ? "✓ " : rows[i].kind == UI_CHECK_MISSING ? "✗ " : "· ";

		if (y + rh > r.y + r.h)
			break;
		ui_draw_rect(f, (struct ui_rect){ r.x, y + rh - 2, r.w, 2 }, t->border, 0);
		ui_text_left(f, row, ui_arena_printf(f->arena, "%s%s", mark, rows[i].name), t->body_px,
			     rows[i].kind == UI_CHECK_MISSING, rows[i].kind == UI_CHECK_MISSING ? t->error : t->text);
		ui_text_left(f, st, rows[i].status, t->small_px, true, col);
		y += rh;
	}
	if (notice || toggle_label) {
		struct ui_rect in = ui_rect_inset(right, t->gap);

		ui_draw_box(f, right, notice ? t->warn_bg : t->surface, t->border, 2, t->radius);
		if (toggle_label) {
			struct ui_rect tg = ui_rect_cut_bottom(&in, t->target * 3 / 2);

			ui_button(f, t, tg, ui_arena_printf(f->arena, "%s %s", toggle_on ? "☑" : "☐", toggle_label),
				  toggle_on ? UI_BTN_SELECTED : UI_BTN_SECONDARY, true, UI_ACT_TOGGLE, 0,
				  "summary.commit");
		}
		if (notice)
			ui_text_block(f, t, in, in.x, in.y, in.w, notice, t->body_px, false, t->text, true);
	}
	ui_chrome_finish(f, t, c);
}
