package io.github.learnpad.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageBatchesTest {

    /** Image i has every pixel distinct and its first pixel equal to i / 1000 (identifies it). */
    private static ImageDataset data(int n, int c, int h, int w) {
        float[] f = new float[n * c * h * w];
        int per = c * h * w;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < per; k++) {
                f[i * per + k] = k == 0 ? i / 1000f : 0.1f + (k * 7919 % 1000) / 2000f;
            }
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return new ImageDataset("t", Nd4j.create(f, new long[]{n, c, h, w}, 'c'), labels, List.of("a", "b", "c"));
    }

    private static List<DataSet> epoch(ImageBatches it) {
        List<DataSet> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    private static int[] ids(List<DataSet> batches) {
        List<Integer> ids = new ArrayList<>();
        for (DataSet d : batches) {
            for (int i = 0; i < d.numExamples(); i++) {
                ids.add(Math.round(d.getFeatures().getFloat(i, 0, 0, 0) * 1000));
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void shapesLabelsAndLastBatch() {
        ImageDataset d = data(10, 2, 3, 4);
        ImageBatches it = ImageBatches.training(d, 4, 1, false);
        List<DataSet> e = epoch(it);
        assertEquals(3, e.size());
        assertEquals(3, it.batchesPerEpoch());
        assertArrayEquals(new long[]{4, 2, 3, 4}, e.get(0).getFeatures().shape());
        assertArrayEquals(new long[]{2, 3}, e.get(2).getLabels().shape());
        int[] order = ids(e);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
        int k = 0;
        for (DataSet b : e) {
            for (int i = 0; i < b.numExamples(); i++, k++) {
                INDArray expected = Nd4j.zeros(DataType.FLOAT, 3);
                expected.putScalar(order[k] % 3, 1);
                assertEquals(expected, b.getLabels().getRow(i));
                assertEquals(d.features().get(NDArrayIndex.point(order[k])), b.getFeatures().get(NDArrayIndex.point(i)));
            }
        }
        assertEquals(24, it.inputColumns());
        assertEquals(3, it.totalOutcomes());
        assertEquals(List.of("a", "b", "c"), it.getLabels());
    }

    @Test
    void sameSeedSameBatchesDifferentEpochDifferentOrder() {
        ImageDataset d = data(40, 1, 6, 6);
        ImageBatches a = ImageBatches.training(d, 8, 3, true);
        ImageBatches b = ImageBatches.training(d, 8, 3, true);
        List<DataSet> ea = epoch(a);
        List<DataSet> eb = epoch(b);
        for (int i = 0; i < ea.size(); i++) {
            assertEquals(ea.get(i).getFeatures(), eb.get(i).getFeatures());
            assertEquals(ea.get(i).getLabels(), eb.get(i).getLabels());
        }
        a.reset();
        assertEquals(1, a.epoch());
        List<DataSet> e1 = epoch(a);
        assertNotEquals(ea.get(0).getFeatures(), e1.get(0).getFeatures());
        assertFalse(Arrays.equals(a.order(0), a.order(1)), "epoch 1 must have another order than epoch 0");
        assertFalse(Arrays.equals(a.order(0), ImageBatches.training(d, 8, 4, true).order(0)),
                "another seed must give another order");
        // Without augmentation the batches hold exactly the images of order(e), in that order.
        ImageBatches plain = ImageBatches.training(d, 8, 3, false);
        assertArrayEquals(a.order(0), ids(epoch(plain)));
        plain.reset();
        assertArrayEquals(a.order(1), ids(epoch(plain)));
    }

    @Test
    void resumingAnEpochAfterRestartGivesTheSameBatches() {
        ImageDataset d = data(30, 2, 5, 5);
        ImageBatches run = ImageBatches.training(d, 7, 9, true);
        epoch(run);
        run.reset();
        epoch(run);
        run.reset();
        List<DataSet> epoch2 = epoch(run);
        assertEquals(2, run.epoch());
        // A "restarted program": a fresh iterator told to start at epoch 2, and one resumed at batch 3 of epoch 2.
        List<DataSet> fresh = epoch(ImageBatches.builder(d).batchSize(7).seed(9)
                .augmentation(Augmentation.CROP_AND_FLIP).epoch(2).build());
        ImageBatches mid = ImageBatches.training(d, 7, 9, true);
        mid.seek(2, 3);
        List<DataSet> tail = epoch(mid);
        assertEquals(epoch2.size(), fresh.size());
        for (int i = 0; i < epoch2.size(); i++) {
            assertEquals(epoch2.get(i).getFeatures(), fresh.get(i).getFeatures());
        }
        assertEquals(epoch2.size() - 3, tail.size());
        for (int i = 0; i < tail.size(); i++) {
            assertEquals(epoch2.get(3 + i).getFeatures(), tail.get(i).getFeatures());
            assertEquals(epoch2.get(3 + i).getLabels(), tail.get(i).getLabels());
        }
    }

    @Test
    void resetBeforeAnyBatchKeepsTheEpoch() {
        ImageBatches it = ImageBatches.training(data(5, 1, 2, 2), 2, 0, false);
        it.reset();
        assertEquals(0, it.epoch());
        it.next();
        it.reset();
        assertEquals(1, it.epoch());
        assertTrue(it.hasNext());
    }

    @Test
    void evaluationIsInOrderWithoutAugmentation() {
        ImageDataset d = data(7, 1, 6, 6);
        ImageBatches it = ImageBatches.evaluation(d, 3);
        List<DataSet> e = epoch(it);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6}, ids(e));
        assertEquals(d.features().get(NDArrayIndex.interval(3, 6)), e.get(1).getFeatures());
    }

    /** Image i of the batch must equal a reflect-padded crop (offsets in -pad..pad), possibly flipped, of its source. */
    @Test
    void augmentationIsAReflectPaddedCropOrFlip() {
        int n = 64;
        int pad = 4;
        ImageDataset d = data(n, 2, 6, 7);
        ImageBatches it = ImageBatches.builder(d).batchSize(16).seed(5).augmentation(Augmentation.CROP_AND_FLIP).build();
        int[] order = it.order(0);
        int flips = 0;
        int shifted = 0;
        int k = 0;
        for (DataSet b : epoch(it)) {
            for (int i = 0; i < b.numExamples(); i++, k++) {
                float[] src = d.features().get(NDArrayIndex.point(order[k])).dup('c').data().asFloat();
                float[] got = b.getFeatures().get(NDArrayIndex.point(i)).dup('c').data().asFloat();
                int[] match = findTransform(src, got, 2, 6, 7, pad);
                assertTrue(match != null, "augmented image " + k + " is not a reflect-padded crop/flip of image " + order[k]);
                flips += match[2];
                shifted += (match[0] != 0 || match[1] != 0) ? 1 : 0;
            }
        }
        assertTrue(flips > 16 && flips < 48, "about half should be flipped, got " + flips);
        assertTrue(shifted > 48, "most crops should be shifted, got " + shifted);
    }

    private static int[] findTransform(float[] src, float[] got, int c, int h, int w, int pad) {
        for (int dy = -pad; dy <= pad; dy++) {
            for (int dx = -pad; dx <= pad; dx++) {
                for (int flip = 0; flip < 2; flip++) {
                    boolean ok = true;
                    for (int ch = 0; ch < c && ok; ch++) {
                        for (int y = 0; y < h && ok; y++) {
                            for (int x = 0; x < w && ok; x++) {
                                int cx = flip == 1 ? w - 1 - x : x;
                                int sy = reflect(y + dy, h);
                                int sx = reflect(cx + dx, w);
                                ok = src[ch * h * w + sy * w + sx] == got[ch * h * w + y * w + x];
                            }
                        }
                    }
                    if (ok) {
                        return new int[]{dy, dx, flip};
                    }
                }
            }
        }
        return null;
    }

    /** numpy "reflect": -1 -> 1, n -> n - 2. */
    private static int reflect(int i, int n) {
        return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
    }

    @Test
    void reflectMatchesNumpy() {
        assertEquals(1, ImageBatches.reflect(-1, 5));
        assertEquals(4, ImageBatches.reflect(-4, 5));
        assertEquals(3, ImageBatches.reflect(5, 5));
        assertEquals(0, ImageBatches.reflect(8, 5));
    }

    @Test
    void cropPaddingMustBeSmallerThanImage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageBatches.builder(data(2, 1, 4, 4)).augmentation(Augmentation.CROP_AND_FLIP).build());
        assertTrue(e.getMessage().contains("crop padding 4"), e.getMessage());
    }

    @Test
    void perChannelNormalizerStandardises() {
        ImageDataset d = data(12, 2, 4, 4);
        PerChannelNormalizer norm = PerChannelNormalizer.fit(d);
        ImageBatches it = ImageBatches.builder(d).batchSize(12).shuffle(false).preProcessor(norm).build();
        INDArray x = it.next().getFeatures();
        for (int c = 0; c < 2; c++) {
            INDArray plane = x.get(NDArrayIndex.all(), NDArrayIndex.point(c));
            assertEquals(0.0, plane.meanNumber().doubleValue(), 1e-5);
            double sd = plane.stdNumber().doubleValue() * Math.sqrt((plane.length() - 1.0) / plane.length());
            assertEquals(1.0, sd, 1e-4);
        }
        float m0 = norm.mean()[0];
        float s0 = norm.std()[0];
        assertEquals((d.features().getFloat(3, 0, 1, 2) - m0) / s0, x.getFloat(3, 0, 1, 2), 1e-5);
        assertNotEquals(norm.mean()[0], norm.mean()[1]);
    }
}
