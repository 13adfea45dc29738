import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../node/services/audit/audit-verify.js';
import { csrfOf, PortalVisitor, portalNode } from './_util/portal.js';
import { bioPagePdf, photoPng, visaFields } from './node.visas.fixtures.js';

type Node = Awaited<ReturnType<typeof portalNode>>;
const nodes: Node[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.cleanup();
});

const BIRTH_DATE = visaFields().birthDate;
const ASKED = 'Joignez une attestation d’hébergement à Bangui.';

interface Part {
  type: string;
  bytes: Uint8Array;
  name: string;
}

/** A node with a visa application the agent asked more of; its tracking number and ids. */
async function waitingApplication(ask = true) {
  const node = await portalNode();
  nodes.push(node);
  const { application } = await node.domain.visas.submit({
    fields: visaFields(),
    photo: { contentType: 'image/png', bytes: await photoPng() },
    bioPage: { contentType: 'application/pdf', bytes: bioPagePdf() },
  });
  if (ask) node.domain.visas.requestMoreInfo(application.id, ASKED, 'staff:agent');
  return { node, application };
}

/** Opens the tracking page with the secret, as the applicant does, then posts the upload form. */
async function upload(
  node: Node,
  trackingNumber: string,
  documents: Part[],
  options: { secret?: string; lang?: string } = {},
) {
  const visitor = new PortalVisitor(node);
  const page = await visitor.get(`/suivi?lang=${options.lang ?? 'fr'}`);
  const form = new FormData();
  form.append('_csrf', csrfOf(page.body));
  form.append('numero', trackingNumber);
  form.append('secret', options.secret ?? BIRTH_DATE);
  for (const part of documents)
    form.append('documents', new Blob([part.bytes], { type: part.type }), part.name);
  const request = new Request('http://portal/', { method: 'POST', body: form });
  const cookie = ['econsulat_csrf', 'econsulat_lang']
    .map((name) => [name, visitor.cookie(name)])
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
  return node.app.inject({
    method: 'POST',
    url: '/visa/complement',
    headers: { 'content-type': request.headers.get('content-type') as string, cookie },
    payload: Buffer.from(await request.arrayBuffer()),
  });
}

const pdf = (name = 'hebergement.pdf'): Part => ({ type: 'application/pdf', bytes: bioPagePdf(), name });

function stateOf(node: Node, applicationId: string) {
  const row = node.store.db
    .prepare(
      `SELECT v.state AS visa, f.state AS file FROM visa_applications v JOIN files f ON f.id = v.file_id
        WHERE v.id = ?`,
    )
    .get(applicationId) as { visa: string; file: string };
  const documents = (
    node.store.db
      .prepare(
        'SELECT count(*) AS n FROM file_documents d JOIN visa_applications v ON v.file_id = d.file_id WHERE v.id = ?',
      )
      .get(applicationId) as { n: number }
  ).n;
  return { ...row, documents };
}

describe('the applicant sends the documents an agent asked for, from the tracking page', () => {
  it('shows the request and a plain upload form with the secret, and the application goes back to the agent', async () => {
    const { node, application } = await waitingApplication();
    const visitor = new PortalVisitor(node);
    await visitor.get('/suivi');
    const page = await visitor.post('/suivi', { numero: application.trackingNumber, secret: BIRTH_DATE });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(ASKED);
    expect(page.body).toMatch(
      /<form method="post" action="\/visa\/complement" enctype="multipart\/form-data"/,
    );
    expect(page.body).toContain(`name="numero" type="text" value="${application.trackingNumber}"`);
    expect(page.body).not.toContain(BIRTH_DATE);
    expect(page.body).not.toMatch(/<script/);
    // Without the secret the request is not shown.
    const statusOnly = await visitor.post('/suivi', { numero: application.trackingNumber, secret: '' });
    expect(statusOnly.body).not.toContain(ASKED);

    expect(stateOf(node, application.id)).toEqual({
      visa: 'more_info_requested',
      file: 'awaiting_documents',
      documents: 2,
    });
    const response = await upload(node, application.trackingNumber, [pdf(), pdf('ressources.pdf')]);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Vos documents sont transmis');
    expect(stateOf(node, application.id)).toEqual({ visa: 'submitted', file: 'in_review', documents: 4 });
    expect(node.domain.visas.list('submitted').map((visa) => visa.id)).toEqual([application.id]);
    const audit = node.store.db
      .prepare(`SELECT actor FROM audit_log WHERE action = 'visa.more_info_provided' AND entity_id = ?`)
      .all(application.id) as { actor: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toMatch(/^applicant:/);
    expect(verifyAuditChain(node.store.db).ok).toBe(true);
    // The agent then prepares it as any application.
    expect(node.domain.visas.prepare(application.id, 'staff:agent').state).toBe('prepared');
  });

  it('refuses a wrong secret, storing nothing', async () => {
    const { node, application } = await waitingApplication();
    const response = await upload(node, application.trackingNumber, [pdf()], { secret: '1970-01-01' });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('role="alert"');
    expect(stateOf(node, application.id)).toEqual({
      visa: 'more_info_requested',
      file: 'awaiting_documents',
      documents: 2,
    });
  });

  it('refuses a disguised file (text named .pdf) in the applicant’s language, storing nothing', async () => {
    const { node, application } = await waitingApplication();
    const disguised: Part = {
      type: 'application/pdf',
      bytes: new TextEncoder().encode('not a pdf'),
      name: 'x.pdf',
    };
    for (const [lang, message] of [
      ['fr', 'Joignez un ou deux vrais fichiers PDF, JPEG ou PNG.'],
      ['en', 'Attach one or two real PDF, JPEG or PNG files.'],
      ['sg', 'Zîa fichier ôko wala ûse tî PDF, JPEG wala PNG tî tâ tënë.'],
    ] as const) {
      const response = await upload(node, application.trackingNumber, [pdf(), disguised], { lang });
      expect(response.statusCode).toBe(422);
      expect(response.body).toContain(`<html lang="${lang}">`);
      expect(response.body).toContain(message);
      expect(response.body).toContain(`value="${application.trackingNumber}"`);
    }
    // A PDF declared as a PNG is refused too: the bytes and the declaration must agree.
    const mislabelled = await upload(node, application.trackingNumber, [{ ...pdf(), type: 'image/png' }]);
    expect(mislabelled.statusCode).toBe(422);
    const none = await upload(node, application.trackingNumber, []);
    expect(none.statusCode).toBe(422);
    expect(stateOf(node, application.id)).toEqual({
      visa: 'more_info_requested',
      file: 'awaiting_documents',
      documents: 2,
    });
  });

  it('refuses an oversized document, storing nothing', async () => {
    const { node, application } = await waitingApplication();
    const big = new Uint8Array(5 * 1024 * 1024 + 1);
    big.set(bioPagePdf());
    const response = await upload(node, application.trackingNumber, [
      { type: 'application/pdf', bytes: big, name: 'big.pdf' },
    ]);
    expect(response.statusCode).toBe(413);
    expect(response.body).toContain('5 Mo');
    expect(stateOf(node, application.id)).toEqual({
      visa: 'more_info_requested',
      file: 'awaiting_documents',
      documents: 2,
    });
  });

  it('refuses documents for an application that is not waiting for information', async () => {
    const { node, application } = await waitingApplication(false);
    const response = await upload(node, application.trackingNumber, [pdf()]);
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('Ce dossier n’attend aucun document de votre part.');
    expect(stateOf(node, application.id)).toEqual({ visa: 'submitted', file: 'submitted', documents: 2 });
    // Nor does its tracking page offer the form.
    const visitor = new PortalVisitor(node);
    await visitor.get('/suivi');
    const page = await visitor.post('/suivi', { numero: application.trackingNumber, secret: BIRTH_DATE });
    expect(page.body).not.toContain('/visa/complement');
  });
});
