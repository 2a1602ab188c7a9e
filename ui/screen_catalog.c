/* The catalog browser and the pinyin-initial search. */
#include "ui/screens.h"

/* A column of rows from first on; returns how many fit. Page buttons appear when the list continues. */
static int rows_page(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, const struct ui_row *rows,
		     size_t n, size_t first, const char *empty)
{
	struct ui_rect nav = ui_rect_cut_bottom(&r, t->target);
	int rh = t->body_px * 2 + t->small_px * 2, shown = 0;
	int y = r.y;

	if (rh < t->target)
		rh = t->target;
	if (n == 0)
		ui_text_block(f, t, r, r.x + t->gap, r.y + t->gap, r.w - 2 * t->gap, empty, t->body_px, false,
			      t->muted, true);
	for (size_t i = first; i < n && y + rh <= r.y + r.h; i++, shown++) {
		struct ui_rect b = { r.x, y, r.w, rh }, in = ui_rect_inset(b, t->gap / 2);

		in.x += t->gap / 2, in.w -= t->gap;
		ui_draw_box(f, b, t->surface, t->border, 2, t->radius);
		ui_text_left(f, ui_rect_cut_top(&in, in.h * 3 / 5), rows[i].title, t->body_px, true, t->text);
		if (rows[i].sub)
			ui_text_left(f, in, rows[i].sub, t->small_px, false, t->muted);
		ui_add_hit(f, b, UI_ACT_ITEM, (int)i, true, ui_arena_printf(f->arena, "item.%zu", i));
		y += rh + t->gap / 2;
	}
	if (first > 0 || first + (size_t)shown < n) {
		int bw = nav.w / 3;
		const char *where = ui_arena_printf(f->arena, "第 %zu-%zu 项，共 %zu 项", first + 1,
						    first + (size_t)shown, n);

		nav.y += t->gap / 2, nav.h -= t->gap / 2;
		ui_button(f, t, (struct ui_rect){ nav.x, nav.y, bw, nav.h }, "上一页", UI_BTN_SECONDARY, first > 0,
			  UI_ACT_PAGE_UP, 0, "list.up");
		ui_text_center(f, (struct ui_rect){ nav.x + bw, nav.y, nav.w - 2 * bw, nav.h }, where, t->small_px,
			       false, t->muted);
		ui_button(f, t, (struct ui_rect){ nav.x + nav.w - bw, nav.y, bw, nav.h }, "下一页", UI_BTN_SECONDARY,
			  first + (size_t)shown < n, UI_ACT_PAGE_DOWN, 0, "list.down");
	}
	return shown;
}

void ui_screen_catalog(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		       const char *const *tabs, size_t n_tabs, int tab, const struct ui_row *rows, size_t n_rows,
		       size_t first, const char *query, int *ret_shown)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect side = ui_rect_cut_left(&r, r.w / 3);
	struct ui_rect search = ui_rect_cut_top(&side, t->target);
	/* Two columns of tabs keep each one a full-size target even with many themes. */
	int tab_rows = ((int)n_tabs + 1) / 2, tw = (side.w - t->gap / 2) / 2;
	int th = (side.h - t->gap) / (tab_rows ? tab_rows : 1) - t->gap / 2;

	if (th > t->target)
		th = t->target;
	ui_button(f, t, search, query && *query ? ui_arena_printf(f->arena, "搜索：%s", query) : "搜索 · 拼音首字母",
		  UI_BTN_PRIMARY, true, UI_ACT_SEARCH, 0, "catalog.search");
	for (size_t i = 0; i < n_tabs; i++)
		ui_button(f, t,
			  (struct ui_rect){ side.x + (int)(i % 2) * (tw + t->gap / 2),
					    side.y + t->gap + (int)(i / 2) * (th + t->gap / 2), tw, th },
			  tabs[i], (int)i == tab ? UI_BTN_SELECTED : UI_BTN_SECONDARY, true, UI_ACT_TAB, (int)i,
			  ui_arena_printf(f->arena, "tab.%zu", i));
	r.x += t->gap * 2, r.w -= t->gap * 2;
	*ret_shown = rows_page(f, t, r, rows, n_rows, first, "没有找到可在本机办理的事项。请换个关键词，或到窗口咨询。");
	ui_chrome_finish(f, t, c);
}

void ui_screen_search(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *query,
		      const struct ui_row *rows, size_t n_rows, size_t first, int *ret_shown)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect left = ui_rect_cut_left(&r, r.w / 2);
	struct ui_rect box = ui_rect_cut_top(&left, t->target);

	ui_input_box(f, t, box, query, "输入事项名称的拼音首字母，如 ylbx", false);
	left.y += t->gap, left.h -= t->gap;
	ui_letter_keyboard(f, t, left);
	r.x += t->gap * 2, r.w -= t->gap * 2;
	*ret_shown = rows_page(f, t, r, rows, n_rows, first, "没有找到匹配的事项。");
	ui_chrome_finish(f, t, c);
}

void ui_screen_guide(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		     const struct ui_section *sections, size_t n, int scroll, int *ret_content_h, int *ret_view_h)
{
	struct ui_rect r = ui_chrome_begin(f, t, c);
	struct ui_rect nav = ui_rect_cut_right(&r, t->target + t->gap * 3);
	struct ui_rect view = ui_rect_inset(r, t->gap);
	int y = view.y - scroll, total = 0;

	ui_draw_box(f, r, t->surface, t->border, 2, t->radius);
	for (size_t i = 0; i < n; i++) {
		int h;

		h = ui_text_block(f, t, view, view.x, y, view.w, sections[i].heading, t->body_px, true, t->accent,
				  true);
		y += h, total += h;
		h = ui_text_block(f, t, view, view.x, y, view.w, sections[i].body, t->body_px, false, t->text, true);
		y += h + t->gap, total += h + t->gap;
	}
	nav.x += t->gap * 2, nav.w -= t->gap * 2;
	ui_button(f, t, (struct ui_rect){ nav.x, nav.y, nav.w, nav.h / 2 - t->gap / 2 }, "上翻", UI_BTN_SECONDARY,
		  scroll > 0, UI_ACT_PAGE_UP, 0, "guide.up");
	ui_button(f, t, (struct ui_rect){ nav.x, nav.y + nav.h / 2 + t->gap / 2, nav.w, nav.h / 2 - t->gap / 2 },
		  "下翻", UI_BTN_SECONDARY, scroll + view.h < total, UI_ACT_PAGE_DOWN, 0, "guide.down");
	*ret_content_h = total;
	*ret_view_h = view.h;
	ui_chrome_finish(f, t, c);
}
