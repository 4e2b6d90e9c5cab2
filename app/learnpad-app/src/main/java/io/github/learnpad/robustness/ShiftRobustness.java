package io.github.learnpad.robustness;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.data.ShiftedRendering;
import io.github.learnpad.robustness.BorderShift.Direction;
import io.github.learnpad.eval.Evaluator;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Border-shift robustness: evaluates a network on its test set shifted by each of the given amounts toward each of
 * the four borders ({@link BorderShift}, replicate fill). A network that relies on a particular border (e.g. zeros
 * around black-background images) loses accuracy as objects approach the edge; comparing paddings on the same
 * shifted images shows where padding matters.
 *
 * <pre>{@code
 * ShiftReport r = ShiftRobustness.evaluate(net, testSet, List.of(0, 2, 4, 8), 256);
 * r.accuracy(4, Direction.LEFT);   // accuracy with 95% Wilson interval
 * }</pre>
 */
public final class ShiftRobustness {
    private ShiftRobustness() {
    }

    /**
     * Refuses an empty list, or a shift that is negative or not smaller than the images' height and width.
     */
    public static void checkShifts(List<Integer> shifts, int height, int width) {
        if (shifts.isEmpty()) {
            throw new IllegalArgumentException("no shifts to evaluate");
        }
        for (int s : shifts) {
            if (s < 0 || s >= Math.min(height, width)) {
                throw new IllegalArgumentException("shift " + s + " must be >= 0 and smaller than the images' "
                        + "height and width (" + height + " x " + width + ")");
            }
        }
    }

    /**
     * @param shifts    pixel amounts, each {@code >= 0} and smaller than the images' height and width; 0 = unshifted
     * @param batchSize images per forward pass
     */
    public static ShiftReport evaluate(Model net, ImageDataset test, List<Integer> shifts, int batchSize) {
        checkShifts(shifts, test.height(), test.width());
        int n = test.size();
        int[] labels = test.labels();
        Map<String, boolean[]> correct = new LinkedHashMap<>();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            INDArray x = test.features().get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all());
            for (int s : shifts) {
                for (Direction d : s == 0 ? new Direction[]{Direction.LEFT} : Direction.values()) {
                    boolean[] c = correct.computeIfAbsent(ShiftReport.key(s, d), k -> new boolean[n]);
                    INDArray argmax = Evaluator.output(net, BorderShift.shift(x, d, s)).argMax(1);
                    for (int i = 0; i < to - from; i++) {
                        c[from + i] = argmax.getInt(i) == labels[from + i];
                    }
                }
            }
        }
        return new ShiftReport(shifts, n, correct, ShiftReport.REPLICATE);
    }

    /**
     * As {@link #evaluate} but with the dataset's own continuation of its images ({@link ImageDataset#naturalShift()}:
     * e.g. Fashion-MNIST's black background, or the photo background composed again around the moved item), which
     * favours no padding. The report's {@link ShiftReport#fill()} is the continuation's name.
     *
     * @throws IllegalArgumentException if the dataset has no natural continuation
     */
    public static ShiftReport evaluateNatural(Model net, ImageDataset test, List<Integer> shifts, int batchSize) {
        checkShifts(shifts, test.height(), test.width());
        ShiftedRendering r = test.naturalShift().orElseThrow(() -> new IllegalArgumentException("dataset '"
                + test.name() + "' has no natural continuation of its images; use the replicate fill"));
        int n = test.size();
        int[] labels = test.labels();
        Map<String, boolean[]> correct = new LinkedHashMap<>();
        for (int s : shifts) {
            for (Direction d : s == 0 ? new Direction[]{Direction.LEFT} : Direction.values()) {
                boolean[] c = correct.computeIfAbsent(ShiftReport.key(s, d), k -> new boolean[n]);
                INDArray all = s == 0 ? test.features() : r.render(dx(d, s), dy(d, s));
                for (int from = 0; from < n; from += batchSize) {
                    int to = Math.min(n, from + batchSize);
                    INDArray x = all.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(),
                            NDArrayIndex.all());
                    INDArray argmax = Evaluator.output(net, x).argMax(1);
                    for (int i = 0; i < to - from; i++) {
                        c[from + i] = argmax.getInt(i) == labels[from + i];
                    }
                }
                if (s != 0) {
                    // A rendered test set is as large as the test set and lives through many young collections, so
                    // the garbage collector promotes its small Java handle and frees the native memory only at a rare
                    // old-generation collection: without this, a study's JVM grew with every run (measured in
                    // docs/results.md, "fashion-on-photos results").
                    all.close();
                }
            }
        }
        return new ShiftReport(shifts, n, correct, r.fill());
    }

    /** The horizontal movement of the content for a shift toward {@code d} (positive: to the right). */
    static int dx(Direction d, int s) {
        return d == Direction.LEFT ? -s : d == Direction.RIGHT ? s : 0;
    }

    /** The vertical movement of the content for a shift toward {@code d} (positive: down). */
    static int dy(Direction d, int s) {
        return d == Direction.UP ? -s : d == Direction.DOWN ? s : 0;
    }
}
