import { describe, expect, it } from 'vitest';
import { qrSvg } from './qr-svg.js';

const URI =
  'otpauth://totp/e-Consulat%20RCA%20(MAE):agent?issuer=e-Consulat%20RCA%20(MAE)&secret=JBSWY3DPEHPK3PXP';

/** The dark modules a drawing has, as "x,y". */
function darkModules(svg: string): Set<string> {
  return new Set([...svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${m[1]},${m[2]}`));
}

describe('qrSvg', () => {
  it('draws the symbol with attributes only: no script, no style, nothing of the text in the markup', () => {
    const svg = qrSvg(URI);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
    expect(svg).not.toMatch(/<script|style=|<style|href=/);
    expect(svg).not.toContain('JBSWY3DPEHPK3PXP');
  });

  it('leaves a quiet zone of four modules and draws the finder pattern just inside it', () => {
    const svg = qrSvg(URI);
    const size = Number(/viewBox="0 0 (\d+)/.exec(svg)?.[1]);
    const dark = darkModules(svg);
    for (const [x, y] of [...dark].map((key) => key.split(',').map(Number))) {
      expect(Math.min(x as number, y as number)).toBeGreaterThanOrEqual(4);
      expect(Math.max(x as number, y as number)).toBeLessThan(size - 4);
    }
    // ISO/IEC 18004 §6.3.3: the top-left finder's outer ring is 7 dark modules wide, its centre 3×3.
    for (let i = 0; i < 7; i += 1) {
      expect(dark.has(`${4 + i},4`)).toBe(true);
      expect(dark.has(`4,${4 + i}`)).toBe(true);
    }
    expect(dark.has('5,5')).toBe(false);
    expect(dark.has('7,7')).toBe(true);
  });
});
