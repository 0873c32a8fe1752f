package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.train.AdamW;
import dev.nlptoolkit.models.weights.StateDict;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Regression: the no-decay filter missed torch-named recurrent biases in 4 of the 6 model kinds. */
class DecayFilterTest {

    private static final Set<Parameter.Type> NOT_DECAYED =
            Set.of(Parameter.Type.BIAS, Parameter.Type.GAMMA, Parameter.Type.BETA);

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = "BERT", mode = EnumSource.Mode.EXCLUDE)
    void biasesAndNormsAreNeverDecayedAndEverythingElseIs(ModelKind kind) {
        List<Example> data = List.of(Example.of("a good film", "pos"), Example.of("a bad film", "neg"));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                ScratchNetwork network = ScratchNetwork.create(kind, ScratchNetwork.vocabulary(data, 1),
                        LabelMap.of(data, "test"), 8, manager)) {
            var filter = AdamW.decayExceptBiasAndNorm();
            int biases = 0;
            for (Map.Entry<String, Parameter> e : StateDict.of(network.model()).entrySet()) {
                boolean spared = NOT_DECAYED.contains(e.getValue().getType());
                biases += spared ? 1 : 0;
                assertEquals(!spared, filter.test(e.getKey()), e.getKey() + " of type " + e.getValue().getType());
            }
            assertTrue(biases > 0, "every kind has biases");
        }
    }
}
