/* Widgets: wrapped text, buttons, tiles, the header and footer every screen shares, banners, dialogs and
 * on-screen keyboards. Each draws into a frame and registers its hit targets. */
#ifndef UI_WIDGETS_H
#define UI_WIDGETS_H

#include "ui/draw.h"
#include "ui/theme.h"

/* What a touch on a target asks for. The kiosk maps each to a journey event. */
enum ui_action {
	UI_ACT_NONE,
	UI_ACT_HOME,      /* 返回首页 */
	UI_ACT_BACK,      /* 上一步 */
	UI_ACT_NEXT,      /* the main action on the right of the footer */
	UI_ACT_TILE,      /* arg: tile index */
	UI_ACT_THEME,     /* arg: enum ui_theme_id */
	UI_ACT_TAB,       /* arg: tab index */
	UI_ACT_ITEM,      /* arg: row index in the full list */
	UI_ACT_PAGE_UP,
	UI_ACT_PAGE_DOWN,
	UI_ACT_SEARCH,    /* open the search keyboard */
	UI_ACT_KEY,       /* arg: the character, or UI_KEYCODE_* */
	UI_ACT_FIELD,     /* arg: field index */
	UI_ACT_CHOICE,    /* arg: choice index */
	UI_ACT_SCAN,
	UI_ACT_RETAKE,    /* arg: page index */
	UI_ACT_SKIP,      /* go on without this material */
	UI_ACT_TOGGLE,    /* arg: which toggle */
	UI_ACT_LEVEL,     /* arg: evaluation level 0..4 */
	UI_ACT_REASON,    /* arg: reason index */
	UI_ACT_BUTTON,    /* arg: a screen-specific button */
	UI_ACT_DIALOG,    /* the dialog's button */
	UI_ACT__COUNT
};

enum { UI_KEYCODE_BACKSPACE = 0x08, UI_KEYCODE_CLEAR = 0x7f };

const char *ui_action_str(enum ui_action a);

/* Text laid out over lines of at most width px. CJK breaks between any two characters; Latin text between
 * words where it can; closing punctuation never starts a line. Draws at (x, y) and returns the height used.
 * With draw false it only measures. Lines above clip_top or below clip_bottom are skipped. */
int ui_text_block(struct ui_frame *f, const struct ui_theme *t, struct ui_rect clip, int x, int y, int width,
		  const char *text, int px, bool bold, uint32_t color, bool draw);
/* Width of one line of text in px. */
int ui_text_width(struct ui_frame *f, const char *text, int px, bool bold);
/* One line centred in r (ellipsised with … when too long). */
void ui_text_center(struct ui_frame *f, struct ui_rect r, const char *text, int px, bool bold, uint32_t color);
/* One line left-aligned in r, vertically centred (ellipsised when too long). */
void ui_text_left(struct ui_frame *f, struct ui_rect r, const char *text, int px, bool bold, uint32_t color);

enum ui_button_style { UI_BTN_PRIMARY, UI_BTN_SECONDARY, UI_BTN_DANGER, UI_BTN_SELECTED, UI_BTN__COUNT };

/* A button that is at least the theme's touch target. A disabled one looks disabled and still catches the touch
 * (enabled false in its hit). */
void ui_button(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, const char *label,
	       enum ui_button_style style, bool enabled, int action, int arg, const char *id);

/* The frame around every screen. */
struct ui_chrome {
	const char *hall;         /* the terminal's name, top left */
	const char *title;        /* the screen's one question or title */
	int step, steps;          /* "第2步 / 共6步"; steps 0: none */
	int countdown_s;          /* seconds before the terminal returns home; -1: none */
	const char *banner;       /* a message over the content, NULL: none */
	bool banner_error;
	bool show_home, show_back;
	const char *next_label;   /* the main action; NULL: none */
	bool next_enabled;
	const char *dialog_title; /* a modal dialog over everything (idle warning), NULL: none */
	const char *dialog_text;
	const char *dialog_button;
	const char *dev_line;     /* developer key help, NULL: none */
};

/* Draws the background, header and footer; returns the content box. Call ui_chrome_finish() after the content so
 * the banner and the dialog lie over it. */
struct ui_rect ui_chrome_begin(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c);
void ui_chrome_finish(struct ui_frame *f, const struct ui_theme *t, const struct ui_chrome *c);

/* A digit pad (3x4: 1-9, 清空, 0, 退格) in r. */
void ui_digit_pad(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r);
/* The query code's keyboard: 2-9 and the letters without I, L and O (the codes never use them), 退格, 清空. */
void ui_code_keyboard(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r);
/* A letter keyboard (A-Z in QWERTY rows, 退格, 清空) in r. */
void ui_letter_keyboard(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r);
/* A framed input box showing value (or the grey hint when empty). */
void ui_input_box(struct ui_frame *f, const struct ui_theme *t, struct ui_rect r, const char *value,
		  const char *hint, bool invalid);

/* Splits r. */
struct ui_rect ui_rect_inset(struct ui_rect r, int d);
struct ui_rect ui_rect_cut_top(struct ui_rect *r, int h);
struct ui_rect ui_rect_cut_bottom(struct ui_rect *r, int h);
struct ui_rect ui_rect_cut_left(struct ui_rect *r, int w);
struct ui_rect ui_rect_cut_right(struct ui_rect *r, int w);

#endif
