package io.github.learnpad.realism;

import io.github.learnpad.layers.PaddingMode;

import java.util.List;

/**
 * One padding mode's errors on every region of the band ({@link BandRegions#names(int)} order).
 *
 * @param mode      the padding mode
 * @param regions   statistics per region
 * @param vsLearned paired comparison with LEARNED: per image, this mode's overall MSE minus LEARNED's, mean and 95%
 *                  interval over images (positive: LEARNED is closer to the real band); null for LEARNED itself or
 *                  when LEARNED was not measured
 */
public record ModeResult(PaddingMode mode, List<RegionStats> regions, MeanCi vsLearned) {

    /** The statistics of a region by name ("overall", "top", ..., "ring1", ...). */
    public RegionStats region(String name) {
        for (RegionStats r : regions) {
            if (r.region().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no region '" + name + "'; regions are "
                + regions.stream().map(RegionStats::region).toList());
    }
}
