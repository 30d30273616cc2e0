/**
 * The words of the Redis protocol (docs/protocol.md), each spelled once: job hash fields, queue entry
 * fields, log entry fields and event names, and the codes scripts answer with. The Lua scripts get the
 * same words as locals ({@link io.deployster.protocol.LuaVocabulary}), so Java and Lua cannot drift apart.
 */
package io.deployster.protocol;
