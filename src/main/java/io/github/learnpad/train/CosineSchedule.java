package io.github.learnpad.train;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Cosine annealing (Loshchilov and Hutter, SGDR, 2017, without restarts), which ND4J 1.0.0-M2.1 does not have:
 * {@code value(i) = final + (initial - final) (1 + cos(pi min(i, period) / period)) / 2}, where {@code i} is the
 * iteration or the epoch (0-based) by {@link ScheduleType}. It starts at {@code initial}, reaches {@code final} at
 * {@code i = period} and stays there. A JSON-serialisable DL4J {@link ISchedule}: use it as an updater's learning
 * rate, e.g. {@code new Adam(new CosineSchedule(ScheduleType.EPOCH, 2e-3, 2e-5, epochs - 1))}.
 */
public final class CosineSchedule implements ISchedule {
    private final ScheduleType scheduleType;
    private final double initialValue;
    private final double finalValue;
    private final int period;

    /**
     * @param scheduleType ITERATION or EPOCH: what {@code i} counts
     * @param initialValue the value at {@code i = 0}
     * @param finalValue   the value from {@code i = period} on
     * @param period       iterations or epochs from initial to final, {@code >= 1}
     */
    public CosineSchedule(@JsonProperty("scheduleType") ScheduleType scheduleType,
            @JsonProperty("initialValue") double initialValue, @JsonProperty("finalValue") double finalValue,
            @JsonProperty("period") int period) {
        this.scheduleType = Objects.requireNonNull(scheduleType, "scheduleType must not be null");
        if (period < 1) {
            throw new IllegalArgumentException("CosineSchedule: period must be >= 1, got " + period);
        }
        this.initialValue = initialValue;
        this.finalValue = finalValue;
        this.period = period;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        int i = scheduleType == ScheduleType.ITERATION ? iteration : epoch;
        double t = Math.min(Math.max(i, 0), period) / (double) period;
        return finalValue + (initialValue - finalValue) * (1 + Math.cos(Math.PI * t)) / 2;
    }

    @Override
    public ISchedule clone() {
        return new CosineSchedule(scheduleType, initialValue, finalValue, period);
    }

    public ScheduleType getScheduleType() { return scheduleType; }
    public double getInitialValue() { return initialValue; }
    public double getFinalValue() { return finalValue; }
    public int getPeriod() { return period; }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CosineSchedule)) {
            return false;
        }
        CosineSchedule c = (CosineSchedule) o;
        return scheduleType == c.scheduleType && Double.compare(initialValue, c.initialValue) == 0
                && Double.compare(finalValue, c.finalValue) == 0 && period == c.period;
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheduleType, initialValue, finalValue, period);
    }

    @Override
    public String toString() {
        return "CosineSchedule(" + scheduleType + ", " + initialValue + " -> " + finalValue + " over " + period + ")";
    }
}
