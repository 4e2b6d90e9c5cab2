package io.github.learnpad.cli;

import io.github.learnpad.ui.LiveUi;
import io.github.learnpad.ui.StatsFiles;
import io.github.learnpad.ui.StatsRecording;
import org.deeplearning4j.core.storage.StatsStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code learnpad ui RUN_DIR...}: DL4J's training UI over the recorded statistics of finished runs. */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = {"Reopen the training statistics (stats.dl4j) that train/compare/study --ui or --stats recorded, "
                + "in DL4J's training UI, one session per run (pick it at the top of the page), and serve until "
                + "interrupted (Ctrl-C). The run files are only read (a copy is opened)."})
final class UiCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN_DIR",
            description = "Run directories of train, or the --out of compare/study (all its runs).")
    List<Path> dirs;

    @Option(names = "--port", defaultValue = "" + LiveUi.DEFAULT_PORT,
            description = "Port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = LiveUi.LOOPBACK, paramLabel = "ADDRESS",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only); anything else lets "
                    + "anyone who can reach this machine read the statistics.")
    String host;

    @Override
    public Integer call() throws Exception {
        Opened o = open(dirs, host, port, System.out, System.err);
        try {
            Thread.currentThread().join(); // serve until interrupted
        } finally {
            o.close();
        }
        return 0;
    }

    /** The stats files of the given directories: a run's own, or every run's of a comparison. */
    static List<Path> statsFiles(List<Path> dirs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            if (!Files.isDirectory(d)) {
                throw new IllegalArgumentException("no such run directory: " + d);
            }
            Path own = d.resolve(StatsRecording.FILE);
            Path runs = d.resolve("runs");
            if (Files.exists(own) || !Files.isDirectory(runs)) {
                out.add(own); // a missing file is reported by StatsFiles.openCopy, with what to do
                continue;
            }
            List<Path> found = new ArrayList<>();
            try (Stream<Path> s = Files.list(runs)) {
                s.filter(Files::isDirectory).sorted(Comparator.naturalOrder()).map(r -> r.resolve(StatsRecording.FILE))
                        .filter(Files::exists).forEach(found::add);
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no stats in " + d + " nor in its runs/*/: they were trained "
                        + "without --ui or --stats; train again with --stats to record DL4J's statistics");
            }
            out.addAll(found);
        }
        return out;
    }

    /** The UI with every run's statistics attached, and the scratch copies to delete when done. */
    static final class Opened implements AutoCloseable {
        final LiveUi ui;
        final List<StatsStorage> storages = new ArrayList<>();
        final Path scratch;

        Opened(LiveUi ui, Path scratch) {
            this.ui = ui;
            this.scratch = scratch;
        }

        @Override
        public void close() throws IOException {
            try {
                if (ui != null) {
                    ui.close();
                }
            } finally {
                for (StatsStorage s : storages) {
                    s.close();
                }
                try (Stream<Path> s = Files.walk(scratch)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** Opens copies of the runs' stats files and serves them; prints the URL and the sessions. */
    static Opened open(List<Path> dirs, String host, int port, PrintStream out, PrintStream err) throws IOException {
        List<Path> files = statsFiles(dirs);
        Path scratch = Files.createTempDirectory("learnpad-ui-");
        Opened o = new Opened(null, scratch);
        List<String> sessions = new ArrayList<>();
        try {
            int i = 0;
            for (Path f : files) {
                StatsStorage s = StatsFiles.openCopy(f, scratch.resolve(Integer.toString(i++)));
                o.storages.add(s);
                if (s.listSessionIDs().isEmpty()) {
                    err.println("learnpad: WARNING: " + f + " holds no session yet (no statistics were reported: "
                            + "fewer iterations than --stats-every?)");
                }
                for (String id : s.listSessionIDs()) {
                    if (sessions.contains(id)) {
                        err.println("learnpad: WARNING: two runs named " + id + " (" + f + "): DL4J's UI shows them as "
                                + "one session; open them one at a time");
                    }
                    sessions.add(id);
                }
            }
            if (!LiveUi.isLoopback(host)) {
                err.println("learnpad: WARNING: --host " + host + ": the UI is reachable from the network, without "
                        + "password or encryption");
            }
            LiveUi ui = LiveUi.start(host, port, "--port PORT");
            Opened started = new Opened(ui, scratch);
            started.storages.addAll(o.storages);
            o = started;
            for (StatsStorage s : o.storages) {
                ui.attach(s);
            }
        } catch (IOException | RuntimeException e) {
            o.close();
            throw e;
        }
        out.println("Training UI: " + o.ui.overviewUrl() + "  (Padding Module local losses: " + o.ui.localLossUrl()
                + ")");
        out.println("Sessions: " + String.join(", ", sessions) + "; serving until interrupted (Ctrl-C)");
        out.flush();
        return o;
    }
}
