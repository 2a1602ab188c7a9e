/* Pinyin initials for catalog search. GB2312 orders its 3755 level-1 hanzi by pinyin, so glibc's
 * iconv and the 23 codes where the initial changes give the letter of nearly every common
 * character; a short table covers level-2 and non-GB2312 characters seen in service words,
 * place names and the names of ethnic groups. */
#include "kiosk/pinyin.h"

#include "common/utf8.h"

#include <iconv.h>
#include <stdint.h>
#include <string.h>

struct bound {
	uint16_t gb;
	char letter;
};

/* First GB2312 code of each initial in level 1; there are no syllables starting with i, u or v. */
static const struct bound bounds[] = {
	{ 0xB0A1, 'a' }, { 0xB0C5, 'b' }, { 0xB2C1, 'c' }, { 0xB4EE, 'd' }, { 0xB6EA, 'e' },
	{ 0xB7A2, 'f' }, { 0xB8C1, 'g' }, { 0xB9FE, 'h' }, { 0xBBF7, 'j' }, { 0xBFA6, 'k' },
	{ 0xC0AC, 'l' }, { 0xC2E8, 'm' }, { 0xC4C3, 'n' }, { 0xC5B6, 'o' }, { 0xC5BE, 'p' },
	{ 0xC6DA, 'q' }, { 0xC8BB, 'r' }, { 0xC8F6, 's' }, { 0xCBFA, 't' }, { 0xCDDA, 'w' },
	{ 0xCEF4, 'x' }, { 0xD1B9, 'y' }, { 0xD4D1, 'z' },
};

#define GB_LEVEL1_FIRST 0xB0A1
#define GB_LEVEL1_LAST 0xD7F9

struct extra {
	uint32_t cp;
	char letter;
};

/* Characters outside GB2312 level 1, sorted by code point for the binary search. Where a
 * character has several readings, the one used in place names wins (犍为 qian, 枞阳 zong). */
static const struct extra extras[] = {
	{ 0x3007, 'l' }, { 0x4EB3, 'b' }, { 0x4EE1, 'g' }, { 0x4EEB, 'm' }, /* 〇亳仡仫 */
	{ 0x4F5D, 'g' }, { 0x4F64, 'w' }, { 0x5043, 'y' }, { 0x507B, 'l' }, /* 佝佤偃偻 */
	{ 0x510B, 'd' }, { 0x5156, 'y' }, { 0x51A2, 'z' }, { 0x5586, 'z' }, /* 儋兖冢喆 */
	{ 0x5729, 'w' }, { 0x57B8, 'y' }, { 0x57C7, 'y' }, { 0x5803, 'k' }, /* 圩垸埇堃 */
	{ 0x598D, 'y' }, { 0x59AF, 'z' }, { 0x59CA, 'z' }, { 0x5A0C, 'l' }, /* 妍妯姊娌 */
	{ 0x5A67, 'j' }, { 0x5A77, 't' }, { 0x5A7A, 'w' }, { 0x5B40, 's' }, /* 婧婷婺孀 */
	{ 0x5C91, 'c' }, { 0x5C9A, 'l' }, { 0x5CA2, 'k' }, { 0x5D02, 'l' }, /* 岑岚岢崂 */
	{ 0x5D58, 'r' }, { 0x5F67, 'y' }, { 0x65CC, 'j' }, { 0x65FB, 'm' }, /* 嵘彧旌旻 */
	{ 0x660A, 'h' }, { 0x6615, 'x' }, { 0x6657, 'h' }, { 0x679E, 'z' }, /* 昊昕晗枞 */
	{ 0x6B59, 's' }, { 0x6B81, 'm' }, { 0x6B87, 's' }, { 0x6B93, 'l' }, /* 歙殁殇殓 */
	{ 0x6BA1, 'b' }, { 0x6C4A, 'c' }, { 0x6C68, 'm' }, { 0x6C85, 'y' }, /* 殡汊汨沅 */
	{ 0x6CAD, 's' }, { 0x6CD3, 'h' }, { 0x6CD7, 's' }, { 0x6CEB, 'x' }, /* 沭泓泗泫 */
	{ 0x6CF8, 'l' }, { 0x6CFE, 'j' }, { 0x6D4F, 'l' }, { 0x6D54, 'x' }, /* 泸泾浏浔 */
	{ 0x6D5C, 'b' }, { 0x6D60, 'x' }, { 0x6DFC, 'm' }, { 0x6E11, 'm' }, /* 浜浠淼渑 */
	{ 0x6EA7, 'l' }, { 0x6ED5, 't' }, { 0x6F2F, 'l' }, { 0x6F62, 'h' }, /* 溧滕漯潢 */
	{ 0x6FC9, 's' }, { 0x6FEE, 'p' }, { 0x709C, 'w' }, { 0x70E8, 'y' }, /* 濉濮炜烨 */
	{ 0x715C, 'y' }, { 0x71A0, 'y' }, { 0x728D, 'q' }, { 0x7317, 'y' }, /* 煜熠犍猗 */
	{ 0x73A5, 'y' }, { 0x73AE, 'w' }, { 0x73DE, 'l' }, { 0x73F2, 'h' }, /* 玥玮珞珲 */
	{ 0x73FA, 'j' }, { 0x740A, 'y' }, { 0x741B, 'c' }, { 0x742A, 'q' }, /* 珺琊琛琪 */
	{ 0x7430, 'y' }, { 0x7444, 'x' }, { 0x747E, 'j' }, { 0x7487, 'x' }, /* 琰瑄瑾璇 */
	{ 0x7490, 'l' }, { 0x749F, 'j' }, { 0x74A7, 'b' }, { 0x7548, 'f' }, /* 璐璟璧畈 */
	{ 0x7572, 's' }, { 0x75B8, 'd' }, { 0x75EB, 'x' }, { 0x7600, 'y' }, /* 畲疸痫瘀 */
	{ 0x7618, 'l' }, { 0x7654, 'y' }, { 0x766B, 'd' }, { 0x76F1, 'x' }, /* 瘘癔癫盱 */
	{ 0x7719, 'y' }, { 0x7762, 's' }, { 0x777F, 'r' }, { 0x7800, 'd' }, /* 眙睢睿砀 */
	{ 0x794E, 'y' }, { 0x795C, 'h' }, { 0x7960, 'c' }, { 0x7DA6, 'q' }, /* 祎祜祠綦 */
	{ 0x7EDB, 'j' }, { 0x7FB8, 'l' }, { 0x7FC0, 'c' }, { 0x8006, 'q' }, /* 绛羸翀耆 */
	{ 0x8012, 'l' }, { 0x82AE, 'r' }, { 0x82B8, 'y' }, { 0x830C, 'c' }, /* 耒芮芸茌 */
	{ 0x831C, 'q' }, { 0x8365, 'x' }, { 0x8392, 'j' }, { 0x8398, 's' }, /* 茜荥莒莘 */
	{ 0x83C1, 'j' }, { 0x8431, 'x' }, { 0x8862, 'q' }, { 0x8913, 'b' }, /* 菁萱衢褓 */
	{ 0x8941, 'q' }, { 0x8C2F, 'q' }, { 0x8D48, 'z' }, { 0x9095, 'y' }, /* 襁谯赈邕 */
	{ 0x9097, 'h' }, { 0x909B, 'q' }, { 0x90B3, 'p' }, { 0x90D3, 'y' }, /* 邗邛邳郓 */
	{ 0x90EB, 'p' }, { 0x90EF, 't' }, { 0x90FE, 'y' }, { 0x9104, 'j' }, /* 郫郯郾鄄 */
	{ 0x91B4, 'l' }, { 0x94B0, 'y' }, { 0x9606, 'l' }, { 0x96B0, 'x' }, /* 醴钰阆隰 */
	{ 0x988D, 'y' }, { 0x9A9E, 'q' }, { 0x9AB6, 'd' }, { 0x9ACB, 'k' }, /* 颍骞骶髋 */
	{ 0x9CCF, 'g' }, { 0x9EDF, 'y' }, /* 鳏黟 */
};

struct word {
	const char *text;
	const char *initials;
};

/* Words read differently from GB2312's sort order (银行 is yinhang, not yinxing); matched before
 * single characters so a resident typing "yhk" finds 银行卡. */
static const struct word words[] = {
	{ "银行", "yh" }, { "行业", "hy" }, { "重庆", "cq" }, { "西藏", "xz" }, { "藏族", "zz" },
	{ "厦门", "xm" }, { "会计", "kj" }, { "调解", "tj" }, { "番禺", "py" }, { "单县", "sx" },
};

static char extra_letter(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(extras) / sizeof(extras[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (extras[mid].cp == cp)
			return extras[mid].letter;
		if (extras[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static char gb_letter(uint16_t gb)
{
	char letter = 0;

	if (gb < GB_LEVEL1_FIRST || gb > GB_LEVEL1_LAST)
		return 0;
	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]) && gb >= bounds[i].gb; i++)
		letter = bounds[i].letter;
	return letter;
}

/* cd is (iconv_t)-1 when the gconv modules are missing: then only ASCII and the table answer. */
static char letter_of(iconv_t cd, const char *utf8, size_t len, uint32_t cp)
{
	unsigned char gb[4];
	char *in = (char *)utf8, *out = (char *)gb;
	size_t inleft = len, outleft = sizeof(gb);
	char letter;

	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			return (char)(cp - 'A' + 'a');
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			return (char)cp;
		return 0;
	}
	/* Full-width letters and digits come from Chinese input methods: treat them as ASCII. */
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return (char)(cp - 0xFF10 + '0');
	if (cp >= 0xFF21 && cp <= 0xFF3A)
		return (char)(cp - 0xFF21 + 'a');
	if (cp >= 0xFF41 && cp <= 0xFF5A)
		return (char)(cp - 0xFF41 + 'a');
	letter = extra_letter(cp);
	if (letter || cp == 0xFFFD || cd == (iconv_t)-1)
		return letter;
	if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
		/* Not in GB2312: reset the shift state so the next character starts clean. */
		iconv(cd, NULL, NULL, NULL, NULL);
		return 0;
	}
	if (sizeof(gb) - outleft != 2)
		return 0;
	return gb_letter((uint16_t)(gb[0] << 8 | gb[1]));
}

static const struct word *word_at(const char *s)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t len = strlen(words[i].text);

		if (strncmp(s, words[i].text, len) == 0)
			return &words[i];
	}
	return NULL;
}

void pinyin_initials(const char *utf8, char *out, size_t n)
{
	iconv_t cd;
	const char *p = utf8;
	size_t used = 0;

	if (n == 0)
		return;
	out[0] = 0;
	if (!utf8)
		return;
	/* Opened per call so the module keeps no global state; glibc caches the loaded module. */
	cd = iconv_open("GB2312", "UTF-8");
	while (*p && used + 1 < n) {
		const struct word *w = word_at(p);
		const char *start = p;
		uint32_t cp;
		char letter;

		if (w) {
			for (const char *i = w->initials; *i && used + 1 < n; i++)
				out[used++] = *i;
			p += strlen(w->text);
			continue;
		}
		cp = utf8_next(&p);
		letter = letter_of(cd, start, (size_t)(p - start), cp);
		if (letter)
			out[used++] = letter;
	}
	out[used] = 0;
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}
