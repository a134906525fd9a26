package dev.jkata.agent.oci;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON trees and reads the little JSON the agent reads, with jackson-core's streaming API only: a
 * databind {@code ObjectMapper} costs several times more to set up, which a guest under emulation pays in
 * start-up time.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {}

    /** Writes {@code node} to {@code file}, indented. */
    public static void write(JsonNode node, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(g, node);
        }
    }

    /** {@code node} as compact UTF-8 JSON. */
    public static byte[] toBytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, node);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory", e);
        }
        return out.toByteArray();
    }

    /** The numbers of a JSON array of integers, such as {@code crun ps --format json} prints. */
    public static List<Long> parseLongArray(String json) throws IOException {
        List<Long> values = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("not a JSON array: " + json);
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_INT) {
                    throw new IOException("not an array of integers: " + json);
                }
                values.add(p.getLongValue());
            }
        }
        return values;
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode e : n) {
                    write(g, e);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NUMBER -> {
                if (n.isBigInteger()) {
                    g.writeNumber(n.bigIntegerValue());
                } else if (n.isIntegralNumber()) {
                    g.writeNumber(n.longValue());
                } else {
                    g.writeNumber(n.decimalValue());
                }
            }
            case NULL, MISSING -> g.writeNull();
            default -> g.writeString(n.asText());
        }
    }
}
