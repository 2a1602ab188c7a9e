/* Working-day arithmetic on civil dates (days from civil, Howard Hinnant's algorithm). */
#include "kiosk/workday.h"

#include <stdio.h>
#include <string.h>

static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int civil_from_days(long z)
{
	long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	return (int)(y * 10000 + m * 100 + d);
}

static int listed(const char *list, int day)
{
	char s[16];

	snprintf(s, sizeof(s), "%08d", day);
	for (const char *p = list ? strstr(list, s) : NULL; p; p = strstr(p + 1, s))
		if ((p == list || p[-1] == ',' || p[-1] == ' ') && (p[8] == 0 || p[8] == ',' || p[8] == ' '))
			return 1;
	return 0;
}

int workday_add(int day, int n, const char *holidays, const char *workdays)
{
	long z = days_from_civil(day / 10000, day / 100 % 100, day % 100);

	while (n > 0) {
		int d, wday;

		z++;
		d = civil_from_days(z);
		wday = (int)((z % 7 + 11) % 7); /* 1970-01-01 was a Thursday: 0 = Sunday */
		if (listed(holidays, d))
			continue;
		if ((wday == 0 || wday == 6) && !listed(workdays, d))
			continue;
		n--;
	}
	return civil_from_days(z);
}
