package io.github.learnpad.spark;

import io.github.learnpad.layers.LocalLosses;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LearnPad networks trained with DL4J's Spark parameter averaging on {@code local[2]} (two executor threads). */
class SparkTrainingTest {
    private static final int CLASSES = 3;
    private static final int SIZE = 16;
    private static final int PER_DATASET = 16;
    private static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("learnpad-spark-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "localhost");
        sc = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) {
            sc.stop();
        }
    }

    /**
     * 16 DataSets of 16 images 1 x 16 x 16. {@code learnable}: the class says which quadrant holds a bright blob;
     * else the images are uniform noise (the same for every label seed) and the labels random from {@code labelSeed}.
     */
    static List<DataSet> data(boolean learnable, long labelSeed) {
        Random r = new Random(learnable ? 11 : 7);
        Random lr = new Random(labelSeed);
        List<DataSet> out = new ArrayList<>();
        for (int d = 0; d < 16; d++) {
            INDArray x = Nd4j.create(DataType.FLOAT, PER_DATASET, 1, SIZE, SIZE);
            INDArray y = Nd4j.zeros(DataType.FLOAT, PER_DATASET, CLASSES);
            for (int i = 0; i < PER_DATASET; i++) {
                int label = lr.nextInt(CLASSES);
                y.putScalar(i, label, 1.0);
                int oy = label == 1 ? SIZE / 2 : 0, ox = label == 2 ? SIZE / 2 : 0;
                for (int h = 0; h < SIZE; h++) {
                    for (int w = 0; w < SIZE; w++) {
                        boolean blob = learnable && h >= oy && h < oy + SIZE / 2 && w >= ox && w < ox + SIZE / 2;
                        x.putScalar(new long[]{i, 0, h, w}, (blob ? 0.6 : 0.2) + 0.3 * r.nextFloat());
                    }
                }
            }
            out.add(new DataSet(x, y));
        }
        return out;
    }

    static ComputationGraph network() {
        ComputationGraph net = new ComputationGraph(TinyCnn.conf(1, SIZE, SIZE, CLASSES, 1e-2, 42));
        net.init();
        return net;
    }

    static SparkComputationGraph spark(ComputationGraph net) {
        return SparkTraining.builder().batchSizePerWorker(PER_DATASET).examplesPerDataSet(PER_DATASET)
                .averagingFrequency(2).workers(2).seed(5).build().wrap(sc, net);
    }

    static JavaRDD<DataSet> rdd(List<DataSet> data) {
        return sc.parallelize(data, 2);
    }

    static boolean identical(INDArray a, INDArray b) {
        return a.equalShapes(b) && a.equalsWithEps(b, 0.0);
    }

    /** The updater state of one layer's parameters, which must form updater blocks of their own. */
    static INDArray updaterStateOf(ComputationGraph net, String layer) {
        List<INDArray> parts = new ArrayList<>();
        for (UpdaterBlock b : net.getUpdater().getUpdaterBlocks()) {
            boolean ours = b.getLayersAndVariablesInBlock().stream()
                    .anyMatch(p -> layer.equals(p.getLayer().getConfig().getLayerName()));
            if (ours && b.getUpdaterView() != null) {
                parts.add(b.getUpdaterView().reshape(b.getUpdaterView().length()));
            }
        }
        return Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    @Test
    void trainingImprovesATinyModel() {
        ComputationGraph net = network();
        List<DataSet> data = data(true, 3);
        SparkComputationGraph s = spark(net);
        double before = s.calculateScore(rdd(data), true);
        for (int epoch = 0; epoch < 3; epoch++) {
            s.fit(rdd(data));
        }
        double after = s.calculateScore(rdd(data), true);
        assertTrue(after < before, "loss " + before + " -> " + after);
        // The local losses live in the executors' copies; the averaged predictor shows that they trained it.
        assertFalse(identical(network().getLayer("pad1").params(), s.getNetwork().getLayer("pad1").params()));
    }

    /** Two runs that differ only in their labels: the first predictor and its updater state end bit-for-bit equal. */
    @Test
    void thePredictorIsolationHoldsAcrossExecutors() {
        ComputationGraph a = trainOnLabels(1, null);
        ComputationGraph b = trainOnLabels(2, null);
        assertFalse(identical(a.getLayer("pad1").params(), network().getLayer("pad1").params()), "it trained");
        assertFalse(identical(a.getLayer("conv1").params(), b.getLayer("conv1").params()), "the labels mattered");
        assertTrue(identical(a.getLayer("pad1").params(), b.getLayer("pad1").params()), "predictor weights differ by "
                + a.getLayer("pad1").params().sub(b.getLayer("pad1").params()).amaxNumber());
        INDArray ua = updaterStateOf(a, "pad1"), ub = updaterStateOf(b, "pad1");
        assertTrue(ua.amaxNumber().doubleValue() > 0, "the predictor's updater state came back from the executors");
        assertTrue(identical(ua, ub), "predictor updater state differs by " + ua.sub(ub).amaxNumber());
    }

    /** The same check sees a label-dependent gradient pushed into the predictor on the executors. */
    @Test
    void theIsolationCheckCatchesABreachOnTheExecutors() {
        INDArray a = trainOnLabels(1, new Breach()).getLayer("pad1").params();
        INDArray b = trainOnLabels(2, new Breach()).getLayer("pad1").params();
        assertFalse(identical(a, b));
    }

    /** Adds a multiple of the network's loss (label-dependent) to the first predictor's gradient. */
    static final class Breach extends BaseTrainingListener implements java.io.Serializable {
        @Override
        public void onGradientCalculation(Model model) {
            ((ComputationGraph) model).getLayer("pad1").getGradientsViewArray().addi(1e-2 * model.score());
        }
    }

    private static ComputationGraph trainOnLabels(long labelSeed, Breach breach) {
        SparkComputationGraph s = spark(network());
        if (breach != null) {
            s.setListeners(breach);
        }
        List<DataSet> data = data(false, labelSeed);
        for (int epoch = 0; epoch < 2; epoch++) {
            s.fit(rdd(data));
        }
        return s.getNetwork();
    }

    /**
     * What a cluster does with the configuration (Java-serialised in the broadcast to the executors; in local mode the
     * executors may share the driver's object) and what a user does with the result (ModelSerializer, then the
     * single-machine library).
     */
    @Test
    void theTrainedModelSavesAndLoadsInTheSingleMachineLibrary(@TempDir Path dir) throws Exception {
        SparkComputationGraph s = spark(network());
        s.fit(rdd(data(true, 3)));
        ComputationGraph trained = s.getNetwork();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(trained.getConfiguration());
        }
        ComputationGraphConfiguration shipped;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (ComputationGraphConfiguration) in.readObject();
        }
        assertEquals(trained.getConfiguration().toJson(), shipped.toJson());
        ComputationGraph rebuilt = new ComputationGraph(shipped);
        rebuilt.init(trained.params().dup(), false);

        File f = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(trained, f, true);
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(f, true);
        assertTrue(identical(trained.params(), loaded.params()));
        assertTrue(identical(trained.getUpdater().getStateViewArray(), loaded.getUpdater().getStateViewArray()));
        INDArray x = data(true, 4).get(0).getFeatures();
        INDArray expected = trained.outputSingle(x);
        assertTrue(identical(expected, loaded.outputSingle(x)));
        assertTrue(identical(expected, rebuilt.outputSingle(x)));
        loaded.fit(data(true, 4).get(0));
        assertTrue(Double.isFinite(LocalLosses.of(loaded).get("pad1")));
    }
}
