import type { ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { errors } from '@switchyard/plugin-kit';
import type { ChatCompletionRequest } from '@switchyard/plugin-kit';
import type { ImageResolver } from './image-input';
import { isAnthropicModel, planInference } from './inference';
import { convertMessages } from './messages';
import { planTools } from './tools';

export interface ConverseRequestPlan {
  input: ConverseCommandInput;
  jsonToolName?: string;
}

/** A canonical chat request -> the input of Converse / ConverseStream (both take the same shape). */
export async function buildConverseInput(request: ChatCompletionRequest, modelId: string, resolveImage: ImageResolver): Promise<ConverseRequestPlan> {
  const tools = planTools(request);
  const inference = planInference(request, modelId);
  if (inference.thinking && tools.forcesToolUse && isAnthropicModel(modelId)) {
    // Anthropic refuses forced tool use with extended thinking; say so instead of passing on its 400.
    throw errors.unsupported(
      'reasoning_effort cannot be combined with a forced tool (tool_choice "required" or a named function, or response_format JSON) on Anthropic models.',
      'reasoning_effort',
    );
  }
  const { system, messages } = await convertMessages(request.messages, { resolveImage, toolsAvailable: Boolean(tools.toolConfig) });
  const input: ConverseCommandInput = { modelId, messages };
  if (system.length > 0) input.system = system;
  if (inference.inferenceConfig) input.inferenceConfig = inference.inferenceConfig;
  if (tools.toolConfig) input.toolConfig = tools.toolConfig;
  if (inference.additionalModelRequestFields) input.additionalModelRequestFields = inference.additionalModelRequestFields as never;
  return { input, jsonToolName: tools.jsonToolName };
}
