// The emulator control contract lives in the plugin kit, so plugin authors can script their own emulators.
export type { Emulator, RecordedRequest, ScriptedReply, ScriptedToolCall, ScriptedUsage } from '@switchyard/plugin-kit/testing';
