export { startVllmEmulator } from './emulator.js';
export { countWords, emulatedEmbedding, emulatedText, emulatedToken, float32ToBase64 } from './content.js';
export type { EmulatorAbort, EmulatorBehavior, EmulatorEndpoint, EmulatorOptions, EmulatorStats, VllmEmulator } from './types.js';
