package io.github.learnpad.parallel;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.training.TinyData;
import io.github.learnpad.training.Trainer;
import io.github.learnpad.training.TrainingProgress;
import io.github.learnpad.training.TrainingResult;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several workers ({@link ParallelTraining}) with the Padding Module. The experiment of issue 14: a SmallCnn with
 * learned padding, 16 minibatches of 16 random 1x16x16 images, 2 workers; two runs that differ only in their labels.
 * The first Padding Module reads the images themselves, so its predictor, trained by its local loss alone, must end
 * bit-for-bit the same in both runs (later modules read features that the labels shaped, so theirs may differ).
 */
class ParallelTrainingTest {
    private static final int CLASSES = 3;
    private static final int BATCHES = 16;
    private static final int BATCH = 16;

    /** 16 minibatches: the same images for every label seed, labels drawn from {@code labelSeed}. */
    static List<DataSet> minibatches(long labelSeed) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, BATCHES * BATCH, 1, 16, 16);
        INDArray y = Nd4j.zeros(DataType.FLOAT, BATCHES * BATCH, CLASSES);
        Random r = new Random(labelSeed);
        for (int i = 0; i < BATCHES * BATCH; i++) {
            y.putScalar(i, r.nextInt(CLASSES), 1.0);
        }
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            out.add(new DataSet(x.get(NDArrayIndex.interval(b * BATCH, (b + 1) * BATCH)).dup(),
                    y.get(NDArrayIndex.interval(b * BATCH, (b + 1) * BATCH)).dup()));
        }
        return out;
    }

    /** The small CNN with learned padding; with {@code slowCopies}, its Padding Modules are {@link SlowCopy}s. */
    static ComputationGraph network(boolean slowCopies) {
        ComputationGraphConfiguration conf = SmallCnn.builder().numClasses(CLASSES).inputShape(1, 16, 16).baseWidth(4)
                .padding(PaddingMode.LEARNED).updater(new Adam(1e-2)).seed(42).build().conf();
        if (slowCopies) {
            for (GraphVertex v : conf.getVertices().values()) {
                if (v instanceof LayerVertex && ((LayerVertex) v).getLayerConf().getLayer() instanceof PaddingModule) {
                    org.deeplearning4j.nn.conf.NeuralNetConfiguration lc = ((LayerVertex) v).getLayerConf();
                    lc.setLayer(SlowCopy.of((PaddingModule) lc.getLayer()));
                }
            }
        }
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static ComputationGraph network() {
        return network(false);
    }

    /** Trains a fresh network on the labels of {@code labelSeed} (one epoch of 16 minibatches). */
    static ComputationGraph train(ParallelTraining pt, long labelSeed, TrainingListener... listeners) {
        return train(network(), pt, labelSeed, listeners);
    }

    static ComputationGraph train(ComputationGraph net, ParallelTraining pt, long labelSeed,
            TrainingListener... listeners) {
        net.setListeners(listeners);
        pt.fitEpoch(net, new ListDataSetIterator<>(minibatches(labelSeed), 1), 1);
        net.setListeners(new TrainingListener[0]);
        return net;
    }

    static ParallelTraining.Builder averaging() {
        return ParallelTraining.builder().workers(2).mode(ParallelTraining.Mode.AVERAGING).averagingFrequency(2)
                .prefetch(0);
    }

    static ParallelTraining.Builder sharing() {
        return ParallelTraining.builder().workers(2).mode(ParallelTraining.Mode.SHARED_GRADIENTS).prefetch(0);
    }

    /** The first Padding Module's parameters and their updater state (one row each), copied. */
    static INDArray[] predictor(ComputationGraph net) {
        INDArray state = updaterStateOf(net, "pad1");
        return new INDArray[]{net.getLayer("pad1").params().dup(), state == null ? null : state.dup()};
    }

    /** The updater state of one layer's parameters (e.g. Adam's m and v), concatenated, or null if it has none. */
    static INDArray updaterStateOf(ComputationGraph net, String layer) {
        ComputationGraphUpdater u = net.getUpdater();
        List<INDArray> parts = new ArrayList<>();
        for (org.deeplearning4j.nn.updater.UpdaterBlock b : u.getUpdaterBlocks()) {
            boolean ours = b.getLayersAndVariablesInBlock().stream()
                    .anyMatch(p -> layer.equals(p.getLayer().getConfig().getLayerName()));
            if (ours && b.getUpdaterView() != null) {
                assertEquals(1, b.getLayersAndVariablesInBlock().stream()
                                .map(p -> p.getLayer().getConfig().getLayerName()).distinct().count(),
                        "the predictor has its own updater block");
                parts.add(b.getUpdaterView().reshape(b.getUpdaterView().length()));
            }
        }
        return parts.isEmpty() ? null : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    /** Exact comparison: same shape and bit-for-bit the same values. */
    static boolean identical(INDArray a, INDArray b) {
        return a.equalShapes(b) && a.equalsWithEps(b, 0.0);
    }

    static void assertIsolated(ParallelTraining pt) {
        ComputationGraph a = train(pt, 1);
        ComputationGraph b = train(pt, 2);
        INDArray[] pa = predictor(a), pb = predictor(b);
        INDArray initial = network().getLayer("pad1").params();
        assertFalse(identical(pa[0], initial), "the predictor trained");
        assertFalse(identical(a.getLayer("conv1").params(), b.getLayer("conv1").params()),
                "the labels changed the convolutions");
        assertTrue(identical(pa[0], pb[0]), "predictor weights differ between label sets by "
                + pa[0].sub(pb[0]).amaxNumber());
        assertTrue(identical(pa[1], pb[1]), "predictor updater state differs between label sets by "
                + pa[1].sub(pb[1]).amaxNumber());
        assertTrue(pa[1].amaxNumber().doubleValue() > 0, "the predictor's updater state is not empty");
    }

    @Test
    void averagingKeepsTheFirstPredictorTrainedByItsLocalLossAlone() {
        assertIsolated(averaging().build());
    }

    @Test
    void sharedGradientsKeepTheFirstPredictorTrainedByItsLocalLossAlone() {
        assertIsolated(sharing().build());
    }

    /**
     * A deliberate breach: a listener adds a multiple of the network's loss (which depends on the labels) to the
     * first predictor's gradient on every worker, before the updater. The isolation check must see it.
     */
    @Test
    void theIsolationCheckCatchesALabelDependentPredictorGradient() {
        TrainingListener breach = new BaseTrainingListener() {
            @Override
            public void onGradientCalculation(Model model) {
                ((ComputationGraph) model).getLayer("pad1").getGradientsViewArray().addi(1e-2 * model.score());
            }
        };
        ParallelTraining pt = averaging().build();
        INDArray a = train(pt, 1, breach).getLayer("pad1").params();
        INDArray b = train(pt, 2, breach).getLayer("pad1").params();
        assertFalse(identical(a, b), "the breach reached the predictor");
    }

    /**
     * Why the workers start together: DL4J's workers 2..N copy the network on their own threads while worker 1 already
     * trains it. A worker that is slow to build its copy (here: made slow on purpose) copies it after worker 1's
     * first update, and the run ends elsewhere. With the synchronised start it ends exactly where an undelayed run does.
     */
    @Test
    void workersStartFromTheSameStateWhateverTheThreadTiming() {
        INDArray quick = train(network(), averaging().build(), 1).params();
        SlowCopy.delayMillis = 1500;
        try {
            INDArray slowSynchronised = train(network(true), averaging().build(), 1).params();
            INDArray slowUnsynchronised = train(network(true), averaging().synchronisedStart(false).build(), 1)
                    .params();
            assertTrue(identical(quick, slowSynchronised), "synchronised start: the timing does not matter");
            assertFalse(identical(quick, slowUnsynchronised), "DL4J's own start: a late copy changes the run");
        } finally {
            SlowCopy.delayMillis = 0;
        }
    }

    /** A Padding Module whose runtime layer is slow to build on ParallelWrapper's worker threads. */
    public static class SlowCopy extends PaddingModule {
        static volatile long delayMillis;

        public SlowCopy() {
        }

        /** The same configuration (sides, channels, predictor settings) as {@code m}, through its JSON. */
        static SlowCopy of(PaddingModule m) {
            try {
                ObjectMapper json = NeuralNetConfiguration.mapper();
                String s = json.writeValueAsString(m).replace(PaddingModule.class.getName(), SlowCopy.class.getName());
                return (SlowCopy) json.readValue(s, org.deeplearning4j.nn.conf.layers.Layer.class);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                Collection<TrainingListener> listeners, int index, INDArray view, boolean init, DataType dt) {
            if (delayMillis > 0 && Thread.currentThread().getName().startsWith("ParallelWrapper training thread")) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.instantiate(conf, listeners, index, view, init, dt);
        }
    }

    /** The averaged network saves with its updater state and loads into an ordinary single-worker network. */
    @Test
    void aParallelTrainedModelSavesAndLoadsInASingleWorkerNetwork(@TempDir Path dir) throws Exception {
        ComputationGraph net = train(averaging().build(), 1);
        File f = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, f, true);
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(f, true);
        assertTrue(identical(net.params(), loaded.params()));
        assertTrue(identical(net.getUpdater().getStateViewArray(), loaded.getUpdater().getStateViewArray()));
        INDArray x = minibatches(1).get(0).getFeatures();
        assertTrue(identical(net.outputSingle(x), loaded.outputSingle(x)));
        // And both continue identically on one worker, the predictor's updater state included.
        DataSet next = minibatches(1).get(1);
        net.fit(next);
        loaded.fit(next);
        assertTrue(identical(net.params(), loaded.params()));
        assertArrayEquals(predictor(net)[1].toDoubleVector(), predictor(loaded)[1].toDoubleVector(), 0.0);
    }

    /** Trainer with two workers: a run interrupted after epoch 1 and resumed ends exactly as an uninterrupted one. */
    @Test
    void resumeWithWorkersRepeatsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        ImageDataset train = TinyData.make("train", 128, 1, 12, 3);
        ImageDataset test = TinyData.make("test", 32, 1, 12, 4);
        ParallelTraining pt = ParallelTraining.builder().workers(2).averagingFrequency(2).build();
        TrainingResult whole = trainer(train, test, dir.resolve("whole"), 2, false, pt)
                .train(smallNet());
        trainer(train, test, dir.resolve("parts"), 1, false, pt).train(smallNet());
        TrainingResult resumed = trainer(train, test, dir.resolve("parts"), 2, true, pt).train(smallNet());
        assertEquals(1, resumed.resumedFromEpoch());
        assertTrue(identical(whole.net().params(), resumed.net().params()));
        for (int e = 0; e < 2; e++) {
            assertEquals(whole.metrics().get(e).trainLoss(), resumed.metrics().get(e).trainLoss(), 0.0);
            assertEquals(whole.metrics().get(e).testLoss(), resumed.metrics().get(e).testLoss(), 0.0);
            assertEquals(whole.metrics().get(e).localLosses(), resumed.metrics().get(e).localLosses());
        }
    }

    private static ComputationGraph smallNet() {
        return SmallCnn.builder().numClasses(3).inputShape(1, 12, 12).baseWidth(4).padding(PaddingMode.LEARNED)
                .seed(5).build().init();
    }

    private static Trainer trainer(ImageDataset train, ImageDataset test, Path out, int epochs, boolean resume,
            ParallelTraining pt) {
        return Trainer.builder().train(train, 16).test(test).epochs(epochs).seed(9).outDir(out).resume(resume)
                .progress(TrainingProgress.NONE).fitter(pt).build();
    }
}
