package io.github.learnpad.realism;

/**
 * Error of one padding mode on one region of the band, over the test images.
 *
 * @param region the region name (see {@link BandRegions})
 * @param mse    per-image MSE, mean and 95% interval over images
 * @param psnr   per-image PSNR in dB (from that image's MSE, see {@link Psnr}), mean and 95% interval
 */
public record RegionStats(String region, MeanCi mse, MeanCi psnr) {
}
