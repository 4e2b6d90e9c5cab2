package io.github.learnpad.training;

import org.nd4j.shade.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one training epoch measured; one line of {@code metrics.jsonl}:
 * <pre>{"epoch":1,"trainLoss":0.91,"testLoss":0.72,"testAccuracy":0.74,"seconds":12.3,
 *  "localLosses":{"pad1":0.0123,...}}</pre>
 * {@code trainLoss} is the mean minibatch score (loss plus regularisation) over the epoch's iterations;
 * {@code testLoss} the mean cross-entropy over the test set; {@code localLosses} each Padding Module's mean local
 * loss over the epoch's iterations, by layer name (empty without Padding Modules; null in JSON when undefined).
 */
public final class EpochMetrics {
    private final int epoch;
    private final double trainLoss;
    private final double testLoss;
    private final double testAccuracy;
    private final double seconds;
    private final Map<String, Double> localLosses;

    public EpochMetrics(int epoch, double trainLoss, double testLoss, double testAccuracy, double seconds,
            Map<String, Double> localLosses) {
        this.epoch = epoch;
        this.trainLoss = trainLoss;
        this.testLoss = testLoss;
        this.testAccuracy = testAccuracy;
        this.seconds = seconds;
        this.localLosses = Collections.unmodifiableMap(new LinkedHashMap<>(localLosses));
    }

    public int epoch() { return epoch; }
    public double trainLoss() { return trainLoss; }
    public double testLoss() { return testLoss; }
    public double testAccuracy() { return testAccuracy; }
    /** Wall-clock seconds of the epoch's training (not evaluation). */
    public double seconds() { return seconds; }
    /** Mean local loss over the epoch per Padding Module, in network order. */
    public Map<String, Double> localLosses() { return localLosses; }

    /** Mean of {@link #localLosses()} over the modules; NaN without modules. */
    public double meanLocalLoss() {
        return localLosses.values().stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
    }

    /** True if everything except {@link #seconds()} is equal (bit for bit): the reproducibility criterion. */
    public boolean sameResultAs(EpochMetrics o) {
        return epoch == o.epoch && Double.compare(trainLoss, o.trainLoss) == 0
                && Double.compare(testLoss, o.testLoss) == 0 && Double.compare(testAccuracy, o.testAccuracy) == 0
                && localLosses.equals(o.localLosses);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("trainLoss", trainLoss);
        m.put("testLoss", testLoss);
        m.put("testAccuracy", testAccuracy);
        m.put("seconds", seconds);
        m.put("localLosses", new LinkedHashMap<>(localLosses));
        return m;
    }

    /** One line of metrics.jsonl. */
    public String toJsonLine() {
        return Json.line(toMap());
    }

    static EpochMetrics fromJson(JsonNode n) {
        Map<String, Double> local = new LinkedHashMap<>();
        JsonNode l = n.get("localLosses");
        if (l != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                local.put(e.getKey(), Json.number(e.getValue()));
            }
        }
        return new EpochMetrics(n.get("epoch").asInt(), Json.number(n.get("trainLoss")),
                Json.number(n.get("testLoss")), Json.number(n.get("testAccuracy")), Json.number(n.get("seconds")),
                local);
    }

    /** Parses one line of metrics.jsonl. */
    public static EpochMetrics parse(String jsonLine) {
        try {
            return fromJson(Json.parse(jsonLine));
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a metrics line: " + jsonLine, e);
        }
    }

    /** Reads a metrics.jsonl file. */
    public static java.util.List<EpochMetrics> readAll(java.nio.file.Path file) throws java.io.IOException {
        java.util.List<EpochMetrics> out = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(parse(line));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return toJsonLine();
    }
}
