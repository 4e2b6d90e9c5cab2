package io.github.learnpad.bench;

import io.github.learnpad.OneDnn;
import io.github.learnpad.layers.PaddingVariant;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a training step's time goes: records Java Flight Recorder samples of training steps ({@link #record}), or
 * reads any JFR recording (e.g. of {@code ./learnpad train} with
 * {@code JAVA_OPTS=-XX:StartFlightRecording=filename=run.jfr,settings=profile}), and buckets every sample by what
 * it was doing ({@link #classify}): convolution, batch norm, pooling, padding, activation, dense head and loss,
 * updater, allocation/bookkeeping, data, evaluation (the test-set pass, whatever its layers), checkpoints and
 * reports, other DL4J, other. Run it with
 * {@code ./learnpad bench profile} (docs/benchmarks.md, "Where a training step's time goes").
 *
 * <p>What JFR sees: Java threads running Java code ({@code jdk.ExecutionSample}) or inside a native call
 * ({@code jdk.NativeMethodSample}, e.g. a oneDNN convolution called from the training thread, which waits there for
 * ND4J's OpenMP threads). It does not see ND4J's OpenMP threads themselves, nor a thread that is blocked or parked
 * (e.g. the training thread waiting for the Padding Module's helper threads). The sampler also misses ticks
 * when the machine is busy. The table therefore gives shares of the training thread's samples (with their count
 * against the count one sample per period would give) and, separately, the samples of every other Java thread (the
 * Padding Module's {@code learnpad-padding-*} helpers among them). "allocation/bookkeeping" includes copies between
 * workspaces ({@code leverageTo}, {@code dup}) and DL4J's workspace management.
 */
public final class StepProfile {
    /** The buckets, in the order of the table. */
    public static final List<String> COMPONENTS = List.of("convolution", "batch norm", "pooling", "padding",
            "activation", "dense head + loss", "updater", "allocation/bookkeeping", "data", "evaluation",
            "checkpoints, metrics, charts", "other DL4J", "other");

    private StepProfile() {
    }

    /** Samples per bucket of the training thread and of all other Java threads, and the top frames seen. */
    public record Summary(Map<String, Long> main, Map<String, Long> others, Map<String, Long> topFrames,
                          String mainThread) {
        public long mainTotal() {
            return main.values().stream().mapToLong(Long::longValue).sum();
        }

        public long othersTotal() {
            return others.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Step times (ms) of a profiled run and the recording it wrote. */
    public record Recorded(double[] stepMs, double wallMs, Path jfr) {
    }

    /** Step times (ms) per setup of an interleaved run ({@link #recordInterleaved}) and the recording it wrote. */
    public record RecordedSetups(Map<String, double[]> stepMs, double wallMs, Path jfr) {
    }

    /**
     * One training step of one setup in an interleaved recording: {@link #summariseBySetup} gives each sample to the
     * step whose time span holds it.
     */
    @Name("io.github.learnpad.TrainingStep")
    @Label("LearnPad training step")
    static final class StepEvent extends Event {
        @Label("Setup")
        String setup;
    }

    /**
     * Records {@code steps} rounds of one training step of each network in {@code nets} in turn (as {@code bench
     * peers} times them), after {@code warmup} unrecorded rounds, marking each step with a {@link StepEvent}. Profiles
     * of separate runs cannot be compared component by component: the same network's step differs measurably
     * between launches of the JVM (docs/benchmarks.md); within one run the setups share the JVM, the machine's state
     * and its drifts.
     */
    public static RecordedSetups recordInterleaved(Map<String, ComputationGraph> nets, DataSet batch, int warmup,
            int steps, int periodMs, Path jfr) throws IOException {
        for (int i = 0; i < warmup; i++) {
            nets.values().forEach(n -> n.fit(batch));
        }
        Map<String, double[]> ms = new LinkedHashMap<>();
        nets.keySet().forEach(k -> ms.put(k, new double[steps]));
        long t0;
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(periodMs));
            r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(periodMs));
            r.enable(StepEvent.class);
            r.start();
            t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                for (Map.Entry<String, ComputationGraph> e : nets.entrySet()) {
                    StepEvent ev = new StepEvent();
                    ev.setup = e.getKey();
                    long s = System.nanoTime();
                    ev.begin();
                    e.getValue().fit(batch);
                    ev.end();
                    ms.get(e.getKey())[i] = (System.nanoTime() - s) / 1e6;
                    ev.commit();
                }
            }
            r.stop();
            r.dump(jfr);
        }
        return new RecordedSetups(ms, (System.nanoTime() - t0) / 1e6, jfr);
    }

    /**
     * Buckets the samples of an interleaved recording per setup: each sample of the training thread
     * ({@code mainThread}) goes to the setup whose {@link StepEvent} on that thread spans its time; samples of other
     * Java threads go to the setup whose step was running then. Samples outside every step are left out.
     */
    public static Map<String, Summary> summariseBySetup(Path jfr, String mainThread) throws IOException {
        List<RecordedEvent> samples = new ArrayList<>();
        List<RecordedEvent> marks = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample")) {
                samples.add(e);
            } else if (type.equals("io.github.learnpad.TrainingStep")) {
                marks.add(e);
            }
        }
        marks.sort(Comparator.comparing(RecordedEvent::getStartTime));
        Instant[] starts = marks.stream().map(RecordedEvent::getStartTime).toArray(Instant[]::new);
        Map<String, Map<String, Long>> main = new LinkedHashMap<>();
        Map<String, Map<String, Long>> other = new LinkedHashMap<>();
        Map<String, Map<String, Long>> top = new LinkedHashMap<>();
        for (RecordedEvent m : marks) {
            String k = m.getString("setup");
            main.computeIfAbsent(k, x -> emptyCounts());
            other.computeIfAbsent(k, x -> emptyCounts());
            top.computeIfAbsent(k, x -> new LinkedHashMap<>());
        }
        for (RecordedEvent e : samples) {
            Instant t = e.getStartTime();
            int i = java.util.Arrays.binarySearch(starts, t);
            i = i >= 0 ? i : -i - 2; // the last step that started at or before t
            if (i < 0 || marks.get(i).getEndTime().isBefore(t)) {
                continue;
            }
            String k = marks.get(i).getString("setup");
            RecordedStackTrace st = e.getStackTrace();
            List<RecordedFrame> frames = st == null ? List.of() : st.getFrames();
            String c = classify(frames);
            boolean onMain = mainThread.equals(threadName(e));
            (onMain ? main : other).get(k).merge(c, 1L, Long::sum);
            if (onMain && !frames.isEmpty()) {
                top.get(k).merge(c + ": " + frameName(frames.get(0)) + caller(frames), 1L, Long::sum);
            }
        }
        Map<String, Summary> out = new LinkedHashMap<>();
        main.forEach((k, v) -> out.put(k, new Summary(v, other.get(k), top.get(k), mainThread)));
        return out;
    }

    /**
     * Milliseconds per step of each component for each setup (share of that setup's training-thread samples x its
     * median step), with each setup's difference from the first.
     */
    public static String comparisonTable(Map<String, Summary> s, Map<String, Double> stepMs) {
        List<String> keys = new ArrayList<>(s.keySet());
        String first = keys.get(0);
        StringBuilder b = new StringBuilder("| component (ms per step) |");
        keys.forEach(k -> b.append(' ').append(k).append(" |"));
        keys.subList(1, keys.size()).forEach(k -> b.append(' ').append(k).append(" - ").append(first).append(" |"));
        b.append("\n|---|").append("---:|".repeat(2 * keys.size() - 1)).append('\n');
        for (String c : COMPONENTS) {
            if (keys.stream().allMatch(k -> s.get(k).main().get(c) == 0)) {
                continue;
            }
            b.append("| ").append(c).append(" |");
            keys.forEach(k -> b.append(String.format(Locale.ROOT, " %.1f |", ms(s.get(k), c, stepMs.get(k)))));
            keys.subList(1, keys.size()).forEach(k -> b.append(String.format(Locale.ROOT, " %+.1f |",
                    ms(s.get(k), c, stepMs.get(k)) - ms(s.get(first), c, stepMs.get(first)))));
            b.append('\n');
        }
        b.append("| **median step** |");
        keys.forEach(k -> b.append(String.format(Locale.ROOT, " **%.1f** |", stepMs.get(k))));
        keys.subList(1, keys.size()).forEach(k -> b.append(String.format(Locale.ROOT, " **%+.1f** |",
                stepMs.get(k) - stepMs.get(first))));
        b.append("\n| training-thread samples |");
        keys.forEach(k -> b.append(' ').append(s.get(k).mainTotal()).append(" |"));
        keys.subList(1, keys.size()).forEach(k -> b.append(" |"));
        b.append('\n');
        return b.toString();
    }

    private static double ms(Summary s, String c, double stepMs) {
        long total = s.mainTotal();
        return total == 0 ? 0 : stepMs * s.main().get(c) / total;
    }

    /**
     * Records {@code steps} training steps ({@code fit} on one fixed random batch) of {@code net}, after
     * {@code warmup} unrecorded ones, sampling every {@code periodMs} ms, into {@code jfr}.
     */
    public static Recorded record(ComputationGraph net, DataSet batch, int warmup, int steps, int periodMs, Path jfr)
            throws IOException {
        for (int i = 0; i < warmup; i++) {
            net.fit(batch);
        }
        double[] ms = new double[steps];
        long t0;
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(periodMs));
            r.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(periodMs));
            r.start();
            t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                long s = System.nanoTime();
                net.fit(batch);
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            r.stop();
            r.dump(jfr);
        }
        return new Recorded(ms, (System.nanoTime() - t0) / 1e6, jfr);
    }

    /** A random batch of {@code n} images (c, size, size) with 10 one-hot classes (seed 123, as PeerBenchmark's). */
    public static DataSet randomBatch(int n, int c, int size) {
        Nd4j.getRandom().setSeed(123);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, c, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 10, 1);
        }
        return new DataSet(x, y);
    }

    /**
     * Buckets the samples of a recording. {@code mainThread}: the Java name of the training thread; null: "main" if
     * it has samples, else the thread with the most samples.
     */
    public static Summary summarise(Path jfr, String mainThread) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        Map<String, Long> perThread = new TreeMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")) {
                continue;
            }
            events.add(e);
            perThread.merge(threadName(e), 1L, Long::sum);
        }
        // Not simply the thread with the most samples: JFR's native samples include threads idling in native code
        // (an HTTP client's selector in epoll_wait, say).
        String main = mainThread != null ? mainThread : perThread.containsKey("main") ? "main"
                : perThread.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("?");
        Map<String, Long> mainCounts = emptyCounts();
        Map<String, Long> otherCounts = emptyCounts();
        Map<String, Long> top = new LinkedHashMap<>();
        for (RecordedEvent e : events) {
            RecordedStackTrace st = e.getStackTrace();
            List<RecordedFrame> frames = st == null ? List.of() : st.getFrames();
            String c = classify(frames);
            (main.equals(threadName(e)) ? mainCounts : otherCounts).merge(c, 1L, Long::sum);
            if (main.equals(threadName(e)) && !frames.isEmpty()) {
                top.merge(c + ": " + frameName(frames.get(0)) + caller(frames), 1L, Long::sum);
            }
        }
        return new Summary(mainCounts, otherCounts, top, main);
    }

    private static Map<String, Long> emptyCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String c : COMPONENTS) {
            m.put(c, 0L);
        }
        return m;
    }

    private static String threadName(RecordedEvent e) {
        RecordedThread t = e.getThread("sampledThread");
        return t == null || t.getJavaName() == null ? "?" : t.getJavaName();
    }

    /** " <- " and the innermost frame outside ND4J and JavaCPP (who asked for the op), if the top is inside them. */
    private static String caller(List<RecordedFrame> frames) {
        if (!isNd4j(frames.get(0))) {
            return "";
        }
        for (RecordedFrame f : frames) {
            if (!isNd4j(f)) {
                return " <- " + frameName(f);
            }
        }
        return "";
    }

    private static boolean isNd4j(RecordedFrame f) {
        String t = f.getMethod().getType().getName();
        return t.startsWith("org.nd4j.") || t.startsWith("org.bytedeco.") || t.startsWith("java.");
    }

    private static String frameName(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /**
     * The bucket of one sample, from its stack ({@code frames.get(0)} the innermost frame). First what the work is
     * part of, anywhere on the stack (evaluation, checkpoints and reports, data); then allocation and bookkeeping, wherever it is on the stack (JavaCPP's pointer accounting, shape descriptors, data
     * buffers, workspaces: work around the arithmetic, whichever layer asked for it); otherwise the innermost frame
     * that belongs to a component.
     */
    public static String classify(List<RecordedFrame> frames) {
        // What the step is part of, wherever on the stack: a test-set pass, saving, reading data.
        for (RecordedFrame f : frames) {
            String t = f.getMethod().getType().getName();
            if (t.startsWith("io.github.learnpad.eval.")) {
                return "evaluation";
            }
            if (t.equals("io.github.learnpad.training.Checkpoints") || t.startsWith("org.deeplearning4j.util.ModelSerializer")
                    || t.startsWith("io.github.learnpad.charts.") || t.equals("io.github.learnpad.training.AtomicFiles")) {
                return "checkpoints, metrics, charts";
            }
            if (t.startsWith("io.github.learnpad.data.") || t.equals("io.github.learnpad.training.ImageBatchEpochs")) {
                return "data";
            }
        }
        for (RecordedFrame f : frames) {
            String t = f.getMethod().getType().getName();
            if (t.startsWith("org.bytedeco.javacpp.Pointer") || t.startsWith("org.nd4j.linalg.api.shape.")
                    || t.startsWith("org.nd4j.linalg.api.buffer.") || t.startsWith("org.nd4j.linalg.cpu.nativecpu.buffer.")
                    || t.startsWith("org.nd4j.linalg.api.memory.") || t.startsWith("org.nd4j.linalg.cpu.nativecpu.workspace.")
                    || t.startsWith("org.nd4j.linalg.workspace.") || t.startsWith("org.deeplearning4j.nn.workspace.")
                    || t.startsWith("org.nd4j.linalg.cpu.nativecpu.ops.CpuOpContext")
                    || t.startsWith("org.nd4j.linalg.api.ops.BaseOpContext")
                    || t.startsWith("org.nd4j.linalg.cpu.nativecpu.CpuNDArrayFactory")
                    || t.startsWith("org.nd4j.common.primitives") || t.equals("org.nd4j.linalg.api.ndarray.BaseShapeInfoProvider")
                    || t.startsWith("org.nd4j.linalg.cpu.nativecpu.DirectShapeInfoProvider")
                    || t.startsWith("org.nd4j.linalg.cache.") || t.startsWith("org.nd4j.linalg.cpu.nativecpu.cache.")) {
                return "allocation/bookkeeping";
            }
        }
        for (RecordedFrame f : frames) {
            String c = component(f.getMethod().getType().getName());
            if (c != null) {
                return c;
            }
        }
        return "other";
    }

    private static String component(String t) {
        if (t.startsWith("io.github.learnpad.layers.") || t.equals("org.deeplearning4j.nn.layers.convolution.ZeroPaddingLayer")
                || t.startsWith("org.deeplearning4j.nn.layers.samediff.")) {
            return "padding";
        }
        if (t.equals("org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper")
                || t.equals("org.deeplearning4j.nn.layers.convolution.ConvolutionLayer")
                || t.equals("org.deeplearning4j.util.ConvolutionUtils") || t.equals("org.nd4j.linalg.convolution.Convolution")) {
            return "convolution";
        }
        if (t.equals("org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper")
                || t.equals("org.deeplearning4j.nn.layers.normalization.BatchNormalization")) {
            return "batch norm";
        }
        if (t.startsWith("org.deeplearning4j.nn.layers.convolution.subsampling.")
                || t.equals("org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper")) {
            return "pooling";
        }
        if (t.equals("org.deeplearning4j.nn.layers.ActivationLayer") || t.startsWith("org.nd4j.linalg.activations.")) {
            return "activation";
        }
        if (t.startsWith("org.deeplearning4j.nn.layers.feedforward.") || t.startsWith("org.deeplearning4j.nn.layers.BaseOutputLayer")
                || t.equals("org.deeplearning4j.nn.layers.OutputLayer") || t.startsWith("org.nd4j.linalg.lossfunctions.")
                || t.startsWith("org.deeplearning4j.nn.conf.dropout.") || t.startsWith("org.deeplearning4j.nn.conf.preprocessor.")) {
            return "dense head + loss";
        }
        if (t.startsWith("org.deeplearning4j.nn.updater.") || t.startsWith("org.nd4j.linalg.learning.")
                || t.startsWith("org.deeplearning4j.optimize.solvers.") || t.startsWith("org.deeplearning4j.nn.params.")) {
            return "updater";
        }
        if (t.startsWith("io.github.learnpad.data.") || t.equals("io.github.learnpad.training.ImageBatchEpochs")
                || t.startsWith("org.nd4j.linalg.dataset.") || t.startsWith("org.deeplearning4j.datasets.")) {
            return "data";
        }
        if (t.startsWith("io.github.learnpad.eval.")) {
            return "evaluation";
        }
        if (t.startsWith("org.deeplearning4j.")) {
            return "other DL4J";
        }
        return null;
    }

    /**
     * The table: per bucket, the share of the training thread's samples and the implied milliseconds per step
     * ({@code stepMs}: the median step, or NaN to leave that column out), plus the other Java threads' samples.
     * Shares are of the samples taken: JFR's sampler misses ticks when the machine is busy (and never samples a
     * blocked or parked thread), so the printed sample count against the expected one says how complete it is.
     */
    public static String table(Summary s, double stepMs) {
        StringBuilder b = new StringBuilder();
        long total = s.mainTotal();
        boolean ms = !Double.isNaN(stepMs);
        b.append("| component | training thread (").append(s.mainThread()).append("): share of samples | ")
                .append(ms ? "ms per step | " : "").append("other Java threads: samples |\n");
        b.append("|---|---:|").append(ms ? "---:|" : "").append("---:|\n");
        for (String c : COMPONENTS) {
            long n = s.main().get(c);
            long o = s.others().get(c);
            if (n == 0 && o == 0) {
                continue;
            }
            row(b, c, n, total, o, stepMs, ms);
        }
        b.append(String.format(Locale.ROOT, "| total | 100%% | %s%d |%n", ms ? String.format(Locale.ROOT, "%.1f | ",
                stepMs) : "", s.othersTotal()));
        return b.toString();
    }

    private static void row(StringBuilder b, String c, long n, long total, long others, double stepMs, boolean ms) {
        double share = total == 0 ? 0 : (double) n / total;
        b.append(String.format(Locale.ROOT, "| %s | %.1f%% | %s%d |%n", c, 100 * share,
                ms ? String.format(Locale.ROOT, "%.1f | ", share * stepMs) : "", others));
    }

    /** The {@code n} innermost frames the training thread was sampled in most often, with their bucket. */
    public static String topFrames(Summary s, int n) {
        long total = Math.max(1, s.mainTotal());
        StringBuilder b = new StringBuilder();
        s.topFrames().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(n).forEach(e -> b.append(String.format(Locale.ROOT, "%5.1f%%  %s%n", 100.0 * e.getValue() / total,
                        e.getKey())));
        return b.toString();
    }

    /**
     * Convenience for the command line: builds the model once per padding, records them interleaved and prints one
     * table with a column per padding and each one's difference from the first.
     */
    public static void profileModels(PeerBenchmark.Model model, List<PaddingVariant> paddings, int batch, int warmup,
                                     int steps, int periodMs, Path jfr, PrintStream out) throws IOException {
        boolean oneDnn = OneDnn.isActive();
        Map<String, ComputationGraph> nets = new LinkedHashMap<>();
        for (PaddingVariant p : paddings) {
            nets.put(p.id(), model.build(p));
        }
        DataSet ds = randomBatch(batch, model.channels, model.size);
        RecordedSetups r = recordInterleaved(nets, ds, warmup, steps, periodMs, jfr);
        Map<String, Summary> s = summariseBySetup(jfr, Thread.currentThread().getName());
        Map<String, Double> medians = new LinkedHashMap<>();
        r.stepMs().forEach((k, v) -> medians.put(k, ModelPaddingBenchmark.median(v)));
        long taken = s.values().stream().mapToLong(Summary::mainTotal).sum();
        out.printf(Locale.ROOT, "%s, paddings %s interleaved (one step of each per round), batch %d, %s: %d rounds after "
                        + "%d warm-up, %d samples of the training thread in steps (%d expected at one per %d ms); "
                        + "recording %s%n%n", model.id(), String.join(", ", nets.keySet()), batch,
                oneDnn ? "oneDNN helpers" : "built-in layers", steps, warmup, taken,
                Math.round(r.wallMs() / periodMs), periodMs, jfr);
        out.print(comparisonTable(s, medians));
        for (Map.Entry<String, Summary> e : s.entrySet()) {
            out.println();
            out.println("Innermost frames of the training thread's samples, " + e.getKey() + " (top 12):");
            out.print(topFrames(e.getValue(), 12));
        }
    }

    /** Convenience for the command line: builds, records and prints. */
    public static void profileModel(PeerBenchmark.Model model, PaddingVariant padding, int batch,
                                    int warmup, int steps, int periodMs, Path jfr, PrintStream out) throws IOException {
        boolean oneDnn = OneDnn.isActive();
        ComputationGraph net = model.build(padding);
        DataSet ds = randomBatch(batch, model.channels, model.size);
        Recorded r = record(net, ds, warmup, steps, periodMs, jfr);
        Summary s = summarise(jfr, Thread.currentThread().getName());
        double median = ModelPaddingBenchmark.median(r.stepMs());
        long expected = Math.round(r.wallMs() / periodMs);
        out.printf(Locale.ROOT, "%s, %s padding, batch %d, %s: %d steps after %d warm-up, median step %.1f ms, "
                        + "%d samples of the training thread (%d expected at one per %d ms), %d of other Java threads;"
                        + " recording %s%n%n", model.id(), padding.id(), batch, oneDnn ? "oneDNN helpers" : "built-in layers",
                steps, warmup, median, s.mainTotal(), expected, periodMs, s.othersTotal(), jfr);
        out.print(table(s, median));
        out.println();
        out.println("Innermost frames of the training thread's samples (top 25):");
        out.print(topFrames(s, 25));
    }
}
