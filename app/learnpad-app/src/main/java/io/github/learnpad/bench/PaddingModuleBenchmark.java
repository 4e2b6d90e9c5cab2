package io.github.learnpad.bench;

import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times one padding layer's training step (forward + backward, local loss included) and its inference forward
 * against DL4J's {@code ZeroPaddingLayer}, measured in the same run, interleaved, and prints medians and ratios.
 *
 * <pre>./learnpad bench [--shape N,C,H,W] [--reps R] [--no-workspaces] [--conv-layout | --nhwc]</pre>
 *
 * Default input {@code (32, 64, 32, 32)} float, padding 1, 30 timed repetitions after 100 warm-ups. By default every
 * layer runs in workspaces of its own, as layers do when a network trains ({@code WorkspaceMode.ENABLED} is DL4J's
 * default): the arrays of one step reuse the memory of the previous one. With {@code --no-workspaces} every step
 * allocates fresh arrays, and the first writes into that memory (the kernel's page faults) become part of the time.
 * The input and the upstream gradient are packed NCHW arrays, unless {@code --conv-layout} gives them the memory
 * layout they have between DL4J convolutions: (N, C, H, W) views of (C, N, H, W) arrays. With {@code --nhwc} the
 * network is NHWC ({@code (N, H, W, C)} arrays): ZeroPaddingLayer and the Padding Module in NHWC, and the Padding
 * Module on the same data in NCHW for comparison (channel mixing and SAMEDIFF are left out).
 */
public final class PaddingModuleBenchmark {
    private static final String NCHW_ROW = "PaddingModule FAST (default), same data in NCHW";
    /** Warm-up repetitions (2 for the slow SAMEDIFF reference). */
    static final int WARMUP = 100;

    private PaddingModuleBenchmark() {
    }

    /** Median times in ms of one layer. */
    public static final class Timing {
        public final String name;
        public final double trainMs;
        public final double inferMs;
        /**
         * Mean process CPU time (all threads) of a training step: less sensitive than wall time to a busy machine. A
         * mean, not a median: the OS counts CPU time in ticks of about 10 ms, longer than a step of the fast layers.
         */
        public final double trainCpuMs;

        Timing(String name, double trainMs, double inferMs, double trainCpuMs) {
            this.name = name;
            this.trainMs = trainMs;
            this.inferMs = inferMs;
            this.trainCpuMs = trainCpuMs;
        }
    }

    /**
     * Runs the benchmark, in per-layer workspaces or not, on packed NCHW arrays or in the layout of a convolution's
     * output ({@code convLayout}); the SAMEDIFF reference gets {@code sameDiffReps} repetitions (it is slow).
     */
    public static List<Timing> run(long[] shape, int reps, int sameDiffReps, boolean workspaces, boolean convLayout) {
        return run(shape, reps, sameDiffReps, workspaces, convLayout, false);
    }

    /** {@link #run(long[], int, int, boolean, boolean)}, or with {@code nhwc} the NHWC comparison (see the class). */
    public static List<Timing> run(long[] shape, int reps, int sameDiffReps, boolean workspaces, boolean convLayout,
            boolean nhwc) {
        // SameDiff (M2.1) prints a line per differentiated op to stdout when it builds the reference's gradient
        // function (SameDiff.createGradFunction): send them to stderr, so that stdout holds only the report.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            return measure(shape, reps, sameDiffReps, workspaces, convLayout, nhwc);
        } finally {
            System.setOut(stdout);
        }
    }

    private static List<Timing> measure(long[] shape, int reps, int sameDiffReps, boolean workspaces,
                                        boolean convLayout, boolean nhwc) {
        Map<String, org.deeplearning4j.nn.conf.layers.Layer> layers = new LinkedHashMap<>();
        layers.put("ZeroPaddingLayer (DL4J)" + (nhwc ? ", NHWC" : ""), new ZeroPaddingLayer.Builder(1, 1, 1, 1).build());
        layers.put("PaddingModule FAST (default)" + (nhwc ? ", NHWC" : ""), new PaddingModule.Builder().padding(1).build());
        if (nhwc) {
            layers.put(NCHW_ROW, new PaddingModule.Builder().padding(1).build());
        } else {
            layers.put("PaddingModule FAST, channel mixing (GEMMs + Java data movement)", new PaddingModule.Builder()
                    .padding(1).channelMixing(true).build());
            layers.put("PaddingModule ND4J_OPS, channel mixing (ND4J ops only: FAST's path before)",
                    new PaddingModule.Builder().padding(1).channelMixing(true)
                            .implementation(PaddingModule.Implementation.ND4J_OPS).build());
            layers.put("PaddingModule JAVA, channel mixing (scalar Java passes)",
                    new PaddingModule.Builder().padding(1).channelMixing(true)
                            .implementation(PaddingModule.Implementation.JAVA).build());
            layers.put("PaddingModule ND4J_OPS (device path, depthwise)", new PaddingModule.Builder().padding(1)
                    .implementation(PaddingModule.Implementation.ND4J_OPS).build());
            layers.put("PaddingModule SAMEDIFF (reference)", new PaddingModule.Builder().padding(1)
                    .implementation(PaddingModule.Implementation.SAMEDIFF).build());
        }
        java.util.Random r = new java.util.Random(1);
        INDArray x = Nd4j.create(DataType.FLOAT, shape);
        float[] v = new float[(int) x.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        x.assign(Nd4j.create(v, shape, 'c'));
        INDArray eps = Nd4j.ones(DataType.FLOAT, shape[0], shape[1], shape[2] + 2, shape[3] + 2);
        if (convLayout) {
            x = inConvLayout(x);
            eps = inConvLayout(eps);
        }
        // The Padding Module's backward (like DL4J's own dropout backward) writes into the epsilon it receives, as a
        // network's layers may: every step gets a fresh copy, made before the clock starts, for every layer alike.
        INDArray epsStep = convLayout ? inConvLayout(eps) : eps.dup();
        // NHWC: the same values, permuted (a packed NHWC array, as an NHWC network's layers give it).
        INDArray xNhwc = x.permute(0, 2, 3, 1).dup('c'), epsNhwc = eps.permute(0, 2, 3, 1).dup('c');
        INDArray epsStepNhwc = epsNhwc.dup();

        Map<String, Layer> runtime = new LinkedHashMap<>();
        layers.forEach((name, conf) -> runtime.put(name, instantiate(conf, shape,
                nhwc && !name.equals(NCHW_ROW) ? CNN2DFormat.NHWC : CNN2DFormat.NCHW)));
        Map<String, LayerWorkspaceMgr[]> managers = new LinkedHashMap<>();
        int id = 0;
        for (String name : runtime.keySet()) {
            // DL4J's SameDiff layer runtime borrows workspaces of its own, which clashes with ours: no workspaces there.
            boolean ws = workspaces && !name.contains("SAMEDIFF");
            managers.put(name, ws ? new LayerWorkspaceMgr[]{workspaceMgr("LP_BENCH_TRAIN_" + id),
                    workspaceMgr("LP_BENCH_INFER_" + id)}
                    : new LayerWorkspaceMgr[]{LayerWorkspaceMgr.noWorkspaces(), LayerWorkspaceMgr.noWorkspaces()});
            id++;
        }
        Map<String, List<Double>> train = new LinkedHashMap<>();
        Map<String, List<Double>> infer = new LinkedHashMap<>();
        Map<String, List<Double>> trainCpu = new LinkedHashMap<>();
        runtime.keySet().forEach(k -> {
            train.put(k, new ArrayList<>());
            infer.put(k, new ArrayList<>());
            trainCpu.put(k, new ArrayList<>());
        });
        // The Java paths need many calls before the JIT has compiled them fully (measured: the first ~60 training
        // steps of the FAST path run several times slower than the steady state), so warm up generously.
        // Two rounds: the fast layers interleaved (the headline ratio), then the SAMEDIFF reference, whose multi-second steps
        // (garbage, evicted caches) would disturb the fast layers' timings if interleaved with them.
        for (boolean slowRound : new boolean[]{false, true}) {
            for (int rep = -WARMUP; rep < reps; rep++) {
                for (Map.Entry<String, Layer> e : runtime.entrySet()) {
                    boolean sd = e.getKey().contains("SAMEDIFF");
                    boolean slow = sd;
                    int needed = sd ? sameDiffReps : reps;
                    if (slow != slowRound || rep >= needed || rep < (slow ? -2 : -WARMUP)) {
                        continue;
                    }
                    Layer l = e.getValue();
                    LayerWorkspaceMgr[] mgr = managers.get(e.getKey());
                    boolean inWs = workspaces && !sd;
                    boolean permuted = nhwc && !e.getKey().equals(NCHW_ROW);
                    INDArray in = permuted ? xNhwc : x;
                    INDArray epsIn = permuted ? epsStepNhwc.assign(epsNhwc) : epsStep.assign(eps);
                    long c0 = processCpuNanos();
                    long t0 = System.nanoTime();
                    try (MemoryWorkspace ws = scope(mgr[0], inWs)) {
                        l.setInput(in, mgr[0]);
                        l.activate(true, mgr[0]);
                        l.backpropGradient(epsIn, mgr[0]);
                    }
                    long t1 = System.nanoTime();
                    long c1 = processCpuNanos();
                    try (MemoryWorkspace ws = scope(mgr[1], inWs)) {
                        l.setInput(in, mgr[1]);
                        l.activate(false, mgr[1]);
                    }
                    long t2 = System.nanoTime();
                    if (rep >= 0) {
                        train.get(e.getKey()).add((t1 - t0) / 1e6);
                        infer.get(e.getKey()).add((t2 - t1) / 1e6);
                        trainCpu.get(e.getKey()).add((c1 - c0) / 1e6);
                    }
                }
            }
        }
        List<Timing> out = new ArrayList<>();
        runtime.keySet().forEach(k -> out.add(new Timing(k, median(train.get(k)), median(infer.get(k)),
                trainCpu.get(k).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN))));
        return out;
    }

    /** A copy of {@code a (N, C, H, W)} laid out in memory as (C, N, H, W), as DL4J's convolutions lay out theirs. */
    private static INDArray inConvLayout(INDArray a) {
        return a.permute(1, 0, 2, 3).dup('c').permute(1, 0, 2, 3);
    }

    /** One workspace for every array type: a step's arrays reuse the previous step's memory, as in training. */
    private static LayerWorkspaceMgr workspaceMgr(String name) {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(0).overallocationLimit(0.05)
                .policyLearning(LearningPolicy.FIRST_LOOP).policyReset(ResetPolicy.BLOCK_LEFT)
                .policySpill(SpillPolicy.REALLOCATE).policyAllocation(AllocationPolicy.OVERALLOCATE).build();
        return LayerWorkspaceMgr.builder().defaultWorkspace(name, conf).build();
    }

    private static MemoryWorkspace scope(LayerWorkspaceMgr mgr, boolean workspaces) {
        return workspaces ? mgr.notifyScopeEntered(ArrayType.ACTIVATIONS) : Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
    }

    private static Layer instantiate(org.deeplearning4j.nn.conf.layers.Layer conf, long[] shape, CNN2DFormat format) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(conf).layer(new CnnLossLayer.Builder().format(format).build())
                .setInputType(InputType.convolutional(shape[2], shape[3], shape[1], format)).build());
        net.init();
        net.initGradientsView();
        return net.getLayer(0);
    }

    /**
     * CPU time used by this process so far (all threads, native OpenMP threads included): less sensitive than wall
     * time to other processes competing for the cores. -1 if the JVM does not report it.
     */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? Double.NaN : (a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2);
    }

    /** A Markdown table: medians and ratios to the first (baseline) row, and how it was measured. */
    public static String report(List<Timing> t, long[] shape, int reps, boolean workspaces, boolean convLayout) {
        return report(t, shape, reps, workspaces, convLayout, false);
    }

    /** {@link #report(List, long[], int, boolean, boolean)} for a run with or without {@code nhwc}. */
    public static String report(List<Timing> t, long[] shape, int reps, boolean workspaces, boolean convLayout,
            boolean nhwc) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Input %s float (%s), padding 1, median of %d after %d warm-ups (SAMEDIFF: "
                        + "fewer), %d cores, %s, OMP_WAIT_POLICY=%s%n%n", Arrays.toString(shape),
                nhwc ? "packed NHWC, i.e. (N, H, W, C) arrays of these sizes"
                        : convLayout ? "layout of a convolution's output: (C, N, H, W) in memory" : "packed NCHW", reps, WARMUP,
                Runtime.getRuntime().availableProcessors(), workspaces ? "each layer in workspaces of its own (as in "
                        + "training; SAMEDIFF without)" : "no workspaces (fresh arrays every step)",
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset (OpenMP threads spin after each op)")));
        sb.append("| layer | train fwd+bwd (ms) | ratio to zero | train, mean process CPU (ms) | CPU ratio to zero "
                + "| inference fwd (ms) | ratio to zero |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Timing base = t.get(0);
        for (Timing x : t) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.2fx | %.1f | %.2fx | %.1f | %.2fx |%n", x.name,
                    x.trainMs, x.trainMs / base.trainMs, x.trainCpuMs, x.trainCpuMs / base.trainCpuMs, x.inferMs,
                    x.inferMs / base.inferMs));
        }
        return sb.toString();
    }
}
