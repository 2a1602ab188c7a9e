/* Evaluation keypads on a serial port: the configurable protocol (text lines such as "KEY 3\r\n",
 * or single-byte codes) and a parser that turns the port's bytes into levels. Pure: no port. */
#ifndef DRIVERS_KEYPAD_LINE_H
#define DRIVERS_KEYPAD_LINE_H

#include "common/kerr.h"
#include "drivers/keypad_report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYPAD_LINE_MAX	  64 /* longer lines are not a keypad's */
#define KEYPAD_CODE_MAX	  12
#define KEYPAD_PREFIX_MAX 16
/* "KEY 1" ... "KEY 5", 1 = 非常满意. */
#define KEYPAD_SERIAL_MAP_DEFAULT "line:KEY:1,2,3,4,5"

struct keypad_serial_map {
	bool bytes;			 /* single-byte codes, else lines */
	char prefix[KEYPAD_PREFIX_MAX]; /* lines: what starts a key line, matched ignoring case */
	uint8_t n_alt[KEYPAD_LEVELS];
	char code[KEYPAD_LEVELS][KEYPAD_ALTS][KEYPAD_CODE_MAX]; /* lines: the text after the prefix */
	uint8_t byte[KEYPAD_LEVELS][KEYPAD_ALTS];		 /* bytes */
};

/* Parses keypad.serial_map: "line:PREFIX:LIST" (a line is PREFIX, optional spaces, a code; ended
 * by CR, LF or both; PREFIX may be empty) or "byte:LIST" (each byte a code, in hex). LIST has one
 * entry per level from 非常满意 on (1 to 5), each "-" or codes joined by "/"; line codes are
 * letters, digits, "_" or "-" (at most 11). Empty s gives KEYPAD_SERIAL_MAP_DEFAULT.
 * Errors: KERR_INVAL. */
enum kerr keypad_serial_map_parse(const char *s, struct keypad_serial_map *ret);

enum keypad_line_result {
	KEYPAD_LINE_NONE,      /* nothing complete yet (or an empty line) */
	KEYPAD_LINE_LEVEL,     /* a key: *ret_level */
	KEYPAD_LINE_UNKNOWN,   /* a well-formed line or byte that is no key of the map */
	KEYPAD_LINE_MALFORMED, /* a line too long or with control or non-ASCII bytes */
};

/* The bytes of a line so far; embedded, zeroed to start. */
struct keypad_line {
	char buf[KEYPAD_LINE_MAX];
	size_t n;
	bool bad;
};

/* Feeds one byte from the port. */
enum keypad_line_result keypad_line_push(struct keypad_line *l, const struct keypad_serial_map *m,
					 uint8_t b, int *ret_level);

#endif
