package io.deployster.jenkins.form;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepFormTest {
    @Test
    void linesRoundTripAndBlankLinesAreDropped() {
        List<String> commands = List.of("yarn install --frozen-lockfile", "supervisorctl restart app");
        assertEquals(commands, StepForm.parseLines(StepForm.lines(commands)));
        assertEquals(List.of("a", "b"), StepForm.parseLines("a\r\n\n  \nb\n"));
        assertNull(StepForm.parseLines(" \n "));
        assertEquals("", StepForm.lines(null));
    }

    /** Issue 12: a step-config round trip turned an Integer into a Long; Groovy's literal types are kept. */
    @Test
    void numbersKeepTheTypeGroovyGivesTheSameLiteral() {
        Map<String, Object> back = StepForm.parseExtraVars("{\"a\": 1, \"b\": [1, 2], \"big\": 5000000000, \"r\": 0.5}");
        assertEquals(Integer.valueOf(1), back.get("a"));
        assertEquals(List.of(1, 2), back.get("b"));
        assertEquals(Long.valueOf(5_000_000_000L), back.get("big"));
        assertEquals(new java.math.BigDecimal("0.5"), back.get("r"));
    }

    @Test
    void extraVarsRoundTripThroughTheFormKeepingTypes() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("release", "v1");
        vars.put("replicas", 3);
        vars.put("bytes", 5_000_000_000L);
        vars.put("ratio", new java.math.BigDecimal("0.25"));
        vars.put("canary", true);
        vars.put("hosts", List.of("a", "b"));
        vars.put("limits", Map.of("cpu", "2"));
        assertEquals(vars, StepForm.parseExtraVars(StepForm.extraVarsText(vars)));
        assertEquals("", StepForm.extraVarsText(null));
    }

    @Test
    void extraVarsAcceptNameValueLines() {
        Map<String, Object> vars = StepForm.parseExtraVars("release=v1.2.0\nurl=https://x/?a=b\n");
        assertEquals("v1.2.0", vars.get("release"));
        assertEquals("https://x/?a=b", vars.get("url"));
        assertNull(StepForm.parseExtraVars("  "));
    }

    @Test
    void badExtraVarsSayWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepForm.parseExtraVars("{\"a\": "));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StepForm.parseExtraVars("justaword"));
        assertTrue(e.getMessage().contains("name=value"), e.getMessage());
    }

    @Test
    void groovyValuesAreNormalisedToJsonTypes() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("s", new StringBuilder("gstring"));
        in.put("n", new java.math.BigDecimal("1.5"));
        in.put("arr", new String[] {"x", "y"});
        in.put("nested", Map.of("k", new StringBuilder("v")));
        Map<String, Object> out = StepForm.normalize(in);
        assertEquals("gstring", out.get("s"));
        assertEquals(new java.math.BigDecimal("1.5"), out.get("n"));
        assertEquals(List.of("x", "y"), out.get("arr"));
        assertEquals(Map.of("k", "v"), out.get("nested"));
    }

    @Test
    void secretParametersAreStringMapsAndNameValueLinesInTheForm() {
        java.util.Map<Object, Object> groovy = new java.util.LinkedHashMap<>();
        groovy.put(new StringBuilder("DB_PASSWORD"), new StringBuilder("db-password "));
        groovy.put(" ", "dropped");
        assertEquals(java.util.Map.of("DB_PASSWORD", "db-password"), StepForm.stringMap(groovy));
        assertNull(StepForm.stringMap(java.util.Map.of()));
        assertNull(StepForm.stringMap(null));

        java.util.Map<String, String> parsed = StepForm.parseNameValues("DB_PASSWORD = db-password\n\nAPI_TOKEN=api-token\n");
        assertEquals(java.util.List.of("DB_PASSWORD", "API_TOKEN"), java.util.List.copyOf(parsed.keySet()));
        assertEquals("db-password", parsed.get("DB_PASSWORD"));
        assertEquals("DB_PASSWORD=db-password\nAPI_TOKEN=api-token", StepForm.nameValueLines(parsed));
        assertEquals("", StepForm.nameValueLines(null));
        assertNull(StepForm.parseNameValues(" \n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepForm.parseNameValues("DB_PASSWORD"));
        assertTrue(e.getMessage().contains("'DB_PASSWORD' is not NAME=credentialsId"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StepForm.parseNameValues("DB_PASSWORD="));
    }
}
