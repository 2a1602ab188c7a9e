/* Screens: each builds one display list from the data it is handed. Screens keep no state; the kiosk owns it.
 * Every screen draws the chrome (ui_chrome_begin/finish) around its content. Strings are borrowed for the call. */
#ifndef UI_SCREENS_H
#define UI_SCREENS_H

#include "ui/widgets.h"

struct ui_tile {
	const char *label;
	const char *sub;
	bool enabled;
};

/* Home: large service tiles, and the display mode buttons (长辈模式, 高对比度). */
void ui_screen_home(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		    const struct ui_tile *tiles, size_t n_tiles);

/* UI_PIC_PRINTER: a receipt leaving the thermal printer; UI_PIC_A4: a certificate leaving the A4 printer. */
enum ui_picture { UI_PIC_NONE, UI_PIC_CARD, UI_PIC_PRINTER, UI_PIC_A4, UI_PIC_BUSY, UI_PIC_OK, UI_PIC_ERROR, UI_PIC__COUNT };

struct ui_button_spec {
	const char *label;
	enum ui_button_style style;
	int arg; /* UI_ACT_BUTTON arg */
	const char *id;
};

/* A picture of what to do, a headline, a body, and optional buttons (UI_ACT_BUTTON with their arg). */
void ui_screen_message(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		       enum ui_picture pic, const char *headline, const char *body,
		       const struct ui_button_spec *buttons, size_t n_buttons);

struct ui_row {
	const char *title;
	const char *sub;
};

/* Catalog: theme tabs on the left, a page of rows on the right starting at first, a search button. Writes how many
 * rows it showed to ret_shown, so the kiosk can page. */
void ui_screen_catalog(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		       const char *const *tabs, size_t n_tabs, int tab, const struct ui_row *rows, size_t n_rows,
		       size_t first, const char *query, int *ret_shown);

/* Search: the query, a letter keyboard and the matching rows. */
void ui_screen_search(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *query,
		      const struct ui_row *rows, size_t n_rows, size_t first, int *ret_shown);

struct ui_section {
	const char *heading;
	const char *body;
};

/* The service guide: sections in one scrolling column, scrolled down by scroll px; page buttons. Writes the
 * content height and the visible height to ret_content_h and ret_view_h. */
void ui_screen_guide(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		     const struct ui_section *sections, size_t n, int scroll, int *ret_content_h, int *ret_view_h);

struct ui_field {
	const char *label;
	const char *value;
	bool editable;  /* a target that opens an input screen (UI_ACT_FIELD) */
	bool from_card; /* marked as read from the ID card */
	bool invalid;
	const char *hint;
};

/* The application form: the card's photo on the right (photo NULL: a neutral placeholder, as when no decoder is
 * configured), fields, then one choice among options (UI_ACT_CHOICE). */
void ui_screen_form(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		    const struct ui_image *photo, const struct ui_field *fields, size_t n_fields, const char *choice_label,
		    const char *const *choices, size_t n_choices, int chosen);

/* A digit entry: label, value, a hint or error line, the digit pad. */
void ui_screen_digits(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *label,
		      const char *value, const char *hint, bool invalid);

/* Letter entry for free text (ASCII from the pad; a hardware keyboard or input method may add any text). */
void ui_screen_text(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *label,
		    const char *value, const char *hint);

struct ui_scan_view {
	const char *material;      /* its name */
	const char *requirement;   /* "原件1份 · 必须提交" */
	const char *note;          /* NULL or a note from the guide */
	int index, count;          /* this is material index+1 of count */
	const struct ui_image *const *thumbs;
	size_t n_thumbs;
	bool scanning;             /* a job is running: the scan button shows it */
	const char *skip_label;    /* NULL: the material cannot be skipped */
	bool camera;               /* a document camera: its live picture, and 拍照 rather than 扫描 */
	const struct ui_image *preview; /* the camera's latest picture, NULL: none yet (or it stopped) */
};

/* Scanning one material: what to place, a scan button, thumbnails with retake buttons; with a document camera,
 * its live picture above the thumbnails, which a touch also captures. */
void ui_screen_scan(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		    const struct ui_scan_view *v);

enum ui_check { UI_CHECK_OK, UI_CHECK_MISSING, UI_CHECK_INFO, UI_CHECK__COUNT };

struct ui_check_row {
	const char *name;
	const char *status; /* words, never colour alone */
	enum ui_check kind;
};

/* The summary: every material's state; the missing ones together (一次性告知); an optional commitment toggle
 * (UI_ACT_TOGGLE 0) when the item allows acceptance with gaps. */
void ui_screen_summary(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		       const char *headline, const struct ui_check_row *rows, size_t n_rows, const char *notice,
		       const char *toggle_label, bool toggle_on);

/* 好差评: five level buttons (UI_ACT_LEVEL 0..4), a line about the keypad. */
void ui_screen_eval(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		    const char *const levels[5], int chosen, const char *subject, const char *hint);

/* Reasons for a bad rating: multi-select chips (UI_ACT_REASON), the optional text (UI_ACT_FIELD 0), and named or
 * anonymous (UI_ACT_TOGGLE 1). */
void ui_screen_reasons(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
		       const char *const *reasons, size_t n, uint32_t selected, const char *text, bool named);

/* 进度查询, asking: a card on the reader (left), or the query code on a keyboard of the code's own alphabet
 * (right). hint is a line under the box; invalid marks it an error. */
void ui_screen_query(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *code,
		     const char *hint, bool invalid);

struct ui_progress_row {
	const char *title;    /* the item */
	const char *number;   /* case numbers */
	const char *status;   /* where it stands, in words */
	const char *deadline; /* promised completion, with "即将到期" or "已超期" in words */
	enum ui_check kind;   /* OK done, MISSING near or past the promised date, INFO otherwise */
	const char *button;   /* the case's action (补打回执), NULL for none: UI_ACT_ITEM with the row's index */
	bool button_enabled;
};
/* 进度查询, the answer: an optional notice (offline, still asking), then one card per case. */
void ui_screen_progress(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
			const char *notice, const struct ui_progress_row *rows, size_t n);

/* 证照打印: an optional notice (asking, offline, none; retry adds a 重新查询 button, UI_ACT_BUTTON 0), then one card
 * per certificate with its print button (UI_ACT_ITEM with the row's index). */
void ui_screen_certs(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c, const char *notice,
		     bool notice_error, bool retry, const struct ui_row *rows, size_t n);

/* 好差评 from its home tile: two large choices, the terminal and hall (UI_ACT_BUTTON 0) or a follow-up
 * rating of a past case (UI_ACT_BUTTON 1). */
void ui_screen_rate_choice(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c);

struct ui_followup_row {
	const char *title; /* the item */
	const char *sub;   /* case number, when it was accepted or where it stands */
	bool done;         /* already has its follow-up rating: shown, not chosen */
};
/* 追评: an optional notice (asking, offline, none found), then one card per case with its 追评 button
 * (UI_ACT_ITEM with the row's index). */
void ui_screen_followup(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c,
			const char *notice, const struct ui_followup_row *rows, size_t n);
#endif
