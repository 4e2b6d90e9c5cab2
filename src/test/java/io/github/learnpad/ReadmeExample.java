package io.github.learnpad;

import io.github.learnpad.layers.LocalLosses;
import io.github.learnpad.layers.PaddingModule;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The README's first Java block ("Drop it into your network"), taken from README.md itself, compiled with
 * {@code javax.tools} and run, so that the README and the code cannot drift apart. {@link ReadmeExampleTest} runs it
 * against the build; {@code .ci/consumer-check} runs {@link #main} in a fresh project that declares only the
 * README's dependencies (the installed learnpad jar and a backend), and first loads and initialises every class of
 * that jar. Uses nothing beyond the JDK, DL4J and LearnPad, so it also runs as a single-file program.
 */
public final class ReadmeExample {
    /** Imports the README's snippet may rely on (it shows none, to stay short). */
    private static final String IMPORTS = String.join("\n",
            "import io.github.learnpad.layers.*;",
            "import org.deeplearning4j.nn.conf.*;",
            "import org.deeplearning4j.nn.conf.inputs.*;",
            "import org.deeplearning4j.nn.conf.layers.*;",
            "import org.deeplearning4j.nn.multilayer.*;",
            "import org.nd4j.linalg.activations.*;",
            "import org.nd4j.linalg.learning.config.*;",
            "import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;",
            "import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;");

    private ReadmeExample() {
    }

    /** The first {@code ```java} block of the markdown file. */
    public static String firstJavaBlock(Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        int start = lines.indexOf("```java");
        if (start < 0) {
            throw new IllegalStateException(readme + " has no ```java block");
        }
        int end = lines.subList(start + 1, lines.size()).indexOf("```");
        if (end < 0) {
            throw new IllegalStateException(readme + ": the first ```java block is not closed");
        }
        return String.join("\n", lines.subList(start + 1, start + 1 + end));
    }

    /** 8 random 28x28 grey images, one label each of classes 0..7, as one minibatch. */
    public static DataSet data() {
        java.util.Random r = new java.util.Random(1);
        float[] px = new float[8 * 28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat();
        }
        return new DataSet(Nd4j.create(px, new long[]{8, 1, 28, 28}, 'c'),
                Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5, 6, 7).castTo(DataType.FLOAT));
    }

    /**
     * Compiles the snippet as the body of a method that receives {@code trainIter} and returns {@code net}, against
     * {@code classpath}, and runs it.
     */
    @SuppressWarnings("unchecked")
    public static MultiLayerNetwork run(String snippet, String classpath, DataSetIterator trainIter) throws Exception {
        String source = "package readme;\n" + IMPORTS + "\n"
                + "public final class Example implements java.util.function.Function<DataSetIterator, MultiLayerNetwork> {\n"
                + "    @Override\n    public MultiLayerNetwork apply(DataSetIterator trainIter) {\n"
                + snippet + "\n        return net;\n    }\n}\n";
        Path dir = Files.createTempDirectory("readme-example");
        Path src = Files.createDirectories(dir.resolve("src/readme")).resolve("Example.java");
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler: run on a JDK, not a JRE");
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, err, err, "-classpath", classpath, "-d", classes.toString(), "-proc:none",
                src.toString());
        if (rc != 0) {
            throw new IllegalStateException("the README example does not compile:\n" + err.toString(StandardCharsets.UTF_8)
                    + "\n" + source);
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                ReadmeExample.class.getClassLoader())) {
            Function<DataSetIterator, MultiLayerNetwork> f = (Function<DataSetIterator, MultiLayerNetwork>)
                    loader.loadClass("readme.Example").getDeclaredConstructor().newInstance();
            return f.apply(trainIter);
        }
    }

    /** What the README promises of the trained network: one Padding Module with a positive local loss, 10 outputs. */
    public static void check(MultiLayerNetwork net, DataSet d) {
        Map<String, Double> losses = LocalLosses.of(net);
        if (losses.size() != 1 || !(losses.values().iterator().next() > 0)) {
            throw new AssertionError("expected one Padding Module with a positive local loss, got " + losses);
        }
        long[] shape = net.output(d.getFeatures()).shape();
        if (!java.util.Arrays.equals(new long[]{8, 10}, shape)) {
            throw new AssertionError("expected output shape [8, 10], got " + java.util.Arrays.toString(shape));
        }
    }

    /**
     * Loads and initialises every class in the jar that holds LearnPad ({@code Class.forName(name, true, ...)}).
     *
     * @return the number of classes loaded
     * @throws AssertionError listing every class that fails to link or initialise
     */
    public static int loadEveryClass() throws IOException, java.net.URISyntaxException {
        File jar = new File(PaddingModule.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!jar.isFile()) {
            throw new IllegalStateException("LearnPad is loaded from " + jar + ", not from a jar");
        }
        List<String> failed = new ArrayList<>();
        int n = 0;
        try (JarFile j = new JarFile(jar)) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (!name.endsWith(".class") || name.endsWith("module-info.class")) {
                    continue;
                }
                String cls = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                try {
                    Class.forName(cls, true, ReadmeExample.class.getClassLoader());
                    n++;
                } catch (LinkageError | ClassNotFoundException ex) {
                    failed.add(cls + ": " + ex);
                }
            }
        }
        if (!failed.isEmpty()) {
            throw new AssertionError(failed.size() + " classes of " + jar + " cannot be loaded with only the declared "
                    + "dependencies:\n  " + String.join("\n  ", failed));
        }
        return n;
    }

    /** The consumer check: {@code java -cp CONSUMER_CLASSPATH ReadmeExample.java README.md}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ReadmeExample README.md");
        }
        int n = loadEveryClass();
        System.out.println("consumer check: loaded and initialised all " + n + " classes of "
                + PaddingModule.class.getProtectionDomain().getCodeSource().getLocation());
        DataSet d = data();
        MultiLayerNetwork net = run(firstJavaBlock(Path.of(args[0])), System.getProperty("java.class.path"),
                new SingletonDataSetIterator(d));
        check(net, d);
        System.out.println("consumer check: the README's network trained");
    }
}
