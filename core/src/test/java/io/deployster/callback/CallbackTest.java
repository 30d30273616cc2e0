package io.deployster.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.deployster.job.CallbackUrls;
import io.deployster.job.InvalidJobException;
import io.deployster.job.JobLimits;
import io.deployster.job.JobSpec;
import io.deployster.job.JobSpecValidator;
import io.deployster.job.JobStatus;
import io.deployster.policy.WorkerPolicy;
import io.deployster.queue.JobQueue;
import io.deployster.queue.QueueSettings;
import io.deployster.redis.Keys;
import io.deployster.redis.Redis;
import io.deployster.sign.JobSigner;
import io.deployster.sign.KeyRing;
import io.deployster.testing.Await;
import io.deployster.testing.CallbackReceiver;
import io.deployster.testing.Deployment;
import io.deployster.testing.RealRedis;
import io.deployster.workflow.WorkflowParser;
import io.deployster.workflow.WorkflowStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Callbacks of jobs and workflows, from real workers on a real Redis to a real local HTTP receiver. */
class CallbackTest {
    @RegisterExtension
    static RealRedis redis = new RealRedis();
    static final KeyRing KEYS = KeyRing.parse("cb:" + Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)), "test");
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private Deployment deployment(boolean allowLoopback) {
        return deployment(allowLoopback, 2);
    }

    private Deployment deployment(boolean allowLoopback, int slots) {
        JobSigner signer = new JobSigner(KEYS, Clock.systemUTC(), Duration.ofHours(1));
        Deployment d = new Deployment(redis.uri(), QueueSettings.DEFAULT, signer);
        WorkerPolicy policy = allowLoopback ? WorkerPolicy.of(Map.of("cd.*", work.toString(), "callbacks.*", "127.0.0.0/8"))
                : WorkerPolicy.of(Map.of("cd.*", work.toString()));
        d.worker("w-cb", slots, signer, policy, "cb");
        return d;
    }

    private JobSpec job(String url, String... commands) {
        return JobSpec.commands("hooks", work.toString(), List.of(commands)).queue("cb").callbackUrl(url).build();
    }

    private static Delivery delivered(Deployment d, String id) {
        Await.until("callback of " + id + " delivered", WAIT, () -> {
            Delivery x = d.client.callback(id);
            return x != null && Delivery.DELIVERED.equals(x.state());
        });
        return d.client.callback(id);
    }

    @Test
    void aJobsResultReachesTheReceiverSignedAndTheDeliveryIsRecorded() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver(0); Deployment d = deployment(true)) {
            String id = d.client.submit(job(receiver.url("/hooks/deploy?from=test"), "echo version=1.4.2 >> \"$DEPLOYSTER_OUTPUT\"", "exit 3"));
            assertEquals(JobStatus.FAILED, d.client.await(id).status());
            CallbackReceiver.Received r = receiver.next(WAIT);
            assertEquals("POST", r.method());
            assertEquals("/hooks/deploy?from=test", r.target(), "origin-form request line, as a receiver routing on the path expects");
            assertEquals("application/json", r.header("Content-Type"));
            assertEquals("127.0.0.1:" + receiver.port(), r.header("Host"));
            CallbackSignature.verify(CallbackSignature.receiverKeys(KEYS), r.header(CallbackSignature.HEADER), r.body(), System.currentTimeMillis(),
                    CallbackSignature.TOLERANCE);
            JsonObject body = JsonParser.parseString(r.text()).getAsJsonObject();
            assertEquals("job", body.get("kind").getAsString());
            assertEquals(id, body.get("id").getAsString());
            assertEquals("hooks", body.get("project").getAsString());
            assertEquals("failed", body.get("status").getAsString());
            assertEquals(3, body.get("exitCode").getAsInt());
            assertEquals("1.4.2", body.getAsJsonObject("outputs").get("version").getAsString());
            assertTrue(body.get("endedAt").getAsLong() >= body.get("startedAt").getAsLong());

            Delivery x = delivered(d, id);
            assertEquals(1, x.attempts());
            assertEquals(200, x.httpStatus());
            assertEquals("cb", x.signedWith());
            assertNotNull(x.deliveredAt());
            // one changed byte and the signature no longer verifies
            byte[] changed = r.text().replace("\"failed\"", "\"succeeded\"").getBytes(StandardCharsets.UTF_8);
            assertThrows(IllegalArgumentException.class, () -> CallbackSignature.verify(CallbackSignature.receiverKeys(KEYS),
                    r.header(CallbackSignature.HEADER), changed,
                    System.currentTimeMillis(), CallbackSignature.TOLERANCE));
            // nor does the same request replayed later
            IllegalArgumentException late = assertThrows(IllegalArgumentException.class, () -> CallbackSignature.verify(
                    CallbackSignature.receiverKeys(KEYS), r.header(CallbackSignature.HEADER), r.body(),
                    System.currentTimeMillis() + Duration.ofMinutes(10).toMillis(), CallbackSignature.TOLERANCE));
            assertTrue(late.getMessage().contains("replay"), late.getMessage());
            // not signed with the job-signing key itself: what a receiver holds cannot sign a job
            assertThrows(IllegalArgumentException.class, () -> CallbackSignature.verify(KEYS, r.header(CallbackSignature.HEADER), r.body(),
                    System.currentTimeMillis(), CallbackSignature.TOLERANCE));
            assertFalse(Arrays.equals(KEYS.signingKey().secret(), CallbackSignature.receiverKey(KEYS.signingKey()).secret()));
        }
    }

    @Test
    void aReceiverDownAtFirstGetsTheCallbackOnARetry() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort(); // free again once closed: nothing listens there until the receiver starts
        }
        try (Deployment d = deployment(true)) {
            String id = d.client.submit(job("http://127.0.0.1:" + port + "/hook", "echo done"));
            assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
            // the attempt is recorded (sending, no error) before its request: wait for its failure
            Await.until("first attempt failed and recorded", WAIT, () -> {
                Delivery x = d.client.callback(id);
                return x != null && x.attempts() >= 1 && x.error() != null;
            });
            Delivery first = d.client.callback(id);
            assertEquals(Delivery.SENDING, first.state(), first.toString());
            assertTrue(first.error().startsWith("cannot connect to 127.0.0.1:" + port), first.error());
            try (CallbackReceiver receiver = new CallbackReceiver(port)) {
                CallbackReceiver.Received r = receiver.next(WAIT);
                assertEquals(id, JsonParser.parseString(r.text()).getAsJsonObject().get("id").getAsString());
                Delivery x = delivered(d, id);
                assertTrue(x.attempts() >= 2, x.toString());
                assertEquals(String.valueOf(x.attempts()), r.header("Deployster-Attempt"));
                assertEquals(0, receiver.waiting(), "delivered once");
            }
        }
    }

    @Test
    void aReceiverThatDoesNotAnswerHoldsNeitherTheWorkersSlotNorTheProjectsNextJob() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver(0, true); Deployment d = deployment(true, 1)) {
            String first = d.client.submit(job(receiver.url("/slow"), "true"));
            assertEquals(JobStatus.SUCCEEDED, d.client.await(first).status());
            receiver.next(WAIT); // its callback arrived and is held unanswered
            // the one slot of the worker and the project's lock are free: the project's next job runs now
            String second = d.client.submit(job(null, "true"));
            assertEquals(JobStatus.SUCCEEDED, d.client.await(second).status());
            Delivery held = d.client.callback(first);
            assertEquals(Delivery.SENDING, held.state(), "status shows the attempt waiting for its answer: " + held);
            assertEquals(1, held.attempts());
            receiver.release();
            assertEquals(Delivery.DELIVERED, delivered(d, first).state());
        }
    }

    @Test
    void aCallbackToAForbiddenAddressIsRefusedWithTheReasonRecorded() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver(0); Deployment d = deployment(false)) {
            String loopback = d.client.submit(job(receiver.url("/hook"), "true"));
            String metadata = d.client.submit(job("http://169.254.169.254/latest/meta-data/", "true"));
            for (String id : List.of(loopback, metadata)) {
                assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
                Await.until("callback of " + id + " decided", WAIT, () -> d.client.callback(id) != null);
            }
            Delivery l = d.client.callback(loopback);
            assertEquals(Delivery.REFUSED, l.state());
            assertEquals(0, l.attempts());
            assertTrue(l.error().contains("resolves to address 127.0.0.1 is in the non-public block 127.0.0.0/8"), l.error());
            assertTrue(l.error().contains("allow it with callbacks.hooks = 127.0.0.0/8 in the worker policy"), l.error());
            Delivery m = d.client.callback(metadata);
            assertEquals(Delivery.REFUSED, m.state());
            assertTrue(m.error().contains("169.254.0.0/16"), m.error());
            assertEquals(0, receiver.waiting(), "nothing was sent");
        }
    }

    @Test
    void aWorkflowsCallbackGivesEachTasksResult() throws Exception {
        try (CallbackReceiver receiver = new CallbackReceiver(0); Deployment d = deployment(true)) {
            String id = d.client.submitWorkflow(new WorkflowParser().parse("""
                    project: hooks
                    callbackUrl: %s
                    defaults: {queue: cb, cd: %s}
                    tasks:
                      build: {commands: ["echo bundle=b.tgz >> $DEPLOYSTER_OUTPUT"]}
                      check: {needs: [build], commands: ["exit 4"]}
                      ship: {needs: [check], commands: ["true"]}
                    """.formatted(receiver.url("/wf"), work)));
            assertEquals(JobStatus.FAILED, d.client.await(id).status());
            CallbackReceiver.Received r = receiver.next(WAIT);
            CallbackSignature.verify(CallbackSignature.receiverKeys(KEYS), r.header(CallbackSignature.HEADER), r.body(), System.currentTimeMillis(),
                    CallbackSignature.TOLERANCE);
            JsonObject body = JsonParser.parseString(r.text()).getAsJsonObject();
            assertEquals("workflow", body.get("kind").getAsString());
            assertEquals(id, body.get("id").getAsString());
            assertEquals("failed", body.get("status").getAsString());
            assertTrue(body.get("reason").getAsString().startsWith("task check failed"), body.toString());
            JsonObject tasks = body.getAsJsonObject("tasks");
            assertEquals(List.of("build", "check", "ship"), List.copyOf(tasks.keySet()));
            assertEquals("succeeded", tasks.getAsJsonObject("build").get("status").getAsString());
            assertEquals("b.tgz", tasks.getAsJsonObject("build").getAsJsonObject("outputs").get("bundle").getAsString());
            assertEquals(4, tasks.getAsJsonObject("check").get("exitCode").getAsInt());
            assertTrue(tasks.getAsJsonObject("check").get("endedAt").getAsLong() >= tasks.getAsJsonObject("check").get("startedAt").getAsLong());
            assertEquals("skipped", tasks.getAsJsonObject("ship").get("status").getAsString());
            assertEquals(1, delivered(d, id).attempts());
        }
    }

    @Test
    void aJobWithoutCallbackUrlSendsNothingAndRecordsNothing() throws Exception {
        try (Deployment d = deployment(true)) {
            String id = d.client.submit(job(null, "true"));
            assertEquals(JobStatus.SUCCEEDED, d.client.await(id).status());
            assertNull(d.client.callback(id));
        }
    }

    @Test
    void addressRulesAllowPublicAddressesAndPolicyBlocksOnly() throws Exception {
        CallbackAddresses none = new CallbackAddresses(null);
        CallbackAddresses office = new CallbackAddresses(WorkerPolicy.of(Map.of("cd.*", "/", "callbacks.shop", "10.20.0.0/16")));
        InetAddress inside = InetAddress.getByName("10.20.3.4");
        InetAddress outside = InetAddress.getByName("10.21.0.1");
        assertNull(none.refusal("shop", InetAddress.getByName("93.184.215.14")));
        assertNotNull(none.refusal("shop", inside));
        assertNull(office.refusal("shop", inside));
        assertNotNull(office.refusal("blog", inside), "the block is shop's only");
        assertNotNull(office.refusal("shop", outside));
        for (String special : List.of("127.0.0.1", "::1", "0.0.0.0", "169.254.169.254", "192.168.1.1", "172.16.0.1", "100.64.0.1",
                "fd00::1", "fe80::1", "224.0.0.1", "::ffff:127.0.0.1")) {
            assertNotNull(none.refusal("shop", InetAddress.getByName(special)), special);
        }
        CallbackRefusedException e = assertThrows(CallbackRefusedException.class,
                () -> CallbackTarget.resolve("http://localhost:8080/x", "shop", none));
        assertTrue(e.getMessage().startsWith("callback to http://localhost:8080/x refused: host 'localhost' resolves to address "),
                e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> WorkerPolicy.of(Map.of("callbacks.*", "10.0.0.0/33")));
        assertEquals("'callbacks.*' in policy: '10.0.0.0/33' is not an address block; use CIDR such as 10.0.0.0/8, 127.0.0.1/32 or fd00::/8",
                bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkerPolicy.of(Map.of("callbacks.*", "intranet.example")));
    }

    @Test
    void aReceiverThatStaysDownIsGivenUpOnWithinThePolicysTime() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        // 3 s to give up in: room for several attempts 50-200 ms apart even on a loaded machine
        RetryPolicy quick = new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofSeconds(2));
        Keys keys = Keys.defaults();
        // no worker: the dispatcher is driven directly, with a policy short enough to give up within the test
        try (Deployment d = new Deployment(redis.uri()); Redis r = Redis.connect(redis.uri());
             CallbackDispatcher dispatcher = new CallbackDispatcher(r, keys, KEYS,
                     new CallbackAddresses(WorkerPolicy.of(Map.of("cd.*", "/", "callbacks.*", "127.0.0.1/32"))), quick, Clock.systemUTC(),
                     new WorkflowStore(r, new JobQueue(r, keys, QueueSettings.DEFAULT,
                             new JobSpecValidator(JobLimits.DEFAULT), Clock.systemUTC()), Clock.systemUTC()))) {
            String id = d.client.submit(job("http://127.0.0.1:" + port + "/never", "true"));
            dispatcher.ended(id);
            Await.until("given up", WAIT, () -> d.client.callback(id) != null && Delivery.FAILED.equals(d.client.callback(id).state()));
            Delivery x = d.client.callback(id);
            assertTrue(x.attempts() >= 2, x.toString());
            assertTrue(x.error().startsWith("cannot connect to 127.0.0.1:" + port), x.error());
            assertTrue(x.summary().startsWith("gave up on http://127.0.0.1:" + port + "/never after "), x.summary());
            assertNull(x.deliveredAt());
        }
    }

    /**
     * A receiver that answers at a trickle, one byte every 200 ms: {@code body} announces a huge body after
     * its status line; otherwise the status line itself never ends.
     */
    private static final class TrickleReceiver implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final AtomicInteger accepted = new AtomicInteger();

        TrickleReceiver(boolean body) throws IOException {
            threads.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        threads.execute(() -> trickle(s, body));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void trickle(Socket s, boolean body) {
            try (s) {
                OutputStream out = s.getOutputStream();
                out.write((body ? "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n" : "H").getBytes(StandardCharsets.US_ASCII));
                while (!server.isClosed()) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException e) {
                // the sender hung up, or the test ended
            }
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getLocalPort() + path;
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }

    private static CallbackDispatcher dispatcher(Redis r, RetryPolicy retry) {
        Keys keys = Keys.defaults();
        return new CallbackDispatcher(r, keys, KEYS, new CallbackAddresses(WorkerPolicy.of(Map.of("cd.*", "/", "callbacks.*", "127.0.0.1/32"))),
                retry, Clock.systemUTC(), new WorkflowStore(r, new JobQueue(r, keys,
                QueueSettings.DEFAULT, new JobSpecValidator(JobLimits.DEFAULT), Clock.systemUTC()),
                Clock.systemUTC()));
    }

    @Test
    void aReceiverTricklingALongBodyAfter200HasTheCallbackDelivered() throws Exception {
        // a minute per attempt: only not reading the answer's body lets this end within the wait
        RetryPolicy patient = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(1));
        try (TrickleReceiver slow = new TrickleReceiver(true); Deployment d = new Deployment(redis.uri());
             Redis r = Redis.connect(redis.uri()); CallbackDispatcher dispatcher = dispatcher(r, patient)) {
            String id = d.client.submit(job(slow.url("/slow-body"), "true"));
            dispatcher.ended(id);
            Delivery x = delivered(d, id);
            assertEquals(200, x.httpStatus());
            assertEquals(1, x.attempts());
        }
    }

    @Test
    void receiversThatNeverFinishAnsweringDelayOtherCallbacksOnlyByTheAttemptLimit() throws Exception {
        RetryPolicy oneSecond = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMinutes(5), Duration.ofSeconds(1));
        try (TrickleReceiver slow = new TrickleReceiver(false); CallbackReceiver good = new CallbackReceiver(0);
             Deployment d = new Deployment(redis.uri()); Redis r = Redis.connect(redis.uri());
             CallbackDispatcher dispatcher = dispatcher(r, oneSecond)) {
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < 3 * CallbackDispatcher.THREADS; i++) {
                String id = d.client.submit(job(slow.url("/stuck-" + i), "true"));
                stuck.add(id);
                dispatcher.ended(id);
            }
            String id = d.client.submit(job(good.url("/fine"), "true"));
            dispatcher.ended(id);
            assertEquals(id, JsonParser.parseString(good.next(WAIT).text()).getAsJsonObject().get("id").getAsString());
            assertEquals(Delivery.DELIVERED, delivered(d, id).state());
            Await.until("a stuck callback's attempt recorded as cut off", WAIT, () -> {
                Delivery x = d.client.callback(stuck.get(0));
                return x != null && x.error() != null;
            });
            Delivery x = d.client.callback(stuck.get(0));
            assertEquals(Delivery.SENDING, x.state(), x.toString());
            assertTrue(x.error().startsWith("no complete answer from 127.0.0.1:"), x.error());
            assertTrue(x.error().endsWith("within 1.0 s (the whole attempt's limit)"), x.error());
        }
    }

    @Test
    void callbackUrlsWithIpv4InOtherThanDottedDecimalAreRefused() throws Exception {
        for (String url : List.of("http://0177.0.0.1:18080/f", "http://127.1/f", "http://2130706433/f", "http://0x7f.0.0.1/f",
                "http://127.0.0.01/f", "http://0x7f000001/f", "http://127.0.0.1.1/f")) {
            String why = CallbackUrls.problem(url);
            assertNotNull(why, url);
            assertTrue(why.contains("write it as four decimal numbers"), why);
            InvalidJobException e = assertThrows(InvalidJobException.class,
                    () -> new JobSpecValidator(JobLimits.DEFAULT).validate(job(url, "true")));
            assertEquals("callbackUrl", e.problems().get(0).field());
            assertEquals(url, e.problems().get(0).value());
        }
        for (String url : List.of("http://127.0.0.1:18080/f", "http://10.0.0.1/f", "http://hooks.example/f", "http://1a.example/f",
                "https://[2001:db8::1]/f", "http://deploy-01.example.com./f")) {
            assertNull(CallbackUrls.problem(url), url);
        }
    }

    @Test
    void callbackUrlsWithAPortOutsideTheTcpRangeAreRefused() throws Exception {
        for (String url : List.of("http://127.0.0.1:99999/a", "http://127.0.0.1:65536/a", "http://127.0.0.1:0/a", "https://hooks.example:00/a")) {
            InvalidJobException e = assertThrows(InvalidJobException.class,
                    () -> new JobSpecValidator(JobLimits.DEFAULT).validate(job(url, "true")));
            assertEquals("callbackUrl", e.problems().get(0).field());
            assertEquals(url, e.problems().get(0).value());
            assertTrue(e.problems().get(0).allowed().contains("a port 1-65535"), e.problems().get(0).allowed());
        }
        for (String url : List.of("http://127.0.0.1:1/a", "http://127.0.0.1:65535/a", "http://127.0.0.1:/a")) {
            assertNull(CallbackUrls.problem(url), url);
        }
    }

    @Test
    void ipv6AddressesEmbeddingANonPublicIpv4AreRefused() throws Exception {
        CallbackAddresses none = new CallbackAddresses(null);
        for (String special : List.of("::127.0.0.1", "::ffff:0:127.0.0.1", "2002:7f00:1::", "2002:c0a8:101::1", "2002:a9fe:a9fe::",
                "2001:0:4136:e378:8000:63bf:3fff:fdd2", "64:ff9b:1::7f00:1", "::10.0.0.1")) {
            assertNotNull(none.refusal("shop", InetAddress.getByName(special)), special);
        }
        String why = none.refusal("shop", InetAddress.getByName("2002:7f00:1::"));
        assertTrue(why.contains("6to4") && why.contains("127.0.0.1") && why.contains("127.0.0.0/8"), why);
        // 6to4 of a public address, and an ordinary public IPv6 address, stay allowed
        assertNull(none.refusal("shop", InetAddress.getByName("2002:5db8:d70e::1")));
        assertNull(none.refusal("shop", InetAddress.getByName("2606:2800:21f:cb07:6820:80da:af6b:8b2c")));
        CallbackRefusedException e = assertThrows(CallbackRefusedException.class,
                () -> CallbackTarget.resolve("http://[::127.0.0.1]:18080/f", "shop", none));
        assertTrue(e.getMessage().contains("non-public block ::/96"), e.getMessage());
        // a policy allowing loopback allows it through 6to4 too
        CallbackAddresses loopback = new CallbackAddresses(WorkerPolicy.of(Map.of("cd.*", "/", "callbacks.*", "127.0.0.0/8")));
        assertNull(loopback.refusal("shop", InetAddress.getByName("2002:7f00:1::")));
    }

    @Test
    void retriesWaitTwiceAsLongEachTimeUpToTheMaximum() {
        RetryPolicy p = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(10));
        assertEquals(List.of(1000L, 2000L, 4000L, 5000L, 5000L),
                List.of(1, 2, 3, 4, 5).stream().map(n -> p.delayAfter(n).toMillis()).toList());
    }

    @Test
    void theRequestGoesToTheCheckedAddressWithoutResolvingTheHostAgain() throws Exception {
        // a name no resolver knows (RFC 2606 .invalid): only the pinned, checked address can be reached
        try (CallbackReceiver receiver = new CallbackReceiver(0);
             CallbackSender sender = new CallbackSender(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1),
                     Duration.ofSeconds(10)))) {
            String url = "http://hooks.deployster.invalid:" + receiver.port() + "/pinned?x=1";
            CallbackTarget target = new CallbackTarget(URI.create(url), InetAddress.getByName("127.0.0.1"), receiver.port());
            CallbackSender.Attempt a = sender.post(target, "{}".getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
            assertEquals(200, a.status(), String.valueOf(a.error()));
            CallbackReceiver.Received r = receiver.next(WAIT);
            assertEquals("/pinned?x=1", r.target());
            assertEquals("hooks.deployster.invalid:" + receiver.port(), r.header("Host"), "Host stays the URL's host");
            assertEquals("{}", r.text());
        }
    }

    @Test
    void aRedirectIsAFailedAttemptAndIsNotFollowed() throws Exception {
        com.sun.net.httpserver.HttpServer redirecting = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        try (CallbackReceiver elsewhere = new CallbackReceiver(0);
             CallbackSender sender = new CallbackSender(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1),
                     Duration.ofSeconds(10)))) {
            redirecting.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Location", elsewhere.url("/moved"));
                exchange.sendResponseHeaders(307, -1);
                exchange.close();
            });
            redirecting.start();
            int port = redirecting.getAddress().getPort();
            CallbackTarget target = new CallbackTarget(URI.create("http://127.0.0.1:" + port + "/hook"),
                    InetAddress.getByName("127.0.0.1"), port);
            CallbackSender.Attempt a = sender.post(target, "{}".getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
            assertEquals(307, a.status());
            assertEquals("HTTP 307 from the receiver", a.error());
            assertEquals(0, elsewhere.waiting(), "the redirect's target got nothing");
        } finally {
            redirecting.stop(0);
        }
    }

    /**
     * A TLS receiver on 127.0.0.1 whose certificate (made by the JDK's keytool) names only
     * {@code hooks.deployster.invalid}; the client trusts that certificate and nothing else.
     */
    private static final class TlsReceiver implements AutoCloseable {
        final com.sun.net.httpserver.HttpsServer server;
        final SSLContext clientTrust;
        final BlockingQueue<String> hosts = new LinkedBlockingQueue<>();

        TlsReceiver(Path dir) throws Exception {
            Path store = dir.resolve("receiver.p12");
            char[] pass = "receiver-pass".toCharArray();
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                    "-alias", "receiver", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=hooks.deployster.invalid",
                    "-ext", "SAN=dns:hooks.deployster.invalid", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", new String(pass), "-keypass", new String(pass)).redirectErrorStream(true).start();
            String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, keytool.waitFor(), "keytool: " + out);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, pass);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            SSLContext serverTls = SSLContext.getInstance("TLS");
            serverTls.init(kmf.getKeyManagers(), null, null);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            clientTrust = SSLContext.getInstance("TLS");
            clientTrust.init(null, tmf.getTrustManagers(), null);
            server = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(serverTls));
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                hosts.add(exchange.getRequestHeaders().getFirst("Host"));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        CallbackTarget target(String host) throws UnknownHostException {
            int port = server.getAddress().getPort();
            return new CallbackTarget(URI.create("https://" + host + ":" + port + "/tls"), java.net.InetAddress.getByName("127.0.0.1"),
                    port);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void anHttpsCallbackReachesThePinnedAddressAndChecksTheCertificateAgainstTheUrlsHost() throws Exception {
        RetryPolicy retry = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(10));
        try (TlsReceiver receiver = new TlsReceiver(work); CallbackSender sender = new CallbackSender(retry, receiver.clientTrust)) {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            // the certificate names the URL's host, not the address connected to: accepted
            CallbackSender.Attempt ok = sender.post(receiver.target("hooks.deployster.invalid"), body, Map.of("Content-Type", "application/json"));
            assertEquals(204, ok.status(), String.valueOf(ok.error()));
            assertEquals("hooks.deployster.invalid:" + receiver.server.getAddress().getPort(), receiver.hosts.poll());
            // same address, same trusted certificate, another host in the URL: refused before anything is sent
            CallbackSender.Attempt wrong = sender.post(receiver.target("other.deployster.invalid"), body,
                    Map.of("Content-Type", "application/json"));
            assertNull(wrong.status(), wrong.toString());
            assertTrue(wrong.error().startsWith("cannot connect to 127.0.0.1:" + receiver.server.getAddress().getPort()), wrong.error());
            assertTrue(wrong.error().contains("other.deployster.invalid"), wrong.error());
            assertEquals(0, receiver.hosts.size(), "nothing reached the receiver");
        }
    }

    @Test
    void anAnswerWithAnEndlessStatusLineIsRefusedWithoutWaitingForTheDeadline() throws Exception {
        try (ServerSocket blaster = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
             CallbackSender sender = new CallbackSender(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1),
                     Duration.ofMinutes(1)))) {
            Thread t = new Thread(() -> {
                try (Socket s = blaster.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                    while (true) {
                        out.write(chunk); // as fast as loopback takes it, until the sender hangs up
                    }
                } catch (IOException e) {
                    // the sender hung up
                }
            });
            t.setDaemon(true);
            t.start();
            int port = blaster.getLocalPort();
            CallbackTarget target = new CallbackTarget(URI.create("http://127.0.0.1:" + port + "/x"),
                    InetAddress.getByName("127.0.0.1"), port);
            CallbackSender.Attempt a = sender.post(target, "{}".getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
            assertNull(a.status(), a.toString());
            // a minute's limit: only the line limit ends this attempt, with a line error instead of the deadline's
            assertTrue(!a.error().contains("the whole attempt's limit"), a.error());
            assertEquals("no usable answer from 127.0.0.1:" + port + " (Maximum line length limit exceeded)", a.error());
        }
    }
}
