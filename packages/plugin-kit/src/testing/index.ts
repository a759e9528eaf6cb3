export type { Emulator, RecordedRequest, ScriptedReply, ScriptedToolCall, ScriptedUsage } from './emulator';
export { describeProviderConformance } from './conformance';
export type { ConformanceCapabilities, ProviderConformanceTarget } from './conformance';
export { createOpenAIValidator, defaultOpenAISpecPath, expectOpenAIValid, validateOpenAI } from './openapi';
export type { OpenAIValidator, OpenAIValidatorOptions } from './openapi';
export { assembleStream } from './stream-assembly';
export type { AssembledChoice, AssembledStream, AssembledToolCall } from './stream-assembly';
export { startOpenAIClientRelay, PROBE_PNG_BASE64 } from './openai-client-relay';
export type { OpenAIClientRelay } from './openai-client-relay';
