#ifndef RETURNSYNC_SQLITE_WAL_BUFFER_H
#define RETURNSYNC_SQLITE_WAL_BUFFER_H

/// The name of the VFS `returnsync_wal_buffer_register` registers.
#define RETURNSYNC_WAL_BUFFER_VFS "returnsync-walbuffer"

/// Registers (once; later calls do nothing) a VFS named `RETURNSYNC_WAL_BUFFER_VFS` that wraps
/// SQLite's default VFS and gathers the writes SQLite makes to a WAL file into one buffer, written
/// with one `pwrite` when a transaction's commit frame is complete, before any sync, read, size
/// query, truncation or close of that file. Every other file, and every other call, goes straight
/// to the default VFS. Select it per database with a `file:` URI and `?vfs=`. Returns an SQLite
/// result code.
int returnsync_wal_buffer_register(void);

#endif
