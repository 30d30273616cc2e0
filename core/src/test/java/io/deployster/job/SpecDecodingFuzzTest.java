package io.deployster.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.run.AnsibleCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Whatever text arrives as a spec, decoding and validation end in a spec or in an InvalidJobException naming a field. */
public class SpecDecodingFuzzTest {
    private static final JobSpecValidator VALIDATOR = new JobSpecValidator(JobLimits.DEFAULT);
    static final String VALID = "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv/shop\",\"commands\":[\"echo a\",\"echo b\"],"
            + "\"env\":{\"A\":\"1\",\"B\":\"two\"},\"timeoutSeconds\":60,\"queue\":\"deploy\"}";

    /** Malformed specs of every kind a producer or a writer to Redis can make; each must be refused. */
    public static List<String> corpus() {
        List<String> c = new ArrayList<>(List.of(
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\",null]}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"],\"env\":{\"A\":null}}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"],\"secretEnv\":{\"A\":null}}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":null}",
                "{\"mode\":null,\"project\":null}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[[\"echo\"]]}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":\"echo a\"}",
                "{\"mode\":\"commands\",\"project\":{\"x\":1},\"cd\":\"/srv\",\"commands\":[\"echo a\"]}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"],\"env\":[\"A=1\"]}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"],\"timeoutSeconds\":1e20}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"],\"timeoutSeconds\":1.5}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"],\"timeoutSeconds\":99999999999999999999999}",
                "{\"mode\":\"commands\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"],\"timeoutSeconds\":\"soon\"}",
                "{\"mode\":\"ansible\",\"project\":\"shop\",\"playbook\":\"p.yml\",\"verbosity\":-1e400}",
                "{\"mode\":\"ansible\",\"project\":\"shop\",\"playbook\":\"p.yml\",\"check\":\"yes\"}",
                "{\"mode\":\"ansible\",\"project\":\"shop\",\"playbook\":\"p.yml\",\"extraVars\":{\"a\":1,\"a\":2}}",
                "{\"mode\":\"ansible\",\"project\":\"shop\",\"playbook\":\"p.yml\",\"extraVars\":[1,2]}",
                "{\"mode\":\"ansible\",\"project\":\"shop\",\"playbook\":\"p.yml\",\"extraVars\":{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}}",
                "{\"mode\":\"ansible\",\"project\":\"shop\",\"playbook\":\"p.yml\",\"extraVars\":{\"x\":" + "[".repeat(100000) + "}}",
                "{\"mode\":\"commands\",\"mode\":\"ansible\",\"project\":\"shop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"]}",
                "{\"mode\":\"commands\",\"project\":\"sh\uFFFDop\",\"cd\":\"/srv\",\"commands\":[\"echo a\"]}",
                new String(new byte[] {'{', '"', 'm', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'}, StandardCharsets.UTF_8),
                "[]", "42", "\"x\"", "null", "", "   ", "{", "}", "{\"mode\":[1]}", "{\"mode\":\"commands\"}", "\u0000"));
        return c;
    }

    private static void decodeAndValidate(String json) {
        JobSpec spec = JobCodec.parseSpec(json);
        VALIDATOR.validate(spec, json);
    }

    @Test
    void everyMalformedSpecIsRefusedNamingAField() {
        for (String json : corpus()) {
            try {
                decodeAndValidate(json);
                throw new AssertionError("accepted: " + json.substring(0, Math.min(json.length(), 200)));
            } catch (InvalidJobException e) {
                assertTrue(e.problems().stream().allMatch(p -> p.field() != null && !p.field().isEmpty()), e.getMessage());
            }
        }
        InvalidJobException nullCommand = org.junit.jupiter.api.Assertions.assertThrows(InvalidJobException.class,
                () -> decodeAndValidate(corpus().get(0)));
        assertTrue(nullCommand.getMessage().contains("field 'commands[1]'"), nullCommand.getMessage());
        InvalidJobException nullEnv = org.junit.jupiter.api.Assertions.assertThrows(InvalidJobException.class,
                () -> decodeAndValidate(corpus().get(1)));
        assertTrue(nullEnv.getMessage().contains("field 'env.A'"), nullEnv.getMessage());
    }

    @Test
    void randomMutationsOfAValidSpecEndInASpecOrANamedProblem() {
        Random random = new Random(11);
        String alphabet = "{}[]\":,null01-.e\\ \u00e9\uFFFD";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(VALID);
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(s.length());
                switch (random.nextInt(3)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            try {
                decodeAndValidate(s.toString());
            } catch (InvalidJobException e) {
                assertTrue(!e.problems().isEmpty(), s.toString());
            }
        }
    }

    @Test
    void extraVarsKeepNullsNestingAndNumbersExactly() {
        String vars = "{\"d\":{\"k\":\"v\",\"nested\":{\"x\":null}},\"nul\":null,\"big\":123456789012345678901234567890,"
                + "\"n\":-42,\"f\":0.1,\"t\":true,\"l\":[1,null,\"s\"]}";
        JobSpec spec = JobCodec.parseSpec("{\"mode\":\"ansible\",\"project\":\"p\",\"playbook\":\"x.yml\",\"extraVars\":" + vars + "}");
        assertTrue(JobCodec.specJson(spec).contains("\"extraVars\":" + vars), JobCodec.specJson(spec));
        // text goes inside Ansible's unsafe marker, numbers and the rest as they were
        assertEquals("--extra-vars={\"d\":{\"__ansible_unsafe\":{\"k\":\"v\",\"nested\":{\"x\":null}}},\"nul\":null,"
                + "\"big\":123456789012345678901234567890,\"n\":-42,\"f\":0.1,\"t\":true,\"l\":{\"__ansible_unsafe\":[1,null,\"s\"]}}",
                AnsibleCommand.argv(spec).get(1));
        assertTrue(!JobCodec.specJson(spec).contains("\"cd\""), "absent fields stay absent");
    }
}
