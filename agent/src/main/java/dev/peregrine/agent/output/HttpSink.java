package dev.peregrine.agent.output;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.ProtocolJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Falco's {@code http_output}: each alert is POSTed as one JSON document
 * ({@code Content-Type: application/json}), so falcosidekick and any Falco webhook receiver
 * accept it. One sender thread; a bounded queue; failures are retried a few times, then
 * counted and logged, never allowed to stall the workload.
 */
public final class HttpSink implements AlertSink {
    private static final System.Logger LOG = System.getLogger(HttpSink.class.getName());
    private static final Object STOP = new Object();
    private final URI uri;
    private final HttpClient client;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(10_000);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final Thread sender;

    public HttpSink(URI uri, HttpClient client) {
        this.uri = uri;
        this.client = client;
        this.sender = Thread.ofPlatform().name("peregrine-http-output").daemon(true).start(this::loop);
    }

    @Override
    public void send(Alert alert) {
        inFlight.incrementAndGet();
        if (!queue.offer(alert)) {
            inFlight.decrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "http output queue full: alert {0} dropped ({1} so far)",
                    alert.id(), Long.toString(dropped.incrementAndGet()));
        }
    }

    private void loop() {
        try {
            while (true) {
                Object o = queue.take();
                if (o == STOP) {
                    return;
                }
                post((Alert) o);
                inFlight.decrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void post(Alert alert) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ProtocolJson.write(alert))).build();
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "http output {0} answered {1} (attempt {2})", uri, Integer.toString(r.statusCode()), Integer.toString(attempt));
            } catch (java.io.IOException e) {
                LOG.log(System.Logger.Level.WARNING, "http output {0} failed: {1} (attempt {2})", uri, e.toString(), attempt);
            }
            Thread.sleep(200L * attempt);
        }
        failed.incrementAndGet();
    }

    public long dropped() {
        return dropped.get() + failed.get();
    }

    @Override
    public boolean drain(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < end) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return inFlight.get() == 0;
    }

    @Override
    public void close() {
        queue.offer(STOP);
    }
}
