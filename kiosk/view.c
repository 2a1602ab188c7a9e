/* From journey state to screen data: what each step shows and which actions it offers. */
#include "kiosk/view.h"

#include "common/mask.h"
#include "kiosk/cases.h"
#include "kiosk/journey.h"
#include "kiosk/kiosk.h"
#include "kiosk/texts.h"

#include <stdio.h>
#include <string.h>

#define STEPS 6

static int timeout_s(const struct kiosk *k)
{
	return k->theme_id == UI_THEME_ELDER ? k->cfg.timeout_s * 2 : k->cfg.timeout_s;
}

int view_seconds_left(const struct kiosk *k, int64_t now)
{
	int64_t left;

	if (!flow_states()[k->state].is_session)
		return -1;
	left = (int64_t)timeout_s(k) * 1000 - (now - k->last_touch_ms);
	return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

static const char dev_help[] =
	"开发者按键：F1 放入身份证  F2 长者身份证  F3 过期证件  F4 取走证件  F5 读卡故障  F6 扫描仪卡纸  "
	"F7 扫描仪盖板  F8 打印机缺纸  F9 打印机仓盖  F10 评价器按“非常满意”  F11 评价器按“不满意”  F12 隐藏帮助";

static struct ui_chrome chrome(struct kiosk *k, int64_t now, const char *title)
{
	const struct flow_state_def *d = &flow_states()[k->state];
	int left = view_seconds_left(k, now);
	struct ui_chrome c = {
		.hall = k->cfg.hall,
		.title = title,
		.step = d->step,
		.steps = d->step && k->session.item ? STEPS : 0,
		.countdown_s = left,
		.banner = k->banner[0] ? k->banner : NULL,
		.banner_error = k->banner_error,
		.show_home = k->state != FLOW_HOME,
		.show_back = k->state != FLOW_HOME,
		.dev_line = k->opts.dev && k->show_dev_help ? dev_help : NULL,
	};

	if (left >= 0 && left <= k->cfg.warn_s) {
		c.dialog_title = "您还在办理吗？";
		c.dialog_text = ui_arena_printf(&k->arena,
						"%d 秒后将返回首页，已填写的信息和扫描的材料将被清除。如需继续，请点击“继续办理”。",
						left);
		c.dialog_button = "继续办理";
	}
	return c;
}

/* A terminal without its identity: for the technician, no tiles, so no resident can start a case. */
static void not_provisioned(struct kiosk *k, struct ui_chrome *c)
{
	const char *body;

	c->title = "未完成开通 · Not provisioned";
	if (k->provision == PROVISION_PENDING)
		body = ui_arena_printf(&k->arena,
				       "终端编号 %s 已生成密钥和证书申请，等待平台签发证书。请技术人员将证书申请 "
				       "identity/terminal.csr 提交平台签发，再运行 kioskctl provision --cert 证书文件，"
				       "然后重启终端。\n终端序列号：%s    网卡地址：%s",
				       k->cfg.terminal_id, k->hw.serial, k->hw.mac);
	else
		body = ui_arena_printf(&k->arena,
				       "请技术人员插入装有开通文件 kiosk-provision.conf 的U盘并运行 kioskctl provision，"
				       "或在维护终端上运行 kioskctl provision 开通文件，然后重启终端。"
				       "%s\n终端序列号：%s    网卡地址：%s",
				       k->provision == PROVISION_BAD ? "（已有的开通信息无法读取，请重新开通。）" : "",
				       k->hw.serial, k->hw.mac);
	ui_screen_message(&k->frame, &k->theme, c, UI_PIC_NONE,
			  k->provision == PROVISION_PENDING ? "本终端等待证书签发，暂不能办理业务"
							     : "本终端尚未开通，暂不能办理业务",
			  body, NULL, 0);
}

/* The last screen says what the resident has to take away: a follow-up rating (追评) was of an earlier case and
 * nothing was printed; a rating of the terminal may have been given without a card. */
static const char *thanks_headline(const struct kiosk *k)
{
	return k->session.eval_target == SESSION_EVAL_FOLLOWUP ? "追评已提交，感谢您的评价" : "办理完成，感谢您的使用";
}

static const char *thanks_body(struct kiosk *k)
{
	const struct session *s = &k->session;
	const char *card = s->has_card ? "请带好您的身份证。" : "欢迎再次使用。";

	if (s->eval_target == SESSION_EVAL_FOLLOWUP)
		return ui_arena_printf(&k->arena, "您对办件 %s 的追评已记录，将转交办理部门。%s", s->case_no, card);
	if (s->case_no[0])
		return ui_arena_printf(&k->arena, "请带好您的身份证和受理回执。办件编号：%s", s->case_no);
	return card;
}

static void home(struct kiosk *k, struct ui_chrome *c)
{
	struct ui_tile tiles[5] = {
		{ "我要办理", "刷身份证申请，扫描材料，打印回执", k->catalog && k->queue && !k->store_low },
		{ "办事指南", "办理条件、所需材料、时限、收费、依据", k->catalog != NULL },
		{ "进度查询", "刷身份证或输入回执上的查询码", k->queue != NULL },
		{ "证照打印", "刷身份证，打印参保证明等证明和证照", k->uplink && k->dev[DEV_DOCPRINT] },
		{ "好差评", "评价终端和大厅，或追评办件", k->queue != NULL },
	};

	if (k->cfg.provision_required && k->provision != PROVISION_DONE) {
		not_provisioned(k, c);
		return;
	}
	c->title = "您好，请选择要办理的业务";
	if (!k->banner[0] && (!k->catalog || !k->queue)) {
		c->banner = !k->catalog ? texts_catalog_unavailable() : texts_store_unavailable();
		c->banner_error = true;
	} else if (!k->banner[0] && k->store_low) {
		c->banner = texts_store_full();
		c->banner_error = true;
	}
	ui_screen_home(&k->frame, &k->theme, c, tiles, 5);
}

static const char *theme_id_of_tab(const struct kiosk *k)
{
	if (k->session.tab > 0 && (size_t)k->session.tab <= k->catalog->n_themes)
		return k->catalog->themes[k->session.tab - 1].id;
	return NULL;
}

static size_t rows_of(struct kiosk *k, const char *theme, struct ui_row **ret)
{
	const struct catalog_item *items[512];
	size_t n = catalog_search(k->catalog, theme, k->session.query, items, 512);
	struct ui_row *rows;

	if (n > 512)
		n = 512;
	rows = ui_arena_alloc(&k->arena, (n ? n : 1) * sizeof(*rows));
	if (!rows)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct catalog_item *it = items[i];

		rows[i].title = it->name;
		rows[i].sub = it->case_kind == 2
				      ? ui_arena_printf(&k->arena, "%s · 承诺%d个工作日办结", it->department,
							it->promised_days)
				      : ui_arena_printf(&k->arena, "%s · 即办件", it->department);
	}
	*ret = rows;
	return n;
}

static void catalog(struct kiosk *k, struct ui_chrome *c)
{
	const char **tabs = ui_arena_alloc(&k->arena, (k->catalog->n_themes + 1) * sizeof(*tabs));
	struct ui_row *rows = NULL;
	size_t n = rows_of(k, theme_id_of_tab(k), &rows);

	if (!tabs)
		return;
	tabs[0] = "全部事项";
	for (size_t i = 0; i < k->catalog->n_themes; i++)
		tabs[i + 1] = k->catalog->themes[i].name;
	c->title = "请选择要办理的事项";
	ui_screen_catalog(&k->frame, &k->theme, c, tabs, k->catalog->n_themes + 1, k->session.tab, rows, n,
			  k->session.list_first, k->session.query, &k->list_shown);
}

static void search(struct kiosk *k, struct ui_chrome *c)
{
	struct ui_row *rows = NULL;
	size_t n = rows_of(k, NULL, &rows);

	c->title = "按拼音首字母查找事项";
	c->next_label = "完成";
	c->next_enabled = true;
	ui_screen_search(&k->frame, &k->theme, c, k->session.query, rows, n, k->session.list_first, &k->list_shown);
}

static const char *materials_text(struct kiosk *k, const struct catalog_item *it)
{
	size_t cap = 64 + it->n_materials * 512, used = 0;
	char *buf = ui_arena_alloc(&k->arena, cap);

	if (!buf)
		return "";
	for (size_t i = 0; i < it->n_materials; i++) {
		const struct catalog_material *m = &it->materials[i];

		used += (size_t)snprintf(buf + used, cap - used, "%zu. %s（%s；原件%d份，复印件%d份；%s%s%s）%s%s\n",
					 i + 1, m->name, m->issuer && *m->issuer ? m->issuer : "申请人自备",
					 m->originals, m->copies, m->mandatory ? "必须提交" : "选择提交",
					 m->gap_ok ? "，可容缺" : "", m->commitment_ok ? "，可告知承诺" : "",
					 m->ecert ? "可电子证照免提交。" : "", m->note ? m->note : "");
		if (used >= cap)
			break;
	}
	return buf;
}

static void guide(struct kiosk *k, struct ui_chrome *c)
{
	const struct catalog_item *it = k->session.item;
	struct ui_section s[9];
	size_t n = 0;

	if (!it)
		return;
	s[n++] = (struct ui_section){ "办理条件", it->conditions };
	s[n++] = (struct ui_section){ "申请材料", materials_text(k, it) };
	s[n++] = (struct ui_section){ "办理时限",
				      it->case_kind == 2
					      ? ui_arena_printf(&k->arena, "承诺件：法定时限%d个工作日，承诺时限%d个工作日",
								it->legal_days, it->promised_days)
					      : "即办件：材料齐全、符合法定形式的，当场办结" };
	s[n++] = (struct ui_section){ "办理流程", it->procedure };
	s[n++] = (struct ui_section){ "收费标准", it->fee };
	s[n++] = (struct ui_section){ "设定依据", it->legal_basis };
	s[n++] = (struct ui_section){ "办理地点和时间", ui_arena_printf(&k->arena, "%s；%s", it->place, it->hours) };
	s[n++] = (struct ui_section){ "咨询和投诉电话",
				      ui_arena_printf(&k->arena, "咨询：%s    投诉：%s", it->phone, it->complaint_phone) };
	c->title = it->name;
	c->next_label = "我要办理";
	c->next_enabled = k->queue != NULL;
	ui_screen_guide(&k->frame, &k->theme, c, s, n, k->session.guide_scroll, &k->guide_content_h,
			&k->guide_view_h);
}

static void form(struct kiosk *k, struct ui_chrome *c)
{
	struct session *s = &k->session;
	static const char *const choices[] = { "到窗口领取", "邮寄到证件地址" };
	char id[48];
	const char *sex = s->card.sex == '1' ? "男" : s->card.sex == '2' ? "女" : "";
	struct ui_field f[7];
	size_t n = 0;

	mask_idnum(s->card.id_number, id, sizeof(id));
	f[n++] = (struct ui_field){ "办理事项", s->item ? s->item->name : "", false, false, false, NULL };
	f[n++] = (struct ui_field){ "姓名", s->card.name, false, true, false, NULL };
	f[n++] = (struct ui_field){ "证件号码", ui_arena_strdup(&k->arena, id), false, true, false, NULL };
	f[n++] = (struct ui_field){ "性别 / 出生日期",
				    ui_arena_printf(&k->arena, "%s / %.4s年%.2s月%.2s日", sex, s->card.birth,
						    s->card.birth + 4, s->card.birth + 6),
				    false, true, false, NULL };
	f[n++] = (struct ui_field){ "住址", s->card.address, false, true, false, NULL };
	f[n++] = (struct ui_field){ "手机号码", s->phone, true, false, false, "请点击输入手机号码" };
	c->title = "请核对申请信息";
	c->next_label = "下一步";
	c->next_enabled = cases_phone_valid(s->phone);
	/* The form is the one screen where the resident checks their own data, so name and address show whole. */
	ui_screen_form(&k->frame, &k->theme, c, s->photo.rgba ? &s->photo : NULL, f, n, "结果领取方式", choices, 2, (int)s->delivery);
}

static void phone(struct kiosk *k, struct ui_chrome *c)
{
	c->title = "请输入手机号码";
	c->next_label = "确定";
	c->next_enabled = cases_phone_valid(k->session.edit);
	ui_screen_digits(&k->frame, &k->theme, c, "手机号码（11位）", k->session.edit,
			 "办理进度和结果将以短信通知此号码。", k->banner[0] != 0);
}

static void query(struct kiosk *k, struct ui_chrome *c)
{
	c->title = "进度查询";
	c->next_label = "查询";
	c->next_enabled = strlen(k->session.edit) == 8;
	ui_screen_query(&k->frame, &k->theme, c, k->session.edit,
			k->banner[0] ? NULL : "查询码印在受理回执上，由数字和字母组成。", k->banner[0] != 0);
}

static const char *date_words(struct kiosk *k, const char *ymd)
{
	int y, m, d;

	if (sscanf(ymd, "%4d%2d%2d", &y, &m, &d) != 3)
		return ymd;
	return ui_arena_printf(&k->arena, "%d年%d月%d日", y, m, d);
}

/* One case in words a resident reads: where it stands, and how its promised date stands. */
static void progress_row(struct kiosk *k, const struct progress_row *r, int today, struct ui_progress_row *out)
{
	const char *words = r->status[0] ? progress_status_words(r->status) : NULL;
	int days = 0;
	enum progress_urgency u = progress_urgency(r, today, k->cfg.holidays, k->cfg.workdays, &days);
	const char *promised = r->promised_date[0] ? date_words(k, r->promised_date) : NULL;

	out->title = r->item_name;
	out->number = r->platform_no[0]
			      ? ui_arena_printf(&k->arena, "办件编号 %s　平台编号 %s%s", r->case_no, r->platform_no,
						r->receipt_prints == 0 ? "　回执未打印" : "")
			      : ui_arena_printf(&k->arena, "办件编号 %s%s", r->case_no,
						r->receipt_prints == 0 ? "　回执未打印" : "");
	if (r->status[0])
		out->status = ui_arena_printf(&k->arena, "%s%s%s", words ? words : "办理中",
					      r->status_text[0] ? "：" : "", r->status_text);
	else
		out->status = r->local_state;
	out->kind = UI_CHECK_INFO;
	switch (u) {
	case PROGRESS_DONE:
		out->deadline = strcmp(r->status, "completed") == 0 ? "已办结，请按通知领取结果" : "本件已结束";
		out->kind = UI_CHECK_OK;
		break;
	case PROGRESS_OVERDUE:
		out->deadline = ui_arena_printf(&k->arena, "承诺办结日期 %s，已超期 %d 天，可拨打 %s 反映", promised,
						-days, k->cfg.phone);
		out->kind = UI_CHECK_MISSING;
		break;
	case PROGRESS_NEAR:
		out->deadline = ui_arena_printf(&k->arena, "承诺办结日期 %s，即将到期", promised);
		out->kind = UI_CHECK_MISSING;
		break;
	case PROGRESS_OPEN:
		out->deadline = ui_arena_printf(&k->arena, "承诺办结日期 %s，还有 %d 个工作日", promised, days);
		break;
	default:
		out->deadline = "即办件，无承诺期限";
		break;
	}
}

static void progress(struct kiosk *k, struct ui_chrome *c)
{
	const struct progress *p = &k->session.progress;
	struct ui_progress_row *rows = ui_arena_alloc(&k->arena, (p->n + 1) * sizeof(*rows));
	const char *notice = NULL;
	int y, m, d, h, mi, s, wd;

	if (!rows)
		return;
	clock_local(clock_wall_ms(&k->clock), &y, &m, &d, &h, &mi, &s, &wd);
	for (size_t i = 0; i < p->n; i++) {
		progress_row(k, &p->rows[i], y * 10000 + m * 100 + d, &rows[i]);
		/* 补打 for a case stored here, when a receipt printer is there to do it. */
		if (p->rows[i].reprintable && i < 32 && k->dev[DEV_RECEIPT]) {
			bool printing = p->reprint_job && p->reprint_row == i, done = p->reprinted & (1u << i);

			rows[i].button = printing ? "正在补打…" : done ? "已补打" : "补打回执";
			rows[i].button_enabled = !p->reprint_job && !done;
		}
	}
	if (!p->asked)
		notice = "本终端暂未连接政务服务平台，以下是本终端记录的办件。";
	else if (!p->answered)
		notice = "正在向政务服务平台查询最新进度，请稍候…";
	else if (p->err)
		notice = "暂时无法连接政务服务平台，以下是本终端记录的办件和平台上次告知的进度。";
	c->title = "办理进度";
	c->next_label = "完成";
	c->next_enabled = true;
	ui_screen_progress(&k->frame, &k->theme, c, notice, rows, p->n);
}

static void scan(struct kiosk *k, struct ui_chrome *c)
{
	struct session *s = &k->session;
	const struct catalog_item *it = s->item;
	const struct catalog_material *m;
	const struct ui_image **thumbs;
	struct ui_scan_view v;
	int index = 0, count = 0;

	if (!it || s->cur_mat >= it->n_materials)
		return;
	m = &it->materials[s->cur_mat];
	for (size_t i = 0; i < it->n_materials; i++)
		if (!it->materials[i].ecert) {
			if (i < s->cur_mat)
				index++;
			count++;
		}
	thumbs = ui_arena_alloc(&k->arena, SESSION_MAX_PAGES * sizeof(*thumbs));
	for (size_t i = 0; thumbs && i < s->mats[s->cur_mat].n_pages; i++)
		thumbs[i] = &s->mats[s->cur_mat].pages[i].image;
	v = (struct ui_scan_view){
		.material = m->name,
		.requirement = ui_arena_printf(&k->arena, "原件%d份 · 复印件%d份 · %s", m->originals, m->copies,
					       m->mandatory ? "必须提交" : "选择提交"),
		.note = m->note,
		.index = index,
		.count = count,
		.thumbs = thumbs,
		.n_thumbs = thumbs ? s->mats[s->cur_mat].n_pages : 0,
		.scanning = s->scanning,
		.camera = s->camera,
		.preview = s->preview ? &s->preview_image : NULL,
	};
	c->title = "请扫描申请材料";
	c->next_label = s->mats[s->cur_mat].n_pages ? "下一项" : "暂无此材料，下一项";
	c->next_enabled = !s->scanning;
	ui_screen_scan(&k->frame, &k->theme, c, &v);
}

static void summary(struct kiosk *k, struct ui_chrome *c)
{
	const struct catalog_item *it = k->session.item;
	struct ui_check_row *rows;
	struct cases_gaps g;
	const char *notice = NULL, *toggle = NULL;
	char missing[1024] = "";

	if (!it)
		return;
	rows = ui_arena_alloc(&k->arena, (it->n_materials + 1) * sizeof(*rows));
	if (!rows)
		return;
	cases_gaps(k, &g);
	for (size_t i = 0; i < it->n_materials; i++) {
		const char *words;
		bool blocking;
		enum queue_material_status st = cases_material_status(k, i, &words, &blocking);
		size_t pages = i < SESSION_MAX_MATERIALS ? k->session.mats[i].n_pages : 0;

		rows[i].name = it->materials[i].name;
		rows[i].status = st == QUEUE_MAT_RECEIVED ? ui_arena_printf(&k->arena, "已扫描 %zu 页", pages) : words;
		rows[i].kind = st == QUEUE_MAT_RECEIVED || st == QUEUE_MAT_ECERT ? UI_CHECK_OK
			       : st == QUEUE_MAT_OPTIONAL			 ? UI_CHECK_INFO
										 : UI_CHECK_MISSING;
		if (st == QUEUE_MAT_MISSING || st == QUEUE_MAT_COMMITMENT) {
			size_t used = strlen(missing);

			snprintf(missing + used, sizeof(missing) - used, "%s%s", used ? "、" : "", it->materials[i].name);
		}
	}
	if (g.blocking) {
		notice = ui_arena_printf(&k->arena,
					 "一次性告知：您还缺少以下必须提交的材料：%s。本事项不能容缺受理，请补齐后再办理。"
					 "您可点击“上一步”补扫，或携带材料到窗口办理。",
					 missing);
	} else if (g.waivable) {
		notice = ui_arena_printf(&k->arena,
					 "一次性告知：您缺少以下材料：%s。本事项可先行受理（容缺受理 / 告知承诺），"
					 "请在受理后5个工作日内补齐，逾期未补齐的将不予办理。",
					 missing);
		toggle = "本人承诺按期补齐上述材料，所填信息真实有效";
	}
	c->title = g.blocking || g.waivable ? "材料尚不齐全，请确认" : "材料齐全，请确认提交";
	c->next_label = "确认提交";
	c->next_enabled = g.blocking == 0 && (g.waivable == 0 || k->session.gaps_accepted);
	ui_screen_summary(&k->frame, &k->theme, c, it->name, rows, it->n_materials, notice, toggle,
			  k->session.gaps_accepted);
}

static void print_screen(struct kiosk *k, struct ui_chrome *c, bool fault)
{
	struct session *s = &k->session;
	const char *body = ui_arena_printf(&k->arena, "办件编号：%s\n查询码：%s\n%s", s->case_no, s->query_code,
					   fault ? texts_device_fault(DEV_RECEIPT, k->print_err)
						 : "请在下方出纸口取走您的受理回执，凭查询码可查询办理进度。");
	static const struct ui_button_spec buttons[] = {
		{ "重新打印", UI_BTN_PRIMARY, 0, "print.retry" },
		{ "不打印，继续", UI_BTN_SECONDARY, 1, "print.skip" },
	};

	c->title = fault ? "回执未能打印" : "申请已提交，正在打印回执";
	c->show_back = false;
	ui_screen_message(&k->frame, &k->theme, c, fault ? UI_PIC_ERROR : UI_PIC_PRINTER,
			  fault ? "您的申请已保存成功" : "您的申请已保存成功，正在打印回执…", body, fault ? buttons : NULL,
			  fault ? 2 : 0);
}

static void certs(struct kiosk *k, struct ui_chrome *c)
{
	const struct session *s = &k->session;
	struct ui_row *rows = NULL;
	const char *notice = NULL;
	size_t n = 0;

	c->title = "请选择要打印的证明";
	c->next_label = "完成";
	c->next_enabled = true;
	if (s->certs_state == SESSION_CERTS_ASKING) {
		notice = "正在向政务服务平台查询您可以打印的证明…";
	} else if (s->certs_state == SESSION_CERTS_FAILED) {
		notice = texts_certs_error(s->certs_err);
	} else if (s->certs.n == 0) {
		notice = "政务服务平台上暂时没有您可以自助打印的证明。需要其他证明请到窗口办理。";
	} else {
		n = s->certs.n;
		rows = ui_arena_alloc(&k->arena, n * sizeof(*rows));
		if (!rows)
			n = 0;
		for (size_t i = 0; i < n; i++) {
			const struct uplink_cert *ct = &s->certs.certs[i];

			rows[i].title = ct->title;
			rows[i].sub = ui_arena_printf(&k->arena, "%s · %.4s年%.2s月%.2s日出具 · 共%lld页", ct->issuer,
						      ct->issued_date, ct->issued_date + 4, ct->issued_date + 6,
						      (long long)(ct->pages ? ct->pages : 1));
		}
	}
	ui_screen_certs(&k->frame, &k->theme, c, notice, s->certs_state == SESSION_CERTS_FAILED,
			s->certs_state == SESSION_CERTS_FAILED, rows, n);
}

static void cert_print(struct kiosk *k, struct ui_chrome *c)
{
	const struct session *s = &k->session;
	const char *title = s->certs.certs[s->cert].title;
	static const struct ui_button_spec retry[] = { { "重新打印", UI_BTN_PRIMARY, 0, "cert.retry" } };

	c->show_back = s->cert_step == SESSION_CERT_FAULT;
	switch (s->cert_step) {
	case SESSION_CERT_FETCHING:
		c->title = "正在获取证明";
		ui_screen_message(&k->frame, &k->theme, c, UI_PIC_BUSY, ui_arena_printf(&k->arena, "《%s》", title),
				  "正在从政务服务平台获取，请稍候…", NULL, 0);
		break;
	case SESSION_CERT_PRINTING:
		c->title = "正在打印";
		ui_screen_message(&k->frame, &k->theme, c, UI_PIC_A4, ui_arena_printf(&k->arena, "《%s》", title),
				  "正在打印，请在A4出纸口等候，打印完成前请勿离开。", NULL, 0);
		break;
	case SESSION_CERT_FAULT:
		c->title = "证明未能打印";
		ui_screen_message(&k->frame, &k->theme, c, UI_PIC_ERROR, ui_arena_printf(&k->arena, "《%s》", title),
				  s->cert_device_fault ? texts_device_fault(DEV_DOCPRINT, s->cert_err)
						       : texts_certs_error(s->cert_err),
				  retry, 1);
		break;
	}
}

static const char *eval_subject(struct kiosk *k)
{
	struct session *s = &k->session;

	switch (s->eval_target) {
	case SESSION_EVAL_TERMINAL:
		return "评价对象：本自助终端和服务大厅";
	case SESSION_EVAL_FOLLOWUP:
		return ui_arena_printf(&k->arena, "追评：%s（办件编号 %s）", s->eval_subject, s->case_no);
	default:
		return s->item ? ui_arena_printf(&k->arena, "事项：%s", s->item->name) : NULL;
	}
}

/* 追评: the cases found, as 进度查询 found them, each with what stands in the way of rating it again. */
static void followup(struct kiosk *k, struct ui_chrome *c)
{
	const struct progress *p = &k->session.progress;
	struct ui_followup_row *rows = ui_arena_alloc(&k->arena, (p->n + 1) * sizeof(*rows));
	const char *notice = NULL;

	if (!rows)
		return;
	for (size_t i = 0; i < p->n; i++) {
		const struct progress_row *r = &p->rows[i];

		rows[i].title = r->item_name;
		rows[i].done = journey_followup_done(k, (int)i);
		rows[i].sub = ui_arena_printf(&k->arena, "办件编号：%s%s", r->case_no[0] ? r->case_no : "无",
					      rows[i].done ? " · 已追评，每件办件只能追评一次" : "");
	}
	if (!p->asked)
		notice = p->n ? "本终端暂未连接政务服务平台，以下是本终端受理的办件，评价将在连接后上传。"
			      : "本终端暂未连接政务服务平台，也没有查到本终端受理的您的办件。您可以返回评价本终端和服务大厅。";
	else if (!p->answered)
		notice = "正在向政务服务平台查找您的办件，请稍候…";
	else if (p->err)
		notice = p->n ? "暂时无法连接政务服务平台，只能列出本终端受理的办件；评价将在连接后上传。"
			      : "暂时无法连接政务服务平台，没有查到本终端受理的您的办件。请稍后再试，或返回评价本终端和服务大厅。";
	else if (!p->n)
		notice = "没有查到您的办件。请核对查询码，或刷身份证查找。";
	c->title = "请选择要追评的办件";
	ui_screen_followup(&k->frame, &k->theme, c, notice, rows, p->n);
}

static void eval(struct kiosk *k, struct ui_chrome *c)
{
	struct session *s = &k->session;

	c->title = "请对本次服务进行评价";
	c->show_back = false;
	ui_screen_eval(&k->frame, &k->theme, c, cases_levels(), s->eval_level, eval_subject(k),
		       "您也可以按评价器上的按键评价。评价自愿，您的身份信息将被保密。");
}

static void reasons(struct kiosk *k, struct ui_chrome *c)
{
	const char *r[EVALMAP_REASONS_MAX], *codes[EVALMAP_REASONS_MAX];
	size_t n = cases_reasons(k, r, codes, EVALMAP_REASONS_MAX);

	c->title = ui_arena_printf(&k->arena, "您选择了“%s”，请告诉我们原因（可多选）",
				   cases_levels()[k->session.eval_level < 0 ? 3 : k->session.eval_level]);
	c->next_label = "提交评价";
	c->next_enabled = k->session.eval_reasons != 0;
	ui_screen_reasons(&k->frame, &k->theme, c, r, n, k->session.eval_reasons, k->session.eval_text,
			  k->session.eval_named);
}

static void eval_text(struct kiosk *k, struct ui_chrome *c)
{
	c->title = "补充说明（选填）";
	c->next_label = "完成";
	c->next_enabled = true;
	ui_screen_text(&k->frame, &k->theme, c, "请输入您的意见或建议", k->session.edit,
		       "可使用下方键盘或外接键盘输入");
}

void view_build(struct kiosk *k, int64_t now)
{
	struct ui_chrome c;

	ui_frame_begin(&k->frame, &k->arena, ui_sdl_metrics(k->ui), k->cfg.width, k->cfg.height);
	ui_theme_get(k->theme_id, k->cfg.width, k->cfg.height, &k->theme);
	c = chrome(k, now, NULL);
	switch (k->state) {
	case FLOW_HOME:
		home(k, &c);
		break;
	case FLOW_CARD:
		c.title = "请将身份证放在读卡区";
		ui_screen_message(&k->frame, &k->theme, &c, UI_PIC_CARD, "请将身份证平放在下方读卡区，读取完成前请勿移动",
				  "读取后将自动填写您的姓名、证件号码和住址，无需手工输入。", NULL, 0);
		break;
	case FLOW_CATALOG:
		catalog(k, &c);
		break;
	case FLOW_SEARCH:
		search(k, &c);
		break;
	case FLOW_GUIDE:
		guide(k, &c);
		break;
	case FLOW_FORM:
		form(k, &c);
		break;
	case FLOW_PHONE:
		phone(k, &c);
		break;
	case FLOW_SCAN:
		scan(k, &c);
		break;
	case FLOW_SUMMARY:
		summary(k, &c);
		break;
	case FLOW_SUBMIT:
		c.title = "正在保存您的申请";
		ui_screen_message(&k->frame, &k->theme, &c, UI_PIC_BUSY, "请稍候…", NULL, NULL, 0);
		break;
	case FLOW_PRINT:
		print_screen(k, &c, false);
		break;
	case FLOW_PRINT_FAULT:
		print_screen(k, &c, true);
		break;
	case FLOW_EVAL:
		eval(k, &c);
		break;
	case FLOW_REASONS:
		reasons(k, &c);
		break;
	case FLOW_EVAL_TEXT:
		eval_text(k, &c);
		break;
	case FLOW_THANKS:
		c.title = "感谢您的评价";
		c.show_back = false;
		c.next_label = "返回首页";
		c.next_enabled = true;
		c.show_home = false;
		ui_screen_message(&k->frame, &k->theme, &c, UI_PIC_OK, thanks_headline(k), thanks_body(k), NULL, 0);
		break;
	case FLOW_QUERY:
		query(k, &c);
		break;
	case FLOW_PROGRESS:
		progress(k, &c);
		break;
	case FLOW_CERTS_CARD:
		c.title = "请将身份证放在读卡区";
		ui_screen_message(&k->frame, &k->theme, &c, UI_PIC_CARD, "请将身份证平放在下方读卡区，读取完成前请勿移动",
				  "读取后将列出政务服务平台上您可以自助打印的证明和证照。", NULL, 0);
		break;
	case FLOW_CERTS:
		certs(k, &c);
		break;
	case FLOW_CERT_PRINT:
		cert_print(k, &c);
		break;
	case FLOW_RATE:
		c.title = "好差评：请选择评价对象";
		ui_screen_rate_choice(&k->frame, &k->theme, &c);
		break;
	case FLOW_FOLLOW_FIND:
		c.title = "追评：请刷身份证，或输入查询码";
		c.next_label = "查找办件";
		c.next_enabled = strlen(k->session.edit) == 8;
		ui_screen_query(&k->frame, &k->theme, &c, k->session.edit,
				k->banner[0] ? NULL : "查询码印在受理回执上，由数字和字母组成。", k->banner[0] != 0);
		break;
	case FLOW_FOLLOW_CASES:
		followup(k, &c);
		break;
	case FLOW_CERT_DONE:
		c.title = "打印完成";
		c.next_label = "完成";
		c.next_enabled = true;
		ui_screen_message(&k->frame, &k->theme, &c, UI_PIC_OK, "请在A4出纸口取走您的证明",
				  ui_arena_printf(&k->arena, "《%s》已打印。需要打印其他证明请点击“上一步”。",
						  k->session.certs.certs[k->session.cert].title),
				  NULL, 0);
		break;
	default:
		break;
	}
}
