package io.github.learnpad.bench;

import io.github.learnpad.layers.PaddingVariant;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profile records real samples of training steps and puts the convolutions' and the padding's where they belong. */
class StepProfileTest {

    @Test
    void recordsAndBucketsTrainingSteps(@TempDir Path dir) throws Exception {
        PeerBenchmark.Model m = PeerBenchmark.Model.SMALLCNN;
        ComputationGraph net = m.build(PaddingVariant.LEARNED);
        Path jfr = dir.resolve("steps.jfr");
        StepProfile.Recorded r = StepProfile.record(net, StepProfile.randomBatch(16, m.channels, m.size), 1, 6, 1, jfr);
        assertTrue(Files.size(jfr) > 0);
        assertEquals(6, r.stepMs().length);
        StepProfile.Summary s = StepProfile.summarise(jfr, Thread.currentThread().getName());
        assertTrue(s.mainTotal() > 10, "samples of the training thread: " + s.mainTotal());
        assertTrue(s.main().get("convolution") > 0, "convolution samples: " + s.main());
        assertTrue(s.main().get("padding") + s.others().get("padding") > 0, "padding samples: " + s.main());
        assertEquals(0L, s.main().get("evaluation"), "no test pass was run");
        String table = StepProfile.table(s, 10.0);
        assertTrue(table.contains("| convolution |") && table.contains("| total | 100% | 10.0 |"), table);
    }
}
