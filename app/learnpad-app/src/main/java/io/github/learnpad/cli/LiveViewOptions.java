package io.github.learnpad.cli;

import io.github.learnpad.ui.LiveUi;
import io.github.learnpad.ui.StatsRecording;
import picocli.CommandLine.Option;

import java.io.PrintStream;

/**
 * {@code --ui[=PORT]}, {@code --stats} and their settings, shared by {@code train} and {@code compare} (and so
 * {@code study}): DL4J's training statistics recorded into each run's {@code stats.dl4j}, and shown live in DL4J's
 * training UI on the loopback interface.
 */
public final class LiveViewOptions {
    /** Reporting frequency of DL4J's StatsListener: see docs/benchmarks.md for its measured cost. */
    static final int DEFAULT_STATS_EVERY = 50;

    @Option(names = "--ui", arity = "0..1", fallbackValue = "" + LiveUi.DEFAULT_PORT, paramLabel = "PORT",
            description = "Watch training live in DL4J's training UI at http://127.0.0.1:PORT/train/overview (default "
                    + "port 9000, 0: any free port), with the Padding Modules' local losses at /learnpad/local-loss. "
                    + "Implies --stats. Listens on the loopback interface only (see --ui-host).")
    Integer uiPort;

    @Option(names = "--ui-host", paramLabel = "ADDRESS", defaultValue = LiveUi.LOOPBACK,
            description = "Address the UI listens on. Default: ${DEFAULT-VALUE} (this machine only). Anything else, "
                    + "e.g. 0.0.0.0, lets anyone who can reach this machine read the run's statistics and network "
                    + "configuration (no password, no encryption): only on a trusted network.")
    String uiHost;

    @Option(names = "--ui-keep", description = "With --ui: keep serving after training until interrupted (Ctrl-C).")
    boolean uiKeep;

    @Option(names = "--stats", description = "Record DL4J's training statistics (score, update:parameter ratios, "
            + "activations, memory; local losses) into each run's stats.dl4j for 'learnpad ui RUN_DIR', without "
            + "serving them.")
    boolean stats;

    @Option(names = "--stats-every", defaultValue = "" + DEFAULT_STATS_EVERY, paramLabel = "N",
            description = "With --ui or --stats: record statistics every N iterations. Default: ${DEFAULT-VALUE} "
                    + "(measured cost: docs/benchmarks.md).")
    int statsEvery;

    /** Whether statistics are recorded at all. */
    boolean recording() {
        return uiPort != null || stats;
    }

    void validate() {
        TrainingOptions.require(statsEvery >= 1, "--stats-every must be >= 1, got " + statsEvery);
        TrainingOptions.require(uiPort == null || (uiPort >= 0 && uiPort <= 65535),
                "--ui port must be in 0..65535 (0: any free port), got " + uiPort);
        TrainingOptions.require(!uiKeep || uiPort != null, "--ui-keep needs --ui");
        TrainingOptions.require(uiHost.equals(LiveUi.LOOPBACK) || uiPort != null, "--ui-host needs --ui");
    }

    /**
     * Starts what was asked for: nothing (null), recording only, or recording and the UI (printing its URLs once on
     * {@code out}). If the port is in use the run goes on without the UI (training is not harmed), recording its
     * statistics for 'learnpad ui', with a warning on {@code err}.
     */
    LiveView start(PrintStream out, PrintStream err) {
        validate();
        if (!recording()) {
            return null;
        }
        LiveUi ui = null;
        if (uiPort != null) {
            if (!LiveUi.isLoopback(uiHost)) {
                err.println("learnpad: WARNING: --ui-host " + uiHost + ": the training UI is reachable from the "
                        + "network, without password or encryption; anyone who can reach this machine can read the "
                        + "run's statistics and network configuration");
            }
            try {
                ui = LiveUi.start(uiHost, uiPort);
            } catch (IllegalStateException e) {
                err.println("learnpad: WARNING: " + e.getMessage() + ". Training goes on without the live view; its "
                        + "statistics are still recorded: 'learnpad ui RUN_DIR' shows them afterwards");
            }
            if (ui != null) {
                out.println("Training UI: " + ui.overviewUrl() + "  (Padding Module local losses: "
                        + ui.localLossUrl() + ")");
                out.flush();
            }
        }
        return new LiveView(new StatsRecording(statsEvery, ui, err), ui, uiKeep);
    }

    /** A started live view: the recording, and the UI if it runs. */
    static final class LiveView implements AutoCloseable {
        final StatsRecording recording;
        final LiveUi ui;
        private final boolean keep;

        LiveView(StatsRecording recording, LiveUi ui, boolean keep) {
            this.recording = recording;
            this.ui = ui;
            this.keep = keep;
        }

        /** After training: say how to reopen the statistics, and with --ui-keep serve until interrupted. */
        void finished(PrintStream out, String dirs) {
            out.println("Training statistics: learnpad ui " + dirs);
            out.flush();
            if (ui != null && keep) {
                out.println("Training done; still serving " + ui.overviewUrl() + " until interrupted (Ctrl-C)");
                out.flush();
                try {
                    Thread.currentThread().join(); // returns only by interruption
                } catch (InterruptedException stop) {
                    // asked to stop serving (Ctrl-C ends the JVM instead; its shutdown closes the stats files)
                }
            }
        }

        @Override
        public void close() {
            try {
                if (ui != null) {
                    ui.close();
                }
            } finally {
                recording.close();
            }
        }
    }
}
