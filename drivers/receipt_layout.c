/* Receipt layouts: the words and order of each slip, in one place for every printer. */
#include "drivers/receipt_layout.h"

#include <stdio.h>
#include <string.h>

void receipt_build_init(struct receipt_build *b)
{
	memset(b, 0, sizeof(*b));
}

void receipt_build_finish(struct receipt_build *b)
{
	if (b)
		explicit_bzero(b, sizeof(*b));
}

void receipt_build_add(struct receipt_build *b, enum receipt_kind kind, enum receipt_align align,
		       bool bold, int size, const char *fmt, ...)
{
	const char *text = NULL;

	if (b->err != KERR_OK)
		return;
	if (b->n == RECEIPT_BUILD_LINES) {
		b->err = KERR_FULL;
		return;
	}
	if (fmt) {
		size_t room = sizeof(b->text) - b->used;
		va_list ap;
		int n;

		va_start(ap, fmt);
		n = vsnprintf(b->text + b->used, room, fmt, ap);
		va_end(ap);
		if (n < 0 || (size_t)n >= room) {
			b->err = KERR_FULL;
			return;
		}
		text = b->text + b->used;
		b->used += (size_t)n + 1;
	}
	b->lines[b->n++] = (struct receipt_line){ kind, align, bold, size, text };
}

enum kerr receipt_build_doc(const struct receipt_build *b, struct receipt_doc *ret)
{
	if (b->err == KERR_OK)
		*ret = (struct receipt_doc){ b->lines, b->n };
	return b->err;
}

#define TEXT(b, bold, ...) receipt_build_add(b, RECEIPT_TEXT, RECEIPT_LEFT, bold, 1, __VA_ARGS__)
#define CENTER(b, bold, size, ...)                                                                 \
	receipt_build_add(b, RECEIPT_TEXT, RECEIPT_CENTER, bold, size, __VA_ARGS__)
#define RULE(b) receipt_build_add(b, RECEIPT_RULE, RECEIPT_LEFT, false, 1, NULL)

static void begin(struct receipt_build *b, const char *title, const char *hall)
{
	if (b->n > 0)
		receipt_build_add(b, RECEIPT_CUT, RECEIPT_LEFT, false, 1, NULL);
	CENTER(b, true, 2, "%s", title);
	if (hall)
		CENTER(b, false, 1, "%s", hall);
	RULE(b);
}

static void field(struct receipt_build *b, bool bold, const char *label, const char *value)
{
	if (value)
		TEXT(b, bold, "%s：%s", label, value);
}

static void identity(struct receipt_build *b, const struct receipt_case *c)
{
	field(b, true, "办件编号", c->case_no);
	field(b, false, "事项名称", c->item);
	field(b, false, "申请人", c->applicant);
	field(b, false, "证件号码", c->id_number);
}

static void closing(struct receipt_build *b, const struct receipt_case *c, const char *note)
{
	RULE(b);
	TEXT(b, false, "%s", note);
	field(b, false, "咨询电话", c->phone);
	receipt_build_add(b, RECEIPT_FEED, RECEIPT_LEFT, false, 3, NULL);
}

static void verify_qr(struct receipt_build *b, const struct receipt_case *c, const char *caption)
{
	if (!c->qr)
		return;
	receipt_build_add(b, RECEIPT_QR, RECEIPT_CENTER, false, 1, "%s", c->qr);
	CENTER(b, false, 1, "%s", caption);
}

void receipt_layout_acceptance(struct receipt_build *b, const struct receipt_case *c)
{
	begin(b, c->reprinted ? "受理回执（补打）" : "受理回执", c->hall);
	/* First, and in bold: whoever holds two slips of one case sees at once that this is a copy. */
	if (c->reprinted) {
		CENTER(b, true, 1, "补打件 重打印时间：%s", c->reprinted);
		RULE(b);
	}
	identity(b, c);
	field(b, false, "受理时间", c->accepted);
	if (c->promised)
		field(b, false, "承诺办结", c->promised);
	else
		TEXT(b, false, "办件类型：即办件");
	if (c->n_missing > 0) {
		TEXT(b, false, "待补材料：");
		for (size_t i = 0; i < c->n_missing; i++)
			TEXT(b, false, "  %zu. %s", i + 1, c->missing[i].name);
	}
	if (c->query_code)
		receipt_build_add(b, RECEIPT_TEXT, RECEIPT_LEFT, true, 2, "查询码：%s",
				  c->query_code);
	verify_qr(b, c, "扫码或凭查询码查询办理进度");
	closing(b, c,
		c->reprinted ? "本回执为补打件，办件编号和受理时间与原回执相同，不是新的申请。"
			     : "请妥善保管本回执。");
}

void receipt_layout_notice(struct receipt_build *b, const struct receipt_case *c)
{
	begin(b, "一次性告知单", c->hall);
	field(b, false, "事项名称", c->item);
	field(b, false, "申请人", c->applicant);
	field(b, false, "告知时间", c->accepted);
	TEXT(b, false, "您申请的事项尚缺以下材料，请一次备齐后再来办理：");
	for (size_t i = 0; i < c->n_missing; i++) {
		TEXT(b, true, "%zu. %s", i + 1, c->missing[i].name);
		if (c->missing[i].words)
			TEXT(b, false, "   %s", c->missing[i].words);
	}
	verify_qr(b, c, "扫码查看办事指南");
	closing(b, c, "材料备齐后可在任一自助终端或窗口办理。");
}

void receipt_layout_commitment(struct receipt_build *b, const struct receipt_case *c)
{
	begin(b, "容缺受理承诺书", c->hall);
	identity(b, c);
	TEXT(b, false, "本人申请容缺受理，承诺于%s前补齐：",
	     c->deadline ? c->deadline : "规定期限");
	for (size_t i = 0; i < c->n_missing; i++)
		TEXT(b, true, "%zu. %s", i + 1, c->missing[i].name);
	TEXT(b, false, "逾期未补齐的，本次申请按不予受理处理；所作承诺不实的，依法承担相应责任。");
	receipt_build_add(b, RECEIPT_FEED, RECEIPT_LEFT, false, 2, NULL);
	TEXT(b, false, "承诺人（签名）：");
	receipt_build_add(b, RECEIPT_FEED, RECEIPT_LEFT, false, 2, NULL);
	field(b, false, "日期", c->accepted);
	closing(b, c, "本承诺书由申请人留存，补交材料时请出示。");
}

void receipt_layout_ticket(struct receipt_build *b, const struct receipt_ticket *t)
{
	begin(b, "排队号", t->hall);
	CENTER(b, true, 4, "%s", t->number ? t->number : "");
	if (t->item)
		CENTER(b, false, 1, "%s", t->item);
	CENTER(b, false, 1, "您前面还有 %d 人", t->waiting);
	if (t->issued)
		CENTER(b, false, 1, "取号时间：%s", t->issued);
	if (t->qr) {
		receipt_build_add(b, RECEIPT_QR, RECEIPT_CENTER, false, 1, "%s", t->qr);
		CENTER(b, false, 1, "扫码查看叫号进度");
	}
	RULE(b);
	TEXT(b, false, "过号请重新取号。");
	receipt_build_add(b, RECEIPT_FEED, RECEIPT_LEFT, false, 3, NULL);
}
