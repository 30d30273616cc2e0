package io.deployster.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.jenkins.credentials.RedisAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A password typed into a Redis URI without percent-encoding never shows in the message that refuses the URI. */
class RedisUriRedactionTest {
    @Test
    void aPasswordHoldingSlashOrAtIsNotPrintedWhenTheUriIsRefused() {
        // openssl rand -base64 gives passwords with '/' and '+'; '@' and '#' are typed too
        for (String uri : List.of("redis://bob:Sup3r/S3cretPw@127.0.0.1:6379", "redis://:Sup3r/S3cretPw@127.0.0.1:6379",
                "redis://bob:Sup3r@S3cretPw@127.0.0.1:6379", "redis://bob:Sup3r#S3cretPw@127.0.0.1:6379",
                "rediss-sentinel://bob:Sup3r/S3cretPw@s1,s2/mymaster", "redis://bob:Sup3r/S3cretPw@127.0.0.1:notaport")) {
            String message = assertThrows(IllegalArgumentException.class, () -> RedisUri.parse(uri)).getMessage();
            assertFalse(message.contains("Sup3r") || message.contains("S3cretPw"), message);
            assertTrue(message.contains("****"), message);
            String jenkins = RedisAddress.redact(uri);
            assertFalse(jenkins.contains("Sup3r") || jenkins.contains("S3cretPw"), jenkins);
        }
        assertEquals("redis://bob:****@127.0.0.1:6379/0", RedisUri.parse("redis://bob:s3cret@127.0.0.1:6379/0").toString());
        assertEquals("redis://127.0.0.1:6379", RedisUri.redact("redis://127.0.0.1:6379"));
        assertEquals("redis://deployer@127.0.0.1:6379", RedisUri.redact("redis://deployer@127.0.0.1:6379"));
    }
}
