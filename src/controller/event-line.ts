// Event lines in upstream's format: `<YYYY-MM-DD HH:MM:SS+00:00> [<task>[ retry-<n>]] <Reason>: <message>`.

export function eventTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

export function eventLine(
  at: Date,
  task: string | null,
  retryId: number | null,
  reason: string,
  message: string,
): string {
  const who = task === null ? '' : ` [${task}${retryId ? ` retry-${retryId}` : ''}]`;
  return `${eventTimestamp(at)}${who} ${reason}: ${message}`;
}
