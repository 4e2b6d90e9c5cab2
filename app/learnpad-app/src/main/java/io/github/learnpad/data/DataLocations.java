package io.github.learnpad.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where LearnPad looks for dataset files, in order:
 * <ol>
 *   <li>the explicit directory ({@link DataOptions#dataDir()}), if given: only there;</li>
 *   <li>else the environment variable {@value #FASHION_MNIST_ENV} / {@value #CIFAR10_ENV}, if set: only there;</li>
 *   <li>else the defaults: Fashion-MNIST {@code /usr/share/datasets/fashion-mnist} (Debian package
 *       {@code dataset-fashion-mnist}) then {@code ~/.learnpad/data/fashion-mnist}; CIFAR-10
 *       {@code ~/.learnpad/data/cifar-10-batches-bin} then {@code ~/.learnpad/data/cifar10} (and its
 *       {@code cifar-10-batches-bin} sub-folder).</li>
 * </ol>
 * An explicit directory or variable is not silently bypassed: if the files are not there, loading fails and says so.
 * Downloads go to the explicit directory, else the variable's directory, else {@code ~/.learnpad/data/<name>}.
 */
public final class DataLocations {
    public static final String FASHION_MNIST_ENV = "LEARNPAD_FASHION_MNIST_DIR";
    public static final String CIFAR10_ENV = "LEARNPAD_CIFAR10_DIR";
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private final Map<String, String> env;
    private final Path home;
    private final Path systemFashionMnist;

    /** @param env environment variables; @param home the user's home directory */
    public DataLocations(Map<String, String> env, Path home) {
        this(env, home, DEBIAN_FASHION_MNIST);
    }

    /** As above, with another system-wide Fashion-MNIST directory than {@link #DEBIAN_FASHION_MNIST}. */
    public DataLocations(Map<String, String> env, Path home, Path systemFashionMnist) {
        this.env = Map.copyOf(env);
        this.home = home;
        this.systemFashionMnist = systemFashionMnist;
    }

    /** The real environment and {@code user.home}. */
    public static DataLocations system() {
        return new DataLocations(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** {@code ~/.learnpad/data}. */
    public Path learnpadData() {
        return home.resolve(".learnpad").resolve("data");
    }

    /** The environment variable naming the directory of a downloadable dataset. */
    public static String envVariable(DatasetSpec.Kind kind) {
        switch (kind) {
            case FASHION_MNIST: return FASHION_MNIST_ENV;
            case CIFAR10: return CIFAR10_ENV;
            default: throw new IllegalArgumentException("no environment variable for " + kind);
        }
    }

    /** The directories to search, in order (see the class comment). */
    public List<Path> candidates(DatasetSpec.Kind kind, Path explicitDir) {
        if (explicitDir != null) {
            return List.of(explicitDir);
        }
        String e = env.get(envVariable(kind));
        if (e != null && !e.isBlank()) {
            return List.of(Path.of(e));
        }
        List<Path> c = new ArrayList<>();
        if (kind == DatasetSpec.Kind.FASHION_MNIST) {
            c.add(systemFashionMnist);
            c.add(learnpadData().resolve("fashion-mnist"));
        } else {
            c.add(learnpadData().resolve(Cifar10Reader.BATCH_FOLDER));
            c.add(learnpadData().resolve("cifar10"));
        }
        return c;
    }

    /** Where {@code --download} writes: the explicit directory, else the variable's, else {@code ~/.learnpad/data/<name>}. */
    public Path downloadDir(DatasetSpec.Kind kind, Path explicitDir) {
        if (explicitDir != null) {
            return explicitDir;
        }
        String e = env.get(envVariable(kind));
        if (e != null && !e.isBlank()) {
            return Path.of(e);
        }
        return learnpadData().resolve(kind == DatasetSpec.Kind.FASHION_MNIST ? "fashion-mnist" : "cifar10");
    }
}
