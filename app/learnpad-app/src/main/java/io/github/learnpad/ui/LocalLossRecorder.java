package io.github.learnpad.ui;

import io.github.learnpad.layers.LocalLosses;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

import java.util.Map;

/**
 * Puts a {@link LocalLossRecord} (each Padding Module's last local loss, and the score) into a stats storage at the
 * iterations where DL4J's {@code StatsListener} with the same frequency reports. Reads only: {@link
 * LocalLosses#of} and {@code model.score()}.
 */
public final class LocalLossRecorder extends BaseTrainingListener {
    /** The worker ID of the records (one network per run). */
    public static final String WORKER = "learnpad";

    private final StatsStorageRouter router;
    private final String session;
    private final int frequency;
    private long lastTimestamp;

    /**
     * @param frequency record iterations {@code i > 0} with {@code i % frequency == 0} (1: every iteration), as DL4J's
     *                  {@code StatsListener} does with its reporting frequency
     */
    public LocalLossRecorder(StatsStorageRouter router, String session, int frequency) {
        if (frequency < 1) {
            throw new IllegalArgumentException("frequency must be >= 1, got " + frequency);
        }
        this.router = router;
        this.session = session;
        this.frequency = frequency;
    }

    @Override
    public synchronized void iterationDone(Model model, int iteration, int epoch) {
        if (frequency > 1 && (iteration == 0 || iteration % frequency != 0)) {
            return;
        }
        Map<String, Double> losses = LocalLosses.of(model);
        if (losses.isEmpty()) {
            return; // no Padding Module: nothing DL4J's own pages do not show
        }
        // DL4J's storages key updates by (session, type, worker, timestamp): one per millisecond at most.
        lastTimestamp = Math.max(System.currentTimeMillis(), lastTimestamp + 1);
        router.putUpdate(new LocalLossRecord(session, WORKER, lastTimestamp, iteration, epoch, model.score(), losses));
    }
}
