package dev.tenantry.export.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.ExportFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

class DocumentWriterTest {

    private static String write(ExportFormat format, List<String> columns, String... documents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DocumentWriter writer = new DocumentWriter(format, out, Set.of("passwordhash"), new BsonDocument(), columns);
        writer.startCollection("c");
        for (String document : documents) {
            writer.write("c", RawBsonDocument.parse(document));
        }
        writer.endCollection();
        writer.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void csvFieldsWithoutAColumnGoToTheLastColumnAsJson() {
        assertEquals("collection,_id,a,\"$other\"\nc,1,x,\nc,2,y,\"{\"\"b\"\":{\"\"c\"\":[1,true]},\"\"d\"\":\"\"z\"\"}\"\n",
                write(ExportFormat.CSV, List.of("_id", "a"), "{_id: 1, a: 'x'}",
                        "{_id: 2, a: 'y', b: {c: [1, true]}, passwordHash: 'h', d: 'z'}"));
    }

    @Test
    void everyBsonTypeParsesBackToTheSameValue() {
        String original = "{_id: 1, s: 'x\u00e9\\\"q', d: 1.5, nested: {a: [1, 'b', {c: null}, [true]]}, "
                + "bin: {$binary: {base64: 'AQID', subType: '04'}}, oid: {$oid: '65a1b2c3d4e5f60718293a4b'}, "
                + "yes: false, when: {$date: 1700000000123}, before: {$date: {$numberLong: '-5'}}, none: null, "
                + "re: {$regularExpression: {pattern: 'a.b', options: 'i'}}, ts: {$timestamp: {t: 4000000000, i: 7}}, "
                + "big: {$numberLong: '5000000000'}, dec: {$numberDecimal: '12.345'}, nan: {$numberDouble: 'NaN'}, "
                + "rare: [{$regularExpression: {pattern: 'x', options: ''}}, {$minKey: 1}, {$symbol: 'sym'}], "
                + "code: {$code: 'f()'}, max: {$maxKey: 1}, after: 'still here'}";
        String line = write(ExportFormat.NDJSON, List.of(), original).strip();
        BsonDocument parsed = BsonDocument.parse(line).getDocument("document");
        assertEquals(BsonDocument.parse(original), parsed);
    }

    @Test
    void secretsInsideJavaScriptWithScopeAreLeftOutInEveryFormat() {
        String document = "{_id: 1, fn: {$code: 'return passwordHash', $scope: {passwordHash: 'SCOPE-SECRET', "
                + "keep: 'visible', inner: {PasswordHash: 'NESTED-SECRET', n: 1}, list: [{$code: 'g()', $scope: "
                + "{passwordHash: 'ARRAY-SECRET'}}]}}, other: [{$code: 'h()', $scope: {passwordHash: 'DEEP'}}]}";
        for (ExportFormat format : ExportFormat.values()) {
            String out = write(format, format == ExportFormat.CSV ? List.of("_id", "fn") : List.of(), document);
            for (String secret : List.of("SCOPE-SECRET", "NESTED-SECRET", "ARRAY-SECRET", "DEEP")) {
                assertFalse(out.contains(secret), format + " leaked " + secret + ": " + out);
            }
            assertTrue(out.contains("visible") && out.contains("return passwordHash"), format + ": " + out);
        }
        BsonDocument parsed = BsonDocument.parse(write(ExportFormat.NDJSON, List.of(), document).strip())
                .getDocument("document");
        assertEquals(BsonDocument.parse("{_id: 1, fn: {$code: 'return passwordHash', $scope: {keep: 'visible', "
                + "inner: {n: 1}, list: [{$code: 'g()', $scope: {}}]}}, other: [{$code: 'h()', $scope: {}}]}"),
                parsed, "still code with scope, read back as such");
    }

    @Test
    void valuesAreRelaxedExtendedJson() {
        assertEquals("{\"_id\":{\"$oid\":\"65a1b2c3d4e5f60718293a4b\"},\"d\":{\"$date\":\"2023-11-14T22:13:20Z\"},"
                + "\"l\":5000000000,\"x\":{\"$numberDecimal\":\"1.5\"},\"inf\":{\"$numberDouble\":\"Infinity\"}}",
                write(ExportFormat.NDJSON, List.of(), "{_id: {$oid: '65a1b2c3d4e5f60718293a4b'}, "
                        + "d: {$date: 1700000000000}, l: {$numberLong: '5000000000'}, x: {$numberDecimal: '1.5'}, "
                        + "inf: {$numberDouble: 'Infinity'}}").strip().replaceFirst("^\\{\"collection\":\"c\","
                        + "\"document\":", "").replaceFirst("}$", ""));
    }
}
