package io.dataflux.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Kubernetes manifests read into fabric8's typed model. The model rejects a wrong type (a string where a number
 * goes) but keeps a field it does not know in {@code getAdditionalProperties()}: walking those finds a misspelt or
 * misplaced field, which kubectl would reject or, worse, silently drop.
 */
final class ManifestModel {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private ManifestModel() {
    }

    /** Every YAML document of the text as its typed resource; fails on a type error, an unknown kind or field. */
    static List<HasMetadata> parse(String source, String yaml) {
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
                continue;
            }
            Object parsed;
            try {
                parsed = SERIALIZATION.unmarshal(document);
            } catch (RuntimeException e) {
                throw new AssertionError(source + ": not a valid Kubernetes resource: " + e.getMessage(), e);
            }
            if (!(parsed instanceof HasMetadata resource) || parsed instanceof GenericKubernetesResource) {
                throw new AssertionError(source + ": not a kind the Kubernetes API knows: " + document.strip());
            }
            List<String> unknown = new ArrayList<>();
            unknownFields(resource, resource.getKind() + "/" + resource.getMetadata().getName(), unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError(source + ": fields the Kubernetes API does not know: " + unknown);
            }
            resources.add(resource);
        }
        return resources;
    }

    /** The paths of the fields the model did not know, below {@code value}. */
    static void unknownFields(Object value, String path, List<String> found) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, found));
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + index++ + "]", found);
            }
            return;
        }
        if (value == null || !value.getClass().getName().startsWith(MODEL_PACKAGE)) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || Modifier.isStatic(getter.getModifiers()) || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object property;
            try {
                property = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // not a plain property
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> found.add(path + "." + key));
                }
            } else {
                String name = getter.getName().substring(3);
                unknownFields(property, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), found);
            }
        }
    }
}
