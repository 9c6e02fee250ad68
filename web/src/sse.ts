// Server-sent events read off a fetch body: EventSource cannot send the Authorization header, and the
// token never goes in a URL, so the page reads the stream itself and parses it here.

export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Returns a function to feed text chunks to; `onEvent` gets each complete event. Chunks may split lines
 * and events anywhere; comments (`: keep-alive`) and `retry:` lines are dropped, as is an event with no
 * data, which the format says not to dispatch.
 */
export function sseParser(onEvent: (event: SseEvent) => void): (chunk: string) => void {
  let partial = '';
  let name = '';
  let data: string[] = [];
  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: name === '' ? 'message' : name, data: data.join('\n') });
      name = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  };
  // Lines end in `\n` or `\r\n` (the service sends `\n`); the last piece waits for the rest of its line.
  return (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) line(l.endsWith('\r') ? l.slice(0, -1) : l);
  };
}
