package io.github.learnpad.realism;

import io.github.learnpad.layers.PaddingMode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * The results of one band width.
 *
 * @param band    the band width b (pixels cut from, then padded back onto, each side)
 * @param modes   one result per padding mode, in the order asked for
 * @param fit     how the LEARNED module was trained (null if LEARNED was not measured)
 * @param samples the reconstructions {@code (G, C, H, W)} of G evenly spaced test images per mode (for the gallery)
 */
public record BandResult(int band, List<ModeResult> modes, LearnedFit fit, Map<PaddingMode, INDArray> samples) {

    public ModeResult mode(PaddingMode m) {
        for (ModeResult r : modes) {
            if (r.mode() == m) {
                return r;
            }
        }
        throw new IllegalArgumentException("mode " + m + " was not measured for band " + band);
    }
}
