package io.github.learnpad.cli;

import io.github.learnpad.RestoresNd4jThreads;
import io.github.learnpad.training.EpochMetrics;
import io.github.learnpad.training.Json;
import io.github.learnpad.training.Threads;
import io.github.learnpad.ui.StatsFiles;
import io.github.learnpad.ui.StatsRecording;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code --ui} and {@code learnpad ui} as a user meets them: the command line in-process on a tiny generated dataset,
 * the pages fetched over HTTP on 127.0.0.1.
 */
@ExtendWith(RestoresNd4jThreads.class)
class LiveViewCliTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void tinyData() throws IOException {
        Threads.limit(1);
        data = tmp.resolve("fmnist");
        Files.createDirectories(data);
        LearnPadCliTest.writeIdx(data, "train", 48, 5);
        LearnPadCliTest.writeIdx(data, "t10k", 24, 6);
    }

    static List<String> trainArgs(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "small", "--padding", "learned", "--data-dir",
                data.toString(), "--epochs", "2", "--batch", "8", "--seed", "7", "--out", out.toString(),
                "--progress", "none", "--threads", "1"));
        a.addAll(Arrays.asList(extra));
        return a;
    }

    @Test
    void liveViewShowsTheSessionScoreAndLocalLossesOnLoopbackThenReopensTheFinishedRun() throws Exception {
        Path out = tmp.resolve("live");
        int port = freePort();
        Buffers b = new Buffers();
        AtomicInteger code = new AtomicInteger(-1);
        Thread cli = new Thread(() -> code.set(b.run(trainArgs(out, "--ui=" + port, "--ui-keep", "--stats-every",
                "2"))));
        cli.start();
        String base = "http://127.0.0.1:" + port;
        try {
            waitFor(() -> b.out().contains("still serving") || !cli.isAlive(), 600_000);
            assertTrue(cli.isAlive(), "exited early: " + b.out() + b.err());
            // The URL is printed once, with the port asked for and the loopback address.
            assertEquals(1, count(b.out(), "Training UI: " + base + "/train/overview"), b.out());
            assertEquals("live", get(base + "/train/sessions/current"));
            assertTrue(get(base + "/train/overview").contains("<html"), "DL4J's overview page");
            JsonNode overview = Json.parse(get(base + "/train/overview/data"));
            // 2 epochs x 6 minibatches = iterations 0..11; reports every 2nd: 2, 4, ..., 10.
            assertEquals("[2,4,6,8,10]", overview.get("scoresIter").toString(), overview.toString());
            for (JsonNode s : overview.get("scores")) {
                assertTrue(s.asDouble() > 0 && Double.isFinite(s.asDouble()), overview.toString());
            }
            // The predictors' parameters have update:parameter ratios like every other layer's.
            JsonNode ratios = overview.get("updateRatios");
            for (String p : List.of("pad1_topW", "pad1_leftW", "pad4_bottomW", "pad4_rightW", "conv1_W")) {
                assertTrue(ratios.has(p), p + " in " + ratios.fieldNames());
                assertTrue(ratios.get(p).size() == 5, p + ": one ratio per report: " + ratios.get(p));
            }
            JsonNode local = Json.parse(get(base + "/learnpad/local-loss/data"));
            assertEquals(1, local.size(), local.toString());
            assertEquals("live", local.get(0).get("session").asText());
            assertEquals("[2,4,6,8,10]", local.get(0).get("iterations").toString());
            assertEquals(List.of("pad1", "pad2", "pad3", "pad4"), fieldNames(local.get(0).get("localLosses")));
            for (JsonNode v : local.get(0).get("localLosses").get("pad1")) {
                assertTrue(v.asDouble() > 0, local.toString());
            }
            assertTrue(get(base + "/learnpad/local-loss").contains("Padding Module local losses"));
            // The same session's last local losses are those the listener of metrics.jsonl saw at iteration 10: the
            // means of metrics.jsonl are over all iterations, so only check they are of the same magnitude.
            double lastPad1 = local.get(0).get("localLosses").get("pad1").get(4).asDouble();
            double meanPad1 = EpochMetrics.readAll(out.resolve("metrics.jsonl")).get(1).localLosses().get("pad1");
            assertTrue(lastPad1 > meanPad1 / 100 && lastPad1 < meanPad1 * 100, lastPad1 + " vs " + meanPad1);
        } finally {
            cli.interrupt();
            cli.join(60_000);
        }
        assertEquals(0, code.get(), b.err());
        assertTrue(b.out().contains("Training statistics: learnpad ui " + out), b.out());
        assertThrows(IOException.class, () -> get(base + "/train/overview"), "stopped listening");

        // Reopened later: a copy is read, the run's own file is not changed.
        Path stats = out.resolve(StatsRecording.FILE);
        String before = sha256(stats);
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (UiCommand.Opened ui = UiCommand.open(List.of(out), "127.0.0.1", 0, o, o)) {
            String reopened = "http://127.0.0.1:" + ui.ui.port();
            assertEquals("[2,4,6,8,10]", Json.parse(get(reopened + "/train/overview/data")).get("scoresIter")
                    .toString());
            assertEquals(5, Json.parse(get(reopened + "/learnpad/local-loss/data")).get(0).get("iterations").size());
        }
        assertEquals(before, sha256(stats));
    }

    @Test
    void theSameSeedGivesIdenticalMetricsAndWeightsWithAndWithoutTheUi() throws Exception {
        Path plain = tmp.resolve("plain");
        Path watched = tmp.resolve("watched");
        Buffers a = new Buffers();
        assertEquals(0, a.run(trainArgs(plain)), a.err());
        Buffers b = new Buffers();
        // Every iteration reported: the listener runs its most (activations, gradients, histograms) each step.
        assertEquals(0, b.run(trainArgs(watched, "--ui=0", "--stats-every", "1")), b.err());
        assertFalse(Files.exists(plain.resolve(StatsRecording.FILE)), "no stats unless asked");
        assertTrue(Files.size(watched.resolve(StatsRecording.FILE)) > 0);
        List<EpochMetrics> m1 = EpochMetrics.readAll(plain.resolve("metrics.jsonl"));
        List<EpochMetrics> m2 = EpochMetrics.readAll(watched.resolve("metrics.jsonl"));
        assertEquals(2, m1.size());
        for (int e = 0; e < 2; e++) {
            assertEquals(m1.get(e).trainLoss(), m2.get(e).trainLoss(), "exact, epoch " + (e + 1));
            assertEquals(m1.get(e).testLoss(), m2.get(e).testLoss());
            assertEquals(m1.get(e).testAccuracy(), m2.get(e).testAccuracy());
            assertEquals(m1.get(e).localLosses(), m2.get(e).localLosses());
        }
        ComputationGraph g1 = ModelSerializer.restoreComputationGraph(plain.resolve("model.zip").toFile(), true);
        ComputationGraph g2 = ModelSerializer.restoreComputationGraph(watched.resolve("model.zip").toFile(), true);
        assertArrayEquals(g1.params().data().asFloat(), g2.params().data().asFloat(), "weights bit for bit");
        assertArrayEquals(g1.getUpdater().getStateViewArray().data().asFloat(),
                g2.getUpdater().getStateViewArray().data().asFloat(), "updater state bit for bit");
    }

    @Test
    void aComparisonHasOneSessionPerRunNamedByPaddingAndSeed() throws Exception {
        Path out = tmp.resolve("cmp");
        Buffers b = new Buffers();
        assertEquals(0, b.run(List.of("compare", "--paddings", "zero,learned", "--seeds", "1", "--data-dir",
                data.toString(), "--epochs", "1", "--batch", "8", "--subset", "16", "--out", out.toString(),
                "--progress", "none", "--gallery-pad", "0", "--stats", "--stats-every", "1")), b.err());
        assertTrue(b.out().contains("Training statistics: learnpad ui " + out), b.out());
        PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (UiCommand.Opened ui = UiCommand.open(List.of(out), "127.0.0.1", 0, o, o)) {
            String base = "http://127.0.0.1:" + ui.ui.port();
            assertEquals(List.of("learned-seed1", "zero-seed1"),
                    fieldNames(Json.parse(get(base + "/train/sessions/info"))).stream().sorted().toList());
            get(base + "/train/sessions/set/zero-seed1");
            assertEquals("zero-seed1", get(base + "/train/sessions/current"));
            // 16 images, batch 8: iterations 0 and 1, both reported at --stats-every 1 (with N > 1, DL4J skips 0).
            assertEquals("[0,1]", Json.parse(get(base + "/train/overview/data")).get("scoresIter").toString());
            JsonNode local = Json.parse(get(base + "/learnpad/local-loss/data"));
            assertEquals(1, local.size(), "zero padding has no local loss: " + local);
            assertEquals("learned-seed1", local.get(0).get("session").asText());
        }
        // study hands --ui to compare.
        Buffers s = new Buffers();
        assertEquals(0, s.run(List.of("study", "--preset", "fashion", "--print", "--ui=9001")), s.err());
        assertTrue(s.out().strip().endsWith("--ui=9001"), s.out());
    }

    @Test
    void aPortInUseIsAWarningAndTrainingGoesOnRecording() throws Exception {
        Path out = tmp.resolve("busy");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Buffers b = new Buffers();
            assertEquals(0, b.run(trainArgs(out, "--ui=" + taken.getLocalPort())), b.err());
            assertTrue(b.err().contains("learnpad: WARNING: the training UI cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": the port is in use"), b.err());
            assertTrue(b.err().contains("--ui=PORT"), b.err());
            assertFalse(b.out().contains("Training UI:"), b.out());
            assertTrue(b.out().startsWith("final test accuracy"), b.out());
            assertTrue(Files.size(out.resolve(StatsRecording.FILE)) > 0, "still recorded");
        }
    }

    @Test
    void workersWithTheUiAreRefusedClearly() {
        Buffers b = new Buffers();
        assertEquals(1, b.run(trainArgs(tmp.resolve("w"), "--workers", "2", "--stats")));
        assertTrue(b.err().startsWith("learnpad: error: --ui and --stats record one network's statistics"), b.err());
        assertTrue(b.err().contains("--workers 1"), b.err());
    }

    @Test
    void reopeningARunWithoutStatsOrWhileItIsWrittenSaysWhatToDo() throws Exception {
        Path noStats = tmp.resolve("nostats");
        Files.createDirectories(noStats);
        Buffers b = new Buffers();
        assertEquals(1, b.run(List.of("ui", noStats.toString(), "--port", "0")));
        assertTrue(b.err().contains("no stats in " + noStats) && b.err().contains("--stats"), b.err());

        // A run still training holds its stats file open, and MapDB locks it.
        Path running = tmp.resolve("running");
        Files.createDirectories(running);
        Path file = running.resolve(StatsRecording.FILE);
        FileStatsStorage writer = new FileStatsStorage(file.toFile());
        try {
            String before = sha256(file);
            assertTrue(StatsFiles.isLocked(file));
            Buffers r = new Buffers();
            assertEquals(1, r.run(List.of("ui", running.toString(), "--port", "0")));
            assertTrue(r.err().contains("is being written by a running training (the file is locked)"), r.err());
            assertEquals(before, sha256(file), "not touched");
        } finally {
            writer.close();
        }
        assertFalse(StatsFiles.isLocked(file), "the guard only fires while the file is held");
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Captures System.out/err of one CLI call; readable while it runs. */
    static final class Buffers {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        int run(List<String> args) {
            synchronized (LiveViewCliTest.class) {
                PrintStream oldOut = System.out;
                PrintStream oldErr = System.err;
                try {
                    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                    return LearnPadCli.execute(args.toArray(new String[0]));
                } finally {
                    System.setOut(oldOut);
                    System.setErr(oldErr);
                }
            }
        }

        String out() { return out.toString(StandardCharsets.UTF_8); }
        String err() { return err.toString(StandardCharsets.UTF_8); }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(30000);
        try {
            assertEquals(200, c.getResponseCode(), url);
            return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    static void waitFor(java.util.function.BooleanSupplier ok, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!ok.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < end, "timed out");
            Thread.sleep(100);
        }
    }

    static int count(String s, String sub) {
        Matcher m = Pattern.compile(Pattern.quote(sub)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> l = new ArrayList<>();
        n.fieldNames().forEachRemaining(l::add);
        return l;
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
