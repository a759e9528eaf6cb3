/**
 * The structural checks Bedrock's Converse API applies before a model sees the request, with
 * its own wording, so a translation bug in a provider fails here as it would against AWS
 * (ValidationException, 400) instead of being silently accepted.
 */

const BLOCK_KINDS = ['text', 'image', 'document', 'video', 'toolUse', 'toolResult', 'reasoningContent', 'cachePoint', 'guardContent', 'citationsContent'];
const IMAGE_FORMATS = ['png', 'jpeg', 'gif', 'webp'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function validateConverseRequest(body: unknown): string | undefined {
  if (!isObject(body)) return 'Malformed input request, please reformat your input and try again.';
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0 || !isObject(messages[0]) || messages[0].role !== 'user') {
    return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  }
  let usesTools = false;
  let pendingToolUseIds: string[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      return `1 validation error detected: Value at 'messages.${i + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`;
    }
    if (i > 0 && isObject(messages[i - 1]) && messages[i - 1].role === message.role) {
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    }
    if (!Array.isArray(message.content) || message.content.length === 0) {
      return `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`;
    }
    const toolResultIds: string[] = [];
    const toolUseIds: string[] = [];
    for (let j = 0; j < message.content.length; j++) {
      const problem = validateBlock(message.content[j], `messages.${i}.content.${j}`, message.role);
      if (problem) return problem;
      const block = message.content[j] as Record<string, Record<string, unknown>>;
      if (block.toolUse) toolUseIds.push(String(block.toolUse.toolUseId));
      if (block.toolResult) toolResultIds.push(String(block.toolResult.toolUseId));
    }
    if (toolUseIds.length > 0 || toolResultIds.length > 0) usesTools = true;
    if (message.role === 'user' && pendingToolUseIds.length > 0) {
      const missing = pendingToolUseIds.filter((id) => !toolResultIds.includes(id));
      if (missing.length > 0) return `Expected toolResult blocks at messages.${i}.content for the following Ids: ${missing.join(', ')}`;
    }
    pendingToolUseIds = message.role === 'assistant' ? toolUseIds : [];
  }
  if (usesTools && !isObject(body.toolConfig)) {
    return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  }
  return validateSystem(body.system) ?? validateInferenceConfig(body.inferenceConfig) ?? validateToolConfig(body.toolConfig);
}

function validateBlock(block: unknown, where: string, role: string): string | undefined {
  if (!isObject(block)) return `The ContentBlock object at ${where} is malformed.`;
  const kinds = Object.keys(block).filter((k) => block[k] !== undefined);
  if (kinds.length !== 1 || !BLOCK_KINDS.includes(kinds[0])) {
    return `The ContentBlock object at ${where} must set exactly one of the following keys: ${BLOCK_KINDS.join(', ')}.`;
  }
  const value = block[kinds[0]];
  switch (kinds[0]) {
    case 'text':
      if (typeof value !== 'string' || value.trim() === '') return `The text field in the ContentBlock object at ${where} is blank. Add text to the text field, and try again.`;
      return undefined;
    case 'image':
      if (!isObject(value) || !IMAGE_FORMATS.includes(String(value.format))) return `The format field in the ImageBlock object at ${where}.image must be one of ${IMAGE_FORMATS.join(', ')}.`;
      if (!isObject(value.source) || typeof value.source.bytes !== 'string' || value.source.bytes === '' || !BASE64.test(value.source.bytes)) {
        return `The source field in the ImageBlock object at ${where}.image must contain base64 bytes.`;
      }
      return undefined;
    case 'toolUse':
      if (role !== 'assistant') return `The toolUse content block at ${where} is only allowed in assistant messages.`;
      if (!isObject(value) || typeof value.toolUseId !== 'string' || typeof value.name !== 'string' || !isObject(value.input)) {
        return `The toolUse field in the ContentBlock object at ${where} needs toolUseId, name and an input object.`;
      }
      return undefined;
    case 'toolResult':
      if (role !== 'user') return `The toolResult content block at ${where} is only allowed in user messages.`;
      if (!isObject(value) || typeof value.toolUseId !== 'string' || !Array.isArray(value.content)) {
        return `The toolResult field in the ContentBlock object at ${where} needs toolUseId and content.`;
      }
      return undefined;
    default:
      return undefined;
  }
}

function validateSystem(system: unknown): string | undefined {
  if (system === undefined) return undefined;
  if (!Array.isArray(system)) return 'The system field must be a list of SystemContentBlock objects.';
  for (let i = 0; i < system.length; i++) {
    const block = system[i];
    if (!isObject(block)) return `The SystemContentBlock object at system.${i} is malformed.`;
    if ('text' in block && (typeof block.text !== 'string' || block.text.trim() === '')) {
      return `The text field in the SystemContentBlock object at system.${i} is blank. Add text to the text field, and try again.`;
    }
  }
  return undefined;
}

function validateInferenceConfig(config: unknown): string | undefined {
  if (config === undefined) return undefined;
  if (!isObject(config)) return 'The inferenceConfig field is malformed.';
  if (config.maxTokens !== undefined && (!Number.isInteger(config.maxTokens) || (config.maxTokens as number) < 1)) {
    return "1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1";
  }
  for (const key of ['temperature', 'topP'] as const) {
    const v = config[key];
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) {
      return `1 validation error detected: Value at 'inferenceConfig.${key}' failed to satisfy constraint: Member must have value less than or equal to 1`;
    }
  }
  if (config.stopSequences !== undefined && (!Array.isArray(config.stopSequences) || config.stopSequences.some((s) => typeof s !== 'string' || s === ''))) {
    return "1 validation error detected: Value at 'inferenceConfig.stopSequences' failed to satisfy constraint: Member must have length greater than or equal to 1";
  }
  return undefined;
}

function validateToolConfig(config: unknown): string | undefined {
  if (config === undefined) return undefined;
  if (!isObject(config) || !Array.isArray(config.tools) || config.tools.length === 0) {
    return "1 validation error detected: Value at 'toolConfig.tools' failed to satisfy constraint: Member must have length greater than or equal to 1";
  }
  const names: string[] = [];
  for (let i = 0; i < config.tools.length; i++) {
    const tool = config.tools[i];
    const spec = isObject(tool) ? tool.toolSpec : undefined;
    if (!isObject(spec) || typeof spec.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) {
      return `1 validation error detected: Value at 'toolConfig.tools.${i + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`;
    }
    if (!isObject(spec.inputSchema) || !isObject(spec.inputSchema.json)) {
      return `The inputSchema field in the ToolSpecification object at toolConfig.tools.${i} must contain a json schema object.`;
    }
    names.push(spec.name);
  }
  const choice = config.toolChoice;
  if (choice !== undefined) {
    if (!isObject(choice) || Object.keys(choice).length !== 1 || !['auto', 'any', 'tool'].includes(Object.keys(choice)[0])) {
      return 'The toolChoice field must set exactly one of the following keys: auto, any, tool.';
    }
    if (isObject(choice.tool) && !names.includes(String(choice.tool.name))) {
      return `The tool ${String(choice.tool.name)} named in toolConfig.toolChoice is not defined in toolConfig.tools.`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
