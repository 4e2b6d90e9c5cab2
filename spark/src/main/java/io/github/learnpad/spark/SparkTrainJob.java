package io.github.learnpad.spark;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.util.SparkUtils;
import org.deeplearning4j.util.ModelSerializer;

import java.io.OutputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;

/**
 * Example Spark job: trains {@link TinyCnn} (learned padding) with parameter averaging on DataSet files and saves
 * the network, with its updater state, as a ModelSerializer zip that the single-machine library loads.
 *
 * <pre>
 * spark-submit --class io.github.learnpad.spark.SparkTrainJob [JVM flags: docs/distributed.md] learnpad-spark-job.jar \
 *     --data hdfs:///data/train-datasets --examples-per-file 32 --input 1,28,28 --classes 10 \
 *     --epochs 5 --batch-per-worker 32 --averaging-frequency 5 --out hdfs:///models/learnpad.zip
 * </pre>
 *
 * <p>{@code --data} is a directory (any Hadoop file system: HDFS, S3 through s3a://, local) of DataSet files written
 * with {@code DataSet.save(...)}, each holding {@code --examples-per-file} examples: features {@code (N, C, H, W)},
 * one-hot labels {@code (N, classes)}. {@code --master local[2]} runs it without a cluster (spark-submit sets the
 * master otherwise).
 */
public final class SparkTrainJob {
    private SparkTrainJob() {
    }

    public static void main(String[] args) throws Exception {
        String data = null, out = null, master = null;
        int examplesPerFile = 32, batch = 32, frequency = 5, epochs = 1, classes = 10;
        int[] input = {1, 28, 28};
        double lr = 1e-3;
        long seed = 42;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + args[i] + usage());
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--data": data = v; break;
                case "--out": out = v; break;
                case "--master": master = v; break;
                case "--examples-per-file": examplesPerFile = Integer.parseInt(v); break;
                case "--batch-per-worker": batch = Integer.parseInt(v); break;
                case "--averaging-frequency": frequency = Integer.parseInt(v); break;
                case "--epochs": epochs = Integer.parseInt(v); break;
                case "--classes": classes = Integer.parseInt(v); break;
                case "--lr": lr = Double.parseDouble(v); break;
                case "--seed": seed = Long.parseLong(v); break;
                case "--input":
                    input = Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                    if (input.length != 3) {
                        throw new IllegalArgumentException("--input needs C,H,W, got " + v);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i] + usage());
            }
        }
        if (data == null || out == null) {
            throw new IllegalArgumentException("--data and --out are required" + usage());
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
        }
        SparkConf conf = new SparkConf().setAppName("learnpad-train");
        if (master != null) {
            conf.setMaster(master);
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            ComputationGraph net = new ComputationGraph(TinyCnn.conf(input[0], input[1], input[2], classes, lr, seed));
            net.init();
            SparkComputationGraph spark = SparkTraining.builder().batchSizePerWorker(batch)
                    .examplesPerDataSet(examplesPerFile).averagingFrequency(frequency).seed(seed).build().wrap(sc, net);
            JavaRDD<String> paths = SparkUtils.listPaths(sc, data);
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("no files in --data " + data);
            }
            for (int e = 1; e <= epochs; e++) {
                spark.fitPaths(paths);
                System.out.printf(Locale.ROOT, "epoch %d/%d: mean minibatch loss %.4f%n", e, epochs, spark.getScore());
            }
            FileSystem fs = FileSystem.get(URI.create(out), sc.hadoopConfiguration());
            try (OutputStream os = fs.create(new Path(out), true)) {
                ModelSerializer.writeModel(spark.getNetwork(), os, true);
            }
            System.out.println("saved " + out);
        }
    }

    private static String usage() {
        return ". Usage: --data DIR --out MODEL.zip [--examples-per-file 32] [--input C,H,W] [--classes 10] "
                + "[--epochs 1] [--batch-per-worker 32] [--averaging-frequency 5] [--lr 0.001] [--seed 42] "
                + "[--master local[2]]";
    }
}
