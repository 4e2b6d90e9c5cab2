package io.github.learnpad.training;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.shade.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Per-epoch checkpoints of a training run in one directory:
 * <pre>
 * epoch-0003.zip    the network with its updater state (ModelSerializer, saveUpdater = true)
 * epoch-0003.json   {"format":1,"epoch":3,"seed":42,"model":"epoch-0003.zip","bytes":...,"sha256":"...",
 *                    "iteration":..., "metrics":[...every epoch so far...]}
 * </pre>
 * Saving writes the zip to a temporary file, fsyncs it, checks that it is a complete zip with the entries DL4J needs,
 * renames it into place atomically, and only then writes the state file (atomically too). The state file is the
 * commit point: a zip without a state file is ignored. The newest two checkpoints are kept, so when the newest turns
 * out to be damaged (a truncated copy, a full disk) the one before it is still there; {@link #latestGood} reports
 * the damage and falls back.
 */
public final class Checkpoints {
    private static final Pattern STATE = Pattern.compile("epoch-(\\d{4,})\\.json");
    private static final int KEEP = 2;

    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** A checkpoint found valid: its state and the path of its network zip. */
    public static final class Checkpoint {
        private final int epoch;
        private final long seed;
        private final Path model;
        private final JsonNode state;

        Checkpoint(int epoch, long seed, Path model, JsonNode state) {
            this.epoch = epoch;
            this.seed = seed;
            this.model = model;
            this.state = state;
        }

        /** The last completed epoch (1-based). */
        public int epoch() { return epoch; }
        public long seed() { return seed; }
        public Path model() { return model; }

        /** The metrics of epochs 1..epoch recorded with the checkpoint. */
        public List<EpochMetrics> metrics() {
            List<EpochMetrics> out = new ArrayList<>();
            for (JsonNode m : state.get("metrics")) {
                out.add(EpochMetrics.fromJson(m));
            }
            return out;
        }

        /** An extra value stored with {@link Checkpoints#save}. */
        public JsonNode extra(String key) {
            JsonNode e = state.get("extra");
            return e == null ? null : e.get(key);
        }

        /** Loads the network with its updater state. */
        public ComputationGraph loadGraph() throws IOException {
            return ModelSerializer.restoreComputationGraph(model.toFile(), true);
        }

        /** Loads a MultiLayerNetwork with its updater state. */
        public org.deeplearning4j.nn.multilayer.MultiLayerNetwork loadMultiLayer() throws IOException {
            return ModelSerializer.restoreMultiLayerNetwork(model.toFile(), true);
        }
    }

    /**
     * Saves the network after epoch {@code epoch} and then deletes checkpoints older than the previous one.
     *
     * @param metrics the metrics of epochs 1..epoch (stored so a resumed run restores metrics.jsonl exactly)
     * @param extra   small values to keep with the checkpoint (e.g. the run's options); may be empty
     * @return the checkpoint zip
     */
    public Path save(Model net, int epoch, long seed, List<EpochMetrics> metrics, Map<String, Object> extra)
            throws IOException {
        Files.createDirectories(dir);
        String base = String.format("epoch-%04d", epoch);
        Path zip = dir.resolve(base + ".zip");
        Path tmp = AtomicFiles.writeTemp(zip, out -> ModelSerializer.writeModel(net, out, true));
        String sha;
        try {
            sha = verifyZip(tmp);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("the checkpoint just written for epoch " + epoch + " is unreadable (" + e.getMessage()
                    + "); the previous checkpoint is kept. Is the disk full?", e);
        }
        long bytes = Files.size(tmp);
        AtomicFiles.moveAtomically(tmp, zip);

        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", 1);
        state.put("epoch", epoch);
        state.put("seed", seed);
        state.put("model", zip.getFileName().toString());
        state.put("bytes", bytes);
        state.put("sha256", sha);
        state.put("iteration", iterationCount(net));
        state.put("nextEpochRngSeed", Trainer.epochRngSeed(seed, epoch + 1));
        List<Object> m = new ArrayList<>();
        for (EpochMetrics em : metrics) {
            m.add(em.toMap());
        }
        state.put("metrics", m);
        state.put("extra", extra);
        AtomicFiles.writeString(dir.resolve(base + ".json"), Json.pretty(state));
        prune(epoch);
        return zip;
    }

    private static int iterationCount(Model net) {
        if (net instanceof ComputationGraph) {
            return ((ComputationGraph) net).getConfiguration().getIterationCount();
        }
        if (net instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork) {
            return ((org.deeplearning4j.nn.multilayer.MultiLayerNetwork) net).getLayerWiseConfigurations()
                    .getIterationCount();
        }
        return -1;
    }

    /** Deletes checkpoints (zip and state) of epochs before {@code newest - KEEP + 1}. */
    private void prune(int newest) throws IOException {
        for (int e : epochs()) {
            if (e <= newest - KEEP) {
                String base = String.format("epoch-%04d", e);
                Files.deleteIfExists(dir.resolve(base + ".json"));
                Files.deleteIfExists(dir.resolve(base + ".zip"));
            }
        }
    }

    /** Epochs that have a state file, newest first. */
    public List<Integer> epochs() throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "epoch-*.json")) {
            for (Path p : ds) {
                Matcher m = STATE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        out.sort((a, b) -> Integer.compare(b, a));
        return out;
    }

    /** True if the directory holds any checkpoint state file. */
    public boolean isEmpty() throws IOException {
        return epochs().isEmpty();
    }

    /**
     * The newest checkpoint whose zip is complete and matches its recorded size and SHA-256. Each damaged newer
     * checkpoint is reported on {@code warnings} with the reason, and left on disk for inspection (the next save of
     * that epoch replaces it).
     */
    public Optional<Checkpoint> latestGood(PrintStream warnings) throws IOException {
        Set<Integer> seen = new HashSet<>();
        String damaged = null;
        for (int e : epochs()) {
            if (!seen.add(e)) {
                continue;
            }
            String base = String.format("epoch-%04d", e);
            Path statePath = dir.resolve(base + ".json");
            try {
                JsonNode state = Json.read(statePath);
                Path zip = dir.resolve(state.get("model").asText());
                if (!Files.exists(zip)) {
                    throw new IOException(zip.getFileName() + " is missing");
                }
                long bytes = Files.size(zip);
                if (bytes != state.get("bytes").asLong()) {
                    throw new IOException(zip.getFileName() + " has " + bytes + " bytes, expected "
                            + state.get("bytes").asLong() + " (truncated?)");
                }
                String sha = verifyZip(zip);
                if (!sha.equals(state.get("sha256").asText())) {
                    throw new IOException(zip.getFileName() + " has SHA-256 " + sha + ", expected "
                            + state.get("sha256").asText());
                }
                if (damaged != null) {
                    warnings.println("learnpad: using the previous checkpoint " + zip + " (epoch " + e + ") instead");
                }
                return Optional.of(new Checkpoint(state.get("epoch").asInt(), state.get("seed").asLong(), zip, state));
            } catch (IOException | RuntimeException ex) {
                damaged = base;
                warnings.println("learnpad: WARNING: checkpoint " + dir.resolve(base + ".zip") + " is damaged: "
                        + ex.getMessage());
            }
        }
        if (damaged != null) {
            warnings.println("learnpad: no usable checkpoint left in " + dir + "; training restarts from epoch 1");
        }
        return Optional.empty();
    }

    /**
     * Reads every entry of a ModelSerializer zip to its end (the JDK checks each entry's CRC and size) and checks
     * the entries a network needs are there. Returns the file's SHA-256 (hex).
     *
     * @throws IOException naming the problem if the zip is truncated, corrupt or not a DL4J model
     */
    public static String verifyZip(Path zip) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // The central directory at the end of the file: missing when the file was cut short.
        try (java.util.zip.ZipFile zf = new java.util.zip.ZipFile(zip.toFile())) {
            if (zf.size() == 0) {
                throw new IOException("empty zip");
            }
        } catch (java.util.zip.ZipException ex) {
            throw new IOException("truncated or corrupt zip (" + ex.getMessage() + ")", ex);
        }
        Set<String> names = new HashSet<>();
        byte[] buf = new byte[1 << 16];
        try (InputStream raw = Files.newInputStream(zip);
             DigestInputStream din = new DigestInputStream(raw, md);
             ZipInputStream zin = new ZipInputStream(din)) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                names.add(e.getName());
                while (zin.read(buf) >= 0) {
                    // read to the end: ZipInputStream verifies size and CRC of the entry
                }
            }
            while (din.read(buf) >= 0) {
                // digest the central directory too
            }
        } catch (java.io.EOFException ex) {
            throw new IOException("truncated zip (unexpected end of file)", ex);
        } catch (java.util.zip.ZipException ex) {
            throw new IOException("corrupt zip: " + ex.getMessage(), ex);
        }
        if (!names.contains("configuration.json") || !names.contains("coefficients.bin")) {
            throw new IOException("not a complete DL4J model zip (entries found: " + names + ")");
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : md.digest()) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
