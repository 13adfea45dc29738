import type { LightMyRequestResponse } from 'fastify';
import { type PortalRateLimits, portalRoutes } from '../../node/http/portal/index.js';
import type { Domain } from '../../node/services/domain.js';
import { MONDAY_8AM, testClock } from './appointments.js';
import { buildTestNode, type TestNode } from './node-app.js';

/** Limits high enough that a test's own requests never meet them. */
export const HIGH_LIMITS: PortalRateLimits = {
  booking: 1000,
  confirm: 1000,
  change: 1000,
  lookup: 1000,
  submission: 1000,
  checkout: 1000,
  rollCallAnswer: 1000,
};

/** A Paris mission on Monday 2 March 2026, 08:00, with its portal. */
export async function portalNode(
  options: { limits?: Partial<PortalRateLimits>; start?: string } = {},
): Promise<TestNode & { clock: ReturnType<typeof testClock> }> {
  const clock = testClock(options.start ?? MONDAY_8AM);
  const node = await buildTestNode({
    now: clock.now,
    plugins: [(app, deps) => portalRoutes(app, { ...deps, rateLimits: options.limits ?? HIGH_LIMITS })],
  });
  return { ...node, clock };
}

/** The CSRF token of a page's first form. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/**
 * A visitor's browser over `inject()`: it keeps the cookies the portal sets, sends the headers given
 * once, and posts forms with the CSRF token of the page it last opened.
 */
export class PortalVisitor {
  readonly #cookies = new Map<string, string>();
  #lastPage = '';

  constructor(
    private readonly node: TestNode,
    private readonly headers: Record<string, string> = {},
  ) {}

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.node.app.inject({ method: 'GET', url, headers: this.#headers(headers) });
    this.#keep(response);
    return response;
  }

  /** Posts a form; `_csrf` is the last page's token unless given. */
  async post(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    const all = { _csrf: this.#lastPage ? tokenOrEmpty(this.#lastPage) : '', ...fields };
    for (const [name, value] of Object.entries(all)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
    }
    const response = await this.node.app.inject({
      method: 'POST',
      url,
      headers: this.#headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      payload: body.toString(),
    });
    this.#keep(response);
    return response;
  }

  /** Follows a 303 like a browser (GET of its Location). */
  async follow(response: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    const location = response.headers.location;
    if (response.statusCode !== 303 || typeof location !== 'string') {
      throw new Error(`expected a 303, got ${response.statusCode}: ${response.body.slice(0, 500)}`);
    }
    return this.get(location);
  }

  #headers(extra: Record<string, string>): Record<string, string> {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return { ...this.headers, ...extra, ...(cookie ? { cookie } : {}) };
  }

  #keep(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      if (cookie.maxAge === 0 || cookie.value === '') this.#cookies.delete(cookie.name);
      else this.#cookies.set(cookie.name, cookie.value);
    }
    if ((response.headers['content-type'] ?? '').toString().startsWith('text/html'))
      this.#lastPage = response.body;
  }
}

function tokenOrEmpty(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

/** The phone and birth date of the applicant of {@link openCounterFile}: the secrets that show the file's details. */
export const COUNTER_FILE_PHONE = '+33 6 12 34 56 78';
export const COUNTER_FILE_BIRTH_DATE = '1988-03-14';

/** Opens a consular-card file at the counter for Awa Yakité, with an open invoice of 10,000 XAF, as an agent would. */
export function openCounterFile(domain: Domain) {
  const { people, files, payments } = domain;
  const person = people.create(
    {
      givenNames: 'Awa',
      familyName: 'Yakité',
      phone: COUNTER_FILE_PHONE,
      birthDate: COUNTER_FILE_BIRTH_DATE,
    },
    'agent',
  );
  const file = files.open({ personId: person.id, serviceCode: 'consular-card', channel: 'counter' }, 'agent');
  const invoice = payments.createInvoice(
    {
      serviceCode: 'consular-card',
      fileId: file.id,
      lines: [{ label: 'Carte consulaire', unitMinor: 10_000, currency: 'XAF' }],
    },
    'agent',
  );
  return { file, invoice };
}
