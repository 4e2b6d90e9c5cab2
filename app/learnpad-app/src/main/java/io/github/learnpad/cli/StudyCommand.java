package io.github.learnpad.cli;

import io.github.learnpad.data.ChannelPolicy;
import io.github.learnpad.data.DatasetSpec;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.Architecture;
import io.github.learnpad.models.Variant;
import io.github.learnpad.train.LearningRateSchedule;
import io.github.learnpad.training.PrimaryComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code learnpad study}: the documented protocol of docs/results.md as {@code compare} presets, so that the exact
 * command is in one place. Options after the preset replace the preset's (e.g. {@code --seeds 1,2}) or add
 * to them (e.g. {@code --data-dir}).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = {"Run the padding study of docs/results.md: 'compare' with a fixed protocol (VGG-style network, "
                + "32x32, paddings zero, replicate, reflect, learned, learned-mixing, 5 seeds, cosine learning rate "
                + "ending low, border-shift evaluation). Any 'compare' option given after --preset overrides the "
                + "preset's. --print shows the compare command line without running it.",
                "Presets of the first edition: fashion (Fashion-MNIST, 10,000 training images, 6 epochs), photos "
                        + "(photo tiles: which photograph a 64x64 tile was cut from; make the tiles first, see "
                        + "docs/results.md).",
                "Presets of the second edition (resumable: each finished run is recorded under docs/results/ and "
                        + "skipped when the command is run again; an interrupted run continues from its checkpoint): "
                        + "fashion-plateau, fashion-on-photos (the main runs), pilot-fashion, pilot-fashion-on-photos "
                        + "(zero and learned, seeds 1 and 2; run at --epochs B and 2B with a --results directory each). "
                        + "--report rebuilds a preset's report from its committed records alone."})
final class StudyCommand implements Callable<Integer> {
    /** The study's datasets. */
    enum Preset { FASHION, PHOTOS, FASHION_PLATEAU, FASHION_ON_PHOTOS, PILOT_FASHION, PILOT_FASHION_ON_PHOTOS }

    @Option(names = "--preset", required = true, converter = PresetConverter.class,
            description = "fashion, photos, fashion-plateau, fashion-on-photos, pilot-fashion or "
                    + "pilot-fashion-on-photos.")
    Preset preset;

    @Option(names = "--report", description = "Rebuild the preset's report from the run records in its --results "
            + "directory alone (compare --from), without data or training.")
    boolean report;

    @Option(names = "--print", description = "Print the compare command line and exit.")
    boolean print;

    @CommandLine.Unmatched
    List<String> overrides = new ArrayList<>();

    /** The first edition's five paddings, in the order of its tables. */
    static final List<PaddingVariant> PADDINGS = List.of(PaddingVariant.of(PaddingMode.ZERO),
            PaddingVariant.of(PaddingMode.REPLICATE), PaddingVariant.of(PaddingMode.REFLECT), PaddingVariant.LEARNED,
            PaddingVariant.LEARNED_MIXING);

    /** Options common to the first edition's presets (see docs/results.md for why each was chosen). */
    static final ComparisonSpec COMMON = ComparisonSpec.builder()
            .model(Architecture.VGG16).variant(Variant.CIFAR).widthMultiplier(0.125).imageSize(32)
            .paddings(PADDINGS).baselines(List.of("zero"))
            .seeds(List.of(1L, 2L, 3L, 4L, 5L)).batch(64).lr(0.002).lrSchedule(LearningRateSchedule.COSINE).lrEnd(0.01)
            .shiftEval(List.of(0, 4, 8)).progress(Progress.LINES).build();

    /**
     * The second edition's common options: the first edition's, compared against zero and replicate, resumable, and
     * its primary comparisons (docs/results.md, "Second edition: protocol"): learned and learned-mixing against zero
     * and replicate, at shift 0 and at shift 8 with the dataset's own continuation (Holm over these 8).
     */
    static final ComparisonSpec COMMON2 = COMMON.toBuilder().baselines(List.of("zero", "replicate"))
            .galleryPad(0).resume(true).primaries(Stream.of("learned:zero@0", "learned-mixing:zero@0",
                    "learned:replicate@0", "learned-mixing:replicate@0", "learned:zero@8", "learned-mixing:zero@8",
                    "learned:replicate@8", "learned-mixing:replicate@8").map(PrimaryComparison::parse).toList())
            .build();

    /**
     * Where the photos preset reads its tiles: a folder under the user's LearnPad data directory
     * ({@link io.github.learnpad.data.DataLocations#learnpadData()}), where the other datasets are downloaded to.
     * Written with '~' so that {@code --print} shows the same line for every user ({@code folder:} expands it).
     */
    static final String PHOTO_TILES = "~/.learnpad/data/phototiles";

    /** Training images of the second edition's presets (a seeded subset of Fashion-MNIST's 60,000). */
    static final int SUBSET2 = 20000;
    /** Epochs of the second edition's budget B (the pilot also runs 2B). */
    static final int EPOCHS2 = 8;

    /**
     * A preset's options (without overrides). Their order is the order {@code --print} shows them in, kept as it
     * was when the presets were argument strings.
     */
    static ComparisonSpec preset(Preset p) {
        switch (p) {
            case FASHION:
                return COMMON.toBuilder().dataset("fashion-mnist").channels(ChannelPolicy.GREY).subset(10000)
                        .testSubset(0).epochs(6).out(Path.of("runs/study-fashion")).build();
            case PHOTOS:
                // No --augment: its random crops are reflect-padded, which would put one of the compared
                // paddings into the training images.
                return COMMON.toBuilder().dataset("folder:" + PHOTO_TILES).channels(ChannelPolicy.RGB).epochs(20)
                        .out(Path.of("runs/study-photos")).build();
            case FASHION_PLATEAU:
                return edition2(COMMON2, "fashion-mnist", ChannelPolicy.GREY, "study2-fashion");
            case FASHION_ON_PHOTOS:
                return edition2(COMMON2, "fashion-on-photos", ChannelPolicy.RGB, "study2-fashion-on-photos");
            case PILOT_FASHION:
            case PILOT_FASHION_ON_PHOTOS: {
                boolean photos = p == Preset.PILOT_FASHION_ON_PHOTOS;
                // The pilot names no primary comparisons: it only calibrates the budget. Its paddings, baseline
                // and seeds replace the common ones as overrides would (and so come after them on the line).
                ComparisonSpec pilot = COMMON2.toBuilder().remove("--primary").build()
                        .overriddenBy(ComparisonSpec.builder().paddings(List.of(PaddingVariant.of(PaddingMode.ZERO),
                                PaddingVariant.LEARNED)).baselines(List.of("zero")).seeds(List.of(1L, 2L)).build());
                return edition2(pilot, photos ? "fashion-on-photos" : "fashion-mnist",
                        photos ? ChannelPolicy.RGB : ChannelPolicy.GREY,
                        (photos ? "pilot-fashion-on-photos" : "pilot-fashion") + "-e" + EPOCHS2);
            }
            default:
                throw new AssertionError(p);
        }
    }

    /** A second-edition preset: {@code common} on a dataset, into runs/NAME, recorded in docs/results/NAME. */
    private static ComparisonSpec edition2(ComparisonSpec common, String dataset, ChannelPolicy channels,
            String name) {
        return common.toBuilder().dataset(dataset).channels(channels).subset(SUBSET2).testSubset(0).epochs(EPOCHS2)
                .out(Path.of("runs", name)).results(Path.of(results(name))).build();
    }

    /**
     * A committed results directory: {@code docs/results/NAME} of the repository the launcher runs from
     * ({@code learnpad.home}), else relative to the working directory.
     */
    static String results(String name) {
        String home = System.getProperty("learnpad.home");
        Path rel = Path.of("docs", "results", name);
        return (home == null ? rel : Path.of(home).resolve(rel)).toString();
    }

    /** The compare command a preset with the options typed after it runs: the overrides replace or add options. */
    static ComparisonSpec resolve(Preset p, List<String> overrides) {
        return preset(p).overriddenBy(ComparisonSpec.parse(overrides));
    }

    @Override
    public Integer call() throws Exception {
        ComparisonSpec spec = resolve(preset, overrides);
        System.err.println("learnpad: study preset " + name(preset) + ": " + spec.commandLine());
        if (print) {
            System.out.println(spec.commandLine());
            return 0;
        }
        if (report) {
            return reportOnly(spec).toCommand().call();
        }
        checkPhotoTiles(spec);
        return spec.toCommand().call();
    }

    /**
     * Refuses the photos preset when its tiles are not made yet, saying how to make them: they are not a dataset
     * LearnPad can download.
     */
    void checkPhotoTiles(ComparisonSpec spec) {
        String dataset = "folder:" + PHOTO_TILES;
        if (preset != Preset.PHOTOS || !dataset.equals(spec.get("--dataset"))) {
            return;
        }
        Path tiles = DatasetSpec.parse(dataset).folder();
        if (!Files.isDirectory(tiles)) {
            throw new IllegalArgumentException("the photos preset reads its photo tiles from " + tiles + " ("
                    + PHOTO_TILES + "), which does not exist; make them there first (docs/results.md, \"Dataset 2\"): "
                    + "java -cp \"app/learnpad-app/target/learnpad-app.jar:app/learnpad-app/target/lib/*\" "
                    + "io.github.learnpad.realism.PhotoTiles PHOTO_DIR " + PHOTO_TILES + " 64 512, or give the "
                    + "folder of tiles you made with --dataset folder:DIR");
        }
    }

    /**
     * {@code compare --from} the spec's {@code --results} directory with the options that shape a report
     * (paddings, baselines, primary comparisons); as ever, the report is written next to the records.
     */
    ComparisonSpec reportOnly(ComparisonSpec spec) {
        if (!spec.has("--results")) {
            throw new IllegalArgumentException("preset " + name(preset)
                    + " records no results (no --results): nothing to report from; give --results DIR");
        }
        ComparisonSpec.Builder b = ComparisonSpec.builder().from((Path) spec.get("--results"));
        for (String o : List.of("--paddings", "--baseline", "--primary")) {
            b.set(o, spec.get(o));
        }
        return b.build();
    }

    /** A preset's command-line name, e.g. fashion-on-photos. */
    static String name(Preset p) {
        return p.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static final class PresetConverter implements CommandLine.ITypeConverter<Preset> {
        @Override
        public Preset convert(String v) {
            for (Preset p : Preset.values()) {
                if (name(p).equalsIgnoreCase(v.trim())) {
                    return p;
                }
            }
            throw new CommandLine.TypeConversionException("unknown study preset '" + v + "'; expected one of "
                    + java.util.Arrays.stream(Preset.values()).map(StudyCommand::name).toList());
        }
    }
}
