package io.deployster.jenkins.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the step's setters store: the normalisation the step used to do with Jenkins' Util, now decided here. */
class ParameterValuesTest {
    @Test
    void blankTextIsNotGiven() {
        assertNull(ParameterValues.text(null));
        assertNull(ParameterValues.text("  "));
        assertEquals("deploy.yml", ParameterValues.text(" deploy.yml\n"));
    }

    @Test
    void listsAreCopiedAsTextAndEmptyIsNotGiven() {
        assertNull(ParameterValues.list(List.of()));
        assertEquals(List.of("yarn build", "7"), ParameterValues.list(List.of(new StringBuilder("yarn build"), 7)));
    }

    @Test
    void theDefaultModeAndZeroAreLeftOutOfSnippets() {
        assertNull(ParameterValues.mode("queue"));
        assertNull(ParameterValues.mode(" QUEUE "));
        assertNull(ParameterValues.mode(""));
        assertEquals("agent", ParameterValues.mode("agent"));
        assertEquals("nonsense", ParameterValues.mode("nonsense"), "kept for the planner to report");
        assertNull(ParameterValues.zeroToNull(0));
        assertEquals(2, ParameterValues.zeroToNull(2));
    }

    /** Issue 12, fault 6: extraVars is declared Object for structs; a Jenkinsfile's map still works, and so does its text. */
    @Test
    void extraVarsTakeAMapOrItsText() {
        Map<String, Object> groovy = new LinkedHashMap<>();
        groovy.put("a", 1);
        groovy.put("b", List.of(1, 2));
        groovy.put("release", new StringBuilder("v1"));
        Map<String, Object> stored = ParameterValues.extraVars(groovy);
        assertEquals(Map.of("a", 1, "b", List.of(1, 2), "release", "v1"), stored);
        assertEquals(Integer.class, stored.get("a").getClass());
        assertEquals(Map.of("a", 1), ParameterValues.extraVars("{\"a\": 1}"));
        assertEquals(Map.of("release", "v1"), ParameterValues.extraVars("release=v1"));
        assertNull(ParameterValues.extraVars(Map.of()));
        assertNull(ParameterValues.extraVars(null));
    }

    @Test
    void extraVarsOfAnotherKindNameTheParameterAndWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterValues.extraVars(List.of("a=1")));
        assertTrue(e.getMessage().startsWith("extraVars: a "), e.getMessage());
        assertTrue(e.getMessage().contains("give a map, e.g. extraVars: [replicas: 2, hosts: ['a', 'b']]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ParameterValues.extraVars("{\"a\": "));
        assertTrue(e.getMessage().startsWith("extraVars: extra vars are not valid JSON"), e.getMessage());
    }

    @Test
    void secretParametersTakeAMapOrNameValueLinesAndNeverEchoAValue() {
        Map<Object, Object> groovy = new LinkedHashMap<>();
        groovy.put(new StringBuilder("DB_PASSWORD"), new StringBuilder("db-password"));
        assertEquals(Map.of("DB_PASSWORD", "db-password"), ParameterValues.secretRefs("secretEnv", groovy));
        assertEquals(Map.of("DB_PASSWORD", "db-password"), ParameterValues.secretRefs("secretEnv", "DB_PASSWORD=db-password"));
        assertNull(ParameterValues.secretRefs("secretEnv", Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterValues.secretRefs("secretExtraVars", List.of("hunter2-secret")));
        assertTrue(e.getMessage().startsWith("secretExtraVars: a "), e.getMessage());
        assertTrue(e.getMessage().contains("give a map, e.g. secretExtraVars: [DB_PASSWORD: 'db-password-credential-id']"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2-secret"), "a value given by mistake may be the secret itself");
    }
}
