package io.deployster.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.RealRedis;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.deployster.redis.RedisCommandException;

/** The protocol's words as Lua sees them, in a real redis-server. */
class LuaVocabularyTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();

    private static Object eval(String body) {
        return redis.client().call(j -> j.eval(LuaVocabulary.preamble("workers") + body, List.of(), List.of()));
    }

    @Test
    void luaGetsTheSameWordsAsJava() {
        assertEquals(List.of("cancelRequested", "command-ended", "e", "job", "timed_out", "wrong_project", "3", "workers"),
                eval("return {FIELD_CANCEL_REQUESTED, EVENT_COMMAND_ENDED, LOG_EVENT, ENTRY_JOB, STATUS_TIMED_OUT, "
                        + "REPLY_WRONG_PROJECT, PROTOCOL_VERSION, GROUP}"));
    }

    @Test
    void aMisspeltWordFailsTheScriptInsteadOfWritingAFieldNobodyReads() {
        RedisCommandException e = assertThrows(RedisCommandException.class, () -> eval("return FIELD_STAUTS"));
        assertTrue(e.getMessage().contains("FIELD_STAUTS"), e.getMessage());
    }
}
