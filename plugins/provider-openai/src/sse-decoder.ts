/** One Server-Sent Event: its `event:` name (when it had one) and its `data:` lines joined by `\n`. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;

/**
 * Splits decoded text into Server-Sent Events as the HTML standard's event-stream rules say:
 * lines end in `\n`, `\r\n` or `\r` (also when a `\r\n` is split between two reads), `:` opens a
 * comment, one space after a field's colon is dropped, an event is dispatched at a blank line and
 * only when it has data. Synchronous and fed whole reads, so a read that holds several events
 * costs one call, not one promise per line.
 */
export class SseDecoder {
  /** The unfinished line the last read ended with. */
  #rest = '';
  /** The last read ended in `\r`: a `\n` that opens the next read is the second half of that line end. */
  #skipLineFeed = false;
  #event: string | undefined;
  #data = '';
  #hasData = false;

  /** The events completed by `text`, the next piece of the stream. */
  feed(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.#skipLineFeed && text.charCodeAt(0) === LF) text = text.slice(1);
    this.#skipLineFeed = false;
    const buffer = this.#rest === '' ? text : this.#rest + text;
    let pos = 0;
    let cr = buffer.indexOf('\r');
    for (;;) {
      const lf = buffer.indexOf('\n', pos);
      if (cr !== -1 && cr < pos) cr = buffer.indexOf('\r', pos);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        next = cr + 1;
        if (next === buffer.length) this.#skipLineFeed = true;
        else if (buffer.charCodeAt(next) === LF) next++;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      this.#line(buffer, pos, end, events);
      pos = next;
    }
    this.#rest = pos === 0 ? buffer : buffer.slice(pos);
    return events;
  }

  /**
   * The stream ended: a last line without its line end, and an event without its closing blank
   * line, still count (some servers end the stream right after the last `data:` line).
   */
  end(text = ''): SseEvent[] {
    const events = text === '' ? [] : this.feed(text);
    if (this.#rest !== '') this.#line(this.#rest, 0, this.#rest.length, events);
    this.#rest = '';
    this.#dispatch(events);
    return events;
  }

  #line(buffer: string, start: number, end: number, events: SseEvent[]): void {
    if (start === end) return this.#dispatch(events);
    if (buffer.charCodeAt(start) === COLON) return; // a comment, e.g. a keep-alive ping
    const colon = buffer.indexOf(':', start);
    let field: string;
    let value: string;
    if (colon === -1 || colon >= end) {
      field = buffer.slice(start, end);
      value = '';
    } else {
      field = buffer.slice(start, colon);
      let valueStart = colon + 1;
      if (valueStart < end && buffer.charCodeAt(valueStart) === SPACE) valueStart++;
      value = buffer.slice(valueStart, end);
    }
    if (field === 'data') {
      this.#data = this.#hasData ? `${this.#data}\n${value}` : value;
      this.#hasData = true;
    } else if (field === 'event') {
      this.#event = value;
    }
    // `id` and `retry` matter to a browser reconnecting, not to one upstream call.
  }

  #dispatch(events: SseEvent[]): void {
    if (this.#hasData) events.push({ event: this.#event, data: this.#data });
    this.#event = undefined;
    this.#data = '';
    this.#hasData = false;
  }
}
