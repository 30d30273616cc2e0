package io.deployster.jenkins.form;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
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

    /**
     * Issue 12: a step-config round trip turned an Integer into a Long. Numbers read from the form take
     * the type the Snippet Generator writes back (Integer, Long, Double), BigInteger/BigDecimal only for
     * what those cannot hold exactly.
     */
    @Test
    void numbersFromTheFormKeepExactTypes() {
        Map<String, Object> back = StepForm.parseExtraVars(
                "{\"a\": 1, \"b\": [1, 2], \"big\": 5000000000, \"r\": 1.5, \"pi\": 3.14159265358979323846, \"huge\": 99999999999999999999}");
        assertEquals(Integer.valueOf(1), back.get("a"));
        assertEquals(List.of(1, 2), back.get("b"));
        assertEquals(Long.valueOf(5_000_000_000L), back.get("big"));
        assertEquals(Double.valueOf(1.5), back.get("r"));
        assertEquals(new BigDecimal("3.14159265358979323846"), back.get("pi"));
        assertEquals(new BigInteger("99999999999999999999"), back.get("huge"));
    }

    /** The step's stored values survive the form: what normalize keeps is what the form reads back, type included. */
    @Test
    void extraVarsRoundTripThroughTheFormKeepingTypes() {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("release", "v1");
        vars.put("replicas", 3);
        vars.put("bytes", 5_000_000_000L);
        vars.put("ratio", 1.5d);
        vars.put("canary", true);
        vars.put("nothing", null);
        vars.put("hosts", List.of("a", "b"));
        vars.put("limits", Map.of("cpu", 2));
        Map<String, Object> stored = StepForm.normalize(vars);
        assertEquals(vars, stored);
        Map<String, Object> back = StepForm.parseExtraVars(StepForm.extraVarsText(stored));
        assertEquals(stored, back);
        assertEquals(Integer.class, back.get("replicas").getClass());
        assertEquals(Double.class, back.get("ratio").getClass());
        assertEquals("", StepForm.extraVarsText(null));
    }

    /** A Jenkinsfile's literals (BigDecimal 1.5, a Long 1) are stored as the form would read them back. */
    @Test
    void groovyNumbersAreStoredAsTheFormReadsThem() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("decimal", new BigDecimal("1.5"));
        in.put("smallLong", 1L);
        in.put("float", 0.1f);
        in.put("precise", new BigDecimal("3.14159265358979323846"));
        Map<String, Object> out = StepForm.normalize(in);
        assertEquals(Double.valueOf(1.5), out.get("decimal"));
        assertEquals(Integer.valueOf(1), out.get("smallLong"));
        assertEquals(Double.valueOf(0.1), out.get("float"));
        assertEquals(new BigDecimal("3.14159265358979323846"), out.get("precise"));
        assertEquals(out, StepForm.parseExtraVars(StepForm.extraVarsText(out)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepForm.normalize(Map.of("x", Double.NaN)));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
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
        in.put("n", 7);
        in.put("arr", new String[] {"x", "y"});
        in.put("nested", Map.of("k", new StringBuilder("v")));
        Map<String, Object> out = StepForm.normalize(in);
        assertEquals("gstring", out.get("s"));
        assertEquals(7, out.get("n"));
        assertEquals(List.of("x", "y"), out.get("arr"));
        assertEquals(Map.of("k", "v"), out.get("nested"));
    }

    @Test
    void secretParametersAreStringMapsAndNameValueLinesInTheForm() {
        Map<Object, Object> groovy = new LinkedHashMap<>();
        groovy.put(new StringBuilder("DB_PASSWORD"), new StringBuilder("db-password "));
        groovy.put(" ", "dropped");
        assertEquals(Map.of("DB_PASSWORD", "db-password"), StepForm.stringMap(groovy));
        assertNull(StepForm.stringMap(Map.of()));
        assertNull(StepForm.stringMap(null));

        Map<String, String> parsed = StepForm.parseNameValues("DB_PASSWORD = db-password\n\nAPI_TOKEN=api-token\n");
        assertEquals(List.of("DB_PASSWORD", "API_TOKEN"), List.copyOf(parsed.keySet()));
        assertEquals("db-password", parsed.get("DB_PASSWORD"));
        assertEquals("DB_PASSWORD=db-password\nAPI_TOKEN=api-token", StepForm.nameValueLines(parsed));
        assertEquals("", StepForm.nameValueLines(null));
        assertNull(StepForm.parseNameValues(" \n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepForm.parseNameValues("DB_PASSWORD"));
        assertTrue(e.getMessage().contains("'DB_PASSWORD' is not NAME=credentialsId"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StepForm.parseNameValues("DB_PASSWORD="));
    }

    /** Issue 12, fault 7: the Snippet Generator shows an IllegalArgumentException's message; it names field, line and what is accepted. */
    @Test
    void badTextAreasNameTheFieldTheLineAndWhatIsAccepted() {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("project", "recipes");
        form.put("extraVars", "release=v1\njustaword");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepForm.textAreas(form));
        assertEquals("extraVars: extra vars line 'justaword' has no name=value; write one name=value per line or a JSON object",
                e.getMessage());

        form.put("extraVars", "{\"replicas\": ");
        e = assertThrows(IllegalArgumentException.class, () -> StepForm.textAreas(form));
        assertTrue(e.getMessage().startsWith("extraVars: extra vars are not valid JSON ("), e.getMessage());

        form.put("extraVars", "");
        form.put("secretEnv", "DB_PASSWORD");
        e = assertThrows(IllegalArgumentException.class, () -> StepForm.textAreas(form));
        assertEquals("secretEnv: 'DB_PASSWORD' is not NAME=credentialsId (one per line, e.g. DB_PASSWORD=db-password)", e.getMessage());
    }

    @Test
    void textAreasBecomeTheListAndMapParameters() {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("commands", "yarn build\n\nsupervisorctl restart shop\n");
        form.put("env", "NODE_ENV=production");
        form.put("extraVars", "{\"replicas\": 2}");
        form.put("secretEnv", "DB_PASSWORD=db-password");
        form.put("secretExtraVars", " ");
        StepForm.TextAreas areas = StepForm.textAreas(form);
        assertEquals(List.of("yarn build", "supervisorctl restart shop"), areas.commands());
        assertEquals(List.of("NODE_ENV=production"), areas.env());
        assertEquals(Map.of("replicas", 2), areas.extraVars());
        assertEquals(Map.of("DB_PASSWORD", "db-password"), areas.secretEnv());
        assertNull(areas.secretExtraVars());
        assertEquals(new StepForm.TextAreas(null, null, null, null, null), StepForm.textAreas(Map.of("project", "shop")));
        assertEquals("timeout: not a number", StepForm.fieldProblem("timeout", "not a number"));
    }
}
