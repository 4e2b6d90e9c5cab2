package io.github.learnpad.training;

import io.github.learnpad.RestoresNd4jThreads;
import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.data.ShiftedRendering;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.robustness.BorderShift.Direction;
import io.github.learnpad.robustness.ShiftReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Results that outlive a session: a comparison that records its runs, a second comparison that skips them (its
 * network factory would fail if asked), the report rebuilt from the records alone, and the guards (write once, one
 * budget, one training code).
 */
@ExtendWith(RestoresNd4jThreads.class)
class RunRecordsTest {
    @TempDir
    static Path tmp;
    static ImageDataset train;
    static ImageDataset test;
    static ComparisonResult first;
    static final TrainingFingerprint FP = new TrainingFingerprint("a".repeat(64), 3, "b".repeat(64));
    static final Map<String, Object> PROVENANCE = Map.of("commit", "0123abc", "cpu", "test cpu", "jvm", "test jvm");
    static final List<PrimaryComparison> PRIMARY = List.of(PrimaryComparison.parse("learned:zero@0"),
            PrimaryComparison.parse("learned:replicate@0"), PrimaryComparison.parse("learned:zero@3"),
            PrimaryComparison.parse("learned:replicate@3/replicate"));

    static Comparison.Builder comparison(Path out, Comparison.NetworkFactory network) {
        return Comparison.builder().paddings(List.of(PaddingMode.ZERO, PaddingMode.REPLICATE, PaddingMode.LEARNED))
                .seeds(List.of(1L, 2L)).baselines(List.of("zero", "replicate")).primaries(PRIMARY)
                .network(network).train(train).test(test).batchSize(16).epochs(2).outDir(out)
                .progress(TrainingProgress.NONE).budget(Map.of("model", "small")).gallery(4, 0, 0)
                .shiftEval(List.of(0, 3));
    }

    static Comparison.NetworkFactory network() {
        return (p, seed) -> SmallCnn.builder().numClasses(3).inputShape(1, 12, 12).baseWidth(4).padding(p).seed(seed)
                .build().init();
    }

    @BeforeAll
    static void run() throws Exception {
        Threads.limit(1);
        train = TinyData.make("tiny-train", 64, 1, 12, 11);
        ImageDataset t = TinyData.make("tiny-test", 32, 1, 12, 12);
        test = t.withNaturalShift(ShiftedRendering.constant("black", t.features(), 0));
        first = comparison(tmp.resolve("out1"), network())
                .records(new RunRecords(tmp.resolve("results")), FP, PROVENANCE, false).build().run();
    }

    @Test
    void everyFinishedRunIsRecordedWithItsMetricsShiftsAndProvenance() throws Exception {
        RunRecords records = new RunRecords(tmp.resolve("results"));
        assertEquals(6, records.all().size());
        RunRecord r = records.find("learned", 2).orElseThrow();
        PaddingSummary s = first.summary("learned");
        List<EpochMetrics> trained = s.runs().get(1).metrics();
        assertEquals(2, r.result().metrics().size());
        for (int e = 0; e < 2; e++) {
            assertTrue(trained.get(e).sameResultAs(r.result().metrics().get(e)), "epoch " + (e + 1));
            assertEquals(trained.get(e).seconds(), r.result().metrics().get(e).seconds(), 0);
        }
        assertEquals(s.numParams(), r.result().numParams());
        assertEquals(List.of("replicate", "black"), r.shifts().stream().map(ShiftReport::fill).toList());
        ShiftReport live = first.shiftReports("black", "learned").get(1);
        for (Direction d : Direction.values()) {
            assertArrayEquals(live.correct(3, d), r.shift("black").correct(3, d), d.id());
        }
        assertEquals("0123abc", r.provenance().get("commit"));
        assertTrue(r.fingerprint().sameAs(FP));
        assertEquals(null, r.budget().get("baseline"), "the baseline is how a report is read, not a run's option");
        assertEquals(64, ((Number) r.budget().get("trainImages")).intValue());
    }

    @Test
    void recordedRunsAreSkippedAndTheReportIsRebuiltFromTheRecordsAlone() throws Exception {
        // A second session with a network factory that must not be called: every run is read back.
        ComparisonResult again = comparison(tmp.resolve("out2"), (p, seed) -> {
            throw new AssertionError("recorded run " + p.id() + " seed " + seed + " was trained again");
        }).records(new RunRecords(tmp.resolve("results")), FP, PROVENANCE, false).build().run();
        ComparisonResult rebuilt = ComparisonResult.fromRecords(new RunRecords(tmp.resolve("results")).all(),
                List.of("zero", "replicate", "learned"), List.of("zero", "replicate"), PRIMARY);
        for (ComparisonResult c : List.of(again, rebuilt)) {
            for (String id : List.of("zero", "replicate", "learned")) {
                assertArrayEquals(first.summary(id).finalAccuracies(), c.summary(id).finalAccuracies(), 0, id);
                for (String fill : List.of("replicate", "black")) {
                    assertArrayEquals(first.shiftAccuracies(fill, id, 3), c.shiftAccuracies(fill, id, 3), 0, id);
                }
            }
            assertArrayEquals(first.holmAdjusted(), c.holmAdjusted(), 0);
        }
        String md = rebuilt.markdown();
        assertTrue(md.contains("Δ vs zero (95% CI)") && md.contains("Δ vs replicate (95% CI)"), md);
        assertTrue(md.contains("## Primary comparisons (named before the runs; Holm-corrected over 4)"), md);
        assertTrue(md.contains("| learned − replicate | 3 (replicate) |"), md);
        assertTrue(md.contains("| learned − zero | 3 (black) |"), md);
        assertTrue(md.contains("fill: black") && md.contains("fill: replicate"), md);
        assertTrue(md.contains("commit 0123abc"), md);
    }

    @Test
    void aRecordIsNeverReplaced() throws Exception {
        RunRecords records = new RunRecords(tmp.resolve("results"));
        Path f = records.file("zero", 1);
        byte[] before = Files.readAllBytes(f);
        RunRecord good = records.find("zero", 1).orElseThrow();
        // a worse result for the same run (e.g. from a broken re-run) must not replace the committed one
        List<EpochMetrics> worse = List.of(new EpochMetrics(1, Double.NaN, Double.NaN, 0.1, 1, Map.of()));
        RunRecord bad = new RunRecord("zero", 1, good.budget(), FP, PROVENANCE, "now", 0,
                TrainingResult.recorded(worse, 1), List.of());
        assertTrue(bad.diverged());
        assertThrows(FileAlreadyExistsException.class, () -> records.write(bad));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(6, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void refusesOtherOptionsAndOtherTrainingCode() throws Exception {
        RunRecords records = new RunRecords(tmp.resolve("results"));
        Map<String, Object> budget = new LinkedHashMap<>(records.find("zero", 1).orElseThrow().budget());
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        records.checkCompatible(budget, FP, false, quiet); // the same: fine

        Map<String, Object> moreEpochs = new LinkedHashMap<>(budget);
        moreEpochs.put("epochs", 3);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> records.checkCompatible(moreEpochs, FP, false, quiet));
        assertTrue(e.getMessage().contains("other options"), e.getMessage());

        TrainingFingerprint changed = new TrainingFingerprint("a".repeat(64), 3, "c".repeat(64));
        IllegalStateException f = assertThrows(IllegalStateException.class,
                () -> records.checkCompatible(budget, changed, false, quiet));
        assertTrue(f.getMessage().contains("--allow-mixed-fingerprints") && f.getMessage().contains("0123abc"),
                f.getMessage());
        // and the comparison itself refuses before training anything
        assertThrows(IllegalStateException.class, () -> comparison(tmp.resolve("out3"), network())
                .records(records, changed, PROVENANCE, false).build().run());

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        records.checkCompatible(budget, changed, true, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("WARNING"), log.toString(StandardCharsets.UTF_8));
    }
}
