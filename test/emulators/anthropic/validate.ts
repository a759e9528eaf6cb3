/**
 * The checks api.anthropic.com makes on a Messages request that a translation bug would trip:
 * required fields, roles, block shapes, tool_use/tool_result pairing, tool definitions,
 * tool_choice and thinking rules. Each failure is the message of a 400 invalid_request_error,
 * worded like the real one. Returns undefined for a request the API would accept.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

function checkBlock(block: unknown, where: string, role: string): string | undefined {
  if (!isObject(block)) return `${where}: Input should be a valid dictionary or object to extract fields from`;
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') return `${where}.text: Field required`;
      if (block.text === '') return 'messages: text content blocks must be non-empty';
      return undefined;
    case 'image': {
      if (role !== 'user') return `${where}.type: image blocks are only allowed in user messages`;
      const source = block.source;
      if (!isObject(source)) return `${where}.image.source: Field required`;
      if (source.type === 'base64') {
        if (!IMAGE_TYPES.includes(source.media_type as string)) return `${where}.image.source.base64.media_type: Input should be ${IMAGE_TYPES.map((t) => `'${t}'`).join(', ')}`;
        if (typeof source.data !== 'string' || source.data === '') return `${where}.image.source.base64.data: Field required`;
        return undefined;
      }
      if (source.type === 'url') return typeof source.url === 'string' && /^https?:\/\//.test(source.url) ? undefined : `${where}.image.source.url.url: Input should be a valid URL`;
      return `${where}.image.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'file', 'url'`;
    }
    case 'document':
      return isObject(block.source) ? undefined : `${where}.document.source: Field required`;
    case 'tool_use':
      if (role !== 'assistant') return `${where}: tool_use blocks are only allowed in assistant messages`;
      if (typeof block.id !== 'string' || block.id === '') return `${where}.tool_use.id: Field required`;
      if (typeof block.name !== 'string' || !TOOL_NAME.test(block.name)) return `${where}.tool_use.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      if (!isObject(block.input)) return `${where}.tool_use.input: Input should be a valid dictionary`;
      return undefined;
    case 'tool_result':
      if (role !== 'user') return `${where}: tool_result blocks are only allowed in user messages`;
      if (typeof block.tool_use_id !== 'string') return `${where}.tool_result.tool_use_id: Field required`;
      if (block.content !== undefined && typeof block.content !== 'string' && !Array.isArray(block.content)) return `${where}.tool_result.content: Input should be a valid string or list`;
      return undefined;
    case 'thinking':
    case 'redacted_thinking':
      return role === 'assistant' ? undefined : `${where}: thinking blocks are only allowed in assistant messages`;
    default:
      return `${where}: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags`;
  }
}

function blocksOf(content: unknown): Json[] {
  return Array.isArray(content) ? content.filter(isObject) : [];
}

function checkMessages(messages: unknown): string | undefined {
  if (messages === undefined) return 'messages: Field required';
  if (!Array.isArray(messages)) return 'messages: Input should be a valid list';
  if (messages.length === 0) return 'messages: at least one message is required';
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message)) return `messages.${i}: Input should be a valid dictionary`;
    if (message.role !== 'user' && message.role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (typeof message.content === 'string') {
      if (message.content === '' && !(message.role === 'assistant' && i === messages.length - 1)) return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
      continue;
    }
    if (!Array.isArray(message.content)) return `messages.${i}.content: Input should be a valid string or list`;
    if (message.content.length === 0 && !(message.role === 'assistant' && i === messages.length - 1)) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    for (let j = 0; j < message.content.length; j++) {
      const problem = checkBlock(message.content[j], `messages.${i}.content.${j}`, message.role);
      if (problem) return problem;
    }
  }
  return checkToolPairing(messages as Json[]);
}

/** Every tool_use is answered in the very next (user) message, and every tool_result answers one. */
function checkToolPairing(messages: Json[]): string | undefined {
  for (let i = 0; i < messages.length; i++) {
    const blocks = blocksOf(messages[i].content);
    if (messages[i].role === 'user') {
      const results = blocks.filter((b) => b.type === 'tool_result');
      if (results.length === 0) continue;
      const firstOther = blocks.findIndex((b) => b.type !== 'tool_result');
      if (firstOther !== -1 && blocks.slice(firstOther).some((b) => b.type === 'tool_result')) {
        return `messages.${i}.content: tool_result blocks must come before any other content in a user message`;
      }
      const previous = i > 0 && messages[i - 1].role === 'assistant' ? blocksOf(messages[i - 1].content) : [];
      const ids = new Set(previous.filter((b) => b.type === 'tool_use').map((b) => b.id));
      for (let j = 0; j < blocks.length; j++) {
        const block = blocks[j];
        if (block.type === 'tool_result' && !ids.has(block.tool_use_id)) {
          return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
      }
    } else if (i + 1 < messages.length) {
      const uses = blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
      if (uses.length === 0) continue;
      const next = messages[i + 1].role === 'user' ? blocksOf(messages[i + 1].content) : [];
      const answered = new Set(next.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id));
      const missing = uses.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
  }
  return undefined;
}

function checkTools(tools: unknown, toolChoice: unknown): string | undefined {
  const names = new Set<string>();
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
    for (let i = 0; i < tools.length; i++) {
      const tool = tools[i];
      if (!isObject(tool)) return `tools.${i}: Input should be a valid dictionary`;
      if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      if (!isObject(tool.input_schema)) return `tools.${i}.custom.input_schema: Field required`;
      if (tool.input_schema.type !== 'object') return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
      if (names.has(tool.name)) return 'tools: Tool names must be unique.';
      names.add(tool.name);
    }
  }
  if (toolChoice === undefined) return undefined;
  if (!isObject(toolChoice)) return 'tool_choice: Input should be a valid dictionary';
  if (!['auto', 'any', 'tool', 'none'].includes(toolChoice.type as string)) {
    return `tool_choice: Input tag '${String(toolChoice.type)}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`;
  }
  if (toolChoice.type === 'tool' && !names.has(toolChoice.name as string)) return `Tool '${String(toolChoice.name)}' not found in provided tools`;
  if (names.size === 0 && toolChoice.type !== 'none') return 'tool_choice may only be specified while providing tools.';
  return undefined;
}

function checkThinking(body: Json, maxTokens: number): string | undefined {
  const thinking = body.thinking;
  if (thinking === undefined) return undefined;
  if (!isObject(thinking)) return 'thinking: Input should be a valid dictionary';
  if (thinking.type === 'disabled' || thinking.type === 'adaptive') return undefined;
  if (thinking.type !== 'enabled') return `thinking: Input tag '${String(thinking.type)}' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'`;
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || !Number.isInteger(budget)) return 'thinking.enabled.budget_tokens: Field required';
  if (budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if (maxTokens <= budget) return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
  const choice = body.tool_choice as Json | undefined;
  if (choice && (choice.type === 'any' || choice.type === 'tool')) return 'Thinking may not be enabled when `tool_choice` forces tool use.';
  if (body.temperature !== undefined && body.temperature !== 1) return '`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility';
  return undefined;
}

export function validateMessagesRequest(body: unknown): string | undefined {
  if (!isObject(body)) return 'Input should be a valid dictionary';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (body.max_tokens === undefined) return 'max_tokens: Field required';
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) return 'max_tokens: Input should be a valid integer';
  if (body.max_tokens < 1) return 'max_tokens: Input should be greater than or equal to 1';
  const messagesProblem = checkMessages(body.messages);
  if (messagesProblem) return messagesProblem;
  if (body.system !== undefined && typeof body.system !== 'string') {
    if (!Array.isArray(body.system)) return 'system: Input should be a valid string or list';
    for (let i = 0; i < body.system.length; i++) {
      const block = body.system[i];
      if (!isObject(block) || block.type !== 'text' || typeof block.text !== 'string') return `system.${i}: Input should be a text block`;
      if (block.text === '') return 'system: text content blocks must be non-empty';
    }
  }
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 1)) {
    return 'temperature: Input should be less than or equal to 1';
  }
  if (body.top_p !== undefined && (typeof body.top_p !== 'number' || body.top_p < 0 || body.top_p > 1)) return 'top_p: Input should be less than or equal to 1';
  if (body.stop_sequences !== undefined) {
    if (!Array.isArray(body.stop_sequences) || body.stop_sequences.some((s) => typeof s !== 'string')) return 'stop_sequences: Input should be a valid list';
    if (body.stop_sequences.some((s) => (s as string).trim() === '')) return 'stop_sequences: each stop sequence must contain non-whitespace';
  }
  const toolProblem = checkTools(body.tools, body.tool_choice);
  if (toolProblem) return toolProblem;
  return checkThinking(body, body.max_tokens);
}
