/* Tests of the SDL backend, headless with the real CJK fonts: metrics, drawing boxes, text and
 * images into the software renderer, PNG round trips, input translation and wake-ups from another
 * thread. Ends with a timing print-out of a full-HD frame (information, not an assertion). SDL.h is
 * included only to inject events. */
#include "ui/sdl/ui_sdl.h"

#include "common/utf8.h"

#include <SDL.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define FONT_REGULAR "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define FONT_BOLD "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

struct fixture {
	struct ui_sdl *u;
	struct ui_arena arena;
	struct ui_frame frame;
};

static struct ui_sdl *open_headless(int w, int h)
{
	struct ui_sdl_config cfg = {
		.width = w,
		.height = h,
		.headless = true,
		.font_path = FONT_REGULAR,
		.bold_path = FONT_BOLD,
	};
	struct ui_sdl *u = NULL;
	enum kerr e = ui_sdl_create(&cfg, &u);

	if (e)
		fail_msg("ui_sdl_create: %s: %s", kerr_str(e), ui_sdl_last_error());
	return u;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->u = open_headless(640, 360);
	if (ui_arena_init(&fx->arena, 256 * 1024)) {
		ui_sdl_destroy(fx->u);
		free(fx);
		return -1;
	}
	ui_frame_begin(&fx->frame, &fx->arena, ui_sdl_metrics(fx->u), 640, 360);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	ui_arena_finish(&fx->arena);
	ui_sdl_destroy(fx->u);
	free(fx);
	return 0;
}

static const unsigned char *pixel(const unsigned char *px, int w, int x, int y)
{
	return px + ((size_t)y * w + x) * 4;
}

static void assert_rgb(const unsigned char *p, int r, int g, int b, int tolerance)
{
	if (abs(p[0] - r) > tolerance || abs(p[1] - g) > tolerance || abs(p[2] - b) > tolerance)
		fail_msg("pixel %d,%d,%d,%d, expected %d,%d,%d", p[0], p[1], p[2], p[3], r, g, b);
}

static int dark_pixels(const unsigned char *px, int w, int x0, int y0, int x1, int y1)
{
	int n = 0;

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			n += pixel(px, w, x, y)[0] < 96;
	return n;
}

static void test_create_errors(void **state)
{
	struct ui_sdl_config cfg = {
		.width = 64, .height = 64, .headless = true, .font_path = "/nonexistent.ttc"
	};
	struct ui_sdl *u = (struct ui_sdl *)&cfg; /* must stay untouched on failure */

	(void)state;
	assert_int_equal(ui_sdl_create(&cfg, &u), KERR_NOT_FOUND);
	assert_ptr_equal(u, (struct ui_sdl *)&cfg);
	assert_true(strlen(ui_sdl_last_error()) > 0);
	cfg.width = 0;
	assert_int_equal(ui_sdl_create(&cfg, &u), KERR_INVAL);
	ui_sdl_destroy(NULL);
}

static void test_metrics(void **state)
{
	struct fixture *fx = *state;
	const struct ui_text_metrics *m = ui_sdl_metrics(fx->u);
	int zh = m->advance(m->ctx, 0x4e2d /* 中 */, 32, false);

	assert_true(zh > 0);
	assert_int_equal(m->advance(m->ctx, 0x4e2d, 32, false), zh);
	/* CJK ideographs are square: the advance is the size. */
	assert_int_equal(zh, 32);
	assert_true(m->advance(m->ctx, 0x4e2d, 48, false) > zh);
	assert_true(m->advance(m->ctx, 0x4e2d, 32, true) > 0);
	assert_true(m->advance(m->ctx, 'i', 32, false) < zh);
	assert_true(m->line_height(m->ctx, 32) > 32);
	assert_true(m->line_height(m->ctx, 44) > m->line_height(m->ctx, 32));
	/* A character the font lacks keeps a space's width; controls take none. */
	assert_int_equal(m->advance(m->ctx, 0xe000, 32, false), m->advance(m->ctx, ' ', 32, false));
	assert_int_equal(m->advance(m->ctx, '\n', 32, false), 0);
}

static void test_glyph_cache_flush(void **state)
{
	struct fixture *fx = *state;
	const struct ui_text_metrics *m = ui_sdl_metrics(fx->u);
	int before = m->advance(m->ctx, 0x6c11 /* 民 */, 40, false);

	/* More distinct entries than the cache holds: it flushes and gives the same answers. */
	for (uint32_t cp = 0x4e00; cp < 0x4e00 + 5000; cp++)
		assert_true(m->advance(m->ctx, cp, 40, false) > 0);
	assert_int_equal(m->advance(m->ctx, 0x6c11, 40, false), before);
	ui_draw_text_line(&fx->frame, (struct ui_rect){ 0, 0, 640, 360 }, 10, 10, "民生", 40, false,
			  0x000000ff);
	assert_int_equal(ui_sdl_draw(fx->u, &fx->frame), KERR_OK);
}

static void test_draw_pixels(void **state)
{
	struct fixture *fx = *state;
	struct ui_frame *f = &fx->frame;
	/* Left half red, right half green. */
	static const unsigned char img_px[] = { 255, 0, 0, 255, 0, 255, 0, 255 };
	struct ui_image img = { .w = 2, .h = 1, .rgba = img_px, .key = 1 };
	const unsigned char *px;
	int w = 0, h = 0;

	ui_draw_box(f, (struct ui_rect){ 20, 20, 200, 100 }, 0x2060c0ff, 0x000000ff, 3, 16);
	ui_draw_rect(f, (struct ui_rect){ 240, 20, 100, 100 }, 0x00000080, 12);
	ui_draw_box(f, (struct ui_rect){ 20, 280, 120, 60 }, 0x00000000, 0xc00000ff, 4, 20);
	ui_draw_text_line(f, (struct ui_rect){ 20, 140, 600, 60 }, 20, 140, "政务服务自助终端", 32,
			  false, 0x000000ff);
	/* Clipped at x = 100: nothing of it may show further right. */
	ui_draw_text_line(f, (struct ui_rect){ 20, 200, 80, 60 }, 20, 200, "返回首页上一步", 32,
			  true, 0x000000ff);
	ui_draw_image(f, (struct ui_rect){ 400, 20, 200, 100 }, &img);
	assert_int_equal(ui_sdl_draw(fx->u, f), KERR_OK);

	px = ui_sdl_pixels(fx->u, &w, &h);
	assert_non_null(px);
	assert_int_equal(w, 640);
	assert_int_equal(h, 360);
	/* The box: fill in the middle, border at the edge, white beyond the rounded corner. */
	assert_rgb(pixel(px, w, 120, 70), 0x20, 0x60, 0xc0, 0);
	assert_int_equal(pixel(px, w, 120, 70)[3], 255);
	assert_rgb(pixel(px, w, 21, 70), 0, 0, 0, 0);
	assert_rgb(pixel(px, w, 120, 118), 0, 0, 0, 0);
	assert_rgb(pixel(px, w, 20, 20), 255, 255, 255, 8);
	assert_rgb(pixel(px, w, 219, 119), 255, 255, 255, 8);
	assert_rgb(pixel(px, w, 0, 0), 255, 255, 255, 0);
	/* Half-transparent black over white is mid grey. */
	assert_rgb(pixel(px, w, 290, 70), 127, 127, 127, 2);
	/* A border with no fill: red band, white inside. */
	assert_rgb(pixel(px, w, 21, 310), 0xc0, 0, 0, 0);
	assert_rgb(pixel(px, w, 80, 310), 255, 255, 255, 0);
	assert_rgb(pixel(px, w, 80, 281), 0xc0, 0, 0, 0);
	/* Text is there, and stops at its clip box. */
	assert_true(dark_pixels(px, w, 20, 140, 300, 200) > 500);
	assert_true(dark_pixels(px, w, 20, 200, 100, 260) > 100);
	assert_int_equal(dark_pixels(px, w, 100, 200, 640, 270), 0);
	/* The image, scaled: each half keeps its colour. */
	assert_rgb(pixel(px, w, 430, 70), 255, 0, 0, 2);
	assert_rgb(pixel(px, w, 570, 70), 0, 255, 0, 2);
}

static void test_text_matches_measure(void **state)
{
	struct fixture *fx = *state;
	const struct ui_text_metrics *m = ui_sdl_metrics(fx->u);
	const char *s = "办事指南ABC";
	const unsigned char *px;
	int w, h, width = 0, right = 0;

	for (const char *p = s; *p;)
		width += m->advance(m->ctx, utf8_next(&p), 32, false);
	ui_draw_text_line(&fx->frame, (struct ui_rect){ 0, 0, 640, 360 }, 100, 100, s, 32, false,
			  0x000000ff);
	assert_int_equal(ui_sdl_draw(fx->u, &fx->frame), KERR_OK);
	px = ui_sdl_pixels(fx->u, &w, &h);
	for (int y = 90; y < 160; y++)
		for (int x = 90; x < 640; x++)
			if (pixel(px, w, x, y)[0] < 200 && x > right)
				right = x;
	/* The ink ends within a couple of pixels of the measured advance (side bearings). */
	assert_true(right > 100 + width - 6);
	assert_true(right < 100 + width + 2);
	/* And the text sits inside its line: nothing above the top or below the line height. */
	assert_int_equal(dark_pixels(px, w, 0, 0, 640, 100), 0);
	assert_int_equal(dark_pixels(px, w, 0, 100 + m->line_height(m->ctx, 32), 640, 360), 0);
}

static void test_png_round_trip(void **state)
{
	struct fixture *fx = *state;
	char dir[] = "/tmp/test_ui_sdl.XXXXXX";
	char path[64], bad[128];
	const unsigned char *px;
	unsigned char *back = NULL;
	int w, h, bw = 0, bh = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/shot.png", dir);
	snprintf(bad, sizeof(bad), "%s/missing/shot.png", dir);
	ui_draw_box(&fx->frame, (struct ui_rect){ 10, 10, 300, 200 }, 0x3080ffff, 0x102030ff, 2,
		    24);
	ui_draw_text_line(&fx->frame, (struct ui_rect){ 0, 0, 640, 360 }, 30, 250, "打印回执", 44,
			  true, 0x202020ff);
	assert_int_equal(ui_sdl_draw(fx->u, &fx->frame), KERR_OK);
	assert_int_equal(ui_sdl_save_png(fx->u, path), KERR_OK);
	assert_int_equal(ui_png_read(path, &back, &bw, &bh), KERR_OK);
	px = ui_sdl_pixels(fx->u, &w, &h);
	assert_int_equal(bw, w);
	assert_int_equal(bh, h);
	assert_memory_equal(back, px, (size_t)w * h * 4);
	free(back);

	back = NULL;
	assert_int_equal(ui_png_write(bad, px, w, h), KERR_IO);
	assert_int_equal(ui_png_read(bad, &back, &bw, &bh), KERR_IO);
	assert_null(back);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

struct waker {
	struct ui_sdl *u;
	int token;
	enum kerr e;
};

static void *wake_later(void *arg)
{
	struct waker *w = arg;

	w->e = ui_sdl_wake(w->u, &w->token);
	return NULL;
}

static void test_wake_from_thread(void **state)
{
	struct fixture *fx = *state;
	struct waker w = { .u = fx->u, .token = 7, .e = KERR_IO };
	struct ui_input in;
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, wake_later, &w), 0);
	ui_sdl_wait(fx->u, 5000, &in);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(w.e, KERR_OK);
	assert_int_equal(in.type, UI_IN_WAKE);
	assert_ptr_equal(in.data, &w.token);
	assert_int_equal(*(int *)in.data, 7);
}

static void test_wait_timeout(void **state)
{
	struct fixture *fx = *state;
	struct ui_input in = { .type = UI_IN_QUIT };

	ui_sdl_wait(fx->u, 0, &in);
	assert_int_equal(in.type, UI_IN_NONE);
	/* An event the kiosk ignores does not end the wait early, nor stretch it. */
	SDL_PushEvent(&(SDL_Event){ .motion = { .type = SDL_MOUSEMOTION, .x = 5, .y = 5 } });
	ui_sdl_wait(fx->u, 20, &in);
	assert_int_equal(in.type, UI_IN_NONE);
}

static struct ui_input next(struct ui_sdl *u)
{
	struct ui_input in;

	ui_sdl_wait(u, 0, &in);
	return in;
}

static void push(SDL_Event ev)
{
	assert_int_equal(SDL_PushEvent(&ev), 1);
}

static void test_input_translation(void **state)
{
	struct fixture *fx = *state;
	struct ui_input in;
	SDL_Event text = { .text = { .type = SDL_TEXTINPUT } };

	push((SDL_Event){ .button = { .type = SDL_MOUSEBUTTONDOWN,
				      .button = SDL_BUTTON_LEFT,
				      .x = 10,
				      .y = 20 } });
	push((SDL_Event){
		.button = {
			.type = SDL_MOUSEBUTTONUP, .button = SDL_BUTTON_LEFT, .x = 11, .y = 21 } });
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_PRESS);
	assert_int_equal(in.x, 10);
	assert_int_equal(in.y, 20);
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_TAP);
	assert_int_equal(in.x, 11);

	/* A touch: the finger counts, the mouse copy SDL makes of it and a second finger do not. */
	push((SDL_Event){ .tfinger = { .type = SDL_FINGERDOWN,
				       .touchId = 1,
				       .fingerId = 5,
				       .x = 0.5f,
				       .y = 0.25f } });
	push((SDL_Event){ .button = { .type = SDL_MOUSEBUTTONDOWN,
				      .which = SDL_TOUCH_MOUSEID,
				      .button = SDL_BUTTON_LEFT,
				      .x = 320,
				      .y = 90 } });
	push((SDL_Event){ .tfinger = { .type = SDL_FINGERDOWN,
				       .touchId = 1,
				       .fingerId = 6,
				       .x = 0.1f,
				       .y = 0.1f } });
	push((SDL_Event){ .tfinger = { .type = SDL_FINGERUP,
				       .touchId = 1,
				       .fingerId = 6,
				       .x = 0.1f,
				       .y = 0.1f } });
	push((SDL_Event){ .tfinger = { .type = SDL_FINGERUP,
				       .touchId = 1,
				       .fingerId = 5,
				       .x = 0.5f,
				       .y = 1.0f } });
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_PRESS);
	assert_int_equal(in.x, 320);
	assert_int_equal(in.y, 90);
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_TAP);
	assert_int_equal(in.x, 320);
	assert_int_equal(in.y, 359); /* clamped onto the panel */
	assert_int_equal(next(fx->u).type, UI_IN_NONE);

	/* Keys: function and editing keys come as keys; a letter comes once, as text, unless Ctrl
	 * is held. */
	SDL_StartTextInput();
	push((SDL_Event){ .key = { .type = SDL_KEYDOWN, .keysym = { .sym = SDLK_F5 } } });
	push((SDL_Event){ .key = { .type = SDL_KEYDOWN, .keysym = { .sym = SDLK_ESCAPE } } });
	push((SDL_Event){ .key = { .type = SDL_KEYDOWN, .keysym = { .sym = SDLK_DOWN } } });
	push((SDL_Event){ .key = { .type = SDL_KEYDOWN, .keysym = { .sym = SDLK_a } } });
	strcpy(text.text.text, "a");
	push(text);
	push((SDL_Event){
		.key = { .type = SDL_KEYDOWN, .keysym = { .sym = SDLK_a, .mod = KMOD_LCTRL } } });
	strcpy(text.text.text, "中文");
	push(text);
	push((SDL_Event){ .key = { .type = SDL_KEYUP, .keysym = { .sym = SDLK_a } } });
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_KEY);
	assert_int_equal(in.key, UI_KEY_F1 + 4);
	assert_int_equal(next(fx->u).key, UI_KEY_ESCAPE);
	assert_int_equal(next(fx->u).key, UI_KEY_DOWN);
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_TEXT);
	assert_string_equal(in.text, "a");
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_KEY);
	assert_int_equal(in.key, 'a');
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_TEXT);
	assert_string_equal(in.text, "中文");
	assert_int_equal(next(fx->u).type, UI_IN_NONE);

	/* With text input off, letters and digits come as keys. */
	SDL_StopTextInput();
	push((SDL_Event){ .key = { .type = SDL_KEYDOWN, .keysym = { .sym = SDLK_7 } } });
	in = next(fx->u);
	assert_int_equal(in.type, UI_IN_KEY);
	assert_int_equal(in.key, '7');
	SDL_StartTextInput();

	push((SDL_Event){ .window = { .type = SDL_WINDOWEVENT, .event = SDL_WINDOWEVENT_MOVED } });
	push((SDL_Event){
		.window = { .type = SDL_WINDOWEVENT, .event = SDL_WINDOWEVENT_EXPOSED } });
	push((SDL_Event){ .type = SDL_QUIT });
	assert_int_equal(next(fx->u).type, UI_IN_EXPOSE);
	assert_int_equal(next(fx->u).type, UI_IN_QUIT);
	assert_int_equal(next(fx->u).type, UI_IN_NONE);
}

static void test_keep_pixels_window(void **state)
{
	struct ui_sdl_config cfg = {
		.width = 320,
		.height = 180,
		.font_path = FONT_REGULAR,
		.title = "test",
	};
	struct ui_sdl *u = NULL;
	struct ui_arena a;
	struct ui_frame f;
	const unsigned char *px;
	int w = 0, h = 0;
	const char *was = getenv("SDL_VIDEODRIVER");
	char saved[64] = "";

	(void)state;
	/* The dummy driver gives windows without a display, drawn by the software renderer. Not the
	 * offscreen driver: its windows load Mesa's EGL, which leaks under LeakSanitizer from
	 * libraries already unloaded at exit, where no suppression can name them. */
	if (was)
		snprintf(saved, sizeof(saved), "%s", was);
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	if (ui_sdl_create(&cfg, &u) != KERR_OK) {
		setenv("SDL_VIDEODRIVER", saved, 1);
		skip();
	}
	assert_int_equal(ui_arena_init(&a, 64 * 1024), KERR_OK);
	ui_frame_begin(&f, &a, ui_sdl_metrics(u), 320, 180);
	ui_draw_rect(&f, (struct ui_rect){ 10, 10, 100, 100 }, 0x10a040ff, 8);
	assert_int_equal(ui_sdl_draw(u, &f), KERR_OK);
	assert_null(ui_sdl_pixels(u, &w, &h));
	assert_int_equal(ui_sdl_save_png(u, "/nonexistent/never.png"), KERR_INVAL);
	ui_sdl_keep_pixels(u, true);
	assert_int_equal(ui_sdl_draw(u, &f), KERR_OK);
	px = ui_sdl_pixels(u, &w, &h);
	assert_non_null(px);
	assert_int_equal(w, 320);
	assert_int_equal(h, 180);
	assert_rgb(pixel(px, w, 60, 60), 0x10, 0xa0, 0x40, 0);
	assert_rgb(pixel(px, w, 200, 60), 255, 255, 255, 0);
	ui_sdl_keep_pixels(u, false);
	assert_int_equal(ui_sdl_draw(u, &f), KERR_OK);
	assert_null(ui_sdl_pixels(u, &w, &h));
	ui_arena_finish(&a);
	ui_sdl_destroy(u);
	setenv("SDL_VIDEODRIVER", saved, 1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A home screen's worth: 40 rounded tiles, half with borders, and 300 CJK glyphs at body size. */
static void test_full_hd_timing(void **state)
{
	static const char line[] =
		"社会保障卡申领户籍证明开具公积金提取不动产登记查询营业执照办理医保";
	struct ui_sdl *u = open_headless(1920, 1080);
	struct ui_arena a;
	struct ui_frame f;
	double t0, cold, warm;
	const int runs = 20;

	(void)state;
	assert_int_equal(ui_arena_init(&a, 256 * 1024), KERR_OK);
	ui_frame_begin(&f, &a, ui_sdl_metrics(u), 1920, 1080);
	for (int i = 0; i < 40; i++) {
		struct ui_rect r = { 60 + (i % 8) * 230, 140 + (i / 8) * 170, 210, 150 };

		if (i % 2)
			ui_draw_box(&f, r, 0xf4f7fbff, 0x1f6fd0ff, 3, 20);
		else
			ui_draw_rect(&f, r, 0x1f6fd0ff, 24);
	}
	for (int i = 0; i < 10; i++)
		ui_draw_text_line(&f, (struct ui_rect){ 0, 0, 1920, 1080 }, 60, 140 + i * 90, line,
				  32, i % 3 == 0, 0x1a1a1aff);
	t0 = now_ms();
	assert_int_equal(ui_sdl_draw(u, &f), KERR_OK);
	cold = now_ms() - t0;
	t0 = now_ms();
	for (int i = 0; i < runs; i++)
		assert_int_equal(ui_sdl_draw(u, &f), KERR_OK);
	warm = (now_ms() - t0) / runs;
	printf("timing: 1920x1080 software renderer, 40 rounded rects + 300 CJK glyphs: first "
	       "frame %.2f ms, "
	       "then %.2f ms per frame\n",
	       cold, warm);
	ui_arena_finish(&a);
	ui_sdl_destroy(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_glyph_cache_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draw_pixels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_matches_measure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_png_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_from_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_translation, setup, teardown),
		cmocka_unit_test(test_keep_pixels_window),
		cmocka_unit_test(test_full_hd_timing),
	};

	/* Headless needs no display; the offscreen driver also lets the windowed path run in CI. */
	setenv("SDL_VIDEODRIVER", "offscreen", 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
