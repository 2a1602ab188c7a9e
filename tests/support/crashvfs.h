/* A SQLite VFS for crash tests, after SQLite's own (src/test6.c): it wraps the default VFS, holds
 * every write back until the file is synced, counts I/O operations, and at operation k "loses
 * power": the writes not yet synced are dropped, or each dropped, kept or torn (a random prefix of
 * its sectors written), and the process ends at once with CRASHVFS_EXIT. The test then reopens
 * the files with the normal VFS and checks what survived. */
#ifndef TESTS_SUPPORT_CRASHVFS_H
#define TESTS_SUPPORT_CRASHVFS_H

#include <stdint.h>

/* The exit status of a process that crashed at its chosen operation. */
#define CRASHVFS_EXIT 42

enum crashvfs_mode {
	CRASHVFS_DROP, /* every unsynced write is lost */
	CRASHVFS_TEAR, /* each unsynced write is lost, written whole, or written in part */
	CRASHVFS__COUNT
};

/* Makes the crash VFS SQLite's default; databases opened from now on go through it. Unarmed, it
 * writes through at once. Returns 0, or -1 when SQLite has no default VFS to wrap. */
int crashvfs_install(void);
/* Makes the wrapped VFS the default again. Files opened through the crash VFS must be closed. */
void crashvfs_uninstall(void);
/* Counts writes, truncations and syncs from now on; writes wait for their file's sync. crash_at 0
 * only counts; else the crash_at-th operation crashes instead of running. seed chooses what a
 * CRASHVFS_TEAR crash keeps. */
void crashvfs_arm(long crash_at, enum crashvfs_mode mode, uint64_t seed);
/* Stops counting; writes still held are written (as the OS would in time). Returns 0, or -1 when
 * one of them failed. */
int crashvfs_disarm(void);
/* Operations counted since crashvfs_arm(). */
long crashvfs_ops(void);
/* The number of the last sync counted, 0 when none: a crash after it must keep what it synced. */
long crashvfs_last_sync(void);

#endif
