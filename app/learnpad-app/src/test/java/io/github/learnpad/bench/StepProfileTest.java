package io.github.learnpad.bench;

import io.github.learnpad.layers.PaddingVariant;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profile records real samples of training steps and puts the convolutions' and the padding's where they belong. */
class StepProfileTest {

    @Test
    void recordsAndBucketsTrainingSteps(@TempDir Path dir) throws Exception {
        PeerBenchmark.Model m = PeerBenchmark.Model.SMALLCNN;
        ComputationGraph net = m.build(PaddingVariant.LEARNED);
        Path jfr = dir.resolve("steps.jfr");
        // The padding is a small share of SmallCnn's step (docs/benchmarks.md): enough steps that it reliably gets
        // samples at one per ms (6 steps once gave it none, which failed a CI run).
        StepProfile.Recorded r = StepProfile.record(net, StepProfile.randomBatch(16, m.channels, m.size), 1, 24, 1,
                jfr);
        assertTrue(Files.size(jfr) > 0);
        assertEquals(24, r.stepMs().length);
        StepProfile.Summary s = StepProfile.summarise(jfr, Thread.currentThread().getName());
        assertTrue(s.mainTotal() > 10, "samples of the training thread: " + s.mainTotal());
        assertTrue(s.main().get("convolution") > 0, "convolution samples: " + s.main());
        assertTrue(s.main().get("padding") + s.others().get("padding") > 0, "padding samples: " + s.main());
        assertEquals(0L, s.main().get("evaluation"), "no test pass was run");
        String table = StepProfile.table(s, 10.0);
        assertTrue(table.contains("| convolution |") && table.contains("| total | 100% | 10.0 |"), table);
    }

    @Test
    void interleavedStepsGiveEachSampleToItsSetup(@TempDir Path dir) throws Exception {
        PeerBenchmark.Model m = PeerBenchmark.Model.SMALLCNN;
        Map<String, ComputationGraph> nets = new LinkedHashMap<>();
        nets.put("replicate", m.build(PaddingVariant.parse("replicate")));
        nets.put("learned", m.build(PaddingVariant.LEARNED));
        Path jfr = dir.resolve("interleaved.jfr");
        StepProfile.RecordedSetups r = StepProfile.recordInterleaved(nets,
                StepProfile.randomBatch(16, m.channels, m.size), 1, 16, 1, jfr);
        assertEquals(List.of("replicate", "learned"), List.copyOf(r.stepMs().keySet()));
        assertEquals(16, r.stepMs().get("learned").length);
        Map<String, StepProfile.Summary> s = StepProfile.summariseBySetup(jfr, Thread.currentThread().getName());
        assertEquals(List.of("replicate", "learned"), List.copyOf(s.keySet()));
        for (StepProfile.Summary x : s.values()) {
            assertTrue(x.mainTotal() > 5, "samples of the training thread: " + x.mainTotal());
            assertTrue(x.main().get("convolution") > 0, "convolution samples: " + x.main());
        }
        // Only the learned network has Padding Modules: their Java passes are sampled in its steps, never in the
        // replicate network's (which pads with an ND4J op, no LearnPad frame on top).
        assertTrue(s.get("learned").topFrames().keySet().stream().anyMatch(f -> f.contains("PaddingModuleLayer")
                || f.contains("io.github.learnpad.layers.Float") || f.contains("io.github.learnpad.layers.")),
                "learned's frames: " + s.get("learned").topFrames().keySet());
        assertTrue(s.get("replicate").topFrames().keySet().stream().noneMatch(f -> f.contains("PaddingModule")
                || f.contains("FloatDepthwisePasses")), "replicate's frames: " + s.get("replicate").topFrames().keySet());
        String table = StepProfile.comparisonTable(s, Map.of("replicate", 10.0, "learned", 12.0));
        assertTrue(table.contains("| learned - replicate |") && table.contains("| **median step** | **10.0** | **12.0** | **+2.0** |"),
                table);
    }
}
