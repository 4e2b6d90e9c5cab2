package io.github.learnpad.bench;

import io.github.learnpad.OneDnn;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.models.ResNet50;
import io.github.learnpad.models.Vgg16;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training step time of a CIFAR-size model (VGG16 by default) with each padding mode, all measured in one run.
 *
 * <pre>
 * java -cp target/classes:target/lib/* io.github.learnpad.bench.ModelPaddingBenchmark \
 *     [--model vgg16|resnet50] [--batch 16] [--warmup 2] [--steps 5] [--size 32] [--modes zero,reflect,...]
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

    private ModelPaddingBenchmark() {
    }

    public static void main(String[] args) {
        String model = "vgg16";
        int batch = 16;
        int warmup = 2;
        int steps = 5;
        int size = 32;
        List<PaddingMode> modes = new ArrayList<>(Arrays.asList(PaddingMode.values()));
        boolean oneDnn = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
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
        Map<PaddingMode, ComputationGraph> nets = new EnumMap<>(PaddingMode.class);
        for (PaddingMode m : modes) {
            nets.put(m, build(model, m, size));
        }
        Nd4j.getRandom().setSeed(123);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % 10, 1);
        }
        DataSet ds = new DataSet(x, y);

        Map<PaddingMode, double[]> ms = new EnumMap<>(PaddingMode.class);
        Map<PaddingMode, double[]> cpu = new EnumMap<>(PaddingMode.class);
        for (PaddingMode m : modes) {
            ms.put(m, new double[steps]);
            cpu.put(m, new double[steps]);
        }
        for (int round = 0; round < warmup + steps; round++) {
            for (PaddingMode m : modes) {
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                nets.get(m).fit(ds);
                double t = (System.nanoTime() - t0) / 1e6;
                double c = (processCpuNanos() - c0) / 1e6;
                if (round >= warmup) {
                    ms.get(m)[round - warmup] = t;
                    cpu.get(m)[round - warmup] = c;
                }
                System.err.printf(Locale.ROOT, "round %d %s %.0f ms wall %.0f ms cpu%n", round, m.id(), t, c);
            }
        }

        double zero = median(ms.get(PaddingMode.ZERO));
        System.out.printf(Locale.ROOT, "%n%s, CIFAR variant, input %dx%d, batch %d, %d warm-up + %d timed steps per mode "
                + "(interleaved), %d cores, %s%n%n", model, size, size, batch, warmup, steps,
                Runtime.getRuntime().availableProcessors(), OneDnn.status());
        System.out.println("| mode | median step (ms) | min (ms) | max (ms) | median / ZERO median | median of per-round "
                + "ratios to ZERO | median process CPU per step (ms) | CPU / ZERO CPU |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        double zeroCpu = median(cpu.get(PaddingMode.ZERO));
        double[] z = ms.get(PaddingMode.ZERO);
        for (PaddingMode m : modes) {
            double[] t = ms.get(m);
            // Same-round ratios: both steps ran within seconds of each other, so slow drifts of the machine's load
            // cancel out better than in the ratio of medians.
            double[] paired = new double[steps];
            for (int i = 0; i < steps; i++) {
                paired[i] = t[i] / z[i];
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2f | %.2f | %.0f | %.2f |%n", m.id(),
                    median(t), Arrays.stream(t).min().orElse(0), Arrays.stream(t).max().orElse(0), median(t) / zero,
                    median(paired), median(cpu.get(m)), median(cpu.get(m)) / zeroCpu);
        }
    }

    private static ComputationGraph build(String model, PaddingMode mode, int size) {
        switch (model) {
            case "vgg16":
                return Vgg16.builder().numClasses(10).inputShape(3, size, size).padding(mode).seed(42).build().init();
            case "resnet50":
                return ResNet50.builder().numClasses(10).inputShape(3, size, size).padding(mode).seed(42).build()
                        .init();
            default:
                throw new IllegalArgumentException("Unknown model '" + model + "'" + usage());
        }
    }

    /**
     * CPU time used by this process so far (all threads, native OpenMP threads included): less sensitive than wall
     * time to other processes competing for the cores. -1 if the JVM does not report it.
     */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return -1;
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String usage() {
        return ". Usage: ModelPaddingBenchmark [--model vgg16|resnet50] [--batch N] [--warmup N] [--steps N] "
                + "[--size N] [--modes zero,reflect,replicate,circular,learned] [--onednn on|off]";
    }
}
