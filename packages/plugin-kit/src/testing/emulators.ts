/*
 * The upstream emulators of this checkout, for plugin tests: a provider for an OpenAI-compatible
 * vendor runs the conformance suite against the OpenAI emulator. Emulators for other wire formats
 * live beside it (test/emulators) and follow the same Emulator contract.
 */
export { startOpenAIEmulator } from '../../../../test/emulators/openai';
export type { OpenAIEmulator, OpenAIEmulatorOptions, OpenAIRecordedRequest } from '../../../../test/emulators/openai';
