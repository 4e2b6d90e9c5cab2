package io.github.learnpad.bench;

import io.github.learnpad.bench.PeerBenchmark.Row;
import io.github.learnpad.bench.PeerBenchmark.StudyResult;
import io.github.learnpad.bench.PeerBenchmark.Times;
import io.github.learnpad.bench.PeerLaunches.Launch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench peers --launches N} without networks: child command line, JSON, pooling, across-launches table. */
class PeerLaunchesTest {

    private static Times t(double... ms) {
        return new Times(ms, "");
    }

    /** Launch 1: oneDNN twice as fast as built-in, PyTorch 1.5x faster than oneDNN; launch 2 other ratios. */
    private static Launch launch1() {
        Row row = new Row("smallcnn", 64, t(200, 220, 240), t(100, 100, 100), 2.2,
                new Times(new double[]{50, 50, 80}, "PyTorch 1.13, OpenMP wait policy: PyTorch's default"));
        StudyResult study = new StudyResult(64, List.of("zero", "replicate", "PyTorch"),
                List.of(t(100, 120), t(110, 120), new Times(new double[]{40, 60}, "PyTorch 1.13")),
                List.of(new double[]{150, 160}, new double[]{151, 161}, new double[]{Double.NaN, Double.NaN}),
                2, 1000, 1010);
        return new Launch(List.of(row), study);
    }

    private static Launch launch2() {
        Row row = new Row("smallcnn", 64, t(300, 330, 390), t(100, 110, 130), 3.0,
                new Times(new double[]{40, 55, 65}, "PyTorch 1.13, OpenMP wait policy: PyTorch's default"));
        StudyResult study = new StudyResult(64, List.of("zero", "replicate", "PyTorch"),
                List.of(t(90, 100), t(99, 150), new Times(new double[]{30, 50}, "PyTorch 1.13")),
                List.of(new double[]{140, 141}, new double[]{142, 143}, new double[]{Double.NaN, Double.NaN}),
                2, 1100, 1102);
        return new Launch(List.of(row), study);
    }

    @Test
    void poolingConcatenatesRoundsAndKeepsThemPaired() {
        Launch p = PeerLaunches.pool(List.of(launch1(), launch2()));
        Row r = p.rows().get(0);
        assertEquals("smallcnn", r.model());
        assertArrayEquals(new double[]{200, 220, 240, 300, 330, 390}, r.builtIn().ms());
        assertArrayEquals(new double[]{100, 100, 100, 100, 110, 130}, r.oneDnn().ms());
        assertArrayEquals(new double[]{50, 50, 80, 40, 55, 65}, r.torch().ms());
        // built-in / oneDNN per round: 2.0, 2.2, 2.4, 3.0, 3.0, 3.0 -> median (2.4 + 3.0) / 2
        assertEquals(2.7, r.pairedSpeedup(), 1e-12);
        // oneDNN / PyTorch per round: 2, 2, 1.25, 2.5, 2, 2 -> median 2; the ratio of pooled medians differs
        assertEquals(2.0, PeerBenchmark.pairedMedianOf(r.oneDnn(), r.torch()), 1e-12);
        assertEquals("PyTorch 1.13, OpenMP wait policy: PyTorch's default", r.torch().note());

        StudyResult s = p.study();
        assertEquals(List.of("zero", "replicate", "PyTorch"), s.names());
        assertEquals(4, s.steps());
        assertArrayEquals(new double[]{100, 120, 90, 100}, s.get("zero").ms());
        assertArrayEquals(new double[]{151, 161, 142, 143}, s.cpuMs().get(1));
        // replicate / zero per round: 1.1, 1.0, 1.1, 1.5 -> 1.1
        assertEquals(1.1, PeerBenchmark.pairedMedianOf(s.get("replicate"), s.get("zero")), 1e-12);
        assertEquals(-1, s.rssFirstMb(), "resident memory describes one JVM: not pooled");
        String table = PeerBenchmark.studyTable(s);
        assertTrue(table.contains("| replicate |"), table);
    }

    @Test
    void aSetupMissingInOneLaunchIsLeftOutOfThePool() {
        Launch l1 = launch1();
        Row r2 = launch2().rows().get(0);
        Launch l2 = new Launch(List.of(new Row(r2.model(), r2.batch(), r2.builtIn(), r2.oneDnn(), r2.pairedSpeedup(),
                Times.none("PyTorch failed to start"))), null);
        Launch p = PeerLaunches.pool(List.of(l1, l2));
        assertFalse(p.rows().get(0).torch().measured());
        assertTrue(p.rows().get(0).torch().note().contains("1 of 2 launches"), p.rows().get(0).torch().note());
        assertEquals(6, p.rows().get(0).oneDnn().ms().length);
        assertTrue(p.study().names().isEmpty(), "the study ran in one launch only");
    }

    @Test
    void acrossLaunchesShowsMedianMinMaxOfEachLaunch() {
        Launch l3 = launch2();
        List<Launch> ls = List.of(launch1(), launch2(), l3);
        // built-in / oneDNN per launch: 2.2, 3.0, 3.0
        PeerLaunches.Spread sp = PeerLaunches.Spread.of(
                PeerLaunches.perLaunch(ls, "smallcnn", r -> PeerLaunches.paired(r.builtIn(), r.oneDnn())));
        assertEquals(new PeerLaunches.Spread(3.0, 2.2, 3.0), roundTo12(sp));
        assertEquals("3.00x (2.20x-3.00x)", sp.format("%.2fx"));
        assertEquals("-", PeerLaunches.Spread.of(new double[]{Double.NaN}).format("%.2fx"));
        // median of an even count: the mean of the middle two
        assertEquals(2.5, PeerLaunches.Spread.of(new double[]{4, 1, 3, 2}).median(), 1e-12);

        String table = PeerLaunches.acrossTable(List.of(launch1(), launch2()));
        // medians per launch: oneDNN 100 and 110, PyTorch 50 and 55; oneDNN / PyTorch 2.00 and 2.00; built-in / oneDNN
        // 2.20 and 3.00
        assertTrue(table.contains("| smallcnn | 105 (100-110) | 53 (50-55) | 2.00x (2.00x-2.00x) | "
                + "2.60x (2.20x-3.00x) |"), table);
        // zero / PyTorch: launch 1 per round 2.5, 2.0 -> 2.25; launch 2 3.0, 2.0 -> 2.5
        assertTrue(table.contains("| zero | 102.5 (95.0-110.0) | 2.38x (2.25x-2.50x) | 1.00x (1.00x-1.00x) |"),
                table);
        // resident set, first to last timed round: launch 1 +10 MB, launch 2 +2 MB; a change, never a rate
        assertTrue(table.contains("first to last timed round (MB): +6 (+2-+10). " + PeerBenchmark.RESIDENT_CAVEAT),
                table);
    }

    private static PeerLaunches.Spread roundTo12(PeerLaunches.Spread s) {
        return new PeerLaunches.Spread(Math.round(s.median() * 1e12) / 1e12, Math.round(s.min() * 1e12) / 1e12,
                Math.round(s.max() * 1e12) / 1e12);
    }

    @Test
    void jsonRoundTripKeepsEveryDoubleExactly() throws Exception {
        double[] awkward = {0.1 + 0.2, Math.PI, 1e-300, 123456789.123456789, Double.MIN_VALUE, -0.0};
        Row row = new Row("vgg16", 16, new Times(awkward, ""), Times.none("oneDNN not available"), Double.NaN,
                new Times(new double[]{1.0 / 3}, "PyTorch 1.13.0a0, OpenMP wait policy: PASSIVE (set by the caller)"));
        StudyResult study = new StudyResult(64, List.of("zero", "PyTorch"),
                List.of(new Times(new double[]{2.0 / 3, 7}, ""), new Times(new double[]{Math.E, 5}, "PyTorch")),
                List.of(new double[]{10.25, 11.5}, new double[]{Double.NaN, Double.NaN}), 2, 1234, -1);
        Launch back = PeerLaunches.fromJson(PeerLaunches.toJson(new Launch(List.of(row), study)));

        Row r = back.rows().get(0);
        assertEquals("vgg16", r.model());
        assertEquals(16, r.batch());
        assertArrayEquals(awkward, r.builtIn().ms()); // exact (assertArrayEquals on doubles compares bits)
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(r.builtIn().ms()[5]));
        assertFalse(r.oneDnn().measured());
        assertEquals("oneDNN not available", r.oneDnn().note());
        assertTrue(Double.isNaN(r.pairedSpeedup()));
        assertArrayEquals(new double[]{1.0 / 3}, r.torch().ms());
        assertEquals(row.torch().note(), r.torch().note());

        StudyResult s = back.study();
        assertEquals(study.names(), s.names());
        assertEquals(64, s.batch());
        assertEquals(2, s.steps());
        assertEquals(1234, s.rssFirstMb());
        assertEquals(-1, s.rssLastMb());
        assertArrayEquals(new double[]{2.0 / 3, 7}, s.times().get(0).ms());
        assertArrayEquals(new double[]{Math.E, 5}, s.times().get(1).ms());
        assertEquals("PyTorch", s.times().get(1).note());
        assertArrayEquals(new double[]{10.25, 11.5}, s.cpuMs().get(0));
        assertTrue(Double.isNaN(s.cpuMs().get(1)[0]) && Double.isNaN(s.cpuMs().get(1)[1]));

        Launch noStudy = PeerLaunches.fromJson(PeerLaunches.toJson(new Launch(List.of(), null)));
        assertTrue(noStudy.rows().isEmpty());
        assertNull(noStudy.study());
    }

    @Test
    void childCommandRunsOneLaunchWithTheSameOptions() {
        List<String> args = List.of("--verbose", "bench", "peers", "--models", "smallcnn,study", "--launches", "5",
                "--steps", "7", "--no-torch");
        List<String> cmd = PeerLaunches.childCommand("/jdk/bin/java", List.of("-XX:MaxNewSize=32m", "-Dx=y"),
                "a.jar:lib/*", "io.github.learnpad.cli.LearnPadCli", args, Path.of("/tmp/r/launch-1.json"));
        assertEquals(List.of("/jdk/bin/java", "-XX:MaxNewSize=32m", "-Dx=y", "-cp", "a.jar:lib/*",
                "io.github.learnpad.cli.LearnPadCli", "--verbose", "bench", "peers", "--models", "smallcnn,study",
                "--steps", "7", "--no-torch", "--launches", "1", "--launch-results", "/tmp/r/launch-1.json"), cmd);
        assertEquals(1, Collections.frequency(cmd, "--launches"));
        assertFalse(cmd.contains("5"));

        List<String> eq = PeerLaunches.childCommand("java", List.of(), "cp", "Main",
                List.of("bench", "peers", "--launches=3", "--warmup", "1"), Path.of("r.json"));
        assertEquals(List.of("java", "-cp", "cp", "Main", "bench", "peers", "--warmup", "1", "--launches", "1",
                "--launch-results", "r.json"), eq);
    }

    @Test
    void torchGetsItsOwnDefaultsUnlessTheCallerChoseThem() {
        Map<String, String> defaulted = new HashMap<>(Map.of("OMP_WAIT_POLICY", "PASSIVE",
                PeerBenchmark.OMP_DEFAULTED, "1", "PATH", "/usr/bin"));
        PeerBenchmark.torchEnvironment(defaulted);
        assertFalse(defaulted.containsKey("OMP_WAIT_POLICY"));
        assertEquals("/usr/bin", defaulted.get("PATH"));
        assertEquals("PyTorch's default", PeerBenchmark.ompWaitPolicyNote(defaulted));

        Map<String, String> chosen = new HashMap<>(Map.of("OMP_WAIT_POLICY", "PASSIVE", "PATH", "/usr/bin"));
        PeerBenchmark.torchEnvironment(chosen);
        assertEquals("PASSIVE", chosen.get("OMP_WAIT_POLICY"));
        assertEquals("PASSIVE (set by the caller)", PeerBenchmark.ompWaitPolicyNote(chosen));

        Map<String, String> capped = new HashMap<>(Map.of("DNNL_MAX_CPU_ISA", "AVX2", "ONEDNN_MAX_CPU_ISA", "AVX2",
                "OMP_WAIT_POLICY", "PASSIVE"));
        PeerBenchmark.torchEnvironment(capped);
        assertEquals(Map.of("OMP_WAIT_POLICY", "PASSIVE"), capped, "DL4J's oneDNN ISA cap never reaches PyTorch");

        Map<String, String> arenas = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "1", PeerBenchmark.ARENAS_DEFAULTED, "1",
                "OMP_WAIT_POLICY", "PASSIVE"));
        PeerBenchmark.torchEnvironment(arenas);
        assertFalse(arenas.containsKey("MALLOC_ARENA_MAX"),
                "the launcher's malloc arena default is DL4J's, not PyTorch's");
        assertEquals("PASSIVE", arenas.get("OMP_WAIT_POLICY"), "each marker removes only its own variable");

        Map<String, String> arenasChosen = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "4"));
        PeerBenchmark.torchEnvironment(arenasChosen);
        assertEquals("4", arenasChosen.get("MALLOC_ARENA_MAX"));

        assertEquals("DL4J's OMP_WAIT_POLICY PASSIVE (the launcher's default), MALLOC_ARENA_MAX 4 (set by the caller), "
                + "DNNL_MAX_CPU_ISA AVX2", PeerBenchmark.dl4jEnvironment(Map.of("OMP_WAIT_POLICY", "PASSIVE",
                PeerBenchmark.OMP_DEFAULTED, "1", "MALLOC_ARENA_MAX", "4", "DNNL_MAX_CPU_ISA", "AVX2")));
        assertEquals("DL4J's OMP_WAIT_POLICY unset (OpenMP's default), MALLOC_ARENA_MAX 1 (the launcher's default), "
                + "DNNL_MAX_CPU_ISA none", PeerBenchmark.dl4jEnvironment(Map.of("MALLOC_ARENA_MAX", "1",
                PeerBenchmark.ARENAS_DEFAULTED, "1")));

        Map<String, String> none = new HashMap<>(Map.of("PATH", "/usr/bin"));
        PeerBenchmark.torchEnvironment(none);
        assertEquals("PyTorch's default", PeerBenchmark.ompWaitPolicyNote(none));
    }
}
