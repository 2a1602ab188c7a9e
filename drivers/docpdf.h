/* A4 documents as PDF with CJK text: the same receipt descriptions the thermal printer prints,
 * laid out for A4, every page carrying its case number (or certificate identifier) and a QR code
 * that verifies it. */
#ifndef DRIVERS_DOCPDF_H
#define DRIVERS_DOCPDF_H

#include "drivers/receipt.h"

/* Writes doc as an A4 PDF to path. id is printed in every page's footer with "第 n 页 / 共 N 页";
 * qr (may be NULL) is drawn in every footer too. Text is Noto Sans CJK SC (bold lines in its bold
 * face), wrapped to the page; CUT starts a new page. Errors: KERR_INVAL (bad doc), KERR_NOT_FOUND
 * (fonts), KERR_FULL (more than 50 pages), KERR_NOMEM, KERR_IO. */
enum kerr docpdf_write(const struct receipt_doc *doc, const char *id, const char *qr,
		       const char *path);

#endif
