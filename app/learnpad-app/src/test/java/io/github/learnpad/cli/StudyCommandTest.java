package io.github.learnpad.cli;

import io.github.learnpad.training.Threads;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A smoke run of the study protocol (docs/results.md) at a tiny scale on generated Fashion-MNIST-format data: the
 * preset's command line with fewer images, epochs and seeds; then {@code robustness} on two of its runs.
 */
class StudyCommandTest {
    @TempDir
    static Path tmp;
    static Path data;

    @BeforeAll
    static void data() throws Exception {
        Threads.limit(1);
        data = tmp.resolve("fmnist");
        Files.createDirectories(data);
        LearnPadCliTest.writeIdx(data, "train", 40, 5);
        LearnPadCliTest.writeIdx(data, "t10k", 24, 6);
    }

    @Test
    void printShowsThePresetWithOverrides() {
        LearnPadCliTest.Run r = LearnPadCliTest.cli("study", "--preset", "fashion", "--print", "--seeds", "7");
        assertEquals(0, r.code(), r.err());
        String line = r.out().trim();
        assertTrue(line.startsWith("learnpad compare --model vgg16 --variant cifar --width-multiplier 0.125"), line);
        assertTrue(line.contains("--paddings zero,replicate,reflect,learned,learned-mixing"), line);
        assertTrue(line.contains("--lr-schedule cosine") && line.contains("--shift-eval 0,4,8"), line);
        assertTrue(line.endsWith("--seeds 7"), line);
        LearnPadCliTest.Run bad = LearnPadCliTest.cli("study", "--preset", "cifar");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("fashion") && bad.err().contains("photos"), bad.err());
    }

    @Test
    void smokeRunOfTheFashionProtocolThenRobustness() throws Exception {
        Path out = tmp.resolve("study");
        LearnPadCliTest.Run r = LearnPadCliTest.cli("study", "--preset", "fashion", "--data-dir", data.toString(),
                "--subset", "32", "--test-subset", "16", "--epochs", "2", "--seeds", "1,2", "--batch", "32",
                "--out", out.toString(), "--progress", "none", "--gallery-pad", "0", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode budget = json.get("budget");
        assertEquals("cosine", budget.get("lrSchedule").asText());
        assertEquals(0.002 * 0.01, budget.get("lrEnd").asDouble(), 1e-15);
        assertEquals(0.125, budget.get("widthMultiplier").asDouble());
        assertEquals("[0,4,8]", budget.get("shiftEval").toString());
        assertEquals(5, json.get("paddings").size());
        for (int i = 1; i < 5; i++) {
            JsonNode d = json.get("paddings").get(i).get("pairedDifference");
            assertEquals("zero", d.get("baseline").asText());
            assertEquals(2, d.get("seeds").asInt());
        }
        assertTrue(r.out().contains("| learned-mixing | 2 |"), r.out());
        assertTrue(Files.size(out.resolve("shift-accuracy.png")) > 0);

        Path rob = tmp.resolve("robustness");
        LearnPadCliTest.Run rr = LearnPadCliTest.cli("robustness", "--model",
                out.resolve("runs/zero-seed1") + "," + out.resolve("runs/learned-mixing-seed1"),
                "--dataset", "fashion-mnist", "--data-dir", data.toString(), "--test-subset", "16", "--shifts", "0,4",
                "--out", rob.toString());
        assertEquals(0, rr.code(), rr.err());
        JsonNode rj = new ObjectMapper().readTree(rob.resolve("robustness.json").toFile());
        assertEquals(2, rj.get("models").size());
        for (int k = 0; k < 2; k++) {
            String run = List.of("zero-seed1", "learned-mixing-seed1").get(k);
            JsonNode shiftJson = new ObjectMapper().readTree(out.resolve("runs").resolve(run).resolve("shift.json")
                    .toFile());
            // Same model, same test images, same shifts: the same accuracies as compare's evaluation.
            for (int s = 0; s < 2; s++) {
                assertEquals(shiftJson.get("shifts").get(s).get("meanAccuracy").asDouble(),
                        rj.get("models").get(k).get("shifts").get(s).get("meanAccuracy").asDouble(), 0, run);
            }
        }
        assertEquals("zero-seed1", rj.get("models").get(1).get("pairedDifferenceTo").asText());
        assertTrue(rr.out().contains("## learned-mixing-seed1 − zero-seed1"), rr.out());
        assertTrue(Files.size(rob.resolve("shift-accuracy.png")) > 0);
    }
}
