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

    @Test
    void secondEditionPresetsAreResumableAndNameTheirPrimaryComparisons() {
        LearnPadCliTest.Run r = LearnPadCliTest.cli("study", "--preset", "fashion-plateau", "--print");
        assertEquals(0, r.code(), r.err());
        String line = r.out().trim();
        assertTrue(line.contains("--baseline zero,replicate") && line.contains("--resume"), line);
        assertTrue(line.contains("--results ") && line.contains("study2-fashion"), line);
        assertTrue(line.contains("--primary learned:zero@0,learned-mixing:zero@0,learned:replicate@0,"
                + "learned-mixing:replicate@0,learned:zero@8,learned-mixing:zero@8,learned:replicate@8,"
                + "learned-mixing:replicate@8"), line);
        LearnPadCliTest.Run photos = LearnPadCliTest.cli("study", "--preset", "fashion-on-photos", "--print");
        assertTrue(photos.out().contains("--dataset fashion-on-photos --channels rgb"), photos.out());
        LearnPadCliTest.Run pilot = LearnPadCliTest.cli("study", "--preset", "pilot-fashion", "--print", "--epochs",
                "16", "--results", "docs/results/pilot-fashion-e16");
        String p = pilot.out().trim();
        assertTrue(p.contains("--paddings zero,learned") && p.contains("--seeds 1,2") && !p.contains("--primary"), p);
        assertTrue(p.endsWith("--epochs 16 --results docs/results/pilot-fashion-e16"), p);
        assertTrue(!p.contains("--epochs 8"), p);
    }

    @Test
    void resultsAreRecordedSkippedWhenRunAgainAndReportedFromTheRecordsAlone() throws Exception {
        Path out = tmp.resolve("rec-out");
        Path results = tmp.resolve("rec-results");
        String[] args = {"compare", "--model", "small", "--dataset", "fashion-mnist", "--data-dir", data.toString(),
                "--paddings", "zero,replicate,learned", "--baseline", "zero,replicate", "--seeds", "1,2",
                "--epochs", "2", "--batch", "16", "--shift-eval", "0,4", "--primary",
                "learned:zero@0,learned:replicate@0,learned:zero@4,learned:replicate@4", "--results",
                results.toString(), "--out", out.toString(), "--progress", "lines", "--gallery-pad", "0",
                "--threads", "1"};
        LearnPadCliTest.Run r = LearnPadCliTest.cli(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("training code fingerprint"), r.err());
        for (String run : List.of("zero-seed1", "replicate-seed2", "learned-seed2")) {
            JsonNode rec = new ObjectMapper().readTree(results.resolve("runs/" + run + ".json").toFile());
            assertEquals("finished", rec.get("status").asText());
            assertTrue(rec.get("provenance").get("commit").asText().matches("[0-9a-f]{40}|unknown"), rec.toString());
            assertTrue(rec.get("provenance").get("cpu").asText().length() > 0);
            assertEquals(64, rec.get("fingerprint").get("probe").asText().length());
            assertEquals(2, rec.get("epochs").size());
            assertEquals("replicate", rec.get("shiftEval").get(0).get("fill").asText());
            assertEquals("black", rec.get("shiftEval").get(1).get("fill").asText());
        }
        assertTrue(r.out().contains("Holm-corrected over 4"), r.out());
        String md = Files.readString(results.resolve("results.md"));
        assertTrue(Files.size(out.resolve("shift-accuracy-black.png")) > 0);

        // Recording changes nothing in the runs (the fingerprint's probe trains other networks first): the same
        // command without --results gives the same accuracies, bit for bit.
        java.util.List<String> plain = new java.util.ArrayList<>(List.of(args));
        int k = plain.indexOf("--results");
        plain.subList(k, k + 2).clear();
        plain.set(plain.indexOf("--out") + 1, tmp.resolve("rec-plain").toString());
        LearnPadCliTest.Run p = LearnPadCliTest.cli(plain.toArray(new String[0]));
        assertEquals(0, p.code(), p.err());
        JsonNode a = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("paddings");
        JsonNode b = new ObjectMapper().readTree(tmp.resolve("rec-plain/results.json").toFile()).get("paddings");
        for (int i = 0; i < 3; i++) {
            for (int s = 0; s < 2; s++) {
                assertEquals(a.get(i).get("runs").get(s).get("testAccuracy").asDouble(),
                        b.get(i).get("runs").get(s).get("testAccuracy").asDouble(), 0, i + "/" + s);
                assertEquals(a.get(i).get("runs").get(s).get("testLoss").asDouble(),
                        b.get(i).get("runs").get(s).get("testLoss").asDouble(), 0, i + "/" + s);
            }
        }

        // Run again: nothing is trained, every run is read back.
        LearnPadCliTest.Run again = LearnPadCliTest.cli(args);
        assertEquals(0, again.code(), again.err());
        assertEquals(6, again.err().split("skipped", -1).length - 1, again.err());
        assertTrue(!again.err().contains("epoch 1/2"), again.err());

        // The report from the records alone (another directory), the same numbers.
        Path report = tmp.resolve("rec-report");
        LearnPadCliTest.Run from = LearnPadCliTest.cli("compare", "--from", results.toString(), "--paddings",
                "zero,replicate,learned", "--baseline", "zero,replicate", "--primary",
                "learned:zero@0,learned:replicate@0,learned:zero@4,learned:replicate@4", "--out", report.toString());
        assertEquals(0, from.code(), from.err());
        String rebuilt = Files.readString(report.resolve("results.md"));
        // every table (main, verdicts, primary comparisons, both fills' shift tables) is the same, digit for digit
        assertEquals(md.substring(md.indexOf("| padding |"), md.indexOf("Per seed")),
                rebuilt.substring(rebuilt.indexOf("| padding |"), rebuilt.indexOf("Per seed")));
        assertTrue(Files.size(report.resolve("accuracy.png")) > 0);
        assertTrue(rebuilt.contains("Where the runs came from"), rebuilt);

        // study --report: the preset's report from a results directory
        LearnPadCliTest.Run rep = LearnPadCliTest.cli("study", "--preset", "fashion-plateau", "--report",
                "--results", results.toString(), "--paddings", "zero,replicate,learned", "--primary",
                "learned:zero@0,learned:replicate@0", "--out", tmp.resolve("rec-report2").toString());
        assertEquals(0, rep.code(), rep.err());
        assertTrue(rep.out().contains("Holm-corrected over 2"), rep.out());

        // A command comparing fewer paddings (a pilot's zero and learned) with the same options shares the
        // fingerprint: its runs are found in the same records, not refused as other training code.
        java.util.List<String> pilot = new java.util.ArrayList<>(List.of(args));
        pilot.set(pilot.indexOf("--paddings") + 1, "zero,learned");
        pilot.set(pilot.indexOf("--baseline") + 1, "zero");
        pilot.set(pilot.indexOf("--primary") + 1, "learned:zero@0");
        pilot.set(pilot.indexOf("--out") + 1, tmp.resolve("rec-pilot").toString());
        LearnPadCliTest.Run pr = LearnPadCliTest.cli(pilot.toArray(new String[0]));
        assertEquals(0, pr.code(), pr.err());
        assertEquals(4, pr.err().split("skipped", -1).length - 1, pr.err());

        LearnPadCliTest.Run empty = LearnPadCliTest.cli("compare", "--from", tmp.resolve("nothing").toString());
        assertEquals(1, empty.code());
        assertTrue(empty.err().contains("no run records"), empty.err());
    }
}
