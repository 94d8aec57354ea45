package dev.peregrine.agent.connect;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the agent logs when the orchestrator cannot be reached, from the real JDK client's exceptions. */
class ConnectFailureTest {
    @Test
    void aRefusedConnectionIsSaidInWords() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        URI uri = URI.create("ws://127.0.0.1:" + port + "/v1/agent");
        CompletionException e = assertThrows(CompletionException.class, () -> HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri, new java.net.http.WebSocket.Listener() { }).join());
        String reason = OrchestratorClient.rootMessage(e);
        assertTrue(reason.startsWith("cannot connect (refused or unreachable"), reason);
    }

    @Test
    void otherFailuresKeepTheirDeepestCause() {
        String reason = OrchestratorClient.rootMessage(new RuntimeException("outer", new IllegalStateException("inner")));
        assertTrue(reason.contains("IllegalStateException: inner"), reason);
    }
}
