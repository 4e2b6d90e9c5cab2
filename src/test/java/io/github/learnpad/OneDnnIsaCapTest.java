package io.github.learnpad;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bounds what the environment variable {@code DNNL_MAX_CPU_ISA=AVX2} changes in DL4J's oneDNN arithmetic.
 *
 * <p>Why: ND4J's bundled oneDNN (2.3) runs the backward pass of wide 3x3 convolutions as Winograd on CPUs with
 * AVX-512, which is slow there; starting the JVM with {@code DNNL_MAX_CPU_ISA=AVX2} keeps oneDNN to AVX2 kernels and
 * avoids it (docs/benchmarks.md, section "oneDNN's Winograd backward convolutions"; {@link OneDnn#enable()} names the
 * cap once on such CPUs). The cap changes which kernels run and so the last bits of float results. The project's rule
 * is that a change altering float arithmetic is allowed if its effect is recorded in docs/benchmarks.md with a test
 * that bounds it against the old path: this is that test.
 *
 * <p>How: oneDNN reads the variable once per process, so the test runs {@link OneDnnIsaCapProbe} twice as child JVMs
 * (this JVM's {@code java} and class path): once with {@code DNNL_MAX_CPU_ISA} removed from the environment (the old
 * path) and once with {@code DNNL_MAX_CPU_ISA=AVX2}. Each computes one gradient of the same small FLOAT network (3x3
 * convolutions, 256 channels on 4x4 maps, batch 16: the shapes where the uncapped oneDNN picks Winograd for the
 * backward-weights pass) at the same
 * parameters and data. Both children run with {@code DNNL_VERBOSE=1}; on an AVX-512 CPU the test checks from their
 * logs that the uncapped one ran Winograd ({@code jit_wino}) and the capped one AVX2 without Winograd, so that the
 * comparison is between the two paths it is meant to compare (on other CPUs those checks are skipped, the comparison
 * is not). Then max|capped - uncapped| / max|uncapped| over the whole gradient must be at most {@link #GRADIENT_BOUND}
 * and the scores must agree within {@link #SCORE_BOUND} relative. The observed figures are printed.
 */
class OneDnnIsaCapTest {
    /**
     * Allowed max|capped - uncapped| / max|uncapped| over the flattened gradient: about 10x the difference observed
     * (docs/benchmarks.md, "oneDNN's Winograd backward convolutions"). An error in a kernel (a wrong tap, channel or
     * padding) or a gradient scaled by 1.01 is off by 1e-2 or more.
     */
    static final double GRADIENT_BOUND = 4e-6;
    /** Allowed |capped - uncapped| / |uncapped| for the score. */
    static final double SCORE_BOUND = 1e-5;
    /** How long one child JVM may take. */
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @Test
    void avx2CapChangesGradientOnlyWithinRounding(@TempDir Path dir) throws Exception {
        Path uncappedFile = dir.resolve("uncapped.bin");
        Path cappedFile = dir.resolve("capped.bin");
        String uncappedLog = runProbe(uncappedFile, null);
        String cappedLog = runProbe(cappedFile, "AVX2");

        OneDnnIsaCapProbe.Result uncapped = OneDnnIsaCapProbe.read(uncappedFile);
        OneDnnIsaCapProbe.Result capped = OneDnnIsaCapProbe.read(cappedFile);
        Difference d = Difference.of(uncapped.gradient(), capped.gradient());
        double scoreRelative = Math.abs(capped.score() - uncapped.score()) / Math.abs(uncapped.score());
        System.out.printf("OneDnnIsaCapTest: gradient of %d values: max |capped - uncapped| = %.3e, max |uncapped| = "
                        + "%.3e, relative %.3e (bound %.1e); score uncapped %.9f capped %.9f, relative %.3e (bound "
                        + "%.1e); uncapped used Winograd: %s%n", uncapped.gradient().length, d.maxAbsDiff(),
                d.maxAbs(), d.relative(), GRADIENT_BOUND, uncapped.score(), capped.score(), scoreRelative,
                SCORE_BOUND, uncappedLog.contains("jit_wino"));

        printConvolutionWeights(uncapped.gradient(), capped.gradient());

        assertWithin(uncapped.gradient(), capped.gradient(), GRADIENT_BOUND);
        assertTrue(scoreRelative <= SCORE_BOUND, "score: uncapped " + uncapped.score() + ", capped "
                + capped.score() + ", relative difference " + scoreRelative + " > " + SCORE_BOUND);

        assumeTrue(OneDnn.cpuHasAvx512(), "this CPU has no AVX-512: oneDNN has no Winograd kernels here, the cap "
                + "changes nothing to check in the logs");
        assertTrue(uncappedLog.contains("jit_wino"), "the uncapped child should have run Winograd convolutions "
                + "(jit_wino) on this AVX-512 CPU; its oneDNN log:\n" + primitives(uncappedLog));
        assertTrue(cappedLog.contains("isa:Intel AVX2"), "the capped child's oneDNN should report isa:Intel AVX2; "
                + "its log:\n" + primitives(cappedLog));
        assertFalse(cappedLog.contains("jit_wino"), "the capped child ran Winograd; its oneDNN log:\n"
                + primitives(cappedLog));
    }

    /** The comparison itself must be able to fail: a gradient scaled by 1.01 is 1e-2 off, far outside the bound. */
    @Test
    void comparisonRejectsScaledGradientAndAcceptsRounding() {
        Random random = new Random(1);
        float[] a = new float[10_000];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (random.nextGaussian() * 1e-2);
        }
        float[] scaled = a.clone();
        float[] rounded = a.clone();
        for (int i = 0; i < a.length; i++) {
            scaled[i] *= 1.01f;
            rounded[i] = Math.nextUp(rounded[i]); // one ulp: what a different summation order does, at most a few
        }
        assertThrows(AssertionFailedError.class, () -> assertWithin(a, scaled, GRADIENT_BOUND));
        assertThrows(AssertionFailedError.class, () -> assertWithin(a, new float[a.length - 1], GRADIENT_BOUND));
        assertDoesNotThrow(() -> assertWithin(a, rounded, GRADIENT_BOUND));
        assertEquals(0.01, Difference.of(a, scaled).relative(), 1e-4);
    }

    /**
     * Prints the figures for the two convolutions' weight gradients alone (where Winograd runs), each relative to its
     * own largest magnitude; information only. Flattened layout: conv W, b, batch norm gamma, beta, mean, var, conv W,
     * b, dense W, b.
     */
    private static void printConvolutionWeights(float[] uncapped, float[] capped) {
        int c = OneDnnIsaCapProbe.CHANNELS;
        int weights = c * c * 9;
        int[] starts = {0, weights + c + 4 * c};
        for (int k = 0; k < starts.length; k++) {
            int from = starts[k];
            if (from + weights > Math.min(uncapped.length, capped.length)) {
                return;
            }
            Difference d = Difference.of(Arrays.copyOfRange(uncapped, from, from + weights),
                    Arrays.copyOfRange(capped, from, from + weights));
            System.out.printf("OneDnnIsaCapTest: convolution %d weight gradient: max |capped - uncapped| = %.3e, "
                    + "max |uncapped| = %.3e, relative %.3e%n", k + 1, d.maxAbsDiff(), d.maxAbs(), d.relative());
        }
    }

    /** max|b - a|, max|a| and their ratio. */
    record Difference(double maxAbsDiff, double maxAbs) {
        static Difference of(float[] a, float[] b) {
            double diff = 0;
            double max = 0;
            for (int i = 0; i < Math.min(a.length, b.length); i++) {
                diff = Math.max(diff, Math.abs((double) b[i] - a[i]));
                max = Math.max(max, Math.abs(a[i]));
            }
            return new Difference(diff, max);
        }

        double relative() {
            return maxAbsDiff / maxAbs;
        }
    }

    /** Same length, all finite, and max|b - a| / max|a| at most {@code bound} (never exact equality). */
    static void assertWithin(float[] a, float[] b, double bound) {
        assertEquals(a.length, b.length, "gradient lengths differ");
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i]) || !Float.isFinite(b[i])) {
                fail("gradient value " + i + " is not finite: " + a[i] + ", " + b[i]);
            }
        }
        Difference d = Difference.of(a, b);
        assertTrue(d.maxAbs() > 0, "the gradient is all zeros");
        assertTrue(d.relative() <= bound, String.format("max |capped - uncapped| / max |uncapped| = %.3e / %.3e = "
                + "%.3e > %.1e", d.maxAbsDiff(), d.maxAbs(), d.relative(), bound));
    }

    /**
     * Runs {@link OneDnnIsaCapProbe} in a child JVM writing to {@code out}, with this JVM's environment minus
     * {@code DNNL_MAX_CPU_ISA}, plus {@code DNNL_MAX_CPU_ISA=isa} if not null, plus {@code DNNL_VERBOSE=1}.
     *
     * @return the child's output (stdout and stderr), which holds oneDNN's verbose log
     */
    private static String runProbe(Path out, String isa) throws IOException, InterruptedException, TimeoutException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(OneDnnIsaCapProbe.class.getName());
        command.add(out.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("DNNL_MAX_CPU_ISA");
        if (isa != null) {
            env.put("DNNL_MAX_CPU_ISA", isa);
        }
        env.put("DNNL_VERBOSE", "1");
        long start = System.nanoTime();
        Process p = pb.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        if (!p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new TimeoutException("probe child (DNNL_MAX_CPU_ISA=" + isa + ") took over "
                    + CHILD_TIMEOUT_SECONDS + " s");
        }
        String log = output.join();
        String label = isa == null ? "uncapped" : "DNNL_MAX_CPU_ISA=" + isa;
        System.out.printf("OneDnnIsaCapTest: %s child took %.1f s%n", label, (System.nanoTime() - start) / 1e9);
        log.lines().filter(l -> l.startsWith("probe:") || l.contains(",info,cpu,isa:"))
                .forEach(l -> System.out.println("  " + label + ": " + l));
        assertEquals(0, p.exitValue(), "probe child (" + label + ") failed; its output:\n" + log);
        return log;
    }

    private static String readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The oneDNN lines about convolutions and the ISA, for failure messages. */
    private static String primitives(String log) {
        StringBuilder s = new StringBuilder();
        log.lines().filter(l -> l.contains("isa:") || l.contains("convolution")).limit(40)
                .forEach(l -> s.append(l).append('\n'));
        return s.toString();
    }
}
