package dev.peregrine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlertScannerTest {
    private static final String A = "{\"id\":\"a\",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"Notice\"";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String slice(byte[] bytes, int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    @Test
    void arrayKeepsEachAlertsBytesAndIndexedFields() throws Exception {
        String first = A + ",\"future_key\":[1,{\"x\":\"}\"}],\"workload\":{\"cluster\":\"prod\",\"task_arn\":\"arn:t\","
                + "\"task_family\":\"web\",\"container_name\":\"app\",\"image\":\"nginx\",\"gvisor\":true}}";
        String second = "{ \"id\" : \"b\", \"time\":\"t2\",\"rule\":\"r2\",\"priority\":\"Critical\",\"output\":\"caf\u00e9 \\u00e9\","
                + "\"tags\":[\"x\",\"y\"],\"actions\":null,\"output_fields\":{\"proc.name\":[1,2]},\"workload\":null}";
        byte[] json = utf8(" [ " + first + " ,\n" + second + "]");
        List<AlertScanner.ScannedAlert> read = AlertScanner.readArray(json);
        assertEquals(2, read.size());
        AlertScanner.ScannedAlert a = read.get(0);
        assertEquals(first, slice(json, a.start(), a.end()));
        assertEquals(List.of("a", "t", "r", "Notice", "prod", "arn:t", "web", "app"),
                List.of(a.id(), a.time(), a.rule(), a.priority(), a.cluster(), a.taskArn(), a.taskFamily(), a.containerName()));
        AlertScanner.ScannedAlert b = read.get(1);
        assertEquals(second, slice(json, b.start(), b.end()), "offsets are bytes: the UTF-8 'é' before it counts twice");
        assertEquals("b", b.id());
        assertNull(b.cluster());
        assertEquals(List.of(), AlertScanner.readArray(utf8("[]")));
    }

    @Test
    void whatTheRecordsAcceptTheScannerAccepts() throws Exception {
        // the same alert read both ways: same indexed values
        Alert alert = new Alert("id-1", "2026-01-01T00:00:00.000000000Z", "Shell", "Warning", "out", Map.of("k", 1), "syscall",
                List.of("t"), "host", "pol", List.of("notify"), new Workload("c", "arn", "fam", "app", "img", "az"));
        byte[] json = ProtocolJson.writeBytes(List.of(alert, alert));
        AlertScanner.ScannedAlert s = AlertScanner.readArray(json).get(1);
        assertEquals(List.of(alert.id(), alert.time(), alert.rule(), alert.priority(), "c", "arn", "fam", "app"),
                List.of(s.id(), s.time(), s.rule(), s.priority(), s.cluster(), s.taskArn(), s.taskFamily(), s.containerName()));
        assertEquals(alert, ProtocolJson.read(slice(json, s.start(), s.end()), Alert.class));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[1]                                                                      | [0]                  | expected an alert object, got a number",
            "{\"id\":1}                                                               | ''                   | expected a JSON array of alerts, got an object",
            "[{\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\"}]                     | [0].id               | is required",
            "[{\"id\":\"c\",\"time\":\"t\",\"priority\":\"N\"}]                       | [0].rule             | is required",
            "[{\"id\":\" \",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\"}]        | [0].id               | expected a non-empty string",
            "[{\"id\":[\"x\"],\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\"}]      | [0].id               | expected a string, got an array",
            "[{\"id\":\"c\",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\",\"workload\":{\"image\":{}}}]    | [0].workload.image   | expected a string, got an object",
            "[{\"id\":\"c\",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\",\"workload\":[]}]                | [0].workload         | expected an object, got an array",
            "[{\"id\":\"c\",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\",\"tags\":\"x\"}]                 | [0].tags             | expected an array, got a string",
            "[{\"id\":\"c\",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\",\"actions\":[\"a\",{}]}]         | [0].actions[1]       | expected a string, got an object",
            "[{\"id\":\"c\",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\",\"output_fields\":7}]            | [0].output_fields    | expected an object, got a number",
            "[{\"id\":\"c\",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\",\"hostname\":{\"a\":1}}]         | [0].hostname         | expected a string, got an object",
    })
    void badAlertsNameTheField(String json, String field, String message) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> AlertScanner.readArray(utf8(json)));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().endsWith(message), e.getMessage());
    }

    @Test
    void brokenJsonSaysWhere() {
        ProtocolException truncated = assertThrows(ProtocolException.class, () -> AlertScanner.readArray(utf8("[{\"id\":")));
        assertTrue(truncated.getMessage().startsWith("not valid JSON"), truncated.getMessage());
        ProtocolException trailing = assertThrows(ProtocolException.class, () -> AlertScanner.readArray(utf8("[] []")));
        assertTrue(trailing.getMessage().contains("content after the array"), trailing.getMessage());
    }

    @Test
    void eventsFrameGivesSeqAlertsAndTheArraysBytes() throws Exception {
        String alerts = "[" + A + "}, " + A.replace("\"a\"", "\"b\"") + ",\"x\":{}}]";
        byte[] frame = utf8("{\"type\":\"events\",\"seq\":42,\"alerts\":" + alerts + "}");
        AlertScanner.EventsFrame events = AlertScanner.readEventsFrame(frame).orElseThrow();
        assertEquals(42, events.seq());
        assertEquals(List.of("a", "b"), events.alerts().stream().map(AlertScanner.ScannedAlert::id).toList());
        assertEquals(alerts, slice(frame, events.alertsStart(), events.alertsEnd()));
        // what the records' decoder makes of the same frame
        Message.Events decoded = (Message.Events) MessageCodec.decode(new String(frame, StandardCharsets.UTF_8));
        assertEquals(decoded.seq(), events.seq());
        assertEquals(decoded.alerts().size(), events.alerts().size());
    }

    @Test
    void otherMessagesAreLeftToTheCodec() throws Exception {
        assertEquals(Optional.empty(), AlertScanner.readEventsFrame(utf8("{\"type\":\"heartbeat\"}")));
        assertEquals(Optional.empty(), AlertScanner.readEventsFrame(utf8("{\"type\":\"hello\",\"agent_version\":\"1\",\"protocol\":1}")));
        assertEquals(Optional.empty(), AlertScanner.readEventsFrame(utf8("{\"seq\":1,\"type\":\"events\",\"alerts\":[]}")),
                "type after other fields: the codec decodes it");
        assertEquals(Optional.empty(), AlertScanner.readEventsFrame(utf8("[1]")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"events\",\"seq\":-1,\"alerts\":[]}                  | seq                | must be >= 0, got -1",
            "{\"type\":\"events\",\"seq\":\"seven\",\"alerts\":[]}           | seq                | expected an integer, got a string",
            "{\"type\":\"events\",\"seq\":99999999999999999999,\"alerts\":[]} | seq               | expected an integer, got a number out of range",
            "{\"type\":\"events\",\"alerts\":[]}                             | seq                | is required",
            "{\"type\":\"events\",\"seq\":1}                                 | alerts             | is required",
            "{\"type\":\"events\",\"seq\":1,\"alerts\":{}}                   | alerts             | expected an array, got an object",
            "{\"type\":\"events\",\"seq\":1,\"alerts\":[{\"id\":\"a\",\"time\":\"t\",\"rule\":\"\",\"priority\":\"N\"}]} | alerts[0].rule | expected a non-empty string",
            "{\"type\":\"events\",\"seq\":1,\"alerts\":[{\"id\":\"a\",\"time\":\"t\",\"rule\":\"r\",\"priority\":\"N\",\"workload\":{\"cluster\":[\"x\"]}}]} | alerts[0].workload.cluster | expected a string, got an array",
            "{\"type\":\"events\",\"seq\":1,\"alerts\":[]} {}                 | ''                 | not valid JSON: content after the frame's object",
            "{\"type\":\"events\",\"seq\":1,\"alerts\":[                      | ''                 | Unexpected end-of-input",
    })
    void badEventsFramesNameTheField(String frame, String field, String message) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> AlertScanner.readEventsFrame(utf8(frame)));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
