package io.github.learnpad.training;

import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;

/**
 * LearnPad's one JSON set-up, for every file it writes and reads (run.json, metrics.jsonl, checkpoints, results,
 * realism reports, eval.json): the Jackson that ND4J ships (shaded), so LearnPad needs no extra dependency.
 */
public final class Json {
    /** NaN and infinities become null: JSON has no NaN. */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final ObjectMapper COMPACT = new ObjectMapper();

    private Json() {
    }

    /** Pretty-printed JSON of maps, lists, strings, numbers; non-finite doubles are written as null. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writeValueAsString(finite(value));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise to JSON: " + e.getMessage(), e);
        }
    }

    /** One-line JSON; non-finite doubles are written as null. */
    public static String line(Object value) {
        try {
            return COMPACT.writeValueAsString(finite(value));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise to JSON: " + e.getMessage(), e);
        }
    }

    /** A JSON object file as an insertion-ordered map (to add fields and write it again). */
    @SuppressWarnings("unchecked")
    public static java.util.Map<String, Object> readMap(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), java.util.LinkedHashMap.class);
    }

    public static JsonNode parse(String text) throws IOException {
        return COMPACT.readTree(text);
    }

    public static JsonNode read(Path file) throws IOException {
        return COMPACT.readTree(file.toFile());
    }

    /** A JSON number as double; null (how NaN is stored) reads back as NaN. */
    public static double number(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    @SuppressWarnings("unchecked")
    private static Object finite(Object v) {
        if (v instanceof Double && !Double.isFinite((Double) v)) {
            return null;
        }
        if (v instanceof Float && !Float.isFinite((Float) v)) {
            return null;
        }
        if (v instanceof java.util.Map) {
            java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
            ((java.util.Map<Object, Object>) v).forEach((k, x) -> out.put(k, finite(x)));
            return out;
        }
        if (v instanceof java.util.List) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            for (Object x : (java.util.List<Object>) v) {
                out.add(finite(x));
            }
            return out;
        }
        return v;
    }
}
