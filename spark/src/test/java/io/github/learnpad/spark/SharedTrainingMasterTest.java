package io.github.learnpad.spark;

import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J's gradient sharing on Spark ({@link SharedTrainingMaster}) with a LearnPad network on {@code local[2]}: it
 * trains. (Its runs are not repeatable, so the predictor isolation is checked with parameter averaging only; see
 * docs/distributed.md.) Uses the Spark context of {@link SparkTrainingTest}'s kind, its own.
 */
class SharedTrainingMasterTest {
    @Test
    void gradientSharingTrainsATinyModel() {
        org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf().setMaster("local[2]")
                .setAppName("learnpad-shared").set("spark.ui.enabled", "false").set("spark.driver.host", "localhost");
        try (org.apache.spark.api.java.JavaSparkContext sc = new org.apache.spark.api.java.JavaSparkContext(conf)) {
            VoidConfiguration transport = VoidConfiguration.builder().unicastPort(40123).networkMask("127.0.0.0/8")
                    .controllerAddress("127.0.0.1").build();
            SharedTrainingMaster tm = SparkTraining.builder().batchSizePerWorker(16).examplesPerDataSet(16).seed(5)
                    .build().sharedTrainingMaster(transport, 2);
            SparkComputationGraph s = new SparkComputationGraph(sc, SparkTrainingTest.network(), tm);
            List<DataSet> data = SparkTrainingTest.data(true, 3);
            double before = s.calculateScore(sc.parallelize(data, 2), true);
            for (int e = 0; e < 2; e++) {
                s.fit(sc.parallelize(data, 2));
            }
            double after = s.calculateScore(sc.parallelize(data, 2), true);
            assertTrue(after < before, "loss " + before + " -> " + after);
            assertFalse(SparkTrainingTest.identical(SparkTrainingTest.network().getLayer("pad1").params(),
                    s.getNetwork().getLayer("pad1").params()), "the predictor trained");
            tm.deleteTempFiles(sc);
        }
    }
}
