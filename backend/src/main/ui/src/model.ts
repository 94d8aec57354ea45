/** Facts the UI shares with the backend's protocol module, in one place. */

/** Falco priorities, most severe first (dev.peregrine.protocol.Priority). */
export const PRIORITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'] as const;

/** Falco's printed name of a priority, e.g. "Critical". */
export function falcoName(p: string): string {
  const lower = p.toLowerCase() === 'info' ? 'informational' : p.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

export function priorityLevel(p: string): number {
  const i = PRIORITIES.indexOf((p.toLowerCase() === 'info' ? 'informational' : p.toLowerCase()) as (typeof PRIORITIES)[number]);
  return i < 0 ? PRIORITIES.length : i;
}

/** Policy actions (dev.peregrine.protocol.Action), with what each does. */
export const ACTIONS: { name: string; label: string }[] = [
  { name: 'notify', label: 'notify: send the alert only' },
  { name: 'kill_process', label: 'kill_process: kill the offending process' },
  { name: 'kill_task', label: 'kill_task: stop the whole task' },
  { name: 'deny', label: 'deny: fail the syscall with EPERM' },
];

/** The agent/orchestrator protocol major this release speaks (dev.peregrine.protocol.ProtocolVersion.CURRENT). */
export const PROTOCOL_MAJOR = 1;

/** Fixed colours per priority, readable on white; the chart legend repeats them as text. */
export const PRIORITY_COLOURS: Record<string, string> = {
  Emergency: '#7f1d1d', Alert: '#b91c1c', Critical: '#dc2626', Error: '#ea580c', Warning: '#d97706',
  Notice: '#2563eb', Informational: '#0891b2', Debug: '#6b7280',
};

export const SERIES_COLOURS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#6b7280'];
