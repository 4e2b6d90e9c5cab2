package io.github.learnpad.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

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

    /** Options common to both presets (see docs/results.md for why each was chosen). */
    static final List<String> COMMON = List.of(
            "--model", "vgg16", "--variant", "cifar", "--width-multiplier", "0.125", "--image-size", "32",
            "--paddings", "zero,replicate,reflect,learned,learned-mixing", "--baseline", "zero",
            "--seeds", "1,2,3,4,5", "--batch", "64", "--lr", "0.002", "--lr-schedule", "cosine", "--lr-end", "0.01",
            "--shift-eval", "0,4,8", "--progress", "lines");

    /**
     * The second edition's common options: the first edition's, compared against zero and replicate, resumable, and
     * its primary comparisons (docs/results.md, "Second edition: protocol"): learned and learned-mixing against zero
     * and replicate, at shift 0 and at shift 8 with the dataset's own continuation (Holm over these 8).
     */
    static final List<String> COMMON2 = List.of(
            "--model", "vgg16", "--variant", "cifar", "--width-multiplier", "0.125", "--image-size", "32",
            "--paddings", "zero,replicate,reflect,learned,learned-mixing", "--baseline", "zero,replicate",
            "--seeds", "1,2,3,4,5", "--batch", "64", "--lr", "0.002", "--lr-schedule", "cosine", "--lr-end", "0.01",
            "--shift-eval", "0,4,8", "--progress", "lines", "--gallery-pad", "0", "--resume",
            "--primary", "learned:zero@0,learned-mixing:zero@0,learned:replicate@0,learned-mixing:replicate@0,"
                    + "learned:zero@8,learned-mixing:zero@8,learned:replicate@8,learned-mixing:replicate@8");

    /** Training images of the second edition's presets (a seeded subset of Fashion-MNIST's 60,000). */
    static final String SUBSET2 = "20000";
    /** Epochs of the second edition's budget B (the pilot also runs 2B). */
    static final String EPOCHS2 = "8";

    /** The compare arguments of a preset (without overrides). */
    static List<String> presetArgs(Preset p) {
        List<String> a = new ArrayList<>(p.ordinal() < Preset.FASHION_PLATEAU.ordinal() ? COMMON : COMMON2);
        switch (p) {
            case FASHION:
                a.addAll(List.of("--dataset", "fashion-mnist", "--channels", "grey", "--subset", "10000",
                        "--test-subset", "0", "--epochs", "6", "--out", "runs/study-fashion"));
                break;
            case PHOTOS:
                // No --augment: its random crops are reflect-padded, which would put one of the compared
                // paddings into the training images.
                a.addAll(List.of("--dataset", "folder:/tmp/phototiles", "--channels", "rgb", "--epochs", "20",
                        "--out", "runs/study-photos"));
                break;
            case FASHION_PLATEAU:
                a.addAll(List.of("--dataset", "fashion-mnist", "--channels", "grey", "--subset", SUBSET2,
                        "--test-subset", "0", "--epochs", EPOCHS2, "--out", "runs/study2-fashion",
                        "--results", results("study2-fashion")));
                break;
            case FASHION_ON_PHOTOS:
                a.addAll(List.of("--dataset", "fashion-on-photos", "--channels", "rgb", "--subset", SUBSET2,
                        "--test-subset", "0", "--epochs", EPOCHS2, "--out", "runs/study2-fashion-on-photos",
                        "--results", results("study2-fashion-on-photos")));
                break;
            case PILOT_FASHION:
            case PILOT_FASHION_ON_PHOTOS: {
                boolean photos = p == Preset.PILOT_FASHION_ON_PHOTOS;
                String name = photos ? "pilot-fashion-on-photos" : "pilot-fashion";
                // The pilot names no primary comparisons: it only calibrates the budget.
                int k = a.indexOf("--primary");
                a.subList(k, k + 2).clear();
                a = new ArrayList<>(merge(a, List.of("--paddings", "zero,learned", "--baseline", "zero", "--seeds",
                        "1,2")));
                a.addAll(List.of("--dataset", photos ? "fashion-on-photos" : "fashion-mnist", "--channels",
                        photos ? "rgb" : "grey", "--subset", SUBSET2, "--test-subset", "0", "--epochs", EPOCHS2,
                        "--out", "runs/" + name + "-e" + EPOCHS2, "--results", results(name + "-e" + EPOCHS2)));
                break;
            }
            default:
                throw new AssertionError(p);
        }
        return a;
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

    /** What a study command line resolves to: the compare command it runs, and that command's line. */
    record Resolved(CompareCommand compare, String line) {
    }

    /** The compare command of a preset with overrides. */
    static Resolved resolve(Preset p, List<String> overrides) {
        List<String> args = merge(presetArgs(p), overrides);
        CompareCommand compare = new CompareCommand();
        new CommandLine(compare).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(new String[0]));
        return new Resolved(compare, "learnpad compare " + String.join(" ", args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> args = merge(presetArgs(preset), overrides);
        System.err.println("learnpad: study preset " + name(preset) + ": learnpad compare "
                + String.join(" ", args));
        if (print) {
            System.out.println("learnpad compare " + String.join(" ", args));
            return 0;
        }
        if (report) {
            List<String> keep = new ArrayList<>();
            for (int i = 0; i + 1 < args.size(); i++) {
                String o = args.get(i);
                if (o.equals("--results")) {
                    keep.addAll(List.of("--from", args.get(i + 1)));
                } else if (List.of("--paddings", "--baseline", "--primary").contains(o)) {
                    keep.addAll(List.of(o, args.get(i + 1)));
                }
            }
            if (!keep.contains("--from")) {
                throw new IllegalArgumentException("preset " + name(preset)
                        + " records no results (no --results): nothing to report from; give --results DIR");
            }
            args = keep;
        }
        CompareCommand compare = new CompareCommand();
        new CommandLine(compare).setOverwrittenOptionsAllowed(true).parseArgs(args.toArray(new String[0]));
        return compare.call();
    }

    /**
     * The preset's arguments without the options the overrides set, then the overrides: list options such as
     * --seeds would otherwise accumulate. Every preset option takes one value (a flag such as --augment would need none).
     */
    static List<String> merge(List<String> preset, List<String> overrides) {
        java.util.Set<String> given = new java.util.HashSet<>();
        for (String o : overrides) {
            if (o.startsWith("--")) {
                given.add(o.contains("=") ? o.substring(0, o.indexOf('=')) : o);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < preset.size(); i++) {
            String o = preset.get(i);
            boolean flag = o.equals("--augment") || o.equals("--download") || o.equals("--resume");
            if (given.contains(o)) {
                i += flag ? 0 : 1;
                continue;
            }
            out.add(o);
        }
        out.addAll(overrides);
        return out;
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
