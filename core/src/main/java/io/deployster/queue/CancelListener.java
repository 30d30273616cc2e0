package io.deployster.queue;

import io.deployster.redis.Backoff;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import java.util.function.Consumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Hears cancel requests for running jobs as they are made (the {@code cancel} pub/sub channel, docs/
 * protocol.md) and hands each job id on. Reconnects by itself; a request published while it was
 * disconnected is still seen by the next lease renewal, which reads {@code cancelRequested}.
 */
public final class CancelListener implements AutoCloseable {
    private final Redis redis;
    private final Keys keys;
    private final Consumer<String> onCancel;
    private final Thread thread;
    private final JedisPubSub subscriber = new JedisPubSub() {
        @Override
        public void onMessage(String channel, String jobId) {
            onCancel.accept(jobId);
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            if (closed) {
                unsubscribe(); // close() came before the subscription existed, so its unsubscribe found none
            }
        }
    };
    private volatile boolean closed;

    /** @param onCancel called with the id of each job someone asked to cancel, on the listener's thread */
    public CancelListener(Redis redis, Keys keys, Consumer<String> onCancel) {
        this.redis = redis;
        this.keys = keys;
        this.onCancel = onCancel;
        this.thread = new Thread(this::listen, "worker-cancels");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void listen() {
        Backoff backoff = Backoff.standard();
        while (!closed) {
            try (Jedis jedis = redis.borrow()) {
                backoff.reset();
                try {
                    jedis.subscribe(subscriber, keys.cancelChannel());
                } finally {
                    // an unsubscribe that overtook the subscribe leaves the subscribe's reply unread: a
                    // connection given back to the pool like that would hand it to the next command
                    jedis.getConnection().setBroken();
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                try {
                    backoff.pause();
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            subscriber.unsubscribe();
        } catch (RuntimeException e) {
            // not subscribed (yet, or any more)
        }
    }
}
