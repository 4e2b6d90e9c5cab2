package io.github.learnpad.cli;

import io.github.learnpad.RestoresNd4jThreads;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.learnpad.training.EpochMetrics;
import io.github.learnpad.training.Threads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The CLI in-process, on a tiny generated dataset in Fashion-MNIST's IDX format. */
@ExtendWith(RestoresNd4jThreads.class)
class LearnPadCliTest {
    @TempDir
    static Path tmp;
    static Path data;

    /** What one CLI call printed and returned. */
    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void fakeFashionMnist() throws IOException {
        Threads.limit(1);
        data = tmp.resolve("fmnist");
        Files.createDirectories(data);
        writeIdx(data, "train", 48, 5);
        writeIdx(data, "t10k", 24, 6);
    }

    /** Images whose class (0..9) sets which horizontal band is bright. */
    static void writeIdx(Path dir, String prefix, int n, long seed) throws IOException {
        Random r = new Random(seed);
        byte[] labels = new byte[n];
        byte[] px = new byte[n * 28 * 28];
        for (int i = 0; i < n; i++) {
            int y = r.nextInt(10);
            labels[i] = (byte) y;
            for (int p = 0; p < 28 * 28; p++) {
                int row = p / 28;
                boolean band = row / 3 == y;
                px[i * 784 + p] = (byte) ((band ? 180 : 20) + r.nextInt(60));
            }
        }
        try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"))))) {
            o.writeInt(0x803);
            o.writeInt(n);
            o.writeInt(28);
            o.writeInt(28);
            o.write(px);
        }
        try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))))) {
            o.writeInt(0x801);
            o.writeInt(n);
            o.write(labels);
        }
    }

    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = LearnPadCli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainThenEval() throws Exception {
        Path out = tmp.resolve("run");
        Run r = cli("train", "--model", "small", "--padding", "learned", "--dataset", "fashion-mnist",
                "--data-dir", data.toString(), "--epochs", "2", "--batch", "16", "--seed", "3", "--out", out.toString(),
                "--progress", "lines", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("final test accuracy"), r.out());
        assertTrue(r.err().contains("epoch 2/2"), r.err());
        for (String f : List.of("run.json", "metrics.jsonl", "model.zip", "checkpoints/epoch-0002.zip",
                "checkpoints/epoch-0002.json", "loss.png", "accuracy.png", "local-loss.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertEquals("learned", run.get("padding").asText());
        assertEquals(48, run.get("trainImages").asInt());
        List<EpochMetrics> m = EpochMetrics.readAll(out.resolve("metrics.jsonl"));
        assertEquals(2, m.size());
        assertEquals(4, m.get(1).localLosses().size());

        Run e = cli("eval", "--model", out.toString(), "--dataset", "fashion-mnist", "--data-dir", data.toString());
        assertEquals(0, e.code(), e.err());
        JsonNode ev = new ObjectMapper().readTree(out.resolve("eval.json").toFile());
        // The saved model on the same test set gives exactly the accuracy measured after the last epoch.
        assertEquals(m.get(1).testAccuracy(), ev.get("accuracy").asDouble());
        assertEquals(m.get(1).testLoss(), ev.get("loss").asDouble(), 1e-9);
        assertEquals(24, ev.get("testImages").asInt());
        assertTrue(e.out().startsWith("accuracy "), e.out());

        // Resuming a finished run trains nothing more and reports the same result.
        Run again = cli("train", "--padding", "learned", "--data-dir", data.toString(), "--epochs", "2", "--batch",
                "16", "--seed", "3", "--out", out.toString(), "--progress", "lines", "--resume");
        assertEquals(0, again.code(), again.err());
        assertEquals(r.out().replaceAll("\\(.*s of training\\)", ""), again.out().replaceAll("\\(.*s of training\\)", ""));
    }

    @Test
    void compareWritesTheReport() throws Exception {
        Path out = tmp.resolve("cmp");
        Run r = cli("compare", "--paddings", "zero,reflect", "--seeds", "1", "--data-dir", data.toString(),
                "--epochs", "1", "--batch", "16", "--subset", "32", "--out", out.toString(), "--progress", "none",
                "--gallery-pad", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| zero | 1 |") && r.out().contains("| reflect | 1 |"), r.out());
        for (String f : List.of("results.md", "results.json", "accuracy.png", "curves-accuracy.png", "gallery.png",
                "runs/zero-seed1/metrics.jsonl", "runs/reflect-seed1/model.zip")) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        assertFalse(Files.exists(out.resolve("local-loss.png")), "no learned padding, no local-loss chart");
    }

    @Test
    void versionIsThePomVersion() {
        Run r = cli("--version");
        assertEquals(0, r.code());
        // Surefire passes the version from the root pom (see app/pom.xml).
        String expected = System.getProperty("learnpad.pomVersion");
        assertNotNull(expected, "run under Maven, which sets learnpad.pomVersion");
        assertEquals("learnpad " + expected, r.out().strip());
    }

    @Test
    void usageErrorsExitWith2() {
        Run r = cli("train", "--padding", "bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bogus"), r.err());
        assertEquals(2, cli("frobnicate").code());
        assertEquals(2, cli("train", "--epochs", "many").code());
    }

    @Test
    void runtimeErrorsExitWith1AndOneClearLine() {
        Run r = cli("train", "--epochs", "0", "--data-dir", data.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("learnpad: error: --epochs must be >= 1, got 0"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());

        Run missing = cli("train", "--data-dir", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("y").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("apt-get install -y dataset-fashion-mnist"), missing.err());
        assertEquals(2, missing.err().split("\n").length, "one error line and the --verbose hint: " + missing.err());

        Run verbose = cli("train", "--epochs", "0", "--verbose", "--data-dir", data.toString());
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().contains("\tat "), "stack trace with --verbose: " + verbose.err());
    }
}
