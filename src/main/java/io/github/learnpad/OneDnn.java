package io.github.learnpad;

import org.deeplearning4j.config.DL4JClassLoading;
import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Switches on DL4J's own oneDNN layer helpers for convolution and batch normalisation
 * ({@code org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper}, {@code MKLDNNBatchNormHelper}), which DL4J
 * 1.0.0-M2.1 ships but never uses. On the CPU backend with oneDNN in its native library (the {@code nd4j-native}
 * classifier {@code linux-x86_64-onednn} and its siblings), these layers then run ND4J's native {@code conv2d} and
 * {@code batchnorm} ops (oneDNN kernels) instead of DL4J's Java-side im2col + GEMM and array arithmetic: several
 * times faster training on CPU, same results within float rounding (docs/benchmarks.md, "DL4J's oneDNN helpers").
 * The pooling helper ({@code MKLDNNSubsamplingHelper}) stays off: M2.1's pooling layer uses it in backprop only,
 * where it calls the same native op as the built-in path (oneDNN inside the -onednn build either way), and it
 * drops the layer's {@code avgPoolIncludePadInDivisor}, giving a wrong input gradient for average pooling with
 * padding and that option set.
 *
 * <pre>{@code
 * OneDnn.enable();                      // before building, cloning or restoring networks
 * log.info(OneDnn.status());            // one line: on, or why not
 * ComputationGraph net = Vgg16.builder()...build().init();   // its convolution and batch norm layers use oneDNN
 * }</pre>
 *
 * <p><b>What it switches</b> (M2.1 keeps three switches off; see docs/benchmarks.md):
 * <ol>
 * <li>DL4J creates layer helpers only if the system property {@code org.eclipse.deeplearning4j.helpers.disable}
 * is {@code false} (its default is {@code true}): {@link #enable()} sets it, {@link #disable()} sets it back.</li>
 * <li>Each oneDNN helper's {@code checkSupported()} calls {@code BaseMKLDNNHelper.mklDnnEnabled()}, which looks up
 * the class {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection; M2.1 renamed it to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}, so the check always fails. {@link #enable()}
 * puts a class at the old name into the class loader DL4J uses for that look-up
 * ({@link DL4JClassLoading#setDl4jClassloader}, a public DL4J API): a loader that delegates everything to the
 * previous one and defines only that one class, an empty subclass of {@link LegacyEnvironment}, whose
 * {@code isUseMKLDNN()} answers truthfully (oneDNN compiled into the loaded native library and switched on).
 * The class is made at run time, in its own class loader, rather than shipped in LearnPad's jar: shipped, it
 * would split the package {@code org.nd4j.nativeblas} with {@code nd4j-native-api}, which breaks on the module
 * path.</li>
 * <li>The backend must contain oneDNN: {@link #status()} says so when it does not.</li>
 * </ol>
 * Injecting helper objects into the layers of each initialised network was the alternative; it needs reflection
 * on non-public fields of every layer class and a call per network, and misses networks that DL4J builds
 * internally (clones, {@code ModelSerializer} restores, early-stopping copies). With DL4J's own check made
 * truthful, DL4J itself creates, checks ({@code checkSupported}) and falls back from its helpers, for every
 * network it builds.
 *
 * <p><b>Coverage.</b> Helpers are created when a layer object is created: by {@code init()}, {@code clone()},
 * {@code ModelSerializer.restore...}, for {@link MultiLayerNetwork} and {@link ComputationGraph} alike. A network
 * built <em>before</em> {@link #enable()} keeps DL4J's built-in path (use {@code net.clone()} to get one with
 * helpers); one built before {@link #disable()} keeps its helpers. Saved models carry no trace of helpers: a model
 * saved with them loads and runs without them, and the other way round.
 *
 * <p><b>Fallback.</b> Where oneDNN cannot run, DL4J's built-in implementations run and give the same results:
 * <ul>
 * <li>no oneDNN in the backend (another OS or CPU without a {@code -onednn} build, CUDA, a helper-less classifier):
 * {@link #enable()} returns false and logs one line with the reason;</li>
 * <li>networks of data type other than FLOAT: the helpers decline every call (oneDNN runs float only);</li>
 * <li>layer configurations a helper declines: batch normalisation with {@code lockGammaBeta} (its
 * {@code checkSupported}); local response normalisation never gets its oneDNN helper on CPU (DL4J disabled it,
 * issue 7272). {@link #describe(Model)} says which layers of a network run oneDNN and why the others do not.</li>
 * </ul>
 *
 * <p>All methods are thread-safe; the state is JVM-wide (a system property and DL4J's class loader).
 */
public final class OneDnn {
    private static final Logger log = LoggerFactory.getLogger(OneDnn.class);

    /** DL4J's switch 1: helpers are created only when this system property is {@code false}. */
    static final String HELPERS_DISABLE_PROPERTY = DL4JSystemProperties.DISABLE_HELPER_PROPERTY;
    /** The class {@code BaseMKLDNNHelper.mklDnnEnabled()} looks for (DL4J's switch 2). */
    static final String LEGACY_ENVIRONMENT = "org.nd4j.nativeblas.Nd4jCpu$Environment";
    /** Where M2.1 really has it. */
    private static final String CPU_ENVIRONMENT = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private static String lastLogged;
    private static final Set<String> FALLBACKS_LOGGED = new HashSet<>();
    private static volatile String buildInfo;

    private OneDnn() {
    }

    /**
     * Makes DL4J create its oneDNN helpers in every FLOAT convolution and batch normalisation layer built
     * from now on (see the class documentation for coverage and fallback). Idempotent. Logs {@link #status()} once
     * per change of state.
     *
     * @return whether the helpers are now active; false (with the reason in {@link #status()}) where the backend
     *         cannot run them, and then DL4J's built-in layers run as before
     */
    public static synchronized boolean enable() {
        String problem = backendProblem();
        if (problem == null) {
            installLegacyEnvironment();
            System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
            if (!dl4jCheckPasses()) {
                resetFailedCheck();
            }
        }
        boolean active = isActive();
        logOnce(active);
        if (active) {
            hintIsaCap();
            hintMallocArenas();
        }
        return active;
    }

    private static boolean arenasHinted;

    /**
     * Once per JVM, where the C library is glibc and {@code MALLOC_ARENA_MAX} is not set: with glibc's default arenas,
     * some JVM launches took oneDNN's large scratch buffers from fresh pages on every call (measured in
     * docs/benchmarks.md, "glibc's malloc arenas"). glibc reads the variable when the process starts, so a library can
     * only name it.
     */
    private static void hintMallocArenas() {
        if (arenasHinted || !shouldHintMallocArenas(System.getenv("MALLOC_ARENA_MAX"), usesGlibc())) {
            return;
        }
        arenasHinted = true;
        log.info("MALLOC_ARENA_MAX is not set: with glibc's default malloc arenas, oneDNN's scratch buffers can come "
                + "from fresh pages on every call in some JVM launches (padded convolutions much slower, a growing "
                + "resident set); MALLOC_ARENA_MAX=1 in the JVM's environment avoids it, with the same results "
                + "(docs/benchmarks.md, \"glibc's malloc arenas\")");
    }

    /** Whether to name {@code MALLOC_ARENA_MAX}: glibc, and the variable unset or empty (glibc's default then). */
    static boolean shouldHintMallocArenas(String mallocArenaMax, boolean glibc) {
        return glibc && (mallocArenaMax == null || mallocArenaMax.isEmpty());
    }

    /** Whether this process runs on glibc: its {@code libc.so.6} is mapped (musl and other systems have none). */
    static boolean usesGlibc() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.anyMatch(l -> l.endsWith("/libc.so.6") || l.contains("/libc-2."));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static boolean isaHinted;

    /**
     * Once per JVM, on CPUs with AVX-512 and no cap set: ND4J's oneDNN (2.3) lets oneDNN choose the algorithm of a
     * convolution's backward pass, and on AVX-512 it may choose Winograd, which is very slow for 3x3 layers with many
     * channels on small maps (measured in docs/benchmarks.md, "oneDNN's Winograd backward convolutions"). The cap is an
     * environment variable that oneDNN reads once, so a library can only name it.
     */
    private static void hintIsaCap() {
        if (isaHinted || System.getenv("DNNL_MAX_CPU_ISA") != null || !cpuHasAvx512()) {
            return;
        }
        isaHinted = true;
        log.info("This CPU has AVX-512: oneDNN may run the backward pass of wide 3x3 convolutions (VGG16, ResNet50) "
                + "as Winograd, which is slow there; DNNL_MAX_CPU_ISA=AVX2 in the JVM's environment avoids it, at a "
                + "cost for small networks (docs/benchmarks.md)");
    }

    /** Whether /proc/cpuinfo lists {@code avx512f}; false where it cannot be read (not Linux). */
    static boolean cpuHasAvx512() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.anyMatch(l -> l.startsWith("flags") && l.contains(" avx512f"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Back to DL4J's default: no helpers in layers built from now on (networks built before keep theirs).
     * Sets {@code org.eclipse.deeplearning4j.helpers.disable} to {@code true}, which also stops DL4J's cuDNN helpers
     * on CUDA backends.
     */
    public static synchronized void disable() {
        System.setProperty(HELPERS_DISABLE_PROPERTY, "true");
        lastLogged = status(); // the caller chose this, no log line; a later enable() logs again
    }

    /** Whether layers built now get DL4J's oneDNN helpers. */
    public static synchronized boolean isActive() {
        return backendProblem() == null && "false".equalsIgnoreCase(System.getProperty(HELPERS_DISABLE_PROPERTY))
                && dl4jCheckPasses();
    }

    /**
     * One line: whether the oneDNN helpers are active, or why not, e.g. {@code "oneDNN helpers off: backend has no
     * oneDNN: use the nd4j-native classifier linux-x86_64-onednn"}.
     */
    public static synchronized String status() {
        String problem = backendProblem();
        if (problem != null) {
            return "oneDNN helpers off: " + problem;
        }
        if (!"false".equalsIgnoreCase(System.getProperty(HELPERS_DISABLE_PROPERTY))) {
            return "oneDNN helpers off: DL4J's layer helpers are disabled (" + HELPERS_DISABLE_PROPERTY + " is not "
                    + "false, DL4J's default; OneDnn.enable() switches them on); DL4J's built-in layers run";
        }
        if (!dl4jCheckPasses()) {
            return "oneDNN helpers off: DL4J's check BaseMKLDNNHelper.mklDnnEnabled() fails (it failed once before "
                    + "OneDnn.enable() and keeps that answer; call OneDnn.enable() before building any network)";
        }
        return "oneDNN helpers on: FLOAT convolution and batch normalisation layers built from now on run oneDNN ("
                + platform() + "-onednn backend)";
    }

    /**
     * One line on which layers of {@code net} run DL4J's oneDNN helpers and why the others do not, e.g.
     * {@code "oneDNN helpers in 9 of 9 layers that have one"} or {@code "oneDNN helpers in 0 of 9 layers that have
     * one: network data type DOUBLE (oneDNN runs FLOAT only)"}. Layers counted: 2D convolution and batch
     * normalisation (on CPU DL4J has no oneDNN helper for other layers, or never calls it: {@code Convolution1DLayer}
     * runs ND4J's conv1d op itself; LearnPad leaves the pooling one off).
     *
     * @param net an initialised {@link MultiLayerNetwork} or {@link ComputationGraph}
     */
    public static String describe(Model net) {
        return Coverage.of(net).toString();
    }

    /**
     * Logs {@link #describe(Model)} once (per distinct line, at WARN) if the helpers are active but some of
     * {@code net}'s layers that could use them do not: the one line saying where DL4J's built-in path runs instead.
     * Silent when every such layer has its helper, and when the helpers are off (then {@link #enable()} logged why).
     */
    public static void logFallbacks(Model net) {
        if (!isActive()) {
            return;
        }
        Coverage c = Coverage.of(net);
        if (c.fallsBack()) {
            String d = c.toString();
            synchronized (OneDnn.class) {
                if (FALLBACKS_LOGGED.add(d)) {
                    log.warn(d);
                }
            }
        }
    }

    /** Which layers of a network that could have a oneDNN helper have one, and the network's data type. */
    private record Coverage(int eligible, List<String> without, DataType type) {
        static Coverage of(Model net) {
            Layer[] layers;
            if (net instanceof MultiLayerNetwork) {
                layers = ((MultiLayerNetwork) net).getLayers();
            } else if (net instanceof ComputationGraph) {
                layers = ((ComputationGraph) net).getLayers();
            } else {
                throw new IllegalArgumentException("OneDnn: expected a MultiLayerNetwork or ComputationGraph, got "
                        + (net == null ? "null" : net.getClass().getName()));
            }
            if (layers == null) {
                throw new IllegalArgumentException("OneDnn: the network is not initialised (call init() first)");
            }
            int eligible = 0;
            List<String> without = new ArrayList<>();
            for (Layer l : layers) {
                Layer u = l;
                while (u instanceof BaseWrapperLayer) {
                    u = ((BaseWrapperLayer) u).getUnderlying();
                }
                if (hasOneDnnHelperClass(u)) {
                    eligible++;
                    if (u.getHelper() == null || !u.getHelper().getClass().getName().contains(".mkldnn.")) {
                        without.add(layerName(u));
                    }
                }
            }
            INDArray params = net.params();
            return new Coverage(eligible, without, params == null || params.isEmpty() ? null : params.dataType());
        }

        boolean wrongType() {
            return eligible > 0 && type != null && type != DataType.FLOAT;
        }

        boolean fallsBack() {
            return !without.isEmpty() || wrongType();
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("oneDNN helpers in ").append(eligible - without.size()).append(" of ")
                    .append(eligible).append(" layers that have one");
            if (wrongType()) {
                s.append(": network data type ").append(type).append(" (oneDNN runs FLOAT only: the helpers decline "
                        + "and DL4J's built-in layers run)");
            } else if (!without.isEmpty()) {
                if (without.size() < eligible || isActive()) {
                    s.append("; without: ").append(String.join(", ", without.subList(0, Math.min(6, without.size()))))
                            .append(without.size() > 6 ? " and " + (without.size() - 6) + " more" : "");
                }
                s.append(isActive() ? " (declined by the helper's checkSupported, e.g. batch norm with lockGammaBeta,"
                        + " or built before OneDnn.enable())" : " (" + status() + ")");
            }
            return s.toString();
        }
    }

    /** The layer kinds for which M2.1 creates a oneDNN helper on CPU (subclasses that override this excluded). */
    private static boolean hasOneDnnHelperClass(Layer l) {
        Class<?> c = l.getClass();
        return c == ConvolutionLayer.class || c == BatchNormalization.class;
    }

    private static String layerName(Layer l) {
        String name = l.getConfig() == null ? null : l.getConfig().getLayerName();
        return (name != null ? name : "layer " + l.getIndex()) + " (" + l.getClass().getSimpleName() + ")";
    }

    /** Null if this JVM's ND4J backend can run the oneDNN helpers, else why not. */
    static String backendProblem() {
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
        if (!"CPU".equalsIgnoreCase(backend)) {
            return "ND4J backend is " + backend + ", not CPU (oneDNN helpers are for nd4j-native; on CUDA DL4J has "
                    + "cuDNN helpers instead)";
        }
        if (!buildInfo().contains("HAVE_ONEDNN")) {
            return "backend has no oneDNN: use the nd4j-native classifier " + platform()
                    + "-onednn (where your OS and CPU have one); DL4J's built-in layers run";
        }
        if (!Nd4j.getEnvironment().helpersAllowed()) {
            return "ND4J's platform helpers are disallowed (Nd4j.getEnvironment().allowHelpers(false)); DL4J's "
                    + "built-in layers run";
        }
        if (!nativeOneDnnSwitchOn()) {
            return "oneDNN is switched off in ND4J's native library (environment variable ND4J_MKL_FALLBACK=true?); "
                    + "DL4J's built-in layers run";
        }
        return null;
    }

    /** The native library's build flags (fixed for the JVM's life once ND4J has loaded it). */
    private static String buildInfo() {
        String b = buildInfo;
        if (b == null) {
            try {
                b = Nd4j.getBackend().buildInfo();
            } catch (RuntimeException | LinkageError e) {
                b = "";
            }
            buildInfo = b == null ? "" : b;
        }
        return buildInfo;
    }

    /** {@code Nd4jCpu.Environment.getInstance().isUseONEDNN()}, by reflection: the CPU backend is optional. */
    static boolean nativeOneDnnSwitchOn() {
        try {
            Class<?> env = Class.forName(CPU_ENVIRONMENT, true, Nd4j.class.getClassLoader());
            Object instance = env.getMethod("getInstance").invoke(null);
            return (Boolean) env.getMethod("isUseONEDNN").invoke(instance);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String platform() {
        try {
            return org.bytedeco.javacpp.Loader.getPlatform();
        } catch (RuntimeException | LinkageError e) {
            return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
        }
    }

    /** Whether DL4J's own check answers true; only asked once the old class name resolves (see resetFailedCheck). */
    private static boolean dl4jCheckPasses() {
        return resolvesLegacyEnvironment(DL4JClassLoading.getDl4jClassloader()) && BaseMKLDNNHelper.mklDnnEnabled();
    }

    private static boolean resolvesLegacyEnvironment(ClassLoader loader) {
        try {
            Class.forName(LEGACY_ENVIRONMENT, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void installLegacyEnvironment() {
        ClassLoader current = DL4JClassLoading.getDl4jClassloader();
        if (!resolvesLegacyEnvironment(current)) {
            DL4JClassLoading.setDl4jClassloader(new LegacyNameLoader(current));
        }
    }

    /**
     * {@code BaseMKLDNNHelper} remembers a failed look-up for the rest of the JVM's life (a private static
     * {@code FAILED_CHECK}); that happens when someone set {@code helpers.disable=false} and built a network before
     * {@link #enable()}. Clear it so that the check runs again; if that is impossible (a security manager, DL4J on
     * the module path), {@link #status()} says so.
     */
    private static void resetFailedCheck() {
        try {
            Field f = BaseMKLDNNHelper.class.getDeclaredField("FAILED_CHECK");
            f.setAccessible(true);
            f.set(null, null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("could not reset BaseMKLDNNHelper.FAILED_CHECK", e);
        }
    }

    /**
     * Whether DL4J's pooling helper ({@code MKLDNNSubsamplingHelper.checkSupported()}) is asking. LearnPad leaves that
     * helper off: in M2.1 {@code SubsamplingLayer} uses it in backprop only, where it calls the same native op
     * ({@code maxpool2d_bp}/{@code avgpool2d_bp}, oneDNN inside the -onednn build either way) as the built-in path,
     * so it gains nothing; and it drops the layer's {@code avgPoolIncludePadInDivisor}, so with that option set and
     * padding its input gradient is wrong (OneDnnEquivalenceTest). Declining here is the helper's own
     * {@code checkSupported} answering false, which DL4J already handles: the layer gets no helper.
     */
    static boolean askedByPoolingHelper() {
        return StackWalker.getInstance().walk(frames -> frames.limit(12)
                .anyMatch(f -> f.getClassName().equals(MKLDNNSubsamplingHelper.class.getName())));
    }

    private static void logOnce(boolean active) {
        String s = status();
        if (!s.equals(lastLogged)) {
            lastLogged = s;
            if (active || s.contains(HELPERS_DISABLE_PROPERTY)) {
                log.info(s);
            } else {
                log.warn(s);
            }
        }
    }

    /**
     * What DL4J's check {@code BaseMKLDNNHelper.mklDnnEnabled()} finds at the old class name
     * {@code org.nd4j.nativeblas.Nd4jCpu$Environment}: it calls {@code getInstance()} and then
     * {@code isUseMKLDNN()} on the result. Not for use by applications: public only because the class defined at
     * the old name (an empty subclass, in another class loader and package) must be able to extend it.
     */
    public static class LegacyEnvironment {
        private static final LegacyEnvironment INSTANCE = new LegacyEnvironment();

        LegacyEnvironment() {
        }

        /** The instance DL4J asks. */
        public static LegacyEnvironment getInstance() {
            return INSTANCE;
        }

        /**
         * True if the loaded ND4J backend has oneDNN and it is switched on, except when asked on behalf of DL4J's
         * pooling helper (left off, see the class documentation of {@link OneDnn}); never throws.
         */
        public boolean isUseMKLDNN() {
            try {
                return backendProblem() == null && !askedByPoolingHelper();
            } catch (RuntimeException | LinkageError e) {
                return false; // DL4J would remember an exception as a failed check for the rest of the JVM's life
            }
        }
    }

    /**
     * Delegates to DL4J's previous class loader; defines only {@link #LEGACY_ENVIRONMENT}, as an empty subclass of
     * {@link LegacyEnvironment} (a 100-byte class file written here, so no bytecode library is needed).
     */
    static final class LegacyNameLoader extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        LegacyNameLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals(LegacyEnvironment.class.getName())) {
                return LegacyEnvironment.class; // resolvable even where the parent loader cannot see LearnPad
            }
            return super.loadClass(name, resolve);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!LEGACY_ENVIRONMENT.equals(name)) {
                throw new ClassNotFoundException(name);
            }
            byte[] b = emptySubclass(LEGACY_ENVIRONMENT, LegacyEnvironment.class.getName());
            return defineClass(name, b, 0, b.length);
        }

        /** A class file (Java 8 format) for {@code public class name extends superName {}} with no members. */
        static byte[] emptySubclass(String name, String superName) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(0xCAFEBABE);
                out.writeShort(0);                                  // minor version
                out.writeShort(52);                                 // major version: Java 8
                out.writeShort(5);                                  // constant pool count (entries 1..4)
                out.writeByte(1);                                   // #1 Utf8 this class's internal name
                out.writeUTF(name.replace('.', '/'));
                out.writeByte(7);                                   // #2 Class #1
                out.writeShort(1);
                out.writeByte(1);                                   // #3 Utf8 super class's internal name
                out.writeUTF(superName.replace('.', '/'));
                out.writeByte(7);                                   // #4 Class #3
                out.writeShort(3);
                out.writeShort(0x0021);                             // ACC_PUBLIC | ACC_SUPER
                out.writeShort(2);                                  // this class
                out.writeShort(4);                                  // super class
                out.writeShort(0);                                  // interfaces
                out.writeShort(0);                                  // fields
                out.writeShort(0);                                  // methods
                out.writeShort(0);                                  // attributes
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
