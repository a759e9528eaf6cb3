/**
 * JSON Schemas of the requests /v1 accepts. They check what the gateway relies on (types,
 * required fields, ranges) and leave unknown top-level fields alone, since the canonical form is
 * OpenAI's and new upstream parameters should pass through.
 */

const textPart = {
  type: 'object',
  required: ['type', 'text'],
  properties: { type: { const: 'text' }, text: { type: 'string' } },
};

const contentPart = {
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['text', 'image_url', 'input_audio', 'file'] },
    text: { type: 'string' },
    image_url: {
      type: 'object',
      required: ['url'],
      properties: { url: { type: 'string', minLength: 1 }, detail: { enum: ['auto', 'low', 'high'] } },
    },
    input_audio: { type: 'object', required: ['data', 'format'], properties: { data: { type: 'string' }, format: { type: 'string' } } },
  },
  allOf: [
    { if: { properties: { type: { const: 'text' } } }, then: { required: ['text'] } },
    { if: { properties: { type: { const: 'image_url' } } }, then: { required: ['image_url'] } },
    { if: { properties: { type: { const: 'input_audio' } } }, then: { required: ['input_audio'] } },
  ],
};

const toolCall = {
  type: 'object',
  required: ['id', 'type', 'function'],
  properties: {
    id: { type: 'string' },
    type: { const: 'function' },
    function: { type: 'object', required: ['name', 'arguments'], properties: { name: { type: 'string' }, arguments: { type: 'string' } } },
  },
};

const message = {
  type: 'object',
  required: ['role'],
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
    name: { type: 'string' },
  },
  allOf: [
    {
      if: { properties: { role: { enum: ['system', 'developer'] } } },
      then: { required: ['content'], properties: { content: { anyOf: [{ type: 'string' }, { type: 'array', items: textPart }] } } },
    },
    {
      if: { properties: { role: { const: 'user' } } },
      then: { required: ['content'], properties: { content: { anyOf: [{ type: 'string' }, { type: 'array', items: contentPart }] } } },
    },
    {
      if: { properties: { role: { const: 'assistant' } } },
      then: {
        properties: {
          content: { anyOf: [{ type: 'string' }, { type: 'null' }, { type: 'array', items: textPart }] },
          tool_calls: { type: 'array', items: toolCall },
        },
      },
    },
    {
      if: { properties: { role: { const: 'tool' } } },
      then: {
        required: ['content', 'tool_call_id'],
        properties: { tool_call_id: { type: 'string' }, content: { anyOf: [{ type: 'string' }, { type: 'array', items: textPart }] } },
      },
    },
  ],
};

const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });

export const chatCompletionRequestSchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    messages: { type: 'array', minItems: 1, items: message },
    stream: nullable({ type: 'boolean' }),
    stream_options: nullable({ type: 'object', properties: { include_usage: { type: 'boolean' } } }),
    temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
    top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
    n: nullable({ type: 'integer', minimum: 1, maximum: 128 }),
    max_tokens: nullable({ type: 'integer', minimum: 1 }),
    max_completion_tokens: nullable({ type: 'integer', minimum: 1 }),
    presence_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
    frequency_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
    seed: nullable({ type: 'integer' }),
    stop: nullable({ anyOf: [{ type: 'string' }, { type: 'array', maxItems: 4, items: { type: 'string' } }] }),
    user: { type: 'string' },
    tools: {
      type: 'array',
      maxItems: 128,
      items: {
        type: 'object',
        required: ['type', 'function'],
        properties: {
          type: { const: 'function' },
          function: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
              description: { type: 'string' },
              parameters: { type: 'object' },
              strict: nullable({ type: 'boolean' }),
            },
          },
        },
      },
    },
    tool_choice: {
      anyOf: [
        { enum: ['none', 'auto', 'required'] },
        { type: 'object', required: ['type', 'function'], properties: { type: { const: 'function' }, function: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
      ],
    },
    parallel_tool_calls: { type: 'boolean' },
    response_format: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { enum: ['text', 'json_object', 'json_schema'] },
        json_schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, schema: { type: 'object' }, strict: nullable({ type: 'boolean' }) } },
      },
      if: { properties: { type: { const: 'json_schema' } } },
      then: { required: ['json_schema'] },
    },
    reasoning_effort: nullable({ enum: ['minimal', 'low', 'medium', 'high'] }),
    metadata: nullable({ type: 'object', additionalProperties: { type: 'string' } }),
    logprobs: nullable({ type: 'boolean' }),
    top_logprobs: nullable({ type: 'integer', minimum: 0, maximum: 20 }),
  },
};

/**
 * Well above any embedding model's output size (the largest are a few thousand); without a bound,
 * `dimensions: 1e300` passes as an integer and a provider that builds the vector itself (the mock)
 * tries to allocate it.
 */
export const EMBEDDING_DIMENSIONS_MAX = 16_384;

export const embeddingRequestSchema = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    input: {
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, maxItems: 2048, items: { type: 'string' } },
        { type: 'array', minItems: 1, items: { type: 'integer' } },
        { type: 'array', minItems: 1, items: { type: 'array', minItems: 1, items: { type: 'integer' } } },
      ],
    },
    encoding_format: { enum: ['float', 'base64'] },
    dimensions: { type: 'integer', minimum: 1, maximum: EMBEDDING_DIMENSIONS_MAX },
    user: { type: 'string' },
  },
};

export const imageGenerationRequestSchema = {
  type: 'object',
  required: ['prompt'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 256 },
    prompt: { type: 'string', minLength: 1, maxLength: 32000 },
    n: nullable({ type: 'integer', minimum: 1, maximum: 10 }),
    size: nullable({ type: 'string' }),
    quality: nullable({ type: 'string' }),
    style: nullable({ type: 'string' }),
    response_format: nullable({ enum: ['url', 'b64_json'] }),
    user: { type: 'string' },
  },
};
