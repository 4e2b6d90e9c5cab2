package io.github.learnpad.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
                "Presets: fashion (Fashion-MNIST, full test set), photos (photo tiles: which photograph a 64x64 tile "
                        + "was cut from; make the tiles first, see docs/results.md)."})
final class StudyCommand implements Callable<Integer> {
    /** The study's datasets. */
    enum Preset { FASHION, PHOTOS }

    @Option(names = "--preset", required = true, converter = PresetConverter.class,
            description = "fashion or photos.")
    Preset preset;

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

    /** The compare arguments of a preset (without overrides). */
    static List<String> presetArgs(Preset p) {
        List<String> a = new ArrayList<>(COMMON);
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
            default:
                throw new AssertionError(p);
        }
        return a;
    }

    @Override
    public Integer call() throws Exception {
        List<String> args = merge(presetArgs(preset), overrides);
        System.err.println("learnpad: study preset " + preset.name().toLowerCase(Locale.ROOT) + ": learnpad compare "
                + String.join(" ", args));
        if (print) {
            System.out.println("learnpad compare " + String.join(" ", args));
            return 0;
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
            boolean flag = o.equals("--augment") || o.equals("--download");
            if (given.contains(o)) {
                i += flag ? 0 : 1;
                continue;
            }
            out.add(o);
        }
        out.addAll(overrides);
        return out;
    }

    static final class PresetConverter implements CommandLine.ITypeConverter<Preset> {
        @Override
        public Preset convert(String v) {
            return Converters.parseEnum(Preset.class, v, "study preset");
        }
    }
}
