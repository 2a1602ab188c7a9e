/* Tests of the display list: the frame arena, building commands and hit targets, growth and
 * overflow, and matching touches to targets. */
#include "ui/draw.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void test_arena_alloc(void **state)
{
	struct ui_arena a;
	unsigned char *p, *q;

	(void)state;
	assert_int_equal(ui_arena_init(&a, 1024), KERR_OK);
	p = ui_arena_alloc(&a, 10);
	assert_non_null(p);
	for (int i = 0; i < 10; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0xab, 10);
	q = ui_arena_alloc(&a, 24);
	assert_non_null(q);
	assert_true(q >= p + 10);
	assert_int_equal((uintptr_t)q % _Alignof(max_align_t), 0);
	for (int i = 0; i < 24; i++)
		assert_int_equal(q[i], 0);
	assert_false(a.overflowed);
	ui_arena_finish(&a);
	assert_null(a.base);
	ui_arena_finish(NULL);
}

static void test_arena_overflow_and_reset(void **state)
{
	struct ui_arena a;
	unsigned char *p;

	(void)state;
	assert_int_equal(ui_arena_init(&a, 256), KERR_OK);
	assert_non_null(ui_arena_alloc(&a, 200));
	assert_null(ui_arena_alloc(&a, 100));
	assert_true(a.overflowed);
	/* A huge request must not wrap round the bounds check. */
	assert_null(ui_arena_alloc(&a, SIZE_MAX));
	ui_arena_reset(&a);
	assert_false(a.overflowed);
	assert_int_equal(a.used, 0);
	p = ui_arena_alloc(&a, 256);
	assert_non_null(p);
	/* Memory handed out again after a reset is zeroed again. */
	memset(p, 0xff, 256);
	ui_arena_reset(&a);
	p = ui_arena_alloc(&a, 256);
	for (int i = 0; i < 256; i++)
		assert_int_equal(p[i], 0);
	ui_arena_finish(&a);
}

static void test_arena_strings(void **state)
{
	struct ui_arena a;
	char buf[16] = "第2步";
	const char *s, *t;

	(void)state;
	assert_int_equal(ui_arena_init(&a, 128), KERR_OK);
	s = ui_arena_strdup(&a, buf);
	strcpy(buf, "changed");
	assert_string_equal(s, "第2步");
	t = ui_arena_printf(&a, "第%d步 / 共%d步", 2, 6);
	assert_string_equal(t, "第2步 / 共6步");
	assert_string_equal(ui_arena_strdup(&a, NULL), "");
	/* Full: both give "" and flag the frame. */
	assert_string_equal(ui_arena_printf(&a, "%0200d", 1), "");
	assert_true(a.overflowed);
	assert_string_equal(
		ui_arena_strdup(
			&a, "a long string that will not fit in what is left of the arena, which "
			    "is not much at all by now"),
		"");
	ui_arena_finish(&a);
}

static void test_frame_hits(void **state)
{
	struct ui_arena a;
	struct ui_frame f;
	char id[16];
	const struct ui_hit *h;

	(void)state;
	assert_int_equal(ui_arena_init(&a, 64 * 1024), KERR_OK);
	ui_frame_begin(&f, &a, NULL, 1920, 1080);
	ui_add_hit(&f, (struct ui_rect){ 0, 0, 1920, 1080 }, 1, 0, true, "screen");
	snprintf(id, sizeof(id), "tile.%d", 2);
	ui_add_hit(&f, (struct ui_rect){ 100, 100, 200, 120 }, 2, 2, true, id);
	/* The id was copied: the caller's buffer may be reused at once. */
	strcpy(id, "overwritten");
	ui_add_hit(&f, (struct ui_rect){ 250, 150, 200, 120 }, 3, 0, false, "dialog.ok");

	h = ui_frame_hit(&f, 260, 160); /* inside tile.2 and dialog.ok: the later one is on top */
	assert_non_null(h);
	assert_string_equal(h->id, "dialog.ok");
	assert_false(h->enabled);
	h = ui_frame_hit(&f, 110, 110);
	assert_string_equal(h->id, "tile.2");
	assert_int_equal(h->action, 2);
	assert_int_equal(h->arg, 2);
	/* The right and bottom edges are outside. */
	h = ui_frame_hit(&f, 100 + 200, 110);
	assert_string_equal(h->id, "screen");
	h = ui_frame_hit(&f, 99, 219);
	assert_string_equal(h->id, "screen");
	assert_null(ui_frame_hit(&f, -1, 5));
	assert_null(ui_frame_hit(&f, 1920, 5));

	assert_string_equal(ui_frame_hit_by_id(&f, "tile.2")->id, "tile.2");
	assert_int_equal(ui_frame_hit_by_id(&f, "dialog.ok")->action, 3);
	assert_null(ui_frame_hit_by_id(&f, "overwritten"));
	assert_null(ui_frame_hit_by_id(&f, "footer.next"));
	assert_null(ui_frame_hit_by_id(&f, NULL));

	/* A new frame starts empty. */
	ui_frame_begin(&f, &a, NULL, 1920, 1080);
	assert_null(ui_frame_hit(&f, 110, 110));
	assert_int_equal(f.n_hits, 0);
	assert_int_equal(f.n_cmds, 0);
	ui_arena_finish(&a);
}

static void test_frame_growth(void **state)
{
	struct ui_arena a;
	struct ui_frame f;

	(void)state;
	assert_int_equal(ui_arena_init(&a, 1 << 20), KERR_OK);
	ui_frame_begin(&f, &a, NULL, 1920, 1080);
	for (int i = 0; i < 1000; i++) {
		ui_draw_rect(&f, (struct ui_rect){ i, i + 1, 10, 20 }, (uint32_t)i, i % 7);
		if (i % 2 == 0)
			ui_add_hit(&f, (struct ui_rect){ i, 0, 1, 1 }, i, i / 2, true, NULL);
	}
	assert_false(a.overflowed);
	assert_int_equal(f.n_cmds, 1000);
	assert_true(f.cap_cmds >= 1000);
	assert_int_equal(f.n_hits, 500);
	assert_true(f.cap_hits >= 500);
	/* Every element survived the copies made while growing, in order. */
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(f.cmds[i].type, UI_CMD_RECT);
		assert_int_equal(f.cmds[i].r.x, i);
		assert_int_equal(f.cmds[i].r.y, i + 1);
		assert_int_equal(f.cmds[i].color, (uint32_t)i);
		assert_int_equal(f.cmds[i].radius, i % 7);
		assert_int_equal(f.cmds[i].border, 0);
	}
	for (int i = 0; i < 500; i++)
		assert_int_equal(f.hits[i].action, 2 * i);
	assert_int_equal(ui_frame_hit(&f, 998, 0)->arg, 499);
	ui_arena_finish(&a);
}

static void test_frame_overflow(void **state)
{
	struct ui_arena a;
	struct ui_frame f;
	size_t n;

	(void)state;
	assert_int_equal(ui_arena_init(&a, 8 * 1024), KERR_OK);
	ui_frame_begin(&f, &a, NULL, 640, 360);
	for (int i = 0; i < 1000; i++)
		ui_draw_box(&f, (struct ui_rect){ i, 0, 1, 1 }, 0x112233ff, 0x000000ff, 2, 4);
	assert_true(a.overflowed);
	n = f.n_cmds;
	assert_true(n > 0 && n < 1000);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(f.cmds[i].r.x, (int)i);
		assert_int_equal(f.cmds[i].border, 2);
		assert_int_equal(f.cmds[i].border_color, 0x000000ff);
	}
	/* The next frame has the whole arena again. */
	ui_frame_begin(&f, &a, NULL, 640, 360);
	assert_false(a.overflowed);
	ui_draw_rect(&f, (struct ui_rect){ 1, 2, 3, 4 }, 0xffffffff, 0);
	assert_int_equal(f.n_cmds, 1);
	ui_arena_finish(&a);
}

static void test_frame_text_and_image(void **state)
{
	struct ui_arena a;
	struct ui_frame f;
	char text[32] = "请将身份证放在感应区";
	const struct ui_cmd *c;

	(void)state;
	assert_int_equal(ui_arena_init(&a, 64 * 1024), KERR_OK);
	ui_frame_begin(&f, &a, NULL, 1920, 1080);
	ui_draw_text_line(&f, (struct ui_rect){ 100, 200, 400, 60 }, 120, 180, text, 32, true,
			  0x202020ff);
	strcpy(text, "x");
	c = &f.cmds[0];
	assert_int_equal(c->type, UI_CMD_TEXT);
	assert_string_equal(c->text, "请将身份证放在感应区");
	/* r starts at the pen; the clip box is kept whole, so the part above y = 200 is cut. */
	assert_int_equal(c->r.x, 120);
	assert_int_equal(c->r.y, 180);
	assert_int_equal(c->r.x + c->r.w, 500);
	assert_int_equal(c->r.y + c->r.h, 260);
	assert_int_equal(c->clip.x, 100);
	assert_int_equal(c->clip.y, 200);
	assert_int_equal(c->clip.w, 400);
	assert_int_equal(c->clip.h, 60);
	assert_int_equal(c->px, 32);
	assert_true(c->bold);
	assert_int_equal(c->color, 0x202020ff);

	/* Empty text, an empty clip, or a pen past the clip add nothing. */
	ui_draw_text_line(&f, (struct ui_rect){ 0, 0, 100, 100 }, 0, 0, "", 32, false, 0xff);
	ui_draw_text_line(&f, (struct ui_rect){ 0, 0, 0, 100 }, 0, 0, "a", 32, false, 0xff);
	ui_draw_text_line(&f, (struct ui_rect){ 0, 0, 100, 100 }, 100, 0, "a", 32, false, 0xff);
	ui_draw_text_line(&f, (struct ui_rect){ 0, 0, 100, 100 }, 0, 100, "a", 32, false, 0xff);
	assert_int_equal(f.n_cmds, 1);

	{
		static const unsigned char px[4] = { 1, 2, 3, 4 };
		struct ui_image img = { .w = 1, .h = 1, .rgba = px, .key = 42 };

		ui_draw_image(&f, (struct ui_rect){ 5, 6, 7, 8 }, &img);
		img.key = 7; /* the screen's local changes; the frame keeps what it was given */
	}
	c = &f.cmds[1];
	assert_int_equal(c->type, UI_CMD_IMAGE);
	assert_int_equal(c->img->key, 42);
	assert_int_equal(c->img->rgba[3], 4);
	assert_int_equal(c->r.w, 7);
	ui_draw_image(&f, (struct ui_rect){ 0, 0, 1, 1 }, NULL);
	assert_int_equal(f.n_cmds, 2);
	ui_arena_finish(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_alloc),
		cmocka_unit_test(test_arena_overflow_and_reset),
		cmocka_unit_test(test_arena_strings),
		cmocka_unit_test(test_frame_hits),
		cmocka_unit_test(test_frame_growth),
		cmocka_unit_test(test_frame_overflow),
		cmocka_unit_test(test_frame_text_and_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
