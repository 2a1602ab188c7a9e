/* Recorded-looking document camera frames for tests and `make run SCANNER=camera`: a sheet of A4
 * slid onto a dark desk under the camera, then held still, as MJPEG files the v4l2 backend's frame
 * folder reads. */
#ifndef TESTS_SUPPORT_CAMFRAMES_H
#define TESTS_SUPPORT_CAMFRAMES_H

/* Writes n frames (frame-00.jpg ...) of w x h pixels into dir, which must exist. 0, or -1 with
 * errno. */
int camframes_write(const char *dir, int n, int w, int h);

#endif
