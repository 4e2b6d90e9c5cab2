package io.github.learnpad.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** {@link TarReader} against archives written by Apache commons-compress. */
class TarReaderTest {
    private static final String LONG = "cifar-10-batches-bin/" + "a-rather-long-file-name-".repeat(6) + "end.bin";

    /** name -> bytes (null: a directory). */
    private static Map<String, byte[]> entries() {
        Random r = new Random(3);
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("cifar-10-batches-bin/", null);
        m.put("cifar-10-batches-bin/empty.txt", new byte[0]);
        for (int size : new int[]{1, 511, 512, 513, 3 * 512, 70_000}) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            m.put("cifar-10-batches-bin/data_" + size + ".bin", b);
        }
        byte[] b = new byte[1000];
        r.nextBytes(b);
        m.put(LONG, b);
        return m;
    }

    private static byte[] archive(Map<String, byte[]> entries, int longFileMode) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bos)) {
            tar.setLongFileMode(longFileMode);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                if (e.getValue() != null) {
                    te.setSize(e.getValue().length);
                }
                tar.putArchiveEntry(te);
                if (e.getValue() != null) {
                    tar.write(e.getValue());
                }
                tar.closeArchiveEntry();
            }
        }
        return bos.toByteArray();
    }

    private static Map<String, byte[]> read(byte[] archive, boolean readContents) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        TarReader tar = new TarReader(new ByteArrayInputStream(archive));
        while (tar.next()) {
            // Unread contents must be skipped by next().
            out.put(tar.name(), !tar.isFile() ? null : readContents ? tar.content().readAllBytes() : new byte[0]);
        }
        return out;
    }

    @Test
    void readsEveryEntryWithPaxAndGnuLongNames() throws IOException {
        Map<String, byte[]> expected = entries();
        for (int mode : new int[]{TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            Map<String, byte[]> got = read(archive(expected, mode), true);
            assertEquals(expected.keySet(), got.keySet(), "long file mode " + mode);
            for (String name : expected.keySet()) {
                byte[] e = expected.get(name);
                assertTrue(e == null ? got.get(name) == null : Arrays.equals(e, got.get(name)), name);
            }
        }
    }

    @Test
    void skipsUnreadContents() throws IOException {
        Map<String, byte[]> got = read(archive(entries(), TarArchiveOutputStream.LONGFILE_POSIX), false);
        assertEquals(entries().keySet(), got.keySet());
    }

    @Test
    void truncatedArchiveIsAnError() throws IOException {
        byte[] full = archive(entries(), TarArchiveOutputStream.LONGFILE_POSIX);
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        assertThrows(EOFException.class, () -> read(cut, true));
        assertThrows(EOFException.class, () -> read(cut, false));
    }

    @Test
    void damagedHeaderIsAnError() throws IOException {
        byte[] a = archive(entries(), TarArchiveOutputStream.LONGFILE_POSIX);
        a[3] ^= 1; // a letter of the first entry's name
        IOException e = assertThrows(IOException.class, () -> read(a, true));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void notATarIsAnError() {
        byte[] junk = new byte[1024];
        Arrays.fill(junk, (byte) 'z');
        IOException e = assertThrows(IOException.class, () -> read(junk, true));
        assertTrue(e.getMessage().contains("not a tar archive"), e.getMessage());
    }
}
