import type { FunctionCallingConfigMode, FunctionDeclaration, GenerateContentConfig, GenerateContentParameters, ThinkingConfig, ToolConfig } from '@google/genai';
import { errors, type ChatCompletionRequest, type FunctionTool, type ResponseFormat, type ToolChoice } from '@switchyard/plugin-kit';
import { toGeminiConversation } from './convert-messages';
import { toGeminiSchema } from './schema';

export interface RequestOptions {
  /** Send JSON Schemas untouched (parametersJsonSchema / responseJsonSchema) instead of converting them. */
  jsonSchemaPassthrough: boolean;
}

/**
 * Thinking budgets (tokens) for OpenAI's reasoning_effort. Every value is inside the range all
 * thinking models accept (Flash-Lite's minimum is 512, 2.5 Pro cannot go to 0), except `none`,
 * which turns thinking off where the model allows it.
 */
const THINKING_BUDGET: Record<string, number> = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576 };

/** The generateContent parameters (as the SDK takes them) for an OpenAI chat request. */
export function toGenerateContentParams(request: ChatCompletionRequest, model: string, options: RequestOptions): GenerateContentParameters {
  const { contents, systemInstruction } = toGeminiConversation(request.messages ?? []);
  const config: GenerateContentConfig = {
    // The gateway owns retries and tool execution; the SDK must not add hops of its own.
    automaticFunctionCalling: { disable: true },
    automaticContinuation: false,
  };
  if (systemInstruction) config.systemInstruction = systemInstruction;
  setIf(config, 'temperature', request.temperature);
  setIf(config, 'topP', request.top_p);
  setIf(config, 'candidateCount', request.n);
  setIf(config, 'maxOutputTokens', request.max_completion_tokens ?? request.max_tokens);
  setIf(config, 'presencePenalty', request.presence_penalty);
  setIf(config, 'frequencyPenalty', request.frequency_penalty);
  setIf(config, 'seed', request.seed);
  const stop = request.stop;
  if (typeof stop === 'string') config.stopSequences = [stop];
  else if (Array.isArray(stop) && stop.length > 0) config.stopSequences = stop;

  if (request.logprobs === true) {
    config.responseLogprobs = true;
    setIf(config, 'logprobs', request.top_logprobs);
  }
  if (request.logit_bias && Object.keys(request.logit_bias).length > 0) {
    throw errors.unsupported('logit_bias is not supported by Gemini.', 'logit_bias');
  }

  applyResponseFormat(config, request.response_format, options);
  applyTools(config, request.tools, request.tool_choice, options);
  const thinking = thinkingConfig(request.reasoning_effort);
  if (thinking) config.thinkingConfig = thinking;

  return { model, contents, config };
}

function setIf<K extends keyof GenerateContentConfig>(config: GenerateContentConfig, key: K, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) config[key] = value as GenerateContentConfig[K];
}

function applyResponseFormat(config: GenerateContentConfig, format: ResponseFormat | undefined, options: RequestOptions): void {
  if (!format || format.type === 'text') return;
  config.responseMimeType = 'application/json';
  if (format.type !== 'json_schema') return;
  const schema = format.json_schema?.schema;
  if (!schema) return;
  if (options.jsonSchemaPassthrough) config.responseJsonSchema = schema;
  else {
    const converted = toGeminiSchema(schema);
    if (converted) config.responseSchema = converted;
  }
}

function applyTools(config: GenerateContentConfig, tools: FunctionTool[] | undefined, choice: ToolChoice | undefined, options: RequestOptions): void {
  if (tools && tools.length > 0) {
    const declarations = tools.map((tool, i) => declaration(tool, i, options));
    config.tools = [{ functionDeclarations: declarations }];
  }
  const toolConfig = toolConfigOf(choice);
  if (toolConfig) config.toolConfig = toolConfig;
}

function declaration(tool: FunctionTool, index: number, options: RequestOptions): FunctionDeclaration {
  if (tool?.type !== 'function' || !tool.function?.name) {
    throw errors.unsupported(`tools[${index}]: only function tools are supported by Gemini.`, `tools[${index}].type`);
  }
  const out: FunctionDeclaration = { name: tool.function.name };
  if (tool.function.description) out.description = tool.function.description;
  const parameters = tool.function.parameters;
  if (parameters && options.jsonSchemaPassthrough) out.parametersJsonSchema = parameters;
  else if (parameters) {
    const converted = toGeminiSchema(parameters);
    if (converted) out.parameters = converted;
  }
  return out;
}

/** A FunctionCallingConfigMode by its value, so this module needs only the SDK's types (see sdk.ts). */
function mode(value: `${FunctionCallingConfigMode}`): FunctionCallingConfigMode {
  return value as FunctionCallingConfigMode;
}

/** tool_choice to functionCallingConfig: auto, none, required (ANY), or one named function. */
function toolConfigOf(choice: ToolChoice | undefined): ToolConfig | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: mode('AUTO') } };
  if (choice === 'none') return { functionCallingConfig: { mode: mode('NONE') } };
  if (choice === 'required') return { functionCallingConfig: { mode: mode('ANY') } };
  if (typeof choice === 'object' && choice.type === 'function' && choice.function?.name) {
    return { functionCallingConfig: { mode: mode('ANY'), allowedFunctionNames: [choice.function.name] } };
  }
  throw errors.invalidRequest('tool_choice must be none, auto, required or {type: "function", function: {name}}.', 'tool_choice');
}

/**
 * reasoning_effort to a thinking budget, with the thoughts' summaries returned (they become
 * reasoning_content). Without reasoning_effort the model keeps its default thinking and no
 * thought text is asked for.
 */
function thinkingConfig(effort: string | null | undefined): ThinkingConfig | undefined {
  if (effort === undefined || effort === null) return undefined;
  const budget = THINKING_BUDGET[effort];
  if (budget === undefined) {
    throw errors.invalidRequest(`reasoning_effort '${effort}' is not one of none, minimal, low, medium, high.`, 'reasoning_effort');
  }
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
}
