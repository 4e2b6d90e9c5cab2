package io.github.learnpad.realism;

import io.github.learnpad.layers.PaddingMode;

import java.util.List;

/** One padding mode's errors on every region of the band ({@link BandRegions#names(int)} order). */
public record ModeResult(PaddingMode mode, List<RegionStats> regions) {

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
