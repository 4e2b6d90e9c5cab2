package io.github.learnpad.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the regular files of a tar stream (POSIX ustar, with pax {@code path} records and GNU long names), enough
 * for the CIFAR-10 archive. Written out here so that the library needs no archive library (it depends on
 * deeplearning4j-nn only); the tests check it against archives written by Apache commons-compress.
 *
 * <pre>{@code
 * TarReader tar = new TarReader(in);
 * while (tar.next()) { if (tar.isFile()) { Files.copy(tar.content(), target); } }
 * }</pre>
 */
final class TarReader {
    private static final int BLOCK = 512;

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private String name;
    private long size;
    private char type;
    private long unread;
    private long padding;

    TarReader(InputStream in) {
        this.in = in;
    }

    /**
     * Moves to the next entry (skipping what is left of the current one).
     *
     * @return false at the end of the archive
     * @throws EOFException when the archive ends inside a header or an entry
     */
    boolean next() throws IOException {
        String longName = null;
        while (true) {
            skipFully(unread + padding);
            unread = padding = 0;
            if (!readBlock()) {
                return false;
            }
            if (isZero(header)) {
                return false; // the end-of-archive marker
            }
            checkSum();
            String n = string(0, 100);
            String prefix = string(345, 155);
            if ("ustar".equals(string(257, 5)) && !prefix.isEmpty()) {
                n = prefix + "/" + n;
            }
            type = (char) header[156];
            size = number(124, 12);
            unread = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            if (type == 'L' || type == 'x') {
                // GNU long name, or pax extended header: applies to the next entry.
                String body = new String(readBody(), StandardCharsets.UTF_8);
                longName = type == 'L' ? body.replace("\0", "") : paxPath(body, longName);
                continue;
            }
            name = longName != null ? longName : n;
            return true;
        }
    }

    /** The current entry's path inside the archive. */
    String name() {
        return name;
    }

    /** True if the current entry is a regular file. */
    boolean isFile() {
        return type == '0' || type == '\0' || type == '7';
    }

    /** The current entry's bytes; reading stops at its end. Not to be closed. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (unread == 0) {
                    return -1;
                }
                int r = in.read(b, off, (int) Math.min(len, unread));
                if (r < 0) {
                    throw new EOFException("tar entry " + name + " is truncated");
                }
                unread -= r;
                return r;
            }
        };
    }

    private byte[] readBody() throws IOException {
        if (size > 1 << 20) {
            throw new IOException("tar extended header of " + size + " bytes: not a plausible archive");
        }
        byte[] b = in.readNBytes((int) size);
        if (b.length != size) {
            throw new EOFException("tar extended header is truncated");
        }
        unread = 0;
        return b;
    }

    /** The {@code path} record of a pax header ("LEN path=VALUE\n" lines), else {@code current}. */
    private static String paxPath(String body, String current) {
        String found = current;
        for (String line : body.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) {
                found = line.substring(sp + 1 + "path=".length());
            }
        }
        return found;
    }

    /** The header's checksum: the sum of its bytes with the checksum field read as spaces. */
    private void checkSum() throws IOException {
        long stored = number(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        if (sum != stored) {
            throw new IOException("not a tar archive, or a damaged one (header checksum " + stored + ", computed "
                    + sum + ")");
        }
    }

    private boolean readBlock() throws IOException {
        int r = in.readNBytes(header, 0, BLOCK);
        if (r == 0) {
            return false;
        }
        if (r < BLOCK) {
            throw new EOFException("tar header is truncated");
        }
        return true;
    }

    private void skipFully(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("tar entry " + name + " is truncated");
                }
                s = 1;
            }
            n -= s;
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** A NUL-terminated ASCII/UTF-8 field. */
    private String string(int off, int len) {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return new String(header, off, end - off, StandardCharsets.UTF_8);
    }

    /** An octal field, or a base-256 one (high bit of the first byte set) for large values. */
    private long number(int off, int len) throws IOException {
        if ((header[off] & 0x80) != 0) {
            long v = header[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        String s = string(off, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("not a tar archive (bad number field '" + s + "')", e);
        }
    }
}
