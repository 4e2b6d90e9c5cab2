package io.github.learnpad.training;

import org.nd4j.shade.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A run directory's {@code run.json}: what a {@link Trainer} run was (its {@code runInfo}: model, padding, seed, data,
 * input shape, ...). {@link Trainer} writes it when a run starts; readers such as {@code learnpad eval} read it here.
 */
public final class RunMetadata {
    /** The file's name in a run directory. */
    public static final String FILE = "run.json";

    private RunMetadata() {
    }

    /** Writes {@code info} as {@code dir/run.json} (atomically; non-finite numbers become null). */
    public static void write(Path dir, Map<String, ?> info) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve(FILE), Json.pretty(info) + "\n");
    }

    /** The run.json of {@code dir}, if there is one. */
    public static Optional<JsonNode> read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        return Files.exists(f) ? Optional.of(Json.read(f)) : Optional.empty();
    }

    /**
     * The {@code (C, H, W)} the run's network was trained on ({@code "inputShape"}), if run.json records it.
     */
    public static Optional<int[]> inputShape(Path dir) throws IOException {
        Optional<JsonNode> r = read(dir);
        if (r.isEmpty()) {
            return Optional.empty();
        }
        JsonNode s = r.get().get("inputShape");
        return s == null || s.size() != 3 ? Optional.empty()
                : Optional.of(new int[]{s.get(0).asInt(), s.get(1).asInt(), s.get(2).asInt()});
    }
}
