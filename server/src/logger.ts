import pino from 'pino';
import type { Logger } from '@switchyard/spec';

/**
 * Structured JSON logs. Known secret-bearing fields are censored wherever they appear, as a
 * second line of defence behind code that never logs them in the first place.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger & Logger {
  return pino(
    {
      level,
      base: { service: 'switchyard' },
      redact: {
        paths: [
          'apiKey', '*.apiKey', 'secret', '*.secret', 'secretAccessKey', '*.secretAccessKey', 'password', '*.password',
          'authorization', '*.authorization', 'headers.authorization', 'headers["x-api-key"]', 'headers["api-key"]', 'token', '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  ) as pino.Logger & Logger;
}
