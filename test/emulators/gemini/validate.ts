/**
 * The checks generativelanguage.googleapis.com applies to a GenerateContentRequest before a model
 * sees it, with Google's wording, so a translation bug in a provider fails here as it would
 * against Google (400 INVALID_ARGUMENT) instead of being silently accepted. Unknown fields are
 * refused the way Google's JSON parser refuses them ("Unknown name ... Cannot find field").
 */

type Json = Record<string, unknown>;

const REQUEST_FIELDS = new Set(['model', 'contents', 'systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'generationConfig', 'cachedContent', 'serviceTier', 'store', 'continuationToken']);
const GENERATION_FIELDS = new Set([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount', 'maxOutputTokens',
  'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs', 'logprobs', 'enableEnhancedCivicAnswers',
  'speechConfig', 'thinkingConfig', 'imageConfig', 'mediaResolution',
]);
const THINKING_FIELDS = new Set(['includeThoughts', 'thinkingBudget', 'thinkingLevel']);
const PART_DATA_FIELDS = ['text', 'inlineData', 'functionCall', 'functionResponse', 'fileData', 'executableCode', 'codeExecutionResult'];
const PART_FIELDS = new Set([...PART_DATA_FIELDS, 'thought', 'thoughtSignature', 'videoMetadata', 'partMetadata', 'mediaResolution']);
const SCHEMA_FIELDS = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required', 'minProperties',
  'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default', 'items', 'minimum', 'maximum',
]);
const SCHEMA_TYPES = new Set(['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);
const DECLARATION_FIELDS = new Set(['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior']);
const CALLING_MODES = new Set(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export interface ValidationOptions {
  /** Gemini 3 models demand the thought signature they issued back on function calls of the current turn. */
  requireThoughtSignatures: boolean;
  /** Signatures the emulator issued (plus Google's documented skip value) count as valid. */
  knownSignatures: Set<string>;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Proto JSON accepts both lowerCamel and snake_case field names. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function unknownField(fields: Set<string>, value: Json, at: string | undefined): string | undefined {
  for (const key of Object.keys(value)) {
    if (!fields.has(camel(key))) return `Invalid JSON payload received. Unknown name "${key}"${at ? ` at '${at}'` : ''}: Cannot find field.`;
  }
  return undefined;
}

function field(value: Json, name: string): unknown {
  if (name in value) return value[name];
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return value[snake];
}

/** Returns Google's error message for the first problem found, or undefined for a valid request. */
export function validateGenerateContent(body: unknown, options: ValidationOptions): string | undefined {
  if (!isObject(body)) return 'Invalid JSON payload received. Expected an object.';
  return (
    unknownField(REQUEST_FIELDS, body, undefined) ??
    validateContents(field(body, 'contents'), options) ??
    validateSystemInstruction(field(body, 'systemInstruction')) ??
    validateGenerationConfig(field(body, 'generationConfig')) ??
    validateTools(field(body, 'tools')) ??
    validateToolConfig(field(body, 'toolConfig'))
  );
}

function validateContents(contents: unknown, options: ValidationOptions): string | undefined {
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified\n';
  for (let i = 0; i < contents.length; i++) {
    const content = contents[i];
    if (!isObject(content)) return `Invalid value at 'contents[${i}]', expected an object.`;
    const role = content.role;
    if (role !== undefined && role !== 'user' && role !== 'model') return 'Please use a valid role: user, model.';
    const parts = content.parts;
    if (!Array.isArray(parts) || parts.length === 0) return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`;
    for (let j = 0; j < parts.length; j++) {
      const problem = validatePart(parts[j], `contents[${i}].parts[${j}]`);
      if (problem) return problem;
    }
  }
  return validateTurnOrder(contents as Json[]) ?? (options.requireThoughtSignatures ? validateSignatures(contents as Json[], options.knownSignatures) : undefined);
}

function validatePart(part: unknown, at: string): string | undefined {
  if (!isObject(part)) return `Invalid value at '${at}', expected an object.`;
  const unknown = unknownField(PART_FIELDS, part, at);
  if (unknown) return unknown;
  const data = PART_DATA_FIELDS.filter((name) => field(part, name) !== undefined);
  if (data.length !== 1) return `* GenerateContentRequest.${at}.data: required oneof field 'data' must have one initialized field\n`;
  const inline = field(part, 'inlineData');
  if (inline !== undefined) {
    if (!isObject(inline) || typeof field(inline, 'mimeType') !== 'string') return `* GenerateContentRequest.${at}.inline_data.mime_type: mime_type is not specified\n`;
    const bytes = field(inline, 'data');
    if (typeof bytes !== 'string' || !BASE64.test(bytes)) {
      return `Invalid value at '${at}.inline_data.data' (TYPE_BYTES), Base64 decoding failed for "${String(bytes).slice(0, 40)}"`;
    }
  }
  const file = field(part, 'fileData');
  if (file !== undefined && (!isObject(file) || typeof field(file, 'fileUri') !== 'string')) return `* GenerateContentRequest.${at}.file_data.file_uri: file_uri is not specified\n`;
  const call = field(part, 'functionCall');
  if (call !== undefined && (!isObject(call) || typeof call.name !== 'string' || call.name === '')) return `* GenerateContentRequest.${at}.function_call.name: name is not specified\n`;
  const response = field(part, 'functionResponse');
  if (response !== undefined) {
    if (!isObject(response) || typeof response.name !== 'string' || response.name === '') return `* GenerateContentRequest.${at}.function_response.name: name is not specified\n`;
    if (response.response !== undefined && !isObject(response.response)) return `Invalid value at '${at}.function_response.response' (type.googleapis.com/google.protobuf.Struct), expected an object.`;
  }
  const signature = field(part, 'thoughtSignature');
  if (signature !== undefined && (typeof signature !== 'string' || !BASE64.test(signature))) {
    return `Invalid value at '${at}.thought_signature' (TYPE_BYTES), Base64 decoding failed for "${String(signature).slice(0, 40)}"`;
  }
  return undefined;
}

function partsOf(content: Json): Json[] {
  return (content.parts as Json[]) ?? [];
}

const hasCall = (content: Json) => partsOf(content).some((p) => field(p, 'functionCall') !== undefined);
const responseCount = (content: Json) => partsOf(content).filter((p) => field(p, 'functionResponse') !== undefined).length;

/**
 * A function call turn must follow a user turn or a function response turn, and the next turn
 * must answer every call of it.
 */
function validateTurnOrder(contents: Json[]): string | undefined {
  for (let i = 0; i < contents.length; i++) {
    const content = contents[i];
    if (content.role !== 'model' || !hasCall(content)) continue;
    const previous = contents[i - 1];
    if (i === 0 || previous.role === 'model') {
      return 'Please ensure that function call turn comes immediately after a user turn or after a function response turn.';
    }
    const next = contents[i + 1];
    if (next && responseCount(next) > 0) {
      const calls = partsOf(content).filter((p) => field(p, 'functionCall') !== undefined).length;
      if (responseCount(next) !== calls) {
        return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
      }
    }
  }
  return undefined;
}

/**
 * Gemini 3: in the current turn (everything after the last user message with text), the first
 * function call of each model step must carry the thought signature the model issued.
 */
function validateSignatures(contents: Json[], known: Set<string>): string | undefined {
  let start = 0;
  contents.forEach((content, i) => {
    if (content.role !== 'model' && partsOf(content).some((p) => typeof p.text === 'string')) start = i;
  });
  for (let i = start; i < contents.length; i++) {
    const content = contents[i];
    if (content.role !== 'model') continue;
    const calls = partsOf(content).filter((p) => field(p, 'functionCall') !== undefined);
    if (calls.length === 0) continue;
    const signature = field(calls[0], 'thoughtSignature');
    if (typeof signature !== 'string' || !known.has(signature)) {
      const name = (field(calls[0], 'functionCall') as Json).name;
      return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(name)}\` , position ${i + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
    }
  }
  return undefined;
}

function validateSystemInstruction(system: unknown): string | undefined {
  if (system === undefined) return undefined;
  if (!isObject(system) || !Array.isArray(system.parts)) return "Invalid value at 'system_instruction', expected a Content object.";
  for (let j = 0; j < system.parts.length; j++) {
    const problem = validatePart(system.parts[j], `system_instruction.parts[${j}]`);
    if (problem) return problem;
  }
  return undefined;
}

function validateGenerationConfig(config: unknown): string | undefined {
  if (config === undefined) return undefined;
  if (!isObject(config)) return "Invalid value at 'generation_config', expected an object.";
  const unknown = unknownField(GENERATION_FIELDS, config, 'generation_config');
  if (unknown) return unknown;
  const count = field(config, 'candidateCount');
  if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 8)) {
    return '* GenerateContentRequest.generation_config.candidate_count: candidate_count must be between 1 and 8.\n';
  }
  const temperature = field(config, 'temperature');
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 2)) {
    return '* GenerateContentRequest.generation_config.temperature: temperature must be in the range [0.0, 2.0].\n';
  }
  const thinking = field(config, 'thinkingConfig');
  if (thinking !== undefined) {
    if (!isObject(thinking)) return "Invalid value at 'generation_config.thinking_config', expected an object.";
    const problem = unknownField(THINKING_FIELDS, thinking, 'generation_config.thinking_config');
    if (problem) return problem;
  }
  const schema = field(config, 'responseSchema');
  if (schema !== undefined) {
    const problem = validateSchema(schema, 'generation_config.response_schema');
    if (problem) return problem;
    if (field(config, 'responseJsonSchema') !== undefined) return '* GenerateContentRequest.generation_config.response_schema: response_schema and response_json_schema cannot both be set.\n';
  }
  if ((schema !== undefined || field(config, 'responseJsonSchema') !== undefined) && field(config, 'responseMimeType') !== 'application/json' && field(config, 'responseMimeType') !== 'text/x.enum') {
    return '* GenerateContentRequest.generation_config.response_mime_type: response_mime_type must be set when response_schema is set.\n';
  }
  return undefined;
}

/** Gemini's Schema message: known fields only, a valid Type, and recursion into its children. */
export function validateSchema(schema: unknown, at: string): string | undefined {
  if (!isObject(schema)) return `Invalid value at '${at}', expected a Schema object.`;
  const unknown = unknownField(SCHEMA_FIELDS, schema, at);
  if (unknown) return unknown;
  const type = schema.type;
  if (type !== undefined && (typeof type !== 'string' || !SCHEMA_TYPES.has(type.toUpperCase()))) {
    return `Invalid value at '${at}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "${String(type)}"`;
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.some((v) => typeof v !== 'string'))) {
    return `Invalid value at '${at}.enum', expected a list of strings.`;
  }
  if (isObject(schema.properties)) {
    for (const [name, value] of Object.entries(schema.properties)) {
      const problem = validateSchema(value, `${at}.properties[${name}].value`);
      if (problem) return problem;
    }
  }
  if (schema.items !== undefined) {
    const problem = validateSchema(schema.items, `${at}.items`);
    if (problem) return problem;
  }
  if (Array.isArray(schema.anyOf)) {
    for (let i = 0; i < schema.anyOf.length; i++) {
      const problem = validateSchema(schema.anyOf[i], `${at}.any_of[${i}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function validateTools(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return "Invalid value at 'tools', expected a list.";
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (!isObject(tool)) return `Invalid value at 'tools[${i}]', expected an object.`;
    const declarations = field(tool, 'functionDeclarations');
    if (declarations === undefined) continue;
    if (!Array.isArray(declarations)) return `Invalid value at 'tools[${i}].function_declarations', expected a list.`;
    for (let j = 0; j < declarations.length; j++) {
      const at = `tools[${i}].function_declarations[${j}]`;
      const declaration = declarations[j];
      if (!isObject(declaration)) return `Invalid value at '${at}', expected an object.`;
      const unknown = unknownField(DECLARATION_FIELDS, declaration, at);
      if (unknown) return unknown;
      if (typeof declaration.name !== 'string' || !FUNCTION_NAME.test(declaration.name)) {
        return `* GenerateContentRequest.${at}.name: Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 64.\n`;
      }
      const parameters = field(declaration, 'parameters');
      if (parameters !== undefined) {
        const problem = validateSchema(parameters, `${at}.parameters`);
        if (problem) return problem;
        if (isObject(parameters) && String(parameters.type).toUpperCase() === 'OBJECT' && (!isObject(parameters.properties) || Object.keys(parameters.properties).length === 0)) {
          return `* GenerateContentRequest.${at}.parameters.properties: should be non-empty for OBJECT type\n`;
        }
      }
    }
  }
  return undefined;
}

function validateToolConfig(config: unknown): string | undefined {
  if (config === undefined) return undefined;
  if (!isObject(config)) return "Invalid value at 'tool_config', expected an object.";
  const calling = field(config, 'functionCallingConfig');
  if (calling === undefined) return undefined;
  if (!isObject(calling)) return "Invalid value at 'tool_config.function_calling_config', expected an object.";
  const mode = calling.mode;
  if (mode !== undefined && (typeof mode !== 'string' || !CALLING_MODES.has(mode))) {
    return `Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "${String(mode)}"`;
  }
  const allowed = field(calling, 'allowedFunctionNames');
  if (allowed !== undefined && mode !== 'ANY' && mode !== 'VALIDATED') {
    return '* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: allowed_function_names may only be set when mode is ANY.\n';
  }
  return undefined;
}
