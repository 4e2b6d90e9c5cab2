package io.github.learnpad;

import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes JavaCPP's per-allocation check of the process's resident memory out of DL4J's training step. Every native
 * allocation JavaCPP registers for garbage collection (ND4J's shape descriptors, op contexts, buffers made outside
 * workspaces: hundreds per training step) first asks the operating system for the process's resident set
 * ({@code Pointer.physicalBytesInaccurate}, under a global lock) when JavaCPP's {@code maxPhysicalBytes} is above
 * 0, which it is by default (4 x the Java heap limit). On a small network that was a visible share of a training step
 * (docs/benchmarks.md, "Where a training step's time goes").
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     JavaCppAccounting.skipPhysicalBytesCheck(); // first: before anything touches ND4J or JavaCPP
 *     OneDnn.enable();
 *     ...
 * }
 * }</pre>
 *
 * <p>What remains: JavaCPP still counts the bytes it tracks and calls {@code System.gc()} when they pass
 * {@code org.bytedeco.javacpp.maxBytes} (default: the Java heap limit), so native memory that only a garbage
 * collection frees stays bounded; only the resident-set check is gone. Same results: it changes when memory is
 * checked, not what is computed.
 *
 * <p>JavaCPP reads its settings once, when its {@code Pointer} class loads (ND4J loads it with its backend). If that
 * has happened, this call cannot change anything: it says so in the log and returns false, and the setting must
 * go on the command line instead: {@code java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 ...} (LearnPad's
 * {@code learnpad} launcher passes it). A value the user set (property given) is respected.
 */
public final class JavaCppAccounting {
    private static final Logger log = LoggerFactory.getLogger(JavaCppAccounting.class);
    /** JavaCPP's system property (it also reads the lower-case spelling). */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";
    private static final String MAX_PHYSICAL_BYTES_LOWER = "org.bytedeco.javacpp.maxphysicalbytes";

    private JavaCppAccounting() {
    }

    /**
     * Sets {@code org.bytedeco.javacpp.maxPhysicalBytes=0} unless the user set it, and reports whether JavaCPP runs
     * without the resident-set check. Call it first in {@code main}; idempotent and thread-safe.
     *
     * @return true if JavaCPP does not check the resident set on allocation (now or already)
     */
    public static synchronized boolean skipPhysicalBytesCheck() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null && System.getProperty(MAX_PHYSICAL_BYTES_LOWER) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, "0");
        }
        boolean off = isCheckOff();
        if (!off) {
            log.info("JavaCPP checks the resident memory on every native allocation (maxPhysicalBytes {}): it was "
                    + "loaded before JavaCppAccounting.skipPhysicalBytesCheck(), or the property was set; start the "
                    + "JVM with -D{}=0 to skip that check", Pointer.maxPhysicalBytes(), MAX_PHYSICAL_BYTES);
        }
        return off;
    }

    /** Whether JavaCPP skips the resident-set check ({@code Pointer.maxPhysicalBytes() <= 0}); loads JavaCPP. */
    public static boolean isCheckOff() {
        return Pointer.maxPhysicalBytes() <= 0;
    }
}
