package io.github.learnpad.data;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fashion-on-photos on generated photographs and the Fashion-MNIST sample inside the application (no Debian package
 * needed): determinism, labels, mask, disjoint backgrounds, the recomposed border shift, subsets, checksums.
 */
class FashionOnPhotosTest {
    @TempDir
    static Path tmp;
    static Path photos;
    static Path fashion;
    static TrainTest full;

    @BeforeAll
    static void make() throws IOException {
        photos = tmp.resolve("photos");
        Files.createDirectories(photos);
        Random r = new Random(5);
        for (int k = 0; k < 3; k++) {
            // textured colour photographs (gradients plus noise), 3:2 and 16:10, not at the working size
            int w = k == 2 ? 400 : 360;
            int h = k == 2 ? 250 : 240;
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int red = (x * 255 / w + r.nextInt(40)) & 0xFF;
                    int green = (y * 255 / h + 60 * k + r.nextInt(40)) & 0xFF;
                    int blue = (90 * k + r.nextInt(120)) & 0xFF;
                    img.setRGB(x, y, red << 16 | green << 8 | blue);
                }
            }
            ImageIO.write(img, "png", photos.resolve("photo" + k + ".png").toFile());
        }
        fashion = FashionMnistSample.dir();
        full = load(null, null);
    }

    static TrainTest load(Integer trainLimit, Integer testLimit) throws IOException {
        return Datasets.load(DatasetSpec.parse("fashion-on-photos:" + photos),
                DataOptions.builder().dataDir(fashion).seed(7).trainLimit(trainLimit).testLimit(testLimit).build(),
                new DataLocations(Map.of(), tmp.resolve("home")), new Downloader("http://127.0.0.1:9/",
                        Downloader.FASHION_MNIST_MD5, "http://127.0.0.1:9/x.tar.gz", "0"));
    }

    @Test
    void isDeterministicColourAndKeepsFashionLabels() throws IOException {
        assertEquals(3, full.train().channels());
        assertEquals(32, full.train().height());
        assertEquals(FashionMnistSample.TRAIN, full.train().size());
        assertEquals(FashionMnistSample.TEST, full.test().size());
        TrainTest fm = FashionMnistReader.load(fashion);
        assertArrayEquals(fm.train().labels(), full.train().labels());
        assertArrayEquals(fm.test().labels(), full.test().labels());
        TrainTest again = load(null, null);
        assertArrayEquals(full.train().features().data().asFloat(), again.train().features().data().asFloat());
        assertArrayEquals(full.test().features().data().asFloat(), again.test().features().data().asFloat());
        // a subset picks the very same composed images
        TrainTest some = load(100, 40);
        int[] idx = ImageDataset.subsetIndices(FashionMnistSample.TEST, 40, 7);
        for (int k = 0; k < idx.length; k++) {
            assertArrayEquals(full.test().features().get(NDArrayIndex.point(idx[k])).dup().data().asFloat(),
                    some.test().features().get(NDArrayIndex.point(k)).dup().data().asFloat(), "test image " + idx[k]);
        }
        // another seed composes other images
        TrainTest other = Datasets.load(DatasetSpec.parse("fashion-on-photos:" + photos),
                DataOptions.builder().dataDir(fashion).seed(8).testLimit(40).build());
        assertFalse(java.util.Arrays.equals(some.test().features().data().asFloat(),
                other.test().features().data().asFloat()));
    }

    @Test
    void itemPixelsAboveTheThresholdCoverThePhotographAndTheRestIsPhotograph() throws IOException {
        FashionOnPhotos.Photos ph = FashionOnPhotos.photos(photos);
        ImageSource items = FashionMnistReader.testSource(fashion);
        int covered = 0;
        int background = 0;
        for (int i = 0; i < 20; i++) {
            FashionOnPhotos.Placement pl = FashionOnPhotos.placement(ph, FashionOnPhotos.Split.TEST, 7, i);
            RawImage item = items.image(i);
            RawImage img = FashionOnPhotos.source(items, ph, FashionOnPhotos.Split.TEST, 7, 0, 0).image(i);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int u = y - pl.itemY();
                    int v = x - pl.itemX();
                    int grey = u >= 0 && u < 28 && v >= 0 && v < 28 ? item.pixels[u * 28 + v] & 0xFF : 0;
                    for (int c = 0; c < 3; c++) {
                        int got = img.pixels[(c * 32 + y) * 32 + x] & 0xFF;
                        if (grey >= FashionOnPhotos.MASK_THRESHOLD) {
                            assertEquals(grey, got);
                            covered++;
                        } else {
                            assertEquals(ph.at(pl.photo(), c, pl.y0() + y, pl.x0() + x), got);
                            background++;
                        }
                    }
                }
            }
            // the border rows are photograph wherever the item is below the threshold there
        }
        assertTrue(covered > 1000 && background > 1000, covered + " / " + background);
    }

    @Test
    void trainAndTestBackgroundsAreDisjointShiftsIncluded() throws IOException {
        FashionOnPhotos.Photos ph = FashionOnPhotos.photos(photos);
        for (int i = 0; i < 3000; i++) {
            FashionOnPhotos.Placement tr = FashionOnPhotos.placement(ph, FashionOnPhotos.Split.TRAIN, 7, i);
            int cut = ph.regionEnd(tr.photo(), FashionOnPhotos.Split.TRAIN);
            assertEquals(cut, ph.regionStart(tr.photo(), FashionOnPhotos.Split.TEST));
            assertTrue(tr.x0() - FashionOnPhotos.MARGIN >= 0 && tr.x0() + 32 + FashionOnPhotos.MARGIN <= cut,
                    "train " + i + ": " + tr);
            FashionOnPhotos.Placement te = FashionOnPhotos.placement(ph, FashionOnPhotos.Split.TEST, 7, i);
            assertTrue(te.x0() - FashionOnPhotos.MARGIN >= ph.regionStart(te.photo(), FashionOnPhotos.Split.TEST)
                    && te.x0() + 32 + FashionOnPhotos.MARGIN <= ph.widths[te.photo()], "test " + i + ": " + te);
            assertTrue(te.y0() >= FashionOnPhotos.MARGIN
                    && te.y0() + 32 + FashionOnPhotos.MARGIN <= FashionOnPhotos.PHOTO_HEIGHT, "test " + i);
        }
    }

    @Test
    void theShiftedTestSetIsComposedAgainWithTheBackgroundContinued() throws IOException {
        ImageDataset test = full.test();
        ShiftedRendering r = test.naturalShift().orElseThrow();
        assertEquals("continued-background", r.fill());
        INDArray x = test.features();
        FashionOnPhotos.Photos ph = FashionOnPhotos.photos(photos);
        for (int d : new int[]{4, 8}) {
            INDArray left = r.render(-d, 0);
            // what stays in view moved exactly d pixels to the left (item and background together)
            assertArrayEquals(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.interval(d, 32)).dup().data().asFloat(),
                    left.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.interval(0, 32 - d)).dup().data().asFloat(), "left " + d);
            INDArray down = r.render(0, d);
            assertArrayEquals(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 32 - d),
                            NDArrayIndex.all()).dup().data().asFloat(),
                    down.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(d, 32),
                            NDArrayIndex.all()).dup().data().asFloat(), "down " + d);
            // the uncovered strip is the photograph's continuation, not the image's edge: compare image 0 with the
            // photograph itself where the item does not reach
            FashionOnPhotos.Placement pl = FashionOnPhotos.placement(ph, FashionOnPhotos.Split.TEST, 7, 0);
            RawImage item = FashionMnistReader.testSource(fashion).image(0);
            int checked = 0;
            for (int y = 0; y < 32; y++) {
                for (int x0 = 32 - d; x0 < 32; x0++) {
                    int u = y - pl.itemY();
                    int v = x0 - (pl.itemX() - d);
                    boolean itemThere = u >= 0 && u < 28 && v >= 0 && v < 28
                            && (item.pixels[u * 28 + v] & 0xFF) >= FashionOnPhotos.MASK_THRESHOLD;
                    if (!itemThere) {
                        float want = ph.at(pl.photo(), 1, pl.y0() + y, pl.x0() + d + x0) / 255f;
                        assertEquals(want, left.getFloat(0, 1, y, x0), 1e-6, "strip " + y + "," + x0);
                        checked++;
                    }
                }
            }
            assertTrue(checked > 0);
        }
        assertThrows(IllegalArgumentException.class, () -> r.render(-9, 0));
    }

    @Test
    void recordsTheSourcesChecksums() throws IOException {
        Map<String, Object> s = full.train().sources();
        assertEquals(s, full.test().sources());
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) s.get("photos");
        assertEquals(3, p.size());
        assertEquals(FashionOnPhotos.sha256(photos.resolve("photo0.png")), p.get("photo0.png"));
        assertEquals(64, p.get("photo1.png").toString().length());
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) s.get("fashionMnist");
        assertEquals(4, f.size());
        assertTrue(s.get("composition").toString().contains("seed 7"));
    }

    @Test
    void missingOrTooNarrowPhotographsAreExplained() throws IOException {
        Path none = tmp.resolve("none");
        Files.createDirectories(none);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionOnPhotos.photos(none));
        assertTrue(e.getMessage().contains("mate-backgrounds"), e.getMessage());
        Path narrow = tmp.resolve("narrow");
        Files.createDirectories(narrow);
        ImageIO.write(new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB), "png",
                narrow.resolve("square.png").toFile());
        IOException n = assertThrows(IOException.class, () -> FashionOnPhotos.photos(narrow));
        assertTrue(n.getMessage().contains("too narrow"), n.getMessage());
        assertEquals(DatasetSpec.Kind.FASHION_ON_PHOTOS, DatasetSpec.parse("fashion-on-photos").kind());
        assertEquals("fashion-on-photos:" + photos, DatasetSpec.parse("fashion-on-photos:" + photos).toString());
    }

    @Test
    void fashionMnistContinuesWithItsBlackBackground() throws IOException {
        TrainTest fm = Datasets.load(DatasetSpec.fashionMnistSample(), DataOptions.builder().testLimit(16).build());
        ShiftedRendering black = fm.test().naturalShift().orElseThrow();
        assertEquals("black", black.fill());
        INDArray up = black.render(0, -5);
        assertEquals(0.0, up.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(23, 28),
                NDArrayIndex.all()).amaxNumber().doubleValue(), 0);
    }
}
