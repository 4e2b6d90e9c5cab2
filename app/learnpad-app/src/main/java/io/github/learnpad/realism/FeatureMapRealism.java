package io.github.learnpad.realism;

import io.github.learnpad.layers.BorderPredictor;
import io.github.learnpad.layers.PaddingModule;
import io.github.learnpad.layers.Side;
import io.github.learnpad.layers.PaddingModuleLayer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * How realistic a trained network's learned padding is on its own feature maps.
 *
 * <p>At each {@link PaddingModuleLayer} of the network, the input feature map {@code x (N, C, H, W)} (the activation
 * that reaches the layer on held-out images, after any input preprocessor) is used as in the local loss: for every
 * padded side, the target is the outermost row/column (row 0 seen from that side) and each mode predicts it from
 * the rows inside it:
 * <ul>
 *   <li>{@code learned}: the layer's own predictor from rows 1..k ({@link BorderPredictor#predictEdge});</li>
 *   <li>{@code replicate}: row 1 (a copy of the nearest row);</li>
 *   <li>{@code reflect}: row 2 (the mirror image about row 1);</li>
 *   <li>{@code circular}: the opposite edge row (what wrapping the map without row 0 gives);</li>
 *   <li>{@code zero}: 0.</li>
 * </ul>
 * Per image, the squared errors of all usable sides are pooled into one MSE; the table reports the mean and 95%
 * interval over images, and each mode's mean MSE relative to zero's. A side is usable when its axis has at least
 * {@code max(k + 1, 3)} rows/columns; the same sides are used for every mode.
 */
public final class FeatureMapRealism {
    /** The modes compared, in report order. */
    public static final List<String> MODES = List.of("learned", "replicate", "reflect", "circular", "zero");
    private static final int CHUNK = 64;

    /**
     * One Padding Module layer's result.
     *
     * @param layer      the layer name (ComputationGraph vertex name, or "layer i" / its name in a MultiLayerNetwork)
     * @param inputShape the shape {@code (C, H, W)} of the feature map reaching the layer
     * @param sides      the sides measured
     * @param mse        per mode: per-image MSE, mean and 95% interval over images
     */
    public record LayerRow(String layer, long[] inputShape, List<Side> sides, Map<String, MeanCi> mse) {
        /** Mean MSE of a mode divided by zero padding's mean MSE (NaN if zero's is 0). */
        public double relativeToZero(String mode) {
            double z = mse.get("zero").mean();
            return z == 0 ? Double.NaN : mse.get(mode).mean() / z;
        }
    }

    private FeatureMapRealism() {
    }

    /** Loads a ModelSerializer zip of a ComputationGraph or a MultiLayerNetwork (told apart by its configuration). */
    public static Model load(Path zip) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new IOException("model file not found: " + zip + " (give the model.zip written by `learnpad train`)");
        }
        String conf;
        try (ZipFile z = new ZipFile(zip.toFile())) {
            ZipEntry e = z.getEntry("configuration.json");
            if (e == null) {
                throw new IOException(zip + " is not a DL4J ModelSerializer zip (no configuration.json)");
            }
            try (InputStream in = z.getInputStream(e)) {
                conf = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return conf.contains("\"vertices\"") ? ModelSerializer.restoreComputationGraph(zip.toFile(), false)
                : ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
    }

    /**
     * Measures every Padding Module layer of {@code net} on the images {@code x (N, C, H, W)} (the network's input).
     *
     * @return one row per Padding Module layer, in network order
     * @throws IllegalArgumentException if the network has no Padding Module layer
     */
    public static List<LayerRow> measure(Model net, INDArray x) {
        List<Layer> pads = new ArrayList<>();
        for (Layer l : layers(net)) {
            if (l instanceof PaddingModuleLayer) {
                pads.add(l);
            }
        }
        if (pads.isEmpty()) {
            throw new IllegalArgumentException("the network has no PaddingModule layer (trained with fixed padding?): "
                    + "feature-map realism needs a model trained with --padding learned");
        }
        int n = (int) x.size(0);
        List<double[][]> perImage = new ArrayList<>();   // per layer: [mode][image] = MSE
        List<long[]> shapes = new ArrayList<>();
        List<List<Side>> sides = new ArrayList<>();
        for (int i = 0; i < pads.size(); i++) {
            perImage.add(new double[MODES.size()][n]);
            shapes.add(null);
            sides.add(null);
        }
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            INDArray part = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup();
            List<INDArray> inputs = paddingInputs(net, pads, part);
            for (int li = 0; li < pads.size(); li++) {
                Layer l = pads.get(li);
                PaddingModule conf = (PaddingModule) l.conf().getLayer();
                INDArray in = inputs.get(li);
                shapes.set(li, new long[]{in.size(1), in.size(2), in.size(3)});
                Errors e = errors(conf, l.paramTable(), in);
                sides.set(li, e.sides);
                for (int m = 0; m < MODES.size(); m++) {
                    System.arraycopy(e.mse[m], 0, perImage.get(li)[m], from, to - from);
                }
            }
        }
        List<LayerRow> rows = new ArrayList<>();
        for (int li = 0; li < pads.size(); li++) {
            Map<String, MeanCi> mse = new LinkedHashMap<>();
            for (int m = 0; m < MODES.size(); m++) {
                mse.put(MODES.get(m), MeanCi.of(perImage.get(li)[m]));
            }
            rows.add(new LayerRow(name(net, pads.get(li)), shapes.get(li), sides.get(li), mse));
        }
        return rows;
    }

    /** Per-image MSE of each mode ({@link #MODES} order) over the usable sides of one feature map. */
    static final class Errors {
        final double[][] mse;
        final List<Side> sides;

        Errors(double[][] mse, List<Side> sides) {
            this.mse = mse;
            this.sides = sides;
        }
    }

    /**
     * The errors of every mode at predicting the outermost rows/columns of {@code x (N, C, H, W)}, with the module's
     * configuration and parameters for the learned prediction.
     */
    static Errors errors(PaddingModule conf, Map<String, INDArray> params, INDArray x) {
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        double[] v = x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[][] sum = new double[MODES.size()][n];
        long count = 0;
        List<Side> used = new ArrayList<>();
        int need = Math.max(conf.getContextDepth() + 1, 3);
        for (Side s : conf.paddedSides()) {
            int axis = s.isRow() ? h : w;
            if (axis < need) {
                continue;
            }
            used.add(s);
            INDArray[] pt = BorderPredictor.predictEdge(conf, params, x, s);
            double[] pred = pt[0].castTo(DataType.DOUBLE).dup('c').data().asDouble();
            double[] target = pt[1].castTo(DataType.DOUBLE).dup('c').data().asDouble();
            int len = s.isRow() ? w : h;
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int j = 0; j < len; j++) {
                        int k = (b * c + ch) * len + j;
                        double t = target[k];
                        double[] guess = {pred[k], at(v, s, b, ch, 1, j, c, h, w), at(v, s, b, ch, 2, j, c, h, w),
                                at(v, s, b, ch, axis - 1, j, c, h, w), 0.0};
                        for (int m = 0; m < guess.length; m++) {
                            double e = guess[m] - t;
                            sum[m][b] += e * e;
                        }
                    }
                }
            }
            count += (long) c * len;
        }
        if (used.isEmpty()) {
            throw new IllegalArgumentException("feature map " + h + "x" + w + " is too small to measure any padded "
                    + "side (need " + need + " rows/columns along a side's axis)");
        }
        for (double[] perMode : sum) {
            for (int b = 0; b < n; b++) {
                perMode[b] /= count;
            }
        }
        return new Errors(sum, used);
    }

    /** {@code R[b, ch, d, j]}: row/column d counted inward from side s, position j along it (top/left end first). */
    static double at(double[] v, Side s, int b, int ch, int d, int j, int c, int h, int w) {
        int i, col;
        switch (s) {
            case TOP: i = d; col = j; break;
            case BOTTOM: i = h - 1 - d; col = j; break;
            case LEFT: i = j; col = d; break;
            case RIGHT: i = j; col = w - 1 - d; break;
            default: throw new AssertionError(s);
        }
        return v[((b * c + ch) * h + i) * w + col];
    }

    private static Layer[] layers(Model net) {
        if (net instanceof MultiLayerNetwork) {
            return ((MultiLayerNetwork) net).getLayers();
        }
        if (net instanceof ComputationGraph) {
            return ((ComputationGraph) net).getLayers();
        }
        throw new IllegalArgumentException("expected a MultiLayerNetwork or ComputationGraph, got " + net.getClass());
    }

    private static String name(Model net, Layer l) {
        String n = l.conf().getLayer().getLayerName();
        if (net instanceof MultiLayerNetwork) {
            return n != null && !n.equals("layer" + l.getIndex()) ? n + " (layer " + l.getIndex() + ")" : "layer " + l.getIndex();
        }
        return n;
    }

    /** The activations entering each padding layer (after its input preprocessor, if any). */
    private static List<INDArray> paddingInputs(Model net, List<Layer> pads, INDArray x) {
        List<INDArray> out = new ArrayList<>();
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        if (net instanceof MultiLayerNetwork) {
            MultiLayerNetwork mln = (MultiLayerNetwork) net;
            // feedForward: index 0 is the input, index i + 1 the output of layer i; so layer i's input is index i.
            List<INDArray> acts = mln.feedForward(x, false);
            for (Layer l : pads) {
                int i = l.getIndex();
                INDArray a = acts.get(i);
                InputPreProcessor pp = mln.getLayerWiseConfigurations().getInputPreProcess(i);
                out.add(pp == null ? a : pp.preProcess(a, (int) a.size(0), ws));
            }
        } else {
            ComputationGraph cg = (ComputationGraph) net;
            Map<String, INDArray> acts = cg.feedForward(x, false);
            for (Layer l : pads) {
                String name = l.conf().getLayer().getLayerName();
                List<String> ins = cg.getConfiguration().getVertexInputs().get(name);
                if (ins == null || ins.size() != 1) {
                    throw new IllegalArgumentException("padding vertex '" + name + "' must have exactly one input, has "
                            + ins);
                }
                INDArray a = acts.get(ins.get(0));
                GraphVertex gv = cg.getVertex(name);
                InputPreProcessor pp = gv instanceof LayerVertex ? ((LayerVertex) gv).getLayerPreProcessor() : null;
                out.add(pp == null ? a : pp.preProcess(a, (int) a.size(0), ws));
            }
        }
        return out;
    }

    /** Markdown table: one row per layer, MSE per mode (mean ± CI) and each mode's MSE relative to zero's. */
    public static String markdown(String title, int images, List<LayerRow> rows) {
        StringBuilder sb = new StringBuilder("## Feature-map realism: ").append(title).append("\n\n");
        sb.append(images).append(" held-out images. Target: the outermost row/column of the feature map entering each "
                + "Padding Module; per-image MSE pooled over the padded sides, mean ± 95% CI over images; "
                + "(x) = mean MSE relative to zero padding's.\n\n| layer | map (C x H x W) |");
        for (String m : MODES) {
            sb.append(" ").append(m).append(" |");
        }
        sb.append("\n| --- | --- |");
        MODES.forEach(m -> sb.append(" --- |"));
        sb.append("\n");
        for (LayerRow r : rows) {
            sb.append("| ").append(r.layer()).append(" | ").append(r.inputShape()[0]).append(" x ")
                    .append(r.inputShape()[1]).append(" x ").append(r.inputShape()[2]).append(" |");
            for (String m : MODES) {
                sb.append(String.format(Locale.ROOT, " %s (%.3f) |", RealismReport.mse(r.mse().get(m)),
                        r.relativeToZero(m)));
            }
            sb.append("\n");
        }
        return sb.append("\n").toString();
    }

    /** The rows as JSON-ready maps. */
    public static Map<String, Object> tree(String title, int images, List<LayerRow> rows) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", title);
        root.put("images", images);
        List<Object> layers = new ArrayList<>();
        for (LayerRow r : rows) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("layer", r.layer());
            lm.put("inputShape", r.inputShape());
            lm.put("sides", r.sides().stream().map(Side::key).toList());
            Map<String, Object> modes = new LinkedHashMap<>();
            for (String m : MODES) {
                Map<String, Object> mm = RealismReport.ci(r.mse().get(m));
                mm.put("relativeToZero", r.relativeToZero(m));
                modes.put(m, mm);
            }
            lm.put("mse", modes);
            layers.add(lm);
        }
        root.put("layers", layers);
        return root;
    }
}
