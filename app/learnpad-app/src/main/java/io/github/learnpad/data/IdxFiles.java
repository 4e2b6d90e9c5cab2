package io.github.learnpad.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or not: a 4-byte magic {@code 0 0 type ndim}, then
 * {@code ndim} big-endian int32 dimensions, then the data. Only unsigned-byte data ({@code type 0x08}) is used.
 * Every check failure names the file and the problem.
 */
final class IdxFiles {
    static final int UBYTE = 0x08;

    private IdxFiles() {
    }

    /** A parsed IDX file: its dimensions and its whole content ({@code data} starts at {@code dataOffset}). */
    static final class Idx {
        final int[] dims;
        final byte[] bytes;
        final int dataOffset;

        Idx(int[] dims, byte[] bytes, int dataOffset) {
            this.dims = dims;
            this.bytes = bytes;
            this.dataOffset = dataOffset;
        }
    }

    /** Reads the whole file, gunzipping when it starts with the gzip magic {@code 1f 8b}. */
    static byte[] readMaybeGzip(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(new java.io.ByteArrayInputStream(raw)), 1 << 16)) {
                return in.readAllBytes();
            } catch (java.io.EOFException e) {
                throw new IOException(file + ": gzip data is truncated (unexpected end of stream); re-download the file", e);
            } catch (ZipException e) {
                throw new IOException(file + ": corrupt gzip data (" + e.getMessage() + "); re-download the file", e);
            }
        }
        return raw;
    }

    /**
     * Reads and checks an unsigned-byte IDX file with {@code expectedRank} dimensions and exactly the bytes they imply.
     */
    static Idx read(Path file, int expectedRank) throws IOException {
        byte[] b = readMaybeGzip(file);
        if (b.length < 4) {
            throw new IOException(file + ": too short for an IDX file (" + b.length + " bytes, the header alone is "
                    + (4 + 4 * expectedRank) + ")");
        }
        int magic = readInt(b, 0);
        int expectedMagic = (UBYTE << 8) | expectedRank;
        if (magic != expectedMagic) {
            throw new IOException(String.format("%s: bad IDX magic number 0x%08X, expected 0x%08X (unsigned bytes, %d dimensions)%s",
                    file, magic, expectedMagic, expectedRank,
                    expectedRank == 3 ? "; is this an image file?" : "; is this a label file?"));
        }
        int header = 4 + 4 * expectedRank;
        if (b.length < header) {
            throw new IOException(file + ": truncated IDX header (" + b.length + " bytes, need " + header + ")");
        }
        int[] dims = new int[expectedRank];
        long count = 1;
        for (int d = 0; d < expectedRank; d++) {
            dims[d] = readInt(b, 4 + 4 * d);
            if (dims[d] <= 0) {
                throw new IOException(file + ": dimension " + d + " is " + dims[d] + ", must be positive");
            }
            count *= dims[d];
        }
        long expectedLength = header + count;
        if (b.length != expectedLength) {
            throw new IOException(file + ": " + (b.length < expectedLength ? "truncated" : "has trailing bytes") + ": "
                    + b.length + " bytes (uncompressed) but the header " + java.util.Arrays.toString(dims)
                    + " implies " + expectedLength);
        }
        return new Idx(dims, b, header);
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
