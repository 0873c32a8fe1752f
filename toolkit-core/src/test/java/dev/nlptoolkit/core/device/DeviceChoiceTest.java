package dev.nlptoolkit.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;

import dev.nlptoolkit.core.UserInputException;

import org.junit.jupiter.api.Test;

class DeviceChoiceTest {

    @Test
    void autoPicksTheGpuOnlyWhenThereIsOne() {
        assertEquals(Device.cpu(), DeviceChoice.AUTO.resolve(0));
        assertEquals(Device.gpu(), DeviceChoice.AUTO.resolve(2));
        Device expected = Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        assertEquals(expected, DeviceChoice.AUTO.resolve());
    }

    @Test
    void cpuIsAlwaysTheCpu() {
        assertEquals(Device.cpu(), DeviceChoice.CPU.resolve(0));
        assertEquals(Device.cpu(), DeviceChoice.CPU.resolve(1));
    }

    @Test
    void cudaWithoutAGpuSaysWhatToDo() {
        assertEquals(Device.gpu(), DeviceChoice.CUDA.resolve(1));
        UserInputException e = assertThrows(UserInputException.class, () -> DeviceChoice.CUDA.resolve(0));
        assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
        assertTrue(e.getMessage().contains("-Pcuda"), e.getMessage());
    }

    @Test
    void parsesIgnoringCaseAndListsTheChoices() {
        assertEquals(DeviceChoice.CUDA, DeviceChoice.parse("cuda"));
        assertEquals(DeviceChoice.CPU, DeviceChoice.parse("Cpu"));
        assertEquals(DeviceChoice.AUTO, DeviceChoice.parse(" AUTO "));
        UserInputException e = assertThrows(UserInputException.class, () -> DeviceChoice.parse("tpu"));
        assertEquals("unknown device 'tpu'; choose one of auto, cpu, cuda", e.getMessage());
    }
}
