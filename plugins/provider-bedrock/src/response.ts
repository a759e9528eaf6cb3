import type { ContentBlock, ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletion, ChatCompletionMessage, FinishReason, ToolCall } from '@switchyard/plugin-kit';
import { mapStopReason } from './finish-reason';
import { toOpenAIUsage } from './usage';

export interface ResponseContext {
  id: string;
  model: string;
  created: number;
  /** The synthetic response_format tool, whose input is the answer's JSON content. */
  jsonToolName?: string;
}

/** A Converse response -> an OpenAI chat completion. */
export function toChatCompletion(output: Pick<ConverseCommandOutput, 'output' | 'stopReason' | 'usage'>, ctx: ResponseContext): ChatCompletion {
  const blocks: ContentBlock[] = output.output?.message?.content ?? [];
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  let jsonAnswer: string | undefined;

  for (const block of blocks) {
    if (typeof block.text === 'string') texts.push(block.text);
    else if (block.reasoningContent?.reasoningText?.text) reasoning.push(block.reasoningContent.reasoningText.text);
    else if (block.toolUse) {
      const args = JSON.stringify(block.toolUse.input ?? {});
      if (ctx.jsonToolName && block.toolUse.name === ctx.jsonToolName) jsonAnswer = args;
      else toolCalls.push({ id: block.toolUse.toolUseId ?? '', type: 'function', function: { name: block.toolUse.name ?? '', arguments: args } });
    }
  }

  let finish: FinishReason = mapStopReason(output.stopReason);
  // An answer delivered through the JSON tool is a normal stop, not a tool call for the client.
  if (jsonAnswer !== undefined && toolCalls.length === 0 && finish === 'tool_calls') finish = 'stop';

  const content = jsonAnswer ?? (texts.length > 0 ? texts.join('') : toolCalls.length > 0 ? null : '');
  const message: ChatCompletionMessage = { role: 'assistant', content, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('');

  const completion: ChatCompletion = {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
  };
  const usage = toOpenAIUsage(output.usage);
  if (usage) completion.usage = usage;
  return completion;
}
