/** The media type of a Content-Type header, lower-cased, without parameters. */
function mediaType(contentType: string | null): string {
  return contentType === null ? '' : contentType.split(';')[0].trim().toLowerCase();
}

/** `application/json` or any `+json` type: an answer to read whole and parse. */
export function isJson(contentType: string | null): boolean {
  const type = mediaType(contentType);
  return type === 'application/json' || type.endsWith('+json');
}

export function isEventStream(contentType: string | null): boolean {
  return mediaType(contentType) === 'text/event-stream';
}
