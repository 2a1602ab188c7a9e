/* Working days: promised completion dates skip weekends and the holidays of the calendar, and count the weekend
 * days the calendar makes working days (调休). */
#ifndef KIOSK_WORKDAY_H
#define KIOSK_WORKDAY_H

/* The date (YYYYMMDD as an int) n working days after day (YYYYMMDD). holidays and workdays are comma-separated
 * YYYYMMDD lists (may be empty). Day 0 is the day of acceptance; the count starts the next working day. */
int workday_add(int day, int n, const char *holidays, const char *workdays);

#endif
