package io.deployster.jenkins.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.misc.Util;
import io.jenkins.plugins.casc.misc.junit.jupiter.WithJenkinsConfiguredWithCode;
import io.jenkins.plugins.casc.model.CNode;
import org.junit.jupiter.api.Test;

@WithJenkinsConfiguredWithCode
class ConfigurationAsCodeTest {
    @Test
    @ConfiguredWithCode("configuration-as-code.yml")
    void importsAndExportsTheUnclassifiedDeploysterSection(JenkinsConfiguredWithCodeRule j) throws Exception {
        DeploysterGlobalConfiguration config = DeploysterGlobalConfiguration.get();
        assertEquals("redis://redis.internal:6379", config.getRedisUri());
        assertEquals("deployster-redis", config.getRedisCredentialsId());
        assertEquals("deployster-signing", config.getSigningKeyCredentialsId());
        assertEquals("vps-1", config.getDefaultQueue());
        assertEquals(45, config.getLockTtlSeconds());
        assertEquals(1800, config.getDefaultTimeoutSeconds());
        assertEquals(14, config.getLogRetentionDays());

        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        CNode node = Util.getUnclassifiedRoot(context).get("deployster");
        String exported = Util.toYamlString(node);
        assertExported(exported, "redisUri", "redis://redis.internal:6379");
        assertExported(exported, "redisCredentialsId", "deployster-redis");
        assertExported(exported, "signingKeyCredentialsId", "deployster-signing");
        assertExported(exported, "defaultQueue", "vps-1");
        assertExported(exported, "lockTtlSeconds", "45");
        assertExported(exported, "defaultTimeoutSeconds", "1800");
        assertExported(exported, "logRetentionDays", "14");
    }

    private static void assertExported(String yaml, String key, String value) {
        assertTrue(yaml.matches("(?s).*\\b" + key + ": \"?" + java.util.regex.Pattern.quote(value) + "\"?\\s.*"),
                key + ": " + value + " not in\n" + yaml);
    }
}
