package io.github.learnpad.training;

import io.github.learnpad.data.ImageDataset;
import io.github.learnpad.layers.PaddingMode;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.layers.PaddingVariant;
import io.github.learnpad.models.SmallCnn;
import io.github.learnpad.models.Vgg16;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The runs of one seed in a {@link Comparison} are paired: same initial weights of the layers all paddings share,
 * same batches (order and augmentation). All comparisons are bit-exact.
 */
class PairingTest {
    static final List<PaddingVariant> ALL = List.of(PaddingVariant.of(PaddingMode.ZERO),
            PaddingVariant.of(PaddingMode.REFLECT), PaddingVariant.of(PaddingMode.REPLICATE), PaddingVariant.LEARNED,
            PaddingVariant.LEARNED_MIXING);

    @TempDir
    Path out;

    @Test
    void smallCnnSharedLayersStartIdenticalForEveryPadding() {
        assertSharedLayersIdentical((p, seed) -> SmallCnn.builder().numClasses(3).inputShape(3, 12, 12).baseWidth(4)
                .padding(p).seed(seed).build().init());
    }

    @Test
    void vgg16SharedLayersStartIdenticalForEveryPadding() {
        assertSharedLayersIdentical((p, seed) -> Vgg16.builder().numClasses(3).inputShape(3, 32, 32).padding(p)
                .seed(seed).build().init());
    }

    /** Every non-padding layer's parameters equal the first network's; a different seed changes them (the guard). */
    private static void assertSharedLayersIdentical(BiFunction<PaddingVariant, Long, ComputationGraph> nets) {
        List<ComputationGraph> a = ALL.stream().map(p -> nets.apply(p, 5L)).toList();
        ComputationGraph ref = a.get(0);
        int compared = 0;
        for (ComputationGraph net : a.subList(1, a.size())) {
            for (Layer l : net.getLayers()) {
                if (l.conf().getLayer() instanceof PaddingModule) {
                    continue;
                }
                String name = l.conf().getLayer().getLayerName();
                for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                    INDArray r = ref.getLayer(name).getParam(e.getKey());
                    assertArrayEquals(floats(r), floats(e.getValue()), name + "." + e.getKey());
                    compared++;
                }
            }
        }
        assertTrue(compared > 10, "compared " + compared + " parameter arrays");
        ComputationGraph other = nets.apply(ALL.get(0), 6L);
        String conv = Arrays.stream(ref.getLayers()).filter(l -> l.numParams() > 0).findFirst().orElseThrow()
                .conf().getLayer().getLayerName();
        assertFalse(Arrays.equals(floats(ref.getLayer(conv).getParam("W")), floats(other.getLayer(conv).getParam("W"))),
                "another seed must give other weights");
    }

    @Test
    void batchesOfASeedAreIdenticalIncludingAugmentation() {
        ImageDataset data = TinyData.make("d", 40, 3, 12, 3);
        for (int epoch = 1; epoch <= 2; epoch++) {
            List<float[]> first = served(ImageBatchEpochs.training(data, 16, 9, true), epoch);
            List<float[]> again = served(ImageBatchEpochs.training(data, 16, 9, true), epoch);
            assertEquals(first.size(), again.size());
            for (int i = 0; i < first.size(); i++) {
                assertArrayEquals(first.get(i), again.get(i), "epoch " + epoch + " batch " + i);
            }
            List<float[]> otherSeed = served(ImageBatchEpochs.training(data, 16, 10, true), epoch);
            assertFalse(Arrays.equals(first.get(0), otherSeed.get(0)), "another seed must give other batches");
        }
    }

    @Test
    void comparisonFeedsEveryPaddingOfASeedTheSameBatches() throws Exception {
        ImageDataset train = TinyData.make("t", 32, 1, 10, 4);
        ImageDataset test = TinyData.make("e", 16, 1, 10, 5);
        // Records a digest of every batch each run is fed, in run order (seeds outer, paddings inner).
        List<List<Integer>> fed = new ArrayList<>();
        Comparison.BatchesFactory recording = seed -> {
            ImageBatchEpochs real = ImageBatchEpochs.training(train, 8, seed, true);
            List<Integer> digests = new ArrayList<>();
            fed.add(digests);
            return epoch -> {
                List<DataSet> batches = replay(real, epoch);
                batches.forEach(b -> digests.add(Arrays.hashCode(floats(b.getFeatures())) * 31
                        + Arrays.hashCode(floats(b.getLabels()))));
                return new org.deeplearning4j.datasets.iterator.ExistingDataSetIterator(batches);
            };
        };
        List<PaddingVariant> paddings = List.of(PaddingVariant.of(PaddingMode.ZERO), PaddingVariant.LEARNED_MIXING);
        ComparisonResult r = Comparison.builder().variants(paddings).seeds(List.of(1L, 2L))
                .network((p, seed) -> SmallCnn.builder().numClasses(3).inputShape(1, 10, 10).baseWidth(2)
                        .padding(p).seed(seed).build().init())
                .batches(recording).batchSize(8).train(train).test(test).epochs(2).outDir(out)
                .progress(TrainingProgress.NONE).gallery(2, 0, 0).build().run();
        assertEquals(4, fed.size());
        assertEquals(fed.get(0), fed.get(1), "seed 1: zero and learned-mixing saw other batches");
        assertEquals(fed.get(2), fed.get(3), "seed 2: zero and learned-mixing saw other batches");
        assertNotEquals(fed.get(0), fed.get(2));
        assertEquals(8, fed.get(0).size()); // 2 epochs x 4 batches
        // The named variant is a row of its own, with channel-mixing predictors (C x C weights per side).
        assertEquals(List.of("zero", "learned-mixing"), r.summaries().stream().map(s -> s.padding().id()).toList());
        ComputationGraph mixing = (ComputationGraph) r.summary("learned-mixing").runs().get(0).net();
        PaddingModule pm = (PaddingModule) mixing.getLayer("pad2").conf().getLayer();
        assertTrue(pm.isChannelMixing());
        assertNotNull(r.pairedDifference("learned-mixing"));
    }

    private static List<DataSet> replay(ImageBatchEpochs batches, int epoch) {
        List<DataSet> all = new ArrayList<>();
        DataSetIterator it = batches.forEpoch(epoch);
        while (it.hasNext()) {
            all.add(it.next());
        }
        return all;
    }

    private static List<float[]> served(ImageBatchEpochs batches, int epoch) {
        List<float[]> all = new ArrayList<>();
        for (DataSet ds : replay(batches, epoch)) {
            float[] f = floats(ds.getFeatures());
            float[] l = floats(ds.getLabels());
            float[] both = Arrays.copyOf(f, f.length + l.length);
            System.arraycopy(l, 0, both, f.length, l.length);
            all.add(both);
        }
        return all;
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').data().asFloat();
    }
}
