/* ID number check: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check = "10X98765432"[sum mod 11]. */
#include "common/idnum.h"

#include <string.h>

char idnum_check_char(const char *s)
{
	static const int weight[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		sum += (s[i] - '0') * weight[i];
	}
	return "10X98765432"[sum % 11];
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool date_valid(int y, int m, int d)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1850 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !leap);
}

bool idnum_valid(const char *s)
{
	char c;

	if (!s || strlen(s) != 18)
		return false;
	c = idnum_check_char(s);
	if (!c || s[17] != c)
		return false;
	return date_valid(digits(s + 6, 4), digits(s + 10, 2), digits(s + 12, 2));
}
