package io.github.learnpad.cli;

import io.github.learnpad.RestoresNd4jThreads;
import io.github.learnpad.data.DataLocations;
import io.github.learnpad.training.EpochMetrics;
import io.github.learnpad.training.Threads;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CLI on the real Fashion-MNIST (skipped when the Debian package dataset-fashion-mnist is not installed), and on
 * the sample inside the application (always).
 */
@ExtendWith(RestoresNd4jThreads.class)
class FashionMnistCliTest {
    @TempDir
    Path tmp;

    @Test
    void trainsOnASubsetOfTheRealData() throws Exception {
        Assumptions.assumeTrue(Files.exists(DataLocations.DEBIAN_FASHION_MNIST.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): skipping");
        Threads.limit(1);
        Path out = tmp.resolve("fm");
        LearnPadCliTest.Run r = LearnPadCliTest.cli("train", "--padding", "reflect", "--subset", "128",
                "--test-subset", "64", "--epochs", "1", "--batch", "32", "--out", out.toString(), "--progress", "none");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("128 fashion-mnist-train images"), r.err());
        List<EpochMetrics> m = EpochMetrics.readAll(out.resolve("metrics.jsonl"));
        assertEquals(1, m.size());
        assertTrue(Double.isFinite(m.get(0).testLoss()));
    }

    @Test
    void trainsOnTheSampleInsideTheApplication() throws Exception {
        Threads.limit(1);
        Path out = tmp.resolve("sample");
        LearnPadCliTest.Run r = LearnPadCliTest.cli("train", "--dataset", "fashion-mnist-sample", "--padding", "learned",
                "--subset", "128", "--test-subset", "64", "--epochs", "1", "--batch", "32", "--out", out.toString(),
                "--progress", "none");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("128 fashion-mnist-train images"), r.err());
        List<EpochMetrics> m = EpochMetrics.readAll(out.resolve("metrics.jsonl"));
        assertEquals(1, m.size());
        assertTrue(Double.isFinite(m.get(0).testLoss()));
    }
}
