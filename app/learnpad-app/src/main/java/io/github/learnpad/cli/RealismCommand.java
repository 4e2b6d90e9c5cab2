package io.github.learnpad.cli;

import io.github.learnpad.charts.RealismCharts;
import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.data.TrainTest;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.realism.BandResult;
import io.github.learnpad.realism.BorderRealism;
import io.github.learnpad.realism.BorderRealismResult;
import io.github.learnpad.realism.FeatureMapRealism;
import io.github.learnpad.realism.RealismReport;
import io.github.learnpad.training.AtomicFiles;
import io.github.learnpad.training.Json;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code learnpad realism}: how realistic each padding is.
 *
 * <ul>
 *   <li>Without {@code --model}: border realism on images ({@link BorderRealism}): cut the outer band, pad the
 *       centre back with each mode, compare with the real band. Writes realism.md, realism.json,
 *       realism-psnr-b{B}.png and realism-gallery-b{B}.png to {@code --out}.</li>
 *   <li>With {@code --model DIR/model.zip} (or a run directory): feature-map realism of a trained network's Padding
 *       Modules ({@link FeatureMapRealism}) on the test images. Writes featuremaps.md and featuremaps.json.</li>
 * </ul>
 */
@Command(name = "realism", mixinStandardHelpOptions = true,
        description = {"How realistic is each padding? Cuts the outer band of test images, pads the centre back with "
                + "each mode and compares with the real pixels (MSE, PSNR by side, corner and distance).",
                "With --model: compares a trained network's Padding Modules with fixed paddings on its own feature maps."})
final class RealismCommand implements Callable<Integer> {
    @Mixin
    DatasetOptions data = new DatasetOptions();

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--image-size", defaultValue = "0",
            description = "Resize images to SIZE x SIZE (0: native size). With --model: the size the model was trained on.")
    int imageSize;

    @Option(names = "--paddings", split = ",", defaultValue = "zero,reflect,replicate,circular,learned",
            converter = Converters.PaddingConverter.class, description = "Modes to compare. Default: ${DEFAULT-VALUE}.")
    List<PaddingMode> paddings;

    @Option(names = "--band", split = ",", defaultValue = "1,2,4,8",
            description = "Band widths b (pixels cut from each side). Default: ${DEFAULT-VALUE}.")
    List<Integer> bands;

    @Option(names = "--train-images", defaultValue = "2000",
            description = "Training images for the learned modules (seeded subset). Default: ${DEFAULT-VALUE}.")
    int trainImages;

    @Option(names = "--test-images", defaultValue = "500",
            description = "Test images measured (seeded subset). Default: ${DEFAULT-VALUE}.")
    int testImages;

    @Option(names = "--epochs", defaultValue = "10",
            description = "Local-loss training of each learned module, in passes over --train-images: "
                    + "steps = epochs * ceil(train images / batch). Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Minibatch of the local-loss training. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "0.01", description = "Adam learning rate of the learned modules. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the subsets and minibatches. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--gallery", defaultValue = "6", description = "Test images in the gallery. Default: ${DEFAULT-VALUE}.")
    int gallery;

    @Option(names = "--model", description = "A model.zip (or run directory) of `learnpad train --padding learned`: "
            + "measure its Padding Modules on their feature maps instead.")
    Path model;

    @Option(names = "--out", defaultValue = "realism-out", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        TrainingOptions.require(trainImages >= 1 && testImages >= 1, "--train-images and --test-images must be >= 1");
        TrainingOptions.require(epochs >= 0 && batch >= 1, "--epochs must be >= 0 and --batch >= 1");
        threads.apply();
        PrintStream o = System.out;
        TrainTest tt = data.load(imageSize, ChannelPolicy.KEEP, trainImages, testImages, seed);
        Files.createDirectories(out);
        if (model != null) {
            return featureMaps(tt, o);
        }
        List<PaddingMode> modes = paddings;
        int[] b = bands.stream().mapToInt(Integer::intValue).toArray();
        int n = tt.train().size();
        int steps = epochs * ((n + batch - 1) / batch);
        BorderRealism.Options opts = new BorderRealism.Options().bands(b).modes(modes).steps(steps).batchSize(batch)
                .learningRate(lr).seed(seed).galleryImages(gallery);
        o.printf("realism: %s, %d train / %d test images %dx%dx%d, bands %s, modes %s, %d local-loss steps per band%n",
                tt.test().name(), n, tt.test().size(), tt.test().channels(), tt.test().height(), tt.test().width(),
                bands, modes.stream().map(PaddingMode::id).toList(), steps);
        BorderRealismResult r = new BorderRealism(opts).run(tt.test().name(), tt.train().features(), tt.test().features());
        AtomicFiles.writeString(out.resolve("realism.md"), RealismReport.markdown(r));
        AtomicFiles.writeString(out.resolve("realism.json"), Json.pretty(RealismReport.tree(r)) + "\n");
        for (BandResult band : r.bands()) {
            RealismCharts.psnrByDistance(r, band, out.resolve("realism-psnr-b" + band.band() + ".png"));
            if (gallery > 0) {
                RealismCharts.gallery(r, band, out.resolve("realism-gallery-b" + band.band() + ".png"));
            }
        }
        o.print(RealismReport.markdown(r));
        o.println("realism: wrote " + out.toAbsolutePath());
        return 0;
    }

    private int featureMaps(TrainTest tt, PrintStream o) throws Exception {
        Path zip = Files.isDirectory(model) ? model.resolve("model.zip") : model;
        Model net = FeatureMapRealism.load(zip);
        List<FeatureMapRealism.LayerRow> rows = FeatureMapRealism.measure(net, tt.test().features());
        String title = zip + " on " + tt.test().name();
        String md = FeatureMapRealism.markdown(title, tt.test().size(), rows);
        AtomicFiles.writeString(out.resolve("featuremaps.md"), md);
        AtomicFiles.writeString(out.resolve("featuremaps.json"),
                Json.pretty(FeatureMapRealism.tree(title, tt.test().size(), rows)) + "\n");
        o.print(md);
        o.println("realism: wrote " + out.toAbsolutePath());
        return 0;
    }
}
