package io.github.learnpad.bench;

import io.github.learnpad.OneDnn;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.ResNet50;
import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.models.Variant;
import io.github.learnpad.models.Vgg16;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Training step of LearnPad's models with DL4J's built-in layers, with DL4J's oneDNN helpers ({@link OneDnn}) and in
 * PyTorch ({@code bench/peers/torch_bench.py}, same architectures), measured in one run; run it with
 * {@code ./learnpad bench peers} (docs/benchmarks.md).
 *
 * <p>Per model, the two DL4J networks (zero padding, same seed) are built first, one with the helpers off and one
 * with them on, and PyTorch's in a child process ({@code --serve}, as many threads as this JVM has cores); then each
 * round runs one training step ({@code fit} on one fixed random batch) of each of the three in turn, so that load
 * from other processes hits all alike; the first {@code warmup} rounds are not timed. Reports medians, images per
 * second and the ratios, including the median of the same-round ratios built-in / oneDNN.
 */
public final class PeerBenchmark {
    /** The models, their batch sizes and input shapes (C, H, W). */
    public enum Model {
        SMALLCNN(64, 1, 28),
        /**
         * The study's network ({@code ./learnpad study}): {@link Vgg16} in the CIFAR layout at width 1/8 (8..64
         * channels, hidden 64), one channel at 32 x 32, batch 64.
         */
        STUDY(64, 1, 32),
        VGG16(16, 3, 32), RESNET50(8, 3, 32);

        /** The study's width multiplier ({@code StudyCommand}'s {@code --width-multiplier 0.125}). */
        public static final double STUDY_WIDTH = 0.125;

        final int defaultBatch;
        final int channels;
        final int size;

        Model(int defaultBatch, int channels, int size) {
            this.defaultBatch = defaultBatch;
            this.channels = channels;
            this.size = size;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public int defaultBatch() {
            return defaultBatch;
        }

        /** LearnPad's network, zero padding, 10 classes, NCHW. */
        ComputationGraph build() {
            return build(PaddingVariant.of(PaddingMode.ZERO));
        }

        /** LearnPad's network with the given padding, 10 classes, NCHW, seed 42, Adam 1e-3. */
        ComputationGraph build(PaddingVariant padding) {
            switch (this) {
                case SMALLCNN:
                    return SmallCnn.builder().numClasses(10).inputShape(channels, size, size)
                            .padding(padding).seed(42).build().init();
                case STUDY:
                    return Vgg16.builder().widthMultiplier(STUDY_WIDTH).variant(Variant.CIFAR).numClasses(10)
                            .inputShape(channels, size, size).padding(padding).seed(42).build().init();
                case VGG16:
                    return Vgg16.builder().numClasses(10).inputShape(channels, size, size).padding(padding)
                            .seed(42).build().init();
                default:
                    return ResNet50.builder().numClasses(10).inputShape(channels, size, size)
                            .padding(padding).seed(42).build().init();
            }
        }

        public static Model parse(String s) {
            for (Model m : values()) {
                if (m.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown model '" + s + "': use smallcnn, study, vgg16 or resnet50");
        }
    }

    /** Step times in ms of one setup; empty if not measured. */
    public record Times(double[] ms, String note) {
        static Times none(String note) {
            return new Times(new double[0], note);
        }

        public boolean measured() {
            return ms.length > 0;
        }

        public double median() {
            return ModelPaddingBenchmark.median(ms);
        }
    }

    /** One model's result: two DL4J setups interleaved, PyTorch after. */
    public record Row(String model, int batch, Times builtIn, Times oneDnn, double pairedSpeedup, Times torch) {
    }

    private PeerBenchmark() {
    }

    /** One training step of one setup; returns its time in ms. */
    private interface Step {
        double run();
    }

    /** A DL4J network's step: {@code fit} on one batch, timed here. */
    private static Step dl4j(ComputationGraph net, DataSet ds) {
        return new Dl4jStep(net, ds);
    }

    /** A DL4J step that also keeps the process CPU time (all threads, ND4J's native ones too) of its last run. */
    private static final class Dl4jStep implements Step {
        private static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private final ComputationGraph net;
        private final DataSet ds;
        double lastCpuMs;

        Dl4jStep(ComputationGraph net, DataSet ds) {
            this.net = net;
            this.ds = ds;
        }

        @Override
        public double run() {
            long c0 = OS.getProcessCpuTime();
            long t0 = System.nanoTime();
            net.fit(ds);
            double ms = (System.nanoTime() - t0) / 1e6;
            lastCpuMs = (OS.getProcessCpuTime() - c0) / 1e6;
            return ms;
        }
    }

    /**
     * Measures one model: DL4J built-in, DL4J + oneDNN and, if {@code python} is set, PyTorch, one step each per
     * round. {@code python} null: no PyTorch. Progress lines go to {@code progress}.
     */
    public static Row run(Model model, int batch, int warmup, int steps, String python, Path script,
                          PrintStream progress) {
        DataSet ds = batch(batch, model.channels, model.size, CNN2DFormat.NCHW);
        OneDnn.disable();
        ComputationGraph builtIn = model.build();
        progress.println(model.id() + ", built-in: " + OneDnn.describe(builtIn));
        boolean oneDnnOn = OneDnn.enable();
        List<String> names = new ArrayList<>(List.of("built-in"));
        List<Step> setups = new ArrayList<>(List.of(dl4j(builtIn, ds)));
        if (oneDnnOn) {
            ComputationGraph withOneDnn = model.build();
            progress.println(model.id() + ", oneDNN: " + OneDnn.describe(withOneDnn));
            names.add("oneDNN");
            setups.add(dl4j(withOneDnn, ds));
        }
        try (TorchServer torch = python == null ? null
                : TorchServer.start(python, script, model.id(), batch, false, progress)) {
            if (torch != null) {
                names.add("PyTorch");
                setups.add(torch::step);
            }
            double[][] t = interleave(setups, warmup, steps, model.id(), names, progress);
            Times o = oneDnnOn ? new Times(t[1], "") : Times.none(OneDnn.status());
            Times pt = torch != null ? new Times(t[t.length - 1], torch.version)
                    : Times.none(python == null ? "PyTorch not run" : "PyTorch failed to start");
            return new Row(model.id(), batch, new Times(t[0], ""), o, oneDnnOn ? pairedMedian(t[0], t[1]) : Double.NaN,
                    pt);
        }
    }

    /** The study's network: each setup's name and step times, in the order they ran within a round. */
    public record StudyResult(int batch, List<String> names, List<Times> times, List<double[]> cpuMs, int steps,
                              long rssFirstMb, long rssLastMb) {
        public Times get(String name) {
            int i = names.indexOf(name);
            return i < 0 ? Times.none(name + " not run") : times.get(i);
        }
    }

    /** Setup names of {@link #runStudy}. */
    public static final String ZERO = "zero";
    public static final String ZERO_IN_CONV = "zero-in-conv";
    public static final String REPLICATE = "replicate";
    public static final String LEARNED = "learned";
    public static final String LEARNED_MIXING = "learned-mixing";
    public static final String TORCH = "PyTorch";

    /**
     * The study's network ({@link Model#STUDY}) with DL4J's oneDNN helpers, one step of each setup per round:
     * {@value #ZERO} (what {@link Vgg16}'s builder gives for zero padding: an explicit {@code ZeroPaddingLayer} before
     * each unpadded convolution), {@value #ZERO_IN_CONV} (the same network with the convolutions padding themselves,
     * as PyTorch's {@code Conv2d}), {@value #REPLICATE} (an explicit fixed padding layer of another mode),
     * {@value #LEARNED} (the Padding Module), {@value #LEARNED_MIXING} (with channel mixing, if {@code mixing}), and
     * PyTorch's twin if {@code python} is set. Same seed, same batch, Adam 1e-3.
     */
    public static StudyResult runStudy(int batch, int warmup, int steps, boolean mixing, String python, Path script,
                                       PrintStream progress) {
        Model m = Model.STUDY;
        DataSet ds = batch(batch, m.channels, m.size, CNN2DFormat.NCHW);
        OneDnn.enable();
        List<String> names = new ArrayList<>();
        List<Step> setups = new ArrayList<>();
        names.add(ZERO);
        setups.add(dl4j(m.build(PaddingVariant.of(PaddingMode.ZERO)), ds));
        ComputationGraph inConv = plainVgg16(CNN2DFormat.NCHW, m.channels, m.size, Model.STUDY_WIDTH);
        progress.println("study, zero in the convolutions: " + OneDnn.describe(inConv));
        names.add(ZERO_IN_CONV);
        setups.add(dl4j(inConv, ds));
        names.add(REPLICATE);
        setups.add(dl4j(m.build(PaddingVariant.of(PaddingMode.REPLICATE)), ds));
        names.add(LEARNED);
        setups.add(dl4j(m.build(PaddingVariant.LEARNED), ds));
        if (mixing) {
            names.add(LEARNED_MIXING);
            setups.add(dl4j(m.build(PaddingVariant.LEARNED_MIXING), ds));
        }
        try (TorchServer torch = python == null ? null
                : TorchServer.start(python, script, m.id(), batch, false, progress)) {
            if (torch != null) {
                names.add(TORCH);
                setups.add(torch::step);
            }
            double[][] cpu = new double[setups.size()][steps];
            long[] rss = new long[2];
            double[][] t = interleave(setups, warmup, steps, m.id(), names, progress, cpu, rss);
            List<Times> times = new ArrayList<>();
            for (int k = 0; k < t.length; k++) {
                times.add(new Times(t[k], TORCH.equals(names.get(k)) ? torch.version : ""));
            }
            return new StudyResult(batch, names, times, List.of(cpu), steps, rss[0], rss[1]);
        }
    }

    /** The study's rows as a Markdown table: medians and same-round ratios to PyTorch, zero and replicate. */
    public static String studyTable(StudyResult r) {
        StringBuilder s = new StringBuilder();
        s.append("| study's network, batch ").append(r.batch()).append(" | median step (ms) | images/s | "
                + "/ PyTorch (same-round median) | / zero (same-round median) | / replicate (same-round median) | "
                + "process CPU per step (ms, median) |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Times torch = r.get(TORCH);
        Times zero = r.get(ZERO);
        Times rep = r.get(REPLICATE);
        for (int i = 0; i < r.names().size(); i++) {
            Times t = r.times().get(i);
            double cpu = ModelPaddingBenchmark.median(r.cpuMs().get(i));
            s.append(String.format(Locale.ROOT, "| %s | %.1f | %.0f | %s | %s | %s | %s |%n", r.names().get(i),
                    t.median(), r.batch() * 1000 / t.median(), ratio(t, torch), ratio(t, zero), ratio(t, rep),
                    Double.isNaN(cpu) ? "-" : String.format(Locale.ROOT, "%.0f", cpu)));
        }
        if (r.rssFirstMb() >= 0 && r.steps() > 1) {
            s.append(String.format(Locale.ROOT, "Resident memory (whole JVM, all setups): %d MB after the first timed "
                    + "round, %d MB after the last. %s%n", r.rssFirstMb(), r.rssLastMb(), RESIDENT_CAVEAT));
        }
        if (torch.measured()) {
            s.append(torch.note()).append('\n');
        }
        return s.toString();
    }

    private static String ratio(Times a, Times b) {
        return a.measured() && b.measured() ? String.format(Locale.ROOT, "%.2fx (%.2fx)", a.median() / b.median(),
                pairedMedianOf(a, b)) : "-";
    }

    /**
     * NCHW against NHWC with the oneDNN helpers: a VGG16 (CIFAR variant, zero padding inside the convolutions, as
     * PyTorch's) built in each format, interleaved. Returns {NCHW times, NHWC times}, and PyTorch's channels-last
     * (interleaved too) if {@code python} is set.
     */
    public static List<Times> formats(int batch, int warmup, int steps, String python, Path script,
                                      PrintStream progress) {
        OneDnn.enable();
        ComputationGraph nchw = plainVgg16(CNN2DFormat.NCHW, 3, 32, 1);
        ComputationGraph nhwc = plainVgg16(CNN2DFormat.NHWC, 3, 32, 1);
        progress.println("vgg16 NCHW: " + OneDnn.describe(nchw) + "; NHWC: " + OneDnn.describe(nhwc));
        DataSet dc = batch(batch, 3, 32, CNN2DFormat.NCHW);
        DataSet dh = new DataSet(dc.getFeatures().permute(0, 2, 3, 1).dup('c'), dc.getLabels());
        List<String> names = new ArrayList<>(List.of("NCHW", "NHWC"));
        List<Step> setups = new ArrayList<>(List.of(dl4j(nchw, dc), dl4j(nhwc, dh)));
        try (TorchServer torch = python == null ? null
                : TorchServer.start(python, script, "vgg16", batch, true, progress)) {
            if (torch != null) {
                names.add("PyTorch channels-last");
                setups.add(torch::step);
            }
            double[][] t = interleave(setups, warmup, steps, "vgg16", names, progress);
            List<Times> r = new ArrayList<>();
            for (double[] ms : t) {
                r.add(new Times(ms, ""));
            }
            return r;
        }
    }

    /** Rounds of one step per setup in turn; returns [setup][timed step] in ms. */
    private static double[][] interleave(List<Step> setups, int warmup, int steps, String model, List<String> names,
                                         PrintStream progress) {
        return interleave(setups, warmup, steps, model, names, progress, null);
    }

    /**
     * As above; {@code cpu}, if not null, gets [setup][timed step] process CPU ms of the DL4J setups (NaN for
     * others), and {@code rss[0..1]} the resident set in MB after the first and the last timed round.
     */
    private static double[][] interleave(List<Step> setups, int warmup, int steps, String model, List<String> names,
                                         PrintStream progress, double[][] cpu, long... rss) {
        double[][] t = new double[setups.size()][steps];
        for (int round = 0; round < warmup + steps; round++) {
            for (int k = 0; k < setups.size(); k++) {
                double ms = setups.get(k).run();
                if (round >= warmup) {
                    t[k][round - warmup] = ms;
                    if (cpu != null) {
                        cpu[k][round - warmup] = setups.get(k) instanceof Dl4jStep d ? d.lastCpuMs : Double.NaN;
                    }
                }
                progress.printf(Locale.ROOT, "round %d %s %s %.0f ms%n", round, model, names.get(k), ms);
            }
            if (rss.length == 2 && round == warmup) {
                rss[0] = ModelPaddingBenchmark.residentMb();
            }
        }
        if (rss.length == 2) {
            rss[1] = ModelPaddingBenchmark.residentMb();
        }
        return t;
    }

    /** Median over rounds of a's step / b's step in the same round. */
    public static double pairedMedianOf(Times a, Times b) {
        return pairedMedian(a.ms(), b.ms());
    }

    static double pairedMedian(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return ModelPaddingBenchmark.median(r);
    }

    private static DataSet batch(int n, int c, int size, CNN2DFormat format) {
        Nd4j.getRandom().setSeed(123);
        INDArray x = format == CNN2DFormat.NCHW ? Nd4j.rand(DataType.FLOAT, n, c, size, size)
                : Nd4j.rand(DataType.FLOAT, n, size, size, c);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 10, 1);
        }
        return new DataSet(x, y);
    }

    /**
     * VGG16, CIFAR variant as {@link Vgg16} (width scaled by {@code width} as its {@code widthMultiplier}), but
     * padded by the convolutions themselves, in the given format, for {@code channels x size x size} inputs.
     */
    static ComputationGraph plainVgg16(CNN2DFormat format, int channels, int size, double width) {
        int[][] blocks = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(42)
                .updater(new Adam(1e-3)).weightInit(WeightInit.RELU).activation(Activation.RELU)
                .convolutionMode(ConvolutionMode.Truncate).graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(size, size, channels, format));
        String last = "input";
        for (int blk = 0; blk < blocks.length; blk++) {
            for (int i = 0; i < blocks[blk].length; i++) {
                String name = "conv" + (blk + 1) + "_" + (i + 1);
                g.addLayer(name, new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(scaled(blocks[blk][i], width))
                        .dataFormat(format).activation(Activation.IDENTITY).build(), last);
                g.addLayer(name + "-bn", new BatchNormalization.Builder().dataFormat(format).build(), name);
                g.addLayer(name + "-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                        name + "-bn");
                last = name + "-relu";
            }
            g.addLayer("pool" + (blk + 1), new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2)
                    .stride(2, 2).dataFormat(format).build(), last);
            last = "pool" + (blk + 1);
        }
        g.addLayer("fc1", new DenseLayer.Builder().nOut(scaled(512, width)).dropOut(0.5).build(), last)
                .addLayer("fc2", new DenseLayer.Builder().nOut(scaled(512, width)).dropOut(0.5).build(), "fc1")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(10)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "fc2")
                .setOutputs("output");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /** As {@link Vgg16}'s width multiplier: rounded, at least 1. */
    private static int scaled(int width, double multiplier) {
        return Math.max(1, (int) Math.round(width * multiplier));
    }

    /**
     * The PyTorch script in a child process ({@code --serve}): it builds the model once, then runs one training step
     * per request and reports its own time for it, so that its steps interleave with DL4J's.
     */
    static final class TorchServer implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader out;
        private final java.io.Writer in;
        final String version;

        private TorchServer(Process process, String version) {
            this.process = process;
            this.out = process.inputReader(StandardCharsets.UTF_8);
            this.in = process.outputWriter(StandardCharsets.UTF_8);
            this.version = version;
        }

        /** Starts it; null (with a progress line saying why) if it does not come up. */
        static TorchServer start(String python, Path script, String model, int batch, boolean channelsLast,
                                 PrintStream progress) {
            List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--serve", "--model", model,
                    "--batch", String.valueOf(batch), "--threads",
                    String.valueOf(Runtime.getRuntime().availableProcessors())));
            if (channelsLast) {
                cmd.add("--channels-last");
            }
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
                torchEnvironment(pb.environment());
                String policy = ompWaitPolicyNote(pb.environment());
                Process p = pb.start();
                String ready = p.inputReader(StandardCharsets.UTF_8).readLine();
                if (ready == null || !ready.startsWith("ready torch ")) {
                    p.destroy();
                    progress.println("PyTorch did not start: " + String.join(" ", cmd));
                    return null;
                }
                return new TorchServer(p, "PyTorch " + ready.substring("ready torch ".length())
                        + ", OpenMP wait policy: " + policy);
            } catch (IOException e) {
                progress.println("PyTorch not run: " + e.getMessage());
                return null;
            }
        }

        double step() {
            try {
                in.write("step\n");
                in.flush();
                String line = out.readLine();
                if (line == null) {
                    throw new IllegalStateException("the PyTorch process ended (its error is above)");
                }
                return Double.parseDouble(line.trim());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
                if (!process.waitFor(1, TimeUnit.MINUTES)) {
                    process.destroy();
                }
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What a short run's resident-set change is not: in a few rounds the JVM is still reaching its working size (heap
     * regions touched for the first time, allocator arenas), so the change is no growth rate.
     */
    static final String RESIDENT_CAVEAT = "A short run's change includes the JVM reaching its working size, not a "
            + "growth rate: the long-run measure is in docs/benchmarks.md, \"Where the resident memory goes\".";

    /**
     * Set by the {@code learnpad} launcher (to 1) when it chose {@code OMP_WAIT_POLICY=PASSIVE} itself, because the
     * caller had not set the variable.
     */
    public static final String OMP_DEFAULTED = "LEARNPAD_OMP_WAIT_POLICY_DEFAULTED";

    /**
     * Set by the {@code learnpad} launcher (to 1) when it chose {@code MALLOC_ARENA_MAX=1} itself, because the caller
     * had not set the variable.
     */
    public static final String ARENAS_DEFAULTED = "LEARNPAD_MALLOC_ARENA_MAX_DEFAULTED";

    /**
     * The PyTorch peer's environment, derived in place from this JVM's (which {@code env} starts as). The launcher's
     * {@code OMP_WAIT_POLICY=PASSIVE} and {@code MALLOC_ARENA_MAX=1} are DL4J tunings (ND4J's OpenMP threads, ND4J's
     * and oneDNN's native allocations; docs/benchmarks.md), so where the launcher chose them (its marker is 1) they are
     * removed and PyTorch runs with the defaults its users get; a value the caller set is kept (it then applies to
     * both, as the caller asked).
     */
    static void torchEnvironment(java.util.Map<String, String> env) {
        if ("1".equals(env.get(OMP_DEFAULTED))) {
            env.remove("OMP_WAIT_POLICY");
        }
        if ("1".equals(env.get(ARENAS_DEFAULTED))) {
            env.remove("MALLOC_ARENA_MAX");
        }
        // A cap on oneDNN's instruction set is a DL4J tuning (it keeps ND4J's oneDNN 2.3 off its Winograd backward
        // convolutions, docs/benchmarks.md); PyTorch's own oneDNN reads the same variables, so the peer never gets it.
        ONEDNN_ISA_VARIABLES.forEach(env::remove);
    }

    /**
     * The environment variables that cap oneDNN's instruction set: ND4J M2.1's oneDNN 2.3 reads the first, PyTorch
     * 1.13's oneDNN 2.6 both.
     */
    public static final List<String> ONEDNN_ISA_VARIABLES = List.of("DNNL_MAX_CPU_ISA", "ONEDNN_MAX_CPU_ISA");

    /**
     * The settings of DL4J's (this JVM's) environment that move its step times, for the header line: the OpenMP wait
     * policy and glibc's arena count (each with who chose it: the launcher or the caller), and oneDNN's ISA cap.
     */
    public static String dl4jEnvironment() {
        return dl4jEnvironment(System.getenv());
    }

    /** {@link #dl4jEnvironment()} for a process with environment {@code env}. */
    static String dl4jEnvironment(java.util.Map<String, String> env) {
        String isa = env.get(ONEDNN_ISA_VARIABLES.get(0));
        return "DL4J's OMP_WAIT_POLICY "
                + launcherSetting(env, "OMP_WAIT_POLICY", OMP_DEFAULTED, "unset (OpenMP's default)")
                + ", MALLOC_ARENA_MAX "
                + launcherSetting(env, "MALLOC_ARENA_MAX", ARENAS_DEFAULTED, "unset (glibc's default)")
                + ", DNNL_MAX_CPU_ISA " + (isa == null || isa.isEmpty() ? "none" : isa);
    }

    /** The OpenMP wait policy of a process with this environment, for the notes: its value or "PyTorch's default". */
    static String ompWaitPolicyNote(java.util.Map<String, String> env) {
        String p = env.get("OMP_WAIT_POLICY");
        return p == null || p.isEmpty() ? "PyTorch's default" : p + " (set by the caller)";
    }

    /** A variable the launcher may default: "unset ...", or its value and who chose it. */
    private static String launcherSetting(java.util.Map<String, String> env, String variable, String marker,
                                          String unset) {
        String p = env.get(variable);
        if (p == null || p.isEmpty()) {
            return unset;
        }
        return p + ("1".equals(env.get(marker)) ? " (the launcher's default)" : " (set by the caller)");
    }

    /**
     * The Python interpreter to use: {@code requested} if set, else the first of {@code python3},
     * {@code /usr/bin/python3} that can {@code import torch}; null if none can (PyTorch is then left out).
     */
    public static String findPython(String requested) {
        List<String> candidates = requested != null ? List.of(requested) : List.of("python3", "/usr/bin/python3");
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0) {
                    return c;
                }
            } catch (IOException e) {
                // not installed: try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** {@code bench/peers/torch_bench.py} under the working directory or LearnPad's home (set by the launcher). */
    public static Path findScript() {
        Path rel = Path.of("bench", "peers", "torch_bench.py");
        if (Files.isRegularFile(rel)) {
            return rel;
        }
        String home = System.getProperty("learnpad.home");
        return home != null ? Path.of(home).resolve(rel) : rel;
    }

    /** The results as a Markdown table. */
    public static String table(List<Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append("| model | batch | DL4J built-in (ms) | DL4J + oneDNN (ms) | PyTorch (ms) | images/s built-in | "
                + "images/s oneDNN | images/s PyTorch | built-in / oneDNN (same-round median) | "
                + "oneDNN / PyTorch (same-round median) |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.model(),
                    r.batch(), ms(r.builtIn()), ms(r.oneDnn()), ms(r.torch()), ips(r.builtIn(), r.batch()),
                    ips(r.oneDnn(), r.batch()), ips(r.torch(), r.batch()),
                    r.oneDnn().measured() ? String.format(Locale.ROOT, "%.2fx (%.2fx)",
                            r.builtIn().median() / r.oneDnn().median(), r.pairedSpeedup()) : "-",
                    r.oneDnn().measured() && r.torch().measured() ? String.format(Locale.ROOT, "%.2fx (%.2fx)",
                            r.oneDnn().median() / r.torch().median(), pairedMedianOf(r.oneDnn(), r.torch())) : "-"));
        }
        for (Row r : rows) {
            for (Times t : new Times[]{r.oneDnn(), r.torch()}) {
                if (!t.measured()) {
                    s.append(r.model()).append(": ").append(t.note()).append('\n');
                }
            }
        }
        // PyTorch's version and OpenMP wait policy, once: the same peer ran every model.
        rows.stream().map(Row::torch).filter(Times::measured).map(Times::note).distinct()
                .forEach(n -> s.append(n).append('\n'));
        return s.toString();
    }

    private static String ms(Times t) {
        return t.measured() ? String.format(Locale.ROOT, "%.0f", t.median()) : "-";
    }

    private static String ips(Times t, int batch) {
        return t.measured() ? String.format(Locale.ROOT, "%.1f", batch * 1000 / t.median()) : "-";
    }
}
