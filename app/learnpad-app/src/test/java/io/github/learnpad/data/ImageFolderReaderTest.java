package io.github.learnpad.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageFolderReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsColourPngsExactlyFromTrainTestFolders() throws IOException {
        TestFiles.writePng(tmp.resolve("train/cat/a.png"), TestFiles.colour(5, 4, 0));
        TestFiles.writePng(tmp.resolve("train/dog/b.png"), TestFiles.colour(5, 4, 7));
        TestFiles.writePng(tmp.resolve("test/dog/c.png"), TestFiles.colour(5, 4, 3));
        Files.writeString(tmp.resolve("train/dog/notes.txt"), "ignored");
        TrainTest tt = ImageFolderReader.load(tmp, 0.2, 1);
        assertEquals(List.of("cat", "dog"), tt.train().classNames());
        assertArrayEquals(new int[]{0, 1}, tt.train().labels());
        assertArrayEquals(new int[]{1}, tt.test().labels());
        assertArrayEquals(new long[]{2, 3, 4, 5}, tt.train().features().shape());
        BufferedImage exp = TestFiles.colour(5, 4, 7);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                int rgb = exp.getRGB(x, y);
                assertEquals(((rgb >> 16) & 0xFF) / 255f, tt.train().features().getFloat(1, 0, y, x), 0f);
                assertEquals(((rgb >> 8) & 0xFF) / 255f, tt.train().features().getFloat(1, 1, y, x), 0f);
                assertEquals((rgb & 0xFF) / 255f, tt.train().features().getFloat(1, 2, y, x), 0f);
            }
        }
    }

    @Test
    void greyPngsGiveOneChannelAndMixedGiveThree() throws IOException {
        TestFiles.writePng(tmp.resolve("train/a/g.png"), TestFiles.grey(3, 2, 5));
        TestFiles.writePng(tmp.resolve("train/b/g.png"), TestFiles.grey(3, 2, 9));
        TestFiles.writePng(tmp.resolve("test/a/g.png"), TestFiles.grey(3, 2, 1));
        TestFiles.writePng(tmp.resolve("test/b/c.png"), TestFiles.colour(3, 2, 1));
        // Train is all grey, test mixes grey and colour: KEEP gives 3 channels to both, grey replicated.
        TrainTest tt = ImageFolderReader.load(tmp, 0.2, 1);
        assertEquals(3, tt.train().channels());
        assertEquals(3, tt.test().channels());
        for (int c = 0; c < 3; c++) {
            assertEquals((20 * 2 + 3 * 1 + 9) / 255f, tt.train().features().getFloat(1, c, 1, 2), 0f);
        }
        Files.delete(tmp.resolve("test/b/c.png"));
        TestFiles.writePng(tmp.resolve("test/b/g.png"), TestFiles.grey(3, 2, 4));
        TrainTest greyOnly = ImageFolderReader.load(tmp, 0.2, 1);
        assertEquals(1, greyOnly.train().channels());
        assertEquals(1, greyOnly.test().channels());
        assertEquals((20 * 2 + 3 * 1 + 9) / 255f, greyOnly.train().features().getFloat(1, 0, 1, 2), 0f);
        for (int c = 0; c < 3; c++) {
            assertEquals((20 * 2 + 3 * 1 + 1) / 255f, tt.test().features().getFloat(0, c, 1, 2), 0f);
        }
    }

    @Test
    void stratifiedSeededSplit() throws IOException {
        for (int i = 0; i < 10; i++) {
            TestFiles.writePng(tmp.resolve("a/" + i + ".png"), TestFiles.grey(2, 2, i));
        }
        for (int i = 0; i < 5; i++) {
            TestFiles.writePng(tmp.resolve("b/" + i + ".png"), TestFiles.grey(2, 2, 100 + i));
        }
        ImageFolderReader.Sources s = ImageFolderReader.sources(tmp, 0.2, 7);
        assertEquals(12, s.train.size());
        assertEquals(3, s.test.size());
        int testA = 0;
        for (int i = 0; i < s.test.size(); i++) {
            testA += s.test.label(i) == 0 ? 1 : 0;
        }
        assertEquals(2, testA);
        // Disjoint, complete, and reproducible for the same seed.
        Set<String> train = pixelsOf(s.train);
        Set<String> test = pixelsOf(s.test);
        assertEquals(12, train.size());
        assertTrue(test.stream().noneMatch(train::contains));
        assertEquals(test, pixelsOf(ImageFolderReader.sources(tmp, 0.2, 7).test));
        boolean differs = false;
        for (long seed = 8; seed < 20 && !differs; seed++) {
            differs = !test.equals(pixelsOf(ImageFolderReader.sources(tmp, 0.2, seed).test));
        }
        assertTrue(differs, "another seed should give another split");
    }

    private static Set<String> pixelsOf(ImageSource s) throws IOException {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            out.add(java.util.Arrays.toString(s.image(i).pixels));
        }
        return out;
    }

    @Test
    void unreadableImageIsNamed() throws IOException {
        TestFiles.writePng(tmp.resolve("train/a/ok.png"), TestFiles.grey(2, 2, 0));
        Files.createDirectories(tmp.resolve("train/b"));
        Files.write(tmp.resolve("train/b/broken.png"), new byte[]{1, 2, 3, 4, 5});
        TestFiles.writePng(tmp.resolve("test/a/ok.png"), TestFiles.grey(2, 2, 0));
        IOException e = assertThrows(IOException.class, () -> ImageFolderReader.load(tmp, 0.2, 1));
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    }

    @Test
    void mixedSizesNeedATargetSize() throws IOException {
        TestFiles.writePng(tmp.resolve("train/a/x.png"), TestFiles.grey(4, 4, 0));
        TestFiles.writePng(tmp.resolve("train/b/y.png"), TestFiles.grey(6, 5, 0));
        TestFiles.writePng(tmp.resolve("test/a/z.png"), TestFiles.grey(4, 4, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFolderReader.load(tmp, 0.2, 1));
        assertTrue(e.getMessage().contains("different sizes"), e.getMessage());
        TrainTest tt = Datasets.load(DatasetSpec.folder(tmp), DataOptions.builder().size(8, 8).channels(ChannelPolicy.RGB).build());
        assertArrayEquals(new long[]{2, 3, 8, 8}, tt.train().features().shape());
    }

    @Test
    void needsClassFolders() throws IOException {
        TestFiles.writePng(tmp.resolve("only/x.png"), TestFiles.grey(4, 4, 0));
        IOException e = assertThrows(IOException.class, () -> ImageFolderReader.load(tmp, 0.2, 1));
        assertTrue(e.getMessage().contains("sub-folder"), e.getMessage());
    }

    @Test
    void readsJpegAndForcesGrey() throws IOException {
        BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                flat.setRGB(x, y, (200 << 16) | (100 << 8) | 50);
            }
        }
        for (String cls : new String[]{"a", "b"}) {
            for (int i = 0; i < 3; i++) {
                Path f = tmp.resolve(cls + "/" + i + ".JPG");
                Files.createDirectories(f.getParent());
                assertTrue(javax.imageio.ImageIO.write(flat, "jpg", f.toFile()));
            }
        }
        TrainTest tt = Datasets.load(DatasetSpec.parse("folder:" + tmp),
                DataOptions.builder().channels(ChannelPolicy.GREY).testFraction(0.34).seed(3).build());
        assertEquals(4, tt.train().size());
        assertEquals(2, tt.test().size());
        assertEquals(1, tt.train().channels());
        // A flat colour survives JPEG nearly exactly; luma 0.299*200 + 0.587*100 + 0.114*50 = 124.3.
        assertEquals(124.3 / 255, tt.train().features().getFloat(0, 0, 4, 4), 3.0 / 255);
    }

    @Test
    void trainAndTestOfDifferentSizesNeedATargetSize() throws IOException {
        TestFiles.writePng(tmp.resolve("train/a/x.png"), TestFiles.grey(4, 4, 0));
        TestFiles.writePng(tmp.resolve("train/b/y.png"), TestFiles.grey(4, 4, 1));
        TestFiles.writePng(tmp.resolve("test/a/z.png"), TestFiles.grey(5, 4, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFolderReader.load(tmp, 0.2, 1));
        assertTrue(e.getMessage().contains("4x4") && e.getMessage().contains("4x5"), e.getMessage());
    }
}
