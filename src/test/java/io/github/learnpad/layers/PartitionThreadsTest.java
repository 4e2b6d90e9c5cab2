package io.github.learnpad.layers;

import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.models.Vgg16;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Running the Padding Module's passes on the calling thread alone for small maps
 * ({@link Partitions#run(int, long, java.util.function.IntConsumer)}) only removes overhead: a fixed-seed training
 * run inside {@code fit()} (DL4J's default workspaces) ends with bit-for-bit the same parameters and scores whether
 * every pass runs on two threads or on one, on the demo's SmallCnn and on the study's network.
 */
class PartitionThreadsTest {
    private static final int STEPS = 2;

    @Test
    void smallCnnTrainsIdenticallyOnOneThreadAndOnTwo() {
        Supplier<ComputationGraph> net = () -> SmallCnn.builder().numClasses(10).inputShape(1, 28, 28)
                .padding(PaddingMode.LEARNED).seed(7).build().init();
        compare(net, 1, 28, 16);
    }

    @Test
    void studyNetworkTrainsIdenticallyOnOneThreadAndOnTwo() {
        Supplier<ComputationGraph> net = () -> Vgg16.builder().widthMultiplier(0.125).numClasses(10)
                .inputShape(1, 32, 32).padding(PaddingMode.LEARNED).seed(7).build().init();
        compare(net, 1, 32, 4);
    }

    private static void compare(Supplier<ComputationGraph> build, int channels, int size, int batch) {
        Assumptions.assumeTrue(Partitions.threads() >= 2, "needs 2 threads to compare against one");
        long saved = Partitions.setMinParallelElements(0);
        float[][] parallel;
        float[][] serial;
        try {
            parallel = train(build.get(), channels, size, batch);
            Partitions.setMinParallelElements(Long.MAX_VALUE);
            serial = train(build.get(), channels, size, batch);
        } finally {
            Partitions.setMinParallelElements(saved);
        }
        assertArrayEquals(parallel[0], serial[0], 0f, "parameters after the steps");
        assertArrayEquals(parallel[1], serial[1], 0f, "scores of the steps");
        assertFalse(Arrays.equals(parallel[0], parallel[2]), "training changed the parameters");
    }

    /** {@link #STEPS} steps of fit() on seeded random batches; returns {parameters, scores, initial parameters}. */
    private static float[][] train(ComputationGraph net, int channels, int size, int batch) {
        float[] initial = net.params().dup().data().asFloat();
        Nd4j.getRandom().setSeed(11);
        float[] scores = new float[STEPS];
        for (int i = 0; i < STEPS; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, channels, size, size);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
            for (int n = 0; n < batch; n++) {
                y.putScalar(n, (n + i) % 10, 1);
            }
            net.fit(new DataSet(x, y));
            scores[i] = (float) net.score();
        }
        return new float[][]{net.params().dup().data().asFloat(), scores, initial};
    }
}
