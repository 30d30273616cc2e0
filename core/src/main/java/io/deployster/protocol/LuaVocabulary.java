package io.deployster.protocol;

import io.deployster.job.JobStatus;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The protocol's words as Lua locals, put in front of every script (with the key functions of
 * {@code Keys}): {@code FIELD_STATUS = 'status'}, {@code EVENT_STARTED = 'started'},
 * {@code STATUS_QUEUED = 'queued'}, and so on. Built from the Java constants by reflection, so a word
 * added in Java is in Lua too, and a misspelt local fails the script (Redis refuses reads of undefined
 * globals) instead of writing a field nobody reads.
 */
public final class LuaVocabulary {
    private LuaVocabulary() {
    }

    /** @param group the queues' consumer group, as the local {@code GROUP} */
    public static String preamble(String group) {
        StringBuilder lua = new StringBuilder();
        constants(lua, "FIELD_", JobField.class);
        constants(lua, "ENTRY_", EntryField.class);
        constants(lua, "LOG_", LogField.class);
        constants(lua, "EVENT_", Event.class);
        for (JobStatus status : JobStatus.values()) {
            local(lua, "STATUS_" + status.name(), status.wireName());
        }
        for (Reply.Code code : Reply.Code.values()) {
            local(lua, "REPLY_" + code.name(), code.wireName());
        }
        local(lua, "PROTOCOL_VERSION", Integer.toString(ProtocolVersion.CURRENT));
        local(lua, "GROUP", group);
        return lua.toString();
    }

    private static void constants(StringBuilder lua, String prefix, Class<?> holder) {
        Field[] fields = holder.getDeclaredFields();
        // sorted, so the script text (and its SHA) is the same on every JVM
        Arrays.sort(fields, Comparator.comparing(Field::getName));
        for (Field f : fields) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                try {
                    local(lua, prefix + f.getName(), (String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static void local(StringBuilder lua, String name, String value) {
        if (!value.matches("[A-Za-z0-9:._-]*")) {
            throw new IllegalStateException("protocol word " + name + " = '" + value + "' needs quoting in Lua");
        }
        lua.append("local ").append(name).append(" = '").append(value).append("'\n");
    }
}
