import bwipjs from 'bwip-js';

/**
 * The seal as a DataMatrix PNG. The seal is binary: bwip-js takes bytes when each character of
 * `text` is one byte (latin1) and `binarytext` keeps it from UTF-8 encoding them. A white
 * background and a quiet zone, so a phone camera finds the symbol's edges on the printed page.
 */
export function dataMatrixPng(seal: Uint8Array, scale = 4): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid: 'datamatrix',
    text: Buffer.from(seal).toString('latin1'),
    binarytext: true,
    scale,
    paddingwidth: 4,
    paddingheight: 4,
    backgroundcolor: 'FFFFFF',
  });
}
