import { startVerifier } from './verifier-app.js';

// The verifier page without its image decoder (≤ 300 KB): the seal is given as hex, read by a
// scanner app or typed from another device.
void startVerifier();
