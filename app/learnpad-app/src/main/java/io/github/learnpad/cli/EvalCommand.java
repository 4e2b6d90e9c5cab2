package io.github.learnpad.cli;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.training.AtomicFiles;
import io.github.learnpad.eval.Evaluator;
import io.github.learnpad.training.Json;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code learnpad eval}: test accuracy and loss of a saved network. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved network (model.zip of a train run) on a test set; prints accuracy and loss "
                + "and writes them as JSON (eval.json next to the model, or --out).")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model.zip, or a run directory containing one.")
    Path model;

    @Mixin
    SavedModelTestOptions data;

    @Option(names = "--out", description = "JSON file to write (default: eval.json next to the model).")
    Path out;

    @Override
    public Integer call() throws Exception {
        data.validate();
        Path zip = SavedModels.zip(model);
        Model net = SavedModels.load(zip, false);   // ComputationGraph or MultiLayerNetwork
        ImageDataset test = data.testSet(zip, net);
        long t0 = System.nanoTime();
        Evaluator.Result r = Evaluator.evaluate(net, test, data.batch);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", zip.toString());
        m.put("dataset", data.dataset());
        m.put("testImages", r.count());
        m.put("accuracy", r.accuracy());
        m.put("loss", r.loss());
        m.put("seconds", seconds);
        Path json = out != null ? out : zip.toAbsolutePath().getParent().resolve("eval.json");
        AtomicFiles.writeString(json, Json.pretty(m) + "\n");
        System.out.println(String.format(Locale.ROOT, "accuracy %.4f, loss %.4f on %d test images of %s (%s)",
                r.accuracy(), r.loss(), r.count(), data.dataset(), json));
        return 0;
    }
}
