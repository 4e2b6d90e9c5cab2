package io.github.learnpad;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The library holds only what a DL4J model needs (layers, models, the learning-rate schedules, OneDnn), its packages
 * depend on each other without cycles, nothing in it refers to the application's packages, and the two share no
 * package. Read from the sources (imports and fully qualified names) of both builds.
 */
class PackageDependenciesTest {
    private static final Pattern REF = Pattern.compile("io\\.github\\.learnpad\\.([a-z0-9]+)\\.");

    /** package -> the LearnPad packages its main sources name ("" for io.github.learnpad itself). */
    static Map<String, Set<String>> graph(Path sources) throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        Path root = sources.resolve("io/github/learnpad");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Path rel = root.relativize(f);
                String pkg = rel.getNameCount() == 1 ? "" : rel.getName(0).toString();
                Set<String> deps = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REF.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        }
        return g;
    }

    /** A cycle as a path "a -> b -> a", or null. */
    static String cycle(Map<String, Set<String>> g) {
        for (String start : g.keySet()) {
            String c = from(g, start, new ArrayList<>(List.of(start)));
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    private static String from(Map<String, Set<String>> g, String at, List<String> path) {
        for (String next : g.getOrDefault(at, Set.of())) {
            if (next.equals(path.get(0))) {
                return String.join(" -> ", path) + " -> " + next;
            }
            if (!path.contains(next)) {
                path.add(next);
                String c = from(g, next, path);
                if (c != null) {
                    return c;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    /** The application's main sources, seen from the library's tests (run in the repository's root). */
    static final Path APP = Path.of("app/learnpad-app/src/main/java");

    @Test
    void libraryAndAppHaveNoCyclesAndShareNoPackage() throws IOException {
        Map<String, Set<String>> lib = graph(Path.of("src/main/java"));
        // What a DL4J model needs to train and run; "" is io.github.learnpad itself (OneDnn).
        assertEquals(Set.of("", "layers", "models", "train"), lib.keySet(), "the library's packages");
        assertNull(cycle(lib), lib.toString());
        Map<String, Set<String>> app = graph(APP);
        assertTrue(app.keySet().containsAll(Set.of("cli", "data", "training", "realism", "stats")), app.toString());
        assertFalse(app.get("training").contains("realism"), "training must not depend on realism: " + app);
        for (Map.Entry<String, Set<String>> e : lib.entrySet()) {
            for (String dep : e.getValue()) {
                assertTrue(lib.containsKey(dep), "library package " + e.getKey() + " uses " + dep
                        + (app.containsKey(dep) ? ", a package of the application (app/)" : ""));
            }
        }
        Set<String> shared = new TreeSet<>(lib.keySet());
        shared.retainAll(app.keySet());
        shared.remove("");
        assertEquals(Set.of(), shared, "packages in both the library and the application");
        Map<String, Set<String>> all = new TreeMap<>(lib);
        app.forEach((k, v) -> all.merge(k, v, (a, b) -> {
            Set<String> u = new TreeSet<>(a);
            u.addAll(b);
            return u;
        }));
        assertNull(cycle(all), all.toString());
    }

    /** Java source without its comments (block, Javadoc and line comments; string literals are not special-cased). */
    static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    @Test
    void theRewriterDoesNotUseTheConverter() throws IOException {
        // One way: NetworkConverter (trained networks) builds on PaddingRewriter (configurations), never back.
        String rewriter = Files.readString(Path.of("src/main/java/io/github/learnpad/models/PaddingRewriter.java"));
        assertFalse(code(rewriter).contains("NetworkConverter"), "PaddingRewriter's code names NetworkConverter");
        String converter = Files.readString(Path.of("src/main/java/io/github/learnpad/models/NetworkConverter.java"));
        assertTrue(code(converter).contains("PaddingRewriter"));
        // The check sees a use in code, and not a mention in a comment.
        assertTrue(code("class A { NetworkConverter c; }").contains("NetworkConverter"));
        assertFalse(code("/** {@link NetworkConverter} */ class A { } // NetworkConverter").contains("NetworkConverter"));
    }

    @Test
    void findsACycle() {
        // Sorted maps: the search starts at "a" (Map.of would iterate in a different order in each JVM).
        Map<String, Set<String>> g = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
                "d", Set.of("a")));
        assertEquals("a -> b -> c -> a", cycle(g));
        assertNull(cycle(Map.of("a", Set.of("b"), "b", Set.of("c"))));
    }
}
