// A VFS that gathers SQLite's writes to a WAL file into one write per commit.
//
// SQLite appends a transaction to the WAL one frame at a time, each frame as two writes: its
// 24-byte header, then the page. A return on a node changes about seventeen pages, so its commit
// made 35 `pwrite` calls before its fsync (strace of `returnsync bench node`); each call costs the
// kernel's per-call work again. This VFS keeps those writes in a buffer and hands them to the
// kernel as one `pwrite` when the transaction's commit frame is complete. The bytes, their
// offsets and the fsync are the ones SQLite asked for, so the file and its durability are the same.
//
// When the buffer is written:
// - after the page of a commit frame (a frame header whose "database size after commit" field is
//   not zero): the frames are then in the file before SQLite publishes them in the WAL index,
//   where other connections find them, whatever the `synchronous` setting;
// - before a sync, read, size query, truncation or close of the file, and before a write that does
//   not continue or overwrite what is buffered.
// A write error surfaces from the call that wrote the buffer, which SQLite treats as any failed
// write of the transaction.
//
// Only files SQLite opens as WALs are wrapped; the database file, journals and temporary files get
// the default VFS's own file methods. Each connection has its own WAL file handle and so its own
// buffer; only the connection holding the write lock ever fills one.

#include <sqlite3.h>
#include <string.h>
#include <pthread.h>
#include "SQLiteWALBuffer.h"

/// At most this many bytes are written at once: the default (unix) VFS takes writes under 128 KB
/// only (it masks a write's length with 0x1ffff). A larger transaction is written in several.
#define BUFFER_CAPACITY (120 * 1024)

typedef struct BufferedWAL {
    sqlite3_file base;          // our methods
    sqlite3_file *real;         // the default VFS's file, in the same allocation
    unsigned char *buffer;      // BUFFER_CAPACITY bytes, allocated at the first write
    sqlite3_int64 offset;       // file offset of buffer[0]
    int length;                 // bytes pending
    int flushAfterNextWrite;    // a commit frame's header has just been buffered
} BufferedWAL;

#define ROUND8(x) (((x) + 7) & ~7)

static sqlite3_vfs *realVFS;
static sqlite3_vfs bufferVFS;
static int registerResult = SQLITE_OK;
static pthread_once_t registerOnce = PTHREAD_ONCE_INIT;

static int flush(BufferedWAL *f) {
    if (f->length == 0) return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->buffer, f->length, f->offset);
    f->length = 0;
    return rc;
}

static int walClose(sqlite3_file *p) {
    BufferedWAL *f = (BufferedWAL *)p;
    int rc = flush(f);
    int closed = f->real->pMethods->xClose(f->real);
    sqlite3_free(f->buffer);
    f->buffer = NULL;
    return rc != SQLITE_OK ? rc : closed;
}

static int walRead(sqlite3_file *p, void *data, int amount, sqlite3_int64 offset) {
    BufferedWAL *f = (BufferedWAL *)p;
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xRead(f->real, data, amount, offset);
}

/// Is this a WAL frame header that ends a transaction? Bytes 4–7 of a frame header are the
/// database size in pages after a commit frame, zero in every other frame (sqlite.org/fileformat2.html, §4.1).
static int isCommitFrameHeader(const void *data, int amount) {
    if (amount != 24) return 0;
    const unsigned char *b = data;
    return (b[4] | b[5] | b[6] | b[7]) != 0;
}

static int walWrite(sqlite3_file *p, const void *data, int amount, sqlite3_int64 offset) {
    BufferedWAL *f = (BufferedWAL *)p;
    int rc;
    if (f->length > 0) {
        sqlite3_int64 end = f->offset + f->length;
        if (offset == end && f->length + amount <= BUFFER_CAPACITY) {
            memcpy(f->buffer + f->length, data, (size_t)amount);
            f->length += amount;
            goto buffered;
        }
        if (offset >= f->offset && offset + amount <= end) {
            // SQLite rewrites a frame of the open transaction in place when the page changes again.
            memcpy(f->buffer + (offset - f->offset), data, (size_t)amount);
            goto buffered;
        }
        if ((rc = flush(f)) != SQLITE_OK) return rc;
    }
    if (amount > BUFFER_CAPACITY / 2) {
        f->flushAfterNextWrite = 0;
        return f->real->pMethods->xWrite(f->real, data, amount, offset);
    }
    if (f->buffer == NULL) {
        f->buffer = sqlite3_malloc(BUFFER_CAPACITY);
        if (f->buffer == NULL) return f->real->pMethods->xWrite(f->real, data, amount, offset);
    }
    memcpy(f->buffer, data, (size_t)amount);
    f->offset = offset;
    f->length = amount;
buffered:
    if (f->flushAfterNextWrite) {
        f->flushAfterNextWrite = 0;
        return flush(f);
    }
    if (isCommitFrameHeader(data, amount)) f->flushAfterNextWrite = 1;
    return SQLITE_OK;
}

static int walTruncate(sqlite3_file *p, sqlite3_int64 size) {
    BufferedWAL *f = (BufferedWAL *)p;
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xTruncate(f->real, size);
}

static int walSync(sqlite3_file *p, int flags) {
    BufferedWAL *f = (BufferedWAL *)p;
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xSync(f->real, flags);
}

static int walFileSize(sqlite3_file *p, sqlite3_int64 *size) {
    BufferedWAL *f = (BufferedWAL *)p;
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileSize(f->real, size);
}

static int walLock(sqlite3_file *p, int level) {
    BufferedWAL *f = (BufferedWAL *)p;
    return f->real->pMethods->xLock(f->real, level);
}

static int walUnlock(sqlite3_file *p, int level) {
    BufferedWAL *f = (BufferedWAL *)p;
    return f->real->pMethods->xUnlock(f->real, level);
}

static int walCheckReservedLock(sqlite3_file *p, int *out) {
    BufferedWAL *f = (BufferedWAL *)p;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int walFileControl(sqlite3_file *p, int op, void *arg) {
    BufferedWAL *f = (BufferedWAL *)p;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int walSectorSize(sqlite3_file *p) {
    BufferedWAL *f = (BufferedWAL *)p;
    return f->real->pMethods->xSectorSize(f->real);
}

static int walDeviceCharacteristics(sqlite3_file *p) {
    BufferedWAL *f = (BufferedWAL *)p;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

// Version 1 of the methods: a WAL file has no shared memory and is never memory-mapped, so the
// later methods (xShm*, xFetch, xUnfetch) stay NULL and SQLite never asks for them.

static const sqlite3_io_methods walMethods = {
    1,
    walClose,
    walRead,
    walWrite,
    walTruncate,
    walSync,
    walFileSize,
    walLock,
    walUnlock,
    walCheckReservedLock,
    walFileControl,
    walSectorSize,
    walDeviceCharacteristics,
    NULL, NULL, NULL, NULL, NULL, NULL,
};

static int bufferOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *p, int flags, int *outFlags) {
    (void)vfs;
    if ((flags & SQLITE_OPEN_WAL) == 0) {
        // Not a WAL: the default VFS's file fills the allocation and keeps its own methods.
        return realVFS->xOpen(realVFS, name, p, flags, outFlags);
    }
    BufferedWAL *f = (BufferedWAL *)p;
    memset(f, 0, sizeof(BufferedWAL));
    f->real = (sqlite3_file *)((char *)p + ROUND8(sizeof(BufferedWAL)));
    int rc = realVFS->xOpen(realVFS, name, f->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods) f->real->pMethods->xClose(f->real);
        p->pMethods = NULL;
        return rc;
    }
    p->pMethods = &walMethods;
    return SQLITE_OK;
}

static void registerVFS(void) {
    realVFS = sqlite3_vfs_find(NULL);
    if (realVFS == NULL) {
        registerResult = SQLITE_ERROR;
        return;
    }
    // The copy keeps the default VFS's own data (pAppData, mxPathname) for the calls it forwards.
    bufferVFS = *realVFS;
    bufferVFS.pNext = NULL;
    bufferVFS.zName = RETURNSYNC_WAL_BUFFER_VFS;
    bufferVFS.xOpen = bufferOpen;
    int wrapped = ROUND8(sizeof(BufferedWAL)) + realVFS->szOsFile;
    bufferVFS.szOsFile = wrapped > realVFS->szOsFile ? wrapped : realVFS->szOsFile;
    registerResult = sqlite3_vfs_register(&bufferVFS, 0);
}

int returnsync_wal_buffer_register(void) {
    pthread_once(&registerOnce, registerVFS);
    return registerResult;
}
