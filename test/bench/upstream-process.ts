import { startOpenAIEmulator } from '../emulators/openai';

// The benchmark's upstream: the OpenAI emulator with request recording off.
const emulator = await startOpenAIEmulator({ recordRequests: false });
process.stdout.write(`READY ${emulator.openaiUrl}\n`);
process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
