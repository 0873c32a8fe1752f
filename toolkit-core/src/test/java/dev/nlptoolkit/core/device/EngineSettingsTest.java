package dev.nlptoolkit.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;

import ai.djl.engine.EngineException;

import java.util.Map;

import org.junit.jupiter.api.Test;

class EngineSettingsTest {

    @Test
    void rejectsNonPositiveCounts() {
        assertThrows(UserInputException.class, () -> EngineSettings.threads(0, 1));
        UserInputException e =
                assertThrows(UserInputException.class, () -> EngineSettings.threads(1, -1));
        assertEquals("inter-op thread count must be at least 1, got -1", e.getMessage());
    }

    @Test
    void engineThatDidNotLoadNamesTheVariablesThatChoseItsLibrary() {
        EngineException cause = new EngineException("Cannot download jni files: https://publish.djl.ai/x");
        UserInputException e = EngineSettings.loadFailure(
                cause,
                Map.of("PYTORCH_LIBRARY_PATH", "/opt/torch/lib", "PYTORCH_VERSION", "2.15.0", "DJL_OFFLINE", "true",
                        "HOME", "/root"));
        assertEquals(
                "the PyTorch engine did not load: Cannot download jni files: https://publish.djl.ai/x. The"
                        + " toolkit runs DJL 0.36 on the libtorch 2.7.1 its jar bundles; these variables choose"
                        + " another: PYTORCH_LIBRARY_PATH=/opt/torch/lib, PYTORCH_VERSION=2.15.0 (unset them to use"
                        + " it); DJL_OFFLINE=true keeps DJL from downloading anything",
                e.getMessage());
        assertEquals(cause, e.getCause());

        String bare = EngineSettings.loadFailure(cause, Map.of()).getMessage();
        assertTrue(bare.endsWith("on the libtorch 2.7.1 its jar bundles"), bare);
    }

    @Test
    void intraOpCountChangesOnALoadedEngine() {
        EngineSettings.Threads before = EngineSettings.current();
        try {
            int wanted = before.intraOp() == 1 ? 2 : 1;
            EngineSettings.Threads after = EngineSettings.threads(wanted, before.interOp());
            assertEquals(new EngineSettings.Threads(wanted, before.interOp()), after);
            assertEquals(Integer.toString(wanted), System.getProperty(EngineSettings.INTRA_OP_PROPERTY));
            assertEquals(
                    Integer.toString(before.interOp()), System.getProperty(EngineSettings.INTER_OP_PROPERTY));
        } finally {
            EngineSettings.threads(before.intraOp(), before.interOp());
        }
    }

    @Test
    void interOpPoolCannotBeResizedTwice() {
        EngineSettings.Threads before = EngineSettings.current();
        // PyTorch accepts at most one resize, and only before the pool starts: by the second, it fails.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            EngineSettings.threads(before.intraOp(), before.interOp() + 1);
            EngineSettings.threads(before.intraOp(), before.interOp() + 2);
        });
        assertTrue(e.getMessage().contains("-D" + EngineSettings.INTER_OP_PROPERTY + "="), e.getMessage());
    }
}
