import type { ChatCompletionChunk, ChatCompletionChunkDelta, FinishReason } from '@switchyard/plugin-kit';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ResponseContext } from './convert-request';
import { errorFromAnthropicBody } from './errors';
import { mapFinishReason } from './map-finish-reason';
import { mapUsage, mergeUsage, type AnthropicUsageLike } from './map-usage';

/** What the translator remembers about each open content block, by Anthropic's block index. */
type BlockState =
  | { kind: 'text' | 'thinking' | 'ignored' }
  | { kind: 'tool'; toolIndex: number; startInput: unknown; streamed: boolean }
  | { kind: 'json'; startInput: unknown; streamed: boolean };

/** Events the SDK may hand over besides the typed ones (it filters pings, but raw replays may not). */
export type AnthropicStreamEvent = RawMessageStreamEvent | { type: 'ping' } | { type: 'error'; error?: { type?: string; message?: string } };

const hasInput = (input: unknown): boolean => typeof input === 'object' && input !== null && Object.keys(input).length > 0;

/**
 * Turns Anthropic stream events into OpenAI chunks, one event at a time, with no I/O.
 *
 * - message_start opens with a role chunk; content_block_* become content, reasoning_content
 *   and tool_calls deltas. Tool calls are numbered 0, 1, ... in order of appearance (OpenAI's
 *   `index`), independent of Anthropic's block indexes, which also count text and thinking.
 * - The synthetic JSON tool (see convert-response-format) streams as content.
 * - message_delta gives the finish reason and the final usage; message_stop ends the answer
 *   with one chunk holding `choices: []` and the usage, as OpenAI does with include_usage.
 * - An `error` event throws the matching GatewayError.
 */
export class StreamTranslator {
  private id = '';
  private model: string;
  private readonly created: number;
  private usage: AnthropicUsageLike = {};
  private readonly blocks = new Map<number, BlockState>();
  private nextToolIndex = 0;
  private jsonAnswered = false;
  private toolCalled = false;
  private finished = false;

  constructor(
    private readonly context: ResponseContext,
    requestedModel: string,
    created = Math.floor(Date.now() / 1000),
  ) {
    this.model = requestedModel;
    this.created = created;
  }

  /** True once message_stop arrived: anything less is a broken stream. */
  get complete(): boolean {
    return this.finished;
  }

  push(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        this.id = event.message.id;
        if (event.message.model) this.model = event.message.model;
        this.usage = mergeUsage({}, event.message.usage);
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        return this.startBlock(event.index, event.content_block);
      case 'content_block_delta':
        return this.delta(event.index, event.delta);
      case 'content_block_stop':
        return this.stopBlock(event.index);
      case 'message_delta':
        return this.messageDelta(event);
      case 'message_stop':
        this.finished = true;
        return [{ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: mapUsage(this.usage) }];
      case 'ping':
        return [];
      case 'error':
        throw errorFromAnthropicBody(event);
      default:
        return [];
    }
  }

  private chunk(delta: ChatCompletionChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    };
  }

  private startBlock(index: number, block: Extract<RawMessageStreamEvent, { type: 'content_block_start' }>['content_block']): ChatCompletionChunk[] {
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        return block.text ? [this.chunk({ content: block.text })] : [];
      case 'thinking':
        this.blocks.set(index, { kind: 'thinking' });
        return block.thinking ? [this.chunk({ reasoning_content: block.thinking })] : [];
      case 'tool_use': {
        if (this.context.jsonToolName !== undefined && block.name === this.context.jsonToolName) {
          this.blocks.set(index, { kind: 'json', startInput: block.input, streamed: false });
          this.jsonAnswered = true;
          return [];
        }
        const toolIndex = this.nextToolIndex++;
        this.toolCalled = true;
        this.blocks.set(index, { kind: 'tool', toolIndex, startInput: block.input, streamed: false });
        return [this.chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })];
      }
      default:
        // redacted_thinking is encrypted; server tool blocks are not part of the OpenAI shape.
        this.blocks.set(index, { kind: 'ignored' });
        return [];
    }
  }

  private delta(index: number, delta: Extract<RawMessageStreamEvent, { type: 'content_block_delta' }>['delta']): ChatCompletionChunk[] {
    const state = this.blocks.get(index);
    switch (delta.type) {
      case 'text_delta':
        return delta.text ? [this.chunk({ content: delta.text })] : [];
      case 'thinking_delta':
        return delta.thinking ? [this.chunk({ reasoning_content: delta.thinking })] : [];
      case 'input_json_delta':
        if (!delta.partial_json || !state) return [];
        if (state.kind === 'tool') {
          state.streamed = true;
          return [this.chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: delta.partial_json } }] })];
        }
        if (state.kind === 'json') {
          state.streamed = true;
          return [this.chunk({ content: delta.partial_json })];
        }
        return [];
      default:
        // signature_delta and citations_delta have no OpenAI counterpart.
        return [];
    }
  }

  /** A tool whose input came whole in content_block_start (or empty) still owes its arguments. */
  private stopBlock(index: number): ChatCompletionChunk[] {
    const state = this.blocks.get(index);
    this.blocks.delete(index);
    if (!state || (state.kind !== 'tool' && state.kind !== 'json') || state.streamed) return [];
    if (state.kind === 'tool') {
      const args = hasInput(state.startInput) ? JSON.stringify(state.startInput) : '{}';
      return [this.chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: args } }] })];
    }
    return [this.chunk({ content: hasInput(state.startInput) ? JSON.stringify(state.startInput) : '{}' })];
  }

  private messageDelta(event: Extract<RawMessageStreamEvent, { type: 'message_delta' }>): ChatCompletionChunk[] {
    this.usage = mergeUsage(this.usage, event.usage);
    const stopReason = event.delta?.stop_reason;
    if (stopReason == null) return [];
    const out: ChatCompletionChunk[] = [];
    const explanation = stopReason === 'refusal' ? event.delta.stop_details?.explanation : undefined;
    if (explanation) out.push(this.chunk({ refusal: explanation }));
    const finish = stopReason === 'tool_use' && this.jsonAnswered && !this.toolCalled ? 'stop' : mapFinishReason(stopReason);
    out.push(this.chunk({}, finish));
    return out;
  }
}
