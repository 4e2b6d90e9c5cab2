package io.github.learnpad.training;

import io.github.learnpad.layers.PaddingVariant;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The fingerprint of the code that trains a study's runs, recorded with every {@link RunRecord}; runs of one study
 * must share it ({@link RunRecords} refuses to mix fingerprints unless told to).
 *
 * <p>Two parts:
 * <ul>
 *   <li>{@link #sources(Path)}: SHA-256 of the Java sources that take part in training and evaluation: the
 *   library's main sources and the application's {@code training}, {@code data}, {@code eval} and
 *   {@code robustness} packages. Each file is keyed by its package path (the part after {@code src/main/java/}), so
 *   moving the trees elsewhere in the repository does not change it; comments and runs of white space are removed,
 *   so documentation edits do not change it; nothing outside those source trees (results, docs, charts) is read.</li>
 *   <li>{@link #probe}: SHA-256 of the exact bits of the loss values and final parameters of a short fixed-seed run
 *   (two minibatches of generated images for each of {@link #PROBE_PADDINGS}, the command's own network factory and
 *   updater). It catches what
 *   the source hash cannot see: ND4J/DL4J versions, the native backend, the CPU's kernels, the CLI's network
 *   options.</li>
 * </ul>
 * A change to training arithmetic changes the probe (and the sources); adding results changes neither.
 */
public final class TrainingFingerprint {
    /** Source trees (relative to the repository root) and the package folders of each that take part in training. */
    static final Map<String, List<String>> TRAINING_SOURCES = Map.of(
            "src/main/java", List.of("io/github/learnpad"),
            "app/learnpad-app/src/main/java", List.of("io/github/learnpad/training", "io/github/learnpad/data",
                    "io/github/learnpad/eval", "io/github/learnpad/robustness"));

    private final String sources;
    private final int sourceFiles;
    private final String probe;

    public TrainingFingerprint(String sources, int sourceFiles, String probe) {
        this.sources = Objects.requireNonNull(sources, "sources");
        this.sourceFiles = sourceFiles;
        this.probe = Objects.requireNonNull(probe, "probe");
    }

    /** Hash of the training sources. */
    public String sources() { return sources; }
    /** Number of source files hashed. */
    public int sourceFiles() { return sourceFiles; }
    /** Hash of the probe run's losses and parameters. */
    public String probe() { return probe; }

    /** Same sources and same probe. */
    public boolean sameAs(TrainingFingerprint o) {
        return sources.equals(o.sources) && probe.equals(o.probe);
    }

    /** A short form for messages: the first 12 hex digits of each part. */
    public String shortForm() {
        return "sources " + sources.substring(0, 12) + ", probe " + probe.substring(0, 12);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sources", sources);
        m.put("sourceFiles", sourceFiles);
        m.put("probe", probe);
        return m;
    }

    public static TrainingFingerprint fromJson(org.nd4j.shade.jackson.databind.JsonNode n) {
        return new TrainingFingerprint(n.get("sources").asText(), n.path("sourceFiles").asInt(),
                n.get("probe").asText());
    }

    /**
     * The repository root of this installation: the system property {@code learnpad.home} (set by the
     * {@code learnpad} launcher), else the nearest directory at or above the working directory that holds
     * {@code app/pom.xml} and {@code src/main/java}.
     *
     * @throws IllegalStateException naming both ways when neither finds the sources
     */
    public static Path sourceRoot() {
        String home = System.getProperty("learnpad.home");
        if (home != null && isRoot(Path.of(home))) {
            return Path.of(home);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find LearnPad's sources to fingerprint the training code: run from "
                + "the repository (./learnpad sets -Dlearnpad.home) or pass -Dlearnpad.home=REPOSITORY_ROOT");
    }

    private static boolean isRoot(Path p) {
        return Files.isRegularFile(p.resolve("app/pom.xml")) && Files.isDirectory(p.resolve("src/main/java"));
    }

    /** Hash of the training sources under {@code root} (see the class comment); returns {hash, file count}. */
    public static String[] sources(Path root) throws IOException {
        TreeMap<String, String> files = new TreeMap<>();
        for (Map.Entry<String, List<String>> tree : TRAINING_SOURCES.entrySet()) {
            Path base = root.resolve(tree.getKey());
            for (String pkg : tree.getValue()) {
                Path dir = base.resolve(pkg);
                if (!Files.isDirectory(dir)) {
                    throw new IOException("training sources missing: " + dir + " (is " + root
                            + " a LearnPad repository?)");
                }
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path f : (Iterable<Path>) s.filter(x -> x.toString().endsWith(".java")).sorted()::iterator) {
                        String key = base.relativize(f).toString().replace('\\', '/');
                        files.put(key, normalise(Files.readString(f, StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        MessageDigest md = sha256();
        for (Map.Entry<String, String> e : files.entrySet()) {
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return new String[]{hex(md.digest()), Integer.toString(files.size())};
    }

    /**
     * Java source without comments, with every run of white space outside string and character literals reduced to
     * one blank (leading and trailing blanks removed). Text blocks and literals are kept as written.
     */
    static String normalise(String java) {
        StringBuilder out = new StringBuilder(java.length());
        int n = java.length();
        int i = 0;
        boolean space = false;
        while (i < n) {
            char c = java.charAt(i);
            if (c == '/' && i + 1 < n && java.charAt(i + 1) == '/') {
                while (i < n && java.charAt(i) != '\n') {
                    i++;
                }
                space = true;
                continue;
            }
            if (c == '/' && i + 1 < n && java.charAt(i + 1) == '*') {
                int end = java.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                space = true;
                continue;
            }
            if (Character.isWhitespace(c)) {
                space = true;
                i++;
                continue;
            }
            if (space && out.length() > 0) {
                out.append(' ');
            }
            space = false;
            if (c == '"' || c == '\'') {
                int end = literalEnd(java, i);
                out.append(java, i, end);
                i = end;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** The index just after the string, text block or character literal starting at {@code start}. */
    private static int literalEnd(String s, int start) {
        char q = s.charAt(start);
        if (q == '"' && s.startsWith("\"\"\"", start)) {
            int end = s.indexOf("\"\"\"", start + 3);
            while (end > 0 && s.charAt(end - 1) == '\\') {
                end = s.indexOf("\"\"\"", end + 1);
            }
            return end < 0 ? s.length() : end + 3;
        }
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == q || c == '\n') {
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    /**
     * The probe: for each padding, a network from {@code network} (seed {@value #PROBE_SEED}) trained on two
     * minibatches of {@value #PROBE_BATCH} generated images of shape {@code (channels, height, width)}; SHA-256 of every
     * minibatch score's double bits and every parameter's float bits, in order. Deterministic on one machine and
     * JVM (the runs' own premise).
     */
    public static String probe(Comparison.NetworkFactory network, List<PaddingVariant> paddings, int classes,
            int channels, int height, int width) {
        MessageDigest md = sha256();
        for (PaddingVariant p : paddings) {
            md.update(p.id().getBytes(StandardCharsets.UTF_8));
            Model net = network.create(p, PROBE_SEED);
            Random r = new Random(PROBE_SEED);
            for (int step = 0; step < 2; step++) {
                float[] x = new float[PROBE_BATCH * channels * height * width];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextFloat();
                }
                INDArray labels = Nd4j.zeros(DataType.FLOAT, PROBE_BATCH, classes);
                for (int i = 0; i < PROBE_BATCH; i++) {
                    labels.putScalar(i, r.nextInt(classes), 1.0);
                }
                DataSet ds = new DataSet(Nd4j.create(x, new long[]{PROBE_BATCH, channels, height, width}), labels);
                if (net instanceof ComputationGraph) {
                    ((ComputationGraph) net).fit(ds);
                } else if (net instanceof MultiLayerNetwork) {
                    ((MultiLayerNetwork) net).fit(ds);
                } else {
                    throw new IllegalArgumentException("probe: expected a ComputationGraph or MultiLayerNetwork");
                }
                md.update(ByteBuffer.allocate(8).putLong(Double.doubleToLongBits(net.score())).array());
            }
            float[] params = net.params().castTo(DataType.FLOAT).toFloatVector();
            ByteBuffer b = ByteBuffer.allocate(4 * params.length);
            for (float v : params) {
                b.putInt(Float.floatToIntBits(v));
            }
            md.update(b.array());
        }
        return hex(md.digest());
    }

    /**
     * The paddings every study command probes, whatever it compares: the fingerprint must not depend on which arms a
     * command runs, so that a pilot's runs (zero, learned) and the main study's (all five) can share it.
     */
    public static final List<PaddingVariant> PROBE_PADDINGS = List.of(
            PaddingVariant.of(io.github.learnpad.layers.PaddingMode.ZERO),
            PaddingVariant.of(io.github.learnpad.layers.PaddingMode.REPLICATE),
            PaddingVariant.of(io.github.learnpad.layers.PaddingMode.REFLECT), PaddingVariant.LEARNED,
            PaddingVariant.LEARNED_MIXING);

    /** Seed of the probe's networks and generated data. */
    public static final long PROBE_SEED = 20261206L;
    /** Images per probe minibatch. */
    public static final int PROBE_BATCH = 8;

    /** Fingerprints the sources under {@code root} and runs the probe over {@code paddings} (see {@link #PROBE_PADDINGS}). */
    public static TrainingFingerprint compute(Path root, Comparison.NetworkFactory network,
            List<PaddingVariant> paddings, int classes, int channels, int height, int width) throws IOException {
        String[] s = sources(root);
        return new TrainingFingerprint(s[0], Integer.parseInt(s[1]),
                probe(network, paddings, classes, channels, height, width));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder();
        for (byte b : d) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return shortForm();
    }
}
