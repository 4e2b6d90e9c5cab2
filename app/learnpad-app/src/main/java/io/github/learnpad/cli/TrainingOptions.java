package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.Architecture;
import io.github.learnpad.models.ModelBuilder;
import io.github.learnpad.models.Variant;
import io.github.learnpad.models.Vgg16;
import io.github.learnpad.train.LearningRateSchedule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Options shared by {@code train} and {@code compare}: model, data and budget. */
public final class TrainingOptions {
    @Option(names = "--model", defaultValue = "small", converter = Converters.ModelConverter.class,
            description = "small (SmallCnn, seconds per epoch on a subset), vgg16 or resnet50. Default: ${DEFAULT-VALUE}.")
    Architecture model;

    @Option(names = "--variant", converter = Converters.VariantConverter.class,
            description = "cifar or imagenet layout of vgg16/resnet50 (default: cifar up to 64x64 input, else imagenet).")
    Variant variant;

    @Option(names = "--width-multiplier", defaultValue = "1",
            description = "vgg16 only: scale every layer's width (e.g. 0.125: 8..64 channels); not 1 = a deviation "
                    + "from VGG16. Default: ${DEFAULT-VALUE}.")
    double widthMultiplier = 1;

    @Mixin
    DatasetOptions data = new DatasetOptions();

    @Option(names = "--image-size", defaultValue = "0",
            description = "Resize images to SIZE x SIZE (0: the native size, or the smallest size the model takes if "
                    + "it does not take that, e.g. 32 for vgg16 on 28x28 Fashion-MNIST).")
    int imageSize;

    @Option(names = "--channels", defaultValue = "keep", converter = Converters.ChannelConverter.class,
            description = "keep (the dataset's own), grey or rgb. Default: ${DEFAULT-VALUE}.")
    ChannelPolicy channels;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Minibatch size. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--lr-schedule", defaultValue = "constant", converter = Converters.ScheduleConverter.class,
            description = "constant, cosine (per epoch, from --lr down to --lr * --lr-end in the last epoch) or step "
                    + "(x sqrt(--lr-end) at half and at three quarters of the epochs). Default: ${DEFAULT-VALUE}.")
    LearningRateSchedule lrSchedule = LearningRateSchedule.CONSTANT;

    @Option(names = "--lr-end", defaultValue = "0.01",
            description = "Final learning rate of cosine and step, as a fraction of --lr. Default: ${DEFAULT-VALUE}.")
    double lrEnd = LearningRateSchedule.DEFAULT_END_FACTOR;

    @Option(names = "--subset", defaultValue = "0",
            description = "Train on a seeded random subset of N images (0: all).")
    int subset;

    @Option(names = "--test-subset", defaultValue = "0",
            description = "Evaluate on a seeded random subset of N test images (0: all).")
    int testSubset;

    @Option(names = "--augment", description = "Random crops (reflect-padded) and horizontal flips while training.")
    boolean augment;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--progress", defaultValue = "auto", converter = Converters.ProgressConverter.class,
            description = "auto (a bar on a terminal, else one line per epoch), bar, lines or none.")
    Progress progress;

    @Option(names = "--data-seed", defaultValue = "1",
            description = "Seed of the --subset/--test-subset choice (the same data for every run). Default: ${DEFAULT-VALUE}.")
    long dataSeed;

    /** Checks the values and applies --threads. */
    void validate() {
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(batch >= 1, "--batch must be >= 1, got " + batch);
        require(lr > 0 && Double.isFinite(lr), "--lr must be > 0, got " + lr);
        require(lrEnd > 0 && lrEnd <= 1, "--lr-end must be in (0, 1], got " + lrEnd);
        require(widthMultiplier > 0 && Double.isFinite(widthMultiplier), "--width-multiplier must be > 0, got "
                + widthMultiplier);
        require(widthMultiplier == 1 || model == Architecture.VGG16, "--width-multiplier applies to --model vgg16 only");
        require(lrSchedule == LearningRateSchedule.CONSTANT || epochs >= 2, "--lr-schedule " + lrSchedule.id()
                + " needs --epochs >= 2 to decay; use --lr-schedule constant for a single epoch");
        require(subset >= 0 && testSubset >= 0, "--subset and --test-subset must be >= 0");
        require(imageSize >= 0, "--image-size must be >= 0, got " + imageSize);
        threads.apply();
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** An initialised network for this data shape. */
    ComputationGraph network(PaddingMode padding, int classes, int channels, int height, int width, long seed) {
        return network(PaddingVariant.of(padding), classes, channels, height, width, seed);
    }

    /** An initialised network for this data shape with a named padding variant. */
    ComputationGraph network(PaddingVariant padding, int classes, int channels, int height, int width, long seed) {
        ComputationGraph g = new ComputationGraph(conf(padding, classes, channels, height, width, seed));
        g.init();
        return g;
    }

    /** The network's configuration for this data shape; the model builder's exception if it does not take it. */
    ComputationGraphConfiguration conf(PaddingVariant padding, int classes, int channels, int height, int width,
            long seed) {
        ModelBuilder<?, ?> b = model.builder().numClasses(classes).inputShape(channels, height, width)
                .padding(padding).updater(updater()).seed(seed);
        if (variant != null && model.hasVariants()) {
            b.variant(variant);
        }
        if (b instanceof Vgg16.Builder) {
            ((Vgg16.Builder) b).widthMultiplier(widthMultiplier);
        }
        return b.build().conf();
    }

    /** The largest image side {@link #smallestAcceptedSize} looks at. */
    static final int MAX_IMAGE_SIZE = 1024;

    /**
     * Why the model (with --variant, or the variant the size implies) does not take {@code height x width} images,
     * or null if it does: {@link Architecture#whyNot}, arithmetic, no configuration built.
     */
    String whyNot(int height, int width) {
        return model.whyNot(variant, 1, height, width);
    }

    /** The smallest side {@code s >= max(height, width)} such that the model takes s x s images. */
    int smallestAcceptedSize(int height, int width) {
        int s = model.smallestSquareSize(variant, 1, Math.max(height, width), MAX_IMAGE_SIZE);
        if (s < 0) {
            throw new IllegalArgumentException(model.name().toLowerCase(Locale.ROOT) + " takes no image size between "
                    + Math.max(height, width) + " and " + MAX_IMAGE_SIZE + ": " + whyNot(height, width));
        }
        return s;
    }

    /** Refuses an explicit --image-size the model does not take, naming the option and a size that works. */
    void checkImageSize() {
        if (imageSize == 0) {
            return;
        }
        String why = whyNot(imageSize, imageSize);
        if (why != null) {
            String fix;
            try {
                fix = "; try --image-size " + smallestAcceptedSize(imageSize, imageSize)
                        + ", or leave --image-size out to resize to the smallest size the model takes";
            } catch (IllegalArgumentException none) {
                fix = "";
            }
            throw new IllegalArgumentException("--image-size " + imageSize + " does not fit --model "
                    + model.name().toLowerCase(Locale.ROOT) + ": " + why + fix);
        }
    }

    /** The dataset at {@code imageSize} (0: native) with these options' channels, subsets and data seed. */
    io.github.learnpad.data.TrainTest load(int imageSize) throws java.io.IOException {
        return data.load(imageSize, channels, subset, testSubset, dataSeed);
    }

    /** Adam with --lr, or with the --lr-schedule over --epochs (a constant rate stays a plain number). */
    Adam updater() {
        return lrSchedule == LearningRateSchedule.CONSTANT ? new Adam(lr)
                : new Adam(lrSchedule.schedule(lr, epochs, lrEnd));
    }

    /** The options as recorded in run.json / results.json. */
    Map<String, Object> describe() {
        return describe(imageSize);
    }

    /** As above, with the image size the data was loaded at (see {@link RunData#describe()}). */
    Map<String, Object> describe(int imageSize) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.id());
        if (model.hasVariants()) {
            m.put("variant", variant == null ? "auto" : variant.name().toLowerCase(Locale.ROOT));
        }
        if (widthMultiplier != 1) {
            m.put("widthMultiplier", widthMultiplier);
        }
        m.put("dataset", data.dataset);
        m.put("lr", lr);
        m.put("lrSchedule", lrSchedule.id());
        if (lrSchedule != LearningRateSchedule.CONSTANT) {
            m.put("lrEnd", lr * lrEnd);
        }
        m.put("subset", subset);
        m.put("testSubset", testSubset);
        m.put("augment", augment);
        m.put("imageSize", imageSize);
        m.put("channels", channels.name().toLowerCase(Locale.ROOT));
        m.put("dataSeed", dataSeed);
        return m;
    }
}
