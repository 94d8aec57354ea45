package dev.peregrine.orchestrator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/** The orchestrator's Prometheus metrics, one place for their names. */
public final class OrchestratorMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    public final Counter eventsReceived = Counter.builder("peregrine_orchestrator_events_received")
            .description("alerts received from agents").register(registry);
    public final Counter eventsSpooled = Counter.builder("peregrine_orchestrator_events_spooled")
            .description("alerts written and fsync'd to the spool, then acknowledged").register(registry);
    public final Counter eventsRefused = Counter.builder("peregrine_orchestrator_events_refused")
            .description("alerts refused (not acknowledged; the agent keeps and resends them) because the spool reached its disk budget")
            .register(registry);
    public final Counter connectionsRejected = Counter.builder("peregrine_orchestrator_agents_rejected")
            .description("hello answered with reject (no bundle, bad token, incompatible protocol)").register(registry);
    public final Counter connectionsClosedForMisbehaviour = Counter.builder("peregrine_orchestrator_agents_closed_bad_frames")
            .description("agent connections closed for garbage, oversized or out-of-order frames, floods or silence").register(registry);
    public final Counter bundlesAccepted = Counter.builder("peregrine_orchestrator_bundles_accepted")
            .description("bundles that compiled and were pushed to agents").register(registry);
    public final Counter bundlesInvalid = Counter.builder("peregrine_orchestrator_bundles_invalid")
            .description("bundles from the backend that did not compile and were not used").register(registry);
    public final DistributionSummary batchSize = DistributionSummary.builder("peregrine_orchestrator_events_batch_size")
            .description("alerts per events frame").register(registry);

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public String scrape() {
        return registry.scrape();
    }
}
