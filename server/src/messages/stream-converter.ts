import { randomBytes } from 'node:crypto';
import type { ChatCompletionChunk, FinishReason, ToolCallDelta, Usage } from '@switchyard/spec';
import { mapStopReason, reportedStopSequence } from './map-stop-reason';
import { mapUsage } from './map-usage';
import { messageId } from './message-id';
import type { AnthropicMessage } from './types';

/** One server-sent event of Anthropic's stream: the `event:` name and its JSON payload. */
export interface AnthropicStreamEvent {
  event: string;
  data: Record<string, unknown>;
}

type OpenBlock = { kind: 'text' | 'thinking' | 'tool_use'; index: number };

/**
 * Turns canonical stream chunks into Anthropic's event sequence, as they arrive:
 *
 *   message_start, ping, then per content block content_block_start / content_block_delta ... /
 *   content_block_stop, and at the end message_delta (stop_reason, usage) and message_stop.
 *
 * Reasoning deltas become a thinking block (thinking_delta), text a text block (text_delta),
 * each tool call a tool_use block whose arguments stream as input_json_delta. A change of kind
 * closes the open block and opens the next, since Anthropic's blocks follow one another. Usage
 * arrives last in the canonical stream, so message_start reports zero tokens and message_delta
 * reports the whole count (the SDK takes input and cache counts from there too).
 */
export class StreamConverter {
  private started = false;
  private open: OpenBlock | undefined;
  private nextIndex = 0;
  /** Canonical tool-call index -> Anthropic block index. */
  private readonly toolBlocks = new Map<number, number>();
  private finishReason: FinishReason | null = null;
  private stopSequence: string | null = null;
  private refused = false;
  private refusalText = '';
  private usage: Usage | undefined;

  constructor(private readonly fallbackModel: string) {}

  /** The events one chunk produces (possibly none). */
  push(chunk: ChatCompletionChunk): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (!this.started) events.push(...this.start(chunk));
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices.find((c) => c.index === 0) ?? chunk.choices[0];
    if (!choice) return events;
    const delta = choice.delta ?? {};
    if (delta.reasoning_content) events.push(...this.append('thinking', { type: 'thinking_delta', thinking: delta.reasoning_content }));
    if (delta.content) events.push(...this.append('text', { type: 'text_delta', text: delta.content }));
    if (delta.refusal) {
      this.refused = true;
      this.refusalText += delta.refusal;
      events.push(...this.append('text', { type: 'text_delta', text: delta.refusal }));
    }
    for (const call of delta.tool_calls ?? []) events.push(...this.toolDelta(call));
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    this.stopSequence = reportedStopSequence(choice) ?? this.stopSequence;
    return events;
  }

  /** The closing events, once the canonical stream has ended normally. */
  finish(): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = this.started ? [] : this.start(undefined);
    events.push(...this.closeOpen());
    const refused = this.refused || this.finishReason === 'content_filter';
    const usage = mapUsage(this.usage);
    events.push({
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: {
          stop_reason: refused ? 'refusal' : mapStopReason(this.finishReason, this.stopSequence),
          stop_sequence: this.stopSequence,
          stop_details: refused ? { type: 'refusal', category: null, explanation: this.refusalText || null } : null,
          container: null,
        },
        usage: {
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          server_tool_use: null,
          ...(usage.output_tokens_details ? { output_tokens_details: usage.output_tokens_details } : {}),
        },
      },
    });
    events.push({ event: 'message_stop', data: { type: 'message_stop' } });
    return events;
  }

  private start(chunk: ChatCompletionChunk | undefined): AnthropicStreamEvent[] {
    this.started = true;
    const message: AnthropicMessage = {
      id: messageId(chunk?.id),
      type: 'message',
      role: 'assistant',
      model: chunk?.model || this.fallbackModel,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: { ...mapUsage(chunk?.usage ?? undefined), output_tokens: 0 },
    };
    return [
      { event: 'message_start', data: { type: 'message_start', message } },
      { event: 'ping', data: { type: 'ping' } },
    ];
  }

  /** A text or thinking delta: into the open block of that kind, or a new one. */
  private append(kind: 'text' | 'thinking', delta: Record<string, unknown>): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    if (this.open?.kind !== kind) {
      events.push(...this.closeOpen());
      const block = kind === 'text' ? { type: 'text', text: '', citations: null } : { type: 'thinking', thinking: '', signature: '' };
      events.push(this.openBlock(kind, block));
    }
    events.push(blockDelta(this.open!.index, delta));
    return events;
  }

  private toolDelta(call: ToolCallDelta): AnthropicStreamEvent[] {
    const events: AnthropicStreamEvent[] = [];
    let index = this.toolBlocks.get(call.index);
    if (index === undefined) {
      events.push(...this.closeOpen());
      const id = call.id ?? `toolu_${randomBytes(12).toString('hex')}`;
      events.push(this.openBlock('tool_use', { type: 'tool_use', id, name: call.function?.name ?? '', input: {} }));
      index = this.open!.index;
      this.toolBlocks.set(call.index, index);
    }
    // Providers here deliver one call after another; a late fragment of an earlier call still
    // goes to its own block index, which is how the SDK assembles it.
    const args = call.function?.arguments;
    if (args) events.push(blockDelta(index, { type: 'input_json_delta', partial_json: args }));
    return events;
  }

  private openBlock(kind: OpenBlock['kind'], block: Record<string, unknown>): AnthropicStreamEvent {
    this.open = { kind, index: this.nextIndex++ };
    return { event: 'content_block_start', data: { type: 'content_block_start', index: this.open.index, content_block: block } };
  }

  private closeOpen(): AnthropicStreamEvent[] {
    if (!this.open) return [];
    const index = this.open.index;
    this.open = undefined;
    return [{ event: 'content_block_stop', data: { type: 'content_block_stop', index } }];
  }
}

function blockDelta(index: number, delta: Record<string, unknown>): AnthropicStreamEvent {
  return { event: 'content_block_delta', data: { type: 'content_block_delta', index, delta } };
}
