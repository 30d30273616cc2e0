package io.deployster.jenkins.credentials;

import io.deployster.jenkins.plan.DeployPlanner;
import io.deployster.jenkins.plan.DeployRequest;
import io.deployster.jenkins.plan.GlobalSettings;
import io.deployster.jenkins.plan.InvalidStepException;
import io.deployster.jenkins.plan.StepParameters;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.secret.Secrets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretCredentialsTest {
    private static final GlobalSettings SIGNED = new GlobalSettings("redis://r:6379", "deploy", 30, 0, 7, "signing");
    private static final String BY = "Jenkins build shop #7";

    private static DeployRequest commands(Map<String, ?> secretEnv) {
        return DeployPlanner.plan(new StepParameters().project("shop").cd("/srv/shop").commands(List.of("make deploy"))
                .secretEnv(secretEnv), SIGNED, BY);
    }

    @Test
    void eachCredentialIsLookedUpOnceAndBecomesTheSecretsOfTheJob() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DB_PASSWORD", "db");
        env.put("DB_PASSWORD_COPY", "db");
        List<String> lookedUp = new ArrayList<>();
        Secrets secrets = SecretCredentials.resolve(commands(env), id -> {
            lookedUp.add(id);
            return "s3cret-" + id;
        });
        assertEquals(List.of("db"), lookedUp);
        assertEquals(Map.of("DB_PASSWORD", "s3cret-db", "DB_PASSWORD_COPY", "s3cret-db"), secrets.env());
        assertTrue(secrets.extraVars().isEmpty());

        DeployRequest ansible = DeployPlanner.plan(new StepParameters().project("shop").playbook("deploy.yml")
                .secretExtraVars(Map.of("db_password", "db")), SIGNED, BY);
        assertEquals(Map.of("db_password", "s3cret-db"), SecretCredentials.resolve(ansible, id -> "s3cret-" + id).extraVars());
    }

    @Test
    void noSecretsLooksUpNothing() throws Exception {
        assertTrue(SecretCredentials.resolve(commands(null), id -> {
            throw new AssertionError("looked up " + id);
        }).isEmpty());
        assertTrue(SecretCredentials.resolve(commands(Map.of()), id -> null).isEmpty());
    }

    @Test
    void missingAndUnusableCredentialsAreAllNamedWithoutTheirValues() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DB_PASSWORD", "no-such-credential");
        env.put("PIN", "short");
        env.put("NUL", "nul");
        Map<String, String> values = Map.of("short", "123", "nul", "a\0bcd");
        InvalidStepException e = assertThrows(InvalidStepException.class, () -> SecretCredentials.resolve(commands(env), values::get));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("field 'secretEnv.DB_PASSWORD': value 'no-such-credential' is not allowed; "
                + "no Secret text credential with this id is available to this build"), e.getMessage());
        assertTrue(e.getMessage().contains("field 'secretEnv.PIN': value 'short' is not allowed; the credential's value is shorter than 4"),
                e.getMessage());
        assertTrue(e.getMessage().contains("field 'secretEnv.NUL'"), e.getMessage());
        assertFalse(e.getMessage().contains("123"), e.getMessage());
    }

    @Test
    void theResumeMaskerSkipsCredentialsThatAreGoneOrFailing() {
        SecretCredentials.Lookup lookup = id -> switch (id) {
            case "ok" -> "s3cret-value";
            case "broken" -> throw new IOException("store offline");
            default -> null;
        };
        assertEquals("x **** y", SecretCredentials.masker(List.of("gone", "broken", "ok"), lookup).mask("x s3cret-value y"));
    }
}
