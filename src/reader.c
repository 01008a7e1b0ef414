/* reader.c: a byte stream from a file or stdin, decompressed when it is gzip, xz, zstd or bzip2. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <zstd.h>

#include "reader.h"
#include "xmalloc.h"

#define READER_INBUF (256 * 1024) /* compressed input (and peeked bytes of plain input) */
#define READER_PEEK 10            /* bytes wanted at open to recognise every magic */

/* What a decoder step ended with. */
enum { STEP_MORE, STEP_END };

/*
 * Invariant: in[inpos..inlen) holds bytes read from fd and not yet consumed.
 * member is set while a compressed member (gzip member, zstd frame, bzip2 or
 * xz stream) has been started and not yet ended. failed is set once an error
 * was reported: every later read returns -1 with the same errmsg.
 */
struct reader {
	char *path;
	int fd, own_fd;
	int comp;
	int64_t mtime, size;
	int64_t left; /* plain bytes still to read in a range, -1 when unbounded */
	unsigned char *in;
	size_t inpos, inlen;
	int eof, member, nmembers, failed;
	struct inflate_state *gz;
	lzma_stream xz;
	int xz_init;
	ZSTD_DCtx *zs;
	bz_stream bz;
	int bz_init;
	char errmsg[256];
};

static const unsigned char magic_gz[] = {0x1f, 0x8b};
static const unsigned char magic_xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
static const unsigned char magic_zstd[] = {0x28, 0xb5, 0x2f, 0xfd};
static const unsigned char magic_bz_blk[] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
static const unsigned char magic_bz_eos[] = {0x17, 0x72, 0x45, 0x38, 0x50, 0x90};

static const char *
comp_name(int comp)
{
	switch (comp) {
	case RC_GZIP:
		return "gzip";
	case RC_XZ:
		return "xz";
	case RC_ZSTD:
		return "zstd";
	case RC_BZIP2:
		return "bzip2";
	default:
		return "plain";
	}
}

static void
lib_oom(const char *what)
{
	fprintf(stderr, "authwatch: out of memory (%s)\n", what);
	abort();
}

/* Records the error and returns -1, or the n good bytes first (the error comes next call). */
static ssize_t __attribute__((format(printf, 3, 4)))
fail(struct reader *r, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
	r->failed = 1;
	return n > 0 ? (ssize_t)n : -1;
}

static ssize_t
read_fd(int fd, void *buf, size_t n)
{
	ssize_t got;

	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	do
		got = read(fd, buf, n);
	while (got == -1 && errno == EINTR);
	return got;
}

/* Refills the empty input buffer. Returns the byte count, 0 at end of file, -1 on error. */
static ssize_t
fill(struct reader *r)
{
	ssize_t n;

	r->inpos = r->inlen = 0;
	if (r->eof)
		return 0;
	if ((n = read_fd(r->fd, r->in, READER_INBUF)) == -1)
		return -1;
	if (n == 0)
		r->eof = 1;
	r->inlen = (size_t)n;
	return n;
}

/* Does in[0..len) start with the len first bytes of magic (or magic entirely)? */
static int
has_magic(const unsigned char *in, size_t len, const unsigned char *magic, size_t mlen)
{
	if (len < mlen)
		return 0;
	return memcmp(in, magic, mlen) == 0;
}

/* Could in[0..len) be the start of a member? (Only a prefix is checked when len is short.) */
static int
maybe_member(const struct reader *r, const unsigned char *in, size_t len)
{
	const unsigned char *m;
	size_t mlen;

	switch (r->comp) {
	case RC_GZIP:
		m = magic_gz, mlen = sizeof(magic_gz);
		break;
	case RC_XZ:
		m = magic_xz, mlen = sizeof(magic_xz);
		break;
	case RC_ZSTD:
		if ((in[0] & 0xf0) == 0x50) /* a skippable frame, 0x184D2A5? */
			return 1;
		m = magic_zstd, mlen = sizeof(magic_zstd);
		break;
	case RC_BZIP2:
		m = (const unsigned char *)"BZh", mlen = 3;
		break;
	default:
		return 1;
	}
	if (len < mlen)
		mlen = len;
	return memcmp(in, m, mlen) == 0;
}

static int
detect(const unsigned char *in, size_t len)
{
	if (has_magic(in, len, magic_gz, sizeof(magic_gz)))
		return RC_GZIP;
	if (has_magic(in, len, magic_xz, sizeof(magic_xz)))
		return RC_XZ;
	if (has_magic(in, len, magic_zstd, sizeof(magic_zstd)))
		return RC_ZSTD;
	if (len >= 4 && (in[0] & 0xf0) == 0x50 && in[1] == 0x2a && in[2] == 0x4d && in[3] == 0x18)
		return RC_ZSTD; /* a skippable frame first */
	/* "BZh" and a level digit, then a block or end-of-stream magic (or its start) */
	if (len >= 4 && memcmp(in, "BZh", 3) == 0 && in[3] >= '1' && in[3] <= '9') {
		size_t n = len - 4 < sizeof(magic_bz_blk) ? len - 4 : sizeof(magic_bz_blk);

		if (memcmp(in + 4, magic_bz_blk, n) == 0 || memcmp(in + 4, magic_bz_eos, n) == 0)
			return RC_BZIP2;
	}
	return RC_NONE;
}

/* Starts decoding a new member at in[inpos]. */
static void
member_start(struct reader *r)
{
	lzma_ret lr;
	int br;

	switch (r->comp) {
	case RC_GZIP:
		isal_inflate_reset(r->gz);
		r->gz->crc_flag = ISAL_GZIP;
		break;
	case RC_XZ:
		lr = lzma_stream_decoder(&r->xz, UINT64_MAX, LZMA_CONCATENATED);
		if (lr != LZMA_OK)
			lib_oom("lzma_stream_decoder");
		r->xz_init = 1;
		break;
	case RC_ZSTD:
		ZSTD_DCtx_reset(r->zs, ZSTD_reset_session_only);
		break;
	case RC_BZIP2:
		if (r->bz_init)
			BZ2_bzDecompressEnd(&r->bz);
		memset(&r->bz, 0, sizeof(r->bz));
		r->bz_init = 0;
		if ((br = BZ2_bzDecompressInit(&r->bz, 0, 0)) != BZ_OK)
			lib_oom("BZ2_bzDecompressInit");
		r->bz_init = 1;
		break;
	}
	r->member = 1;
	r->nmembers++;
}

static const char *
isal_err(int ret)
{
	switch (ret) {
	case ISAL_INVALID_BLOCK:
		return "invalid deflate block";
	case ISAL_INVALID_SYMBOL:
		return "invalid deflate symbol";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance";
	case ISAL_INVALID_WRAPPER:
		return "invalid header";
	case ISAL_UNSUPPORTED_METHOD:
		return "unsupported method";
	case ISAL_INCORRECT_CHECKSUM:
		return "CRC or length mismatch";
	default:
		return "decoder error";
	}
}

static const char *
lzma_err(lzma_ret ret)
{
	switch (ret) {
	case LZMA_FORMAT_ERROR:
		return "not an xz stream";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "data error";
	case LZMA_MEM_ERROR:
		return "out of memory";
	default:
		return "decoder error";
	}
}

static const char *
bz_err(int ret)
{
	switch (ret) {
	case BZ_DATA_ERROR:
		return "data error";
	case BZ_DATA_ERROR_MAGIC:
		return "bad magic";
	case BZ_MEM_ERROR:
		return "out of memory";
	default:
		return "decoder error";
	}
}

/*
 * Runs the decoder over in[inpos..inlen) into buf[*out..cap) (cap - *out > 0).
 * Returns STEP_END when the member ended, STEP_MORE when it wants more input
 * or output space, -1 on corrupt data (message set, *out still counts the
 * good bytes).
 */
static int
step(struct reader *r, char *buf, size_t cap, size_t *out)
{
	size_t room = cap - *out, avail = r->inlen - r->inpos;
	unsigned char *in = r->in + r->inpos;
	int ret, end = STEP_MORE;

	switch (r->comp) {
	case RC_GZIP: {
		struct inflate_state *s = r->gz;

		s->next_in = in;
		s->avail_in = (uint32_t)avail;
		s->next_out = (uint8_t *)buf + *out;
		s->avail_out = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room;
		ret = isal_inflate(s);
		r->inpos += avail - s->avail_in;
		*out = (size_t)((char *)s->next_out - buf);
		if (ret != ISAL_DECOMP_OK) {
			fail(r, 0, "corrupt gzip data: %s", isal_err(ret));
			return -1;
		}
		if (s->block_state == ISAL_BLOCK_FINISH)
			end = STEP_END;
		break;
	}
	case RC_XZ: {
		lzma_ret lr;

		r->xz.next_in = in;
		r->xz.avail_in = avail;
		r->xz.next_out = (uint8_t *)buf + *out;
		r->xz.avail_out = room;
		lr = lzma_code(&r->xz, r->eof ? LZMA_FINISH : LZMA_RUN);
		r->inpos += avail - r->xz.avail_in;
		*out = (size_t)((char *)r->xz.next_out - buf);
		if (lr == LZMA_STREAM_END)
			end = STEP_END;
		else if (lr == LZMA_BUF_ERROR && r->eof) /* no progress possible at the end */
			return STEP_MORE;
		else if (lr != LZMA_OK && lr != LZMA_BUF_ERROR) {
			fail(r, 0, "corrupt xz data: %s", lzma_err(lr));
			return -1;
		}
		break;
	}
	case RC_ZSTD: {
		ZSTD_inBuffer zi = {in, avail, 0};
		ZSTD_outBuffer zo = {buf + *out, room, 0};
		size_t zr;

		zr = ZSTD_decompressStream(r->zs, &zo, &zi);
		r->inpos += zi.pos;
		*out += zo.pos;
		if (ZSTD_isError(zr)) {
			fail(r, 0, "corrupt zstd data: %s", ZSTD_getErrorName(zr));
			return -1;
		}
		if (zr == 0)
			end = STEP_END;
		break;
	}
	case RC_BZIP2: {
		unsigned int ain = avail > UINT_MAX ? UINT_MAX : (unsigned int)avail;

		r->bz.next_in = (char *)in;
		r->bz.avail_in = ain;
		r->bz.next_out = buf + *out;
		r->bz.avail_out = room > UINT_MAX ? UINT_MAX : (unsigned int)room;
		ret = BZ2_bzDecompress(&r->bz);
		r->inpos += ain - r->bz.avail_in;
		*out = (size_t)(r->bz.next_out - buf);
		if (ret == BZ_STREAM_END)
			end = STEP_END;
		else if (ret != BZ_OK) {
			fail(r, 0, "corrupt bzip2 data: %s", bz_err(ret));
			return -1;
		}
		break;
	}
	}
	return end;
}

/*
 * The decoding loop common to every format: members one after the other,
 * zero padding between them skipped, output returned without waiting for more
 * input once there is some.
 */
static ssize_t
read_comp(struct reader *r, char *buf, size_t cap)
{
	size_t out = 0, in0, out0;
	const char *name = comp_name(r->comp);

	for (;;) {
		if (!r->member) {
			while (r->inpos < r->inlen && r->in[r->inpos] == 0)
				r->inpos++;
			if (r->inpos == r->inlen) {
				if (out > 0)
					return (ssize_t)out;
				if (fill(r) == -1)
					return fail(r, out, "%s", strerror(errno));
				if (r->inlen == 0)
					return 0; /* clean end between members */
				continue;
			}
			if (r->nmembers > 0 &&
			    !maybe_member(r, r->in + r->inpos, r->inlen - r->inpos))
				return fail(r, out, "trailing garbage after %s data", name);
			member_start(r);
		}
		in0 = r->inpos, out0 = out;
		switch (step(r, buf, cap, &out)) {
		case -1:
			r->failed = 1;
			return out > 0 ? (ssize_t)out : -1;
		case STEP_END:
			r->member = 0;
			continue;
		}
		if (out == cap)
			return (ssize_t)out;
		if (r->inpos < r->inlen) {
			if (r->inpos == in0 && out == out0)
				return fail(r, out, "corrupt %s data: decoder stalled", name);
			continue;
		}
		if (out > 0)
			return (ssize_t)out;
		if (r->eof)
			return fail(r, out, "truncated %s data", name);
		if (fill(r) == -1)
			return fail(r, out, "%s", strerror(errno));
	}
}

static ssize_t
read_plain(struct reader *r, char *buf, size_t cap)
{
	ssize_t n;
	size_t left = r->inlen - r->inpos;

	if (left > 0) {
		if (left > cap)
			left = cap;
		memcpy(buf, r->in + r->inpos, left);
		r->inpos += left;
		return (ssize_t)left;
	}
	if (r->eof)
		return 0;
	if (r->left >= 0 && (uint64_t)r->left < cap)
		cap = (size_t)r->left;
	if (cap == 0) {
		r->eof = 1;
		return 0;
	}
	if ((n = read_fd(r->fd, buf, cap)) == -1)
		return fail(r, 0, "%s", strerror(errno));
	if (n == 0)
		r->eof = 1;
	if (r->left >= 0)
		r->left -= n;
	return n;
}

int
reader_range(struct reader *r, int64_t lo, int64_t hi)
{
	if (r->comp != RC_NONE || r->size < 0 || lo < 0 || (hi >= 0 && hi < lo)) {
		errno = EINVAL;
		return -1;
	}
	if (lseek(r->fd, (off_t)lo, SEEK_SET) == (off_t)-1)
		return -1;
	r->inpos = r->inlen = 0;
	r->eof = 0;
	r->left = hi >= 0 ? hi - lo : -1;
	return 0;
}

ssize_t
reader_read(struct reader *r, char *buf, size_t cap)
{
	if (r->failed)
		return -1;
	if (cap == 0) {
		errno = EINVAL;
		return -1;
	}
	if (cap > SSIZE_MAX)
		cap = SSIZE_MAX;
	if (r->comp == RC_NONE)
		return read_plain(r, buf, cap);
	return read_comp(r, buf, cap);
}

static void
set_err(char *err, size_t errlen, const char *path, int e)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s: %s", path, strerror(e));
}

struct reader *
reader_open(const char *path, char *err, size_t errlen)
{
	struct reader *r = NULL;
	struct stat st;
	ssize_t n;
	int fd, own = 0, e;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		own = 0;
	} else {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
			e = errno;
			goto fail;
		}
		own = 1;
	}
	if (fstat(fd, &st) == -1) {
		e = errno;
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		e = EISDIR;
		goto fail;
	}
	if (S_ISREG(st.st_mode))
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->fd = fd;
	r->own_fd = own;
	r->mtime = S_ISREG(st.st_mode) ? (int64_t)st.st_mtim.tv_sec : -1;
	r->size = S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
	r->left = -1;
	r->in = xmalloc(READER_INBUF);

	/* peek: a pipe may hand out fewer bytes than the longest magic */
	while (r->inlen < READER_PEEK) {
		if ((n = read_fd(fd, r->in + r->inlen, READER_INBUF - r->inlen)) == -1) {
			e = errno;
			goto fail;
		}
		if (n == 0) {
			r->eof = 1;
			break;
		}
		r->inlen += (size_t)n;
	}
	r->comp = detect(r->in, r->inlen);
	switch (r->comp) {
	case RC_GZIP:
		r->gz = xmalloc(sizeof(*r->gz));
		isal_inflate_init(r->gz);
		break;
	case RC_XZ:
		r->xz = (lzma_stream)LZMA_STREAM_INIT;
		break;
	case RC_ZSTD:
		if ((r->zs = ZSTD_createDCtx()) == NULL)
			lib_oom("ZSTD_createDCtx");
		break;
	}
	return r;

fail:
	set_err(err, errlen, path, e);
	if (r != NULL) {
		r->own_fd = 0; /* closed below */
		reader_close(r);
	}
	if (own)
		close(fd);
	errno = e;
	return NULL;
}

const char *
reader_errmsg(const struct reader *r)
{
	return r->errmsg;
}

int
reader_comp(const struct reader *r)
{
	return r->comp;
}

int64_t
reader_mtime(const struct reader *r)
{
	return r->mtime;
}

int64_t
reader_size(const struct reader *r)
{
	return r->size;
}

const char *
reader_path(const struct reader *r)
{
	return r->path;
}

void
reader_close(struct reader *r)
{
	if (r == NULL)
		return;
	if (r->own_fd)
		close(r->fd);
	free(r->gz);
	if (r->xz_init)
		lzma_end(&r->xz);
	ZSTD_freeDCtx(r->zs);
	if (r->bz_init)
		BZ2_bzDecompressEnd(&r->bz);
	free(r->in);
	free(r->path);
	free(r);
}
