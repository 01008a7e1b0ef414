/* reader.h: a byte stream from a file or stdin, decompressed when it is gzip, xz, zstd or bzip2. */
#ifndef READER_H
#define READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum reader_comp { RC_NONE, RC_GZIP, RC_XZ, RC_ZSTD, RC_BZIP2 };

struct reader;

/*
 * Opens path ("-" = standard input) and detects compression by the magic bytes
 * at its start, not by its name (this reads the first bytes, so on a pipe it
 * waits for 10 bytes or the end). Returns the reader, owned by the caller (free
 * with reader_close), or NULL with errno set (ENOENT, EACCES, EISDIR for a
 * directory, ...) and a message "PATH: reason" in err[0..errlen).
 */
struct reader *reader_open(const char *path, char *err, size_t errlen);

/*
 * Reads up to cap (> 0) bytes of (decompressed) data into buf. Returns the
 * number of bytes (> 0), 0 at the clean end of the data, or -1 on an error: a
 * read error, corrupt data ("corrupt gzip data: ..."), a compressed stream that
 * ends before its end marker ("truncated gzip data") or garbage after the last
 * member ("trailing garbage after gzip data"; zero padding is skipped). The
 * bytes decoded before the error are returned first; the error comes at the
 * next call and stays. After a truncation those bytes are good; after
 * corruption some may be damaged, as checksums (gzip member, xz block, bzip2
 * block, zstd frame) come after the data they cover. reader_errmsg says what
 * went wrong, without the path.
 * Concatenated gzip/xz/zstd/bzip2 members are read one after the other. Once
 * some output is decoded it is returned without waiting for more input.
 */
ssize_t reader_read(struct reader *r, char *buf, size_t cap);

/* The last error's text ("" when none); valid until the next call. */
const char *reader_errmsg(const struct reader *r);
/* The detected enum reader_comp. */
int reader_comp(const struct reader *r);
/* The file's mtime in UTC epoch seconds, or -1 when it is not a regular file (pipe, tty). */
int64_t reader_mtime(const struct reader *r);
/* The file's size in bytes at open, or -1 when it is not a regular file. */
int64_t reader_size(const struct reader *r);
/*
 * Restricts a plain (RC_NONE) regular file to the bytes [lo, hi) (hi -1: to the
 * end), for reading one file in parts. Drops the bytes peeked at open and seeks
 * to lo; reads then end at hi. Returns 0, or -1 with errno (EINVAL for a
 * compressed or non-regular input or a bad range; lseek's errors).
 */
int reader_range(struct reader *r, int64_t lo, int64_t hi);
/* The path it was opened with ("-" for stdin). */
const char *reader_path(const struct reader *r);
/* Closes and frees r (NULL is fine). */
void reader_close(struct reader *r);

#endif
