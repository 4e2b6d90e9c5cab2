package io.github.learnpad.cli;

import io.github.learnpad.OneDnn;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * The {@code learnpad} command line: {@code train}, {@code eval}, {@code compare}, {@code demo}, {@code realism},
 * {@code bench}, {@code convert}, {@code robustness} and {@code study}. Every command runs with DL4J's oneDNN helpers
 * on ({@link OneDnn}) unless {@code --no-onednn} is given.
 *
 * <p>Exit codes: 0 success, 2 usage error (unknown option, bad value; picocli prints the usage), 1 runtime error
 * (one line {@code learnpad: error: ...} on stderr; the stack trace only with {@code --verbose}).
 */
@Command(name = "learnpad", mixinStandardHelpOptions = true, versionProvider = LearnPadCli.Version.class,
        description = "Train networks with zero, reflect, replicate, circular or learned padding and compare them.",
        subcommands = {TrainCommand.class, EvalCommand.class, CompareCommand.class, DemoCommand.class,
                RealismCommand.class, BenchCommand.class, ConvertCommand.class, RobustnessCommand.class,
                StudyCommand.class, UiCommand.class, CommandLine.HelpCommand.class})
public final class LearnPadCli implements Runnable {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors and DL4J's informational logging.")
    boolean verbose;

    @Option(names = "--no-onednn", scope = CommandLine.ScopeType.INHERIT,
            description = "Run DL4J's built-in convolution and batch normalisation layers instead of its oneDNN "
                    + "helpers (on by default where the backend has oneDNN; same results within float rounding, "
                    + "slower: docs/benchmarks.md).")
    boolean noOneDnn;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: train, eval, compare, demo, realism, bench or convert");
    }

    /** {@code learnpad --version}: the project version that Maven wrote into version.properties. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = LearnPadCli.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new java.io.FileNotFoundException("version.properties is missing from the build");
                }
                p.load(in);
            }
            return new String[]{"learnpad " + p.getProperty("version")};
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line in this process and returns the exit code (for tests and embedding). */
    public static int execute(String... args) {
        // Before anything loads ND4J (JavaCPP reads its settings once); the launcher also passes the property.
        io.github.learnpad.JavaCppAccounting.skipPhysicalBytesCheck();
        boolean verbose = Arrays.asList(args).contains("--verbose");
        quietLogging(verbose);
        CommandLine cl = new CommandLine(new LearnPadCli());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            err.println("learnpad: error: " + message(ex));
            if (verbose) {
                ex.printStackTrace(err);
            } else {
                err.println("learnpad: (run with --verbose for the stack trace)");
            }
            err.flush();
            return 1;
        });
        cl.setExecutionStrategy(parseResult -> {
            selectOneDnn(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cl.execute(args);
    }

    /**
     * Switches DL4J's oneDNN helpers on (or off with {@code --no-onednn}) before a command runs, logging one line
     * that says which; nothing for help and version requests.
     */
    static void selectOneDnn(CommandLine.ParseResult parseResult) {
        boolean off = false;
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()
                    || p.commandSpec().userObject() instanceof CommandLine.HelpCommand) {
                return;
            }
            off |= p.hasMatchedOption("--no-onednn");
        }
        if (off) {
            OneDnn.disable();
            org.slf4j.LoggerFactory.getLogger(LearnPadCli.class).info("oneDNN helpers off (--no-onednn): DL4J's "
                    + "built-in layers run");
        } else {
            OneDnn.enable(); // logs OneDnn.status() once
        }
    }

    /** The most useful one-line description of a failure: the innermost message that says something. */
    static String message(Throwable ex) {
        Throwable t = ex;
        String best = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t.getMessage();
                if (!(t instanceof java.lang.reflect.InvocationTargetException)) {
                    break;
                }
            }
            t = t.getCause();
        }
        String m = best != null ? best : ex.getClass().getSimpleName();
        if (t instanceof java.nio.file.NoSuchFileException && !m.contains(" ")) {
            m = "no such file: " + m; // the JDK's message is the bare path
        } else if (t instanceof java.nio.file.AccessDeniedException && !m.contains(" ")) {
            m = "permission denied: " + m;
        }
        return m.replace('\n', ' ');
    }

    /**
     * DL4J logs a lot at INFO through slf4j-simple: keep warnings only, LearnPad's own at info, unless the user set
     * the levels (system properties) or asked for --verbose. Must run before the first logger is created.
     */
    static void quietLogging(boolean verbose) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        }
        if (System.getProperty("org.slf4j.simpleLogger.log.io.github.learnpad") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.github.learnpad", "info");
        }
    }
}
