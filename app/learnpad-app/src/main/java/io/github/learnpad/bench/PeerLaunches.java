package io.github.learnpad.bench;

import io.github.learnpad.bench.PeerBenchmark.Row;
import io.github.learnpad.bench.PeerBenchmark.StudyResult;
import io.github.learnpad.bench.PeerBenchmark.Times;
import io.github.learnpad.training.Json;
import org.nd4j.shade.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench peers --launches N}: the benchmark repeated in N fresh JVMs, one after the other, and pooled. The step
 * of the same network differs between JVM launches (measured in docs/benchmarks.md), so one launch cannot judge a
 * goal; rounds within a launch stay paired, so same-round ratios remain valid when the launches' rounds are
 * concatenated.
 *
 * <p>Everything here but {@link #runChild} is a pure function, for tests: the child's command line, the JSON of one
 * launch's raw results, the pooling, and the across-launches table.
 */
public final class PeerLaunches {
    /** The hidden {@code bench peers} option that makes a child write its raw results (JSON) to the named file. */
    public static final String RESULTS_OPTION = "--launch-results";
    public static final String LAUNCHES_OPTION = "--launches";

    /** One launch's raw results: the model rows (may be empty) and the study (null if not run). */
    public record Launch(List<Row> rows, StudyResult study) {
    }

    private PeerLaunches() {
    }

    // ---- the child's command line ----

    /**
     * The command that runs the benchmark once in a fresh JVM: {@code java}, this JVM's arguments, its class path,
     * the main class and {@code args} (the command line this process was given, {@code bench peers} and global
     * options included) without any {@code --launches} or {@value #RESULTS_OPTION}, followed by {@code --launches 1}
     * and {@value #RESULTS_OPTION} {@code results}. Both are appended last, where picocli still reads them as options
     * of {@code bench peers} (the last subcommand).
     */
    public static List<String> childCommand(String java, List<String> jvmArgs, String classPath, String mainClass,
                                            List<String> args, Path results) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(LAUNCHES_OPTION) || a.equals(RESULTS_OPTION)) {
                i++; // and its value
            } else if (!a.startsWith(LAUNCHES_OPTION + "=") && !a.startsWith(RESULTS_OPTION + "=")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of(LAUNCHES_OPTION, "1", RESULTS_OPTION, results.toString()));
        return cmd;
    }

    /** This JVM's {@code java}: the running executable, or {@code java.home}/bin/java if the OS does not tell. */
    public static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Runs one child to its end; its stderr (progress) is copied to {@code progress}, each line prefixed with
     * {@code prefix}; its stdout (its own single-launch table) is dropped, the parent prints the pooled one.
     * Fails with the child's exit code if it does not end with 0.
     */
    public static void runChild(List<String> command, String prefix, PrintStream progress)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                progress.println(prefix + line);
            }
        } finally {
            if (p.isAlive() && Thread.currentThread().isInterrupted()) {
                p.destroy();
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(prefix + "the child JVM ended with exit code " + rc + " (its messages are "
                    + "above)");
        }
    }

    // ---- one launch as JSON ----

    /** One launch's raw results as JSON: every per-round array exactly (NaN, for PyTorch's CPU time, as null). */
    public static String toJson(Launch launch) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> rows = new ArrayList<>();
        for (Row r : launch.rows()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", r.model());
            o.put("batch", r.batch());
            o.put("builtIn", times(r.builtIn()));
            o.put("oneDnn", times(r.oneDnn()));
            o.put("pairedSpeedup", r.pairedSpeedup());
            o.put("torch", times(r.torch()));
            rows.add(o);
        }
        m.put("rows", rows);
        StudyResult s = launch.study();
        if (s != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("batch", s.batch());
            o.put("names", s.names());
            List<Object> ts = new ArrayList<>();
            s.times().forEach(t -> ts.add(times(t)));
            o.put("times", ts);
            List<Object> cpu = new ArrayList<>();
            s.cpuMs().forEach(c -> cpu.add(list(c)));
            o.put("cpuMs", cpu);
            o.put("steps", s.steps());
            o.put("rssFirstMb", s.rssFirstMb());
            o.put("rssLastMb", s.rssLastMb());
            m.put("study", o);
        }
        return Json.pretty(m);
    }

    /** The inverse of {@link #toJson}. */
    public static Launch fromJson(String json) throws IOException {
        JsonNode root = Json.parse(json);
        List<Row> rows = new ArrayList<>();
        for (JsonNode r : root.path("rows")) {
            rows.add(new Row(r.get("model").asText(), r.get("batch").asInt(), times(r.get("builtIn")),
                    times(r.get("oneDnn")), Json.number(r.get("pairedSpeedup")), times(r.get("torch"))));
        }
        StudyResult study = null;
        JsonNode s = root.get("study");
        if (s != null && !s.isNull()) {
            List<String> names = new ArrayList<>();
            s.get("names").forEach(n -> names.add(n.asText()));
            List<Times> ts = new ArrayList<>();
            s.get("times").forEach(t -> ts.add(times(t)));
            List<double[]> cpu = new ArrayList<>();
            s.get("cpuMs").forEach(c -> cpu.add(array(c)));
            study = new StudyResult(s.get("batch").asInt(), names, ts, cpu, s.get("steps").asInt(),
                    s.get("rssFirstMb").asLong(), s.get("rssLastMb").asLong());
        }
        return new Launch(rows, study);
    }

    public static void write(Launch launch, Path file) throws IOException {
        Files.writeString(file, toJson(launch), StandardCharsets.UTF_8);
    }

    public static Launch read(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static Map<String, Object> times(Times t) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ms", list(t.ms()));
        o.put("note", t.note());
        return o;
    }

    private static Times times(JsonNode n) {
        return new Times(array(n.get("ms")), n.get("note").asText());
    }

    private static List<Double> list(double[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    private static double[] array(JsonNode n) {
        double[] a = new double[n.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = Json.number(n.get(i));
        }
        return a;
    }

    // ---- pooling ----

    /**
     * The launches as one: per model row and per study setup, the per-round arrays of all launches concatenated in
     * launch order (so that round i of one setup still pairs with round i of another), and the same-round median of
     * built-in / oneDNN recomputed on the pooled pairs. A setup measured in some launches only is left out of the
     * pool (its rounds would have no partners): it becomes unmeasured, with a note saying so. Rows and study setups
     * follow the first launch's order; the pooled study has no resident-memory figures ({@code rssFirstMb} -1): they
     * describe one JVM, see {@link #acrossTable}.
     */
    public static Launch pool(List<Launch> launches) {
        if (launches.isEmpty()) {
            throw new IllegalArgumentException("no launches to pool");
        }
        Launch first = launches.get(0);
        List<Row> rows = new ArrayList<>();
        for (Row r : first.rows()) {
            List<Row> same = new ArrayList<>();
            for (Launch l : launches) {
                l.rows().stream().filter(x -> x.model().equals(r.model())).findFirst().ifPresent(same::add);
            }
            int n = launches.size();
            Times b = concat(same.stream().map(Row::builtIn).toList(), n);
            Times o = concat(same.stream().map(Row::oneDnn).toList(), n);
            Times t = concat(same.stream().map(Row::torch).toList(), n);
            rows.add(new Row(r.model(), r.batch(), b, o, b.measured() && o.measured()
                    ? PeerBenchmark.pairedMedianOf(b, o) : Double.NaN, t));
        }
        StudyResult study = null;
        if (first.study() != null) {
            StudyResult s0 = first.study();
            List<String> names = new ArrayList<>();
            List<Times> times = new ArrayList<>();
            List<double[]> cpu = new ArrayList<>();
            for (String name : s0.names()) {
                List<Times> ts = new ArrayList<>();
                List<double[]> cs = new ArrayList<>();
                for (Launch l : launches) {
                    StudyResult s = l.study();
                    int i = s == null ? -1 : s.names().indexOf(name);
                    if (i >= 0) {
                        ts.add(s.times().get(i));
                        cs.add(s.cpuMs().get(i));
                    }
                }
                Times t = concat(ts, launches.size());
                if (t.measured()) {
                    names.add(name);
                    times.add(t);
                    cpu.add(concat(cs));
                }
            }
            study = new StudyResult(s0.batch(), names, times, cpu, times.isEmpty() ? 0 : times.get(0).ms().length,
                    -1, -1);
        }
        return new Launch(rows, study);
    }

    /** The pool of one setup over {@code launches} launches; unmeasured unless measured in all of them. */
    private static Times concat(List<Times> ts, int launches) {
        long measured = ts.stream().filter(Times::measured).count();
        if (measured < launches) {
            String note = ts.stream().filter(t -> !t.measured()).map(Times::note).findFirst()
                    .orElse("not run");
            return Times.none(measured == 0 ? note : note + " (measured in " + measured + " of " + launches
                    + " launches only)");
        }
        List<double[]> arrays = ts.stream().map(Times::ms).toList();
        return new Times(concat(arrays), ts.get(0).note());
    }

    private static double[] concat(List<double[]> arrays) {
        return arrays.stream().flatMapToDouble(Arrays::stream).toArray();
    }

    // ---- across launches ----

    /** Median, minimum and maximum of one figure over launches (NaN if no launch has it). */
    public record Spread(double median, double min, double max) {
        public static Spread of(double[] perLaunch) {
            double[] v = Arrays.stream(perLaunch).filter(x -> !Double.isNaN(x)).toArray();
            if (v.length == 0) {
                return new Spread(Double.NaN, Double.NaN, Double.NaN);
            }
            return new Spread(ModelPaddingBenchmark.median(v), Arrays.stream(v).min().getAsDouble(),
                    Arrays.stream(v).max().getAsDouble());
        }

        /** {@code median (min-max)}, each with {@code format}; "-" if no launch has the figure. */
        public String format(String format) {
            if (Double.isNaN(median)) {
                return "-";
            }
            return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median, min, max);
        }
    }

    /** Same-round median of a / b in one launch; NaN if either was not measured. */
    static double paired(Times a, Times b) {
        return a.measured() && b.measured() ? PeerBenchmark.pairedMedianOf(a, b) : Double.NaN;
    }

    /** Per launch, {@code f} of its row of {@code model} (NaN where the launch has none). */
    static double[] perLaunch(List<Launch> launches, String model, java.util.function.ToDoubleFunction<Row> f) {
        return launches.stream().mapToDouble(l -> l.rows().stream().filter(r -> r.model().equals(model))
                .mapToDouble(f).findFirst().orElse(Double.NaN)).toArray();
    }

    /** Per launch, {@code f} of the study setups {@code a} and {@code b} (NaN where a launch lacks either). */
    static double[] perLaunchStudy(List<Launch> launches, String a, String b,
                                   java.util.function.BiFunction<Times, Times, Double> f) {
        return launches.stream().mapToDouble(l -> l.study() == null ? Double.NaN
                : f.apply(l.study().get(a), l.study().get(b))).toArray();
    }

    /**
     * The "across launches" tables: each launch's own figures, shown as {@code median of launches (min-max)}. For
     * each model row: its median steps (oneDNN, PyTorch) and the same-round medians oneDNN / PyTorch and built-in /
     * oneDNN; for each study setup: its median step and its same-round medians against PyTorch, zero and
     * replicate, and the study JVM's resident-memory growth.
     */
    public static String acrossTable(List<Launch> launches) {
        StringBuilder s = new StringBuilder();
        Launch first = launches.get(0);
        if (!first.rows().isEmpty()) {
            s.append("| model, across ").append(launches.size()).append(" launches | DL4J + oneDNN median (ms) | "
                    + "PyTorch median (ms) | oneDNN / PyTorch (same-round median) | "
                    + "built-in / oneDNN (same-round median) |\n");
            s.append("|---|---:|---:|---:|---:|\n");
            for (Row r : first.rows()) {
                String m = r.model();
                s.append("| ").append(m).append(" | ")
                        .append(Spread.of(perLaunch(launches, m, x -> median(x.oneDnn()))).format("%.0f"))
                        .append(" | ")
                        .append(Spread.of(perLaunch(launches, m, x -> median(x.torch()))).format("%.0f"))
                        .append(" | ")
                        .append(Spread.of(perLaunch(launches, m, x -> paired(x.oneDnn(), x.torch()))).format("%.2fx"))
                        .append(" | ")
                        .append(Spread.of(perLaunch(launches, m, x -> paired(x.builtIn(), x.oneDnn())))
                                .format("%.2fx"))
                        .append(" |\n");
            }
        }
        if (first.study() != null) {
            if (s.length() > 0) {
                s.append('\n');
            }
            s.append("| study setup, across ").append(launches.size()).append(" launches | median step (ms) | "
                    + "/ PyTorch (same-round median) | / zero (same-round median) | "
                    + "/ replicate (same-round median) |\n");
            s.append("|---|---:|---:|---:|---:|\n");
            for (String name : first.study().names()) {
                s.append("| ").append(name).append(" | ")
                        .append(Spread.of(perLaunchStudy(launches, name, name, (a, b) -> median(a)))
                                .format("%.1f"))
                        .append(" | ")
                        .append(Spread.of(perLaunchStudy(launches, name, PeerBenchmark.TORCH, PeerLaunches::paired))
                                .format("%.2fx"))
                        .append(" | ")
                        .append(Spread.of(perLaunchStudy(launches, name, PeerBenchmark.ZERO, PeerLaunches::paired))
                                .format("%.2fx"))
                        .append(" | ")
                        .append(Spread.of(perLaunchStudy(launches, name, PeerBenchmark.REPLICATE,
                                PeerLaunches::paired)).format("%.2fx"))
                        .append(" |\n");
            }
            double[] growth = launches.stream().mapToDouble(l -> {
                StudyResult r = l.study();
                return r == null || r.rssFirstMb() < 0 || r.steps() < 2 ? Double.NaN : r.rssLastMb() - r.rssFirstMb();
            }).toArray();
            Spread g = Spread.of(growth);
            if (!Double.isNaN(g.median())) {
                s.append("Resident memory of the study's JVM, first to last timed round (MB): ")
                        .append(g.format("%+.0f")).append(". ").append(PeerBenchmark.RESIDENT_CAVEAT).append('\n');
            }
        }
        return s.toString();
    }

    private static double median(Times t) {
        return t.measured() ? t.median() : Double.NaN;
    }
}
