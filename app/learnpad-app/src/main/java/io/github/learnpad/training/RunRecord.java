package io.github.learnpad.training;

import io.github.learnpad.robustness.ShiftReport;
import org.nd4j.shade.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed result of one finished run of a study (one padding, one seed): small enough to commit, complete
 * enough to rebuild the study's report without the run's model or checkpoints.
 * <pre>
 * {"format": 1, "padding": "learned", "seed": 3, "status": "finished" | "diverged",
 *  "budget": {...the options every run of the study shares...},
 *  "fingerprint": {"sources": "...", "sourceFiles": 74, "probe": "..."},
 *  "provenance": {"commit": "...", "uncommittedChanges": false, "cpu": "...", "cores": 2, "jvm": "...", "os": "..."},
 *  "finishedAt": "2026-12-07T01:02:03Z", "resumedFromEpoch": 0, "parameters": 254526,
 *  "epochs": [{"epoch": 1, "trainLoss": ..., "testLoss": ..., "testAccuracy": ..., "seconds": ..., "localLosses": {...}}, ...],
 *  "shiftEval": [{"fill": "replicate", "testImages": 10000, "shifts": [0, 4, 8],
 *                 "correct": {"0": BASE64, "4/left": BASE64, ...}}, ...]}
 * </pre>
 * {@code correct} holds, per shift and direction, which test images the run classified correctly (a base64 bit set,
 * bit i = image i): a report against any other baseline, paired per seed or per image, needs nothing else.
 * "diverged": some epoch's training or test loss was not finite; the run is kept and reported, not dropped.
 */
public final class RunRecord {
    /** The file format's version. */
    public static final int FORMAT = 1;

    private final String padding;
    private final long seed;
    private final Map<String, Object> budget;
    private final TrainingFingerprint fingerprint;
    private final Map<String, Object> provenance;
    private final String finishedAt;
    private final int resumedFromEpoch;
    private final TrainingResult result;
    private final List<ShiftReport> shifts;

    public RunRecord(String padding, long seed, Map<String, Object> budget, TrainingFingerprint fingerprint,
            Map<String, Object> provenance, String finishedAt, int resumedFromEpoch, TrainingResult result,
            List<ShiftReport> shifts) {
        this.padding = padding;
        this.seed = seed;
        this.budget = new LinkedHashMap<>(budget);
        this.fingerprint = fingerprint;
        this.provenance = new LinkedHashMap<>(provenance);
        this.finishedAt = finishedAt;
        this.resumedFromEpoch = resumedFromEpoch;
        this.result = result;
        this.shifts = List.copyOf(shifts);
    }

    public String padding() { return padding; }
    public long seed() { return seed; }
    /** The options every run of the study shares (model, data, epochs, batch, learning rate, shifts, ...). */
    public Map<String, Object> budget() { return budget; }
    public TrainingFingerprint fingerprint() { return fingerprint; }
    /** Commit, CPU, JVM, OS of the machine that finished the run. */
    public Map<String, Object> provenance() { return provenance; }
    public String finishedAt() { return finishedAt; }
    /** Metrics per epoch and the parameter count (no network). */
    public TrainingResult result() { return result; }
    /** The border-shift evaluations, one per fill. */
    public List<ShiftReport> shifts() { return shifts; }

    /** True if any epoch's training or test loss is not finite. */
    public boolean diverged() {
        return result.metrics().stream().anyMatch(m -> !Double.isFinite(m.trainLoss()) || !Double.isFinite(m.testLoss()));
    }

    /** The shift evaluation with this fill, or null. */
    public ShiftReport shift(String fill) {
        return shifts.stream().filter(s -> s.fill().equals(fill)).findFirst().orElse(null);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("padding", padding);
        m.put("seed", seed);
        m.put("status", diverged() ? "diverged" : "finished");
        m.put("budget", budget);
        m.put("fingerprint", fingerprint.toMap());
        m.put("provenance", provenance);
        m.put("finishedAt", finishedAt);
        m.put("resumedFromEpoch", resumedFromEpoch);
        m.put("parameters", result.numParams());
        m.put("trainSeconds", result.trainSeconds());
        List<Object> epochs = new ArrayList<>();
        result.metrics().forEach(e -> epochs.add(e.toMap()));
        m.put("epochs", epochs);
        List<Object> sh = new ArrayList<>();
        for (ShiftReport r : shifts) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("fill", r.fill());
            one.put("testImages", r.testImages());
            one.put("shifts", r.shifts());
            Map<String, Object> acc = new LinkedHashMap<>();
            r.shifts().forEach(s -> acc.put(Integer.toString(s), r.meanAccuracy(s)));
            one.put("meanAccuracy", acc);
            one.put("correct", r.encodedCorrectness());
            sh.add(one);
        }
        m.put("shiftEval", sh);
        return m;
    }

    /**
     * Reads a record.
     *
     * @throws IOException naming the file if it is not a complete record of this format
     */
    @SuppressWarnings("unchecked")
    public static RunRecord read(Path file) throws IOException {
        try {
            JsonNode n = Json.read(file);
            if (n.path("format").asInt() != FORMAT) {
                throw new IOException("format " + n.path("format") + ", expected " + FORMAT);
            }
            List<EpochMetrics> epochs = new ArrayList<>();
            for (JsonNode e : n.get("epochs")) {
                epochs.add(EpochMetrics.fromJson(e));
            }
            List<ShiftReport> shifts = new ArrayList<>();
            for (JsonNode s : n.get("shiftEval")) {
                List<Integer> sh = new ArrayList<>();
                s.get("shifts").forEach(x -> sh.add(x.asInt()));
                Map<String, String> bits = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = s.get("correct").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    bits.put(e.getKey(), e.getValue().asText());
                }
                shifts.add(ShiftReport.decode(s.get("fill").asText(), sh, s.get("testImages").asInt(), bits));
            }
            Map<String, Object> all = Json.readMap(file);
            return new RunRecord(n.get("padding").asText(), n.get("seed").asLong(),
                    (Map<String, Object>) all.get("budget"), TrainingFingerprint.fromJson(n.get("fingerprint")),
                    (Map<String, Object>) all.get("provenance"), n.path("finishedAt").asText(),
                    n.path("resumedFromEpoch").asInt(),
                    TrainingResult.recorded(epochs, n.get("parameters").asLong()), shifts);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a complete run record: " + e.getMessage(), e);
        }
    }
}
