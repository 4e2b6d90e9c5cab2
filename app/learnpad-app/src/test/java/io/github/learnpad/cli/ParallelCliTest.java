package io.github.learnpad.cli;

import io.github.learnpad.training.EpochMetrics;
import io.github.learnpad.training.Threads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code learnpad train --workers N}: runs, resumes exactly, and its model evaluates on one worker. */
class ParallelCliTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void fakeFashionMnist() throws IOException {
        Threads.limit(1);
        data = tmp.resolve("fmnist");
        Files.createDirectories(data);
        LearnPadCliTest.writeIdx(data, "train", 64, 5);
        LearnPadCliTest.writeIdx(data, "t10k", 24, 6);
    }

    private static LearnPadCliTest.Run train(Path out, int epochs, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--padding", "learned", "--data-dir", data.toString(),
                "--epochs", String.valueOf(epochs), "--batch", "16", "--seed", "3", "--out", out.toString(),
                "--progress", "none", "--workers", "2", "--averaging-frequency", "2"));
        args.addAll(List.of(more));
        return LearnPadCliTest.cli(args.toArray(new String[0]));
    }

    @Test
    void trainWithTwoWorkersResumesExactlyAndEvaluatesOnOne() throws Exception {
        Path whole = tmp.resolve("whole");
        LearnPadCliTest.Run r = train(whole, 2);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("final test accuracy"), r.out());
        assertTrue(Files.readString(whole.resolve("run.json")).contains("\"workers\" : 2"),
                Files.readString(whole.resolve("run.json")));

        Path parts = tmp.resolve("parts");
        assertEquals(0, train(parts, 1).code());
        LearnPadCliTest.Run resumed = train(parts, 2, "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        List<EpochMetrics> a = EpochMetrics.readAll(whole.resolve("metrics.jsonl"));
        List<EpochMetrics> b = EpochMetrics.readAll(parts.resolve("metrics.jsonl"));
        assertEquals(2, b.size());
        for (int e = 0; e < 2; e++) {
            assertTrue(a.get(e).sameResultAs(b.get(e)), a.get(e).toJsonLine() + " vs " + b.get(e).toJsonLine());
        }

        LearnPadCliTest.Run ev = LearnPadCliTest.cli("eval", "--model", whole.toString(), "--dataset",
                "fashion-mnist", "--data-dir", data.toString());
        assertEquals(0, ev.code(), ev.err());
        assertTrue(Files.readString(whole.resolve("eval.json")).contains(String.valueOf(a.get(1).testAccuracy())));
    }

    @Test
    void badWorkerOptionsAreRefused() {
        LearnPadCliTest.Run r = LearnPadCliTest.cli("train", "--workers", "0", "--data-dir", data.toString(),
                "--out", tmp.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--workers must be >= 1"), r.err());
        LearnPadCliTest.Run m = LearnPadCliTest.cli("train", "--workers", "2", "--parallel-mode", "gossip",
                "--data-dir", data.toString(), "--out", tmp.resolve("y").toString());
        assertEquals(2, m.code());
        assertTrue(m.err().contains("use averaging or shared-gradients"), m.err());
    }
}
