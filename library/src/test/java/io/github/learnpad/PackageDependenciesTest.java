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
 * The library's packages depend on each other without cycles, {@code train} does not depend on {@code realism}, and
 * nothing in the library refers to the command line's packages. Read from the sources (imports and fully qualified
 * names), for both modules.
 */
class PackageDependenciesTest {
    private static final Pattern REF = Pattern.compile("io\\.github\\.learnpad\\.([a-z0-9]+)\\.");

    /** package -> the LearnPad packages its main sources name. */
    static Map<String, Set<String>> graph(Path sources) throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        Path root = sources.resolve("io/github/learnpad");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String pkg = root.relativize(f).getName(0).toString();
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

    @Test
    void libraryAndAppHaveNoCyclesAndTrainDoesNotUseRealism() throws IOException {
        Map<String, Set<String>> lib = graph(Path.of("src/main/java"));
        assertTrue(lib.keySet().containsAll(Set.of("data", "layers", "models", "realism", "train")), lib.toString());
        assertNull(cycle(lib), lib.toString());
        assertFalse(lib.get("train").contains("realism"), "train must not depend on realism: " + lib);
        Set<String> app = graph(Path.of("../app/src/main/java")).keySet();
        for (Map.Entry<String, Set<String>> e : lib.entrySet()) {
            for (String dep : e.getValue()) {
                assertTrue(lib.containsKey(dep), "library package " + e.getKey() + " uses " + dep
                        + (app.contains(dep) ? ", a package of the command line (app/)" : ""));
            }
        }
        Map<String, Set<String>> all = new TreeMap<>(lib);
        all.putAll(graph(Path.of("../app/src/main/java")));
        assertNull(cycle(all), all.toString());
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
