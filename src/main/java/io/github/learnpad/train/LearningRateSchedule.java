package io.github.learnpad.train;

import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the network's learning rate changes over the epochs of a run (the Padding Module's predictors keep their own
 * updater). Both decaying schedules end at {@code lr * endFactor} in the last epoch, so that the final epoch's test
 * accuracy is not the noisy value of a high constant rate:
 * <ul>
 *     <li>{@link #CONSTANT}: {@code lr} throughout;</li>
 *     <li>{@link #COSINE}: per epoch {@code e = 0 .. E-1}, {@code lr_end + (lr - lr_end)(1 + cos(pi e / (E-1))) / 2}
 *     ({@link CosineSchedule}); the last epoch runs at {@code lr_end};</li>
 *     <li>{@link #STEP}: {@code lr}, times {@code sqrt(endFactor)} from epoch {@code floor(E/2)} (0-based) and again
 *     from {@code floor(3E/4)}: with the default factor 0.01, the classic x0.1 at half and three quarters of the
 *     run ({@link MapSchedule}); with fewer than 3 epochs the two steps coincide and it ends at {@code lr * sqrt(endFactor)}.</li>
 * </ul>
 * The schedules count epochs, as the network's epoch count: DL4J's {@code fit(iterator)} adds one per call, and
 * LearnPad's command line sets it before each epoch, so that a resumed run continues on the same schedule.
 */
public enum LearningRateSchedule {
    CONSTANT, COSINE, STEP;

    /** The default final rate as a fraction of the initial one. */
    public static final double DEFAULT_END_FACTOR = 0.01;

    /** The lower-case name used on command lines and in run metadata. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The DL4J schedule for a run of {@code epochs >= 1} epochs starting at {@code lr > 0}.
     *
     * @param endFactor final rate / initial rate, in (0, 1] (ignored by CONSTANT)
     */
    public ISchedule schedule(double lr, int epochs, double endFactor) {
        if (!(lr > 0) || epochs < 1 || !(endFactor > 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("learning-rate schedule needs lr > 0, epochs >= 1 and 0 < end factor "
                    + "<= 1; got lr " + lr + ", epochs " + epochs + ", end factor " + endFactor);
        }
        switch (this) {
            case CONSTANT:
                return new FixedSchedule(lr);
            case COSINE:
                return epochs == 1 ? new FixedSchedule(lr)
                        : new CosineSchedule(ScheduleType.EPOCH, lr, lr * endFactor, epochs - 1);
            case STEP: {
                double step = Math.sqrt(endFactor);
                Map<Integer, Double> values = new TreeMap<>();
                values.put(0, lr);
                int half = epochs / 2;
                int threeQuarters = 3 * epochs / 4;
                if (half > 0) {
                    values.put(half, lr * step);
                }
                if (threeQuarters > half) {
                    values.put(threeQuarters, lr * step * step);
                }
                return new MapSchedule(ScheduleType.EPOCH, values);
            }
            default:
                throw new AssertionError(this);
        }
    }

    /** The rate of each epoch (1-based in the map's keys) under this schedule, for reports. */
    public Map<Integer, Double> perEpoch(double lr, int epochs, double endFactor) {
        ISchedule s = schedule(lr, epochs, endFactor);
        Map<Integer, Double> m = new LinkedHashMap<>();
        for (int e = 0; e < epochs; e++) {
            m.put(e + 1, s.valueAt(0, e));
        }
        return m;
    }

    /**
     * The schedule by name: constant, cosine or step (ignoring case).
     *
     * @throws IllegalArgumentException naming the valid names
     */
    public static LearningRateSchedule parse(String name) {
        for (LearningRateSchedule s : values()) {
            if (s.id().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "'; expected constant, cosine "
                + "or step");
    }
}
