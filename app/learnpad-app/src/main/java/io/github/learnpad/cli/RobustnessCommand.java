package io.github.learnpad.cli;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.robustness.BorderShift.Direction;
import io.github.learnpad.robustness.ShiftReport;
import io.github.learnpad.robustness.ShiftRobustness;
import io.github.learnpad.stats.PairedDifference;
import io.github.learnpad.training.AtomicFiles;
import io.github.learnpad.charts.ShiftCharts;
import io.github.learnpad.training.Json;
import io.github.learnpad.training.RunMetadata;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code learnpad robustness}: accuracy of saved networks on test images shifted toward each border. */
@Command(name = "robustness", mixinStandardHelpOptions = true,
        description = {"Test saved networks on their test images shifted by each --shifts amount toward each of the "
                + "four borders, the uncovered strip filled with the image's own edge (replicate): accuracy per shift "
                + "and direction with 95% Wilson intervals, and each model's paired per-image difference to the "
                + "first --model. Writes robustness.md, robustness.json and shift-accuracy.png into --out."})
final class RobustnessCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, split = ",",
            description = "model.zip files or run directories (of 'learnpad train' or compare's runs/*); repeat or "
                    + "separate with commas. The first is the reference of the paired differences.")
    List<Path> models;

    @Mixin
    SavedModelTestOptions data;

    @Option(names = "--shifts", split = ",", defaultValue = "0,2,4,6,8",
            description = "Shifts in pixels (0 = unshifted). Default: ${DEFAULT-VALUE}.")
    List<Integer> shifts;

    @Option(names = "--out", defaultValue = "runs/robustness", description = "Output directory. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() throws Exception {
        data.validate();
        Map<String, ShiftReport> reports = new LinkedHashMap<>();
        ImageDataset test = null;
        int[] shape = null;
        for (Path m : models) {
            Path zip = SavedModels.zip(m);
            Model net = SavedModels.load(zip, false);   // ComputationGraph or MultiLayerNetwork
            int[] chw = RunMetadata.inputShape(zip.toAbsolutePath().getParent()).orElse(null);
            if (test == null) {
                shape = chw;
                test = data.testSet(zip, net);
            } else if (!Arrays.equals(shape, chw)) {
                throw new IllegalArgumentException("the models were trained on different image shapes ("
                        + Arrays.toString(shape) + " vs " + Arrays.toString(chw) + " for " + zip + "); compare models "
                        + "of the same input size");
            } else {
                data.checkClasses(net, test);
            }
            String name = name(m, reports.keySet());
            System.err.println("learnpad: shifting " + test.size() + " test images for " + name);
            reports.put(name, ShiftRobustness.evaluate(net, test, shifts, data.batch));
        }
        String md = markdown(reports);
        Files.createDirectories(out);
        AtomicFiles.writeString(out.resolve("robustness.md"), md);
        AtomicFiles.writeString(out.resolve("robustness.json"), Json.pretty(json(reports)) + "\n");
        Map<String, double[]> lines = new LinkedHashMap<>();
        reports.forEach((n, r) -> lines.put(n, shifts.stream().mapToDouble(r::meanAccuracy).toArray()));
        ShiftCharts.accuracyVsShift(shifts, lines, "Test accuracy vs border shift (mean over the 4 directions)",
                out.resolve("shift-accuracy.png"));
        System.out.println(md);
        System.out.println("Written: " + out.resolve("robustness.md") + ", robustness.json, shift-accuracy.png");
        return 0;
    }

    /** The run directory's name (e.g. learned-seed1), made unique. */
    private static String name(Path model, java.util.Set<String> taken) {
        Path p = model.toAbsolutePath().normalize();
        Path dir = Files.isDirectory(p) ? p : p.getParent();
        String base = dir == null ? p.toString() : dir.getFileName().toString();
        String n = base;
        for (int i = 2; taken.contains(n); i++) {
            n = base + "-" + i;
        }
        return n;
    }

    private String markdown(Map<String, ShiftReport> reports) {
        StringBuilder sb = new StringBuilder("# Border-shift robustness\n\n");
        sb.append("Test images shifted by d pixels toward each border, the uncovered strip filled with the image's own "
                + "edge. Accuracy [95% Wilson interval over images].\n");
        String ref = reports.keySet().iterator().next();
        reports.forEach((name, r) -> sb.append("\n## ").append(name).append(" (").append(r.testImages())
                .append(" test images)\n\n").append(r.markdown()));
        for (Map.Entry<String, ShiftReport> e : reports.entrySet()) {
            if (e.getKey().equals(ref)) {
                continue;
            }
            sb.append("\n## ").append(e.getKey()).append(" − ").append(ref)
                    .append(" (paired per image: accuracy difference [95% interval])\n\n");
            sb.append("| shift (px) | left | right | up | down |\n| ---: | ---: | ---: | ---: | ---: |\n");
            for (int s : shifts) {
                sb.append("| ").append(s);
                for (Direction d : Direction.values()) {
                    PairedDifference pd = ShiftReport.paired(e.getValue(), reports.get(ref), s, d);
                    sb.append(String.format(Locale.ROOT, " | %+.4f [%+.4f, %+.4f]", pd.mean(), pd.ciLow(), pd.ciHigh()));
                }
                sb.append(" |\n");
            }
        }
        return sb.toString();
    }

    private Map<String, Object> json(Map<String, ShiftReport> reports) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", data.dataset());
        m.put("shifts", shifts);
        String ref = reports.keySet().iterator().next();
        List<Object> list = new ArrayList<>();
        reports.forEach((name, r) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("model", name);
            one.putAll(r.toMap());
            if (!name.equals(ref)) {
                Map<String, Object> diffs = new LinkedHashMap<>();
                for (int s : shifts) {
                    Map<String, Object> byDir = new LinkedHashMap<>();
                    for (Direction d : Direction.values()) {
                        PairedDifference pd = ShiftReport.paired(r, reports.get(ref), s, d);
                        byDir.put(d.id(), Map.of("mean", pd.mean(), "ciLow", pd.ciLow(), "ciHigh", pd.ciHigh(),
                                "pValue", pd.pValue()));
                    }
                    diffs.put(String.valueOf(s), byDir);
                }
                one.put("pairedDifferenceTo", ref);
                one.put("pairedDifference", diffs);
            }
            list.add(one);
        });
        m.put("models", list);
        return m;
    }
}
