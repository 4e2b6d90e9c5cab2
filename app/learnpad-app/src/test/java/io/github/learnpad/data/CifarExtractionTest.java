package io.github.learnpad.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Downloader#extractCifar} (commons-compress's tar reader) on archives written by commons-compress: long names
 * in both tar dialects, entries outside the batch folder, and truncated or incomplete archives.
 */
class CifarExtractionTest {
    private static final String FOLDER = Cifar10Reader.BATCH_FOLDER + "/";
    private static final String LONG = FOLDER + "a-rather-long-file-name-".repeat(6) + "end.bin";

    @TempDir
    Path tmp;

    /** name -> bytes (null: a directory): the CIFAR-10 batches, files of awkward sizes, a long name, strays. */
    private Map<String, byte[]> entries() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(FOLDER, null);
        Path src = tmp.resolve("src");
        TestFiles.writeCifar(src);
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                m.put(FOLDER + p.getFileName(), Files.readAllBytes(p));
            }
        }
        Random r = new Random(3);
        for (int size : new int[]{0, 1, 511, 512, 513, 70_000}) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            m.put(FOLDER + "data_" + size + ".bin", b);
        }
        byte[] b = new byte[1000];
        r.nextBytes(b);
        m.put(LONG, b);
        m.put(FOLDER + "nested/deeper.bin", new byte[]{4});
        m.put("elsewhere.bin", new byte[]{5});
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

    private Path extract(byte[] tar) throws IOException {
        Path gz = tmp.resolve("cifar.tar.gz");
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(tar);
        }
        Path dir = tmp.resolve("data");
        Downloader.extractCifar(gz, dir);
        return dir;
    }

    @Test
    void extractsTheBatchFolderWithPaxAndGnuLongNames() throws IOException {
        for (int mode : new int[]{TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            Map<String, byte[]> entries = entries();
            Path dir = extract(archive(entries, mode));
            int checked = 0;
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                String name = e.getKey();
                String rest = name.substring(Math.min(name.length(), FOLDER.length()));
                if (name.startsWith(FOLDER) && !rest.isEmpty() && !rest.contains("/")) {
                    assertArrayEquals(e.getValue(), Files.readAllBytes(dir.resolve(name)), name + " (mode " + mode + ")");
                    checked++;
                }
            }
            assertEquals(13, checked, "6 batches, 6 sized files and the long name");
            assertEquals(10, Cifar10Reader.load(dir).train().size());
            deleteTree(dir);
        }
    }

    @Test
    void skipsEntriesOutsideTheBatchFolder() throws IOException {
        Path dir = extract(archive(entries(), TarArchiveOutputStream.LONGFILE_POSIX));
        assertFalse(Files.exists(dir.resolve("elsewhere.bin")));
        assertFalse(Files.exists(dir.resolve(FOLDER + "nested")));
        assertFalse(Files.exists(dir.resolve(FOLDER + "deeper.bin")));
    }

    @Test
    void truncatedArchiveIsAnError() throws IOException {
        byte[] full = archive(entries(), TarArchiveOutputStream.LONGFILE_POSIX);
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        IOException e = assertThrows(IOException.class, () -> extract(cut));
        assertTrue(e.getMessage().contains("cifar.tar.gz") && e.getMessage().toLowerCase().contains("truncated"),
                e.getMessage());
    }

    @Test
    void archiveWithoutTheBatchesIsAnError() throws IOException {
        // (A damaged header is not detected by commons-compress, which does not check header checksums; the download
        // checks the whole archive's MD5 before extracting, see DownloaderTest.)
        Map<String, byte[]> entries = entries();
        entries.keySet().removeIf(n -> n.contains("data_batch_3"));
        IOException e = assertThrows(IOException.class, () -> extract(archive(entries,
                TarArchiveOutputStream.LONGFILE_POSIX)));
        assertTrue(e.getMessage().contains("incomplete") && e.getMessage().contains("data_batch_3"), e.getMessage());
    }

    @Test
    void notATarIsAnError() {
        byte[] junk = new byte[1024];
        Arrays.fill(junk, (byte) 'z');
        assertThrows(IOException.class, () -> extract(junk));
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}
