package io.github.learnpad.robustness;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.robustness.BorderShift.Direction;
import io.github.learnpad.stats.PairedDifference;
import io.github.learnpad.stats.Proportion;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ShiftRobustnessTest {

    @Test
    void shiftMovesContentAndRepeatsTheEdge() {
        // One 1 x 3 x 4 image, values 10 * row + column.
        INDArray x = Nd4j.create(new float[]{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23}, new long[]{1, 1, 3, 4});
        assertArrayEquals(new float[]{2, 3, 3, 3, 12, 13, 13, 13, 22, 23, 23, 23},
                BorderShift.shift(x, Direction.LEFT, 2).data().asFloat());
        assertArrayEquals(new float[]{0, 0, 1, 2, 10, 10, 11, 12, 20, 20, 21, 22},
                BorderShift.shift(x, Direction.RIGHT, 1).data().asFloat());
        assertArrayEquals(new float[]{10, 11, 12, 13, 20, 21, 22, 23, 20, 21, 22, 23},
                BorderShift.shift(x, Direction.UP, 1).data().asFloat());
        assertArrayEquals(new float[]{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3},
                BorderShift.shift(x, Direction.DOWN, 2).data().asFloat());
        assertArrayEquals(x.data().asFloat(), BorderShift.shift(x, Direction.DOWN, 0).data().asFloat());
        // The input is not modified.
        assertEquals(13f, x.getFloat(0, 0, 1, 3), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BorderShift.shift(x, Direction.UP, 3));
        assertTrue(e.getMessage().contains("height 3"), e.getMessage());
    }

    /**
     * Known answer. 8 x 8 images, one bright full-height bar: class 0 at column 2, class 1 at column 5. The
     * hand-set network scores class 0 by the sum of columns 0-3 and class 1 by columns 4-7 plus 0.5, so a blank
     * image is class 1. Shifting left by 2: bar 2 -> 0 (still class 0), bar 5 -> 3 (now "class 0"): accuracy 0.5;
     * left by 4: bar 2 falls off (blank: class 1, wrong), bar 5 -> 1 (wrong): 0. Right by 2: bar 2 -> 4 (wrong),
     * bar 5 -> 7 (right): 0.5; right by 4: 2 -> 6 (wrong), 5 falls off (blank: class 1, right): 0.5. Up and down
     * keep the full-height bars: 1.
     */
    @Test
    void knownAnswerOnGeneratedBars() {
        ImageDataset bars = bars(10);
        ShiftReport r = ShiftRobustness.evaluate(barClassifier(), bars, List.of(0, 2, 4), 7);
        assertEquals(20, r.testImages());
        for (Direction d : Direction.values()) {
            assertEquals(1.0, r.accuracy(0, d).value(), 0);
        }
        assertEquals(0.5, r.accuracy(2, Direction.LEFT).value(), 0);
        assertEquals(0.0, r.accuracy(4, Direction.LEFT).value(), 0);
        assertEquals(0.5, r.accuracy(2, Direction.RIGHT).value(), 0);
        assertEquals(0.5, r.accuracy(4, Direction.RIGHT).value(), 0);
        for (int s : new int[]{2, 4}) {
            assertEquals(1.0, r.accuracy(s, Direction.UP).value(), 0);
            assertEquals(1.0, r.accuracy(s, Direction.DOWN).value(), 0);
        }
        assertEquals((0.5 + 0.5 + 1 + 1) / 4, r.meanAccuracy(2), 1e-15);
        // Which images: left by 2 keeps exactly the class-0 images.
        boolean[] c = r.correct(2, Direction.LEFT);
        for (int i = 0; i < 20; i++) {
            assertEquals(bars.labels()[i] == 0, c[i], "image " + i);
        }
        // Paired per image: unshifted vs left-2 correctness of the same network would differ; with itself, exactly 0.
        PairedDifference d = ShiftReport.paired(r, r, 2, Direction.LEFT);
        assertEquals(0, d.mean(), 0);
        String md = r.markdown();
        assertTrue(md.contains("| 4 | 0.0000 ["), md);
        assertThrows(IllegalArgumentException.class, () -> r.accuracy(6, Direction.UP));
        assertThrows(IllegalArgumentException.class,
                () -> ShiftRobustness.evaluate(barClassifier(), bars, List.of(8), 4));
    }

    @Test
    void wilsonIntervalMatchesTheFormula() {
        Proportion p = new Proportion(8, 10);
        // statsmodels proportion_confint(8, 10, method="wilson") = (0.4901625, 0.9433178)
        assertEquals(0.4901625, p.low(), 1e-6);
        assertEquals(0.9433178, p.high(), 1e-6);
        assertEquals(0.0, new Proportion(0, 20).low(), 0);
        assertTrue(new Proportion(0, 20).high() > 0);
        assertThrows(IllegalArgumentException.class, () -> new Proportion(3, 2));
    }

    static ImageDataset bars(int perClass) {
        int n = 2 * perClass;
        float[] px = new float[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            int col = labels[i] == 0 ? 2 : 5;
            for (int h = 0; h < 8; h++) {
                px[i * 64 + h * 8 + col] = 1f;
            }
        }
        return new ImageDataset("bars", Nd4j.create(px, new long[]{n, 1, 8, 8}), labels, List.of("left", "right"));
    }

    /** Conv 8x8 (2 outputs: sum of left half, sum of right half + 0.5), then an identity softmax layer. */
    static MultiLayerNetwork barClassifier() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(8, 8).nOut(2).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray w = Nd4j.zeros(DataType.FLOAT, 2, 1, 8, 8);
        for (int h = 0; h < 8; h++) {
            for (int col = 0; col < 8; col++) {
                w.putScalar(new long[]{col < 4 ? 0 : 1, 0, h, col}, 1);
            }
        }
        net.getLayer(0).setParam("W", w);
        net.getLayer(0).setParam("b", Nd4j.create(new float[]{0, 0.5f}, new long[]{1, 2}));
        net.getLayer(1).setParam("W", Nd4j.eye(2).castTo(DataType.FLOAT));
        net.getLayer(1).setParam("b", Nd4j.zeros(DataType.FLOAT, 1, 2));
        return net;
    }
}
