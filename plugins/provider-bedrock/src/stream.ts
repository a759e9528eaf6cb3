import type { ConverseStreamOutput, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '@switchyard/plugin-kit';
import type { ChatCompletionChunk, ChatCompletionChunkDelta, FinishReason } from '@switchyard/plugin-kit';
import { mapStopReason } from './finish-reason';
import type { ResponseContext } from './response';
import { toOpenAIUsage } from './usage';

/**
 * ConverseStream events -> OpenAI chat.completion.chunk objects, one chunk per upstream delta
 * (nothing is buffered). Text blocks have no contentBlockStart; toolUse blocks do, and their
 * input arrives as JSON text in deltas. The `metadata` event (usage) may come before or after
 * `messageStop`, so usage is held and yielded last, as a chunk with `choices: []`.
 * Exception events (the SDK throws them while iterating) surface to the caller, who maps them.
 */

type BlockKind = { kind: 'tool'; toolIndex: number } | { kind: 'json' };

const EXCEPTION_MEMBERS = ['internalServerException', 'modelStreamErrorException', 'validationException', 'throttlingException', 'serviceUnavailableException'] as const;

export async function* toChatChunks(events: AsyncIterable<ConverseStreamOutput>, ctx: ResponseContext): AsyncGenerator<ChatCompletionChunk> {
  const blocks = new Map<number, BlockKind>();
  let nextToolIndex = 0;
  let roleSent = false;
  let finish: FinishReason | undefined;
  let usage: TokenUsage | undefined;
  let answeredThroughJsonTool = false;

  const chunk = (delta: ChatCompletionChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk => {
    if (!roleSent) {
      delta = { role: 'assistant', ...delta };
      roleSent = true;
    }
    return { id: ctx.id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] };
  };

  for await (const event of events) {
    const members = event as unknown as Record<string, { message?: string } | undefined>;
    const failure = EXCEPTION_MEMBERS.find((name) => members[name]);
    if (failure) throw streamException(failure, members[failure]);

    if (event.messageStart) {
      if (!roleSent) yield chunk({ content: '' });
    } else if (event.contentBlockStart) {
      const index = event.contentBlockStart.contentBlockIndex ?? 0;
      const toolUse = event.contentBlockStart.start?.toolUse;
      if (!toolUse) continue;
      if (ctx.jsonToolName && toolUse.name === ctx.jsonToolName) {
        blocks.set(index, { kind: 'json' });
        answeredThroughJsonTool = true;
        continue;
      }
      const toolIndex = nextToolIndex++;
      blocks.set(index, { kind: 'tool', toolIndex });
      yield chunk({ tool_calls: [{ index: toolIndex, id: toolUse.toolUseId, type: 'function', function: { name: toolUse.name, arguments: '' } }] });
    } else if (event.contentBlockDelta) {
      const index = event.contentBlockDelta.contentBlockIndex ?? 0;
      const delta = event.contentBlockDelta.delta;
      if (!delta) continue;
      if (typeof delta.text === 'string') {
        if (delta.text !== '') yield chunk({ content: delta.text });
      } else if (delta.toolUse) {
        const block = blocks.get(index);
        const input = delta.toolUse.input ?? '';
        if (input === '' || !block) continue;
        if (block.kind === 'json') yield chunk({ content: input });
        else yield chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: input } }] });
      } else if (delta.reasoningContent?.text) {
        yield chunk({ reasoning_content: delta.reasoningContent.text });
      }
      // reasoning signatures, redacted reasoning and citations have no OpenAI counterpart.
    } else if (event.messageStop) {
      finish = mapStopReason(event.messageStop.stopReason);
      if (answeredThroughJsonTool && nextToolIndex === 0 && finish === 'tool_calls') finish = 'stop';
      yield chunk({}, finish);
    } else if (event.metadata) {
      usage = event.metadata.usage;
    }
  }

  if (finish === undefined) {
    throw new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_stream_incomplete', message: 'bedrock: the stream ended before the model finished.', retryable: true });
  }
  const openAIUsage = toOpenAIUsage(usage);
  if (openAIUsage) yield { id: ctx.id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model, choices: [], usage: openAIUsage };
}

/** An exception member delivered as data rather than thrown; shaped like the SDK's own error. */
function streamException(member: string, body: { message?: string } | undefined): Error {
  const name = member.charAt(0).toUpperCase() + member.slice(1);
  return Object.assign(new Error(body?.message ?? name), { name });
}
