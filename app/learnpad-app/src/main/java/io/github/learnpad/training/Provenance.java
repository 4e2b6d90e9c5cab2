package io.github.learnpad.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where and from what a run came: the source tree's git commit, the CPU model, the JVM and the operating system, as
 * recorded with every {@link RunRecord}. The code's own docs say results are identical on the same machine and JVM;
 * a run finished on another CPU or JVM is recorded as such, so a report can say which runs came from where.
 */
public final class Provenance {
    private Provenance() {
    }

    /**
     * The current machine and, when {@code root} is a git work tree, its commit ({@code "commit"}, and
     * {@code "uncommittedChanges"}: whether files outside docs/ differ from it).
     */
    public static Map<String, Object> current(Path root) {
        Map<String, Object> m = new LinkedHashMap<>();
        String commit = root == null ? null : git(root, "rev-parse", "HEAD");
        m.put("commit", commit == null ? "unknown" : commit);
        if (commit != null) {
            String status = git(root, "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs");
            m.put("uncommittedChanges", status != null && !status.isBlank());
        }
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("jvm", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return m;
    }

    /** The CPU's model name from /proc/cpuinfo (Linux), else the architecture. */
    public static String cpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            }
        } catch (IOException ignored) {
            // fall through to the architecture
        }
        return System.getProperty("os.arch");
    }

    /** The output of a git command in {@code root} (trimmed), or null when git is missing or fails. */
    static String git(Path root, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", root.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
