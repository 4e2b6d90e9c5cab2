package io.github.learnpad.training;

import io.github.learnpad.RestoresNd4jThreads;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.eval.Evaluator;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.SmallCnn;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@ExtendWith(RestoresNd4jThreads.class)
class TrainerTest {
    static final int EPOCHS = 3;
    static final long SEED = 7;
    static ImageDataset train = TinyData.make("tiny-train", 96, 1, 12, 1);
    static ImageDataset test = TinyData.make("tiny-test", 48, 1, 12, 2);

    @TempDir
    static Path tmp;
    static TrainingResult baseline;

    static ComputationGraph net() {
        return SmallCnn.builder().numClasses(3).inputShape(1, 12, 12).baseWidth(8).updater(new Adam(1e-2))
                .padding(PaddingMode.ZERO).seed(SEED).build().init();
    }

    static Trainer.Builder trainer(Path out) {
        return Trainer.builder().train(train, 16).test(test).epochs(EPOCHS).seed(SEED).outDir(out)
                .progress(TrainingProgress.NONE);
    }

    /** Progress lines and checkpoint warnings into {@code log}. */
    static Trainer.Builder logged(Trainer.Builder b, ByteArrayOutputStream log) {
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        return b.log(ps).progress(TrainingProgress.lines(ps));
    }

    /** What the reporter was told: metrics, title and directory of each finished run. */
    static final List<Object[]> reported = new java.util.ArrayList<>();

    @BeforeAll
    static void uninterrupted() throws Exception {
        Threads.limit(1); // the test machine is shared; see Threads
        baseline = trainer(tmp.resolve("baseline")).runInfo(java.util.Map.of("name", "base run"))
                .reporter(new RunReporter() {
                    @Override
                    public void runFinished(List<EpochMetrics> metrics, String title, Path dir) {
                        reported.add(new Object[]{List.copyOf(metrics), title, dir});
                    }
                }).build().train(net());
    }

    @Test
    void writesMetricsCheckpointsAndModel() throws Exception {
        Path out = tmp.resolve("baseline");
        List<EpochMetrics> m = EpochMetrics.readAll(out.resolve("metrics.jsonl"));
        assertEquals(EPOCHS, m.size());
        for (int i = 0; i < EPOCHS; i++) {
            assertEquals(i + 1, m.get(i).epoch());
            assertTrue(m.get(i).sameResultAs(baseline.metrics().get(i)), "metrics.jsonl round trip");
            assertTrue(Double.isFinite(m.get(i).trainLoss()) && Double.isFinite(m.get(i).testLoss()));
            assertTrue(m.get(i).seconds() > 0);
            assertTrue(m.get(i).localLosses().isEmpty(), "no Padding Module in this network");
        }
        // The network must learn (test accuracy lags on so few steps: BatchNorm's running statistics).
        assertTrue(m.get(EPOCHS - 1).trainLoss() < 0.8 * m.get(0).trainLoss(), "train loss " + m);
        // Newest two checkpoints kept, older pruned.
        Path c = out.resolve("checkpoints");
        assertFalse(Files.exists(c.resolve("epoch-0001.zip")));
        assertTrue(Files.exists(c.resolve("epoch-0002.zip")) && Files.exists(c.resolve("epoch-0002.json")));
        assertTrue(Files.exists(c.resolve("epoch-0003.zip")) && Files.exists(c.resolve("epoch-0003.json")));
        // model.zip is the trained network with its updater.
        ComputationGraph loaded = ModelSerializer.restoreComputationGraph(out.resolve("model.zip").toFile(), true);
        ComputationGraph trained = (ComputationGraph) baseline.net();
        assertEquals(trained.params(), loaded.params());
        assertEquals(trained.getUpdater().getStateViewArray(), loaded.getUpdater().getStateViewArray());
        assertEquals(Evaluator.evaluate(trained, test, 10).accuracy(), Evaluator.evaluate(loaded, test, 7).accuracy());
        assertEquals(baseline.last().testAccuracy(), Evaluator.evaluate(loaded, test, 7).accuracy());
        // run.json holds the runInfo.
        assertEquals("base run", RunMetadata.read(out).orElseThrow().get("name").asText());
        // The reporter saw the finished run once; the library itself draws no charts.
        assertEquals(1, reported.size());
        assertEquals(baseline.metrics(), reported.get(0)[0]);
        assertEquals("base run", reported.get(0)[1]);
        assertEquals(out, reported.get(0)[2]);
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".png")), "no charts in the library");
        }
        // No temporary files left behind.
        try (var s = Files.list(c)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void sameSeedSameMetrics() throws Exception {
        TrainingResult again = trainer(tmp.resolve("again")).build().train(net());
        assertIdentical(baseline.metrics(), again.metrics());
    }

    @Test
    void differentSeedDifferentMetrics() throws Exception {
        TrainingResult other = Trainer.builder().train(train, 16).test(test).epochs(1).seed(SEED + 1)
                .outDir(tmp.resolve("other")).progress(TrainingProgress.NONE).build().train(net());
        assertNotEquals(baseline.metrics().get(0).trainLoss(), other.metrics().get(0).trainLoss());
    }

    @Test
    void resumeAfterInterruptionGivesTheSameMetrics() throws Exception {
        Path out = tmp.resolve("interrupted");
        RuntimeException crash = assertThrows(RuntimeException.class, () -> trainer(out)
                .epochListener((m, n) -> {
                    if (m.epoch() == 1) {
                        throw new RuntimeException("simulated crash");
                    }
                }).build().train(net()));
        assertEquals("simulated crash", crash.getMessage());
        assertEquals(1, EpochMetrics.readAll(out.resolve("metrics.jsonl")).size());
        assertThrows(IllegalStateException.class, () -> trainer(out).build().train(net()),
                "a second fresh run into the same directory must refuse");

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingResult resumed = logged(trainer(out).resume(true), log).build().train(net());
        assertEquals(1, resumed.resumedFromEpoch());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("resuming from"), log.toString());
        assertIdentical(baseline.metrics(), resumed.metrics());
        assertIdentical(baseline.metrics(), EpochMetrics.readAll(out.resolve("metrics.jsonl")));
        assertEquals(((ComputationGraph) baseline.net()).params(), ((ComputationGraph) resumed.net()).params());
    }

    @Test
    void truncatedCheckpointIsReportedAndThePreviousOneUsed() throws Exception {
        Path out = tmp.resolve("corrupt");
        assertThrows(RuntimeException.class, () -> trainer(out).epochListener((m, n) -> {
            if (m.epoch() == 2) {
                throw new RuntimeException("simulated crash");
            }
        }).build().train(net()));
        Path latest = out.resolve("checkpoints/epoch-0002.zip");
        byte[] bytes = Files.readAllBytes(latest);
        Files.write(latest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThrows(java.io.IOException.class, () -> Checkpoints.verifyZip(latest));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingResult resumed = logged(trainer(out).resume(true), log).build().train(net());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("epoch-0002.zip is damaged"), text);
        assertTrue(text.contains("using the previous checkpoint"), text);
        assertEquals(1, resumed.resumedFromEpoch());
        assertIdentical(baseline.metrics(), resumed.metrics());
        // The damaged epoch was redone and its checkpoint replaced by a good one.
        Checkpoints.verifyZip(latest);
    }

    @Test
    void learnedPaddingWithAugmentationRecordsLocalLossesAndResumesExactly() throws Exception {
        ImageDataset small = train.subset(48, 3);
        java.util.function.Supplier<ComputationGraph> learned = () -> SmallCnn.builder().numClasses(3)
                .inputShape(1, 12, 12).baseWidth(4).updater(new Adam(1e-2))
                .padding(PaddingMode.LEARNED).seed(SEED).build().init();
        // With crop-and-flip augmentation: a resumed run must replay the same augmented batches.
        java.util.function.Function<Path, Trainer.Builder> t = out -> Trainer.builder()
                .batches(ImageBatchEpochs.training(small, 16, SEED, true)).test(test)
                .epochs(2).seed(SEED).outDir(out).progress(TrainingProgress.NONE);
        TrainingResult full = t.apply(tmp.resolve("learned-full")).build().train(learned.get());
        for (EpochMetrics m : full.metrics()) {
            assertEquals(List.of("pad1", "pad2", "pad3", "pad4"), List.copyOf(m.localLosses().keySet()));
            m.localLosses().values().forEach(v -> assertTrue(Double.isFinite(v) && v > 0, m.toString()));
        }
        Path out = tmp.resolve("learned-resumed");
        assertThrows(RuntimeException.class, () -> t.apply(out).epochListener((m, n) -> {
            throw new RuntimeException("simulated crash");
        }).build().train(learned.get()));
        TrainingResult resumed = t.apply(out).resume(true).build().train(learned.get());
        assertIdentical(full.metrics(), resumed.metrics());
        assertEquals(((ComputationGraph) full.net()).params(), ((ComputationGraph) resumed.net()).params());
    }

    @Test
    void multiLayerNetworkTrainsAndResumes() throws Exception {
        java.util.function.Supplier<org.deeplearning4j.nn.multilayer.MultiLayerNetwork> mln = () -> {
            var net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                    new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(SEED)
                            .updater(new org.nd4j.linalg.learning.config.Adam(1e-2)).list()
                            .layer(new ZeroPaddingLayer(1, 1, 1, 1))
                            .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                                    .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                            .layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer())
                            .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(3)
                                    .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                            .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(12, 12, 1))
                            .build());
            net.init();
            return net;
        };
        TrainingResult full = trainer(tmp.resolve("mln-full")).epochs(2).build().train(mln.get());
        Path out = tmp.resolve("mln-resumed");
        assertThrows(RuntimeException.class, () -> trainer(out).epochs(2).epochListener((m, n) -> {
            throw new RuntimeException("simulated crash");
        }).build().train(mln.get()));
        TrainingResult resumed = trainer(out).epochs(2).resume(true).build().train(mln.get());
        assertIdentical(full.metrics(), resumed.metrics());
        assertTrue(resumed.net() instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork);
    }

    static void assertIdentical(List<EpochMetrics> a, List<EpochMetrics> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.get(i).sameResultAs(b.get(i)), "epoch " + (i + 1) + ": " + a.get(i) + " vs " + b.get(i));
        }
    }

    @Test
    void runListenersAreRefusedWithSeveralWorkers() {
        RunListeners none = new RunListeners() {
            @Override
            public java.util.List<org.deeplearning4j.optimize.api.TrainingListener> open(java.nio.file.Path d,
                    String s, boolean r) {
                return java.util.List.of();
            }

            @Override
            public void runEnded(java.nio.file.Path d) {
            }
        };
        EpochFitter workers = (net, batches, epoch) -> {
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder().fitter(workers).runListeners(none).build());
        assertTrue(e.getMessage().contains("cannot be combined with fitter"), e.getMessage());
    }
}
