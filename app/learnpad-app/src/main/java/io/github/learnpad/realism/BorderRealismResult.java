package io.github.learnpad.realism;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Everything {@link BorderRealism#run} measured.
 *
 * @param dataset     a name for the images (for reports)
 * @param trainImages images the LEARNED modules were trained on
 * @param testImages  images measured
 * @param channels    C
 * @param height      H of the images
 * @param width       W of the images
 * @param bands       one result per band width
 * @param originals   G evenly spaced test images (indices i * N / G) {@code (G, C, H, W)}, for the gallery
 */
public record BorderRealismResult(String dataset, int trainImages, int testImages, int channels, int height,
                                  int width, List<BandResult> bands, INDArray originals) {

    public BandResult band(int b) {
        for (BandResult r : bands) {
            if (r.band() == b) {
                return r;
            }
        }
        throw new IllegalArgumentException("band " + b + " was not measured");
    }
}
