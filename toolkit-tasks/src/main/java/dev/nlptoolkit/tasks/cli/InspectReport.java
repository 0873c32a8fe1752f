package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.checkpoint.TensorInfo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What {@code toolkit inspect} learns from a checkpoint's headers.
 *
 * @param tensors number of tensors
 * @param parameters total number of elements over all tensors
 * @param dtypes safetensors dtype name to number of tensors of that type
 * @param tensorList every tensor, in file order, when asked for
 * @param config the parsed {@code config.json}, when there is one
 * @param files the checkpoint's files, relative to the inspected directory (or the file's name)
 */
public record InspectReport(
        int tensors,
        long parameters,
        SortedMap<String, Integer> dtypes,
        Optional<List<TensorInfo>> tensorList,
        Optional<JsonObject> config,
        List<String> files) {

    /** The report as printed: keys {@code tensors parameters dtypes config files tensor_list}. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("tensors", tensors);
        json.addProperty("parameters", parameters);
        JsonObject types = new JsonObject();
        dtypes.forEach(types::addProperty);
        json.add("dtypes", types);
        config.ifPresent(c -> json.add("config", c));
        JsonArray fileArray = new JsonArray();
        files.forEach(fileArray::add);
        json.add("files", fileArray);
        tensorList.ifPresent(list -> json.add("tensor_list", tensorArray(list)));
        return json;
    }

    private static JsonArray tensorArray(List<TensorInfo> list) {
        JsonArray array = new JsonArray();
        for (TensorInfo info : list) {
            JsonObject tensor = new JsonObject();
            tensor.addProperty("name", info.name());
            tensor.addProperty("dtype", info.dtype().name());
            JsonArray shape = new JsonArray();
            for (long d : info.shape()) {
                shape.add(d);
            }
            tensor.add("shape", shape);
            array.add(tensor);
        }
        return array;
    }
}
