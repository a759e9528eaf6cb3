import { fromGoogleError, type GoogleErrorBody } from './errors';
import type { PredictRequest, PredictResponse } from './images';
import type { GeminiSettings } from './settings';

/**
 * POST {baseUrl}/{version}/models/{model}:predict, authenticated the way the SDK does it (the
 * `x-goog-api-key` header, never a `key=` URL parameter, so the key cannot surface in a URL).
 * The caller's signal and the configured timeout both end the call.
 */
export async function postPredict(settings: GeminiSettings, apiKey: string, model: string, body: PredictRequest, signal: AbortSignal): Promise<PredictResponse> {
  const modelPath = model.startsWith('models/') ? model : `models/${model}`;
  const url = `${settings.baseUrl}/${settings.apiVersion}/${modelPath.split('/').map(encodeURIComponent).join('/')}:predict`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKey },
    body: JSON.stringify(body),
    signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs)]),
  });
  const text = await response.text();
  if (!response.ok) {
    let parsed: GoogleErrorBody | undefined;
    try {
      parsed = JSON.parse(text) as GoogleErrorBody;
    } catch {
      parsed = undefined;
    }
    throw fromGoogleError(response.status, parsed?.error ? parsed : { error: { message: text.slice(0, 500) } }, apiKey);
  }
  return JSON.parse(text) as PredictResponse;
}
