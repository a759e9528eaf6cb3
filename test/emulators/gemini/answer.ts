/**
 * What the Gemini emulator answers to a generateContent request: a scripted reply, or by default
 * an echo of the last user text, rendered as GenerateContentResponse objects (one for
 * generateContent, a sequence of slices for streamGenerateContent).
 */
import { randomBytes } from 'node:crypto';
import type { ScriptedReply } from '../types';
import { estimateTokens, splitWords } from '../http-util';

type Json = Record<string, unknown>;

export interface Answer {
  model: string;
  responseId: string;
  candidates: number;
  text: string;
  reasoning: string;
  calls: { name: string; args: Json }[];
  finishReason: string;
  usage: Json;
  /** Set for thinking models that sign their output (Gemini 3). */
  signature?: string;
}

const FINISH: Record<NonNullable<ScriptedReply['finish']>, string> = {
  stop: 'STOP',
  length: 'MAX_TOKENS',
  tool_calls: 'STOP',
  content_filter: 'SAFETY',
};

/** Gemini 3 models issue thought signatures and demand them back. */
export function signsThoughts(model: string): boolean {
  return /^gemini-3/.test(model);
}

export function planAnswer(reply: ScriptedReply | undefined, body: Json, model: string): Answer {
  const config = (body.generationConfig ?? {}) as Json;
  const candidates = typeof config.candidateCount === 'number' ? config.candidateCount : 1;
  const calls = (reply?.toolCalls ?? []).map((call) => ({ name: call.name, args: parseArgs(call.arguments) }));
  const text = reply?.text ?? (calls.length > 0 ? '' : echoText(body));
  const reasoning = reply?.reasoning ?? '';
  const answer: Answer = {
    model,
    responseId: randomBytes(16).toString('base64url').slice(0, 22),
    candidates,
    text,
    reasoning,
    calls,
    finishReason: FINISH[reply?.finish ?? 'stop'],
    usage: usageMetadata(reply, body, text, reasoning, calls, candidates),
  };
  if (signsThoughts(model)) answer.signature = randomBytes(48).toString('base64');
  return answer;
}

function parseArgs(text: string): Json {
  const value: unknown = text.trim() === '' ? {} : JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('scripted tool call arguments must be a JSON object');
  return value as Json;
}

/** The text of the last user turn that has text (function responses are not echoed). */
export function echoText(body: Json): string {
  const contents = Array.isArray(body.contents) ? (body.contents as Json[]) : [];
  for (let i = contents.length - 1; i >= 0; i--) {
    const content = contents[i];
    if (content?.role === 'model') continue;
    const texts = ((content?.parts as Json[]) ?? []).filter((p) => typeof p.text === 'string').map((p) => p.text as string);
    if (texts.length > 0) return texts.join(' ');
  }
  return '';
}

function requestText(body: Json): string {
  const contents = [...(Array.isArray(body.contents) ? (body.contents as Json[]) : []), ...(body.systemInstruction ? [body.systemInstruction as Json] : [])];
  return contents
    .flatMap((c) => (c?.parts as Json[]) ?? [])
    .map((p) => (typeof p.text === 'string' ? p.text : p.functionCall || p.functionResponse ? JSON.stringify(p) : ''))
    .join('\n');
}

/**
 * usageMetadata as Gemini reports it: candidatesTokenCount excludes thoughtsTokenCount (the
 * scripted `output` is the OpenAI-style total, reasoning included), cachedContentTokenCount is
 * part of promptTokenCount, and totalTokenCount adds them all.
 */
function usageMetadata(reply: ScriptedReply | undefined, body: Json, text: string, reasoning: string, calls: Answer['calls'], candidates: number): Json {
  const scripted = reply?.usage;
  const prompt = scripted?.input ?? estimateTokens(requestText(body));
  const thoughts = scripted?.reasoning ?? candidates * estimateTokens(reasoning);
  const output = scripted?.output ?? candidates * (estimateTokens(text) + calls.reduce((sum, c) => sum + estimateTokens(c.name + JSON.stringify(c.args)), 0)) + thoughts;
  const usage: Json = {
    promptTokenCount: prompt,
    candidatesTokenCount: Math.max(0, output - thoughts),
    totalTokenCount: prompt + output,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
  if (thoughts > 0) usage.thoughtsTokenCount = thoughts;
  if (scripted?.cachedInput) {
    usage.cachedContentTokenCount = scripted.cachedInput;
    usage.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: scripted.cachedInput }];
  }
  return usage;
}

function candidate(index: number, parts: Json[], extra: Json = {}): Json {
  const out: Json = { content: { parts, role: 'model' }, ...extra, index };
  return out;
}

function finishFields(answer: Answer): Json {
  const extra: Json = { finishReason: answer.finishReason };
  if (answer.finishReason === 'SAFETY') {
    extra.safetyRatings = [
      { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', probability: 'NEGLIGIBLE' },
      { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
      { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
    ];
  }
  return extra;
}

function callParts(answer: Answer): Json[] {
  return answer.calls.map((call, i) => {
    const part: Json = { functionCall: { name: call.name, args: call.args } };
    if (i === 0 && answer.signature) part.thoughtSignature = answer.signature;
    return part;
  });
}

/** The whole answer as one GenerateContentResponse (generateContent). */
export function responseBody(answer: Answer): Json {
  const parts: Json[] = [];
  if (answer.reasoning) parts.push({ text: answer.reasoning, thought: true });
  if (answer.text) {
    const part: Json = { text: answer.text };
    if (answer.signature && answer.calls.length === 0) part.thoughtSignature = answer.signature;
    parts.push(part);
  }
  parts.push(...callParts(answer));
  const candidates = Array.from({ length: answer.candidates }, (_, i) =>
    parts.length > 0 ? candidate(i, parts, finishFields(answer)) : { ...finishFields(answer), index: i },
  );
  return { candidates, usageMetadata: answer.usage, modelVersion: answer.model, responseId: answer.responseId };
}

/**
 * The answer as stream slices: thoughts and text word by word, function calls whole (Gemini never
 * splits a call's arguments), finishReason and usageMetadata on the last slice.
 */
export function streamSlices(answer: Answer): Json[] {
  const slices: Json[][] = [];
  for (const word of splitWords(answer.reasoning)) slices.push([{ text: word, thought: true }]);
  for (const word of splitWords(answer.text)) slices.push([{ text: word }]);
  if (answer.calls.length > 0) slices.push(callParts(answer));
  if (slices.length === 0 || (answer.signature && answer.calls.length === 0)) {
    // Gemini closes with an empty text part, which carries the signature on thinking models.
    slices.push([answer.signature && answer.calls.length === 0 ? { text: '', thoughtSignature: answer.signature } : { text: '' }]);
  }
  return slices.map((parts, k) => {
    const last = k === slices.length - 1;
    const candidates = Array.from({ length: answer.candidates }, (_, i) => candidate(i, parts, last ? finishFields(answer) : {}));
    const event: Json = { candidates };
    if (last) event.usageMetadata = answer.usage;
    event.modelVersion = answer.model;
    event.responseId = answer.responseId;
    return event;
  });
}
