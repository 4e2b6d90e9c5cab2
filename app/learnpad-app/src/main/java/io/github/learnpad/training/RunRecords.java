package io.github.learnpad.training;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A study's committed results: one {@link RunRecord} per finished run in {@code DIR/runs/PADDING-seedS.json}. Made to
 * outlive the session and the machine that ran it: a study resumes by skipping the runs recorded here, and its report
 * can be rebuilt from these files alone.
 *
 * <p>Rules it enforces:
 * <ul>
 *   <li>write once: a record is never replaced (the file is linked into place, which fails if it exists), so a good
 *   result cannot be overwritten by a later, worse one;</li>
 *   <li>one budget: every record must have been made with the same options ({@link #checkCompatible});</li>
 *   <li>one training code: every record must carry the same {@link TrainingFingerprint}, unless mixing is allowed
 *   explicitly.</li>
 * </ul>
 */
public final class RunRecords {
    private final Path dir;

    public RunRecords(Path dir) {
        this.dir = dir;
    }

    public Path dir() { return dir; }

    /** The record file of a padding and seed. */
    public Path file(String padding, long seed) {
        return dir.resolve("runs").resolve(padding + "-seed" + seed + ".json");
    }

    /** The record of a padding and seed, if committed. */
    public Optional<RunRecord> find(String padding, long seed) throws IOException {
        Path f = file(padding, seed);
        return Files.exists(f) ? Optional.of(RunRecord.read(f)) : Optional.empty();
    }

    /** Every record, ordered by padding name and seed. */
    public List<RunRecord> all() throws IOException {
        List<RunRecord> out = new ArrayList<>();
        Path runs = dir.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runs, "*.json")) {
            for (Path p : ds) {
                out.add(RunRecord.read(p));
            }
        }
        out.sort(Comparator.comparing(RunRecord::padding).thenComparingLong(RunRecord::seed));
        return out;
    }

    /**
     * Writes a new record. The file is written and fsynced under a temporary name and then hard-linked to its final
     * name, which fails when a record is already there.
     *
     * @throws FileAlreadyExistsException if the run is already recorded (the existing record is left as it is)
     */
    public Path write(RunRecord r) throws IOException {
        Path target = file(r.padding(), r.seed());
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "this run is already recorded; a record is "
                    + "never replaced (delete it by hand, with its reason in the commit message, to run it again)");
        }
        Path tmp = AtomicFiles.writeTemp(target, out -> out.write((Json.pretty(r.toMap()) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try {
            Files.createLink(target, tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /**
     * Refuses to add runs made with other options or other training code than those already recorded.
     *
     * @param budget      the options of the runs about to be made (compared as JSON with every record's budget)
     * @param fingerprint the current training code's fingerprint
     * @param allowMixed  accept records with other fingerprints (each run still records its own), saying so on
     *                    {@code log}
     * @throws IllegalStateException naming the first mismatch and the fix
     */
    public void checkCompatible(Map<String, Object> budget, TrainingFingerprint fingerprint, boolean allowMixed,
            PrintStream log) throws IOException {
        String want = canonical(budget);
        for (RunRecord r : all()) {
            String have = canonical(r.budget());
            if (!have.equals(want)) {
                throw new IllegalStateException(file(r.padding(), r.seed()) + " was made with other options than "
                        + "this run's:\n  recorded: " + have + "\n  now:      " + want + "\nUse the recorded options "
                        + "(the study preset of that commit) or another results directory.");
            }
            if (!r.fingerprint().sameAs(fingerprint)) {
                String msg = file(r.padding(), r.seed()) + " was trained by other code (fingerprint "
                        + r.fingerprint().shortForm() + ", commit " + r.provenance().get("commit") + ") than the "
                        + "current code (" + fingerprint.shortForm() + ").";
                if (!allowMixed) {
                    throw new IllegalStateException(msg + " All runs of a study must come from the same training "
                            + "code: finish the study on the recorded commit (git worktree add ../study-code "
                            + r.provenance().get("commit") + ", then run the same command there with --results "
                            + "pointing at this directory), or pass --allow-mixed-fingerprints to mix on purpose.");
                }
                log.println("learnpad: WARNING: " + msg + " Mixing them because --allow-mixed-fingerprints was given.");
            }
        }
    }

    /** The map as a canonical JSON text (numbers of any Java type compare by value). */
    static String canonical(Map<String, Object> m) throws IOException {
        Object plain = SORTED.treeToValue(Json.parse(Json.line(new LinkedHashMap<>(m))), Object.class);
        return SORTED.writeValueAsString(plain);
    }

    private static final org.nd4j.shade.jackson.databind.ObjectMapper SORTED =
            new org.nd4j.shade.jackson.databind.ObjectMapper().configure(
                    org.nd4j.shade.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
}
