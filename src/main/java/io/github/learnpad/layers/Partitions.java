package io.github.learnpad.layers;

import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs the partitions of a Padding Module pass in parallel, on as many threads as ND4J may use (see {@link #threads})
 * and the machine has. The partitions are fixed by the amount of work alone, never by the thread count, and a pass
 * combines their sums in partition order: on the same machine and JVM, results are bit-for-bit the same for any
 * thread count. They are not promised across machines or JVMs: how the passes' fused multiply-adds are executed
 * depends on the hardware (the JVM's {@code UseFMA} flag follows the CPU), and so can their last bits.
 */
final class Partitions {
    /** Partitions per pass (fewer if there are fewer units): enough for 8 cores, few enough to keep sums cheap. */
    static final int MAX = 8;
    private static final ConcurrentHashMap<Integer, ExecutorService> POOLS = new ConcurrentHashMap<>();
    /**
     * Passes over fewer elements than this (default 2^20, 4 MB of floats) run on the calling thread alone: for small
     * maps, handing partitions to a helper thread and waiting for it costs more than it saves (docs/benchmarks.md). The partitions, and so the results, are the same either
     * way. System property {@code learnpad.padding.minParallelElements}.
     */
    static final long DEFAULT_MIN_PARALLEL_ELEMENTS = 1L << 20;
    private static volatile long minParallelElements = Long.getLong("learnpad.padding.minParallelElements",
            DEFAULT_MIN_PARALLEL_ELEMENTS);

    private Partitions() {
    }

    /** How many partitions {@code units} units of work are cut into. */
    static int count(int units) {
        return Math.max(1, Math.min(MAX, units));
    }

    /** First unit of partition {@code part} of {@code count(units)}; partition part ends where part + 1 starts. */
    static int start(int units, int part) {
        return (int) ((long) units * part / count(units));
    }

    /**
     * {@link #run(int, IntConsumer)} for a pass over {@code elements} array elements: on the calling thread alone
     * when they are fewer than {@link #DEFAULT_MIN_PARALLEL_ELEMENTS} (or the property's value).
     */
    static void run(int parts, long elements, IntConsumer body) {
        run(elements < minParallelElements ? 1 : parts, parts, body);
    }

    /** Sets the threshold of {@link #run(int, long, IntConsumer)} (tests); returns the previous one. */
    static long setMinParallelElements(long elements) {
        long old = minParallelElements;
        minParallelElements = elements;
        return old;
    }

    /** Runs {@code body} for partitions {@code 0 .. parts}, in parallel when allowed, and returns when all are done. */
    static void run(int parts, IntConsumer body) {
        run(parts, parts, body);
    }

    private static void run(int maxThreads, int parts, IntConsumer body) {
        int threads = Math.min(maxThreads, Math.min(parts, threads()));
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int p = next.getAndIncrement(); p < parts; p = next.getAndIncrement()) {
                body.accept(p);
            }
        };
        if (threads <= 1) {
            worker.run();
            return;
        }
        // The caller works too, with threads - 1 helpers.
        ExecutorService pool = POOLS.computeIfAbsent(threads - 1, Partitions::newPool);
        Future<?>[] helpers = new Future<?>[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = pool.submit(worker);
        }
        Throwable failure = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(parts);
        }
        // Never return while a helper may still write into the caller's arrays (workspace memory that DL4J reuses
        // as soon as the pass returns): wait for every helper, through interrupts. An interrupt (or a failure) stops
        // the helpers from starting new partitions; the interrupt is restored and reported once all have stopped.
        boolean interrupted = false;
        for (Future<?> f : helpers) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause();
                    next.set(parts);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    next.set(parts);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            failure = failure != null ? failure : new IllegalStateException("interrupted while padding");
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        } else if (failure instanceof Error) {
            throw (Error) failure;
        } else if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * The threads a pass may use: ND4J's limit ({@code maxMasterThreads}: in M2.1 {@code setMaxThreads} does not
     * change what {@code maxThreads()} reports) and the cores.
     */
    static int threads() {
        org.nd4j.linalg.factory.Environment env = Nd4j.getEnvironment();
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(),
                Math.min(env.maxThreads(), env.maxMasterThreads())));
    }

    private static ExecutorService newPool(int threads) {
        AtomicInteger id = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "learnpad-padding-" + id.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }
}
