package io.github.learnpad.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FashionMnistReaderTest {
    @TempDir
    Path tmp;

    private static void assertPixels(ImageDataset d, byte[] expected) {
        float[] got = d.features().dup('c').data().asFloat();
        assertEquals(expected.length, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals((expected[i] & 0xFF) / 255f, got[i], 0f, "pixel " + i);
        }
    }

    @Test
    void readsGzippedFilesExactly() throws IOException {
        byte[][] px = TestFiles.writeFashion(tmp, 12, 5, 4, 3, true);
        TrainTest tt = FashionMnistReader.load(tmp);
        assertArrayEquals(new long[]{12, 1, 4, 3}, tt.train().features().shape());
        assertArrayEquals(new long[]{5, 1, 4, 3}, tt.test().features().shape());
        assertPixels(tt.train(), px[0]);
        assertPixels(tt.test(), px[1]);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}, tt.train().labels());
        assertEquals(FashionMnistReader.CLASS_NAMES, tt.train().classNames());
        assertEquals("T-shirt/top", tt.train().classNames().get(0));
        assertEquals("Ankle boot", tt.train().classNames().get(9));
    }

    @Test
    void readsUncompressedFiles() throws IOException {
        byte[][] px = TestFiles.writeFashion(tmp, 3, 2, 2, 2, false);
        assertTrue(FashionMnistReader.isPresent(tmp));
        TrainTest tt = FashionMnistReader.load(tmp);
        assertPixels(tt.train(), px[0]);
        assertPixels(tt.test(), px[1]);
    }

    private IOException readError(byte[] imagesFile, byte[] labelsFile) throws IOException {
        Path im = tmp.resolve("imgs.gz");
        Path lb = tmp.resolve("lbls.gz");
        Files.write(im, imagesFile);
        Files.write(lb, labelsFile);
        return assertThrows(IOException.class, () -> FashionMnistReader.read(im, lb, "x"));
    }

    @Test
    void truncatedGzipIsNamed() throws IOException {
        byte[] gz = TestFiles.gzip(TestFiles.idx(new int[]{4, 5, 5}, TestFiles.pixels(100, 3)));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        IOException e = readError(cut, TestFiles.gzip(TestFiles.idx(new int[]{4}, TestFiles.labels(4))));
        assertTrue(e.getMessage().contains("imgs.gz") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedDataIsNamed() throws IOException {
        byte[] raw = TestFiles.idx(new int[]{4, 5, 5}, TestFiles.pixels(100, 3));
        IOException e = readError(TestFiles.gzip(Arrays.copyOf(raw, raw.length - 7)),
                TestFiles.gzip(TestFiles.idx(new int[]{4}, TestFiles.labels(4))));
        assertTrue(e.getMessage().contains("imgs.gz") && e.getMessage().contains("truncated")
                && e.getMessage().contains("109"), e.getMessage());
    }

    @Test
    void trailingBytesAreAnError() throws IOException {
        byte[] raw = TestFiles.idx(new int[]{4, 5, 5}, TestFiles.pixels(101, 3));
        IOException e = readError(raw, TestFiles.idx(new int[]{4}, TestFiles.labels(4)));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void badMagicIsNamed() throws IOException {
        byte[] labels = TestFiles.idx(new int[]{4}, TestFiles.labels(4));
        IOException e = readError(labels, labels);
        assertTrue(e.getMessage().contains("imgs.gz") && e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void countMismatchIsNamed() throws IOException {
        IOException e = readError(TestFiles.idx(new int[]{4, 2, 2}, TestFiles.pixels(16, 3)),
                TestFiles.idx(new int[]{3}, TestFiles.labels(3)));
        assertTrue(e.getMessage().contains("3 labels") && e.getMessage().contains("4 images"), e.getMessage());
    }

    @Test
    void labelOutOfRangeIsNamed() throws IOException {
        IOException e = readError(TestFiles.idx(new int[]{2, 2, 2}, TestFiles.pixels(8, 3)),
                TestFiles.idx(new int[]{2}, new byte[]{3, 10}));
        assertTrue(e.getMessage().contains("lbls.gz") && e.getMessage().contains("label 10")
                && e.getMessage().contains("index 1"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        TestFiles.writeFashion(tmp, 2, 2, 2, 2, true);
        Files.delete(tmp.resolve("t10k-labels-idx1-ubyte.gz"));
        assertEquals(java.util.List.of("t10k-labels-idx1-ubyte.gz"), FashionMnistReader.missingFiles(tmp));
        IOException e = assertThrows(IOException.class, () -> FashionMnistReader.load(tmp));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
    }
}
