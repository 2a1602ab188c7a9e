/* kioskctl idcard: dispatch, and printing cards for technicians. */
#include "tools/kioskctl/idcard.h"

#include "common/clock.h"
#include "common/mask.h"
#include "common/utf8.h"
#include "tools/kioskctl/kioskctl.h"

#include <string.h>

static const struct kioskctl_cmd cmds[] = {
	{ "read", idcard_cmd_read,
	  "read [--config FILE] [--set KEY=VALUE]... [--full] [--timeout SECONDS]\n"
	  "        read one card from the configured reader and print it (masked unless --full)" },
	{ "decode", idcard_cmd_decode,
	  "decode [--full] [--today YYYYMMDD] FILE\n"
	  "        decode a saved reply frame: status, and the card it carries" },
	{ "simulate", idcard_cmd_simulate,
	  "simulate [--card NAME] [--link PATH] [--commands FIFO] [--latency MS]\n"
	  "        a simulated reader on a pty speaking GA/T 467; prints the port's path and "
	  "takes\n"
	  "        commands on stdin or FIFO: insert NAME, remove, unplug, plug, fault read on|off "
	  "..." },
};

static int run(int argc, char **argv)
{
	return kioskctl_dispatch("idcard", cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv);
}

const struct kioskctl_group kioskctl_idcard = {
	.name = "idcard",
	.summary = "the ID-card reader: read a card, decode a saved frame, simulate a reader",
	.run = run,
};

const char *idcard_explain(enum kerr e)
{
	switch (e) {
	case KERR_OK:
		return "成功 / ok";
	case KERR_NO_CARD:
		return "未放置证件 / no card on the reader";
	case KERR_EXPIRED:
		return "证件已过有效期 / the card has expired";
	case KERR_CARD_REMOVED:
		return "读卡时证件被移开 / the card was lifted mid-read";
	case KERR_CARD_READ:
		return "证件无法读取（非二代证、损坏或不支持的证件）/ the card could not be read";
	case KERR_NO_DEVICE:
		return "找不到读卡器 / no reader at the configured port";
	case KERR_TIMEOUT:
		return "读卡器没有应答 / the reader did not answer";
	case KERR_PROTO:
		return "读卡器应答有误 / the reader's reply was garbled";
	case KERR_PERM:
		return "读卡模块未授权或无权限 / not permitted";
	case KERR_BUSY:
		return "读卡器被其他程序占用 / the reader is in use";
	default:
		return kerr_str(e);
	}
}

void idcard_today(char out[9])
{
	struct clock c;
	int y, mo, d, h, mi, s, wd;
	char buf[32];

	clock_init_real(&c);
	clock_local(clock_wall_ms(&c), &y, &mo, &d, &h, &mi, &s, &wd);
	snprintf(buf, sizeof(buf), "%04d%02d%02d", y, mo, d);
	memcpy(out, buf, 8);
	out[8] = 0;
}

/* Keeps the first n characters: enough to check a district, not to find a home. */
static void mask_head(const char *s, size_t n, char *out, size_t cap)
{
	const char *p = s;
	size_t i = 0;

	while (i < n && utf8_next(&p))
		i++;
	snprintf(out, cap, "%.*s%s", (int)(p - s), s, *p ? "****" : "");
}

static const char *type_words(enum idcard_type t)
{
	switch (t) {
	case IDCARD_RESIDENT:
		return "居民身份证";
	case IDCARD_HMT_PERMIT:
		return "港澳台居民居住证";
	case IDCARD_FOREIGN_2017:
		return "外国人永久居留身份证（2017版）";
	case IDCARD_FOREIGN_2023:
		return "外国人永久居留身份证（2023版）";
	default:
		return "?";
	}
}

static void field(FILE *f, const char *label, const char *value)
{
	if (value && value[0])
		fprintf(f, "%-14s %s\n", label, value);
}

void idcard_print(FILE *f, const struct idcard_data *c, bool full)
{
	char name[128], name_en[256], num[64], pass[40], addr[256];

	if (full) {
		snprintf(name, sizeof(name), "%s", c->name);
		snprintf(name_en, sizeof(name_en), "%s", c->name_en);
		snprintf(num, sizeof(num), "%s", c->id_number);
		snprintf(pass, sizeof(pass), "%s", c->pass_number);
		snprintf(addr, sizeof(addr), "%s", c->address);
	} else {
		mask_name(c->name, name, sizeof(name));
		mask_head(c->name_en, 1, name_en, sizeof(name_en));
		mask_idnum(c->id_number, num, sizeof(num));
		mask_idnum(c->pass_number, pass, sizeof(pass));
		mask_head(c->address, 6, addr, sizeof(addr));
	}
	fprintf(f, "%-14s %s (%s)\n", "type", type_words(c->type), idcard_type_str(c->type));
	field(f, "name", name);
	field(f, "name_en", name_en);
	field(f, "sex", c->sex == '1' ? "男 (1)" : c->sex == '2' ? "女 (2)" : "?");
	field(f, "nation", c->nation);
	field(f, "nationality", c->nationality);
	field(f, "birth", full ? c->birth : "********");
	field(f, "address", addr);
	field(f, "id_number", num);
	field(f, "pass_number", pass);
	field(f, "authority", c->authority);
	fprintf(f, "%-14s %s - %s\n", "valid", c->valid_from, c->valid_to);
	fprintf(f, "%-14s %s\n", "photo", c->has_photo ? "1024 bytes (WLT)" : "none");
}
