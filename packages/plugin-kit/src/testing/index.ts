export type { Emulator, RecordedRequest, ScriptedReply, ScriptedToolCall, ScriptedUsage } from './emulator';
