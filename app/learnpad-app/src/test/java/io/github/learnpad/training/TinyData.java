package io.github.learnpad.training;

import io.github.learnpad.data.ImageDataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/** Small generated image sets for fast tests: the class decides which quadrant holds a bright blob. */
public final class TinyData {
    private TinyData() {
    }

    public static ImageDataset make(String name, int n, int channels, int size, long seed) {
        Random r = new Random(seed);
        float[] px = new float[n * channels * size * size];
        int[] labels = new int[n];
        int half = size / 2;
        for (int i = 0; i < n; i++) {
            int y = r.nextInt(3);
            labels[i] = y;
            int oy = y == 1 ? half : 0;
            int ox = y == 2 ? half : 0;
            for (int c = 0; c < channels; c++) {
                for (int h = 0; h < size; h++) {
                    for (int w = 0; w < size; w++) {
                        boolean blob = h >= oy && h < oy + half && w >= ox && w < ox + half;
                        float v = (blob ? 0.6f : 0.2f) + 0.3f * r.nextFloat();
                        px[((i * channels + c) * size + h) * size + w] = v;
                    }
                }
            }
        }
        INDArray f = Nd4j.create(px, new long[]{n, channels, size, size}).castTo(DataType.FLOAT);
        return new ImageDataset(name, f, labels, List.of("top-left", "bottom-left", "top-right"));
    }
}
