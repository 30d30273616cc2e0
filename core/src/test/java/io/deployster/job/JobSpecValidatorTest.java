package io.deployster.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSpecValidatorTest {
    private final JobSpecValidator validator = new JobSpecValidator(JobLimits.DEFAULT);

    private List<String> problems(JobSpec spec) {
        InvalidJobException e = assertThrows(InvalidJobException.class, () -> validator.validate(spec));
        return e.problems().stream().map(Problem::toString).toList();
    }

    private static JobSpec.Builder valid() {
        return JobSpec.commands("shop", "/srv/shop", List.of("make deploy"));
    }

    @Test
    void acceptsBothModes() {
        assertDoesNotThrow(() -> validator.validate(valid().queue("vps-1").env(Map.of("A_1", "x")).timeoutSeconds(60).build()));
        assertDoesNotThrow(() -> validator.validate(JobSpec.ansible("shop", "deploy.yml").inventory("inv/prod").limit("web")
                .extraVars(Map.of("list", List.of(1, 2))).check(true).diff(true).verbosity(2).cwd("/srv/deploy").build()));
    }

    @Test
    void namesTheMissingRequiredFields() {
        assertEquals(List.of("field 'mode' is missing; use 'commands' or 'ansible'",
                "field 'project' is missing; use 1 to 100 characters from A-Z a-z 0-9 . _ -"), problems(new JobSpec.Builder().build()));
        assertEquals(List.of("field 'cd' is missing; give the absolute directory on the deploy host to run the commands in",
                "field 'commands' is missing; give at least one command to run in 'cd'"),
                problems(new JobSpec.Builder().mode(Mode.COMMANDS).project("shop").build()));
        assertEquals(List.of("field 'playbook' is missing; give the playbook file to run"),
                problems(new JobSpec.Builder().mode(Mode.ANSIBLE).project("shop").build()));
    }

    @Test
    void rejectsAnUnknownMode() {
        JobSpec spec = JobCodec.parseSpec("{\"mode\":\"rsync\",\"project\":\"shop\"}");
        assertEquals(List.of("field 'mode': value 'rsync' is not allowed; use 'commands' or 'ansible'"), problems(spec));
    }

    @Test
    void rejectsNamesOutsideTheAllowedCharacters() {
        assertEquals(List.of("field 'project': value 'my shop' is not allowed; use 1 to 100 characters from A-Z a-z 0-9 . _ -"),
                problems(valid().project("my shop").build()));
        assertEquals(List.of("field 'queue': value 'q/1' is not allowed; use 1 to 100 characters from A-Z a-z 0-9 . _ -"),
                problems(valid().queue("q/1").build()));
        assertTrue(problems(valid().project("p".repeat(101)).build()).get(0).startsWith("field 'project': value 'ppp"));
    }

    @Test
    void rejectsEmptyCommandsBadEnvAndRelativeDirectories() {
        assertEquals(List.of("field 'commands[1]': value ' ' is not allowed; a command must not be empty"),
                problems(valid().commands(List.of("ok", " ")).build()));
        assertEquals(List.of("field 'env': value '1BAD' is not allowed; variable names are a letter or _ followed by letters, digits or _"),
                problems(valid().env(Map.of("1BAD", "x")).build()));
        assertEquals(List.of("field 'cd': value 'srv/shop' is not allowed; use an absolute path (starting with /)"),
                problems(valid().cd("srv/shop").build()));
    }

    @Test
    void rejectsFieldsOfTheOtherMode() {
        assertEquals(List.of("field 'playbook': value 'x.yml' is not allowed; 'playbook' is not used in mode 'commands'; remove it"),
                problems(valid().playbook("x.yml").build()));
    }

    @Test
    void rejectsEveryAnsibleOnlyFieldInACommandsJob() {
        assertEquals(List.of("field 'check': value 'true' is not allowed; 'check' is not used in mode 'commands'; remove it",
                        "field 'diff': value 'false' is not allowed; 'diff' is not used in mode 'commands'; remove it",
                        "field 'verbosity': value '2' is not allowed; 'verbosity' is not used in mode 'commands'; remove it"),
                problems(valid().check(true).diff(false).verbosity(2).build()));
        assertEquals(List.of("field 'verbosity': value '9' is not allowed; use 0 to 4 (the number of -v flags)",
                        "field 'verbosity': value '9' is not allowed; 'verbosity' is not used in mode 'commands'; remove it"),
                problems(JobCodec.parseSpec("{\"mode\":\"commands\",\"project\":\"p1\",\"cd\":\"/tmp\",\"commands\":[\"true\"],\"verbosity\":9}")));
    }

    // Values passed as an environment variable or an argument: a NUL would silently cut them short.
    @Test
    void rejectsControlCharactersInValuesThatBecomeEnvironmentOrArguments() {
        JobSpec nulInRef = JobCodec.parseSpec("{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"ref\":\"a\\u0000b\",\"commands\":[\"true\"]}");
        assertEquals(List.of("field 'ref': value 'a\0b' is not allowed; use one line of text without control characters (found U+0000 at character 2)"),
                problems(nulInRef));
        assertEquals(List.of("field 'commit': value 'abc\n' is not allowed; use one line of text without control characters (found U+000A at character 4)"),
                problems(valid().commit("abc\n").build()));
        assertEquals(List.of("field 'submittedBy': value '\u001b[31mci' is not allowed; use one line of text without control characters "
                + "(found U+001B at character 1)"), problems(valid().submittedBy("\u001b[31mci").build()));
        assertEquals(List.of("field 'commands[0]': value 'true\0; rm -rf x' is not allowed; a command cannot hold NUL (found at character 5)"),
                problems(valid().commands(List.of("true\0; rm -rf x")).build()));
        assertEquals(List.of("field 'limit': value 'web\0db' is not allowed; use one line of text without control characters (found U+0000 at character 4)",
                        "field 'tags': value 'a\tb' is not allowed; use one line of text without control characters (found U+0009 at character 2)"),
                problems(JobSpec.ansible("shop", "d.yml").limit("web\0db").tags("a\tb").build()));
        assertEquals(List.of("field 'env.A': value 'x\0y' is not allowed; a .env value cannot hold NUL"),
                problems(valid().env(Map.of("A", "x\0y")).build()));
        assertDoesNotThrow(() -> validator.validate(valid().ref("refs/tags/v1.2.0-ünïcode").commit("9f2c").submittedBy("https://ci/job/1/")
                .commands(List.of("echo a\necho b\tc")).env(Map.of("A", "two\nlines")).build()));
    }

    @Test
    void rejectsOutOfRangeNumbers() {
        assertEquals(List.of("field 'timeoutSeconds': value '0' is not allowed; use 1 to 604800 seconds, or leave it out for no timeout"),
                problems(valid().timeoutSeconds(0).build()));
        assertEquals(List.of("field 'verbosity': value '9' is not allowed; use 0 to 4 (the number of -v flags)"),
                problems(JobSpec.ansible("shop", "d.yml").verbosity(9).build()));
    }

    @Test
    void rejectsOversizedPayloads() {
        List<String> many = Collections.nCopies(400, "x".repeat(1000));
        List<String> found = problems(valid().commands(many).build());
        assertTrue(found.get(0).matches("field 'spec': value '\\d+ bytes' is not allowed; a job spec may be at most 262144 bytes of JSON"), found.get(0));
        assertEquals(List.of("field 'commands': value '501 commands' is not allowed; a job may have at most 500 commands"),
                problems(valid().commands(Collections.nCopies(501, "true")).build()));
    }

    @Test
    void specJsonRoundTripsAndKeepsIntegerExtraVars() {
        JobSpec spec = JobSpec.ansible("shop", "d.yml").extraVars(Map.of("n", 3, "l", List.of("a"))).build();
        String json = JobCodec.specJson(spec);
        assertEquals(json, JobCodec.specJson(JobCodec.parseSpec(json)));
        assertTrue(JobCodec.toJson(JobCodec.parseSpec(json).extraVars()).contains("\"n\":3"), json);
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsPath() {
        for (String[] c : new String[][] {
                {"{\"project\":\"a\",\"project\":\"b\"}", "project"},
                {"{\"env\":{\"A\":\"1\",\"B\":\"2\",\"A\":\"3\"}}", "env.A"},
                {"{\"extraVars\":{\"l\":[1,{\"k\":1,\"k\":2}]}}", "extraVars.l[1].k"}}) {
            InvalidJobException e = assertThrows(InvalidJobException.class, () -> JobCodec.parseSpec(c[0]), c[0]);
            assertTrue(e.problems().get(0).allowed().contains("key '" + c[1] + "' is given twice"), e.problems().get(0).allowed());
            assertEquals(c[1], JsonKeys.duplicate(c[0]));
        }
        assertEquals(null, JsonKeys.duplicate("{\"a\":{\"k\":1},\"b\":{\"k\":1},\"l\":[{\"k\":1},{\"k\":2}]}"));
    }

    @Test
    void aValueOfTheWrongTypeOrRangeIsNamedByItsFieldWithWhatTheFieldTakes() {
        for (String[] c : new String[][] {
                {"{\"commands\":[\"echo hi\"],\"env\":{\"A\":1}}", "env.A", "1", "text, not a number"},
                {"{\"commands\":\"echo hi\"}", "commands", "\"echo hi\"", "a list of text, not text"},
                {"{\"commands\":[\"true\",{\"run\":\"x\"}]}", "commands[1]", "{\"run\":\"x\"}", "text, not an object"},
                {"{\"env\":[\"A=1\"]}", "env", "[\"A=1\"]", "an object of names to text, not a list"},
                {"{\"secretEnv\":{\"K\":true}}", "secretEnv.K", "true", "text, not true or false"},
                {"{\"extraVars\":\"release=v7\"}", "extraVars", "\"release=v7\"", "an object of Ansible variables, not text"},
                {"{\"timeoutSeconds\":1.5}", "timeoutSeconds", "1.5", "a whole number; use 1 to 604800 seconds, or leave it out for no timeout"},
                {"{\"timeoutSeconds\":99999999999}", "timeoutSeconds", "99999999999",
                        "a whole number; use 1 to 604800 seconds, or leave it out for no timeout"},
                {"{\"verbosity\":\"2\"}", "verbosity", "\"2\"", "a whole number; use 0 to 4 (the number of -v flags), not text"},
                {"{\"check\":\"yes\"}", "check", "\"yes\"", "true or false, not text"}}) {
            InvalidJobException e = assertThrows(InvalidJobException.class, () -> JobCodec.parseSpec(c[0]), c[0]);
            assertEquals(List.of(new Problem(c[1], c[2], c[3])), e.problems(), c[0]);
            assertFalse(e.getMessage().contains("BEGIN_") || e.getMessage().contains("2147483647"), e.getMessage());
        }
    }

    @Test
    void malformedJsonIsDescribedWithoutTheLibrarysAdvice() {
        for (String[] c : new String[][] {
                {"{\"commands\":[\"true\"]} x", "not valid JSON at line 1, column "},
                {"{\"commands\":[\"true\"]", "not valid JSON at line 1, column 21: the text ends before the JSON does"},
                {"{\n\"cd\": }", "not valid JSON at line 2, column 7: a value is missing"}}) {
            String allowed = assertThrows(InvalidJobException.class, () -> JobCodec.parseSpec(c[0])).problems().get(0).allowed();
            assertTrue(allowed.contains(c[1]), allowed);
            assertTrue(!allowed.contains("setStrictness") && !allowed.contains("http") && !allowed.contains("Exception"), allowed);
        }
    }
}
