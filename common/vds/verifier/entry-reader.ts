import { readDataMatrix } from './image-reader.js';
import { startVerifier } from './verifier-app.js';

// The verifier page with its image decoder (≤ 2 MB): a photo of the DataMatrix, or hex.
void startVerifier({ readImage: readDataMatrix });
