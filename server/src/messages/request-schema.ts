/**
 * JSON Schema of the Messages request /v1/messages accepts. It checks what the conversion relies
 * on (types, required fields, ranges). Unknown top-level fields are refused, as Anthropic's API
 * does, so a client never believes a feature ran when the gateway ignored it; the few fields the
 * gateway accepts and drops are listed in `DROPPED_FIELDS` and reported in a response header.
 */

const cacheControl = { type: ['object', 'null'] };

const textBlock = {
  type: 'object',
  required: ['type', 'text'],
  properties: { type: { const: 'text' }, text: { type: 'string' }, cache_control: cacheControl, citations: {} },
};

const imageSource = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['base64', 'url', 'file'] },
    media_type: { enum: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] },
    data: { type: 'string', minLength: 1 },
    url: { type: 'string', minLength: 1 },
    file_id: { type: 'string' },
  },
  allOf: [
    { if: { properties: { type: { const: 'base64' } } }, then: { required: ['media_type', 'data'] } },
    { if: { properties: { type: { const: 'url' } } }, then: { required: ['url'] } },
    { if: { properties: { type: { const: 'file' } } }, then: { required: ['file_id'] } },
  ],
};

const imageBlock = {
  type: 'object',
  required: ['type', 'source'],
  properties: { type: { const: 'image' }, source: imageSource, cache_control: cacheControl },
};

const documentBlock = {
  type: 'object',
  required: ['type', 'source'],
  properties: {
    type: { const: 'document' },
    source: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['base64', 'text', 'url', 'content', 'file'] }, media_type: { type: 'string' }, data: { type: 'string' }, url: { type: 'string' } },
    },
    title: { type: ['string', 'null'] },
    context: { type: ['string', 'null'] },
    cache_control: cacheControl,
    citations: {},
  },
};

const toolUseBlock = {
  type: 'object',
  required: ['type', 'id', 'name', 'input'],
  properties: { type: { const: 'tool_use' }, id: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 }, input: { type: 'object' }, cache_control: cacheControl },
};

const toolResultBlock = {
  type: 'object',
  required: ['type', 'tool_use_id'],
  properties: {
    type: { const: 'tool_result' },
    tool_use_id: { type: 'string', minLength: 1 },
    content: {
      anyOf: [
        { type: 'string' },
        { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { enum: ['text', 'image', 'document', 'search_result'] } } } },
      ],
    },
    is_error: { type: 'boolean' },
    cache_control: cacheControl,
  },
};

const thinkingBlock = {
  type: 'object',
  required: ['type', 'thinking'],
  properties: { type: { const: 'thinking' }, thinking: { type: 'string' }, signature: { type: 'string' } },
};

const redactedThinkingBlock = {
  type: 'object',
  required: ['type', 'data'],
  properties: { type: { const: 'redacted_thinking' }, data: { type: 'string' } },
};

// Dispatch on `type` with if/then, so an error names the field that is wrong, not "anyOf failed".
const BLOCKS: Record<string, object> = {
  text: textBlock,
  image: imageBlock,
  document: documentBlock,
  tool_use: toolUseBlock,
  tool_result: toolResultBlock,
  thinking: thinkingBlock,
  redacted_thinking: redactedThinkingBlock,
};

const inputBlock = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string' } },
  allOf: Object.entries(BLOCKS).map(([type, schema]) => ({ if: { properties: { type: { const: type } } }, then: schema })),
};

const message = {
  type: 'object',
  required: ['role', 'content'],
  additionalProperties: false,
  properties: {
    role: { enum: ['user', 'assistant'] },
    content: { anyOf: [{ type: 'string' }, { type: 'array', items: inputBlock }] },
  },
};

const tool = {
  type: 'object',
  required: ['name'],
  properties: {
    type: { type: ['string', 'null'] },
    name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,128}$' },
    description: { type: 'string' },
    input_schema: { type: 'object' },
    strict: { type: 'boolean' },
    cache_control: cacheControl,
  },
};

const toolChoice = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['auto', 'any', 'tool', 'none'] },
    name: { type: 'string', minLength: 1 },
    disable_parallel_tool_use: { type: 'boolean' },
  },
  if: { properties: { type: { const: 'tool' } } },
  then: { required: ['name'] },
};

const thinking = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['enabled', 'disabled', 'adaptive'] },
    budget_tokens: { type: 'integer', minimum: 1024 },
    display: { type: ['string', 'null'] },
  },
  if: { properties: { type: { const: 'enabled' } } },
  then: { required: ['budget_tokens'] },
};

const outputConfig = {
  type: 'object',
  additionalProperties: false,
  properties: {
    effort: { enum: ['low', 'medium', 'high', 'xhigh', 'max', null] },
    format: {
      type: ['object', 'null'],
      required: ['type', 'schema'],
      properties: { type: { const: 'json_schema' }, schema: { type: 'object' } },
    },
  },
};

/** Accepted for compatibility but not acted on; each one is named in `x-switchyard-dropped-params`. */
export const DROPPED_FIELDS = ['top_k', 'service_tier', 'cache_control', 'inference_geo', 'speed'] as const;

export const messagesRequestSchema = {
  type: 'object',
  required: ['model', 'max_tokens', 'messages'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    max_tokens: { type: 'integer', minimum: 1 },
    messages: { type: 'array', items: message },
    system: { anyOf: [{ type: 'string' }, { type: 'array', items: textBlock }] },
    stop_sequences: { type: 'array', items: { type: 'string' } },
    temperature: { type: 'number', minimum: 0, maximum: 1 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 0 },
    metadata: { type: 'object', additionalProperties: false, properties: { user_id: { type: ['string', 'null'], maxLength: 256 } } },
    stream: { type: 'boolean' },
    tools: { type: 'array', items: tool },
    tool_choice: toolChoice,
    thinking,
    output_config: outputConfig,
    service_tier: { enum: ['auto', 'standard_only'] },
    cache_control: cacheControl,
    inference_geo: { type: ['string', 'null'] },
    speed: { enum: ['standard', 'fast', null] },
  },
};
