package io.github.learnpad.bench;

import io.github.learnpad.OneDnn;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import io.github.learnpad.models.ResNet50;
import io.github.learnpad.models.Vgg16;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training step time of a CIFAR-size model (VGG16 by default) with each padding mode, all measured in one run.
 *
 * <pre>
 * java -cp target/classes:target/lib/* io.github.learnpad.bench.ModelPaddingBenchmark \
 *     [--model vgg16|resnet50] [--batch 16] [--warmup 2] [--steps 5] [--size 32] [--modes zero,reflect,...] [--mixing]
 *     [--mixing-ops]
 *     [--onednn on|off]
 * </pre>
 * With DL4J's oneDNN helpers ({@link OneDnn}) on by default, as the CLI.
 *
 * <p>All networks are built first; then each round runs one training step ({@code fit} on a random batch
 * {@code (batch, 3, size, size)} with random one-hot labels over 10 classes) of every mode in turn, so that load from
 * other processes affects all modes alike. The first {@code warmup} rounds are not timed. Prints, per mode, the
 * median, minimum and maximum step time, the ratio of the median to ZERO's median, and the median of the per-round
 * ratios to ZERO's step of the same round (more robust to changing load), and the median process CPU time per step
 * (all threads; least sensitive to other processes on a shared machine), as a Markdown table.
 */
public final class ModelPaddingBenchmark {

    /** The extra mode of {@code --mixing}: LEARNED with channel-mixing predictors. */
    private static final String MIXING = "learned-mixing";
    /**
     * The extra mode of {@code --mixing-ops}: {@link #MIXING} on the ND4J-ops passes ({@code Implementation.ND4J_OPS}),
     * to compare the two channel-mixing implementations in one run.
     */
    private static final String MIXING_OPS = "learned-mixing-ops";

    private ModelPaddingBenchmark() {
    }

    public static void main(String[] args) {
        String model = "vgg16";
        int batch = 16;
        int warmup = 2;
        int steps = 5;
        int size = 32;
        List<PaddingMode> modes = new ArrayList<>(Arrays.asList(PaddingMode.values()));
        boolean mixing = false;
        boolean mixingOps = false;
        boolean oneDnn = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--mixing-ops")) {
                mixingOps = true;
                continue;
            }
            if (a.equals("--mixing")) {
                mixing = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Missing value after " + a + usage());
            }
            String v = args[++i];
            switch (a) {
                case "--model": model = v.toLowerCase(Locale.ROOT); break;
                case "--batch": batch = Integer.parseInt(v); break;
                case "--warmup": warmup = Integer.parseInt(v); break;
                case "--steps": steps = Integer.parseInt(v); break;
                case "--size": size = Integer.parseInt(v); break;
                case "--onednn": oneDnn = !v.equalsIgnoreCase("off"); break;
                case "--modes":
                    modes.clear();
                    for (String m : v.split(",")) {
                        modes.add(PaddingMode.parse(m));
                    }
                    break;
                default:
                    throw new IllegalArgumentException("Unknown option " + a + usage());
            }
        }
        if (!modes.contains(PaddingMode.ZERO)) {
            modes.add(0, PaddingMode.ZERO); // the reference of the ratios
        }
        if (steps < 1 || warmup < 0 || batch < 1) {
            throw new IllegalArgumentException("Need steps >= 1, warmup >= 0, batch >= 1" + usage());
        }

        if (oneDnn) {
            OneDnn.enable();
        } else {
            OneDnn.disable();
        }
        System.err.println(OneDnn.status());
        Map<String, ComputationGraph> nets = new LinkedHashMap<>();
        for (PaddingMode m : modes) {
            nets.put(m.id(), build(model, m, size, null));
        }
        if (mixing) {
            nets.put(MIXING, build(model, PaddingMode.LEARNED, size, PaddingModule.Implementation.FAST));
        }
        if (mixingOps) {
            nets.put(MIXING_OPS, build(model, PaddingMode.LEARNED, size, PaddingModule.Implementation.ND4J_OPS));
        }
        Nd4j.getRandom().setSeed(123);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1);
        }
        DataSet ds = new DataSet(x, y);

        Map<String, double[]> ms = new LinkedHashMap<>();
        Map<String, double[]> cpu = new LinkedHashMap<>();
        for (String m : nets.keySet()) {
            ms.put(m, new double[steps]);
            cpu.put(m, new double[steps]);
        }
        long rssFirst = -1;
        for (int round = 0; round < warmup + steps; round++) {
            for (String m : nets.keySet()) {
                long c0 = PaddingModuleBenchmark.processCpuNanos();
                long t0 = System.nanoTime();
                nets.get(m).fit(ds);
                double t = (System.nanoTime() - t0) / 1e6;
                double c = (PaddingModuleBenchmark.processCpuNanos() - c0) / 1e6;
                if (round >= warmup) {
                    ms.get(m)[round - warmup] = t;
                    cpu.get(m)[round - warmup] = c;
                }
                System.err.printf(Locale.ROOT, "round %d %s %.0f ms wall %.0f ms cpu, %s%n", round, m, t, c,
                        memoryLine());
            }
            if (round == warmup) {
                rssFirst = residentMb();
            }
        }
        long rssLast = residentMb();

        String zeroId = PaddingMode.ZERO.id();
        double zero = median(ms.get(zeroId));
        System.out.printf(Locale.ROOT, "%n%s, CIFAR variant, input %dx%d, batch %d, %d warm-up + %d timed steps per mode "
                + "(interleaved), %d cores, %s%n%n", model, size, size, batch, warmup, steps,
                Runtime.getRuntime().availableProcessors(), OneDnn.status());
        System.out.println("| mode | median step (ms) | min (ms) | max (ms) | median / ZERO median | median of per-round "
                + "ratios to ZERO | median process CPU per step (ms) | CPU / ZERO CPU |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        double zeroCpu = median(cpu.get(zeroId));
        double[] z = ms.get(zeroId);
        for (String m : nets.keySet()) {
            double[] t = ms.get(m);
            // Same-round ratios: both steps ran within seconds of each other, so slow drifts of the machine's load
            // cancel out better than in the ratio of medians.
            double[] paired = new double[steps];
            for (int i = 0; i < steps; i++) {
                paired[i] = t[i] / z[i];
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.0f | %.2f |%n", m,
                    median(t), Arrays.stream(t).min().orElse(0), Arrays.stream(t).max().orElse(0), median(t) / zero,
                    median(paired), median(cpu.get(m)), median(cpu.get(m)) / zeroCpu);
        }
        // Native memory that ND4J frees only when the JVM collects the arrays' Java objects shows up here, not in the
        // Java heap: the resident set after the first and the last timed round (all modes together).
        System.out.printf(Locale.ROOT, "%nResident memory (all modes): %d MB after the first timed round, %d MB after "
                + "the last (%+.1f MB per round)%n", rssFirst, rssLast,
                steps > 1 ? (rssLast - rssFirst) / (steps - 1.0) : 0.0);
    }

    /**
     * Where the process's memory is, for telling a leak from a heap that grows to its working size: the resident set,
     * the Java heap's committed and used sizes, and the native bytes and pointers JavaCPP tracks (ND4J's buffers and
     * shape descriptors outside workspaces, freed when their Java objects are collected).
     */
    static String memoryLine() {
        Runtime rt = Runtime.getRuntime();
        return String.format(Locale.ROOT, "resident %d MB, heap %d/%d MB used/committed, JavaCPP %d MB in %d pointers",
                residentMb(), (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20,
                org.bytedeco.javacpp.Pointer.totalBytes() >> 20, org.bytedeco.javacpp.Pointer.totalCount());
    }

    /** The JVM's resident set size in MB from /proc/self/status (Linux), -1 where that is not available. */
    static long residentMb() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: no figure.
        }
        return -1;
    }

    /**
     * The network of {@code model} with padding {@code mode}; with a {@code mixing} implementation, its Padding
     * Modules mix channels and run that implementation.
     */
    private static ComputationGraph build(String model, PaddingMode mode, int size,
                                          PaddingModule.Implementation mixing) {
        ComputationGraphConfiguration conf;
        switch (model) {
            case "vgg16":
                conf = Vgg16.builder().numClasses(10).inputShape(3, size, size).padding(mode).seed(42).build().conf();
                break;
            case "resnet50":
                conf = ResNet50.builder().numClasses(10).inputShape(3, size, size).padding(mode).seed(42).build().conf();
                break;
            default:
                throw new IllegalArgumentException("Unknown model '" + model + "'" + usage());
        }
        if (mixing != null) {
            conf.getVertices().values().forEach(v -> {
                if (v instanceof LayerVertex && ((LayerVertex) v).getLayerConf().getLayer() instanceof PaddingModule) {
                    PaddingModule pm = (PaddingModule) ((LayerVertex) v).getLayerConf().getLayer();
                    pm.setChannelMixing(true);
                    pm.setImplementation(mixing);
                }
            });
        }
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String usage() {
        return ". Usage: ModelPaddingBenchmark [--model vgg16|resnet50] [--batch N] [--warmup N] [--steps N] "
                + "[--size N] [--modes zero,reflect,replicate,circular,learned] [--mixing (adds " + MIXING + ")] "
                + "[--mixing-ops (adds " + MIXING_OPS + ")] "
                + "[--onednn on|off]";
    }
}
