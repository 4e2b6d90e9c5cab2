package io.github.learnpad.training;

import io.github.learnpad.RestoresNd4jThreads;
import org.junit.jupiter.api.extension.ExtendWith;
import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.layers.PaddingMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@ExtendWith(RestoresNd4jThreads.class)
class ComparisonTest {
    @TempDir
    static Path out;
    static ComparisonResult result;
    static final List<Path> reportedRuns = new java.util.ArrayList<>();
    static final List<ComparisonResult> reportedComparisons = new java.util.ArrayList<>();

    @BeforeAll
    static void run() throws Exception {
        Threads.limit(1);
        ImageDataset train = TinyData.make("tiny-train", 64, 1, 12, 11);
        ImageDataset test = TinyData.make("tiny-test", 32, 1, 12, 12);
        result = Comparison.builder().paddings(List.of(PaddingMode.ZERO, PaddingMode.LEARNED)).seeds(List.of(1L, 2L))
                .network((p, seed) -> SmallCnn.builder().numClasses(3).inputShape(1, 12, 12).baseWidth(4)
                        .padding(p).seed(seed).build().init())
                .train(train).test(test).batchSize(16).epochs(2).outDir(out).progress(TrainingProgress.NONE)
                .reporter(new RunReporter() {
                    @Override
                    public void runFinished(List<EpochMetrics> metrics, String title, Path dir) {
                        reportedRuns.add(dir);
                    }

                    @Override
                    public void comparisonFinished(ComparisonResult r, Path dir) {
                        reportedComparisons.add(r);
                    }
                })
                .budget(java.util.Map.of("model", "small")).gallery(4, 3, 20).shiftEval(List.of(0, 3)).build().run();
    }

    @Test
    void writesResultsAndGalleryAndTellsTheReporter() throws Exception {
        for (String f : List.of("results.md", "results.json", "gallery.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        // Charts are the reporter's business (the command line's); the reporter saw every run and the comparison.
        assertEquals(List.of(result), reportedComparisons);
        assertEquals(List.of(out.resolve("runs/zero-seed1"), out.resolve("runs/learned-seed1"),
                out.resolve("runs/zero-seed2"), out.resolve("runs/learned-seed2")), reportedRuns);
        // Gallery: 3 rows of (12 + 2*4) px images, 2 columns, enlarged by 160 / 20 = 8.
        BufferedImage g = ImageIO.read(out.resolve("gallery.png").toFile());
        assertTrue(g.getWidth() >= 2 * (20 * 8 + 8) + 8, "width " + g.getWidth());
        assertEquals(28 + 16 * 2 + 3 * (20 * 8 + 8) + 8, g.getHeight()); // two title lines
        // Outputs get the usual permissions (umask), not the owner-only mode of JDK temporary files.
        Path plain = Files.createFile(out.resolve("plain-file"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out.resolve("results.md")));
        Files.delete(plain);
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| zero | 2 |") && md.contains("| learned | 2 |"), md);
    }

    @Test
    void summariesAgreeWithTheRunDirectories() throws Exception {
        JsonNode json = Json.read(out.resolve("results.json"));
        assertEquals(2, json.get("paddings").size());
        for (int i = 0; i < 2; i++) {
            PaddingSummary s = result.summaries().get(i);
            JsonNode p = json.get("paddings").get(i);
            assertEquals(s.padding().id(), p.get("padding").asText());
            double[] acc = new double[2];
            for (int k = 0; k < 2; k++) {
                long seed = k + 1;
                List<EpochMetrics> m = EpochMetrics.readAll(out.resolve("runs").resolve(s.padding().id() + "-seed"
                        + seed).resolve("metrics.jsonl"));
                assertEquals(2, m.size());
                acc[k] = m.get(1).testAccuracy();
            }
            double mean = (acc[0] + acc[1]) / 2;
            double std = Math.abs(acc[0] - acc[1]) / Math.sqrt(2);
            assertEquals(mean, p.get("accuracyMean").asDouble(), 1e-12);
            assertEquals(std, p.get("accuracyStd").asDouble(), 1e-12);
        }
        PaddingSummary zero = result.summaries().get(0);
        PaddingSummary learned = result.summaries().get(1);
        // LEARNED adds per-side predictors: (C*k*w + C) per side, 4 sides, at 4 padding layers (C = 1, 4, 4, 8).
        long extra = 0;
        for (int c : new int[]{1, 4, 4, 8}) {
            extra += 4L * (c * 2 * 3 + c);
        }
        assertEquals(zero.numParams() + extra, learned.numParams());
        // The learned runs record each module's local loss every epoch; the zero runs have none.
        EpochMetrics lm = learned.runs().get(0).last();
        assertEquals(4, lm.localLosses().size());
        lm.localLosses().values().forEach(v -> assertTrue(Double.isFinite(v) && v >= 0));
        assertTrue(zero.runs().get(0).last().localLosses().isEmpty());
    }

    @Test
    void reportsThePairedDifferenceToTheBaseline() throws Exception {
        JsonNode json = Json.read(out.resolve("results.json"));
        assertEquals("zero", json.get("budget").get("baseline").asText());
        assertTrue(json.get("paddings").get(0).get("pairedDifference").isNull());
        JsonNode d = json.get("paddings").get(1).get("pairedDifference");
        double[] zero = result.summaries().get(0).finalAccuracies();
        double[] learned = result.summaries().get(1).finalAccuracies();
        io.github.learnpad.stats.PairedDifference expected = io.github.learnpad.stats.PairedDifference.ofDifferences(
                new double[]{learned[0] - zero[0], learned[1] - zero[1]});
        assertEquals("zero", d.get("baseline").asText());
        assertEquals(2, d.get("seeds").asInt());
        assertEquals(expected.mean(), d.get("mean").asDouble(), 0);
        assertEquals(expected.ciLow(), Json.number(d.get("ciLow")), 0);
        assertEquals(expected.ciHigh(), Json.number(d.get("ciHigh")), 0);
        assertEquals(expected.pValue(), Json.number(d.get("pValue")), 0);
        assertEquals(expected.detectable(), Json.number(d.get("detectable")), 0);
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("Δ vs zero (95% CI)"), md);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "%+.4f [", expected.mean())), md);
        assertTrue(md.contains("- learned − zero: "), md);
    }

    @Test
    void evaluatesEveryRunUnderBorderShift() throws Exception {
        assertEquals(1, reportedComparisons.size(), "the reporter (the command line's charts) gets the shift results");
        assertEquals(List.of(0, 3), reportedComparisons.get(0).shifts());
        JsonNode json = Json.read(out.resolve("results.json"));
        assertEquals("[0,3]", json.get("budget").get("shiftEval").toString());
        for (int i = 0; i < 2; i++) {
            String id = result.summaries().get(i).padding().id();
            JsonNode se = json.get("paddings").get(i).get("shiftEval");
            assertEquals(2, se.size());
            for (int k = 0; k < 2; k++) {
                long seed = k + 1;
                JsonNode run = Json.read(out.resolve("runs").resolve(id + "-seed" + seed).resolve("shift.json"));
                // Shift 0 is the plain test set: the same accuracy as the run's last epoch.
                assertEquals(result.summaries().get(i).finalAccuracies()[k],
                        run.get("shifts").get(0).get("meanAccuracy").asDouble(), 0);
                assertEquals(run.get("shifts").get(1).get("meanAccuracy").asDouble(),
                        se.get(1).get("perSeed").get(k).asDouble(), 0);
            }
        }
        JsonNode d = json.get("paddings").get(1).get("shiftEval").get(1).get("pairedDifference");
        assertEquals(PaddingSummary.mean(result.shiftAccuracies("learned", 3))
                - PaddingSummary.mean(result.shiftAccuracies("zero", 3)), d.get("mean").asDouble(), 1e-12);
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("## Accuracy under border shift") && md.contains("| padding | shift 0 | shift 3 |"), md);
    }

    @Test
    void refusesABaselineThatIsNotCompared() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Comparison.builder()
                .paddings(List.of(PaddingMode.ZERO, PaddingMode.LEARNED)).baseline("reflect")
                .network((p, seed) -> null).train(TinyData.make("a", 4, 1, 8, 1)).test(TinyData.make("b", 4, 1, 8, 2))
                .outDir(out.resolve("never")).build());
        assertTrue(e.getMessage().contains("reflect") && e.getMessage().contains("[zero, learned]"), e.getMessage());
    }
}
