/**
 * Padding layers for DL4J: the learned Padding Module and the fixed paddings to compare it with. This page is the
 * map of the package, the one list of which file holds what.
 *
 * <h2>The public surface</h2>
 * <table>
 *   <caption>What a user of the library reaches for</caption>
 *   <tr><th>class</th><th>what it is</th></tr>
 *   <tr><td>{@link io.github.learnpad.layers.PaddingModule}</td><td>the Padding Module's configuration (a DL4J
 *       layer: the Builder, JSON, {@code ModelSerializer})</td></tr>
 *   <tr><td>{@link io.github.learnpad.layers.PaddingModuleLayer}</td><td>its runtime layer, which picks its
 *       implementation of the passes once and keeps it</td></tr>
 *   <tr><td>{@link io.github.learnpad.layers.LocalLosses}</td><td>the Padding Modules' own losses in a trained
 *       network</td></tr>
 *   <tr><td>{@link io.github.learnpad.layers.Side}</td><td>the four sides, and the parameter names derived from
 *       them</td></tr>
 *   <tr><td>{@link io.github.learnpad.layers.FixedPadding}, {@link io.github.learnpad.layers.FixedPaddingLayer},
 *       {@link io.github.learnpad.layers.FixedPaddingOps}</td><td>reflect, replicate and circular padding: the
 *       configuration, its runtime layer and the ops on arrays</td></tr>
 *   <tr><td>{@link io.github.learnpad.layers.PaddingMode}</td><td>the padding of a network, by kind: zero, reflect,
 *       replicate, circular or learned; {@code mode.layer(t, b, l, r)} gives the layer</td></tr>
 *   <tr><td>{@link io.github.learnpad.layers.PaddingVariant}</td><td>a named padding to compare: a mode, or the
 *       Padding Module with given Builder settings ("learned-mixing")</td></tr>
 *   <tr><td>{@link io.github.learnpad.layers.StandalonePaddingModule}</td><td>a Padding Module outside a network:
 *       pads images and trains on their local loss alone</td></tr>
 *   <tr><td>{@link io.github.learnpad.layers.BorderPredictor}</td><td>the maths (see below), and static entry
 *       points for arrays and a parameter map, for use outside a network</td></tr>
 * </table>
 * Which to reach for: {@code PaddingMode} says <em>what kind</em> of padding a network uses; {@code PaddingVariant}
 * names a setting of one to compare; {@link io.github.learnpad.layers.PaddingModule.Implementation} says only
 * <em>how</em> a Padding Module computes (the same maths either way).
 *
 * <h2>The maths</h2>
 * {@link io.github.learnpad.layers.BorderPredictor}'s class documentation is the one place to read what the Padding
 * Module computes: notation, the order of sides and rings, the local loss, the gradients, maps too small for the
 * predictor.
 *
 * <h2>The passes: one interface, four implementations, chosen once</h2>
 * {@code PaddingPasses} is the interface of an implementation (forward, local loss, backward in place or into a fresh
 * array) and {@code PaddingPasses.choose} the one place an implementation is picked, from the configuration, the data
 * type and the backend. As with DL4J's layer helpers, the runtime layer calls it once per data type and keeps the
 * answer.
 * <ul>
 *   <li>{@code GeneralPasses}: any configuration and data type, Java loops over canonical double strips: the fallback
 *       and the reference the others are tested against;</li>
 *   <li>{@code FloatDepthwisePasses}: FLOAT data, depthwise predictor (the defaults on the CPU), on float planes in
 *       place;</li>
 *   <li>{@code FloatMixingPasses}: FLOAT channel mixing on the CPU, the matrix products in ND4J's GEMM and the data
 *       movement around them in Java;</li>
 *   <li>{@code OpsPasses}: ND4J ops only: the path for backends other than the CPU, and channel mixing in DOUBLE;</li>
 *   <li>{@code PaddingModuleGraph} and {@code SameDiffReference}: the same maths as a SameDiff graph and its runtime,
 *       {@code Implementation.SAMEDIFF}, the slow reference.</li>
 * </ul>
 *
 * <h2>The parts the Java passes share (package-private)</h2>
 * <ul>
 *   <li>{@code Correlation}: the clamped 1-D correlation on double strips (one row's taps, their transpose and weight
 *       gradient) and the predictor applied to a row of a canonical strip;</li>
 *   <li>{@code SidePlan}: the plan of one padded side (its predictors, rings and canonical strip geometry in the padded
 *       map), the plan of a pass, the local loss's pair strip, strip gather/scatter;</li>
 *   <li>{@code MinibatchWalk}: how a pass walks the minibatch, one unit at a time (a plane, or a sample with channel
 *       mixing);</li>
 *   <li>{@code SidePredictor}, {@code PredictorWeights}: one side's predictor as the Java passes read it; the
 *       parameters read once per training step, and what a pass derives from them once;</li>
 *   <li>{@code MixingPredictor}: one side's channel-mixing predictor for {@code FloatMixingPasses}: its weights as GEMM
 *       matrices, the taps' clamped shifts and their adjoint, per-thread heap buffers;</li>
 *   <li>{@code LossPass}, {@code LocalLossResult}: the local loss's sums (per partition, added in order) and the result
 *       a training forward hands to the backward pass;</li>
 *   <li>{@code PlaneOrder}: the order a pass walks a map's (n, c) planes, the order they lie in memory;</li>
 *   <li>{@code Partitions}: a pass split into fixed partitions run in parallel (results independent of the thread
 *       count);</li>
 *   <li>{@code HeapBlock}, {@code StridedAccess}, {@code ArrayAccess}: a unit on the heap, element access through an
 *       array's buffer and strides, and the compute type, packed views and parameter reads and writes;</li>
 *   <li>{@code SideAmounts}: the four amounts and the padded and interior geometry.</li>
 * </ul>
 *
 * <h2>Why the kernels stay here, package-private</h2>
 * About half of the package is these CPU kernels, next to the public classes. They stay in {@code layers},
 * package-private, on purpose: Java has no "friend" packages, so moving them to a sub-package such as
 * {@code layers.passes} would force them to be public for the layers to call them, and make them library API that
 * could then not change freely. The public surface is the table above; everything not in it is package-private.
 *
 * <h2>Implementation: in the configuration, on purpose</h2>
 * {@link io.github.learnpad.layers.PaddingModule.Implementation} is saved in every configuration's JSON. It stays
 * there: the implementations compute the same maths but add in different orders and precisions, so the choice sets
 * the last bits of outputs and trained weights. LearnPad's rule is that results must not change with the environment
 * (docs/benchmarks.md), so that choice belongs to the model, not to the machine: {@code FAST} follows from the
 * configuration, the data type and the kind of backend alone, never from the thread count, an environment variable
 * or a measurement, and the other three fix the passes outright. A runtime-only switch (a system property, say)
 * would let one saved model compute differently depending on how its JVM was started. All four values stay, so every
 * saved configuration keeps loading as it was saved.
 */
package io.github.learnpad.layers;
