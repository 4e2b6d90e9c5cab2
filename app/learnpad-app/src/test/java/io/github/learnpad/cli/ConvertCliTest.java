package io.github.learnpad.cli;

import io.github.learnpad.training.EpochMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.github.learnpad.cli.LearnPadCliTest.cli;
import static org.junit.jupiter.api.Assertions.*;

/** {@code learnpad convert} and {@code learnpad train --init-from}, in-process on a tiny Fashion-MNIST-like set. */
class ConvertCliTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path zeroRun;

    @BeforeAll
    static void trainAZeroPaddedModel() throws IOException {
        data = NewcomerCliTest.fakeFashionMnist(tmp);
        zeroRun = tmp.resolve("zero");
        LearnPadCliTest.Run r = cli("train", "--padding", "zero", "--data-dir", data.toString(), "--epochs", "1",
                "--batch", "16", "--seed", "3", "--out", zeroRun.toString(), "--progress", "none");
        assertEquals(0, r.code(), r.err());
    }

    static JsonNode json(Path p) throws IOException {
        return new ObjectMapper().readTree(p.toFile());
    }

    @Test
    void convertKeepsTheAccuracyAndTheResultFineTunes() throws Exception {
        Path conv = tmp.resolve("learned").resolve("model.zip");
        LearnPadCliTest.Run c = cli("convert", "--model", zeroRun.resolve("model.zip").toString(), "--padding",
                "learned", "--out", conv.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().startsWith("converted "), c.out());
        JsonNode run = json(conv.resolveSibling("run.json"));
        assertEquals("learned", run.get("padding").asText());
        assertEquals(json(zeroRun.resolve("run.json")).get("inputShape"), run.get("inputShape"));

        // The Padding Modules start as zero padding: the converted model scores exactly what the original scored.
        assertEquals(0, cli("eval", "--model", zeroRun.toString(), "--data-dir", data.toString()).code());
        assertEquals(0, cli("eval", "--model", conv.toString(), "--data-dir", data.toString()).code());
        JsonNode before = json(zeroRun.resolve("eval.json"));
        JsonNode after = json(conv.resolveSibling("eval.json"));
        assertEquals(before.get("accuracy").asDouble(), after.get("accuracy").asDouble());
        assertEquals(before.get("loss").asDouble(), after.get("loss").asDouble(), 1e-6 * before.get("loss").asDouble(),
                "loss within float rounding");

        Path tuned = tmp.resolve("tuned");
        LearnPadCliTest.Run t = cli("train", "--init-from", conv.toString(), "--data-dir", data.toString(),
                "--epochs", "1", "--batch", "16", "--out", tuned.toString(), "--progress", "none");
        assertEquals(0, t.code(), t.err());
        JsonNode tunedRun = json(tuned.resolve("run.json"));
        assertEquals("learned", tunedRun.get("padding").asText());
        assertEquals(conv.toAbsolutePath().toString(), tunedRun.get("initFrom").asText());
        List<EpochMetrics> m = EpochMetrics.readAll(tuned.resolve("metrics.jsonl"));
        assertEquals(1, m.size());
        assertEquals(4, m.get(0).localLosses().size(), "the converted small CNN has four Padding Modules");
        assertTrue(Double.isFinite(m.get(0).trainLoss()));
    }

    @Test
    void aUsersOwnMultiLayerNetworkConvertsAndEvaluates() throws Exception {
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(1)
                        .updater(new org.nd4j.linalg.learning.config.Adam(1e-3)).list()
                        .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).padding(1, 1)
                                .nOut(4).activation(org.nd4j.linalg.activations.Activation.RELU).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
                                org.deeplearning4j.nn.conf.layers.PoolingType.AVG).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                                org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nOut(10)
                                .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                        .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(28, 28, 1)).build());
        net.init();
        Path own = tmp.resolve("own").resolve("mine.zip");
        Files.createDirectories(own.getParent());
        org.deeplearning4j.util.ModelSerializer.writeModel(net, own.toFile(), true);
        Path conv = tmp.resolve("own-learned").resolve("model.zip");
        assertEquals(0, cli("convert", "--model", own.toString(), "--padding", "learned", "--out", conv.toString())
                .code());
        assertFalse(Files.exists(conv.resolveSibling("run.json")), "no run.json to copy");
        for (Path m : List.of(own, conv)) {
            LearnPadCliTest.Run e = cli("eval", "--model", m.toString(), "--data-dir", data.toString(), "--out",
                    m.resolveSibling("eval.json").toString());
            assertEquals(0, e.code(), e.err());
        }
        JsonNode before = json(own.resolveSibling("eval.json"));
        JsonNode after = json(conv.resolveSibling("eval.json"));
        assertEquals(before.get("accuracy").asDouble(), after.get("accuracy").asDouble());
        assertEquals(before.get("loss").asDouble(), after.get("loss").asDouble(), 1e-6 * before.get("loss").asDouble());
    }

    @Test
    void initFromWithPaddingConvertsFirst() throws Exception {
        Path tuned = tmp.resolve("tuned-reflect");
        LearnPadCliTest.Run t = cli("train", "--init-from", zeroRun.toString(), "--padding", "reflect",
                "--data-dir", data.toString(), "--epochs", "1", "--batch", "16", "--out", tuned.toString(),
                "--progress", "none");
        assertEquals(0, t.code(), t.err());
        assertEquals("reflect", json(tuned.resolve("run.json")).get("padding").asText());
        assertTrue(json(tuned.resolve("run.json")).get("converted").asBoolean());
    }

    @Test
    void convertNeverReplacesAFileUnasked() throws Exception {
        Path out = tmp.resolve("exists.zip");
        Files.writeString(out, "precious");
        LearnPadCliTest.Run r = cli("convert", "--model", zeroRun.toString(), "--padding", "learned", "--out",
                out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("already exists") && r.err().contains("--force"), r.err());
        assertEquals("precious", Files.readString(out));

        Path in = zeroRun.resolve("model.zip");
        byte[] original = Files.readAllBytes(in);
        LearnPadCliTest.Run same = cli("convert", "--model", in.toString(), "--padding", "learned", "--out",
                in.toString(), "--force");
        assertEquals(1, same.code());
        assertTrue(same.err().contains("--out is the input model"), same.err());
        assertArrayEquals(original, Files.readAllBytes(in));

        LearnPadCliTest.Run missing = cli("convert", "--model", tmp.resolve("none.zip").toString(), "--padding",
                "learned", "--out", tmp.resolve("x.zip").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no model at"), missing.err());
    }

    @Test
    void initFromRefusesADatasetWithOtherClasses() throws Exception {
        Path other = tmp.resolve("three-classes");
        Files.createDirectories(other);
        // An image folder with 3 classes, while the model has 10.
        for (String cls : List.of("a", "b", "c")) {
            Path d = other.resolve(cls);
            Files.createDirectories(d);
            for (int i = 0; i < 4; i++) {
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28,
                        java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                javax.imageio.ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
            }
        }
        LearnPadCliTest.Run r = cli("train", "--init-from", zeroRun.toString(), "--dataset", "folder:" + other,
                "--epochs", "1", "--out", tmp.resolve("bad").toString(), "--progress", "none");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("has 10 classes") && r.err().contains("has 3"), r.err());
    }
}
