package io.github.learnpad.realism;

/**
 * Peak signal-to-noise ratio for images in {@code [0, 1]} (peak 1): {@code 10 log10(1 / MSE)} dB.
 *
 * <p>An exact reconstruction (MSE = 0) would be infinite: the MSE is floored at {@link #MSE_FLOOR} = 1e-10, so an
 * exact reconstruction scores {@link #MAX_DB} = 100 dB. Averages of PSNR over images are therefore finite, and a
 * mean of 100 dB means "exact on every image".
 */
public final class Psnr {
    public static final double MSE_FLOOR = 1e-10;
    public static final double MAX_DB = 100.0;

    private Psnr() {
    }

    /** PSNR in dB of one image's MSE (peak 1.0; MSE floored at 1e-10, i.e. at most 100 dB). */
    public static double of(double mse) {
        if (Double.isNaN(mse) || mse < 0) {
            throw new IllegalArgumentException("MSE must be a number >= 0, got " + mse);
        }
        return 10 * Math.log10(1.0 / Math.max(mse, MSE_FLOOR));
    }
}
