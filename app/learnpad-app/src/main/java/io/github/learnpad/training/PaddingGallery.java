package io.github.learnpad.training;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.layers.FixedPaddingOps;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.layers.StandalonePaddingModule;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * A picture of what each padding mode adds around real images: one row per image, one column per mode, each cell the
 * image padded by a wide margin (default 6 px) and enlarged, with a thin line where the original image ends.
 *
 * <p>Fixed modes pad as their DL4J layers do ({@link FixedPaddingOps#pad(INDArray, PaddingMode, int)}). LEARNED is a
 * {@link StandalonePaddingModule} trained on the training images' own local loss (no labels, no classifier): a
 * padding module in a trained network pads feature maps, whose channels are not the image's, so it cannot be shown
 * on images directly.
 */
public final class PaddingGallery {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private PaddingGallery() {
    }

    /**
     * Renders the gallery PNG.
     *
     * @param images  {@code (N, C, H, W)} in [0, 1], C = 1 (grey) or 3 (RGB); a few images (rows)
     * @param padders column title -> function padding the images by {@code pad} on every side
     * @param scale   pixel enlargement (nearest neighbour)
     */
    public static void render(INDArray images, Map<String, UnaryOperator<INDArray>> padders, int pad, int scale,
            String title, Path png) throws IOException {
        int n = (int) images.size(0);
        int h = (int) images.size(2) + 2 * pad;
        int w = (int) images.size(3) + 2 * pad;
        int cellW = w * scale;
        int cellH = h * scale;
        int gap = 8;
        // The title's parts separated by "; " go on separate lines.
        String[] titleLines = title.split("; ");
        int header = 28 + 16 * titleLines.length;
        int cols = padders.size();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        // Wide enough for the title (two columns of small images are narrower than a sentence).
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        int titleWidth = 0;
        for (String line : titleLines) {
            titleWidth = Math.max(titleWidth, probe.createGraphics().getFontMetrics(font).stringWidth(line));
        }
        BufferedImage img = new BufferedImage(Math.max(cols * (cellW + gap) + gap, titleWidth + 2 * gap),
                header + n * (cellH + gap) + gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(font);
        for (int i = 0; i < titleLines.length; i++) {
            g.drawString(titleLines[i], gap, 16 * (i + 1));
        }
        int col = 0;
        for (Map.Entry<String, UnaryOperator<INDArray>> e : padders.entrySet()) {
            INDArray padded = e.getValue().apply(images);
            if (padded.size(2) != h || padded.size(3) != w) {
                throw new IllegalStateException(e.getKey() + " produced shape "
                        + java.util.Arrays.toString(padded.shape()) + ", expected height " + h + " and width " + w);
            }
            int x0 = gap + col * (cellW + gap);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), x0, header - 8);
            for (int i = 0; i < n; i++) {
                int y0 = header + i * (cellH + gap);
                drawImage(g, padded.get(NDArrayIndex.point(i)), x0, y0, scale);
                // Where the original image ends.
                g.setColor(new Color(255, 60, 60));
                g.setStroke(new BasicStroke(1f));
                g.drawRect(x0 + pad * scale, y0 + pad * scale, (w - 2 * pad) * scale - 1, (h - 2 * pad) * scale - 1);
            }
            col++;
        }
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
    }

    private static void drawImage(Graphics2D g, INDArray chw, int x0, int y0, int scale) {
        int c = (int) chw.size(0);
        int h = (int) chw.size(1);
        int w = (int) chw.size(2);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r;
                int gr;
                int b;
                if (c >= 3) {
                    r = byteOf(chw.getDouble(0, y, x));
                    gr = byteOf(chw.getDouble(1, y, x));
                    b = byteOf(chw.getDouble(2, y, x));
                } else {
                    r = gr = b = byteOf(chw.getDouble(0, y, x));
                }
                g.setColor(new Color(r, gr, b));
                g.fillRect(x0 + x * scale, y0 + y * scale, scale, scale);
            }
        }
    }

    /** [0, 1] to 0..255; learned padding may predict slightly outside [0, 1], which is clipped for display. */
    private static int byteOf(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    /**
     * The standard gallery: {@code count} test images (a seeded pick) as rows, one column per mode, each padding by
     * {@code pad}; LEARNED first trains a standalone module on {@code train} ({@code learnedSteps} updates).
     */
    public static void write(ImageDataset train, ImageDataset test, List<PaddingMode> modes, int pad, int count,
            int learnedSteps, long seed, Path png) throws IOException {
        int[] labels = test.labels();
        // Distinct images: the first `count` of a seeded shuffle.
        java.util.List<Long> all = new java.util.ArrayList<>();
        for (long i = 0; i < test.size(); i++) {
            all.add(i);
        }
        java.util.Collections.shuffle(all, new Random(seed));
        long[] pick = all.subList(0, Math.min(count, test.size())).stream().mapToLong(Long::longValue).toArray();
        INDArray images = test.features().get(NDArrayIndex.indices(pick), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).dup();
        Map<String, UnaryOperator<INDArray>> padders = new LinkedHashMap<>();
        for (PaddingMode m : modes) {
            if (m == PaddingMode.LEARNED) {
                // Minibatches of 32 images, Adam 1e-2: the predictor's local loss alone.
                StandalonePaddingModule module = new StandalonePaddingModule(new PaddingModule.Builder().padding(pad)
                        .predictorUpdater(new Adam(1e-2)).build(), train.channels());
                module.fitLocal(train.features(), learnedSteps, 32, seed);
                padders.put("learned (" + learnedSteps + " local steps)", module::pad);
            } else {
                padders.put(m.id(), x -> FixedPaddingOps.pad(x, m, pad));
            }
        }
        StringBuilder t = new StringBuilder(test.name() + ": " + pad + " px of padding outside the red line; classes: ");
        for (int i = 0; i < pick.length; i++) {
            t.append(i == 0 ? "" : ", ").append(test.classNames().get(labels[(int) pick[i]]));
        }
        render(images, padders, pad, Math.max(2, 160 / (int) (images.size(3) + 2 * pad)), t.toString(), png);
    }
}
