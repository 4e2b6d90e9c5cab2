package io.github.learnpad.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * Keeps SameDiff's debugging output off the command line's stdout. ND4J 1.0.0-M2.1's
 * {@code SameDiff.createGradFunction} prints one line {@code Added differentiated op <name>} per op to
 * {@code System.out}, unconditionally (no logger, no switch), when a SameDiff layer's gradient function is first
 * built: about 40 lines before {@code learnpad bench}'s table, which times the SAMEDIFF reference layer.
 * {@link #filtered} runs a task with {@code System.out} replaced by a stream that drops exactly those lines and passes
 * every other line through.
 */
final class SameDiffNoise {
    static final String PREFIX = "Added differentiated op ";

    private SameDiffNoise() {
    }

    /** Runs {@code task} with SameDiff's "Added differentiated op" lines removed from System.out. */
    static <T> T filtered(Callable<T> task) throws Exception {
        PrintStream original = System.out;
        LineFilter filter = new LineFilter(original);
        System.setOut(new PrintStream(filter, true, StandardCharsets.UTF_8));
        try {
            return task.call();
        } finally {
            System.out.flush();
            System.setOut(original);
            filter.flushPartialLine();
        }
    }

    /** Buffers one line at a time; drops it if it is SameDiff's, else writes it on. */
    static final class LineFilter extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineFilter(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            target.flush();
        }

        synchronized void flushPartialLine() throws IOException {
            if (line.size() > 0) {
                emit();
            }
            target.flush();
        }

        private void emit() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (!s.startsWith(PREFIX)) {
                target.print(s);
            }
        }
    }
}
