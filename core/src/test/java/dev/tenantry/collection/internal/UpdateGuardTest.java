package dev.tenantry.collection.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.TenantViolationException;
import java.util.List;
import java.util.stream.Collectors;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpdateGuardTest {

    private final UpdateGuard guard = new UpdateGuard("tenantId");

    @ParameterizedTest
    @ValueSource(strings = {
        "{$set: {tenantId: 'b'}}",
        "{$set: {'tenantId.x': 1}}",
        "{$unset: {tenantId: ''}}",
        "{$rename: {tenantId: 'owner'}}",
        "{$rename: {owner: 'tenantId'}}",
        "{$rename: {owner: 'tenantId.sub'}}",
        "{$setOnInsert: {tenantId: 'b'}}",
        "{$inc: {tenantId: 1}}",
        "{$mul: {tenantId: 2}}",
        "{$min: {tenantId: 'a'}}",
        "{$max: {tenantId: 'z'}}",
        "{$currentDate: {tenantId: true}}",
        "{$push: {tenantId: 'b'}}",
        "{$addToSet: {tenantId: 'b'}}",
        "{$pull: {tenantId: 'a'}}",
        "{$pop: {tenantId: 1}}",
        "{$bit: {tenantId: {and: 1}}}",
        "{$set: {'tenantId.$': 'b'}}",
        "{$set: {'tenantId.$[]': 'b'}}",
        "{$set: {'tenantId.$[x]': 'b'}}",
        "{$set: {name: 'ok', tenantId: 'b'}}",
    })
    void refusesEveryOperatorThatTouchesTheTenantField(String update) {
        TenantViolationException e = assertThrows(TenantViolationException.class,
                () -> guard.checkUpdate(BsonDocument.parse(update)));
        assertTrue(e.getMessage().contains("tenantId"), e.getMessage());
        assertTrue(e.getMessage().contains("$"), "names the operator: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{$set: {name: 'x', 'tenantIdx': 1, 'tenant': 2, 'meta.tenantId': 3}}",
        "{$inc: {count: 1}, $push: {tags: 'a'}}",
        "{$rename: {old: 'new'}}",
        "{$set: {'items.$[i].tenantId': 'b'}}",
    })
    void allowsUpdatesThatLeaveTheTenantFieldAlone(String update) {
        assertDoesNotThrow(() -> guard.checkUpdate(BsonDocument.parse(update)));
    }

    @Test
    void replacementDocumentIsNotAnUpdate() {
        assertThrows(IllegalArgumentException.class, () -> guard.checkUpdate(BsonDocument.parse("{name: 'x'}")));
        assertThrows(IllegalArgumentException.class, () -> guard.checkUpdate(new BsonDocument()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[{$set: {tenantId: 'b'}}]",
        "[{$addFields: {'tenantId.x': 1}}]",
        "[{$unset: 'tenantId'}]",
        "[{$unset: ['a', 'tenantId']}]",
        "[{$project: {tenantId: 0}}]",
        "[{$project: {name: 1}}]",
        "[{$project: {tenantId: 'b', name: 1}}]",
        "[{$replaceRoot: {newRoot: {x: 1}}}]",
        "[{$replaceWith: {x: 1}}]",
        "[{$set: {a: 1}}, {$lookup: {from: 'x', as: 'y', pipeline: []}}]",
    })
    void refusesUpdatePipelinesThatCouldChangeTheTenant(String pipeline) {
        assertThrows(TenantViolationException.class, () -> guard.checkPipeline(stages(pipeline)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[{$set: {total: {$add: ['$a', '$b']}}}]",
        "[{$unset: ['a', 'b']}, {$addFields: {c: 1}}]",
        "[{$project: {a: 0}}]",
        "[{$project: {tenantId: 1, name: 1}}]",
    })
    void allowsUpdatePipelinesThatKeepTheTenant(String pipeline) {
        assertDoesNotThrow(() -> guard.checkPipeline(stages(pipeline)));
    }

    static List<BsonDocument> stages(String json) {
        BsonArray array = BsonDocument.parse("{p: " + json + "}").getArray("p");
        return array.stream().map(BsonValue::asDocument).collect(Collectors.toList());
    }
}
