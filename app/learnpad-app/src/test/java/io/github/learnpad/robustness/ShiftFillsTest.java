package io.github.learnpad.robustness;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.data.ShiftedRendering;
import io.github.learnpad.robustness.BorderShift.Direction;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The constant (black) continuation and the stored per-image correctness of the border-shift evaluation. */
class ShiftFillsTest {
    @Test
    void constantFillMovesTheContentAndFillsTheStripExactly() {
        Random r = new Random(3);
        float[] v = new float[2 * 3 * 6 * 7];
        for (int i = 0; i < v.length; i++) {
            v[i] = 0.1f + r.nextFloat();
        }
        INDArray x = Nd4j.create(v, new long[]{2, 3, 6, 7});
        ShiftedRendering black = ShiftedRendering.constant("black", x, 0);
        for (int[] d : new int[][]{{-2, 0}, {3, 0}, {0, -1}, {0, 4}, {0, 0}}) {
            INDArray y = black.render(d[0], d[1]);
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    for (int h = 0; h < 6; h++) {
                        for (int w = 0; w < 7; w++) {
                            int sh = h - d[1];
                            int sw = w - d[0];
                            float want = sh >= 0 && sh < 6 && sw >= 0 && sw < 7 ? x.getFloat(n, c, sh, sw) : 0f;
                            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(y.getFloat(n, c, h, w)),
                                    "shift " + d[0] + "," + d[1] + " at " + n + "," + c + "," + h + "," + w);
                        }
                    }
                }
            }
        }
        // the input is left as it was
        assertArrayEquals(v, x.dup().data().asFloat());
        assertThrows(IllegalArgumentException.class, () -> black.render(7, 0));
    }

    @Test
    void directionsMoveContentTheWayBorderShiftDoes() {
        // BorderShift (replicate) and the natural continuation must agree wherever neither fills.
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 1, 8, 8).addi(0.5);
        ShiftedRendering black = ShiftedRendering.constant("black", x, 0);
        for (Direction d : Direction.values()) {
            INDArray rep = BorderShift.shift(x, d, 3);
            INDArray nat = black.render(ShiftRobustness.dx(d, 3), ShiftRobustness.dy(d, 3));
            INDArray diff = rep.sub(nat);
            // 3 of 8 rows or columns are filled; the other 5 are identical
            long same = 0;
            for (float f : diff.data().asFloat()) {
                same += f == 0 ? 1 : 0;
            }
            assertEquals(5 * 8, same, d.id());
            // and the filled strip is black in the natural fill
            INDArray strip = switch (d) {
                case LEFT -> nat.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(5, 8));
                case RIGHT -> nat.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3));
                case UP -> nat.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(5, 8), NDArrayIndex.all());
                case DOWN -> nat.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 3), NDArrayIndex.all());
            };
            assertEquals(0.0, strip.maxNumber().doubleValue(), 0, d.id());
        }
    }

    @Test
    void perImageCorrectnessSurvivesEncoding() {
        Random r = new Random(11);
        int n = 37; // not a multiple of 8
        Map<String, boolean[]> correct = new LinkedHashMap<>();
        for (String k : List.of("0", "4/left", "4/right", "4/up", "4/down")) {
            boolean[] b = new boolean[n];
            for (int i = 0; i < n; i++) {
                b[i] = r.nextBoolean();
            }
            correct.put(k, b);
        }
        ShiftReport a = new ShiftReport(List.of(0, 4), n, correct, "black");
        ShiftReport b = ShiftReport.decode("black", List.of(0, 4), n, a.encodedCorrectness());
        for (Direction d : Direction.values()) {
            assertArrayEquals(a.correct(4, d), b.correct(4, d), d.id());
        }
        assertArrayEquals(a.correct(0, Direction.LEFT), b.correct(0, Direction.UP));
        assertEquals(a.meanAccuracy(4), b.meanAccuracy(4), 0);
        assertEquals("black", b.fill());
        // a damaged record is refused, naming the key
        Map<String, String> bad = new LinkedHashMap<>(a.encodedCorrectness());
        bad.put("4/up", java.util.Base64.getEncoder().encodeToString(new byte[2]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShiftReport.decode("black", List.of(0, 4), n, bad));
        assertTrue(e.getMessage().contains("4/up"), e.getMessage());
        bad.remove("4/up");
        assertThrows(IllegalArgumentException.class, () -> ShiftReport.decode("black", List.of(0, 4), n, bad));
    }

    @Test
    void naturalEvaluationFreesEachRenderedSetAndScoresItExactly() {
        // A tiny network; the rendered sets are recorded so that the test can check that each was closed after use.
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build());
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 1, 8, 8).addi(0.5);
        ShiftedRendering black = ShiftedRendering.constant("black", x, 0);
        List<INDArray> rendered = new ArrayList<>();
        List<INDArray> copies = new ArrayList<>();
        ShiftedRendering recording = new ShiftedRendering() {
            @Override
            public String fill() {
                return black.fill();
            }

            @Override
            public INDArray render(int dx, int dy) {
                INDArray out = black.render(dx, dy);
                rendered.add(out);
                copies.add(out.dup());
                return out;
            }
        };
        int[] labels = {0, 1, 0, 1, 1, 0};
        ImageDataset test = new ImageDataset("t", x, labels, List.of("a", "b")).withNaturalShift(recording);
        ShiftReport report = ShiftRobustness.evaluateNatural(net, test, List.of(0, 2), 4);
        assertEquals(4, rendered.size());
        for (INDArray a : rendered) {
            assertTrue(a.wasClosed(), "a rendered test set was left open");
        }
        assertFalse(x.wasClosed(), "the test set itself (shift 0) must stay open");
        // the scores are those of the rendered images
        Direction[] dirs = Direction.values();
        for (int k = 0; k < 4; k++) {
            INDArray argmax = net.output(copies.get(k)).argMax(1);
            boolean[] c = report.correct(2, dirs[k]);
            for (int i = 0; i < labels.length; i++) {
                assertEquals(argmax.getInt(i) == labels[i], c[i], "shift 2 " + dirs[k] + " image " + i);
            }
        }
    }

    @Test
    void naturalEvaluationNeedsAContinuation() {
        ImageDataset plain = new ImageDataset("t", Nd4j.zeros(DataType.FLOAT, 2, 1, 8, 8), new int[]{0, 1},
                List.of("a", "b"));
        assertTrue(plain.naturalShift().isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShiftRobustness.evaluateNatural(null, plain, List.of(0, 2), 8));
        assertTrue(e.getMessage().contains("no natural continuation"), e.getMessage());
    }
}
