package io.github.learnpad.cli;

import io.github.learnpad.training.AtomicFiles;
import io.github.learnpad.training.Checkpoints;
import io.github.learnpad.training.Json;
import org.nd4j.shade.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Makes {@code learnpad demo} work every time it is typed: decides, before the demo trains, whether the runs already
 * in its output directory can be reused.
 *
 * <p>The demo writes its settings to {@code OUT/demo.json} before training. On the next call:
 * <ul>
 *     <li>same settings: the runs are continued with resume semantics, so finished runs are reused as they are and an
 *     interrupted one continues from its last checkpoint;</li>
 *     <li>other settings (an older or changed demo): the demo's run directories are deleted and it starts over;</li>
 *     <li>no {@code demo.json} but run directories (a demo of a version before demo.json, or another command's
 *     output): reused if every run's newest checkpoint records the demo's settings, otherwise refused, and nothing
 *     is deleted.</li>
 * </ul>
 */
final class DemoRuns {
    static final String MARKER = "demo.json";

    private DemoRuns() {
    }

    /**
     * Prepares {@code out} for a demo with {@code settings} (flat JSON values) and returns whether the trainer must
     * resume (reuse) the runs there.
     *
     * @throws IllegalStateException if {@code out} holds runs the demo did not make (nothing is changed then)
     */
    static boolean prepare(Path out, Map<String, Object> settings, PrintStream log) throws IOException {
        Path marker = out.resolve(MARKER);
        Path runs = out.resolve("runs");
        // Through the JSON text, as the marker is read back (numbers then parse to the same node types).
        JsonNode wanted = Json.parse(Json.pretty(settings));
        boolean reuse;
        if (Files.exists(marker)) {
            if (Json.read(marker).equals(wanted)) {
                reuse = true;
                log.println("learnpad: reusing the demo's runs in " + out + " (same settings; finished runs are not "
                        + "trained again). Delete " + out + " to start over");
            } else {
                reuse = false;
                log.println("learnpad: " + out + " holds a demo with other settings; starting over");
                deleteTree(runs);
            }
        } else if (!Files.isDirectory(runs) || isEmpty(runs)) {
            reuse = false;
        } else {
            List<String> foreign = runsNotMatching(runs, wanted);
            if (!foreign.isEmpty()) {
                throw new IllegalStateException(out + " holds runs that this demo did not make (" + String.join(", ",
                        foreign) + "); choose another --out, or delete " + out);
            }
            reuse = true;
            log.println("learnpad: reusing the demo's runs in " + out + " (same settings). Delete " + out
                    + " to start over");
        }
        Files.createDirectories(out);
        AtomicFiles.writeString(marker, Json.pretty(settings) + "\n");
        return reuse;
    }

    /**
     * Run directories whose newest good checkpoint records a setting (of those it records) other than wanted.
     */
    private static List<String> runsNotMatching(Path runs, JsonNode wanted) throws IOException {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                var cp = new Checkpoints(d.resolve("checkpoints")).latestGood(new PrintStream(
                        java.io.OutputStream.nullOutputStream()));
                // A run without a checkpoint holds nothing to keep: training it from the start loses nothing.
                boolean ok = true;
                for (var it = wanted.fields(); cp.isPresent() && ok && it.hasNext(); ) {
                    var e = it.next();
                    JsonNode have = cp.get().extra(e.getKey());
                    // Settings a run does not record (paddings, seeds: one value per run) are not compared.
                    ok = have == null || e.getValue().isContainerNode() || have.asText().equals(e.getValue().asText());
                }
                if (!ok) {
                    bad.add(d.getFileName().toString());
                }
            }
        }
        return bad;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
