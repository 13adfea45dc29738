import { toHex } from '../bytes.js';
import { type DecodedSeal, decodeSeal } from '../decode.js';
import { type VerifyRefusal, verifySeal } from '../verify.js';
import { browserOf, type PageBrowser, type PageElement, type PageFile, type PageInput } from './page-dom.js';
import { summariseSeal } from './seal-summary.js';
import { type LoadedTrust, recallTrust, rememberTrust, trustFromText } from './trust-memory.js';
import {
  AUTHENTIC_BUT_REFUSED,
  type Bilingual,
  OUTCOME_TEXTS,
  TRUST_TEXTS,
  type VerifierOutcome,
} from './verifier-texts.js';

/** Reads the seal's bytes from a photo of its DataMatrix; null when the image holds none. */
export type ImageReader = (image: PageFile) => Promise<Uint8Array | null>;

/** What the page is built with. */
export interface VerifierOptions {
  /** The DataMatrix decoder; without one the page takes the payload in hex only. */
  readonly readImage?: ImageReader;
  readonly browser?: PageBrowser;
}

// A bundle older than this is shown with a warning: revocations since are unknown to it.
const STALE_AFTER_DAYS = 30;
const DAY_MS = 86_400_000;

// Refusals decided after the signature was found to hold: the data is the issuer's, and the officer
// may need it (whose visa was revoked), so it is shown under a caption that says it is refused.
const AUTHENTIC_REFUSALS: readonly VerifyRefusal[] = ['revoked_document', 'expired', 'not_yet_valid'];

/**
 * Wires the verifier page: the trust bundle (picked from a file, or the one kept from the last
 * visit), the seal (hex typed or pasted, or a photo of its DataMatrix), and the answer. Everything
 * happens in the page; nothing is fetched.
 */
export async function startVerifier(options: VerifierOptions = {}): Promise<void> {
  const browser = options.browser ?? browserOf();
  const view = viewOf(browser);
  let trust: LoadedTrust | null = null;

  view.imageBlock.hidden = !options.readImage;
  view.noImageNote.hidden = !!options.readImage;

  const showTrust = () => renderTrust(view, trust);
  const check = async (bytes: Uint8Array) => {
    if (!browser.hasWebCrypto) return renderOutcome(view, 'no_crypto', '');
    if (!trust) return renderOutcome(view, 'no_bundle', '');
    const result = await verifySeal(bytes, trust.store, { now: new Date() });
    if (result.valid) return renderOutcome(view, 'valid', '', result.seal);
    const authentic = AUTHENTIC_REFUSALS.includes(result.reason) ? decodeSeal(bytes) : undefined;
    return renderOutcome(view, result.reason, result.detail, authentic);
  };

  view.bundleInput.addEventListener('change', () => {
    const file = view.bundleInput.files?.[0];
    if (!file) return;
    void (async () => {
      const savedAt = new Date().toISOString();
      try {
        const text = await file.text();
        trust = await trustFromText(text, savedAt);
        rememberTrust(browser.storage, text, savedAt);
        showTrust();
      } catch (error) {
        showTrust();
        renderTrustRefusal(view, error instanceof Error ? error.message : String(error));
      }
    })();
  });

  view.hexForm.addEventListener('submit', (event) => {
    event.preventDefault();
    renderPending(view);
    const bytes = parseHex(view.hexInput.value);
    void (bytes ? check(bytes) : Promise.resolve(renderOutcome(view, 'not_hex', '')));
  });

  for (const input of [view.photoInput, view.imageInput]) {
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      const readImage = options.readImage;
      if (!file || !readImage) return;
      renderPending(view);
      void (async () => {
        let bytes: Uint8Array | null;
        try {
          bytes = await readImage(file);
        } catch (error) {
          return renderOutcome(view, 'reader_failed', error instanceof Error ? error.message : String(error));
        }
        if (!bytes) return renderOutcome(view, 'no_barcode', file.name);
        view.hexInput.value = toHex(bytes);
        return check(bytes);
      })();
    });
  }

  if (browser.hasWebCrypto) trust = await recallTrust(browser.storage);
  showTrust();
  view.page.dataset.ready = 'true';
}

/** Hex digits with any spaces or line breaks; null for anything else. */
export function parseHex(text: string): Uint8Array | null {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(compact)) return null;
  const bytes = new Uint8Array(compact.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(compact.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

interface View {
  readonly page: PageElement;
  readonly trustStatus: PageElement;
  readonly trustWarning: PageElement;
  readonly bundleInput: PageInput;
  readonly imageBlock: PageElement;
  readonly noImageNote: PageElement;
  readonly photoInput: PageInput;
  readonly imageInput: PageInput;
  readonly hexForm: PageElement;
  readonly hexInput: PageInput;
  readonly result: PageElement;
  readonly verdict: PageElement;
  readonly detail: PageElement;
  readonly dataCaption: PageElement;
  readonly data: PageElement;
  readonly document: PageBrowser['document'];
}

function viewOf(browser: PageBrowser): View {
  const byId = <T extends PageElement>(id: string): T => {
    const element = browser.document.getElementById(id);
    if (!element) throw new TypeError(`the page has no #${id}`);
    return element as T;
  };
  return {
    page: byId('verifier'),
    trustStatus: byId('trust-status'),
    trustWarning: byId('trust-warning'),
    bundleInput: byId('bundle-file'),
    imageBlock: byId('image-block'),
    noImageNote: byId('no-image-note'),
    photoInput: byId('seal-photo'),
    imageInput: byId('seal-image'),
    hexForm: byId('hex-form'),
    hexInput: byId('seal-hex'),
    result: byId('result'),
    verdict: byId('verdict'),
    detail: byId('verdict-detail'),
    dataCaption: byId('data-caption'),
    data: byId('seal-data'),
    document: browser.document,
  };
}

function bilingual(view: View, text: Bilingual): PageElement[] {
  return (['fr', 'en'] as const).map((lang) => {
    const span = view.document.createElement('span');
    span.lang = lang;
    span.className = lang;
    span.textContent = text[lang];
    return span;
  });
}

function renderTrust(view: View, trust: LoadedTrust | null): void {
  view.trustWarning.hidden = true;
  if (!trust) {
    view.trustStatus.dataset.state = 'none';
    view.trustStatus.replaceChildren(...bilingual(view, TRUST_TEXTS.none));
    return;
  }
  const { issuedAt } = trust.store;
  view.trustStatus.dataset.state = 'loaded';
  view.trustStatus.dataset.issuedAt = issuedAt;
  view.trustStatus.replaceChildren(
    ...bilingual(view, TRUST_TEXTS.loaded(minute(issuedAt), minute(trust.savedAt), trust.store.signers.size)),
  );
  const days = Math.floor((Date.now() - Date.parse(issuedAt)) / DAY_MS);
  if (days > STALE_AFTER_DAYS) {
    view.trustWarning.hidden = false;
    view.trustWarning.replaceChildren(...bilingual(view, TRUST_TEXTS.stale(days)));
  }
}

function renderTrustRefusal(view: View, reason: string): void {
  view.trustWarning.hidden = false;
  view.trustWarning.dataset.state = 'refused';
  view.trustWarning.replaceChildren(...bilingual(view, TRUST_TEXTS.refused(reason)));
}

function renderPending(view: View): void {
  view.result.hidden = false;
  view.result.dataset.outcome = 'pending';
  view.result.className = 'pending';
  view.verdict.replaceChildren(...bilingual(view, { fr: 'Vérification…', en: 'Checking…' }));
  view.detail.textContent = '';
  view.dataCaption.hidden = true;
  view.data.replaceChildren();
}

function renderOutcome(view: View, outcome: VerifierOutcome, detail: string, seal?: DecodedSeal): void {
  view.result.hidden = false;
  view.result.dataset.outcome = outcome;
  view.result.className = outcome === 'valid' ? 'valid' : 'refused';
  view.verdict.replaceChildren(...bilingual(view, OUTCOME_TEXTS[outcome]));
  const checkedAt = `${minute(new Date().toISOString())} UTC`;
  view.detail.textContent = detail ? `${outcome}: ${detail} — ${checkedAt}` : `${outcome} — ${checkedAt}`;
  view.dataCaption.hidden = !seal || outcome === 'valid';
  if (seal && outcome !== 'valid')
    view.dataCaption.replaceChildren(...bilingual(view, AUTHENTIC_BUT_REFUSED));
  view.data.replaceChildren(...(seal ? summariseSeal(seal) : []).map((row) => dataRow(view, row)));
}

function dataRow(view: View, row: ReturnType<typeof summariseSeal>[number]): PageElement {
  const tr = view.document.createElement('tr');
  tr.dataset.field = row.field;
  const th = view.document.createElement('th');
  th.append(...bilingual(view, row.label));
  const td = view.document.createElement('td');
  if (typeof row.value === 'string') td.textContent = row.value;
  else td.append(...bilingual(view, row.value));
  if (row.field === 'mrz') td.className = 'mrz';
  tr.append(th, td);
  return tr;
}

/** An ISO instant to the minute, as `2026-12-06 09:00`. */
function minute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}
