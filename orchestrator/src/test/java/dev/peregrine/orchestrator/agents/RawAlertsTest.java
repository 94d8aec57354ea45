package dev.peregrine.orchestrator.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RawAlertsTest {
    @Test
    void takesTheAlertsArrayAsWrittenWhereverItIsInTheFrame() {
        String alerts = "[ {\"id\":\"a\",\"new_field\":{\"x\":[1,2]},\"output\":\"] } tricky \\\" text\"} ]";
        assertEquals(Optional.of(alerts), RawAlerts.of("{\"type\":\"events\",\"seq\":3,\"alerts\":" + alerts + "}"));
        assertEquals(Optional.of(alerts), RawAlerts.of("{\"alerts\":" + alerts + ",\"meta\":{\"alerts\":[]},\"seq\":3,\"type\":\"events\"}"));
        assertEquals(Optional.of("[]"), RawAlerts.of("{\"type\":\"events\",\"seq\":0,\"alerts\":[]}"));
        assertEquals(Optional.of("[\"é\",\"😀\"]"), RawAlerts.of("{\"x\":\"😀é\",\"alerts\":[\"é\",\"😀\"]}"));
    }

    @Test
    void nothingWhenThereIsNoTopLevelAlertsArray() {
        assertEquals(Optional.empty(), RawAlerts.of("{\"type\":\"events\",\"nested\":{\"alerts\":[1]}}"));
        assertEquals(Optional.empty(), RawAlerts.of("[1,2]"));
    }
}
